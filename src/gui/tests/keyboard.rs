//! Tab, Enter, Space and the arrows in a window that keeps its widgets'
//! state between frames, as iced's runtime does (the simulator of the
//! other tests starts afresh each time, so no focus survives there): the
//! keys go to the widgets first, what they leave goes through the app's
//! key map, and the widget operations the app returns (focus moves,
//! scrolling) are carried out on the same widgets.

use iced::advanced::widget::operation::{Focusable, Operation, Outcome};
use iced::advanced::widget::{self, Id};
use iced::keyboard::{Key, Modifiers, key::Named};
use iced::{Rectangle, Size};
use iced_test::core::{Event, mouse};
use iced_test::runtime::user_interface::{Cache, UserInterface};

use super::*;

/// The window size of the desk on a 1366×768 screen.
const WINDOW: Size = Size::new(1366.0, 740.0);

struct Window {
    cache: Option<Cache>,
    renderer: iced::Renderer,
    /// What the widgets published or the key map made of the keys, and
    /// every widget operation the app asked for, in order.
    log: Vec<String>,
}

/// What holds the focus: a field (by id) or an action (by its words).
#[derive(Clone, Debug)]
struct Stop {
    id: Option<Id>,
    words: String,
    bounds: Rectangle,
}

impl Window {
    fn new() -> Window {
        use iced_test::core::renderer::Headless;
        use iced_test::futures::futures::executor::block_on;
        {
            let mut fonts = iced_test::renderer::graphics::text::font_system()
                .write()
                .expect("the font system");
            for font in FONTS {
                fonts.load_font(std::borrow::Cow::Borrowed(font));
            }
        }
        let renderer = block_on(<iced::Renderer as Headless>::new(
            Font::with_name("Amiri"),
            iced::Pixels(16.0),
            None,
        ))
        .expect("a headless renderer");
        Window {
            cache: Some(Cache::default()),
            renderer,
            log: Vec::new(),
        }
    }

    /// Builds the app's view on the widgets of the last frame, lets `f`
    /// use it, keeps the widgets for the next.
    fn frame<R>(
        &mut self,
        app: &App,
        f: impl FnOnce(
            &mut UserInterface<'_, Message, iced::Theme, iced::Renderer>,
            &mut iced::Renderer,
        ) -> R,
    ) -> R {
        let cache = self.cache.take().unwrap_or_default();
        let mut ui = UserInterface::build(app.view(), WINDOW, cache, &mut self.renderer);
        let out = f(&mut ui, &mut self.renderer);
        self.cache = Some(ui.into_cache());
        out
    }

    /// Presses and releases `key` (with `modifiers`, typing `text`).
    fn key(&mut self, app: &mut App, key: Key, modifiers: Modifiers, text: Option<&str>) {
        self.send(app, key_events(key, modifiers, text));
    }

    /// Hands `events` to the widgets in one frame, as the window does
    /// with what arrived since the last: keys typed fast (or by a badge
    /// scanner) come together, before any task the first of them started
    /// (a focus move) has run.
    fn send(&mut self, app: &mut App, events: Vec<Event>) {
        let mut messages = Vec::new();
        let statuses = self.frame(app, |ui, renderer| {
            let (_, statuses) = ui.update(
                &events,
                mouse::Cursor::Unavailable,
                renderer,
                &mut iced::advanced::clipboard::Null,
                &mut messages,
            );
            statuses
        });
        // What no widget took goes through the app's key map, as
        // `iced::keyboard::listen` does in the window.
        for (event, status) in events.into_iter().zip(statuses) {
            if let (Event::Keyboard(event), iced::event::Status::Ignored) = (event, status)
                && let Some(message) = shortcut(event)
            {
                messages.push(message);
            }
        }
        for message in messages {
            self.update(app, message);
        }
    }

    fn tap(&mut self, app: &mut App, named: Named) {
        let text = match named {
            Named::Space => Some(" "),
            Named::Enter => Some("\r"),
            Named::Tab => Some("\t"),
            _ => None,
        };
        self.key(app, Key::Named(named), Modifiers::empty(), text);
    }

    fn shift_tab(&mut self, app: &mut App) {
        self.key(app, Key::Named(Named::Tab), Modifiers::SHIFT, Some("\t"));
    }

    /// Types `text` into whatever has the focus, key by key.
    fn type_text(&mut self, app: &mut App, text: &str) {
        for c in text.chars() {
            let s = c.to_string();
            self.key(
                app,
                Key::Character(s.as_str().into()),
                Modifiers::empty(),
                Some(&s),
            );
        }
    }

