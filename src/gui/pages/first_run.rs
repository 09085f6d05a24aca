//! No store in the data directory yet: set up a center, or open a demo.

use iced::widget::{button, column, text, text_input};
use iced::{Element, Length};

use crate::gui::{App, Message, rtl, style};

pub fn view(app: &App) -> Element<'_, Message> {
    let input = |placeholder: &str, value: &str, on: fn(String) -> Message, secure: bool| {
        rtl::side(
            app.lang,
            text_input(&app.t(placeholder), value)
                .on_input(on)
                .secure(secure)
                .width(Length::Fixed(320.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE),
        )
    };
    column![
        rtl::line(app.lang, app.t("gui-first-run"), style::SECTION),
        rtl::line(app.lang, app.data_dir.display().to_string(), style::HINT),
        rtl::side(
            app.lang,
            button(text(app.t("gui-open-demo"))).on_press(Message::OpenDemo)
        ),
        rtl::line(app.lang, app.t("gui-or-set-up"), style::SECTION),
        input(
            "gui-center-code",
            &app.init_center,
            Message::InitCenter,
            false
        ),
        input("gui-desk-code", &app.init_desk, Message::InitDesk, false),
        input("gui-admin-name", &app.init_admin, Message::InitAdmin, false),
        input("gui-new-pin", &app.init_pin, Message::InitPin, true),
        rtl::side(
            app.lang,
            button(text(app.t("gui-create-store"))).on_press(Message::CreateStore)
        ),
    ]
    .spacing(10)
    .into()
}
