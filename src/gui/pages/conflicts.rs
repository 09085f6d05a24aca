//! Conflicts: changes the hub refused (say a request cancelled centrally
//! while this desk printed it offline). The desk kept its own record; a
//! supervisor settles each with a note (Arabic free text, in the
//! right-to-left field), accepting the hub's state. Settling is the
//! library's supervisor-only action; a supervisor may do it at a clerk's
//! desk with their own PIN (checked, argon2, in the background).

use crate::gui::focus::button;
use crate::gui::style::text;
use iced::widget::{Id, column};
use iced::{Element, Length, Task};

use super::{SupervisorFields, View, digits_only, supervisor_fields, words};
use crate::gui::desk::{Ctx, Event};
use crate::gui::rtl_input::rtl_input;
use crate::gui::{Flash, rtl, style};
use citizen_desk::i18n::tr;
use citizen_desk::store::{Conflict, Store};

pub const NOTE_ID: &str = "conflict-note";
pub const SUPERVISOR_ID: &str = "conflict-supervisor";
pub const SUPERVISOR_PIN_ID: &str = "conflict-supervisor-pin";

#[derive(Debug, Default)]
pub struct State {
    /// The open conflicts.
    pub list: Vec<Conflict>,
    /// The settling note.
    pub note: String,
    pub sup_name: String,
    pub sup_pin: String,
    /// Settling in the background (its words on screen).
    pub busy: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub enum Message {
    NoteChanged(String),
    SupName(String),
    SupPin(String),
    /// Enter in the supervisor's name: on to the PIN.
    SupNameEntered,
    /// Typed in the supervisor's name before the focus got to the PIN.
    SupAhead(crate::gui::focus::Ahead),
    Settle(i64),
    /// How settling went, in words.
    Settled(Result<String, String>),
}

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        match message {
            Message::NoteChanged(v) => self.note = v,
            Message::SupName(v) => self.sup_name = v.trim().to_owned(),
            Message::SupPin(v) => self.sup_pin = digits_only(&v),
            Message::SupNameEntered => {
                return (iced::widget::operation::focus(SUPERVISOR_PIN_ID), None);
            }
            Message::SupAhead(crate::gui::focus::Ahead::Text(t)) => {
                self.sup_pin = digits_only(&format!("{}{t}", self.sup_pin));
            }
            // Each conflict has its own Settle button: Enter settles none.
            Message::SupAhead(crate::gui::focus::Ahead::Enter) => {}
            Message::Settle(id) => return (self.settle(id, cx), None),
            Message::Settled(Ok(said)) => {
                self.busy = None;
                self.note.clear();
                let event = self.load(cx);
                return (Task::none(), event.or(Some(Event::Done(Flash::Ok(said)))));
            }
            Message::Settled(Err(why)) => {
                self.busy = None;
                return (Task::none(), Some(Event::Flash(Flash::Err(why))));
            }
        }
        (Task::none(), None)
    }

    /// The open conflicts as the store has them now.
    pub fn load(&mut self, cx: &mut Ctx<'_>) -> Option<Event> {
        match cx.store.conflicts(cx.session, false) {
            Ok(list) => {
                self.list = list;
                None
            }
            Err(e) => Some(cx.refused(e)),
        }
    }

    /// Settles a conflict with the note: by the supervisor named in the
    /// supervisor fields (their own PIN), or by whoever is signed in; the
    /// library allows supervisors only.
    fn settle(&mut self, id: i64, cx: &Ctx<'_>) -> Task<Message> {
        if self.busy.is_some() {
            return Task::none();
        }
        let (name, pin) = (self.sup_name.clone(), std::mem::take(&mut self.sup_pin));
        let note = self.note.clone();
        let (session, dir, lang) = (cx.session.clone(), cx.data_dir.to_owned(), cx.lang);
        self.busy = Some("gui-busy-settling");
        Task::perform(
            async move {
                let mut store = Store::open(&dir).map_err(|e| words(lang, e))?;
                let settled = if name.is_empty() {
                    store.settle_conflict(&session, id, &note)
                } else {
                    store
                        .sign_in(&name, &pin)
                        .and_then(|supervisor| store.settle_conflict(&supervisor, id, &note))
                };
                settled
                    .map(|c| c.settled_message().text(lang))
                    .map_err(|e| words(lang, e))
            },
            Message::Settled,
        )
    }

    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        let mut page =
            column![rtl::line(lang, cx.t("gui-conflicts-title"), style::TITLE)].spacing(10);
        if self.list.is_empty() {
            return page
                .push(rtl::line(lang, cx.t("conflicts-none"), style::BODY))
                .into();
        }
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, cx.t(busy)));
        }
        page = page.push(supervisor_fields(
            lang,
            SupervisorFields {
                ids: (SUPERVISOR_ID, SUPERVISOR_PIN_ID),
                name: &self.sup_name,
                pin: &self.sup_pin,
                on_name: Message::SupName,
                on_pin: Message::SupPin,
                on_name_submit: Message::SupNameEntered,
                on_ahead: Message::SupAhead,
                on_submit: None,
            },
            Vec::new(),
        ));
        page = page.push(rtl::side(
            lang,
            rtl_input(&cx.t("gui-settle-note"), &self.note, Message::NoteChanged)
                .id(Id::new(NOTE_ID))
                .width(Length::Fixed(560.0)),
        ));
        for c in &self.list {
            let line = c.message().text(lang);
            page = page.push(rtl::row(
                lang,
                vec![
                    rtl::line(lang, line, style::BODY),
                    button(text(tr(lang, "gui-settle", &[])))
                        .on_press_maybe(
                            (!self.note.trim().is_empty() && self.busy.is_none())
                                .then_some(Message::Settle(c.id)),
                        )
                        .into(),
                ],
            ));
        }
        page.into()
    }
}