    fn update(&mut self, app: &mut App, message: Message) {
        self.log.push(format!("{message:?}"));
        let task = app.update(message);
        self.run(app, task);
    }

    /// Runs a task as the runtime does: its messages back to the app,
    /// its widget operations on this window's widgets.
    fn run(&mut self, app: &mut App, task: Task<Message>) {
        use iced_test::futures::futures::{StreamExt, executor::block_on};
        let Some(stream) = iced_test::runtime::task::into_stream(task) else {
            return;
        };
        // One action at a time, as the runtime does: a widget operation
        // holds its task's channel, which ends only when it is dropped.
        let mut stream = stream;
        while let Some(action) = block_on(stream.next()) {
            match action {
                iced_test::runtime::Action::Output(message) => self.update(app, message),
                iced_test::runtime::Action::Widget(operation) => self.operate(app, operation),
                _ => {}
            }
        }
    }

    fn operate(&mut self, app: &App, mut operation: Box<dyn Operation>) {
        self.frame(app, |ui, renderer| {
            loop {
                ui.operate(renderer, operation.as_mut());
                match operation.finish() {
                    Outcome::Chain(next) => operation = next,
                    _ => break,
                }
            }
        });
    }

    /// What has the focus now, if anything.
    fn focused(&mut self, app: &App) -> Option<Stop> {
        #[derive(Default)]
        struct Look {
            stop: Option<(Option<Id>, Rectangle)>,
            texts: Vec<(Rectangle, String)>,
        }
        impl Operation for Look {
            fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
                operate(self);
            }
            fn focusable(&mut self, id: Option<&Id>, bounds: Rectangle, state: &mut dyn Focusable) {
                if state.is_focused() {
                    self.stop = Some((id.cloned(), bounds));
                }
            }
            fn text(&mut self, _id: Option<&Id>, bounds: Rectangle, text: &str) {
                self.texts.push((bounds, text.to_owned()));
            }
        }
        let mut look = Look::default();
        self.frame(app, |ui, renderer| ui.operate(renderer, &mut look));
        let (id, bounds) = look.stop?;
        let words = look
            .texts
            .iter()
            .filter(|(b, _)| bounds.contains(b.center()))
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Some(Stop { id, words, bounds })
    }

    /// Tab until the focus is on an action whose words contain `words`
    /// (at most 80 presses); returns how many it took.
    fn tab_to(&mut self, app: &mut App, words: &str) -> usize {
        for n in 1..=80 {
            self.tap(app, Named::Tab);
            if self.focused(app).is_some_and(|s| s.words.contains(words)) {
                return n;
            }
        }
        panic!("Tab never reached «{words}»; the log: {:#?}", self.log);
    }

    /// Tab until the field `id` has the focus.
    fn tab_to_field(&mut self, app: &mut App, id: &'static str) {
        for _ in 0..80 {
            self.tap(app, Named::Tab);
            if self
                .focused(app)
                .is_some_and(|s| s.id == Some(widget::Id::new(id)))
            {
                return;
            }
        }
        panic!("Tab never reached the field {id}");
    }

    /// Every stop of one Tab round from where the focus is now.
    fn round(&mut self, app: &mut App) -> Vec<Stop> {
        let mut stops: Vec<Stop> = Vec::new();
        for _ in 0..200 {
            self.tap(app, Named::Tab);
            let stop = self.focused(app).expect("Tab always lands somewhere");
            if stops
                .first()
                .is_some_and(|first| first.bounds == stop.bounds && first.words == stop.words)
            {
                return stops;
            }
            stops.push(stop);
        }
        panic!("no Tab round within 200 presses");
    }
}

/// A key's press and release.
fn key_events(key: Key, modifiers: Modifiers, text: Option<&str>) -> Vec<Event> {
    use iced::keyboard::key::{NativeCode, Physical};
    use iced::keyboard::{Event as K, Location};
    let physical = Physical::Unidentified(NativeCode::Unidentified);
    vec![
        Event::Keyboard(K::KeyPressed {
            key: key.clone(),
            modified_key: key.clone(),
            physical_key: physical,
            location: Location::Standard,
            modifiers,
            text: text.map(Into::into),
            repeat: false,
        }),
        Event::Keyboard(K::KeyReleased {
            key: key.clone(),
            modified_key: key,
            physical_key: physical,
            location: Location::Standard,
            modifiers,
        }),
    ]
}

