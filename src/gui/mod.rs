//! The desk app: an Arabic-first iced GUI over the core library. One state
//! struct, one message enum, a free function per page (Sniffnet's shape).
//! Every rule — roles, the two-person rule, the lifecycle, the audit log —
//! lives in the library; this only calls it and shows the answer.

mod pages;
mod rtl;
mod rtl_edit;
mod rtl_input;
mod style;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use iced::widget::{button, column, scrollable, text};
use iced::{Element, Font, Subscription, Task};

use citizen_desk::domain::{Request, State};
use citizen_desk::i18n::{Lang, Message as Text, tr};
use citizen_desk::seal::SealReport;
use citizen_desk::store::{OutboxEntry, RequestRef, Session, Store, SyncStatus};

/// Signed-in staff are signed out after this long without input.
pub const IDLE_LOCK: Duration = Duration::from_secs(5 * 60);
/// How long before the idle lock the app warns.
pub const IDLE_WARNING: Duration = Duration::from_secs(30);

/// What an idle lock put aside: the open request, the ticked checklist,
/// the typed reason and search, given back to the same user at their next
/// sign-in (and to nobody else).
#[derive(Clone, Debug)]
pub struct Parked {
    pub user: String,
    pub page: Page,
    pub current: Option<Request>,
    pub checks: [bool; 4],
    pub reason: String,
    pub query: String,
}

pub struct Options {
    pub data_dir: PathBuf,
    pub demo: bool,
    pub lang: Lang,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// No store yet: set up a center, or open a demo.
    FirstRun,
    SignIn,
    Home,
    Request,
    Outbox,
    Verify,
    Settings,
    Admin,
    Conflicts,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flash {
    Ok(String),
    Err(String),
}

/// The verification checklist the clerk confirms before `verify`.
pub const CHECKS: [&str; 4] = [
    "gui-check-identity",
    "gui-check-document",
    "gui-check-data",
    "gui-check-payment",
];

pub struct App {
    pub store: Option<Store>,
    pub data_dir: PathBuf,
    pub lang: Lang,
    pub page: Page,
    pub session: Option<Session>,
    pub demo: bool,
    pub flash: Option<Flash>,
    pub last_activity: Instant,
    // First run.
    pub init_center: String,
    pub init_desk: String,
    pub init_admin: String,
    pub init_pin: String,
    /// The backups' recovery key of a store just made, shown on the
    /// sign-in page until the admin signs in (never again).
    pub recovery_key: Option<String>,
    // Sign-in.
    pub user: String,
    pub pin: String,
    // Lookup.
    pub query: String,
    pub results: Vec<Request>,
    pub summary: Vec<(State, u64)>,
    pub daily: Option<citizen_desk::store::DailySummary>,
    // The open request.
    pub current: Option<Request>,
    pub checks: [bool; 4],
    pub reason: String,
    pub sup_name: String,
    pub sup_pin: String,
    /// The pages of the document last previewed or printed, drawn from the
    /// same layout as the PDF.
    pub preview: Vec<iced::widget::image::Handle>,
    pub last_file: Option<PathBuf>,
    // Outbox.
    pub sync_status: Option<SyncStatus>,
    pub pending: Vec<OutboxEntry>,
    pub syncing: bool,
    /// Digits on printed documents (a setting).
    pub arabic_digits: bool,
    // Seal check.
    pub seal_text: String,
    pub seal_report: Option<SealReport>,
    /// A scan (PNG/JPEG) or a PDF to read a seal from.
    pub seal_file: String,
    // Paper: the CUPS queues found, and the one this desk uses.
    pub printers: Vec<citizen_desk::documents::paper::Printer>,
    pub printer: Option<String>,
    /// Envelopes this desk holds for the post (the outbox's hand-over).
    pub envelopes_held: u64,
    // Conflicts the hub reported, and the settling note.
    pub conflicts: Vec<citizen_desk::store::Conflict>,
    pub settle_note: String,
    // Enrolment with the hub (settings, admin).
    pub hub_url: String,
    /// The hub's key fingerprint the operator gave with the code.
    pub hub_fingerprint: String,
    pub enroll_code: String,
    /// Waiting for the hub's answer to an enrolment.
    pub enrolling: bool,
    // Admin.
    pub admin_users: Vec<citizen_desk::store::UserInfo>,
    pub admin_keys: Vec<citizen_desk::seal::TrustedKey>,
    pub new_user: String,
    /// The full name field of the admin page (Arabic free text).
    pub new_full_name: String,
    pub new_role: citizen_desk::domain::Role,
    pub new_pin: String,
    pub reset_pin: String,
    /// A supervisor's queue: how many wait for their stamp, and the oldest.
    pub stamp_queue: Option<(u64, Vec<Request>)>,
    /// The open request's history from the audit log, oldest first.
    pub history: Vec<citizen_desk::store::AuditEntry>,
    /// The requests of the stamp queue a supervisor ticked, to stamp all
    /// with one PIN.
    pub queue_selected: std::collections::BTreeSet<String>,
    /// An irreversible step waiting for its confirmation.
    pub confirm: Option<Confirm>,
    /// When the app last started a sync by itself.
    pub last_auto_sync: Option<Instant>,
    /// The idle lock is near: a warning is on screen.
    pub idle_warning: bool,
    /// Work an idle lock put aside for the same user.
    pub parked: Option<Parked>,
    /// A slow step running in the background (its words on screen).
    pub busy: Option<&'static str>,
}

/// A step asked for and not yet done: the question, and the message that
/// does it once confirmed.
#[derive(Clone, Debug)]
pub struct Confirm {
    pub question: String,
    pub then: Box<Message>,
}

/// How often an enrolled desk syncs by itself.
pub const AUTO_SYNC_EVERY: Duration = Duration::from_secs(60);

/// Whether the background sync is due: enrolled, none running, and the
/// last one started long enough ago.
pub fn auto_sync_due(enrolled: bool, syncing: bool, last: Option<Instant>, now: Instant) -> bool {
    enrolled && !syncing && last.is_none_or(|at| now.duration_since(at) >= AUTO_SYNC_EVERY)
}

#[derive(Clone, Debug)]
pub enum Message {
    InitCenter(String),
    InitDesk(String),
    InitAdmin(String),
    InitPin(String),
    CreateStore,
    OpenDemo,
    UserChanged(String),
    /// Enter in the user field: on to the PIN.
    UserEntered,
    PinChanged(String),
    PickUser(String),
    SignIn,
    SignOut,
    ToggleLang,
    Go(Page),
    QueryChanged(String),
    Search,
    Open(String),
    Check(usize, bool),
    Verify,
    ReasonChanged(String),
    Reject,
    SupNameChanged(String),
    SupPinChanged(String),
    Stamp,
    Print,
    PrintCopy,
    /// Draws the document as it would print now (a draft before the
    /// original, a copy after), with no state change.
    Preview,
    Envelope,
    SyncNow,
    Synced(Result<String, String>),
    SealTextChanged(String),
    CheckSeal,
    SealFileChanged(String),
    OpenSealFile,
    /// What reading the seal file found (or why it could not).
    SealFileRead(Result<Option<String>, String>),
    ArabicDigits(bool),
    BackupNow,
    FindPrinters,
    ChoosePrinter(String),
    PrintPaper,
    Dispatch,
    SettleNoteChanged(String),
    Settle(i64),
    HubUrlChanged(String),
    EnrollCodeChanged(String),
    HubFingerprintChanged(String),
    Enroll,
    /// The hub's answer to an enrolment: the hub's address, and the answer
    /// or the error in words.
    Enrolled(
        String,
        citizen_desk::protocol::HubTrust,
        Result<citizen_desk::protocol::EnrollResponse, String>,
    ),
    AdminNewUser(String),
    AdminFullNameChanged(String),
    /// Gives the named user the full name typed in the admin page's field.
    AdminSetFullName(String),
    AdminNewRole(citizen_desk::domain::Role),
    AdminNewPin(String),
    AddUser,
    AdminResetPinChanged(String),
    AdminResetPin(String),
    AdminUnlock(String),
    AdminDeactivate(String),
    Tick(Instant),
    /// Asks before an irreversible step (dispatch, reject, cancel,
    /// deactivate); `Confirmed` does it, `Escape` drops it.
    Ask(Box<Message>),
    Confirmed,
    /// Escape: drops a pending question, else back to the lookup.
    Escape,
    /// A supervisor cancels the open request, with the reason typed.
    CancelRequest,
    /// Moves the keyboard focus to a field (Enter in the one before).
    Focus(&'static str),
    /// A sync the app started by itself: the status bar shows how it went.
    AutoSynced(Result<String, String>),
    /// Alt with a key: the page's keyboard shortcuts.
    Alt(AltKey),
    /// A stamp done in the background: the words to show, or the refusal.
    Stamped(Result<&'static str, String>),
    /// Ticks or unticks a request of the stamp queue.
    QueueToggle(String),
    /// Stamps every ticked request of the queue with the PIN typed once.
    StampSelected,
    /// How stamping the ticked requests went, in words.
    StampedSeveral(Result<String, String>),
}

/// The pages' Alt shortcuts, by physical key (the same on an Arabic
/// keyboard): on the lookup Alt+1…9 opens that result; on a request
/// Alt+1…4 ticks the checklist, Alt+V verifies, Alt+S goes to the stamp
/// PIN, Alt+P prints the original, Alt+E puts it in the envelope, Alt+R
/// goes to the reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AltKey {
    Digit(usize),
    /// Alt+Shift+digit: ticks that row of the stamp queue.
    Tick(usize),
    /// Alt+A: ticks every row of the stamp queue shown (or none again).
    All,
    Verify,
    Stamp,
    Print,
    Envelope,
    Reason,
}

impl App {
    pub fn new(options: Options) -> Result<App, citizen_desk::Error> {
        let store = match Store::open(&options.data_dir) {
            Ok(store) => Some(store),
            Err(citizen_desk::Error::NotInitialised(_)) if options.demo => {
                Some(create_demo(&options.data_dir)?)
            }
            Err(citizen_desk::Error::NotInitialised(_)) => None,
            Err(e) => return Err(e),
        };
        let demo = match &store {
            Some(s) => s.is_demo()?,
            None => false,
        };
        Ok(App {
            page: if store.is_some() {
                Page::SignIn
            } else {
                Page::FirstRun
            },
            store,
            data_dir: options.data_dir,
            lang: options.lang,
            session: None,
            demo,
            flash: None,
            last_activity: Instant::now(),
            init_center: String::new(),
            init_desk: String::new(),
            init_admin: "admin".into(),
            init_pin: String::new(),
            recovery_key: None,
            user: String::new(),
            pin: String::new(),
            query: String::new(),
            results: Vec::new(),
            summary: Vec::new(),
            daily: None,
            current: None,
            checks: [false; 4],
            reason: String::new(),
            sup_name: String::new(),
            sup_pin: String::new(),
            preview: Vec::new(),
            last_file: None,
            sync_status: None,
            pending: Vec::new(),
            syncing: false,
            arabic_digits: false,
            seal_text: String::new(),
            seal_report: None,
            seal_file: String::new(),
            printers: Vec::new(),
            printer: None,
            envelopes_held: 0,
            conflicts: Vec::new(),
            settle_note: String::new(),
            hub_url: String::new(),
            hub_fingerprint: String::new(),
            enroll_code: String::new(),
            enrolling: false,
            admin_users: Vec::new(),
            admin_keys: Vec::new(),
            new_user: String::new(),
            new_full_name: String::new(),
            new_role: citizen_desk::domain::Role::Clerk,
            new_pin: String::new(),
            reset_pin: String::new(),
            stamp_queue: None,
            history: Vec::new(),
            queue_selected: std::collections::BTreeSet::new(),
            confirm: None,
            last_auto_sync: None,
            idle_warning: false,
            parked: None,
            busy: None,
        })
    }

