//! Admin: staff accounts (add, reset a PIN, unlock, deactivate) and the
//! seal keys this desk trusts, with what expires soon. The library checks
//! the admin role on every call; a clerk who opens this page is refused
//! there, in words, and the refusal is audited.

use crate::gui::focus::button;
use crate::gui::rtl_input::rtl_input;
use crate::gui::style::text;
use iced::widget::{Column, Id, column, text_input};
use iced::{Element, Length, Task};

use super::{View, digits_only, words};
use crate::gui::desk::{Ctx, Event};
use crate::gui::{Flash, rtl, style};
use citizen_desk::domain::Role;
use citizen_desk::domain::calendar::damascus_date;
use citizen_desk::i18n::{Message as Text, tr};
use citizen_desk::seal::TrustedKey;
use citizen_desk::seal::trust::KeyRole;
use citizen_desk::store::{Session, Store, UserInfo};

pub const NEW_USER_ID: &str = "admin-new-user";
pub const NEW_PIN_ID: &str = "admin-new-pin";
pub const RESET_PIN_ID: &str = "admin-reset-pin";
pub const FULL_NAME_ID: &str = "admin-full-name";

/// A key whose signing period ends within this many days is flagged.
pub const EXPIRES_SOON_DAYS: i64 = 30;

#[derive(Debug)]
pub struct State {
    pub users: Vec<UserInfo>,
    pub keys: Vec<TrustedKey>,
    pub new_user: String,
    /// The full name field (Arabic free text).
    pub new_full_name: String,
    pub new_role: Role,
    pub new_pin: String,
    pub reset_pin: String,
    /// A PIN being hashed (argon2) in the background: its words on screen.
    pub busy: Option<&'static str>,
}

impl Default for State {
    fn default() -> State {
        State {
            users: Vec::new(),
            keys: Vec::new(),
            new_user: String::new(),
            new_full_name: String::new(),
            new_role: Role::Clerk,
            new_pin: String::new(),
            reset_pin: String::new(),
            busy: None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Message {
    NewUser(String),
    FullNameChanged(String),
    /// Gives the named user the full name typed in the page's field.
    SetFullName(String),
    NewRole(Role),
    NewPin(String),
    AddUser,
    ResetPinChanged(String),
    ResetPin(String),
    Unlock(String),
    Deactivate(String),
    /// A user added, or a PIN reset, in the background: the words, or
    /// the refusal; `true` when the user was added.
    Saved(Result<(String, bool), String>),
    /// Asks before deactivating.
    Ask(Box<Message>),
}

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::NewUser(v) => {
                self.new_user = v.trim().to_owned();
                None
            }
            Message::FullNameChanged(v) => {
                self.new_full_name = v;
                None
            }
            Message::NewRole(role) => {
                self.new_role = role;
                None
            }
            Message::NewPin(v) => {
                self.new_pin = digits_only(&v);
                None
            }
            Message::ResetPinChanged(v) => {
                self.reset_pin = digits_only(&v);
                None
            }
            Message::SetFullName(name) => {
                let full = self.new_full_name.clone();
                let (done, event) = self.admin(cx, |store, session| {
                    store.set_full_name(session, &name, &full)?;
                    Ok(Text::new("done-full-name").arg("user", name.as_str()))
                });
                if done {
                    self.new_full_name.clear();
                }
                Some(event)
            }
            Message::AddUser => return (self.add_user(cx), None),
            Message::ResetPin(name) => return (self.reset_pin(name, cx), None),
            Message::Saved(result) => {
                self.busy = None;
                Some(match result {
                    Ok((said, added)) => {
                        if added {
                            self.new_user.clear();
                            self.new_full_name.clear();
                        }
                        let _ = self.load(cx);
                        Event::Flash(Flash::Ok(said))
                    }
                    Err(why) => Event::Flash(Flash::Err(why)),
                })
            }
            Message::Unlock(name) => {
                let (_, event) = self.admin(cx, |store, session| {
                    store.unlock_user(session, &name)?;
                    Ok(Text::new("done-user-unlocked").arg("user", name.as_str()))
                });
                Some(event)
            }
            Message::Deactivate(name) => {
                let (_, event) = self.admin(cx, |store, session| {
                    store.deactivate_user(session, &name)?;
                    Ok(Text::new("done-user-deactivated").arg("user", name.as_str()))
                });
                Some(event)
            }
            Message::Ask(then) => Some(Event::Ask(crate::gui::Message::Admin(*then))),
        };
        (Task::none(), event)
    }

