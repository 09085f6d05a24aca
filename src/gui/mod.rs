//! The desk app: an Arabic-first iced GUI over the core library, shaped
//! like Halloy: a thin shell ([`App`]) holding the [`Screen`] (first run,
//! sign-in, or the signed-in [`Desk`] with its store and session); each
//! page a module with its own state, messages, `update` and `view`;
//! events go up to the shell only where needed. Every rule — roles, the
//! two-person rule, the lifecycle, the audit log — lives in the library;
//! this only calls it and shows the answer. Slow steps (argon2, printing,
//! `lp`, CUPS, the network, backups, files) run as background tasks on
//! their own connection, the page saying so.

mod alt_keys;
mod desk;
mod focus;
mod pages;
mod rtl;
mod rtl_edit;
mod rtl_input;
mod style;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::gui::focus::button;
use crate::gui::style::text;
use iced::widget::{column, scrollable};
use iced::{Element, Font, Subscription, Task};

use citizen_desk::domain::Request;
use citizen_desk::i18n::{Lang, tr};
use citizen_desk::store::Store;

pub use desk::{Desk, Page};
use pages::{admin, conflicts, first_run, home, outbox, request, settings, sign_in, verify};

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

/// Where the app is: no store yet, a store and nobody signed in, or a
/// signed-in desk.
pub enum Screen {
    FirstRun(first_run::State),
    SignIn(Box<sign_in::State>),
    Desk(Box<Desk>),
}

/// The shell: the screen, and what outlives a sign-in (the language, the
/// flash, the idle clock, the work parked by an idle lock).
pub struct App {
    pub screen: Screen,
    pub data_dir: PathBuf,
    pub lang: Lang,
    pub demo: bool,
    pub flash: Option<Flash>,
    pub last_activity: Instant,
    /// The idle lock is near: a warning is on screen.
    pub idle_warning: bool,
    /// Work an idle lock put aside for the same user.
    pub parked: Option<Parked>,
    /// Answers of background steps that arrived while the desk of the
    /// user who started them was locked: given to them at their next
    /// sign-in (and to nobody else), at most [`HELD_ANSWERS`].
    pub held: Vec<Message>,
    /// A sync is running (since then), started by whichever desk: it
    /// outlives an idle lock, so the next desk neither starts a second
    /// nor shows "idle". Past [`SYNC_GIVEN_UP`] it no longer counts (a
    /// sync that never answered must not stop every later one).
    pub sync_running: Option<Instant>,
}

/// How long a sync may run before the shell stops waiting for it: well
/// past the sync client's own timeouts.
pub const SYNC_GIVEN_UP: Duration = Duration::from_secs(10 * 60);

/// Whether a sync started at `since` (by any desk) still counts as
/// running at `now`.
fn sync_counts(since: Option<Instant>, now: Instant) -> bool {
    since.is_some_and(|since| now.saturating_duration_since(since) < SYNC_GIVEN_UP)
}

/// How many late answers are kept for a locked desk's user.
pub const HELD_ANSWERS: usize = 32;

/// How often an enrolled desk syncs by itself.
pub const AUTO_SYNC_EVERY: Duration = Duration::from_secs(60);

/// Whether the background sync is due: enrolled, none running, and the
/// last one started long enough ago.
pub fn auto_sync_due(enrolled: bool, syncing: bool, last: Option<Instant>, now: Instant) -> bool {
    enrolled && !syncing && last.is_none_or(|at| now.duration_since(at) >= AUTO_SYNC_EVERY)
}

