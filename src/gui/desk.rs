//! The signed-in desk: the open store, the session, the status bar's data,
//! the page shown and every page's own state (kept while another page is
//! shown, as a clerk expects: the search stays typed). Pages talk to the
//! desk through [`Event`]s, only where they need it: show a flash, open a
//! request, go to a page, ask before a final step, reload after a change.

use std::path::Path;
use std::time::Instant;

use iced::Task;

use citizen_desk::documents::render::Digits;
use citizen_desk::domain::Request;
use citizen_desk::i18n::{Lang, tr};
use citizen_desk::store::{RequestRef, Session, Store, SyncStatus};

use super::pages::{admin, conflicts, home, outbox, request, settings, verify};
use super::{AltKey, Flash, Message, Parked, auto_sync_due};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Home,
    Request,
    Outbox,
    Verify,
    Settings,
    Admin,
    Conflicts,
}

/// What a page asks of the desk.
#[derive(Debug)]
pub enum Event {
    /// Show this: done or refused.
    Flash(Flash),
    /// Nothing to say any more.
    ClearFlash,
    /// The store changed: say so, and reload the open request, the lists
    /// and the status bar, so every page shows the truth.
    Done(Flash),
    /// A desk setting or count changed: reload the status bar's data, and
    /// say so if there is something to say.
    Status(Option<Flash>),
    /// Show this request (read, and audited, by the page).
    Open(Box<Request>),
    Go(Page),
    /// Ask before this final step (dispatch, reject, cancel, deactivate).
    Ask(Message),
    /// Sync with the hub now, in the background.
    SyncNow,
}

/// A step asked for and not yet done: the question, and the message that
/// does it once confirmed.
#[derive(Clone, Debug)]
pub struct Confirm {
    pub question: String,
    pub then: Box<Message>,
}

/// The status bar's data (and the counts pages show), read from the store.
#[derive(Debug, Default)]
pub struct Status {
    pub sync: Option<SyncStatus>,
    /// A sync is running in the background.
    pub syncing: bool,
    /// When the app last started a sync by itself.
    pub last_auto_sync: Option<Instant>,
    /// The paper printer this desk chose.
    pub printer: Option<String>,
    /// Digits on printed documents (a desk setting kept by the store).
    pub arabic_digits: bool,
    pub summary: Vec<(citizen_desk::domain::State, u64)>,
    /// Envelopes this desk holds for the post (the outbox's hand-over).
    pub envelopes_held: u64,
}

impl Status {
    /// Reads it all again (cheap reads, no audit rows).
    pub fn reload(&mut self, store: &Store) {
        self.sync = store.sync_status().ok();
        self.summary = store.count_by_state().unwrap_or_default();
        self.envelopes_held = store.envelopes_held().unwrap_or_default();
        self.printer = store.chosen_printer().ok().flatten();
        self.arabic_digits = store.document_digits().unwrap_or_default() == Digits::ArabicIndic;
    }

    pub fn digits(&self) -> Digits {
        if self.arabic_digits {
            Digits::ArabicIndic
        } else {
            Digits::Latin
        }
    }

    pub fn enrolled(&self) -> bool {
        self.sync.as_ref().is_some_and(|s| s.hub.is_some())
    }
}

/// What a page's `update` may use: the store, the session, the desk's
/// settings, and where the data lives (background tasks open their own
/// connection there).
pub struct Ctx<'a> {
    pub store: &'a mut Store,
    pub session: &'a Session,
    pub status: &'a Status,
    pub lang: Lang,
    pub data_dir: &'a Path,
}

impl Ctx<'_> {
    pub fn t(&self, id: &str) -> String {
        tr(self.lang, id, &[])
    }

    /// An error of the library, in words, as a refusal to show.
    pub fn refused(&self, err: citizen_desk::Error) -> Event {
        Event::Flash(Flash::Err(err.message().text(self.lang)))
    }

    pub fn documents_dir(&self) -> std::path::PathBuf {
        self.data_dir.join("documents")
    }
}

/// What the shell lends the desk for one update.
pub struct Env<'a> {
    pub lang: Lang,
    pub data_dir: &'a Path,
    pub flash: &'a mut Option<Flash>,
}

pub struct Desk {
    pub store: Store,
    pub session: Session,
    pub page: Page,
    pub status: Status,
    /// An irreversible step waiting for its confirmation.
    pub confirm: Option<Confirm>,
    pub home: home::State,
    pub request: request::State,
    pub outbox: outbox::State,
    pub verify: verify::State,
    pub settings: settings::State,
    pub admin: admin::State,
    pub conflicts: conflicts::State,
}

/// A page's context made of the desk's own fields (so a page's state and
/// the store are borrowed apart).
macro_rules! ctx {
    ($desk:ident, $env:ident) => {
        Ctx {
            store: &mut $desk.store,
            session: &$desk.session,
            status: &$desk.status,
            lang: $env.lang,
            data_dir: $env.data_dir,
        }
    };
}

