//! Sign-in: user and PIN. A demo store shows its users and their PIN.
//! Checking the PIN (argon2) runs in the background on its own
//! connection, the page saying so.

use std::path::Path;

use crate::gui::focus::{self, button};
use crate::gui::style::text;
use iced::widget::{Id, column, text_input};
use iced::{Element, Length, Task};

use super::{digits_only, words};
use crate::gui::{Flash, rtl, style};
use citizen_desk::demo::{DEMO_PIN, DEMO_USERS};
use citizen_desk::i18n::{Lang, tr};
use citizen_desk::store::{Session, Store};

pub const USER_ID: &str = "sign-in-user";
pub const PIN_ID: &str = "sign-in-pin";

pub struct State {
    /// The open store, handed to the desk at sign-in.
    pub store: Store,
    pub user: String,
    pub pin: String,
    /// The backups' recovery key of a store just made, shown until the
    /// admin signs in (never again).
    pub recovery_key: Option<String>,
    /// The PIN is being checked (its words on screen).
    pub busy: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub enum Message {
    User(String),
    /// Enter or Tab in the user field: on to the PIN.
    UserEntered,
    /// Typed in the user field after that, before the focus got to the
    /// PIN: the PIN's.
    Ahead(focus::Ahead),
    Pin(String),
    /// A demo user picked from the list.
    Pick(String),
    Submit,
    /// The PIN checked in the background: the session, or the refusal.
    Checked(Result<Session, String>),
}

pub enum Event {
    Flash(Option<Flash>),
    SignedIn(Session),
}

impl State {
    pub fn new(store: Store, user: String) -> State {
        State {
            store,
            user,
            pin: String::new(),
            recovery_key: None,
            busy: None,
        }
    }

    pub fn update(
        &mut self,
        message: Message,
        data_dir: &Path,
        lang: Lang,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::User(v) => self.user = v.trim().to_owned(),
            Message::UserEntered => return (iced::widget::operation::focus(PIN_ID), None),
            Message::Ahead(focus::Ahead::Text(t)) => {
                self.pin = digits_only(&format!("{}{t}", self.pin))
            }
            // The scanner's Enter after the PIN, the focus not there yet.
            Message::Ahead(focus::Ahead::Enter) if !self.pin.is_empty() => {
                return self.update(Message::Submit, data_dir, lang);
            }
            Message::Ahead(focus::Ahead::Enter) => {}
            Message::Pin(v) => self.pin = digits_only(&v),
            Message::Pick(name) => {
                self.user = name;
                return (iced::widget::operation::focus(PIN_ID), None);
            }
            Message::Submit if self.busy.is_none() => {
                let pin = std::mem::take(&mut self.pin);
                let (dir, user) = (data_dir.to_owned(), self.user.clone());
                self.busy = Some("gui-busy-signing-in");
                return (
                    Task::perform(
                        async move {
                            let mut store = Store::open(&dir).map_err(|e| words(lang, e))?;
                            store.sign_in(&user, &pin).map_err(|e| words(lang, e))
                        },
                        Message::Checked,
                    ),
                    None,
                );
            }
            Message::Submit => {}
            Message::Checked(result) => {
                self.busy = None;
                return (
                    Task::none(),
                    Some(match result {
                        Ok(session) => Event::SignedIn(session),
                        Err(why) => Event::Flash(Some(Flash::Err(why))),
                    }),
                );
            }
        }
        (Task::none(), None)
    }

    pub fn view(&self, lang: Lang, demo: bool) -> Element<'_, Message> {
        let t = |id: &str| tr(lang, id, &[]);
        let idle = self.busy.is_none();
        let mut page = column![
            rtl::line(lang, t("gui-sign-in-title"), style::TITLE),
            rtl::side(
                lang,
                // Enter and Tab go on to the PIN; keys typed before the
                // focus got there are the PIN's (see `focus::NameField`).
                focus::name_field(
                    text_input(&t("gui-user"), &self.user)
                        .id(Id::new(USER_ID))
                        .on_input(Message::User)
                        .width(Length::Fixed(320.0))
                        .padding(8)
                        .line_height(rtl::INPUT_LINE),
                    Message::UserEntered,
                    Message::Ahead,
                )
            ),
            rtl::side(
                lang,
                text_input(&t("gui-pin"), &self.pin)
                    .id(Id::new(PIN_ID))
                    .secure(true)
                    .on_input(Message::Pin)
                    .on_submit_maybe(idle.then_some(Message::Submit))
                    .width(Length::Fixed(320.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE)
            ),
            rtl::side(
                lang,
                button(text(t("gui-sign-in"))).on_press_maybe(idle.then_some(Message::Submit))
            ),
        ]
        .spacing(10);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, t(busy)));
        }
        if let Some(key) = &self.recovery_key {
            page = page.push(rtl::line(lang, t("done-recovery-key"), style::BODY));
            // The key is Latin letters and digits: shown left to right, large.
            page = page.push(text(key.as_str()).size(18).font(iced::Font::MONOSPACE));
        }
        if demo {
            page = page.push(rtl::line(
                lang,
                tr(lang, "gui-demo-users", &[("pin", DEMO_PIN)]),
                style::BODY,
            ));
            for (name, role) in DEMO_USERS {
                page = page.push(rtl::side(
                    lang,
                    button(text(format!("{name} — {}", tr(lang, role.label_id(), &[]))))
                        .style(button::secondary)
                        .on_press(Message::Pick(name.to_owned())),
                ));
            }
        }
        page.into()
    }
}