    pub fn t(&self, id: &str) -> String {
        tr(self.lang, id, &[])
    }

    fn fail(&mut self, err: citizen_desk::Error) {
        self.flash = Some(Flash::Err(err.message().text(self.lang)));
    }

    fn ok(&mut self, message: Text) {
        self.flash = Some(Flash::Ok(message.text(self.lang)));
    }

    pub fn title(&self) -> String {
        self.t("gui-title")
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let keys = iced::keyboard::listen().filter_map(shortcut);
        if self.session.is_some() {
            Subscription::batch([
                iced::time::every(Duration::from_secs(15)).map(Message::Tick),
                keys,
            ])
        } else {
            keys
        }
    }

    /// Reloads the open request and the home lists after a change.
    fn refresh(&mut self) {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        if let Some(current) = &self.current {
            match store.show(session, &RequestRef::Id(current.id.clone())) {
                Ok(r) => {
                    self.history = store.request_history(session, &r).unwrap_or_default();
                    self.current = Some(r);
                }
                Err(e) => {
                    self.flash = Some(Flash::Err(e.message().text(self.lang)));
                }
            }
        }
        self.summary = store.count_by_state().unwrap_or_default();
        self.envelopes_held = store.envelopes_held().unwrap_or_default();
        self.sync_status = store.sync_status().ok();
        let today = citizen_desk::domain::calendar::damascus_date(store.now());
        self.daily = store.daily_summary(session, today).ok();
        self.stamp_queue = if session.role() == citizen_desk::domain::Role::Supervisor {
            store.stamp_queue(session, 12).ok()
        } else {
            None
        };
        // The lists show the truth after every change: the search (or
        // the worklist) runs again.
        self.reload_results();
    }

    /// The results list again, as the store has it now: the same search,
    /// or the worklist when there is none (never opening a request).
    fn reload_results(&mut self) {
        if self.query.trim().is_empty() {
            self.load_worklist();
        } else if let Some(Ok(list)) = self.find_query() {
            self.results = list;
        }
    }