/// The shell's messages: each page's own, wrapped, and the global ones.
#[derive(Clone, Debug)]
pub enum Message {
    FirstRun(first_run::Message),
    SignIn(sign_in::Message),
    Home(home::Message),
    Request(request::Message),
    Outbox(outbox::Message),
    Verify(verify::Message),
    Settings(settings::Message),
    Admin(admin::Message),
    Conflicts(conflicts::Message),
    SignOut,
    ToggleLang,
    Go(Page),
    Tick(Instant),
    /// Does the step the confirmation bar asked about.
    Confirmed,
    /// Escape: drops a pending question, else back to the lookup.
    Escape,
    /// A sync asked for on the outbox: how it went, in words.
    Synced(Result<String, String>),
    /// A sync the app started by itself: the status bar shows how it went.
    AutoSynced(Result<String, String>),
    /// Alt with a key: the page's keyboard shortcuts.
    Alt(AltKey),
    /// Tab, Shift+Tab, arrow up or down: the focus moves in reading order.
    Focus(focus::Step),
    /// The answer of a background step the desk of this user started
    /// (every message a desk's task sends back comes wrapped in it).
    ForUser(String, Box<Message>),
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
            screen: match store {
                Some(store) => Screen::SignIn(Box::new(sign_in::State::new(store, String::new()))),
                None => Screen::FirstRun(first_run::State::default()),
            },
            data_dir: options.data_dir,
            lang: options.lang,
            demo,
            flash: None,
            last_activity: Instant::now(),
            idle_warning: false,
            parked: None,
            held: Vec::new(),
            sync_running: None,
        })
    }

    pub fn t(&self, id: &str) -> String {
        tr(self.lang, id, &[])
    }

    pub fn title(&self) -> String {
        self.t("gui-title")
    }

    /// The signed-in desk, if any.
    pub fn desk(&self) -> Option<&Desk> {
        match &self.screen {
            Screen::Desk(desk) => Some(desk),
            _ => None,
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        let keys = iced::keyboard::listen().filter_map(shortcut);
        if self.desk().is_some() {
            Subscription::batch([
                iced::time::every(Duration::from_secs(15)).map(Message::Tick),
                keys,
            ])
        } else {
            keys
        }
    }

    pub fn update(&mut self, message: Message) -> Task<Message> {
        // Only someone at the desk keeps the session: not the clock, and
        // not a background step's answer.
        if !matches!(message, Message::Tick(_) | Message::ForUser(..)) {
            self.last_activity = Instant::now();
            self.idle_warning = false;
        }
        match message {
            Message::ToggleLang => {
                self.lang = if self.lang == Lang::Ar {
                    Lang::En
                } else {
                    Lang::Ar
                };
                Task::none()
            }
            Message::Focus(step) => focus::step(step, self.lang == Lang::Ar),
            Message::FirstRun(m) => self.first_run(m),
            Message::SignIn(m) => self.sign_in(m),
            Message::SignOut => {
                self.parked = None;
                self.held.clear();
                self.sign_out(None);
                iced::widget::operation::focus(sign_in::USER_ID)
            }
            Message::Tick(now) => self.tick(now),
            Message::ForUser(user, message) => self.answer(user, *message),
            message => self.desk_update(message),
        }
    }

    /// The answer of a background step `user`'s desk started. A step
    /// started before an idle lock (or a sign-out) may answer after
    /// someone else signed in: it is in the store and the audit log
    /// already, and its words and page belong to the user who started it.
    /// So: to their desk if it is open; held for them while their desk is
    /// locked; else dropped (a sync's end still updates whoever's status
    /// bar is showing).
    fn answer(&mut self, user: String, message: Message) -> Task<Message> {
        let synced = matches!(message, Message::Synced(_) | Message::AutoSynced(_));
        if synced {
            self.sync_running = None;
        }
        match &self.screen {
            Screen::Desk(desk) if desk.session.name() == user => self.desk_update(message),
            // Another user's desk: the counts and the link's state change,
            // the words are not theirs.
            Screen::Desk(_) if synced => self.desk_update(Message::AutoSynced(Ok(String::new()))),
            Screen::SignIn(_)
                if self.parked.as_ref().is_some_and(|p| p.user == user)
                    && self.held.len() < HELD_ANSWERS =>
            {
                self.held.push(message);
                Task::none()
            }
            _ => Task::none(),
        }
    }

    /// A message for the signed-in desk (dropped when nobody is signed
    /// in); the answers of the tasks it starts are marked with its user.
    fn desk_update(&mut self, message: Message) -> Task<Message> {
        let Screen::Desk(desk) = &mut self.screen else {
            return Task::none();
        };
        let mut env = desk::Env {
            lang: self.lang,
            data_dir: &self.data_dir,
            flash: &mut self.flash,
        };
        let task = desk.update(message, &mut env);
        if desk.status.syncing && self.sync_running.is_none() {
            self.sync_running = Some(Instant::now());
        }
        for_user(task, desk.session.name())
    }

    fn first_run(&mut self, message: first_run::Message) -> Task<Message> {
        let Screen::FirstRun(state) = &mut self.screen else {
            return Task::none();
        };
        let (task, event) = state.update(message, &self.data_dir, self.lang);
        let task = task.map(Message::FirstRun);
        match event {
            Some(first_run::Event::Flash(flash)) => self.flash = flash,
            Some(first_run::Event::Ready {
                user,
                recovery_key,
                demo,
                flash,
            }) => match Store::open(&self.data_dir) {
                Ok(store) => {
                    let mut state = sign_in::State::new(store, user);
                    state.recovery_key = recovery_key;
                    self.screen = Screen::SignIn(Box::new(state));
                    self.demo = demo;
                    self.flash = flash;
                }
                Err(e) => self.flash = Some(Flash::Err(e.message().text(self.lang))),
            },
            None => {}
        }
        task
    }

    fn sign_in(&mut self, message: sign_in::Message) -> Task<Message> {
        let Screen::SignIn(state) = &mut self.screen else {
            return Task::none();
        };
        let (task, event) = state.update(message, &self.data_dir, self.lang);
        let task = task.map(Message::SignIn);
        match event {
            Some(sign_in::Event::Flash(flash)) => {
                self.flash = flash;
                task
            }
            Some(sign_in::Event::SignedIn(session)) => self.signed_in(session),
            None => task,
        }
    }

    /// Opens the desk for `session` on the store the sign-in screen held,
    /// giving back what an idle lock parked for the same user.
    fn signed_in(&mut self, session: citizen_desk::store::Session) -> Task<Message> {
        let placeholder = Screen::FirstRun(first_run::State::default());
        let Screen::SignIn(state) = std::mem::replace(&mut self.screen, placeholder) else {
            return Task::none();
        };
        let back = self.parked.take().filter(|p| p.user == session.name());
        let held = std::mem::take(&mut self.held);
        let mut desk = Desk::new(state.store, session);
        desk.status.syncing = sync_counts(self.sync_running, Instant::now());
        self.flash = None;
        let focus = iced::widget::operation::focus(home::QUERY_ID);
        let Some(parked) = back else {
            self.screen = Screen::Desk(Box::new(desk));
            return focus;
        };
        let mut env = desk::Env {
            lang: self.lang,
            data_dir: &self.data_dir,
            flash: &mut self.flash,
        };
        let reopened = for_user(desk.unpark(parked, &mut env), desk.session.name());
        self.screen = Screen::Desk(Box::new(desk));
        // What answered while the desk was locked, in the order it came.
        let mut tasks: Vec<Task<Message>> = held.into_iter().map(|m| self.desk_update(m)).collect();
        tasks.push(reopened);
        tasks.push(focus);
        Task::batch(tasks)
    }

    /// The idle lock (with its warning) and the background sync.
    fn tick(&mut self, now: Instant) -> Task<Message> {
        let idle = now.saturating_duration_since(self.last_activity);
        let Screen::Desk(desk) = &mut self.screen else {
            self.idle_warning = false;
            return Task::none();
        };
        if idle > IDLE_LOCK {
            self.parked = Some(desk.park());
            self.held.clear();
            self.sign_out(Some("gui-locked-idle"));
            return Task::none();
        }
        self.idle_warning = idle + IDLE_WARNING >= IDLE_LOCK;
        let env = desk::Env {
            lang: self.lang,
            data_dir: &self.data_dir,
            flash: &mut self.flash,
        };
        let running = sync_counts(self.sync_running, now);
        if !running {
            self.sync_running = None;
        }
        desk.status.syncing = running;
        let task = desk.tick(now, &env);
        if desk.status.syncing && self.sync_running.is_none() {
            self.sync_running = Some(now);
        }
        for_user(task, desk.session.name())
    }

    /// Back to the sign-in screen: the desk and all it held (nothing one
    /// user typed stays on screen for the next) is dropped; the store
    /// stays open.
    fn sign_out(&mut self, why: Option<&str>) {
        let placeholder = Screen::FirstRun(first_run::State::default());
        self.screen = match std::mem::replace(&mut self.screen, placeholder) {
            Screen::Desk(desk) => {
                let Desk { store, session, .. } = *desk;
                Screen::SignIn(Box::new(sign_in::State::new(
                    store,
                    session.name().to_owned(),
                )))
            }
            Screen::SignIn(mut state) => {
                state.pin.clear();
                Screen::SignIn(state)
            }
            first_run => first_run,
        };
        self.idle_warning = false;
        self.flash = why.map(|id| Flash::Ok(self.t(id)));
    }

    pub fn view(&self) -> Element<'_, Message> {
        let lang = self.lang;
        let mut body = column![].spacing(14).padding(20);
        let page = match &self.screen {
            Screen::FirstRun(state) => state.view(lang, &self.data_dir).map(Message::FirstRun),
            Screen::SignIn(state) => state.view(lang, self.demo).map(Message::SignIn),
            Screen::Desk(desk) => {
                let cx = pages::View {
                    lang,
                    store: &desk.store,
                    session: &desk.session,
                    status: &desk.status,
                    data_dir: &self.data_dir,
                };
                body = body.push(pages::top_bar(&cx, desk.page));
                body = body.push(pages::status_bar(&cx));
                pages::page(desk, &cx)
            }
        };
        if self.desk().is_none() {
            body = body.push(
                rtl::row(
                    lang,
                    vec![
                        rtl::line(lang, self.t("gui-title"), 22.0),
                        button(text(self.t("gui-switch-language")))
                            .on_press(Message::ToggleLang)
                            .into(),
                    ],
                )
                .align_y(iced::Alignment::Center),
            );
        }
        // The flash, the idle warning and the confirmation bar each keep
        // their place in the tree, shown or not: iced keeps a widget's
        // state (the focus on a field or an action) by its place, so a
        // message coming or going must not shift the page below it.
        let flash = self.flash.as_ref().map(|flash| style::flash(lang, flash));
        let idle = (self.idle_warning).then(|| rtl::line(lang, self.t("gui-idle-warning"), 17.0));
        let confirm = self
            .desk()
            .and_then(|d| d.confirm.as_ref())
            .map(|confirm| pages::confirm_bar(lang, confirm));
        body = body.push(column![slot(flash), slot(idle), slot(confirm)].spacing(0));
        body = body.push(page);
        // Alt shortcuts reach the app whichever field has the focus.
        alt_keys::pass_alt(scrollable(body)).into()
    }
}

