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

use iced::widget::{button, text};
use iced::{Alignment, Element};

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