/// Enter, Tab or a character, pressed and released.
fn tap(named: Named) -> Vec<Event> {
    let text = match named {
        Named::Enter => "\r",
        Named::Tab => "\t",
        _ => "",
    };
    key_events(Key::Named(named), Modifiers::empty(), Some(text))
}

fn typed(text: &str) -> Vec<Event> {
    text.chars()
        .flat_map(|c| {
            let s = c.to_string();
            key_events(
                Key::Character(s.as_str().into()),
                Modifiers::empty(),
                Some(&s),
            )
        })
        .collect()
}

/// A received, paid request with one stamp, for a clerk to open.
fn a_received_request(app: &App) -> String {
    query_one(
        app,
        "SELECT national_id FROM requests WHERE state = 'received' AND paid = 1
           AND stamps_required = 1
           AND national_id IN (SELECT national_id FROM requests GROUP BY national_id HAVING count(*) = 1)
         ORDER BY national_id LIMIT 1",
    )
}

/// Each stop after the first stands further on in reading order: on a
/// line below, or on the same line further towards the reading end.
fn assert_reading_order(stops: &[Stop], lang: Lang) {
    for pair in stops.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let same_line = (a.bounds.y..=a.bounds.y + a.bounds.height).contains(&b.bounds.center_y());
        let further = if lang == Lang::Ar {
            b.bounds.x + b.bounds.width <= a.bounds.x + 1.0
        } else {
            b.bounds.x >= a.bounds.x + a.bounds.width - 1.0
        };
        assert!(
            (same_line && further) || (!same_line && b.bounds.y > a.bounds.y),
            "{lang:?}: «{}» {:?} then «{}» {:?}",
            a.words,
            a.bounds,
            b.words,
            b.bounds
        );
    }
}

/// On a request, Tab goes through every action and field in reading
/// order: the top bar from its reading side (the lookup first, on the
/// right in Arabic, on the left in English), then the page downwards,
/// the checklist in its order, and round again; Shift+Tab goes back.
#[test]
fn tab_goes_through_a_request_in_reading_order() {
    for lang in [Lang::Ar, Lang::En] {
        let (_dir, mut app) = demo_app(lang);
        sign_in(&mut app, "clerk1", "123456");
        let nid = a_received_request(&app);
        let mut window = Window::new();
        update(&mut app, Message::Home(home::Message::QueryChanged(nid)));
        window.update(&mut app, Message::Home(home::Message::Search));
        window.update(&mut app, Message::Alt(AltKey::Digit(1)));
        assert_eq!(page(&app), Some(Page::Request));

        let stops = window.round(&mut app);
        let t = |id: &str| tr(lang, id, &[]);
        let words: Vec<&str> = stops.iter().map(|s| s.words.as_str()).collect();
        assert!(
            words[0].contains(&t("gui-nav-lookup")),
            "{lang:?}: {words:#?}"
        );
        assert!(
            words[1].contains(&t("gui-nav-outbox")),
            "{lang:?}: {words:#?}"
        );
        assert!(words[0].contains("F2"), "the key is on the button");
        let at = |id: &str| {
            words
                .iter()
                .position(|w| w.contains(&t(id)))
                .unwrap_or_else(|| panic!("{lang:?}: {id} is no Tab stop: {words:#?}"))
        };
        let checks: Vec<usize> = CHECKS.iter().map(|id| at(id)).collect();
        assert!(checks.windows(2).all(|w| w[1] == w[0] + 1), "{words:#?}");
        assert!(at("gui-sign-out") < checks[0]);
        // Verify waits for the ticks: a disabled action is no stop.
        assert!(!words.iter().any(|w| w.contains(&t("gui-verify"))));
        assert_reading_order(&stops, lang);

        // Shift+Tab goes back the same way.
        window.tab_to(&mut app, &t(CHECKS[1]));
        window.shift_tab(&mut app);
        let back = window.focused(&app).expect("a stop");
        assert!(back.words.contains(&t(CHECKS[0])), "{}", back.words);
    }
}