/// A place in the page for something shown at times: the element, or
/// nothing (no height; the column's spacing aside).
fn slot<'a>(element: Option<Element<'a, Message>>) -> Element<'a, Message> {
    match element {
        Some(element) => iced::widget::container(element).padding([4, 0]).into(),
        None => iced::widget::container(iced::widget::Space::new()).into(),
    }
}

/// Marks every message `task` sends back as `user`'s, so that an answer
/// arriving after another user signed in goes nowhere (see
/// [`Message::ForUser`]).
fn for_user(task: Task<Message>, user: &str) -> Task<Message> {
    let user = user.to_owned();
    task.map(move |message| Message::ForUser(user.clone(), Box::new(message)))
}

/// Keyboard-first: F2 lookup, F3 outbox, F4 check a seal, F5 settings,
/// F6 admin, F7 conflicts, F9 language, Tab/Shift+Tab and the up/down
/// arrows move the focus, Escape back to the lookup (keys a text field
/// did not take).
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
        modifiers,
        ..
    } = event
    else {
        return None;
    };
    match named {
        // Tab and the arrows move the focus (keys no field or action
        // took: a name field's Tab goes on to its PIN by itself).
        Named::Tab if modifiers.shift() => Some(Message::Focus(focus::Step::Previous)),
        Named::Tab => Some(Message::Focus(focus::Step::Next)),
        Named::ArrowDown => Some(Message::Focus(focus::Step::Down)),
        Named::ArrowUp => Some(Message::Focus(focus::Step::Up)),
        Named::F2 => Some(Message::Go(Page::Home)),
        Named::Escape => Some(Message::Escape),
        Named::F3 => Some(Message::Go(Page::Outbox)),
        Named::F4 => Some(Message::Go(Page::Verify)),
        Named::F5 => Some(Message::Go(Page::Settings)),
        Named::F6 => Some(Message::Go(Page::Admin)),
        Named::F7 => Some(Message::Go(Page::Conflicts)),
        Named::F9 => Some(Message::ToggleLang),
        // The worklist's pages (keys no text field takes).
        Named::PageDown => Some(Message::Home(pages::home::Message::NextPage)),
        Named::PageUp => Some(Message::Home(pages::home::Message::PreviousPage)),
        _ => None,
    }
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
/// Noto Sans fills in what it lacks; Lucide's icons (a subset of 3.5 KB)
/// sit beside the words of the main actions.
pub(crate) const FONTS: [&[u8]; 5] = [
    include_bytes!("../../fonts/Amiri-Regular.ttf"),
    include_bytes!("../../fonts/Amiri-Bold.ttf"),
    include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../fonts/lucide.ttf"),
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
