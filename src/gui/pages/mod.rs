//! The pages, one module each with its own `State`, `Message`, `update`
//! and `view`; and what every signed-in page shares: the top bar, the
//! status bar, the confirmation bar, and a few view helpers.

pub mod admin;
pub mod conflicts;
pub mod first_run;
pub mod home;
pub mod outbox;
pub mod request;
pub mod settings;
pub mod sign_in;
pub mod verify;

use std::path::Path;

use crate::gui::focus::{self, button};
use crate::gui::style::text;
use iced::widget::{Id, text_input};
use iced::{Alignment, Element, Length};

use super::desk::{Confirm, Desk, Page, Status};
use super::{Message, rtl, style};
use citizen_desk::i18n::{Lang, tr};
use citizen_desk::store::{Session, Store};

/// What a signed-in page's `view` may read besides its own state.
pub struct View<'a> {
    pub lang: Lang,
    pub store: &'a Store,
    pub session: &'a Session,
    pub status: &'a Status,
    pub data_dir: &'a Path,
}

impl View<'_> {
    pub fn t(&self, id: &str) -> String {
        tr(self.lang, id, &[])
    }

    /// Arabic-Indic digits in the Arabic interface, Latin in the English one.
    pub fn digits(&self, s: &str) -> String {
        digits(self.lang, s)
    }
}

/// The page shown on the desk, its messages wrapped for the shell.
pub fn page<'a>(desk: &'a Desk, cx: &View<'a>) -> Element<'a, Message> {
    match desk.page {
        Page::Home => desk.home.view(cx).map(Message::Home),
        Page::Request => desk.request.view(cx).map(Message::Request),
        Page::Outbox => desk.outbox.view(cx).map(Message::Outbox),
        Page::Verify => desk.verify.view(cx).map(Message::Verify),
        // The language button is the shell's.
        Page::Settings => desk.settings.view(cx).map(|m| match m {
            settings::Message::ToggleLang => Message::ToggleLang,
            m => Message::Settings(m),
        }),
        Page::Admin => desk.admin.view(cx).map(Message::Admin),
        Page::Conflicts => desk.conflicts.view(cx).map(Message::Conflicts),
    }
}

/// Who is signed in, and where they can go.
pub fn top_bar<'a>(cx: &View<'a>, shown: Page) -> Element<'a, Message> {
    let who = format!(
        "{} — {}",
        cx.session.name(),
        tr(cx.lang, cx.session.role().label_id(), &[])
    );
    // Each button shows its key beside its words.
    let keyed = |label: &str, key: &'static str| -> Element<'a, Message> {
        style::with_key(cx.lang, text(cx.t(label)).into(), key)
    };
    let nav = |label: &str, key: &'static str, page: Page| {
        let b = button(keyed(label, key));
        if shown == page {
            b
        } else {
            b.on_press(Message::Go(page))
        }
    };
    rtl::row(
        cx.lang,
        vec![
            rtl::line(cx.lang, who, style::SECTION),
            nav("gui-nav-lookup", "F2", Page::Home).into(),
            nav("gui-nav-outbox", "F3", Page::Outbox).into(),
            nav("gui-nav-verify", "F4", Page::Verify).into(),
            nav("gui-nav-settings", "F5", Page::Settings).into(),
            nav("gui-nav-admin", "F6", Page::Admin).into(),
            button(keyed("gui-switch-language", "F9"))
                .on_press(Message::ToggleLang)
                .into(),
            button(text(cx.t("gui-sign-out")))
                .style(button::secondary)
                .on_press(Message::SignOut)
                .into(),
        ],
    )
    .align_y(Alignment::Center)
    .into()
}

/// The sync state on every signed-in page: online or not, what waits to
/// sync, open conflicts, the last successful sync in local time, and the
/// printer.
pub fn status_bar<'a>(cx: &View<'a>) -> Element<'a, Message> {
    let lang = cx.lang;
    let Some(s) = &cx.status.sync else {
        return text("").into();
    };
    let link = match &s.hub {
        None => cx.t("gui-status-standalone"),
        Some(_) if cx.status.syncing => cx.t("gui-status-syncing"),
        Some(_) if s.online => cx.t("gui-status-online"),
        Some(_) => cx.t("gui-status-offline"),
    };
    let last = s
        .last_success
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| local_time(lang, t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|| cx.t("gui-status-never"));
    let printer = cx
        .status
        .printer
        .clone()
        .unwrap_or_else(|| cx.t("gui-status-no-printer"));
    let line = tr(
        lang,
        "gui-status-bar",
        &[
            ("link", &link),
            ("queued", &cx.digits(&s.queued.to_string())),
            ("conflicts", &cx.digits(&s.open_conflicts.to_string())),
            ("last", &last),
            ("printer", &printer),
        ],
    );
    let color = if s.hub.is_some() && !s.online {
        style::WARNING
    } else {
        style::MUTED
    };
    // The link's state at a glance, beside its words (never alone).
    let icon = match (&s.hub, s.online) {
        (Some(_), true) => style::Icon::Online,
        _ => style::Icon::Offline,
    };
    let glyph = icon.glyph().to_string();
    rtl::side(
        lang,
        rtl::row(
            lang,
            vec![
                text(glyph)
                    .font(style::ICON_FONT)
                    .size(15)
                    .color(color)
                    .line_height(rtl::TALL)
                    .into(),
                text(line)
                    .size(15)
                    .color(color)
                    .line_height(rtl::TALL)
                    .into(),
            ],
        )
        .spacing(6)
        .align_y(Alignment::Center),
    )
}