/// The core flow with Tab, Space and Enter only (no Alt shortcut, no
/// click): sign-in (Tab from the name to the PIN), the lookup (arrow
/// down to the result, Enter opens it), the checklist ticked with Space,
/// Verify with Enter, the supervisor's name and PIN (Tab between), Print
/// and Envelope with Enter.
#[test]
fn the_core_flow_by_tab_space_and_enter() {
    let (_dir, mut app) = demo_app(Lang::Ar);
    let mut window = Window::new();
    let t = |id: &str| tr(Lang::Ar, id, &[]);
    // The window opens with the focus on the user field.
    window.run(
        &mut app,
        iced::widget::operation::focus(pages::sign_in::USER_ID),
    );
    window.type_text(&mut app, "clerk1");
    window.tap(&mut app, Named::Tab);
    window.type_text(&mut app, "123456");
    assert_eq!(
        signing_in(&app).user,
        "clerk1",
        "the PIN stayed out of the name"
    );
    window.tap(&mut app, Named::Enter);
    assert!(signed_in(&app), "{}", flash_text(&app));

    let nid = a_received_request(&app);
    let tracking = query_one(
        &app,
        &format!("SELECT tracking_code FROM requests WHERE national_id = '{nid}'"),
    );
    // The lookup field has the focus after sign-in.
    window.type_text(&mut app, &arabic_indic(&nid));
    window.tap(&mut app, Named::Enter);
    assert_eq!(desk(&app).home.results.len(), 1, "{}", flash_text(&app));
    window.tap(&mut app, Named::ArrowDown);
    let row = window.focused(&app).expect("the result row has the focus");
    assert!(row.words.contains(&tracking), "{}", row.words);
    window.tap(&mut app, Named::Enter);
    assert_eq!(page(&app), Some(Page::Request));

    window.tab_to(&mut app, &t(CHECKS[0]));
    for i in 0..CHECKS.len() {
        if i > 0 {
            window.tap(&mut app, Named::Tab);
        }
        window.tap(&mut app, Named::Space);
    }
    assert!(desk(&app).request.checks.iter().all(|c| *c));
    window.tap(&mut app, Named::Tab);
    let verify = window.focused(&app).expect("Verify has the focus");
    assert!(verify.words.contains(&t("gui-verify")), "{}", verify.words);
    window.tap(&mut app, Named::Enter);
    assert_eq!(
        state_of(&app, &tracking),
        State::Verified,
        "{}",
        flash_text(&app)
    );

    window.tab_to_field(&mut app, pages::request::SUPERVISOR_ID);
    window.type_text(&mut app, "supervisor1");
    window.tap(&mut app, Named::Tab);
    window.type_text(&mut app, "123456");
    assert_eq!(desk(&app).request.sup_name, "supervisor1");
    window.tap(&mut app, Named::Enter);
    assert_eq!(
        state_of(&app, &tracking),
        State::Approved,
        "{}",
        flash_text(&app)
    );

    window.tab_to(&mut app, &t("gui-print-pdf"));
    window.tap(&mut app, Named::Enter);
    assert_eq!(
        state_of(&app, &tracking),
        State::Printed,
        "{}",
        flash_text(&app)
    );
    window.tab_to(&mut app, &t("gui-envelope"));
    window.tap(&mut app, Named::Enter);
    assert_eq!(
        state_of(&app, &tracking),
        State::Enveloped,
        "{}",
        flash_text(&app)
    );
    assert!(
        !window.log.iter().any(|m| m.starts_with("Alt(")),
        "no Alt shortcut was used"
    );
}

/// The focus stays with its action when a message appears above the
/// page (iced keeps a widget's state by its place in the tree: the
/// message has a place of its own, shown or not), and Enter then does
/// what the focused action says.
#[test]
fn the_focus_stays_with_its_action_when_a_message_appears() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let mut window = Window::new();
    let search = tr(Lang::En, "gui-search", &[]);
    window.tab_to(&mut app, &search);
    app.flash = Some(Flash::Err("a message above the page".into()));
    let after = window.focused(&app).expect("the focus stayed");
    assert_eq!(after.words, search);
    app.flash = None;
    window.tab_to(&mut app, &tr(Lang::En, "gui-nav-outbox", &[]));
    window.tap(&mut app, Named::Enter);
    assert_eq!(page(&app), Some(Page::Outbox));
}

