//! Conflicts: changes the hub refused (say a request cancelled centrally
//! while this desk printed it offline). The desk kept its own record; a
//! supervisor settles each with a note (Arabic free text, in the
//! right-to-left field), accepting the hub's state. Settling is the
//! library's supervisor-only action; a supervisor may do it at a clerk's
//! desk with their own PIN.

use iced::widget::{Id, button, column};
use iced::{Element, Length};

use super::supervisor_fields;
use crate::gui::rtl_input::rtl_input;
use crate::gui::{App, Message, rtl, style};
use citizen_desk::i18n::tr;

pub const NOTE_ID: &str = "conflict-note";
pub const SUPERVISOR_ID: &str = "conflict-supervisor";
pub const SUPERVISOR_PIN_ID: &str = "conflict-supervisor-pin";

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let mut page = column![rtl::line(lang, app.t("gui-conflicts-title"), style::TITLE)].spacing(10);
    if app.conflicts.is_empty() {
        return page
            .push(rtl::line(lang, app.t("conflicts-none"), style::BODY))
            .into();
    }
    page = page.push(supervisor_fields(
        app,
        (SUPERVISOR_ID, SUPERVISOR_PIN_ID),
        None,
        Vec::new(),
    ));
    page = page.push(rtl::side(
        lang,
        rtl_input(
            &app.t("gui-settle-note"),
            &app.settle_note,
            Message::SettleNoteChanged,
        )
        .id(Id::new(NOTE_ID))
        .width(Length::Fixed(560.0)),
    ));
    for c in &app.conflicts {
        let line = c.message().text(lang);
        page = page.push(rtl::row(
            lang,
            vec![
                rtl::line(lang, line, style::BODY),
                button(iced::widget::text(tr(lang, "gui-settle", &[])))
                    .on_press_maybe(
                        (!app.settle_note.trim().is_empty()).then_some(Message::Settle(c.id)),
                    )
                    .into(),
            ],
        ));
    }
    page.into()
}