    /// Adds a user (hashing their PIN: argon2) in the background, on its
    /// own connection; a bad full name is refused before the user is made.
    fn add_user(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (name, role, pin) = (
            self.new_user.clone(),
            self.new_role,
            std::mem::take(&mut self.new_pin),
        );
        let full = self.new_full_name.trim().to_owned();
        self.background(cx, move |store, session| {
            if !full.is_empty() {
                citizen_desk::store::validate_full_name(&full)?;
            }
            store.add_user(session, &name, role, &pin)?;
            if !full.is_empty() {
                store.set_full_name(session, &name, &full)?;
            }
            let said = Text::new("done-user-added")
                .arg("user", name.as_str())
                .arg_tr("role", role.label_id());
            Ok((said, true))
        })
    }

    /// Gives a user a new PIN (hashed: argon2) in the background.
    fn reset_pin(&mut self, name: String, cx: &Ctx<'_>) -> Task<Message> {
        let pin = std::mem::take(&mut self.reset_pin);
        self.background(cx, move |store, session| {
            store.reset_pin(session, &name, &pin)?;
            Ok((
                Text::new("done-pin-reset").arg("user", name.as_str()),
                false,
            ))
        })
    }

    /// Runs `job` off the UI thread on its own connection, the page
    /// showing its busy line until `Saved` comes back.
    fn background(
        &mut self,
        cx: &Ctx<'_>,
        job: impl FnOnce(&mut Store, &Session) -> citizen_desk::Result<(Text, bool)> + Send + 'static,
    ) -> Task<Message> {
        if self.busy.is_some() {
            return Task::none();
        }
        let (session, dir, lang) = (cx.session.clone(), cx.data_dir.to_owned(), cx.lang);
        self.busy = Some("gui-busy-saving-pin");
        Task::perform(
            async move {
                let mut store = Store::open(&dir).map_err(|e| words(lang, e))?;
                job(&mut store, &session)
                    .map(|(said, added)| (said.text(lang), added))
                    .map_err(|e| words(lang, e))
            },
            Message::Saved,
        )
    }

    /// Staff accounts and the trust list, for admins; anyone else is
    /// refused by the library (and the refusal is audited).
    pub fn load(&mut self, cx: &mut Ctx<'_>) -> Option<Event> {
        let loaded = cx
            .store
            .list_users(cx.session)
            .and_then(|users| Ok((users, cx.store.trust_list(cx.session)?)));
        match loaded {
            Ok((users, keys)) => {
                self.users = users;
                self.keys = keys;
                None
            }
            Err(e) => {
                self.users.clear();
                self.keys.clear();
                Some(cx.refused(e))
            }
        }
    }