    /// A sync on a second connection, off the UI thread: the clerk keeps
    /// working while the hub answers (or does not).
    fn sync_task(&mut self, done: fn(Result<String, String>) -> Message) -> Task<Message> {
        self.syncing = true;
        let dir = self.data_dir.clone();
        let lang = self.lang;
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

    /// What an Alt shortcut does on the page shown.
    fn alt(&mut self, key: AltKey) -> Task<Message> {
        use citizen_desk::domain::Action;
        match (self.page, key) {
            (Page::Home, AltKey::Digit(n)) => {
                let list = match &self.stamp_queue {
                    Some((_, queue)) if self.query.trim().is_empty() => queue,
                    _ => &self.results,
                };
                if let Some(r) = n.checked_sub(1).and_then(|i| list.get(i)) {
                    let id = r.id.clone();
                    return self.update(Message::Open(id));
                }
            }
            (Page::Home, AltKey::Tick(n)) => {
                let row = self
                    .shown_queue()
                    .get(n.wrapping_sub(1))
                    .map(|r| r.id.clone());
                if let Some(id) = row {
                    return self.update(Message::QueueToggle(id));
                }
            }
            (Page::Home, AltKey::All) => {
                let shown: Vec<String> = self.shown_queue().iter().map(|r| r.id.clone()).collect();
                if shown.iter().all(|id| self.queue_selected.contains(id)) {
                    self.queue_selected.clear();
                } else {
                    self.queue_selected.extend(shown);
                }
            }
            (Page::Home, AltKey::Stamp) if !self.queue_selected.is_empty() => {
                return iced::widget::operation::focus(pages::home::QUEUE_PIN_ID);
            }
            (Page::Request, key) => {
                let (Some(r), Some(session)) = (&self.current, &self.session) else {
                    return Task::none();
                };
                let offered = pages::request::offered(r, session.role());
                let offers = |a: Action| offered.contains(&a);
                match key {
                    AltKey::Digit(n)
                        if offers(Action::Verify) && (1..=CHECKS.len()).contains(&n) =>
                    {
                        self.checks[n - 1] = !self.checks[n - 1];
                    }
                    AltKey::Verify if offers(Action::Verify) && self.checks.iter().all(|c| *c) => {
                        return self.update(Message::Verify);
                    }
                    AltKey::Stamp if offers(Action::Stamp) => {
                        return iced::widget::operation::focus(if self.sup_name.is_empty() {
                            pages::request::SUPERVISOR_ID
                        } else {
                            pages::request::SUPERVISOR_PIN_ID
                        });
                    }
                    AltKey::Print if offers(Action::Print) => return self.update(Message::Print),
                    AltKey::Envelope if offers(Action::Envelope) => {
                        return self.update(Message::Envelope);
                    }
                    AltKey::Reason if offers(Action::Reject) || offers(Action::Cancel) => {
                        return iced::widget::operation::focus(pages::request::REASON_ID);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Task::none()
    }

    /// The question asked before `then`, with what it will change.
    fn question_for(&self, then: &Message) -> String {
        let tracking = self
            .current
            .as_ref()
            .map(|r| r.tracking_code.clone())
            .unwrap_or_default();
        match then {
            Message::Dispatch => tr(
                self.lang,
                "gui-confirm-dispatch",
                &[("count", &self.envelopes_held.to_string())],
            ),
            Message::Reject => tr(self.lang, "gui-confirm-reject", &[("tracking", &tracking)]),
            Message::CancelRequest => {
                tr(self.lang, "gui-confirm-cancel", &[("tracking", &tracking)])
            }
            Message::AdminDeactivate(user) => {
                tr(self.lang, "gui-confirm-deactivate", &[("user", user)])
            }
            _ => self.t("gui-confirm"),
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        if !matches!(
            message,
            Message::Tick(_) | Message::Synced(_) | Message::AutoSynced(_)
        ) {
            self.last_activity = Instant::now();
            self.idle_warning = false;
        }
        match message {
            Message::InitCenter(v) => self.init_center = v.trim().to_ascii_uppercase(),
            Message::InitDesk(v) => self.init_desk = v.trim().to_ascii_uppercase(),
            Message::InitAdmin(v) => self.init_admin = v,
            Message::InitPin(v) => self.init_pin = digits_only(&v),
            Message::CreateStore => {
                match Store::initialise(
                    &self.data_dir,
                    &self.init_center,
                    &self.init_desk,
                    &self.init_admin,
                    &self.init_pin,
                ) {
                    Ok(mut store) => {
                        // The backups' recovery key: on screen this once,
                        // until the admin signs in.
                        match store.initial_backup_key() {
                            Ok(key) => self.recovery_key = Some(key.secret),
                            Err(e) => self.fail(e),
                        }
                        self.store = Some(store);
                        self.user = self.init_admin.clone();
                        self.init_pin.clear();
                        self.page = Page::SignIn;
                        self.ok(Text::new("gui-store-created"));
                    }
                    Err(e) => self.fail(e),
                }
            }
            Message::OpenDemo => match create_demo(&self.data_dir) {
                Ok(store) => {
                    self.store = Some(store);
                    self.demo = true;
                    self.page = Page::SignIn;
                    self.flash = None;
                }
                Err(e) => self.fail(e),
            },
            Message::UserChanged(v) => self.user = v.trim().to_owned(),
            Message::UserEntered => {
                return iced::widget::operation::focus(pages::sign_in::PIN_ID);
            }
            Message::PinChanged(v) => self.pin = digits_only(&v),
            Message::PickUser(name) => {
                self.user = name;
                return iced::widget::operation::focus(pages::sign_in::PIN_ID);
            }
            Message::SignIn => {
                let Some(store) = self.store.as_mut() else {
                    return Task::none();
                };
                let pin = std::mem::take(&mut self.pin);
                match store.sign_in(&self.user, &pin) {
                    Ok(session) => {
                        let back = self.parked.take().filter(|p| p.user == session.name());
                        self.session = Some(session);
                        self.recovery_key = None;
                        self.arabic_digits = store.document_digits().unwrap_or_default()
                            == citizen_desk::documents::render::Digits::ArabicIndic;
                        self.flash = None;
                        self.page = Page::Home;
                        self.refresh();
                        self.load_worklist();
                        if let Some(parked) = back {
                            self.unpark(parked);
                        }
                        return iced::widget::operation::focus(pages::home::QUERY_ID);
                    }
                    Err(e) => self.fail(e),
                }
            }
            Message::SignOut => {
                self.parked = None;
                self.sign_out(None);
                return iced::widget::operation::focus(pages::sign_in::USER_ID);
            }
            Message::ToggleLang => {
                self.lang = if self.lang == Lang::Ar {
                    Lang::En
                } else {
                    Lang::Ar
                };
            }
            Message::Go(page) => {
                if self.session.is_none() {
                    return Task::none();
                }
                self.flash = None;
                self.confirm = None;
                self.page = page;
                match page {
                    Page::Outbox => {
                        self.last_file = None;
                        self.load_outbox();
                    }
                    Page::Admin => self.load_admin(),
                    Page::Conflicts => self.load_conflicts(),
                    Page::Settings | Page::Request => {
                        self.printer = self
                            .store
                            .as_ref()
                            .and_then(|s| s.chosen_printer().ok().flatten());
                    }
                    Page::Home => {
                        self.current = None;
                        self.refresh();
                        return iced::widget::operation::focus(pages::home::QUERY_ID);
                    }
                    _ => {}
                }
            }
            Message::QueryChanged(v) => self.query = v,
            Message::Search => {
                self.search();
                // The next scan goes into the field, whatever was said.
                if self.page == Page::Home {
                    return iced::widget::operation::focus(pages::home::QUERY_ID);
                }
            }
            Message::Open(id) => {
                let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref())
                else {
                    return Task::none();
                };
                match store.show(session, &RequestRef::Id(id)) {
                    Ok(r) => self.open_request(r),
                    Err(e) => self.fail(e),
                }
            }
            Message::Check(i, v) => {
                if let Some(c) = self.checks.get_mut(i) {
                    *c = v;
                }
            }
            Message::Verify => {
                // The checklist the clerk ticked goes into the audit entry.
                let confirmed: Vec<&str> = CHECKS
                    .iter()
                    .zip(self.checks)
                    .filter(|(_, ticked)| *ticked)
                    .map(|(id, _)| id.trim_start_matches("gui-check-"))
                    .collect();
                self.act(|store, session, r, _| {
                    store
                        .verify_confirming(session, r, &confirmed)
                        .map(|_| "gui-done-verified")
                })
            }
            Message::ReasonChanged(v) => self.reason = v,
            Message::Reject => {
                let reason = self.reason.clone();
                self.act(move |store, session, r, _| {
                    store
                        .reject(session, r, &reason)
                        .map(|_| "gui-done-rejected")
                });
            }
            Message::SupNameChanged(v) => self.sup_name = v.trim().to_owned(),
            Message::SupPinChanged(v) => self.sup_pin = digits_only(&v),
            Message::Stamp => return self.stamp(),
            Message::QueueToggle(id) => {
                if !self.queue_selected.remove(&id) {
                    self.queue_selected.insert(id);
                }
            }
            Message::StampSelected => return self.stamp_selected(),
            Message::StampedSeveral(result) => {
                self.busy = None;
                self.queue_selected.clear();
                self.flash = Some(match result {
                    Ok(words) => Flash::Ok(words),
                    Err(why) => Flash::Err(why),
                });
                self.refresh();
            }
            Message::Stamped(result) => {
                self.busy = None;
                match result {
                    Ok(done) => {
                        self.flash = Some(Flash::Ok(self.t(done)));
                        self.refresh();
                    }
                    Err(why) => self.flash = Some(Flash::Err(why)),
                }
            }
            Message::Print => self.print(),
            Message::Preview => self.show_preview(),
            Message::PrintCopy => self.print_copy(),
            Message::Envelope => self.envelope(),
            Message::SyncNow => return self.sync_task(Message::Synced),
            Message::Synced(result) => {
                self.syncing = false;
                self.flash = Some(match result {
                    Ok(m) => Flash::Ok(m),
                    Err(m) => Flash::Err(m),
                });
                self.load_outbox();
            }
            Message::ArabicDigits(v) => {
                // A desk setting kept by the store, so the command line and
                // the next session print the same digits.
                let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref())
                else {
                    return Task::none();
                };
                let digits = if v {
                    citizen_desk::documents::render::Digits::ArabicIndic
                } else {
                    citizen_desk::documents::render::Digits::Latin
                };
                match store.set_document_digits(session, digits) {
                    Ok(()) => self.arabic_digits = v,
                    Err(e) => self.fail(e),
                }
            }
            Message::BackupNow => self.backup_now(),
            Message::SealTextChanged(v) => self.seal_text = v,
            Message::SealFileChanged(v) => self.seal_file = v,
            Message::OpenSealFile => {
                // Reading and decoding a file (a photo, a PDF) is off the
                // interface thread: a large or hostile one never freezes it.
                let path = PathBuf::from(self.seal_file.trim());
                let lang = self.lang;
                self.seal_report = None;
                return Task::perform(
                    async move {
                        citizen_desk::seal::read_seal_file(&path)
                            .map_err(|e| e.message().text(lang))
                    },
                    Message::SealFileRead,
                );
            }
            Message::SealFileRead(read) => match read {
                Ok(Some(found)) => {
                    self.flash = None;
                    self.seal_text = found;
                    return self.update(Message::CheckSeal);
                }
                Ok(None) => {
                    self.seal_report = None;
                    self.flash = Some(Flash::Err(self.t("gui-no-seal-in-file")));
                }
                Err(why) => {
                    self.seal_report = None;
                    self.flash = Some(Flash::Err(why));
                }
            },
            Message::CheckSeal => {
                if let Some(store) = &self.store {
                    let trust = store.trust_set();
                    self.seal_report = trust.ok().map(|trust| {
                        citizen_desk::seal::verify_seal(
                            self.seal_text.trim(),
                            &trust,
                            store.catalog(),
                            chrono::Utc::now().timestamp(),
                            30 * 86_400,
                        )
                    });
                }
            }
            Message::FindPrinters => match citizen_desk::documents::paper::list_printers() {
                Ok(list) => {
                    self.flash = None;
                    self.printers = list;
                    if self.printers.is_empty() {
                        self.flash = Some(Flash::Err(self.t("gui-no-printers")));
                    }
                }
                Err(e) => {
                    self.printers.clear();
                    self.fail(e.into());
                }
            },
            Message::ChoosePrinter(name) => {
                let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref())
                else {
                    return Task::none();
                };
                match store.choose_printer(session, &name) {
                    Ok(()) => {
                        self.printer = Some(name.clone());
                        self.ok(Text::new("done-printer-chosen").arg("printer", name));
                    }
                    Err(e) => self.fail(e),
                }
            }
            Message::PrintPaper => self.print_paper(),
            Message::SettleNoteChanged(v) => self.settle_note = v,
            Message::Settle(id) => self.settle(id),
            Message::HubUrlChanged(v) => self.hub_url = v.trim().to_owned(),
            Message::EnrollCodeChanged(v) => self.enroll_code = v.trim().to_owned(),
            Message::HubFingerprintChanged(v) => self.hub_fingerprint = v,
            Message::Enroll => return self.enroll(),
            Message::Enrolled(url, trust, answer) => self.enrolled(url, trust, answer),
            Message::Dispatch => self.dispatch(),
            Message::AdminNewUser(v) => self.new_user = v.trim().to_owned(),
            Message::AdminFullNameChanged(v) => self.new_full_name = v,
            Message::AdminSetFullName(name) => {
                let full = self.new_full_name.clone();
                let done = self.admin(|store, session| {
                    store.set_full_name(session, &name, &full)?;
                    Ok(Text::new("done-full-name").arg("user", name.as_str()))
                });
                if done {
                    self.new_full_name.clear();
                }
            }
            Message::AdminNewRole(role) => self.new_role = role,
            Message::AdminNewPin(v) => self.new_pin = digits_only(&v),
            Message::AdminResetPinChanged(v) => self.reset_pin = digits_only(&v),
            Message::AddUser => {
                let (name, role, pin) = (
                    self.new_user.clone(),
                    self.new_role,
                    std::mem::take(&mut self.new_pin),
                );
                let full = self.new_full_name.trim().to_owned();
                let done = self.admin(|store, session| {
                    // A bad full name is refused before the user is made.
                    if !full.is_empty() {
                        citizen_desk::store::validate_full_name(&full)?;
                    }
                    store.add_user(session, &name, role, &pin)?;
                    if !full.is_empty() {
                        store.set_full_name(session, &name, &full)?;
                    }
                    Ok(Text::new("done-user-added")
                        .arg("user", name.as_str())
                        .arg_tr("role", role.label_id()))
                });
                if done {
                    self.new_user.clear();
                    self.new_full_name.clear();
                }
            }
            Message::AdminResetPin(name) => {
                let pin = std::mem::take(&mut self.reset_pin);
                self.admin(|store, session| {
                    store.reset_pin(session, &name, &pin)?;
                    Ok(Text::new("done-pin-reset").arg("user", name.as_str()))
                });
            }
            Message::AdminUnlock(name) => {
                self.admin(|store, session| {
                    store.unlock_user(session, &name)?;
                    Ok(Text::new("done-user-unlocked").arg("user", name.as_str()))
                });
            }
            Message::AdminDeactivate(name) => {
                self.admin(|store, session| {
                    store.deactivate_user(session, &name)?;
                    Ok(Text::new("done-user-deactivated").arg("user", name.as_str()))
                });
            }
            Message::Tick(now) => {
                let idle = now.saturating_duration_since(self.last_activity);
                if self.session.is_some() && idle > IDLE_LOCK {
                    self.park();
                    self.sign_out(Some("gui-locked-idle"));
                    return Task::none();
                }
                self.idle_warning = self.session.is_some() && idle + IDLE_WARNING >= IDLE_LOCK;
                let enrolled = self.sync_status.as_ref().is_some_and(|s| s.hub.is_some());
                if self.session.is_some()
                    && auto_sync_due(enrolled, self.syncing, self.last_auto_sync, now)
                {
                    self.last_auto_sync = Some(now);
                    return self.sync_task(Message::AutoSynced);
                }
            }
            Message::AutoSynced(result) => {
                // The status bar says how it went (online or not, queued,
                // last success); the counts follow. No message in the way,
                // but on the outbox page, where the clerk looks for it.
                self.syncing = false;
                if let Err(why) = result
                    && self.page == Page::Outbox
                {
                    self.flash = Some(Flash::Err(why));
                }
                if let Some(store) = &self.store {
                    self.sync_status = store.sync_status().ok();
                    self.summary = store.count_by_state().unwrap_or_default();
                    self.envelopes_held = store.envelopes_held().unwrap_or_default();
                }
                if self.page == Page::Outbox {
                    self.load_outbox();
                }
            }
            Message::Ask(then) => {
                let question = self.question_for(&then);
                self.confirm = Some(Confirm { question, then });
            }
            Message::Confirmed => {
                if let Some(confirm) = self.confirm.take() {
                    return self.update(*confirm.then);
                }
            }
            Message::Escape => {
                if self.confirm.take().is_none() {
                    return self.update(Message::Go(Page::Home));
                }
            }
            Message::CancelRequest => {
                let reason = self.reason.clone();
                self.act(move |store, session, r, _| {
                    store
                        .cancel(session, r, &reason)
                        .map(|_| "gui-done-cancelled")
                });
            }
            Message::Focus(id) => return iced::widget::operation::focus(id),
            Message::Alt(key) => return self.alt(key),
        }
        Task::none()
    }

    /// Puts the work in hand aside before an idle lock.
    fn park(&mut self) {
        if let Some(session) = &self.session {
            self.parked = Some(Parked {
                user: session.name().to_owned(),
                page: self.page,
                current: self.current.clone(),
                checks: self.checks,
                reason: self.reason.clone(),
                query: self.query.clone(),
            });
        }
    }

    /// Gives the same user their work back, the request read afresh.
    fn unpark(&mut self, parked: Parked) {
        self.query = parked.query;
        self.reload_results();
        if let Some(r) = parked.current {
            let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
                return;
            };
            if let Ok(fresh) = store.show(session, &RequestRef::Id(r.id)) {
                self.open_request(fresh);
                self.checks = parked.checks;
                self.reason = parked.reason;
                self.page = parked.page;
            }
        }
    }

    fn sign_out(&mut self, why: Option<&str>) {
        self.session = None;
        self.current = None;
        self.confirm = None;
        self.stamp_queue = None;
        self.queue_selected.clear();
        // Nothing one user typed stays on screen for the next.
        self.reason.clear();
        self.checks = [false; 4];
        self.sup_name.clear();
        self.settle_note.clear();
        self.idle_warning = false;
        self.results.clear();
        self.query.clear();
        self.pin.clear();
        self.sup_pin.clear();
        self.preview.clear();
        self.page = if self.store.is_some() {
            Page::SignIn
        } else {
            Page::FirstRun
        };
        self.flash = why.map(|id| Flash::Ok(self.t(id)));
    }

    /// New requests waiting at the desk, most urgent first (before any
    /// search).
    fn load_worklist(&mut self) {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        let filter = citizen_desk::store::RequestFilter {
            state: Some(State::Received),
            overdue: false,
            limit: 12,
        };
        if let Ok(list) = store.list(session, &filter) {
            self.results = list;
        }
    }

    /// The requests the query finds: a tracking code (RR…SY) or a
    /// national ID, in any digits. `None` without a query or a session.
    fn find_query(&mut self) -> Option<citizen_desk::Result<Vec<Request>>> {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return None;
        };
        let q = self.query.trim();
        if q.is_empty() {
            return None;
        }
        Some(if q.chars().any(|c| c.is_ascii_alphabetic()) {
            RequestRef::parse(q)
                .and_then(|r| store.show(session, &r))
                .map(|r| vec![r])
        } else {
            citizen_desk::domain::NationalId::parse(q)
                .map_err(citizen_desk::Error::from)
                .and_then(|id| store.lookup(session, &id))
        })
    }

    fn search(&mut self) {
        let Some(found) = self.find_query() else {
            return;
        };
        let by_code = self.query.trim().chars().any(|c| c.is_ascii_alphabetic());
        match found {
            Ok(mut list) if by_code && list.len() == 1 => {
                // A scanned envelope or receipt code goes straight to it
                // (already read, and audited, once by `show`).
                self.results = list.clone();
                if let Some(r) = list.pop() {
                    self.open_request(r);
                }
            }
            Ok(list) => {
                self.flash = None;
                self.results = list;
            }
            Err(e) => {
                self.results.clear();
                self.fail(e);
            }
        }
    }

    /// Shows `r` on the request page, with a fresh checklist and fields.
    fn open_request(&mut self, r: Request) {
        self.history = match (self.store.as_mut(), self.session.as_ref()) {
            (Some(store), Some(session)) => store.request_history(session, &r).unwrap_or_default(),
            _ => Vec::new(),
        };
        self.current = Some(r);
        self.checks = [false; 4];
        self.reason.clear();
        // A signed-in supervisor stamps as themselves: only the PIN to type.
        self.sup_name = match &self.session {
            Some(s) if s.role() == citizen_desk::domain::Role::Supervisor => s.name().to_owned(),
            _ => String::new(),
        };
        self.sup_pin.clear();
        self.preview.clear();
        self.last_file = None;
        self.flash = None;
        self.page = Page::Request;
    }

    /// Runs one action on the open request and shows its outcome.
    fn act(
        &mut self,
        f: impl FnOnce(
            &mut Store,
            &Session,
            &RequestRef,
            &PathBuf,
        ) -> citizen_desk::Result<&'static str>,
    ) {
        let (Some(store), Some(session), Some(current)) = (
            self.store.as_mut(),
            self.session.as_ref(),
            self.current.as_ref(),
        ) else {
            return;
        };
        let reference = RequestRef::Id(current.id.clone());
        match f(store, session, &reference, &self.data_dir) {
            Ok(done) => {
                self.flash = Some(Flash::Ok(self.t(done)));
                self.refresh();
            }
            Err(e) => self.fail(e),
        }
    }

    /// The supervisor approves at this desk with their own PIN. Opening
    /// the stamp key costs argon2 at 64 MiB (about a third of a second):
    /// it runs on its own connection off the UI thread, the page saying
    /// so, and the result comes back as `Stamped`.
    fn stamp(&mut self) -> Task<Message> {
        let Some(current) = &self.current else {
            return Task::none();
        };
        if self.busy.is_some() {
            return Task::none();
        }
        let (name, pin) = (self.sup_name.clone(), std::mem::take(&mut self.sup_pin));
        let reference = RequestRef::Id(current.id.clone());
        let (dir, lang) = (self.data_dir.clone(), self.lang);
        self.busy = Some("gui-busy-stamping");
        Task::perform(
            async move {
                let words = |e: citizen_desk::Error| e.message().text(lang);
                let mut store = Store::open(&dir).map_err(words)?;
                let supervisor = store.sign_in(&name, &pin).map_err(words)?;
                let req = store.stamp(&supervisor, &reference, &pin).map_err(words)?;
                Ok(if req.state == State::Approved {
                    "gui-done-approved"
                } else {
                    "gui-done-stamped"
                })
            },
            Message::Stamped,
        )
    }

    /// The stamp queue as the home page shows it (none during a search).
    fn shown_queue(&self) -> &[Request] {
        match &self.stamp_queue {
            Some((_, queue)) if self.query.trim().is_empty() => queue,
            _ => &[],
        }
    }

    /// The signed-in supervisor stamps every ticked request with one PIN:
    /// the stamp key opens once, off the UI thread; each request is
    /// judged alone by the library, and the answer says how many went
    /// through and why any did not.
    fn stamp_selected(&mut self) -> Task<Message> {
        let Some(session) = &self.session else {
            return Task::none();
        };
        if self.busy.is_some() || self.queue_selected.is_empty() {
            return Task::none();
        }
        let name = session.name().to_owned();
        let pin = std::mem::take(&mut self.sup_pin);
        let references: Vec<RequestRef> = self
            .queue_selected
            .iter()
            .map(|id| RequestRef::Id(id.clone()))
            .collect();
        let (dir, lang) = (self.data_dir.clone(), self.lang);
        self.busy = Some("gui-busy-stamping");
        Task::perform(
            async move {
                let words = |e: citizen_desk::Error| e.message().text(lang);
                let mut store = Store::open(&dir).map_err(words)?;
                let supervisor = store.sign_in(&name, &pin).map_err(words)?;
                let outcomes = store
                    .stamp_several(&supervisor, &references, &pin)
                    .map_err(words)?;
                Ok(stamped_words(lang, &outcomes))
            },
            Message::StampedSeveral,
        )
    }

    fn documents_dir(&self) -> PathBuf {
        self.data_dir.join("documents")
    }

    fn print(&mut self) {
        self.print_to_file(None, "gui-done-printed");
    }

    /// A copy of a printed document, authorised by a supervisor at this
    /// desk with their own PIN: the library marks it COPY and logs it.
    fn print_copy(&mut self) {
        let (name, pin) = (self.sup_name.clone(), std::mem::take(&mut self.sup_pin));
        self.print_to_file(Some((name, pin)), "gui-done-copy");
    }

    /// What will print, before anything is printed: the library's render
    /// (audited, no state change), every page, on the request page.
    fn show_preview(&mut self) {
        let digits = self.digits();
        let mut pages = Vec::new();
        self.act(|store, session, r, _| {
            let doc = store.render_document(session, r, digits)?;
            pages = preview_handles(&doc.pages);
            Ok(
                if doc.mark == citizen_desk::documents::render::Mark::Draft {
                    "gui-preview-draft"
                } else {
                    "gui-preview-copy"
                },
            )
        });
        if !pages.is_empty() {
            self.preview = pages;
        }
    }

    /// Prints the open request to a PDF under `documents/` and shows its
    /// preview: the original, or with a supervisor's name and PIN a copy.
    fn print_to_file(&mut self, authoriser: Option<(String, String)>, done: &'static str) {
        let dir = self.documents_dir();
        let digits = self.digits();
        let mut preview = Vec::new();
        let mut written = None;
        self.act(|store, session, r, _| {
            let supervisor = match &authoriser {
                Some((name, pin)) => Some((store.sign_in(name, pin)?, pin.as_str())),
                None => None,
            };
            std::fs::create_dir_all(&dir).map_err(|e| citizen_desk::Error::io(&dir, e))?;
            let name = match &supervisor {
                Some(_) => {
                    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
                    format!("{}-copy-{stamp}.pdf", r.as_str())
                }
                None => format!("{}.pdf", r.as_str()),
            };
            let by = supervisor.as_ref().map(|(s, pin)| (s, *pin));
            let doc = store.print_document(session, r, by, digits, |pdf| {
                let path = dir.join(&name);
                citizen_desk::files::write_atomic(&path, pdf)?;
                written = Some(path);
                Ok(())
            })?;
            preview = preview_handles(&doc.pages);
            Ok(done)
        });
        if written.is_some() {
            self.preview = preview;
            self.last_file = written;
        }
    }

    /// The sealed original (or a copy) on paper, through the printer
    /// this desk chose in Settings; the flash says what CUPS did with it.
    fn print_paper(&mut self) {
        let digits = self.digits();
        let (Some(store), Some(session), Some(current)) = (
            self.store.as_mut(),
            self.session.as_ref(),
            self.current.as_ref(),
        ) else {
            return;
        };
        let printer = match store.chosen_printer() {
            Ok(Some(p)) => p,
            Ok(None) => {
                self.flash = Some(Flash::Err(self.t("gui-no-printer")));
                return;
            }
            Err(e) => return self.fail(e),
        };
        let reference = RequestRef::Id(current.id.clone());
        let tracking = current.tracking_code.clone();
        let mut job = String::new();
        let result = store.print_document(session, &reference, None, digits, |bytes| {
            job = citizen_desk::documents::paper::submit(&printer, bytes, &tracking)?;
            Ok(())
        });
        match result {
            Ok(doc) => {
                let state = citizen_desk::documents::paper::job_state(&printer, &job)
                    .unwrap_or(citizen_desk::documents::paper::JobState::Unknown);
                self.preview = preview_handles(&doc.pages);
                self.ok(Text::new("done-printed-paper")
                    .arg("tracking", tracking)
                    .arg_tr("mark", doc.mark.message_id())
                    .arg("printer", printer)
                    .arg("job", job)
                    .arg_tr("state", state.message_id()));
                self.refresh();
            }
            Err(e) => self.fail(e),
        }
    }

    /// Every envelope waiting → one hand-over batch to the post, with its
    /// manifest (counts, tracking codes, signature lines) as a PDF.
    fn dispatch(&mut self) {
        let dir = self.documents_dir();
        let digits = self.digits();
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let path = dir.join(format!("manifest-{stamp}.pdf"));
        let result = std::fs::create_dir_all(&dir)
            .map_err(|e| citizen_desk::Error::io(&dir, e))
            .and_then(|_| {
                store.dispatch(session, digits, |pdf| {
                    citizen_desk::files::write_atomic(&path, pdf)
                })
            });
        match result {
            Ok(report) => {
                self.last_file = Some(path.clone());
                self.ok(Text::new("done-dispatched")
                    .arg("batch", report.batch)
                    .arg("count", report.count)
                    .arg("path", path.display()));
                self.load_outbox();
            }
            Err(e) => self.fail(e),
        }
    }

    fn load_conflicts(&mut self) {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        match store.conflicts(session, false) {
            Ok(list) => self.conflicts = list,
            Err(e) => self.fail(e),
        }
    }

    /// Settles a conflict with the note: by the supervisor named in the
    /// supervisor fields (their own PIN), or by whoever is signed in; the
    /// library allows supervisors only.
    fn settle(&mut self, id: i64) {
        let (name, pin) = (self.sup_name.clone(), std::mem::take(&mut self.sup_pin));
        let note = self.settle_note.clone();
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        let result = if name.is_empty() {
            store.settle_conflict(session, id, &note)
        } else {
            store
                .sign_in(&name, &pin)
                .and_then(|supervisor| store.settle_conflict(&supervisor, id, &note))
        };
        match result {
            Ok(c) => {
                self.settle_note.clear();
                self.ok(c.settled_message());
                self.load_conflicts();
                self.refresh();
            }
            Err(e) => self.fail(e),
        }
    }

    /// Enrols this desk with the hub (admins; the library checks) with the
    /// operator's one-time code. The request goes off the UI thread: with
    /// the network down it can take the whole sync timeout.
    fn enroll(&mut self) -> Task<Message> {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return Task::none();
        };
        let trust = match citizen_desk::sync::client::trust_for(
            &self.hub_url,
            Some(&self.hub_fingerprint),
            None,
        ) {
            Ok(trust) => trust,
            Err(e) => {
                self.fail(e);
                return Task::none();
            }
        };
        let code = std::mem::take(&mut self.enroll_code);
        let ask = match store.enrolment(session, &code) {
            Ok(ask) => ask,
            Err(e) => {
                self.enroll_code = code;
                self.fail(e);
                return Task::none();
            }
        };
        let url = self.hub_url.clone();
        let lang = self.lang;
        self.enrolling = true;
        self.flash = None;
        Task::perform(
            async move {
                let answer = citizen_desk::sync::client::ask_to_enroll(&url, &trust, &ask)
                    .map_err(|e| e.message().text(lang));
                (url, trust, answer)
            },
            |(url, trust, answer)| Message::Enrolled(url, trust, answer),
        )
    }