/// A page's update, its task mapped to the shell's message and its event
/// handled.
macro_rules! page_update {
    ($desk:ident, $env:ident, $page:ident, $wrap:path, $message:expr) => {{
        let mut cx = ctx!($desk, $env);
        let (task, event) = $desk.$page.update($message, &mut cx);
        let task = task.map($wrap);
        match event {
            Some(event) => Task::batch([task, $desk.handle(event, $env)]),
            None => task,
        }
    }};
}

impl Desk {
    /// The desk of someone just signed in, on the lookup with the lists
    /// loaded.
    pub fn new(store: Store, session: Session) -> Desk {
        let mut desk = Desk {
            home: home::State::default(),
            request: request::State::default(),
            outbox: outbox::State::default(),
            verify: verify::State::default(),
            settings: settings::State::default(),
            admin: admin::State::default(),
            conflicts: conflicts::State::default(),
            store,
            session,
            page: Page::Home,
            status: Status::default(),
            confirm: None,
        };
        desk.status.reload(&desk.store);
        desk.home.reload(&mut desk.store, &desk.session);
        desk
    }

    pub fn update(&mut self, message: Message, env: &mut Env<'_>) -> Task<Message> {
        match message {
            Message::Go(page) => self.go(page, env),
            Message::Home(m) => page_update!(self, env, home, Message::Home, m),
            Message::Request(m) => page_update!(self, env, request, Message::Request, m),
            Message::Outbox(m) => page_update!(self, env, outbox, Message::Outbox, m),
            Message::Verify(m) => page_update!(self, env, verify, Message::Verify, m),
            Message::Settings(m) => page_update!(self, env, settings, Message::Settings, m),
            Message::Admin(m) => page_update!(self, env, admin, Message::Admin, m),
            Message::Conflicts(m) => page_update!(self, env, conflicts, Message::Conflicts, m),
            Message::Confirmed => match self.confirm.take() {
                Some(confirm) => self.update(*confirm.then, env),
                None => Task::none(),
            },
            Message::Escape => {
                if self.confirm.take().is_none() {
                    return self.go(Page::Home, env);
                }
                Task::none()
            }
            Message::Alt(key) => self.alt(key, env),
            Message::Synced(result) => {
                self.status.syncing = false;
                *env.flash = Some(match result {
                    Ok(m) => Flash::Ok(m),
                    Err(m) => Flash::Err(m),
                });
                self.load_outbox(env);
                Task::none()
            }
            Message::AutoSynced(result) => {
                // The status bar says how it went (online or not, queued,
                // last success); the counts follow. No message in the way,
                // but on the outbox page, where the clerk looks for it.
                self.status.syncing = false;
                if let Err(why) = result
                    && self.page == Page::Outbox
                {
                    *env.flash = Some(Flash::Err(why));
                }
                self.status.reload(&self.store);
                if self.page == Page::Outbox {
                    self.load_outbox(env);
                }
                Task::none()
            }
            _ => Task::none(),
        }
    }

    /// Does what a page asked.
    fn handle(&mut self, event: Event, env: &mut Env<'_>) -> Task<Message> {
        match event {
            Event::Flash(flash) => *env.flash = Some(flash),
            Event::ClearFlash => *env.flash = None,
            Event::Done(flash) => {
                *env.flash = Some(flash);
                self.refresh(env);
            }
            Event::Status(flash) => {
                if flash.is_some() {
                    *env.flash = flash;
                }
                self.status.reload(&self.store);
            }
            Event::Open(r) => {
                self.open_request(*r, env);
                // Not the lookup field's focus passed on to whatever field
                // of the request stands at its place.
                return crate::gui::focus::nothing();
            }
            Event::Go(page) => return self.go(page, env),
            Event::Ask(then) => {
                let question = self.question_for(&then, env.lang);
                self.confirm = Some(Confirm {
                    question,
                    then: Box::new(then),
                });
            }
            // One sync at a time (the button waits too; a key may not).
            Event::SyncNow if self.status.syncing => {}
            Event::SyncNow => return self.sync_task(env, Message::Synced),
        }
        Task::none()
    }

    /// Shows another page, its data read afresh.
    pub fn go(&mut self, page: Page, env: &mut Env<'_>) -> Task<Message> {
        *env.flash = None;
        self.confirm = None;
        self.page = page;
        let event = match page {
            Page::Outbox => {
                self.outbox.last_file = None;
                self.load_outbox(env);
                None
            }
            Page::Admin => self.admin.load(&mut ctx!(self, env)),
            Page::Conflicts => self.conflicts.load(&mut ctx!(self, env)),
            Page::Settings => {
                self.status.printer = self.store.chosen_printer().ok().flatten();
                self.settings.load(&self.store);
                None
            }
            Page::Request => {
                self.status.printer = self.store.chosen_printer().ok().flatten();
                None
            }
            Page::Home => {
                self.request.current = None;
                self.refresh(env);
                return iced::widget::operation::focus(home::QUERY_ID);
            }
            Page::Verify => None,
        };
        let handled = match event {
            Some(event) => self.handle(event, env),
            None => Task::none(),
        };
        // A new page starts with nothing focused (Tab goes to its first
        // field or action), not with whatever stood at the same place on
        // the last page.
        Task::batch([crate::gui::focus::nothing(), handled])
    }

