//! Sign-in: user and PIN. A demo store shows its users and their PIN.

use iced::widget::{Id, button, column, text, text_input};
use iced::{Element, Length};

use crate::gui::{App, Message, rtl, style};
use citizen_desk::demo::{DEMO_PIN, DEMO_USERS};
use citizen_desk::i18n::tr;

pub const USER_ID: &str = "sign-in-user";
pub const PIN_ID: &str = "sign-in-pin";

pub fn view(app: &App) -> Element<'_, Message> {
    let mut page = column![
        rtl::line(app.lang, app.t("gui-sign-in-title"), style::TITLE),
        rtl::side(
            app.lang,
            text_input(&app.t("gui-user"), &app.user)
                .id(Id::new(USER_ID))
                .on_input(Message::UserChanged)
                .on_submit(Message::UserEntered)
                .width(Length::Fixed(320.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE)
        ),
        rtl::side(
            app.lang,
            text_input(&app.t("gui-pin"), &app.pin)
                .id(Id::new(PIN_ID))
                .secure(true)
                .on_input(Message::PinChanged)
                .on_submit(Message::SignIn)
                .width(Length::Fixed(320.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE)
        ),
        rtl::side(
            app.lang,
            button(text(app.t("gui-sign-in"))).on_press(Message::SignIn)
        ),
    ]
    .spacing(10);
    if let Some(key) = &app.recovery_key {
        page = page.push(rtl::line(app.lang, app.t("done-recovery-key"), style::BODY));
        // The key is Latin letters and digits: shown left to right, large.
        page = page.push(text(key.as_str()).size(18).font(iced::Font::MONOSPACE));
    }
    if app.demo {
        page = page.push(rtl::line(
            app.lang,
            tr(app.lang, "gui-demo-users", &[("pin", DEMO_PIN)]),
            style::BODY,
        ));
        for (name, role) in DEMO_USERS {
            page = page.push(rtl::side(
                app.lang,
                button(text(format!(
                    "{name} — {}",
                    tr(app.lang, role.label_id(), &[])
                )))
                .style(button::secondary)
                .on_press(Message::PickUser(name.to_owned())),
            ));
        }
    }
    page.into()
}