    /// The hub answered an enrolment: keep the link (audited by the
    /// library) or say why not.
    fn enrolled(
        &mut self,
        url: String,
        trust: citizen_desk::protocol::HubTrust,
        answer: Result<citizen_desk::protocol::EnrollResponse, String>,
    ) {
        self.enrolling = false;
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        match answer.map(|answer| {
            store
                .save_hub_link(session, &url, &trust, &answer)
                .map(|_| answer)
        }) {
            Ok(Ok(answer)) => self.ok(Text::new("done-enrolled")
                .arg("hub", url)
                .arg("center", answer.center)
                .arg("id", answer.desk_id)),
            Ok(Err(e)) => self.fail(e),
            Err(words) => self.flash = Some(Flash::Err(words)),
        }
    }

    fn digits(&self) -> citizen_desk::documents::render::Digits {
        if self.arabic_digits {
            citizen_desk::documents::render::Digits::ArabicIndic
        } else {
            citizen_desk::documents::render::Digits::Latin
        }
    }

    fn envelope(&mut self) {
        let dir = self.documents_dir();
        let mut written = None;
        self.act(|store, session, r, _| {
            std::fs::create_dir_all(&dir).map_err(|e| citizen_desk::Error::io(&dir, e))?;
            store.envelope(
                session,
                r,
                citizen_desk::documents::labels::LabelFormat::Dl,
                |pdf| {
                    let path = dir.join(format!("{}-label.pdf", r.as_str()));
                    citizen_desk::files::write_atomic(&path, pdf)?;
                    written = Some(path);
                    Ok(())
                },
            )?;
            Ok("gui-done-enveloped")
        });
        if written.is_some() {
            self.last_file = written;
        }
    }

