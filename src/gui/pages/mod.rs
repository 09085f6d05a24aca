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

use super::{App, Message, Page, rtl};
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
            rtl::line(app.lang, who, 18.0),
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

/// "label: value" in reading order.
pub fn field<'a>(app: &App, label: String, value: String) -> Element<'a, Message> {
    rtl::line(app.lang, format!("{label}: {value}"), 16.0)
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