    /// Runs one admin action, reloads the lists and says how it went;
    /// true when it was done.
    fn admin(
        &mut self,
        cx: &mut Ctx<'_>,
        f: impl FnOnce(&mut Store, &Session) -> citizen_desk::Result<Text>,
    ) -> (bool, Event) {
        match f(cx.store, cx.session) {
            Ok(done) => {
                let _ = self.load(cx);
                (true, Event::Flash(Flash::Ok(done.text(cx.lang))))
            }
            Err(e) => (false, cx.refused(e)),
        }
    }

    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        let mut page = column![rtl::line(lang, cx.t("gui-admin-users"), style::TITLE)].spacing(10);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, cx.t(busy)));
        }
        let idle = self.busy.is_none();

        // Add a user: name, role, PIN.
        // The chosen role is the highlighted one.
        let role_button = |role: Role| {
            button(text(tr(lang, role.label_id(), &[])))
                .style(if self.new_role == role {
                    button::primary
                } else {
                    button::secondary
                })
                .on_press(Message::NewRole(role))
        };
        page = page.push(rtl::row(
            lang,
            vec![
                text_input(&cx.t("gui-user"), &self.new_user)
                    .id(Id::new(NEW_USER_ID))
                    .on_input(Message::NewUser)
                    .width(Length::Fixed(230.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE)
                    .into(),
                role_button(Role::Clerk).into(),
                role_button(Role::Supervisor).into(),
                role_button(Role::Admin).into(),
                text_input(&cx.t("gui-admin-pin-placeholder"), &self.new_pin)
                    .id(Id::new(NEW_PIN_ID))
                    .secure(true)
                    .on_input(Message::NewPin)
                    .on_submit_maybe(idle.then_some(Message::AddUser))
                    .width(Length::Fixed(230.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE)
                    .into(),
                button(text(cx.t("gui-admin-add")))
                    .on_press_maybe(idle.then_some(Message::AddUser))
                    .into(),
            ],
        ));
        // The full name printed on documents: for the user being added, or
        // set on a row's user. Arabic free text: the right-to-left field.
        page = page.push(rtl::side(
            lang,
            rtl_input(
                &cx.t("gui-admin-full-name"),
                &self.new_full_name,
                Message::FullNameChanged,
            )
            .id(Id::new(FULL_NAME_ID))
            .width(Length::Fixed(420.0)),
        ));
        // The new PIN used by "reset PIN" on a row.
        page = page.push(rtl::row(
            lang,
            vec![
                rtl::line(lang, cx.t("gui-admin-reset-hint"), 15.0),
                text_input(&cx.t("gui-admin-pin-placeholder"), &self.reset_pin)
                    .id(Id::new(RESET_PIN_ID))
                    .secure(true)
                    .on_input(Message::ResetPinChanged)
                    .width(Length::Fixed(230.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE)
                    .into(),
            ],
        ));

        for user in &self.users {
            page = page.push(user_row(cx, user, self));
        }
        self.keys(cx, page).into()
    }

    /// The trust list at a glance, keys that expire soon flagged.
    fn keys<'a>(&'a self, cx: &View<'a>, mut page: Column<'a, Message>) -> Column<'a, Message> {
        let lang = cx.lang;
        page = page.push(rtl::line(lang, cx.t("gui-admin-keys"), style::TITLE));
        let now = chrono::Utc::now().timestamp();
        for key in &self.keys {
            let role = match key.role {
                KeyRole::Root => cx.t("gui-key-root"),
                KeyRole::Center => cx.t("gui-key-center"),
                KeyRole::Supervisor => cx.t("gui-key-supervisor"),
            };
            let mut line = format!("{} — {role} — {}", rtl::ltr(&key.owner), rtl::ltr(&key.kid));
            let mut warn = false;
            if let Some(t) = key.revoked_at {
                line = format!("{line} — {} {}", cx.t("label-revoked"), date(t));
                warn = true;
            } else if let Some(to) = key.valid_to {
                let days_left = (to - now).div_euclid(86_400);
                line = format!("{line} — {}: {}", cx.t("label-expires"), date(to));
                if to <= now {
                    line = format!("{line} ({})", cx.t("gui-key-expired"));
                } else if days_left < EXPIRES_SOON_DAYS {
                    line = format!(
                        "{line} ({})",
                        tr(
                            lang,
                            "gui-key-expires-soon",
                            &[("days", &days_left.to_string())]
                        )
                    );
                    warn = true;
                }
            }
            if key.demo {
                line = format!("{line} — {}", cx.t("gui-key-demo"));
            }
            let t = text(line).size(15);
            let t = if warn { t.color(style::ERROR) } else { t };
            page = page.push(rtl::side(lang, t));
        }
        page
    }
}

fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| damascus_date(t).format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

/// One account: who, role and state, and what an admin can do to it.
fn user_row<'a>(cx: &View<'a>, user: &'a UserInfo, state: &'a State) -> Element<'a, Message> {
    let lang = cx.lang;
    let mut status = tr(lang, user.role.label_id(), &[]);
    if !user.active {
        status = format!("{status} — {}", cx.t("label-inactive"));
    }
    if let Some(until) = user.locked_until {
        status = format!(
            "{status} — {}",
            tr(
                lang,
                "label-locked-until",
                &[(
                    "until",
                    &until
                        .with_timezone(&chrono_tz::Asia::Damascus)
                        .format("%d/%m/%Y %H:%M")
                        .to_string()
                )]
            )
        );
    }
    let who = match &user.full_name {
        Some(full) => format!("{} — {full}", user.name),
        None => user.name.clone(),
    };
    let mut cells: Vec<Element<'_, Message>> =
        vec![rtl::line(lang, format!("{who} — {status}"), style::BODY)];
    if user.active {
        cells.push(
            button(text(cx.t("gui-admin-set-full-name")))
                .style(button::secondary)
                .on_press_maybe(
                    (!state.new_full_name.trim().is_empty())
                        .then(|| Message::SetFullName(user.name.clone())),
                )
                .into(),
        );
        cells.push(
            button(text(cx.t("gui-admin-reset")))
                .style(button::secondary)
                .on_press_maybe(
                    (state.reset_pin.len() >= 6 && state.busy.is_none())
                        .then(|| Message::ResetPin(user.name.clone())),
                )
                .into(),
        );
        if user.locked_until.is_some() {
            cells.push(
                button(text(cx.t("gui-admin-unlock")))
                    .on_press(Message::Unlock(user.name.clone()))
                    .into(),
            );
        }
        // Never one's own account; and only after a confirmation.
        let own = cx.session.name() == user.name;
        cells.push(
            button(text(cx.t("gui-admin-deactivate")))
                .style(button::danger)
                .on_press_maybe(
                    (!own).then(|| Message::Ask(Box::new(Message::Deactivate(user.name.clone())))),
                )
                .into(),
        );
    }
    rtl::row(lang, cells)
        .align_y(iced::Alignment::Center)
        .into()
}