    /// An online backup into `backups/` beside the store (the library
    /// allows it to admins only, and says so to anyone else).
    fn backup_now(&mut self) {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        let dir = self.data_dir.join("backups");
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let path = dir.join(format!("desk-{stamp}.sqlite3.age"));
        let result = std::fs::create_dir_all(&dir)
            .map_err(|e| citizen_desk::Error::io(&dir, e))
            .and_then(|_| store.backup_to(session, &path));
        match result {
            Ok(()) => {
                self.flash = Some(Flash::Ok(tr(
                    self.lang,
                    "done-backup",
                    &[("path", &path.display().to_string())],
                )))
            }
            Err(e) => self.fail(e),
        }
    }

    /// Staff accounts and the trust list, for admins; anyone else is
    /// refused by the library (and the refusal is audited).
    fn load_admin(&mut self) {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return;
        };
        let loaded = store
            .list_users(session)
            .and_then(|users| Ok((users, store.trust_list(session)?)));
        match loaded {
            Ok((users, keys)) => {
                self.admin_users = users;
                self.admin_keys = keys;
            }
            Err(e) => {
                self.admin_users.clear();
                self.admin_keys.clear();
                self.fail(e);
            }
        }
    }

    /// Runs one admin action, shows its outcome and reloads the lists;
    /// true when it was done.
    fn admin(
        &mut self,
        f: impl FnOnce(&mut Store, &Session) -> citizen_desk::Result<Text>,
    ) -> bool {
        let (Some(store), Some(session)) = (self.store.as_mut(), self.session.as_ref()) else {
            return false;
        };
        match f(store, session) {
            Ok(done) => {
                self.load_admin();
                self.ok(done);
                true
            }
            Err(e) => {
                self.fail(e);
                false
            }
        }
    }