/// A time as staff read it: Damascus time, day/month hour:minute, in the
/// interface's digits.
pub fn local_time(lang: Lang, t: chrono::DateTime<chrono::Utc>) -> String {
    let local = t
        .with_timezone(&chrono_tz::Asia::Damascus)
        .format("%d/%m %H:%M");
    digits(lang, &local.to_string())
}

/// Arabic-Indic digits in the Arabic interface, Latin in the English one.
pub fn digits(lang: Lang, s: &str) -> String {
    if lang == Lang::Ar {
        citizen_desk::documents::render::Digits::ArabicIndic.apply(s)
    } else {
        s.to_owned()
    }
}

/// The question before an irreversible step, with its two answers
/// (Enter in no field: the buttons; Escape: no).
pub fn confirm_bar(lang: Lang, confirm: &Confirm) -> Element<'_, Message> {
    rtl::side(
        lang,
        rtl::row(
            lang,
            vec![
                text(confirm.question.as_str())
                    .size(17)
                    .line_height(rtl::TALL)
                    .into(),
                button(text(tr(lang, "gui-confirm-yes", &[])))
                    .style(button::danger)
                    .on_press(Message::Confirmed)
                    .into(),
                button(text(tr(lang, "gui-confirm-no", &[])))
                    .style(button::secondary)
                    .on_press(Message::Escape)
                    .into(),
            ],
        )
        .align_y(Alignment::Center),
    )
}

/// "label: value" in reading order.
pub fn field<'a, M: 'a>(lang: Lang, label: String, value: String) -> Element<'a, M> {
    rtl::line(lang, format!("{label}: {value}"), style::BODY)
}

/// A supervisor's name and own PIN typed at a desk (manager-override
/// style): the fields' ids and values and the messages they send.
pub struct SupervisorFields<'a, M> {
    pub ids: (&'static str, &'static str),
    pub name: &'a str,
    pub pin: &'a str,
    pub on_name: fn(String) -> M,
    pub on_pin: fn(String) -> M,
    /// Enter or Tab in the name: the page moves the focus on to the PIN.
    pub on_name_submit: M,
    /// What was typed after that, before the focus got to the PIN (see
    /// [`focus::NameField`]).
    pub on_ahead: fn(focus::Ahead) -> M,
    /// Enter in the PIN.
    pub on_submit: Option<M>,
}

/// The supervisor's fields in a row; `extra` follows them (e.g. the
/// button they authorise).
pub fn supervisor_fields<'a, M: Clone + 'a>(
    lang: Lang,
    f: SupervisorFields<'a, M>,
    extra: Vec<Element<'a, M>>,
) -> Element<'a, M> {
    let mut cells: Vec<Element<'a, M>> = vec![
        // Enter (a supervisor's habit) and Tab go on to the PIN; what is
        // typed before the focus got there goes to the PIN, never into
        // the name in clear.
        focus::name_field(
            text_input(&tr(lang, "gui-supervisor", &[]), f.name)
                .id(Id::new(f.ids.0))
                .on_input(f.on_name)
                .width(Length::Fixed(240.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE),
            f.on_name_submit,
            f.on_ahead,
        )
        .into(),
        text_input(&tr(lang, "gui-supervisor-pin", &[]), f.pin)
            .id(Id::new(f.ids.1))
            .secure(true)
            .on_input(f.on_pin)
            .on_submit_maybe(f.on_submit)
            .width(Length::Fixed(200.0))
            .padding(8)
            .line_height(rtl::INPUT_LINE)
            .into(),
    ];
    cells.extend(extra);
    rtl::side(lang, rtl::row(lang, cells))
}

/// The digits of a PIN as typed, in Latin digits, at most twelve.
pub fn digits_only(v: &str) -> String {
    // Arabic-Indic digits count too: a PIN typed on an Arabic keyboard.
    v.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '٠'..='٩' => char::from_u32(c as u32 - 0x0660 + '0' as u32),
            '۰'..='۹' => char::from_u32(c as u32 - 0x06F0 + '0' as u32),
            _ => None,
        })
        .take(12)
        .collect()
}

/// An error of the library in words.
pub fn words(lang: Lang, err: citizen_desk::Error) -> String {
    err.message().text(lang)
}