    /// Reloads the open request, the home lists and the status after a
    /// change.
    pub fn refresh(&mut self, env: &mut Env<'_>) {
        if let Err(e) = self.request.reload(&mut self.store, &self.session) {
            *env.flash = Some(Flash::Err(e.message().text(env.lang)));
        }
        self.status.reload(&self.store);
        // The lists show the truth after every change: the search (or
        // the worklist) runs again.
        self.home.reload(&mut self.store, &self.session);
    }

    /// Shows `r` on the request page, with a fresh checklist and fields.
    pub fn open_request(&mut self, r: Request, env: &mut Env<'_>) {
        self.request.open(r, &mut self.store, &self.session);
        *env.flash = None;
        self.page = Page::Request;
    }

    fn load_outbox(&mut self, env: &mut Env<'_>) {
        self.status.reload(&self.store);
        if let Some(event) = self.outbox.load(&mut ctx!(self, env)) {
            let _ = self.handle(event, env);
        }
    }

    /// What an Alt shortcut does on the page shown.
    fn alt(&mut self, key: AltKey, env: &mut Env<'_>) -> Task<Message> {
        let mut cx = ctx!(self, env);
        let (task, event) = match self.page {
            Page::Home => {
                let (task, event) = self.home.alt(key, &mut cx);
                (task.map(Message::Home), event)
            }
            Page::Request => {
                let (task, event) = self.request.alt(key, &mut cx);
                (task.map(Message::Request), event)
            }
            _ => (Task::none(), None),
        };
        match event {
            Some(event) => Task::batch([task, self.handle(event, env)]),
            None => task,
        }
    }

    /// The question asked before `then`, with what it will change.
    fn question_for(&self, then: &Message, lang: Lang) -> String {
        let tracking = self
            .request
            .current
            .as_ref()
            .map(|r| r.tracking_code.clone())
            .unwrap_or_default();
        match then {
            Message::Outbox(outbox::Message::Dispatch) => tr(
                lang,
                "gui-confirm-dispatch",
                &[("count", &self.status.envelopes_held.to_string())],
            ),
            Message::Request(request::Message::Reject) => {
                tr(lang, "gui-confirm-reject", &[("tracking", &tracking)])
            }
            Message::Request(request::Message::Cancel) => {
                tr(lang, "gui-confirm-cancel", &[("tracking", &tracking)])
            }
            Message::Admin(admin::Message::Deactivate(user)) => {
                tr(lang, "gui-confirm-deactivate", &[("user", user)])
            }
            _ => tr(lang, "gui-confirm", &[]),
        }
    }

    /// A sync on a second connection, off the UI thread: the clerk keeps
    /// working while the hub answers (or does not).
    pub fn sync_task(
        &mut self,
        env: &Env<'_>,
        done: fn(Result<String, String>) -> Message,
    ) -> Task<Message> {
        self.status.syncing = true;
        let dir = env.data_dir.to_owned();
        let lang = env.lang;
        Task::perform(
            async move {
                let mut store = Store::open(&dir).map_err(|e| e.message().text(lang))?;
                citizen_desk::sync::client::sync_once(&mut store)
                    .map(|r| r.message().text(lang))
                    .map_err(|e| e.message().text(lang))
            },
            done,
        )
    }

    /// The background sync when it is due.
    pub fn tick(&mut self, now: Instant, env: &Env<'_>) -> Task<Message> {
        if auto_sync_due(
            self.status.enrolled(),
            self.status.syncing,
            self.status.last_auto_sync,
            now,
        ) {
            self.status.last_auto_sync = Some(now);
            return self.sync_task(env, Message::AutoSynced);
        }
        Task::none()
    }

    /// The work in hand, put aside before an idle lock.
    pub fn park(&self) -> Parked {
        Parked {
            user: self.session.name().to_owned(),
            page: self.page,
            current: self.request.current.clone(),
            checks: self.request.checks,
            reason: self.request.reason.clone(),
            query: self.home.query.clone(),
        }
    }

    /// Gives the same user their work back: the request read afresh, and
    /// the page they were on, opened as any page is (its data read now).
    pub fn unpark(&mut self, parked: Parked, env: &mut Env<'_>) -> Task<Message> {
        self.home.query = parked.query;
        self.home.reload_results(&mut self.store, &self.session);
        if let Some(r) = parked.current
            && let Ok(fresh) = self.store.show(&self.session, &RequestRef::Id(r.id))
        {
            self.open_request(fresh, env);
            self.request.checks = parked.checks;
            self.request.reason = parked.reason;
        }
        match parked.page {
            // Shown by `open_request` above (or, gone, the lookup instead).
            Page::Request | Page::Home => Task::none(),
            page => self.go(page, env),
        }
    }
}