    fn load_outbox(&mut self) {
        if let Some(store) = &self.store {
            self.summary = store.count_by_state().unwrap_or_default();
            self.envelopes_held = store.envelopes_held().unwrap_or_default();
            self.sync_status = store.sync_status().ok();
            match store.outbox_pending(50) {
                Ok(pending) => self.pending = pending,
                Err(e) => {
                    self.pending.clear();
                    self.flash = Some(Flash::Err(e.message().text(self.lang)));
                }
            }
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let page: Element<'_, Message> = match self.page {
            Page::FirstRun => pages::first_run::view(self),
            Page::SignIn => pages::sign_in::view(self),
            Page::Home => pages::home::view(self),
            Page::Request => pages::request::view(self),
            Page::Outbox => pages::outbox::view(self),
            Page::Verify => pages::verify::view(self),
            Page::Settings => pages::settings::view(self),
            Page::Admin => pages::admin::view(self),
            Page::Conflicts => pages::conflicts::view(self),
        };
        let mut body = column![].spacing(14).padding(20);
        if self.session.is_some() {
            body = body.push(pages::top_bar(self));
            body = body.push(pages::status_bar(self));
        } else {
            body = body.push(
                rtl::row(
                    self.lang,
                    vec![
                        rtl::line(self.lang, self.t("gui-title"), 22.0),
                        button(text(self.t("gui-switch-language")))
                            .on_press(Message::ToggleLang)
                            .into(),
                    ],
                )
                .align_y(iced::Alignment::Center),
            );
        }
        if let Some(flash) = &self.flash {
            body = body.push(style::flash(self.lang, flash));
        }
        if let Some(busy) = self.busy {
            body = body.push(style::busy(self.lang, self.t(busy)));
        }
        if self.idle_warning {
            body = body.push(rtl::line(self.lang, self.t("gui-idle-warning"), 17.0));
        }
        if let Some(confirm) = &self.confirm {
            body = body.push(pages::confirm_bar(self, confirm));
        }
        body = body.push(page);
        scrollable(body).into()
    }
}

/// Keyboard-first: F2 lookup, F3 outbox, F4 check a seal, F5 settings,
/// F6 admin, F7 conflicts, F9 language,
/// Escape back to the lookup (keys a text field did not take).
pub(crate) fn shortcut(event: iced::keyboard::Event) -> Option<Message> {
    use iced::keyboard::key::{Code, Physical};
    use iced::keyboard::{Event, Key, key::Named};
    if let Event::KeyPressed {
        physical_key: Physical::Code(code),
        modifiers,
        ..
    } = &event
        && modifiers.alt()
    {
        let shift = modifiers.shift();
        let digit = |n| {
            Some(Message::Alt(if shift {
                AltKey::Tick(n)
            } else {
                AltKey::Digit(n)
            }))
        };
        return match code {
            Code::Digit1 => digit(1),
            Code::Digit2 => digit(2),
            Code::Digit3 => digit(3),
            Code::Digit4 => digit(4),
            Code::Digit5 => digit(5),
            Code::Digit6 => digit(6),
            Code::Digit7 => digit(7),
            Code::Digit8 => digit(8),
            Code::Digit9 => digit(9),
            Code::KeyV => Some(Message::Alt(AltKey::Verify)),
            Code::KeyS => Some(Message::Alt(AltKey::Stamp)),
            Code::KeyP => Some(Message::Alt(AltKey::Print)),
            Code::KeyE => Some(Message::Alt(AltKey::Envelope)),
            Code::KeyR => Some(Message::Alt(AltKey::Reason)),
            Code::KeyA => Some(Message::Alt(AltKey::All)),
            _ => None,
        };
    }
    let Event::KeyPressed {
        key: Key::Named(named),
        ..
    } = event
    else {
        return None;
    };
    match named {
        Named::F2 => Some(Message::Go(Page::Home)),
        Named::Escape => Some(Message::Escape),
        Named::F3 => Some(Message::Go(Page::Outbox)),
        Named::F4 => Some(Message::Go(Page::Verify)),
        Named::F5 => Some(Message::Go(Page::Settings)),
        Named::F6 => Some(Message::Go(Page::Admin)),
        Named::F7 => Some(Message::Go(Page::Conflicts)),
        Named::F9 => Some(Message::ToggleLang),
        _ => None,
    }
}

/// "n requests stamped", and the first refusal in words if any was refused.
fn stamped_words(lang: Lang, outcomes: &[(RequestRef, citizen_desk::Result<Request>)]) -> String {
    let done = outcomes.iter().filter(|(_, o)| o.is_ok()).count();
    let refused: Vec<&citizen_desk::Error> = outcomes
        .iter()
        .filter_map(|(_, o)| o.as_ref().err())
        .collect();
    let mut words = tr(
        lang,
        "gui-done-stamped-several",
        &[("count", &done.to_string())],
    );
    if let Some(first) = refused.first() {
        words.push(' ');
        words.push_str(&tr(
            lang,
            "gui-stamped-refused",
            &[
                ("count", &refused.len().to_string()),
                ("why", &first.message().text(lang)),
            ],
        ));
    }
    words
}

/// The digits of a PIN as typed, in Latin digits, at most twelve.
fn digits_only(v: &str) -> String {
    // Arabic-Indic digits count too: a PIN typed on an Arabic keyboard.
    v.chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            '٠'..='٩' => char::from_u32(c as u32 - 0x0660 + '0' as u32),
            '۰'..='۹' => char::from_u32(c as u32 - 0x06F0 + '0' as u32),
            _ => None,
        })
        .take(12)
        .collect()
}