/// A badge scanner, or a fast typist on a busy machine, delivers the
/// name's Enter (or Tab), the PIN and its Enter in one frame, before the
/// task that moves the focus to the PIN has run: the digits reach the
/// name field. They go to the PIN, never into the name in clear (once
/// they went in twice: "123456" became 11 digits, and the sign-in failed
/// and counted against the account).
#[test]
fn a_pin_typed_before_the_focus_moved_goes_to_the_pin_once() {
    for next in [Named::Enter, Named::Tab] {
        let (_dir, mut app) = demo_app(Lang::En);
        let mut window = Window::new();
        window.run(
            &mut app,
            iced::widget::operation::focus(pages::sign_in::USER_ID),
        );
        window.type_text(&mut app, "clerk1");
        // Shift between the digits (an AZERTY layout types digits with
        // it) and an input method's commit: both still the PIN's.
        let mut batch = tap(next);
        batch.extend(typed("12"));
        batch.extend(key_events(Key::Named(Named::Shift), Modifiers::SHIFT, None));
        batch.push(Event::InputMethod(
            iced::advanced::input_method::Event::Commit("34".into()),
        ));
        window.send(&mut app, batch);
        assert_eq!(signing_in(&app).user, "clerk1", "{next:?}");
        assert_eq!(signing_in(&app).pin, "1234", "{next:?}");
        // The focus has moved by now: the rest goes to the PIN field.
        window.type_text(&mut app, "56");
        assert_eq!(signing_in(&app).pin, "123456", "{next:?}");
        window.tap(&mut app, Named::Enter);
        assert!(signed_in(&app), "{next:?}: {}", flash_text(&app));
    }
    // The scanner: name, Enter, PIN, Enter, all in one frame.
    let (_dir, mut app) = demo_app(Lang::Ar);
    let mut window = Window::new();
    window.run(
        &mut app,
        iced::widget::operation::focus(pages::sign_in::USER_ID),
    );
    let mut batch = typed("clerk1");
    batch.extend(tap(Named::Enter));
    batch.extend(typed("١٢٣٤٥٦"));
    batch.extend(tap(Named::Enter));
    window.send(&mut app, batch);
    assert!(signed_in(&app), "{}", flash_text(&app));
    assert_eq!(desk(&app).session.name(), "clerk1");
}

/// After Enter in the name, a deletion is the user going back to the
/// name: it edits the name, and what is typed then is the name's.
#[test]
fn backspace_after_enter_gives_the_name_back() {
    let (_dir, mut app) = demo_app(Lang::En);
    let mut window = Window::new();
    window.run(
        &mut app,
        iced::widget::operation::focus(pages::sign_in::USER_ID),
    );
    window.type_text(&mut app, "clerk2");
    let mut batch = tap(Named::Enter);
    batch.extend(key_events(
        Key::Named(Named::Backspace),
        Modifiers::empty(),
        None,
    ));
    batch.extend(typed("1"));
    window.send(&mut app, batch);
    assert_eq!(signing_in(&app).user, "clerk1");
    assert_eq!(signing_in(&app).pin, "");
}

/// The same at a clerk's desk for a supervisor's stamp: name, Tab, PIN
/// and Enter in one frame stamp the request.
#[test]
fn a_supervisors_name_and_pin_in_one_frame_stamp() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let id = query_one(
        &app,
        "SELECT id FROM requests WHERE state = 'verified' AND stamps_required = 1
           AND coalesce(verified_by, '') <> 'supervisor1' ORDER BY tracking_code LIMIT 1",
    );
    let mut window = Window::new();
    window.update(&mut app, Message::Home(home::Message::Open(id.clone())));
    window.run(
        &mut app,
        iced::widget::operation::focus(pages::request::SUPERVISOR_ID),
    );
    let mut batch = typed("supervisor1");
    batch.extend(tap(Named::Tab));
    batch.extend(typed("123456"));
    batch.extend(tap(Named::Enter));
    window.send(&mut app, batch);
    assert_eq!(desk(&app).request.sup_name, "supervisor1");
    let state = query_one(
        &app,
        &format!("SELECT state FROM requests WHERE id = '{id}'"),
    );
    assert_eq!(state, "approved", "{}", flash_text(&app));
}

/// A new page starts with nothing focused: the lookup field's focus does
/// not pass on to the field that stands at its place on the next page
/// (iced keeps widget state by place; the admin's new-PIN field took the
/// typing after F6).
#[test]
fn a_new_page_starts_with_nothing_focused() {
    let (_dir, mut app) = demo_app(Lang::Ar);
    sign_in(&mut app, "admin", "123456");
    let mut window = Window::new();
    window.run(&mut app, iced::widget::operation::focus(home::QUERY_ID));
    assert!(window.focused(&app).is_some(), "the lookup field");
    window.tap(&mut app, Named::F6);
    assert_eq!(page(&app), Some(Page::Admin));
    assert!(window.focused(&app).is_none(), "{:?}", window.focused(&app));
    window.tap(&mut app, Named::F2);
    let back = window.focused(&app).expect("the lookup field again");
    assert_eq!(back.id, Some(iced::widget::Id::new(home::QUERY_ID)));
}
