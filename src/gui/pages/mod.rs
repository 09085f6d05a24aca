//! One free function per page.

pub mod admin;
pub mod conflicts;
pub mod first_run;
pub mod home;
pub mod outbox;
pub mod request;
pub mod settings;
pub mod sign_in;
pub mod verify;

use iced::widget::{Id, button, text, text_input};
use iced::{Alignment, Element, Length};

use super::{App, Message, Page, rtl, style};
use citizen_desk::i18n::tr;

/// Who is signed in, and where they can go.
pub fn top_bar(app: &App) -> Element<'_, Message> {
    let who = app
        .session
        .as_ref()
        .map(|s| format!("{} — {}", s.name(), tr(app.lang, s.role().label_id(), &[])))
        .unwrap_or_default();
    let nav = |label: &str, page: Page| {
        let b = button(text(app.t(label)));
        if app.page == page {
            b
        } else {
            b.on_press(Message::Go(page))
        }
    };
    rtl::row(
        app.lang,
        vec![
            rtl::line(app.lang, who, style::SECTION),
            nav("gui-nav-lookup", Page::Home).into(),
            nav("gui-nav-outbox", Page::Outbox).into(),
            nav("gui-nav-verify", Page::Verify).into(),
            nav("gui-nav-settings", Page::Settings).into(),
            nav("gui-nav-admin", Page::Admin).into(),
            button(text(app.t("gui-switch-language")))
                .on_press(Message::ToggleLang)
                .into(),
            button(text(app.t("gui-sign-out")))
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
pub fn status_bar(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let Some(s) = &app.sync_status else {
        return text("").into();
    };
    let link = match &s.hub {
        None => app.t("gui-status-standalone"),
        Some(_) if app.syncing => app.t("gui-status-syncing"),
        Some(_) if s.online => app.t("gui-status-online"),
        Some(_) => app.t("gui-status-offline"),
    };
    let last = s
        .last_success
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| local_time(app, t.with_timezone(&chrono::Utc)))
        .unwrap_or_else(|| app.t("gui-status-never"));
    let printer = app
        .printer
        .clone()
        .unwrap_or_else(|| app.t("gui-status-no-printer"));
    let line = tr(
        lang,
        "gui-status-bar",
        &[
            ("link", &link),
            ("queued", &digits(app, &s.queued.to_string())),
            ("conflicts", &digits(app, &s.open_conflicts.to_string())),
            ("last", &last),
            ("printer", &printer),
        ],
    );
    let color = if s.hub.is_some() && !s.online {
        style::WARNING
    } else {
        style::MUTED
    };
    rtl::side(
        lang,
        text(line).size(15).color(color).line_height(rtl::TALL),
    )
}

/// A time as staff read it: Damascus time, day/month hour:minute, in the
/// interface's digits.
pub fn local_time(app: &App, t: chrono::DateTime<chrono::Utc>) -> String {
    let local = t
        .with_timezone(&chrono_tz::Asia::Damascus)
        .format("%d/%m %H:%M");
    digits(app, &local.to_string())
}

/// Arabic-Indic digits in the Arabic interface, Latin in the English one.
pub fn digits(app: &App, s: &str) -> String {
    if app.lang == citizen_desk::i18n::Lang::Ar {
        citizen_desk::documents::render::Digits::ArabicIndic.apply(s)
    } else {
        s.to_owned()
    }
}

/// The question before an irreversible step, with its two answers
/// (Enter in no field: the buttons; Escape: no).
pub fn confirm_bar<'a>(app: &'a App, confirm: &'a crate::gui::Confirm) -> Element<'a, Message> {
    rtl::side(
        app.lang,
        rtl::row(
            app.lang,
            vec![
                text(confirm.question.as_str())
                    .size(17)
                    .line_height(rtl::TALL)
                    .into(),
                button(text(app.t("gui-confirm-yes")))
                    .style(button::danger)
                    .on_press(Message::Confirmed)
                    .into(),
                button(text(app.t("gui-confirm-no")))
                    .style(button::secondary)
                    .on_press(Message::Escape)
                    .into(),
            ],
        )
        .align_y(Alignment::Center),
    )
}

/// "label: value" in reading order.
pub fn field<'a>(app: &App, label: String, value: String) -> Element<'a, Message> {
    rtl::line(app.lang, format!("{label}: {value}"), style::BODY)
}

/// A supervisor's name and own PIN typed at this desk (manager-override
/// style), the PIN field submitting `on_submit`; `extra` follows them in
/// the row (e.g. the button they authorise).
pub fn supervisor_fields<'a>(
    app: &'a App,
    ids: (&'static str, &'static str),
    on_submit: Option<Message>,
    extra: Vec<Element<'a, Message>>,
) -> Element<'a, Message> {
    let mut cells: Vec<Element<'a, Message>> = vec![
        text_input(&app.t("gui-supervisor"), &app.sup_name)
            .id(Id::new(ids.0))
            .on_input(Message::SupNameChanged)
            // Enter (a supervisor's habit) goes on to the PIN, never past it.
            .on_submit(Message::Focus(ids.1))
            .width(Length::Fixed(240.0))
            .padding(8)
            .line_height(rtl::INPUT_LINE)
            .into(),
        text_input(&app.t("gui-supervisor-pin"), &app.sup_pin)
            .id(Id::new(ids.1))
            .secure(true)
            .on_input(Message::SupPinChanged)
            .on_submit_maybe(on_submit)
            .width(Length::Fixed(200.0))
            .padding(8)
            .line_height(rtl::INPUT_LINE)
            .into(),
    ];
    cells.extend(extra);
    rtl::side(app.lang, rtl::row(app.lang, cells))
}