/// A demo store of 2,000 requests, made for today.
fn create_demo(dir: &std::path::Path) -> citizen_desk::Result<Store> {
    let today = citizen_desk::domain::calendar::damascus_date(chrono::Utc::now());
    let (store, _) = citizen_desk::demo::create_demo(
        dir,
        &citizen_desk::demo::DemoOptions {
            requests: 2_000,
            seed: 1,
            today,
        },
    )?;
    Ok(store)
}

/// Every page drawn as the PDF will print, small enough for the screen.
fn preview_handles(
    pages: &[citizen_desk::documents::layout::Page],
) -> Vec<iced::widget::image::Handle> {
    pages.iter().filter_map(preview_handle).collect()
}

/// One page drawn as the PDF will print.
fn preview_handle(
    page: &citizen_desk::documents::layout::Page,
) -> Option<iced::widget::image::Handle> {
    let pixmap = citizen_desk::documents::preview::rasterize(page, 72.0).ok()?;
    Some(iced::widget::image::Handle::from_rgba(
        pixmap.width(),
        pixmap.height(),
        pixmap.take(),
    ))
}

/// The fonts the app draws with, bundled: Amiri covers Arabic and Latin;
/// Noto Sans fills in what it lacks.
pub(crate) const FONTS: [&[u8]; 4] = [
    include_bytes!("../../fonts/Amiri-Regular.ttf"),
    include_bytes!("../../fonts/Amiri-Bold.ttf"),
    include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/NotoSans-Bold.ttf"),
];

