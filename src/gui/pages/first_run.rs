//! No store in the data directory yet: set up a center, or open a demo.
//! Both are slow (keys made, PINs hashed, a demo of 2,000 requests): they
//! run in the background, the page saying so.

use std::path::{Path, PathBuf};

use crate::gui::focus::button;
use crate::gui::style::text;
use iced::widget::{column, text_input};
use iced::{Element, Length, Task};

use super::{digits_only, words};
use crate::gui::{Flash, rtl, style};
use citizen_desk::i18n::{Lang, tr};
use citizen_desk::store::Store;

#[derive(Debug)]
pub struct State {
    pub center: String,
    pub desk: String,
    pub admin: String,
    pub pin: String,
    /// A slow step running in the background (its words on screen).
    pub busy: Option<&'static str>,
}

impl Default for State {
    fn default() -> State {
        State {
            center: String::new(),
            desk: String::new(),
            admin: "admin".into(),
            pin: String::new(),
            busy: None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Message {
    Center(String),
    Desk(String),
    Admin(String),
    Pin(String),
    Create,
    OpenDemo,
    /// The store was made: the backups' recovery key (or why it could not
    /// be read), or why the store could not be made.
    Created(Result<Result<String, String>, String>),
    /// The demo store was made, or why not.
    DemoMade(Result<(), String>),
}

/// What the shell does next.
pub enum Event {
    Flash(Option<Flash>),
    /// A store is there: on to the sign-in screen.
    Ready {
        user: String,
        recovery_key: Option<String>,
        demo: bool,
        flash: Option<Flash>,
    },
}

impl State {
    pub fn update(
        &mut self,
        message: Message,
        data_dir: &Path,
        lang: Lang,
    ) -> (Task<Message>, Option<Event>) {
        match message {
            Message::Center(v) => self.center = v.trim().to_ascii_uppercase(),
            Message::Desk(v) => self.desk = v.trim().to_ascii_uppercase(),
            Message::Admin(v) => self.admin = v,
            Message::Pin(v) => self.pin = digits_only(&v),
            Message::Create if self.busy.is_none() => {
                self.busy = Some("gui-busy-creating");
                let dir = data_dir.to_owned();
                let (center, desk, admin) =
                    (self.center.clone(), self.desk.clone(), self.admin.clone());
                let pin = std::mem::take(&mut self.pin);
                return (
                    Task::perform(
                        async move {
                            let mut store = Store::initialise(&dir, &center, &desk, &admin, &pin)
                                .map_err(|e| words(lang, e))?;
                            // The backups' recovery key: on screen this
                            // once, until the admin signs in.
                            Ok(store
                                .initial_backup_key()
                                .map(|key| key.secret)
                                .map_err(|e| words(lang, e)))
                        },
                        Message::Created,
                    ),
                    Some(Event::Flash(None)),
                );
            }
            Message::OpenDemo if self.busy.is_none() => {
                self.busy = Some("gui-busy-demo");
                let dir: PathBuf = data_dir.to_owned();
                return (
                    Task::perform(
                        async move {
                            crate::gui::create_demo(&dir)
                                .map(drop)
                                .map_err(|e| words(lang, e))
                        },
                        Message::DemoMade,
                    ),
                    Some(Event::Flash(None)),
                );
            }
            Message::Created(made) => {
                self.busy = None;
                return (
                    Task::none(),
                    Some(match made {
                        Ok(key) => Event::Ready {
                            user: self.admin.clone(),
                            recovery_key: key.ok(),
                            demo: false,
                            flash: Some(Flash::Ok(tr(lang, "gui-store-created", &[]))),
                        },
                        Err(why) => Event::Flash(Some(Flash::Err(why))),
                    }),
                );
            }
            Message::DemoMade(made) => {
                self.busy = None;
                return (
                    Task::none(),
                    Some(match made {
                        Ok(()) => Event::Ready {
                            user: String::new(),
                            recovery_key: None,
                            demo: true,
                            flash: None,
                        },
                        Err(why) => Event::Flash(Some(Flash::Err(why))),
                    }),
                );
            }
            Message::Create | Message::OpenDemo => {}
        }
        (Task::none(), None)
    }

    pub fn view<'a>(&'a self, lang: Lang, data_dir: &'a Path) -> Element<'a, Message> {
        let t = |id: &str| tr(lang, id, &[]);
        let input = |placeholder: &str, value: &'a str, on: fn(String) -> Message, secure| {
            rtl::side(
                lang,
                text_input(&t(placeholder), value)
                    .on_input(on)
                    .secure(secure)
                    .width(Length::Fixed(320.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE),
            )
        };
        let idle = self.busy.is_none();
        let mut page = column![
            rtl::line(lang, t("gui-first-run"), style::SECTION),
            rtl::line(lang, data_dir.display().to_string(), style::HINT),
            rtl::side(
                lang,
                button(text(t("gui-open-demo"))).on_press_maybe(idle.then_some(Message::OpenDemo))
            ),
            rtl::line(lang, t("gui-or-set-up"), style::SECTION),
            input("gui-center-code", &self.center, Message::Center, false),
            input("gui-desk-code", &self.desk, Message::Desk, false),
            input("gui-admin-name", &self.admin, Message::Admin, false),
            input("gui-new-pin", &self.pin, Message::Pin, true),
            rtl::side(
                lang,
                button(text(t("gui-create-store"))).on_press_maybe(idle.then_some(Message::Create))
            ),
        ]
        .spacing(10);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, t(busy)));
        }
        page.into()
    }
}