/// True when there is a screen to open a window on.
pub fn has_display() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// Opens the desk app; returns when its window closes.
pub fn run(options: Options) -> Result<(), String> {
    let app = App::new(options).map_err(|e| e.message().bilingual())?;
    // iced boots the app from a shared closure; the app made above (so its
    // errors are reported before any window opens) is handed over once.
    let cell = std::sync::Mutex::new(Some(app));
    let mut application = iced::application(
        move || {
            let app = cell
                .lock()
                .ok()
                .and_then(|mut c| c.take())
                .expect("the desk app boots once");
            // Keyboard-first: the user field has the focus at start.
            (app, iced::widget::operation::focus(pages::sign_in::USER_ID))
        },
        App::update,
        App::view,
    )
    .title(App::title)
    .subscription(App::subscription)
    .theme(|_: &App| style::theme())
    .default_font(Font::with_name("Amiri"))
    .window(iced::window::Settings {
        size: iced::Size::new(1280.0, 720.0),
        min_size: Some(iced::Size::new(1024.0, 640.0)),
        ..Default::default()
    });
    for font in FONTS {
        application = application.font(font);
    }
    // winit panics when the display named in DISPLAY cannot be opened:
    // staff get a sentence, not a backtrace.
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| application.run()));
    std::panic::set_hook(quiet);
    let detail = match outcome {
        Ok(Ok(())) => return Ok(()),
        Ok(Err(e)) => e.to_string(),
        Err(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown failure".into()),
    };
    Err(format!(
        "{}\n{}",
        tr(Lang::Ar, "gui-window-failed", &[("detail", &detail)]),
        tr(Lang::En, "gui-window-failed", &[("detail", &detail)])
    ))
}
