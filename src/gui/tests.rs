//! The desk app driven headless with iced_test on a real demo store:
//! sign in → lookup (Arabic-Indic digits, Enter like a barcode scanner) →
//! verify with the checklist → a supervisor's stamp with their own PIN →
//! print to PDF → envelope → the outbox shows it; and the refusals.

use std::borrow::Cow;

use iced::keyboard::{Key, key::Named};
use iced_test::{Simulator, selector};

use super::*;
use citizen_desk::domain::State;
use citizen_desk::store::{RequestRef, Store};

mod keyboard;
#[path = "../../tests/it/shared.rs"]
mod shared;
use shared::{arabic_indic, test_printer};

fn settings() -> iced::Settings {
    iced::Settings {
        fonts: FONTS.iter().map(|f| Cow::Borrowed(*f)).collect(),
        default_font: Font::with_name("Amiri"),
        ..iced::Settings::default()
    }
}

fn demo_app(lang: Lang) -> (tempfile::TempDir, App) {
    let dir = tempfile::TempDir::new().unwrap();
    let app = App::new(Options {
        data_dir: dir.path().to_owned(),
        demo: true,
        lang,
    })
    .unwrap();
    (dir, app)
}

/// Renders the app, lets `act` use it like a person would, then feeds the
/// messages that produced back to the app.
fn interact(app: &mut App, act: impl FnOnce(&mut Simulator<'_, Message>)) {
    let messages: Vec<Message> = {
        let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
        act(&mut ui);
        ui.into_messages().collect()
    };
    for m in messages {
        update(app, m);
    }
}

/// Updates the app with `message` and runs the task it returns.
fn update(app: &mut App, message: Message) {
    let task = app.update(message);
    run_task(app, task);
}

/// Runs a task as iced's runtime would: work done off the UI thread (the
/// hub's answer to an enrolment) comes back as messages, which are fed to
/// the app in turn. (Widget operations such as focus have no message.)
fn run_task(app: &mut App, task: Task<Message>) {
    use iced_test::futures::futures::{StreamExt, executor::block_on};
    let Some(stream) = iced_test::runtime::task::into_stream(task) else {
        return;
    };
    // One action at a time, as the runtime does: a widget operation
    // holds its task's channel, which ends only when it is dropped.
    let mut stream = stream;
    while let Some(action) = block_on(stream.next()) {
        if let iced_test::runtime::Action::Output(message) = action {
            update(app, message);
        }
    }
}

/// Types into a field one key at a time, the app updating after each key
/// as it does on screen (a simulator shows the value it was built with).
fn type_into(app: &mut App, id: &'static str, text: &str) {
    for c in text.chars() {
        interact(app, |ui| {
            ui.click(selector::id(id)).expect("the field is on screen");
            // A click lands in the middle of a long value: type at its end.
            let _ = ui.tap_key(Key::Named(Named::End));
            let _ = ui.typewrite(&c.to_string());
        });
    }
}

fn press_enter(app: &mut App, id: &'static str) {
    interact(app, |ui| {
        ui.click(selector::id(id)).expect("the field is on screen");
        let _ = ui.tap_key(Key::Named(Named::Enter));
    });
}

fn sign_in(app: &mut App, user: &'static str, pin: &'static str) {
    if let Screen::SignIn(state) = &mut app.screen {
        state.user.clear();
    }
    type_into(app, pages::sign_in::USER_ID, user);
    type_into(app, pages::sign_in::PIN_ID, pin);
    press_enter(app, pages::sign_in::PIN_ID);
}

/// The signed-in desk (the test fails if nobody is signed in).
fn desk(app: &App) -> &Desk {
    app.desk().expect("someone is signed in")
}

fn desk_mut(app: &mut App) -> &mut Desk {
    match &mut app.screen {
        Screen::Desk(desk) => desk,
        _ => panic!("someone is signed in"),
    }
}

fn signed_in(app: &App) -> bool {
    app.desk().is_some()
}

/// The desk's page shown (none before a sign-in).
fn page(app: &App) -> Option<Page> {
    app.desk().map(|d| d.page)
}

fn on_sign_in(app: &App) -> bool {
    matches!(app.screen, Screen::SignIn(_))
}

/// The sign-in screen's state.
fn signing_in(app: &App) -> &sign_in::State {
    match &app.screen {
        Screen::SignIn(state) => state,
        _ => panic!("the sign-in screen is shown"),
    }
}

/// The open store, signed in or not.
fn store(app: &App) -> &Store {
    match &app.screen {
        Screen::SignIn(state) => &state.store,
        Screen::Desk(desk) => &desk.store,
        Screen::FirstRun(_) => panic!("a store is open"),
    }
}

fn store_mut(app: &mut App) -> &mut Store {
    match &mut app.screen {
        Screen::SignIn(state) => &mut state.store,
        Screen::Desk(desk) => &mut desk.store,
        Screen::FirstRun(_) => panic!("a store is open"),
    }
}

fn query_one(app: &App, sql: &str) -> String {
    store(app)
        .connection()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn state_of(app: &App, tracking: &str) -> State {
    let s: String = store(app)
        .connection()
        .query_row(
            "SELECT state FROM requests WHERE tracking_code = ?1",
            [tracking],
            |r| r.get(0),
        )
        .unwrap();
    State::parse(&s).unwrap()
}

fn flash_text(app: &App) -> String {
    match &app.flash {
        Some(Flash::Ok(m)) | Some(Flash::Err(m)) => m.clone(),
        None => String::new(),
    }
}

#[test]
fn a_clerk_and_a_supervisor_take_a_request_from_lookup_to_the_outbox() {
    let (_dir, mut app) = demo_app(Lang::En);
    assert!(on_sign_in(&app));

    // A wrong PIN is refused, in words.
    sign_in(&mut app, "clerk1", "000000");
    assert!(!signed_in(&app));
    assert!(
        flash_text(&app).contains("Wrong PIN"),
        "{}",
        flash_text(&app)
    );
    sign_in(&mut app, "clerk1", "123456");
    assert_eq!(page(&app), Some(Page::Home));
    assert!(signed_in(&app));

    // Lookup with Arabic-Indic digits and Enter, as a scanner would.
    let tracking = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1",
    );
    let nid = query_one(
        &app,
        &format!("SELECT national_id FROM requests WHERE tracking_code = '{tracking}'"),
    );
    type_into(&mut app, pages::home::QUERY_ID, &arabic_indic(&nid));
    press_enter(&mut app, pages::home::QUERY_ID);
    assert!(
        desk(&app)
            .home
            .results
            .iter()
            .any(|r| r.tracking_code == tracking)
    );
    interact(&mut app, |ui| {
        ui.click(tracking.as_str()).expect("the request is listed");
    });
    assert_eq!(page(&app), Some(Page::Request));

    // Verify needs the whole checklist.
    interact(&mut app, |ui| {
        let _ = ui.click("Verify");
    });
    assert_eq!(
        state_of(&app, &tracking),
        State::Received,
        "not before the checklist"
    );
    interact(&mut app, |ui| {
        for id in CHECKS {
            ui.click(tr(Lang::En, id, &[]).as_str()).unwrap();
        }
    });
    interact(&mut app, |ui| {
        ui.click("Verify").unwrap();
    });
    assert_eq!(state_of(&app, &tracking), State::Verified);
    let detail = query_one(
        &app,
        "SELECT detail FROM audit WHERE action = 'verify' ORDER BY seq DESC LIMIT 1",
    );
    assert!(
        detail.ends_with("confirmed: identity,document,data,payment"),
        "the checklist is in the audit log: {detail}"
    );

    // The supervisor stamps at this desk with their own PIN; a wrong PIN
    // is refused.
    let stamp = |app: &mut App, name: &'static str, pin: &'static str| {
        type_into(app, pages::request::SUPERVISOR_ID, name);
        type_into(app, pages::request::SUPERVISOR_PIN_ID, pin);
        interact(app, |ui| {
            ui.click("Approve with my stamp").unwrap();
        });
    };
    stamp(&mut app, "supervisor1", "999999");
    assert!(
        flash_text(&app).contains("Wrong PIN"),
        "{}",
        flash_text(&app)
    );
    assert_eq!(state_of(&app, &tracking), State::Verified);
    desk_mut(&mut app).request.sup_name.clear();
    stamp(&mut app, "supervisor1", "123456");
    if state_of(&app, &tracking) == State::Verified {
        desk_mut(&mut app).request.sup_name.clear();
        stamp(&mut app, "supervisor2", "123456");
    }
    assert_eq!(
        state_of(&app, &tracking),
        State::Approved,
        "{}",
        flash_text(&app)
    );

    // Before printing, the clerk sees what will print: a draft, every
    // page, with no state change (the library audits the render).
    assert!(desk(&app).request.preview.is_empty());
    interact(&mut app, |ui| {
        ui.click("Preview the document as it will print").unwrap();
    });
    assert!(
        !desk(&app).request.preview.is_empty(),
        "{}",
        flash_text(&app)
    );
    assert!(flash_text(&app).contains("draft"), "{}", flash_text(&app));
    assert_eq!(state_of(&app, &tracking), State::Approved);
    assert_eq!(
        query_one(
            &app,
            "SELECT detail FROM audit WHERE action = 'render' ORDER BY seq DESC LIMIT 1"
        ),
        "draft"
    );

    // Print to PDF: the file, the preview, the state.
    interact(&mut app, |ui| {
        ui.click("Print the sealed original to PDF").unwrap();
    });
    assert_eq!(
        state_of(&app, &tracking),
        State::Printed,
        "{}",
        flash_text(&app)
    );
    let pdf = desk(&app)
        .request
        .last_file
        .clone()
        .expect("a PDF was written");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    assert!(!desk(&app).request.preview.is_empty());

    // The label as it will print, before the envelope: drawn, nothing
    // recorded.
    interact(&mut app, |ui| {
        ui.click("Preview the label").unwrap();
    });
    assert_eq!(state_of(&app, &tracking), State::Printed);
    assert_eq!(desk(&app).request.preview.len(), 1, "{}", flash_text(&app));
    interact(&mut app, |ui| {
        ui.click("Put in the envelope (print the label)").unwrap();
    });
    assert_eq!(state_of(&app, &tracking), State::Enveloped);
    // The label written, and shown.
    assert!(
        desk(&app)
            .request
            .last_file
            .as_ref()
            .is_some_and(|p| p.to_string_lossy().ends_with("-label.pdf"))
    );
    assert_eq!(desk(&app).request.preview.len(), 1);

    // The outbox lists what this desk did, waiting for the hub.
    interact(&mut app, |ui| {
        ui.click("Outbox").unwrap();
    });
    assert_eq!(page(&app), Some(Page::Outbox));
    let status = desk(&app).status.sync.clone().unwrap();
    assert!(status.queued >= 4, "{status:?}");
    let id = desk(&app).request.current.as_ref().map(|r| r.id.clone());
    assert!(id.is_none() || desk(&app).outbox.pending.iter().any(|e| e.request_id == id));
    let first = &desk(&app).outbox.pending[0];
    // In local time, in words (no internal sequence number).
    let at = chrono::DateTime::parse_from_rfc3339(&first.created_at)
        .unwrap()
        .with_timezone(&chrono_tz::Asia::Damascus)
        .format("%d/%m %H:%M");
    let shown = format!(
        "{at}  {}  {}",
        citizen_desk::i18n::tr(Lang::En, first.change.label_id(), &[]),
        first.request_id.as_deref().unwrap_or("")
    );
    let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
    assert!(ui.find(shown.as_str()).is_ok(), "the outbox lists {shown}");
}

#[test]
fn unpaid_requests_and_the_two_person_rule_are_refused_in_the_app() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "supervisor1", "123456");
    assert!(signed_in(&app));

    // An unpaid approved request cannot be printed.
    let unpaid = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 0 ORDER BY tracking_code LIMIT 1",
    );
    let nid = query_one(
        &app,
        &format!("SELECT national_id FROM requests WHERE tracking_code = '{unpaid}'"),
    );
    type_into(&mut app, pages::home::QUERY_ID, &nid);
    press_enter(&mut app, pages::home::QUERY_ID);
    interact(&mut app, |ui| {
        ui.click(unpaid.as_str()).unwrap();
    });
    // The page says why, and offers no print at all.
    let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
    assert!(
        ui.find("This request's fee is not paid yet: its document cannot be printed.")
            .is_ok()
    );
    assert!(ui.find("Print the sealed original to PDF").is_err());
    drop(ui);
    // The library refuses it all the same (the app's message).
    update(&mut app, Message::Request(request::Message::Print));
    assert_eq!(state_of(&app, &unpaid), State::Approved);
    assert!(
        flash_text(&app).contains("not paid"),
        "{}",
        flash_text(&app)
    );

    // A supervisor who verified a request cannot also stamp it.
    let received = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1",
    );
    let session = desk(&app).session.clone();
    let store = store_mut(&mut app);
    store
        .verify(&session, &RequestRef::parse(&received).unwrap())
        .unwrap();
    let id = query_one(
        &app,
        &format!("SELECT id FROM requests WHERE tracking_code = '{received}'"),
    );
    let _ = app.update(Message::Home(home::Message::Open(id)));
    desk_mut(&mut app).request.sup_name = "supervisor1".into();
    desk_mut(&mut app).request.sup_pin = "123456".into();
    interact(&mut app, |ui| {
        ui.click("Approve with my stamp").unwrap();
    });
    assert_eq!(state_of(&app, &received), State::Verified);
    assert!(
        flash_text(&app).contains("Two-person rule"),
        "{}",
        flash_text(&app)
    );
}

#[test]
fn the_app_switches_language_at_runtime_and_locks_when_idle() {
    let (_dir, mut app) = demo_app(Lang::Ar);
    {
        let mut ui = Simulator::with_size(settings(), (1100.0, 1400.0), app.view());
        assert!(ui.find("تسجيل الدخول").is_ok(), "Arabic first");
        // The demo sign-in screen shows the demo users.
        assert!(ui.find("clerk1 — موظف الواجهة").is_ok());
    }
    interact(&mut app, |ui| {
        ui.click("English").unwrap();
    });
    assert_eq!(app.lang, Lang::En);
    {
        let mut ui = Simulator::with_size(settings(), (1100.0, 1400.0), app.view());
        assert!(ui.find("Sign in").is_ok());
    }
    // Picking a demo user fills the name.
    interact(&mut app, |ui| {
        ui.click("clerk1 — clerk").unwrap();
    });
    assert_eq!(signing_in(&app).user, "clerk1");
    sign_in(&mut app, "clerk1", "123456");
    assert!(signed_in(&app));
    // A request open, the checklist half ticked, a reason typed.
    let id = query_one(
        &app,
        "SELECT id FROM requests WHERE state = 'received' AND paid = 1 ORDER BY id LIMIT 1",
    );
    update(&mut app, Message::Home(home::Message::Open(id.clone())));
    update(&mut app, Message::Request(request::Message::Check(0, true)));
    update(
        &mut app,
        Message::Request(request::Message::ReasonChanged("صورة غير واضحة".into())),
    );
    // 30 seconds ahead, a warning; then the lock.
    let soon = app.last_activity + IDLE_LOCK - Duration::from_secs(20);
    let _ = app.update(Message::Tick(soon));
    assert!(app.idle_warning);
    assert!(signed_in(&app));
    let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
    let _ = app.update(Message::Tick(later));
    assert!(!signed_in(&app));
    assert!(on_sign_in(&app));
    // Another user gets none of it...
    sign_in(&mut app, "clerk2", "123456");
    assert!(desk(&app).request.current.is_none() && desk(&app).request.reason.is_empty());
    let _ = app.update(Message::SignOut);
    // ...the same user, after an idle lock, gets it all back.
    update(&mut app, Message::Home(home::Message::Open(id.clone())));
    let _ = app.update(Message::SignOut);
    sign_in(&mut app, "clerk1", "123456");
    update(&mut app, Message::Home(home::Message::Open(id.clone())));
    update(&mut app, Message::Request(request::Message::Check(0, true)));
    update(
        &mut app,
        Message::Request(request::Message::ReasonChanged("صورة غير واضحة".into())),
    );
    let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
    let _ = app.update(Message::Tick(later));
    sign_in(&mut app, "clerk1", "123456");
    assert_eq!(page(&app), Some(Page::Request));
    assert_eq!(
        desk(&app).request.current.as_ref().map(|r| r.id.clone()),
        Some(id)
    );
    assert_eq!(desk(&app).request.checks, [true, false, false, false]);
    assert_eq!(desk(&app).request.reason, "صورة غير واضحة");
}

#[test]
fn settings_back_up_for_an_admin_and_refuse_a_clerk() {
    let (dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    interact(&mut app, |ui| {
        ui.click("Settings").unwrap();
    });
    assert_eq!(page(&app), Some(Page::Settings));
    interact(&mut app, |ui| {
        ui.click("Back up now").unwrap();
    });
    assert!(flash_text(&app).contains("may not"), "{}", flash_text(&app));
    interact(&mut app, |ui| {
        ui.click("Sign out").unwrap();
    });
    sign_in(&mut app, "admin", "123456");
    let _ = app.update(Message::Go(Page::Settings));
    interact(&mut app, |ui| {
        ui.click("Back up now").unwrap();
    });
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .collect();
    assert_eq!(backups.len(), 1, "{}", flash_text(&app));
    // The digits on documents are a desk setting for those who print: an
    // admin is refused; a clerk's choice is kept by the store, so it holds
    // in the next session (and for the command line).
    let digits_box = "Print documents with Arabic-Indic digits (٠-٩)";
    interact(&mut app, |ui| {
        ui.click(digits_box).unwrap();
    });
    assert!(!desk(&app).status.arabic_digits);
    assert!(flash_text(&app).contains("may not"), "{}", flash_text(&app));
    interact(&mut app, |ui| {
        ui.click("Sign out").unwrap();
    });
    sign_in(&mut app, "clerk1", "123456");
    let _ = app.update(Message::Go(Page::Settings));
    interact(&mut app, |ui| {
        ui.click(digits_box).unwrap();
    });
    assert!(desk(&app).status.arabic_digits, "{}", flash_text(&app));
    interact(&mut app, |ui| {
        ui.click("Sign out").unwrap();
    });
    assert!(!signed_in(&app));
    // (Signed out, the desk and its setting are gone: the next desk reads
    // it from the store.)
    sign_in(&mut app, "clerk1", "123456");
    assert!(
        desk(&app).status.arabic_digits,
        "the setting came back from the store"
    );
    assert_eq!(
        query_one(&app, "SELECT value FROM meta WHERE key = 'document_digits'"),
        "arabic-indic"
    );
}

/// The reject reason is Arabic free text in the right-to-left field: the
/// arrows move the way they point on screen, a letter goes in where the
/// caret shows, and the request is rejected with exactly that text.
#[test]
fn the_reason_field_edits_arabic_right_to_left() {
    let (_dir, mut app) = demo_app(Lang::Ar);
    sign_in(&mut app, "clerk1", "123456");
    let tracking = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'received' ORDER BY tracking_code LIMIT 1",
    );
    let id = query_one(
        &app,
        &format!("SELECT id FROM requests WHERE tracking_code = '{tracking}'"),
    );
    let _ = app.update(Message::Home(home::Message::Open(id)));
    assert_eq!(page(&app), Some(Page::Request));

    // All in one sitting, as a clerk types: "الصورة غير واضحة" ("the
    // photo is unclear"), then Right three times moves the caret back
    // over "حة" and the "ض" (towards the start of the text, which is on
    // the right), and "ـ" goes in before "ض"; Left once moves forward
    // over the inserted letter's neighbour and Backspace removes "ض".
    interact(&mut app, |ui| {
        ui.click(selector::id(pages::request::REASON_ID))
            .expect("the reason field is on screen");
        let _ = ui.typewrite("الصورة غير واضحة");
        for _ in 0..3 {
            let _ = ui.tap_key(Key::Named(Named::ArrowRight));
        }
        let _ = ui.typewrite("ـ");
        let _ = ui.tap_key(Key::Named(Named::ArrowLeft));
        let _ = ui.tap_key(Key::Named(Named::Backspace));
        // Home goes to the start of the text (its right end): a word typed
        // there comes first.
        let _ = ui.tap_key(Key::Named(Named::Home));
        let _ = ui.typewrite("ملاحظة: ");
    });
    assert_eq!(desk(&app).request.reason, "ملاحظة: الصورة غير واـحة");

    // A leading Latin word stays where it was typed (the first word, at
    // the right end of the line) and the text is kept exactly.
    interact(&mut app, |ui| {
        ui.click(selector::id(pages::request::REASON_ID)).unwrap();
        let _ = ui.tap_key(Key::Named(Named::Home));
        let _ = ui.typewrite("QR ");
    });
    assert_eq!(desk(&app).request.reason, "QR ملاحظة: الصورة غير واـحة");

    let before = state_of(&app, &tracking);
    interact(&mut app, |ui| {
        ui.click(tr(Lang::Ar, "gui-reject", &[]).as_str()).unwrap();
    });
    // Final steps ask first: nothing changed yet, and Escape would drop it.
    assert_eq!(state_of(&app, &tracking), before);
    assert!(desk(&app).confirm.is_some());
    interact(&mut app, |ui| {
        ui.click(tr(Lang::Ar, "gui-confirm-yes", &[]).as_str())
            .unwrap();
    });
    assert_eq!(
        state_of(&app, &tracking),
        State::Rejected,
        "{}",
        flash_text(&app)
    );
    let stored = query_one(
        &app,
        &format!("SELECT reason FROM requests WHERE tracking_code = '{tracking}'"),
    );
    assert_eq!(stored, "QR ملاحظة: الصورة غير واـحة");
}

/// The admin page: a clerk is refused by the library; an admin adds a
/// supervisor who can then sign in, resets a PIN, deactivates an account,
/// and sees the trust list with the demo keys.
#[test]
fn an_admin_manages_staff_and_sees_the_keys_a_clerk_cannot() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let _ = app.update(Message::Go(Page::Admin));
    assert!(
        flash_text(&app).contains("Not allowed"),
        "{}",
        flash_text(&app)
    );
    assert!(desk(&app).admin.users.is_empty() && desk(&app).admin.keys.is_empty());
    let _ = app.update(Message::SignOut);

    sign_in(&mut app, "admin", "123456");
    interact(&mut app, |ui| {
        ui.click("Admin").expect("the admin page is in the top bar");
    });
    assert_eq!(page(&app), Some(Page::Admin));
    assert!(desk(&app).admin.users.iter().any(|u| u.name == "clerk1"));
    assert!(
        desk(&app).admin.keys.iter().any(|k| k.demo),
        "the demo's keys are listed"
    );

    // Add a supervisor: name, full name (Arabic, in the right-to-left
    // field), role, PIN, Enter.
    type_into(&mut app, pages::admin::NEW_USER_ID, "sup9");
    interact(&mut app, |ui| {
        ui.click(selector::id(pages::admin::FULL_NAME_ID)).unwrap();
        let _ = ui.typewrite("هالة  الدمشقي");
    });
    interact(&mut app, |ui| {
        ui.click("supervisor").unwrap();
    });
    type_into(&mut app, pages::admin::NEW_PIN_ID, "246802");
    press_enter(&mut app, pages::admin::NEW_PIN_ID);
    assert!(flash_text(&app).contains("sup9"), "{}", flash_text(&app));
    assert!(
        desk(&app)
            .admin
            .users
            .iter()
            .any(|u| u.name == "sup9" && u.role == citizen_desk::domain::Role::Supervisor)
    );
    let sup9 = desk(&app)
        .admin
        .users
        .iter()
        .find(|u| u.name == "sup9")
        .unwrap();
    assert_eq!(sup9.full_name.as_deref(), Some("هالة الدمشقي"));
    assert!(desk(&app).admin.new_full_name.is_empty());
    // A full name for an existing account, from its row; a bad one is
    // refused in words and changes nothing.
    interact(&mut app, |ui| {
        ui.click(selector::id(pages::admin::FULL_NAME_ID)).unwrap();
        let _ = ui.typewrite("<script>");
    });
    let _ = app.update(Message::Admin(admin::Message::SetFullName("clerk2".into())));
    assert!(
        flash_text(&app).contains("not valid"),
        "{}",
        flash_text(&app)
    );
    desk_mut(&mut app).admin.new_full_name = "وسيم القاسم".into();
    let _ = app.update(Message::Admin(admin::Message::SetFullName("clerk2".into())));
    assert!(
        desk(&app)
            .admin
            .users
            .iter()
            .any(|u| u.name == "clerk2" && u.full_name.as_deref() == Some("وسيم القاسم")),
        "{}",
        flash_text(&app)
    );

    // Reset clerk1's PIN from the row.
    type_into(&mut app, pages::admin::RESET_PIN_ID, "135791");
    update(
        &mut app,
        Message::Admin(admin::Message::ResetPin("clerk1".into())),
    );
    assert!(flash_text(&app).contains("clerk1"), "{}", flash_text(&app));

    // Deactivate sup9; the new account and the new PIN behave accordingly.
    let _ = app.update(Message::Admin(admin::Message::Deactivate("sup9".into())));
    assert!(
        desk(&app)
            .admin
            .users
            .iter()
            .any(|u| u.name == "sup9" && !u.active)
    );
    let _ = app.update(Message::SignOut);
    sign_in(&mut app, "sup9", "246802");
    assert!(!signed_in(&app), "a deactivated account cannot sign in");
    sign_in(&mut app, "clerk1", "135791");
    assert!(signed_in(&app), "{}", flash_text(&app));
}

/// The outbox hands every waiting envelope to the post in one batch and
/// writes its manifest.
#[test]
fn the_outbox_hands_the_envelopes_to_the_post_with_a_manifest() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let waiting: i64 = store(&app)
        .connection()
        .query_row(
            "SELECT count(*) FROM requests WHERE state = 'enveloped'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(waiting > 0, "the demo has envelopes waiting");
    let _ = app.update(Message::Go(Page::Outbox));
    interact(&mut app, |ui| {
        ui.find(format!("Envelopes at this desk waiting for the post: {waiting}").as_str())
            .expect("the count is shown");
        ui.click("Hand over to the post (print the manifest)")
            .expect("the hand-over button");
    });
    // It asks first, with the count.
    assert!(
        desk(&app)
            .confirm
            .as_ref()
            .is_some_and(|c| c.question.contains(&waiting.to_string()))
    );
    interact(&mut app, |ui| {
        ui.click("Yes, go ahead").expect("the confirmation");
    });
    assert!(
        flash_text(&app).contains(&format!("{waiting} envelopes")),
        "{}",
        flash_text(&app)
    );
    let manifest = desk(&app)
        .outbox
        .last_file
        .clone()
        .expect("the manifest's path");
    assert!(std::fs::read(&manifest).unwrap().starts_with(b"%PDF"));
    let left: i64 = store(&app)
        .connection()
        .query_row(
            "SELECT count(*) FROM requests WHERE state = 'enveloped'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
    // Nothing left: the button is off, and the count says so.
    interact(&mut app, |ui| {
        ui.find("Envelopes at this desk waiting for the post: 0")
            .expect("zero now");
    });
}

/// A seal is checked from the PDF file itself (its metadata), and a file
/// with no seal says so.
#[test]
fn a_seal_is_checked_from_a_pdf_file() {
    let (dir, mut app) = demo_app(Lang::En);
    let tracking = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 ORDER BY tracking_code LIMIT 1",
    );
    let pdf = dir.path().join("printed.pdf");
    {
        let store = store_mut(&mut app);
        let clerk = store.sign_in("clerk1", "123456").unwrap();
        store
            .print_document(
                &clerk,
                &RequestRef::parse(&tracking).unwrap(),
                None,
                citizen_desk::documents::render::Digits::Latin,
                |bytes| {
                    std::fs::write(&pdf, bytes).unwrap();
                    Ok(())
                },
            )
            .unwrap();
    }
    sign_in(&mut app, "clerk1", "123456");
    let _ = app.update(Message::Go(Page::Verify));
    type_into(&mut app, pages::verify::SEAL_FILE_ID, pdf.to_str().unwrap());
    press_enter(&mut app, pages::verify::SEAL_FILE_ID);
    let report = desk(&app).verify.report.as_ref().expect("a report");
    assert!(report.valid, "{:?}", report.invalid);
    assert!(
        desk(&app)
            .verify
            .text
            .starts_with(citizen_desk::seal::PREFIX)
    );
    interact(&mut app, |ui| {
        ui.find("VALID").expect("the verdict is shown");
    });

    // The same file through the chooser: its folder lists the PDF and a
    // sub-folder, not the notes; choosing the PDF reads and checks it.
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "not a seal").unwrap();
    std::fs::create_dir_all(dir.path().join("scans")).unwrap();
    desk_mut(&mut app).verify.report = None;
    update(
        &mut app,
        Message::Verify(verify::Message::Browse(Some(dir.path().to_path_buf()))),
    );
    let folder = desk(&app)
        .verify
        .chooser
        .clone()
        .expect("the chooser is open");
    assert!(
        folder.files.contains(&"printed.pdf".to_owned()),
        "{folder:?}"
    );
    assert!(folder.folders.contains(&"scans".to_owned()), "{folder:?}");
    assert!(
        !folder.files.iter().any(|f| f.ends_with(".txt")),
        "{folder:?}"
    );
    interact(&mut app, |ui| {
        ui.click("printed.pdf").expect("the file is listed");
    });
    assert!(desk(&app).verify.chooser.is_none());
    let report = desk(&app).verify.report.as_ref().expect("a report");
    assert!(report.valid, "{:?}", report.invalid);

    desk_mut(&mut app).verify.file = junk.display().to_string();
    update(&mut app, Message::Verify(verify::Message::OpenFile));
    assert!(desk(&app).verify.report.is_none());
    assert!(
        flash_text(&app).contains("No seal was found"),
        "{}",
        flash_text(&app)
    );
}

/// A desk set up from the first-run screen (center TRT01, desk D01), its
/// admin signed in.
fn set_up_a_new_desk(lang: Lang) -> (tempfile::TempDir, App) {
    let dir = tempfile::TempDir::new().unwrap();
    let mut app = App::new(Options {
        data_dir: dir.path().to_owned(),
        demo: false,
        lang,
    })
    .unwrap();
    assert!(matches!(app.screen, Screen::FirstRun(_)));
    for m in [
        Message::FirstRun(first_run::Message::Center("TRT01".into())),
        Message::FirstRun(first_run::Message::Desk("D01".into())),
        Message::FirstRun(first_run::Message::Admin("admin".into())),
        Message::FirstRun(first_run::Message::Pin("112233".into())),
        Message::FirstRun(first_run::Message::Create),
    ] {
        update(&mut app, m);
    }
    assert!(on_sign_in(&app), "{}", flash_text(&app));
    sign_in(&mut app, "admin", "112233");
    (dir, app)
}

/// Enrolling while the hub cannot be reached: the app does not wait for
/// the network (the request runs as a task, the button says so and cannot
/// be pressed twice); the answer, when it comes, is an error in words and
/// nothing is saved.
#[test]
fn enrolling_with_the_hub_down_keeps_the_app_responsive() {
    let (_dir, mut app) = set_up_a_new_desk(Lang::En);
    let _ = app.update(Message::Go(Page::Settings));
    // An address nothing listens on: taken, then given back.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let _ = app.update(Message::Settings(settings::Message::HubUrlChanged(
        format!("http://{addr}"),
    )));
    let _ = app.update(Message::Settings(settings::Message::EnrollCodeChanged(
        "ABCD-EFGH".into(),
    )));

    let task = app.update(Message::Settings(settings::Message::Enroll));
    assert!(desk(&app).settings.enrolling, "{}", flash_text(&app));
    let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
    assert!(
        ui.find("Enrolling…").is_ok(),
        "the button says it is waiting"
    );
    drop(ui);
    run_task(&mut app, task);
    assert!(!desk(&app).settings.enrolling);
    assert!(store(&app).hub_link().unwrap().is_none());
    assert!(
        matches!(app.flash, Some(Flash::Err(_))),
        "an error in words: {}",
        flash_text(&app)
    );
}

/// A real hub on loopback (in this process): a fresh desk is set up in
/// the app, its admin adds staff and enrols it from Settings; a request
/// cancelled centrally while the desk verified it comes back as a
/// conflict; a supervisor settles it in the app with an Arabic note and
/// their own PIN.
#[test]
fn a_conflict_from_the_hub_is_settled_in_the_app() {
    use citizen_desk::sync::hub::HubBackend;
    use citizen_desk::sync::hub::server::{ServeOptions, serve};

    let hub_dir = tempfile::TempDir::new().unwrap();
    let backend = HubBackend::Sqlite(hub_dir.path().to_owned());
    let today = citizen_desk::domain::calendar::damascus_date(chrono::Utc::now());
    let code = {
        let mut hub = backend.open().unwrap();
        hub.seed_demo(&citizen_desk::sync::hub::HubDemo {
            requests: 12,
            centers: vec!["TRT01".to_owned()],
            seed: 5,
            today,
        })
        .unwrap();
        hub.new_enroll_code("TRT01", 24).unwrap()
    };
    // Over TLS, with the key the operator's fingerprint names.
    let (key, cert, fingerprint) = citizen_desk::sync::tls::self_signed(&[]).unwrap();
    let tls = citizen_desk::sync::tls::Identity::from_pem(cert.as_bytes(), key.as_bytes())
        .unwrap()
        .server_config()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let serving = backend.clone();
    std::thread::spawn(move || {
        let options = ServeOptions {
            tls: Some(tls),
            faults: Default::default(),
            limits: Default::default(),
        };
        let _ = serve("127.0.0.1:0", &serving, options, |addr| {
            let _ = tx.send(addr);
        });
    });
    let addr = rx.recv().unwrap();

    let (_dir, mut app) = set_up_a_new_desk(Lang::Ar);
    let _ = app.update(Message::Go(Page::Admin));
    for (name, role) in [
        ("clerk1", citizen_desk::domain::Role::Clerk),
        ("sup1", citizen_desk::domain::Role::Supervisor),
    ] {
        let _ = app.update(Message::Admin(admin::Message::NewUser(name.into())));
        let _ = app.update(Message::Admin(admin::Message::NewRole(role)));
        let _ = app.update(Message::Admin(admin::Message::NewPin("445566".into())));
        update(&mut app, Message::Admin(admin::Message::AddUser));
    }
    assert_eq!(desk(&app).admin.users.len(), 3, "{}", flash_text(&app));

    // Enrol from Settings with the operator's code.
    let _ = app.update(Message::Go(Page::Settings));
    type_into(
        &mut app,
        pages::settings::HUB_URL_ID,
        &format!("https://{addr}"),
    );
    type_into(
        &mut app,
        pages::settings::HUB_FINGERPRINT_ID,
        &fingerprint.to_string(),
    );
    type_into(&mut app, pages::settings::ENROLL_CODE_ID, &code);
    assert_eq!(
        (
            desk(&app).settings.hub_url.as_str(),
            desk(&app).settings.enroll_code.as_str()
        ),
        (format!("https://{addr}").as_str(), code.as_str())
    );
    press_enter(&mut app, pages::settings::ENROLL_CODE_ID);
    assert!(!desk(&app).settings.enrolling, "the hub's answer came back");
    assert!(
        store(&app).hub_link().unwrap().is_some(),
        "{}",
        flash_text(&app)
    );
    citizen_desk::sync::client::sync_once(store_mut(&mut app)).unwrap();

    // Cancelled centrally; verified at the desk meanwhile.
    let victim = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1",
    );
    backend
        .open()
        .unwrap()
        .cancel(&victim, "withdrawn online")
        .unwrap();
    {
        let store = store_mut(&mut app);
        let clerk = store.sign_in("clerk1", "445566").unwrap();
        store
            .verify(&clerk, &RequestRef::parse(&victim).unwrap())
            .unwrap();
        let report = citizen_desk::sync::client::sync_once(store).unwrap();
        assert_eq!(report.pushed.rejected, 1);
    }

    // The clerk's desk: the outbox points to the conflict; the
    // supervisor settles it here with a note and their PIN.
    let _ = app.update(Message::SignOut);
    sign_in(&mut app, "clerk1", "445566");
    let _ = app.update(Message::Go(Page::Outbox));
    interact(&mut app, |ui| {
        ui.click(tr(Lang::Ar, "gui-open-conflicts", &[]).as_str())
            .expect("the outbox points to the conflicts");
    });
    assert_eq!(page(&app), Some(Page::Conflicts));
    assert_eq!(desk(&app).conflicts.list.len(), 1);
    assert_eq!(
        desk(&app).conflicts.list[0].hub_state.as_deref(),
        Some("cancelled")
    );
    interact(&mut app, |ui| {
        ui.click(selector::id(pages::conflicts::NOTE_ID)).unwrap();
        let _ = ui.typewrite("سحب الطلب عبر الإنترنت");
    });
    // The clerk alone may not settle.
    let id = desk(&app).conflicts.list[0].id;
    update(&mut app, Message::Conflicts(conflicts::Message::Settle(id)));
    assert_eq!(desk(&app).conflicts.list.len(), 1, "a clerk may not settle");
    type_into(&mut app, pages::conflicts::SUPERVISOR_ID, "sup1");
    type_into(&mut app, pages::conflicts::SUPERVISOR_PIN_ID, "445566");
    interact(&mut app, |ui| {
        ui.click(tr(Lang::Ar, "gui-settle", &[]).as_str()).unwrap();
    });
    assert!(desk(&app).conflicts.list.is_empty(), "{}", flash_text(&app));
    assert_eq!(state_of(&app, &victim), State::Cancelled);
    let note = query_one(&app, "SELECT settlement FROM conflicts LIMIT 1");
    assert!(note.contains("سحب الطلب عبر الإنترنت"), "{note}");
}

/// After the first print, a copy needs a supervisor's PIN at the desk;
/// it is written marked as a copy and logged.
#[test]
fn a_copy_needs_a_supervisor_and_is_logged() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let tracking = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'printed' ORDER BY tracking_code LIMIT 1",
    );
    let id = query_one(
        &app,
        &format!("SELECT id FROM requests WHERE tracking_code = '{tracking}'"),
    );
    let _ = app.update(Message::Home(home::Message::Open(id)));
    let copies = |app: &App| -> i64 {
        store(app)
            .connection()
            .query_row(
                "SELECT printed_count FROM requests WHERE tracking_code = ?1",
                [&tracking],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = copies(&app);
    // A wrong PIN: nothing printed.
    type_into(&mut app, pages::request::SUPERVISOR_ID, "supervisor1");
    type_into(&mut app, pages::request::SUPERVISOR_PIN_ID, "000000");
    interact(&mut app, |ui| {
        ui.click("Print a copy to PDF").unwrap();
    });
    assert!(
        flash_text(&app).contains("Wrong PIN"),
        "{}",
        flash_text(&app)
    );
    assert_eq!(copies(&app), before);
    type_into(&mut app, pages::request::SUPERVISOR_PIN_ID, "123456");
    interact(&mut app, |ui| {
        ui.click("Print a copy to PDF").unwrap();
    });
    assert_eq!(copies(&app), before + 1, "{}", flash_text(&app));
    let file = desk(&app)
        .request
        .last_file
        .clone()
        .expect("the copy's file");
    assert!(file.to_string_lossy().contains("-copy-"));
    assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF"));
    assert!(!desk(&app).request.preview.is_empty());
}

/// Paper from the app: find the CUPS queues in Settings, choose one, print
/// the sealed original on it; the job is reported and the page comes out
/// of the queue (cups-pdf writes it as a file).
#[test]
fn paper_is_printed_from_the_app_through_a_real_cups_queue() {
    let Some((printer, out_dir)) = test_printer() else {
        return;
    };
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let _ = app.update(Message::Go(Page::Settings));
    interact(&mut app, |ui| {
        ui.click("Find printers").unwrap();
    });
    assert!(
        desk(&app)
            .settings
            .printers
            .iter()
            .any(|p| p.name == printer),
        "{:?} {}",
        desk(&app).settings.printers,
        flash_text(&app)
    );
    update(
        &mut app,
        Message::Settings(settings::Message::ChoosePrinter(printer.clone())),
    );
    assert_eq!(
        desk(&app).status.printer.as_deref(),
        Some(printer.as_str()),
        "{}",
        flash_text(&app)
    );

    let tracking = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 ORDER BY tracking_code LIMIT 1",
    );
    let id = query_one(
        &app,
        &format!("SELECT id FROM requests WHERE tracking_code = '{tracking}'"),
    );
    let before: Vec<_> = std::fs::read_dir(&out_dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    let _ = app.update(Message::Home(home::Message::Open(id)));
    let _ = app.update(Message::Go(Page::Request));
    interact(&mut app, |ui| {
        ui.click(format!("Print the sealed original on {printer}").as_str())
            .unwrap();
    });
    assert!(flash_text(&app).contains("job"), "{}", flash_text(&app));
    assert_eq!(state_of(&app, &tracking), State::Printed);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now: Vec<_> = std::fs::read_dir(&out_dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        if now
            .iter()
            .any(|p| !before.contains(p) && p.to_string_lossy().contains(&tracking))
        {
            break;
        }
        assert!(Instant::now() < deadline, "no page came out of {printer}");
        std::thread::sleep(Duration::from_millis(250));
    }
    // Into the envelope with its label on the same printer.
    interact(&mut app, |ui| {
        ui.click(format!("Into the envelope, its label on {printer}").as_str())
            .unwrap();
    });
    assert!(
        flash_text(&app).contains("label went to printer"),
        "{}",
        flash_text(&app)
    );
    assert_eq!(state_of(&app, &tracking), State::Enveloped);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let now: Vec<_> = std::fs::read_dir(&out_dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        if now.iter().any(|p| {
            let name = p.to_string_lossy();
            !before.contains(p) && name.contains(&tracking) && name.contains("label")
        }) {
            break;
        }
        assert!(Instant::now() < deadline, "no label came out of {printer}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The request page offers exactly what the lifecycle offers, for every
/// state and for a clerk's and a supervisor's desk: the same table the
/// store and the hub are held to in `tests/it/lifecycle_table.rs`.
#[test]
fn the_request_page_offers_what_the_lifecycle_offers() {
    use citizen_desk::domain::{Action, Role, available_actions};
    let buttons = [
        (Action::Verify, "Verify"),
        (Action::Stamp, "Approve with my stamp"),
        (Action::Print, "Print the sealed original to PDF"),
        (Action::Envelope, "Put in the envelope (print the label)"),
        (Action::PrintCopy, "Print a copy to PDF"),
        (Action::Reject, "Reject"),
        (Action::Cancel, "Cancel the request"),
    ];
    let (_dir, mut app) = demo_app(Lang::En);
    store(&app)
        .connection()
        .execute_batch(
            "UPDATE requests SET state = 'delivered' WHERE id IN
                 (SELECT id FROM requests WHERE state = 'dispatched' ORDER BY id LIMIT 1);
             UPDATE requests SET state = 'returned' WHERE id IN
                 (SELECT id FROM requests WHERE state = 'dispatched' ORDER BY id LIMIT 1);",
        )
        .unwrap();
    for (user, role) in [("clerk1", Role::Clerk), ("supervisor1", Role::Supervisor)] {
        sign_in(&mut app, user, "123456");
        assert_eq!(app.desk().map(|d| d.session.role()), Some(role));
        for state in State::ALL {
            let id = query_one(
                &app,
                &format!(
                    "SELECT id FROM requests WHERE state = '{}' AND paid = 1 ORDER BY id LIMIT 1",
                    state.as_str()
                ),
            );
            let _ = app.update(Message::Home(home::Message::Open(id)));
            let r = desk(&app)
                .request
                .current
                .clone()
                .expect("the request is open");
            let offered = pages::request::offered(&r, role);
            // What the page offers is what the lifecycle lets this desk do,
            // plus a supervisor's stamp at a clerk's desk.
            let mut expected = available_actions(&r, role);
            if role == Role::Clerk
                && available_actions(&r, Role::Supervisor).contains(&Action::Stamp)
            {
                expected.push(Action::Stamp);
            }
            expected.retain(|a| !matches!(a, Action::Dispatch));
            assert_eq!(offered, expected, "{state} {role}");
            let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
            for (action, label) in buttons {
                assert_eq!(
                    ui.find(label).is_ok(),
                    offered.contains(&action),
                    "{state} {role}: {label}"
                );
            }
        }
        let _ = app.update(Message::SignOut);
    }
}

/// A scanned tracking code opens its request with one audit row (the read
/// that found it), not two.
#[test]
fn a_scanned_code_is_read_and_audited_once() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let code = query_one(
        &app,
        "SELECT tracking_code FROM requests ORDER BY tracking_code LIMIT 1",
    );
    let shows = |app: &App| {
        query_one(
            app,
            "SELECT CAST(count(*) AS TEXT) FROM audit WHERE action = 'show'",
        )
    };
    let before: i64 = shows(&app).parse().unwrap();
    type_into(&mut app, pages::home::QUERY_ID, &code);
    press_enter(&mut app, pages::home::QUERY_ID);
    assert_eq!(page(&app), Some(Page::Request));
    assert_eq!(
        desk(&app)
            .request
            .current
            .as_ref()
            .map(|r| r.tracking_code.as_str()),
        Some(code.as_str())
    );
    let after: i64 = shows(&app).parse().unwrap();
    assert_eq!(after - before, 1);
}

/// Feeds a key press as the window would: through the app's own keyboard
/// map ([`shortcut`]), then to `update`. Returns whether the key did
/// something.
fn press(app: &mut App, code: iced::keyboard::key::Code, alt: bool) -> bool {
    use iced::keyboard::Modifiers;
    let modifiers = if alt {
        Modifiers::ALT
    } else {
        Modifiers::empty()
    };
    press_with(app, code, modifiers)
}

fn press_with(
    app: &mut App,
    code: iced::keyboard::key::Code,
    modifiers: iced::keyboard::Modifiers,
) -> bool {
    use iced::keyboard::key::Physical;
    use iced::keyboard::{Event, Location};
    let event = Event::KeyPressed {
        key: Key::Unidentified,
        modified_key: Key::Unidentified,
        physical_key: Physical::Code(code),
        location: Location::Standard,
        modifiers,
        text: None,
        repeat: false,
    };
    match shortcut(event) {
        Some(message) => {
            update(app, message);
            true
        }
        None => false,
    }
}

fn press_named(app: &mut App, named: Named) -> bool {
    use iced::keyboard::key::{NativeCode, Physical};
    use iced::keyboard::{Event, Location, Modifiers};
    let event = Event::KeyPressed {
        key: Key::Named(named),
        modified_key: Key::Named(named),
        physical_key: Physical::Unidentified(NativeCode::Unidentified),
        location: Location::Standard,
        modifiers: Modifiers::empty(),
        text: None,
        repeat: false,
    };
    match shortcut(event) {
        Some(message) => {
            update(app, message);
            true
        }
        None => false,
    }
}

/// The core flow from the keyboard alone: lookup → open → checklist →
/// verify → a supervisor's stamp → print → envelope. Keys are fed
/// through the app's keyboard map; text goes through the fields' own
/// messages (as typing does). Besides the national ID, the supervisor's
/// name and the PIN digits, the flow takes 12 keys and no click.
#[test]
fn the_core_flow_needs_no_mouse_and_twelve_keys() {
    use iced::keyboard::key::Code;
    let (_dir, mut app) = demo_app(Lang::Ar);
    sign_in(&mut app, "clerk1", "123456");
    // A citizen with one request, received, paid, one stamp to give.
    let nid = query_one(
        &app,
        "SELECT national_id FROM requests WHERE state = 'received' AND paid = 1
           AND stamps_required = 1
           AND national_id IN (SELECT national_id FROM requests GROUP BY national_id HAVING count(*) = 1)
         ORDER BY national_id LIMIT 1",
    );
    let tracking = query_one(
        &app,
        &format!("SELECT tracking_code FROM requests WHERE national_id = '{nid}'"),
    );
    // Every key counted: an Enter is the message its field sends on
    // Enter; an Alt key goes through the app's own key map.
    let keys = std::cell::Cell::new(0);
    let key = |app: &mut App, message: Message| {
        keys.set(keys.get() + 1);
        update(app, message);
    };
    update(
        &mut app,
        Message::Home(home::Message::QueryChanged(arabic_indic(&nid))),
    );
    key(&mut app, Message::Home(home::Message::Search)); // Enter in the lookup field
    assert_eq!(desk(&app).home.results.len(), 1, "{}", flash_text(&app));
    let alt = |app: &mut App, code: Code| {
        keys.set(keys.get() + 1);
        assert!(press(app, code, true), "{code:?} is a shortcut");
    };
    alt(&mut app, Code::Digit1);
    assert_eq!(page(&app), Some(Page::Request));
    for code in [Code::Digit1, Code::Digit2, Code::Digit3, Code::Digit4] {
        alt(&mut app, code);
    }
    assert!(desk(&app).request.checks.iter().all(|c| *c));
    alt(&mut app, Code::KeyV);
    assert_eq!(
        state_of(&app, &tracking),
        State::Verified,
        "{}",
        flash_text(&app)
    );
    alt(&mut app, Code::KeyS); // to the supervisor's name
    update(
        &mut app,
        Message::Request(request::Message::SupName("supervisor1".into())),
    );
    key(&mut app, Message::Request(request::Message::SupNameEntered)); // Enter
    update(
        &mut app,
        Message::Request(request::Message::SupPin("123456".into())),
    );
    key(&mut app, Message::Request(request::Message::Stamp)); // Enter in the PIN field
    assert_eq!(
        state_of(&app, &tracking),
        State::Approved,
        "{}",
        flash_text(&app)
    );
    alt(&mut app, Code::KeyP);
    assert_eq!(
        state_of(&app, &tracking),
        State::Printed,
        "{}",
        flash_text(&app)
    );
    alt(&mut app, Code::KeyE);
    assert_eq!(
        state_of(&app, &tracking),
        State::Enveloped,
        "{}",
        flash_text(&app)
    );
    // Enter ×3 + 9 Alt shortcuts, besides the ID, the name and the PIN.
    assert_eq!(keys.get(), 12);
    // Escape goes back to the lookup, which shows the request as it is now.
    assert!(press_named(&mut app, Named::Escape));
    assert_eq!(page(&app), Some(Page::Home));
    assert_eq!(desk(&app).home.results.len(), 1);
    assert_eq!(
        desk(&app).home.results[0].state,
        State::Enveloped,
        "no stale results"
    );
}

/// A signed-in supervisor sees what waits for their stamp (not what they
/// verified, oldest first, with the count), opens it with Alt+1 and
/// stamps with only their PIN; the count then goes down.
#[test]
fn a_supervisor_works_through_their_stamp_queue() {
    use iced::keyboard::key::Code;
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "supervisor1", "123456");
    let waiting: u64 = query_one(
        &app,
        "SELECT CAST(count(*) AS TEXT) FROM requests r WHERE r.state = 'verified'
           AND coalesce(r.verified_by, '') <> 'supervisor1'
           AND NOT EXISTS (SELECT 1 FROM stamps s WHERE s.request_id = r.id AND s.supervisor = 'supervisor1')",
    )
    .parse()
    .unwrap();
    assert!(waiting > 0);
    let (count, queue) = desk(&app)
        .home
        .stamp_queue
        .clone()
        .expect("a supervisor's queue");
    assert_eq!(count, waiting);
    assert!(
        queue
            .windows(2)
            .all(|w| w[0].verified_at <= w[1].verified_at)
    );
    assert!(
        queue
            .iter()
            .all(|r| r.verified_by.as_deref() != Some("supervisor1"))
    );
    assert!(press(&mut app, Code::Digit1, true));
    assert_eq!(
        desk(&app).request.current.as_ref().map(|r| r.id.clone()),
        Some(queue[0].id.clone())
    );
    assert_eq!(
        desk(&app).request.sup_name,
        "supervisor1",
        "their own name, only the PIN to type"
    );
    update(
        &mut app,
        Message::Request(request::Message::SupPin("123456".into())),
    );
    update(&mut app, Message::Request(request::Message::Stamp));
    assert!(
        flash_text(&app).contains("stamp") || flash_text(&app).contains("pprov"),
        "{}",
        flash_text(&app)
    );
    update(&mut app, Message::Go(Page::Home));
    assert_eq!(
        desk(&app).home.stamp_queue.as_ref().map(|q| q.0),
        Some(waiting - 1)
    );
}

/// A supervisor ticks requests of their queue from the keyboard and
/// stamps them all with one PIN; each then shows its history.
#[test]
fn a_supervisor_stamps_several_ticked_requests_with_one_pin() {
    use iced::keyboard::Modifiers;
    use iced::keyboard::key::Code;
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "supervisor1", "123456");
    let (waiting, queue) = desk(&app)
        .home
        .stamp_queue
        .clone()
        .expect("a supervisor's queue");
    assert!(queue.len() >= 3, "{}", queue.len());
    // Alt+A ticks every row shown; Alt+Shift+1 unticks the first again.
    assert!(press(&mut app, Code::KeyA, true));
    assert_eq!(desk(&app).home.queue_selected.len(), queue.len());
    assert!(press_with(
        &mut app,
        Code::Digit1,
        Modifiers::ALT | Modifiers::SHIFT
    ));
    assert_eq!(desk(&app).home.queue_selected.len(), queue.len() - 1);
    assert!(!desk(&app).home.queue_selected.contains(&queue[0].id));
    let label = format!("Stamp the ticked ({})", queue.len() - 1);
    {
        let mut ui = Simulator::with_size(settings(), (1366.0, 4000.0), app.view());
        assert!(ui.find(label.as_str()).is_ok(), "{label}");
    }
    // A wrong PIN stamps nothing and says so.
    update(
        &mut app,
        Message::Home(home::Message::PinChanged("654321".into())),
    );
    update(&mut app, Message::Home(home::Message::StampSelected));
    assert!(
        flash_text(&app).contains("Wrong PIN"),
        "{}",
        flash_text(&app)
    );
    assert_eq!(
        desk(&app).home.stamp_queue.as_ref().map(|q| q.0),
        Some(waiting)
    );
    // Ticked again, the right PIN once: every ticked request is stamped.
    assert!(press(&mut app, Code::KeyA, true));
    assert!(press_with(
        &mut app,
        Code::Digit1,
        Modifiers::ALT | Modifiers::SHIFT
    ));
    let ticked: Vec<String> = desk(&app).home.queue_selected.iter().cloned().collect();
    update(
        &mut app,
        Message::Home(home::Message::PinChanged("123456".into())),
    );
    update(&mut app, Message::Home(home::Message::StampSelected));
    let said = flash_text(&app);
    assert!(
        said.contains(&format!("{} requests stamped", ticked.len())),
        "{said}"
    );
    assert!(desk(&app).home.queue_selected.is_empty());
    assert_eq!(
        desk(&app).home.stamp_queue.as_ref().map(|q| q.0),
        Some(waiting - ticked.len() as u64)
    );
    for id in &ticked {
        let stamped: String = query_one(
            &app,
            &format!(
                "SELECT CAST(count(*) AS TEXT) FROM stamps WHERE request_id = '{id}' AND supervisor = 'supervisor1'"
            ),
        );
        assert_eq!(stamped, "1", "{id}");
    }
    // The request page tells its history: verified, then this stamp.
    update(
        &mut app,
        Message::Home(home::Message::Open(ticked[0].clone())),
    );
    let steps: Vec<(&str, &str)> = desk(&app)
        .request
        .history
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    // (Demo rows arrive verified with no log of it: the stamp is the step.)
    assert_eq!(steps.last(), Some(&("supervisor1", "stamp")), "{steps:?}");
    assert!(
        !steps.iter().any(|(_, a)| *a == "show"),
        "opening is not a step: {steps:?}"
    );
    let mut ui = Simulator::with_size(settings(), (1366.0, 4000.0), app.view());
    assert!(ui.find("History").is_ok());
    let last = desk(&app).request.history.last().unwrap();
    let when = chrono::DateTime::parse_from_rfc3339(&last.at).unwrap();
    let line = format!(
        "{} — supervisor1 — stamped",
        super::pages::local_time(app.lang, when.with_timezone(&chrono::Utc))
    );
    assert!(ui.find(line.as_str()).is_ok(), "{line}");
}

/// Every signed-in page shows the sync state; irreversible steps ask
/// first (Escape drops the question); an admin cannot deactivate
/// themselves.
#[test]
fn the_status_bar_is_everywhere_and_final_steps_ask_first() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let status = tr(
        Lang::En,
        "gui-status-bar",
        &[
            ("link", "Not linked to a hub"),
            ("queued", "0"),
            ("conflicts", "0"),
            ("last", "never"),
            ("printer", "none chosen"),
        ],
    );
    for page in [Page::Home, Page::Outbox, Page::Settings, Page::Verify] {
        update(&mut app, Message::Go(page));
        if desk(&app).status.printer.is_some() {
            continue; // a printer chosen on this machine's CUPS
        }
        let mut ui = Simulator::with_size(settings(), (1366.0, 2600.0), app.view());
        assert!(ui.find(status.as_str()).is_ok(), "{page:?}: {status}");
    }
    update(&mut app, Message::Go(Page::Outbox));
    let held = desk(&app).status.envelopes_held;
    assert!(held > 0);
    update(
        &mut app,
        Message::Outbox(outbox::Message::Ask(Box::new(outbox::Message::Dispatch))),
    );
    let question = desk(&app)
        .confirm
        .as_ref()
        .map(|c| c.question.clone())
        .unwrap();
    assert!(question.contains(&held.to_string()), "{question}");
    update(&mut app, Message::Escape);
    assert!(desk(&app).confirm.is_none());
    assert_eq!(
        page(&app),
        Some(Page::Outbox),
        "Escape dropped the question only"
    );
    assert_eq!(desk(&app).status.envelopes_held, held, "nothing dispatched");
    update(
        &mut app,
        Message::Outbox(outbox::Message::Ask(Box::new(outbox::Message::Dispatch))),
    );
    update(&mut app, Message::Confirmed);
    assert_eq!(desk(&app).status.envelopes_held, 0, "{}", flash_text(&app));

    update(&mut app, Message::SignOut);
    sign_in(&mut app, "admin", "123456");
    update(&mut app, Message::Go(Page::Admin));
    update(
        &mut app,
        Message::Admin(admin::Message::Deactivate("admin".into())),
    );
    assert!(
        flash_text(&app).contains("your own account"),
        "{}",
        flash_text(&app)
    );
}

#[test]
fn the_background_sync_runs_only_when_enrolled_idle_and_due() {
    let now = Instant::now();
    assert!(!auto_sync_due(false, false, None, now), "not enrolled");
    assert!(auto_sync_due(true, false, None, now));
    assert!(!auto_sync_due(true, true, None, now), "one at a time");
    assert!(!auto_sync_due(
        true,
        false,
        Some(now),
        now + Duration::from_secs(10)
    ));
    assert!(auto_sync_due(true, false, Some(now), now + AUTO_SYNC_EVERY));
}

/// True when the task does nothing (no work, no message).
fn is_none(task: Task<Message>) -> bool {
    iced_test::runtime::task::into_stream(task).is_none()
}

/// Slow steps (the PIN check, printing, asking CUPS) run as background
/// tasks: until their answer comes back the page says so, the button is
/// disabled and a second press starts nothing; then the answer lands.
#[test]
fn slow_steps_run_in_the_background_with_a_busy_line() {
    let (_dir, mut app) = demo_app(Lang::En);
    // Sign-in: the PIN is checked off the UI thread.
    for m in [
        sign_in::Message::User("clerk1".into()),
        sign_in::Message::Pin("123456".into()),
    ] {
        update(&mut app, Message::SignIn(m));
    }
    let task = app.update(Message::SignIn(sign_in::Message::Submit));
    assert!(!signed_in(&app));
    {
        let mut ui = Simulator::with_size(settings(), (1100.0, 1400.0), app.view());
        assert!(ui.find("Checking the PIN…").is_ok());
    }
    assert!(is_none(
        app.update(Message::SignIn(sign_in::Message::Submit))
    ));
    run_task(&mut app, task);
    assert!(signed_in(&app), "{}", flash_text(&app));

    // Print to PDF: busy, the buttons off, nothing changed until it lands.
    let tracking = query_one(
        &app,
        "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 ORDER BY tracking_code LIMIT 1",
    );
    let id = query_one(
        &app,
        &format!("SELECT id FROM requests WHERE tracking_code = '{tracking}'"),
    );
    update(&mut app, Message::Home(home::Message::Open(id)));
    let task = app.update(Message::Request(request::Message::Print));
    assert_eq!(desk(&app).request.busy, Some("gui-busy-printing"));
    let pressed = {
        let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
        assert!(ui.find("Sealing and writing the PDF…").is_ok());
        ui.click("Print the sealed original to PDF").unwrap();
        ui.click("Preview the document as it will print").unwrap();
        ui.into_messages().count()
    };
    assert_eq!(pressed, 0, "disabled while printing");
    assert!(is_none(
        app.update(Message::Request(request::Message::Preview))
    ));
    assert_eq!(state_of(&app, &tracking), State::Approved);
    run_task(&mut app, task);
    assert_eq!(desk(&app).request.busy, None);
    assert_eq!(
        state_of(&app, &tracking),
        State::Printed,
        "{}",
        flash_text(&app)
    );
    assert!(desk(&app).request.last_file.is_some());

    // Asking CUPS for its printers (there or not on this machine).
    update(&mut app, Message::Go(Page::Settings));
    let task = app.update(Message::Settings(settings::Message::FindPrinters));
    {
        let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
        assert!(ui.find("Asking the print system for its printers…").is_ok());
    }
    run_task(&mut app, task);
    assert_eq!(desk(&app).settings.busy, None);
    assert!(
        !desk(&app).settings.printers.is_empty() || app.flash.is_some(),
        "the printers, or why none"
    );
}

/// A paid request in `state` (the first by id), and its tracking code.
fn a_request(app: &App, state: &str, skip: usize) -> (String, String) {
    let id = query_one(
        app,
        &format!(
            "SELECT id FROM requests WHERE state = '{state}' AND paid = 1 ORDER BY id LIMIT 1 OFFSET {skip}"
        ),
    );
    let tracking = query_one(
        app,
        &format!("SELECT tracking_code FROM requests WHERE id = '{id}'"),
    );
    (id, tracking)
}

/// The open request's state as the page shows it.
fn shown_state(app: &App) -> Option<State> {
    desk(app).request.current.as_ref().map(|r| r.state)
}

/// Until a background step's answer lands: its busy line on screen, the
/// button `label` giving no message, and the store as it was.
fn assert_busy(app: &App, busy: &str, label: &str) {
    let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
    assert!(ui.find(busy).is_ok(), "{busy} on screen");
    ui.click(label).expect("the button is on screen");
    assert_eq!(ui.into_messages().count(), 0, "{label} is off while busy");
}

/// Verify, reject and cancel write to the store (an fsync'd commit each):
/// off the UI thread, on their own connection, with a busy line and the
/// buttons off until the answer lands; the answer (done or refused)
/// reloads the page from the store.
#[test]
fn verify_reject_and_cancel_run_in_the_background() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");

    // Verify.
    let (id, tracking) = a_request(&app, "received", 0);
    update(&mut app, Message::Home(home::Message::Open(id)));
    for i in 0..4 {
        update(&mut app, Message::Request(request::Message::Check(i, true)));
    }
    let task = app.update(Message::Request(request::Message::Verify));
    assert_eq!(desk(&app).request.busy, Some("gui-busy-verifying"));
    assert_busy(&app, "Recording the verification…", "Verify");
    assert!(is_none(
        app.update(Message::Request(request::Message::Verify))
    ));
    assert_eq!(state_of(&app, &tracking), State::Received, "not yet");
    run_task(&mut app, task);
    assert_eq!(desk(&app).request.busy, None);
    assert_eq!(state_of(&app, &tracking), State::Verified);
    assert_eq!(
        shown_state(&app),
        Some(State::Verified),
        "the page reloaded"
    );
    assert_eq!(flash_text(&app), tr(Lang::En, "gui-done-verified", &[]));

    // Reject, after its question.
    let (id, tracking) = a_request(&app, "received", 1);
    update(&mut app, Message::Home(home::Message::Open(id)));
    update(
        &mut app,
        Message::Request(request::Message::ReasonChanged("الصورة غير واضحة".into())),
    );
    update(
        &mut app,
        Message::Request(request::Message::Ask(Box::new(request::Message::Reject))),
    );
    let task = app.update(Message::Confirmed);
    assert_eq!(desk(&app).request.busy, Some("gui-busy-rejecting"));
    assert_busy(&app, "Recording the rejection and its reason…", "Reject");
    assert_eq!(state_of(&app, &tracking), State::Received, "not yet");
    run_task(&mut app, task);
    assert_eq!(state_of(&app, &tracking), State::Rejected);
    assert_eq!(shown_state(&app), Some(State::Rejected));
    let reason = desk(&app).request.current.as_ref().unwrap().reason.clone();
    assert_eq!(reason.as_deref(), Some("الصورة غير واضحة"));

    // A refusal reloads the page too: here the request was cancelled
    // (by another connection) while the page still offered Verify.
    let (id, tracking) = a_request(&app, "received", 2);
    update(&mut app, Message::Home(home::Message::Open(id.clone())));
    store(&app)
        .connection()
        .execute(
            "UPDATE requests SET state = 'cancelled' WHERE id = ?1",
            [&id],
        )
        .unwrap();
    for i in 0..4 {
        update(&mut app, Message::Request(request::Message::Check(i, true)));
    }
    update(&mut app, Message::Request(request::Message::Verify));
    assert!(matches!(app.flash, Some(Flash::Err(_))), "{:?}", app.flash);
    assert_eq!(state_of(&app, &tracking), State::Cancelled);
    assert_eq!(shown_state(&app), Some(State::Cancelled), "the truth shown");

    // A supervisor's cancel, after its question.
    update(&mut app, Message::SignOut);
    sign_in(&mut app, "supervisor1", "123456");
    let (id, tracking) = a_request(&app, "verified", 0);
    update(&mut app, Message::Home(home::Message::Open(id)));
    update(
        &mut app,
        Message::Request(request::Message::ReasonChanged("طلب المواطن".into())),
    );
    update(
        &mut app,
        Message::Request(request::Message::Ask(Box::new(request::Message::Cancel))),
    );
    let task = app.update(Message::Confirmed);
    assert_eq!(desk(&app).request.busy, Some("gui-busy-cancelling"));
    assert_busy(
        &app,
        "Recording the cancellation and its reason…",
        "Cancel the request",
    );
    assert_eq!(state_of(&app, &tracking), State::Verified, "not yet");
    run_task(&mut app, task);
    assert_eq!(state_of(&app, &tracking), State::Cancelled);
    assert_eq!(shown_state(&app), Some(State::Cancelled));
    assert_eq!(flash_text(&app), tr(Lang::En, "gui-done-cancelled", &[]));
}

/// A background step that answers after the idle lock: recorded in the
/// store either way, its words shown to the user who started it when they
/// are back, and to nobody else who signed in meanwhile.
#[test]
fn a_late_answer_goes_to_the_user_who_asked_and_no_one_else() {
    let (_dir, mut app) = demo_app(Lang::En);
    let verified = tr(Lang::En, "gui-done-verified", &[]);
    // Starts a verify as `user` and locks the desk before it answers.
    let verify_then_lock = |app: &mut App, user: &'static str, skip: usize| {
        sign_in(app, user, "123456");
        let (id, tracking) = a_request(app, "received", skip);
        update(app, Message::Home(home::Message::Open(id)));
        for i in 0..4 {
            update(app, Message::Request(request::Message::Check(i, true)));
        }
        let task = app.update(Message::Request(request::Message::Verify));
        let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
        let _ = app.update(Message::Tick(later));
        assert!(on_sign_in(app), "locked");
        (task, tracking)
    };

    // clerk1's verify lands while clerk2 works on the lookup.
    let (task, tracking) = verify_then_lock(&mut app, "clerk1", 0);
    sign_in(&mut app, "clerk2", "123456");
    update(
        &mut app,
        Message::Home(home::Message::QueryChanged("0101".into())),
    );
    run_task(&mut app, task);
    assert_eq!(state_of(&app, &tracking), State::Verified, "recorded");
    assert_eq!(desk(&app).session.name(), "clerk2");
    assert_eq!(app.flash, None, "clerk1's answer is not shown to clerk2");
    assert_eq!(page(&app), Some(Page::Home));
    assert_eq!(desk(&app).home.query, "0101", "clerk2's page as it was");
    let _ = app.update(Message::SignOut);

    // clerk1 back after the lock: their answer, on their request.
    let (task, tracking) = verify_then_lock(&mut app, "clerk1", 1);
    sign_in(&mut app, "clerk1", "123456");
    assert_eq!(page(&app), Some(Page::Request), "the work given back");
    run_task(&mut app, task);
    assert_eq!(state_of(&app, &tracking), State::Verified);
    assert_eq!(flash_text(&app), verified);
    assert_eq!(shown_state(&app), Some(State::Verified));
}

/// With the lookup field focused (as it always is), Alt+1 and Alt+V are
/// shortcuts, not typing: the window keeps Alt keys from its fields, so
/// iced hands them to the app's key listener and the field stays as it
/// was; plain keys still type. (The key map itself is tested with the
/// core flow.)
#[test]
fn alt_shortcuts_pass_a_focused_text_field_untyped() {
    use iced::keyboard::key::{Code, Physical};
    use iced::keyboard::{Event as KeyEvent, Location, Modifiers};
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let key = |c: &str, code: Code, modifiers: Modifiers| {
        iced::Event::Keyboard(KeyEvent::KeyPressed {
            key: Key::Character(c.into()),
            modified_key: Key::Character(c.into()),
            physical_key: Physical::Code(code),
            location: Location::Standard,
            modifiers,
            text: Some(c.into()),
            repeat: false,
        })
    };
    let mut ui = Simulator::with_size(settings(), (1366.0, 2600.0), app.view());
    ui.click(selector::id(pages::home::QUERY_ID))
        .expect("the lookup field is on screen");
    let statuses = ui.simulate([
        key("1", Code::Digit1, Modifiers::ALT),
        key("v", Code::KeyV, Modifiers::ALT),
    ]);
    assert!(
        statuses.iter().all(|s| *s == iced::event::Status::Ignored),
        "{statuses:?}"
    );
    let typed: Vec<Message> = ui.into_messages().collect();
    assert!(
        !typed.iter().any(|m| matches!(m, Message::Home(_))),
        "a field typed an Alt key: {typed:?}"
    );
    // The same keys without Alt are typing.
    let mut ui = Simulator::with_size(settings(), (1366.0, 2600.0), app.view());
    ui.click(selector::id(pages::home::QUERY_ID)).unwrap();
    let statuses = ui.simulate([key("1", Code::Digit1, Modifiers::empty())]);
    assert_eq!(statuses, vec![iced::event::Status::Captured]);
    assert!(ui.into_messages().any(|m| matches!(m, Message::Home(_))));
}

/// The clerk's worklist pages through every request waiting, not only
/// the first dozen: Page Down and Page Up (or the buttons) move a page,
/// the line says where and how many; each page is the store's next rows
/// in the same order.
#[test]
fn the_worklist_pages_through_the_whole_store() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let waiting: u64 = query_one(
        &app,
        "SELECT CAST(count(*) AS TEXT) FROM requests WHERE state = 'received'",
    )
    .parse()
    .unwrap();
    let per_page = u64::from(pages::home::WORKLIST_PAGE);
    assert!(waiting > 2 * per_page, "{waiting}");
    let home = |app: &App| {
        let h = &desk(app).home;
        (
            h.page,
            h.total,
            h.results.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        )
    };
    let (page, total, first) = home(&app);
    assert_eq!((page, total, first.len() as u64), (0, waiting, per_page));
    let pages = waiting.div_ceil(per_page);
    let line = format!("Page 1 of {pages} · waiting: {waiting}");
    {
        let mut ui = Simulator::with_size(settings(), (1366.0, 4000.0), app.view());
        assert!(ui.find(line.as_str()).is_ok(), "{line}");
    }
    assert!(press_named(&mut app, Named::PageDown));
    let (page, _, second) = home(&app);
    assert_eq!(page, 1);
    let expected: Vec<String> = (0..per_page)
        .map(|i| {
            query_one(
                &app,
                &format!(
                    "SELECT id FROM requests WHERE state = 'received' ORDER BY due_at, id LIMIT 1 OFFSET {}",
                    per_page + i
                ),
            )
        })
        .collect();
    assert_eq!(second, expected);
    // Alt+1 opens the first row of the page shown.
    assert!(press(&mut app, iced::keyboard::key::Code::Digit1, true));
    assert_eq!(
        desk(&app).request.current.as_ref().map(|r| r.id.clone()),
        Some(second[0].clone())
    );
    update(&mut app, Message::Go(Page::Home));
    assert_eq!(home(&app).0, 1, "the page is kept on return");
    assert!(press_named(&mut app, Named::PageUp));
    assert_eq!(home(&app).2, first);
    // No page before the first, none after the last.
    assert!(press_named(&mut app, Named::PageUp));
    assert_eq!(home(&app).0, 0);
    for _ in 0..pages + 2 {
        press_named(&mut app, Named::PageDown);
    }
    assert_eq!(home(&app).0, pages - 1);
    assert!(!home(&app).2.is_empty());
}

/// Settings show what the deployment set for documents: first the general
/// sentence and no emblem; after an admin sets them (as
/// `citizen-desk deployment` does), the emblem's size and the sentence.
#[test]
fn settings_show_the_deployments_emblem_and_sentence() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let _ = app.update(Message::Go(Page::Settings));
    let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
    assert!(
        ui.find("Emblem: none; documents print without one.")
            .is_ok()
    );
    assert!(
        ui.find("Verification sentence: the general one from the document templates.")
            .is_ok()
    );
    drop(ui);
    let png = shared::emblem_png(40, 20);
    let store = store_mut(&mut app);
    let admin = store.sign_in("admin", "123456").unwrap();
    store
        .set_verify_hint(&admin, Some("Ask any civil registry office."))
        .unwrap();
    store.set_emblem(&admin, Some(&png)).unwrap();
    // The page reads them when it opens (not at every frame): the next
    // visit shows them.
    let _ = app.update(Message::Go(Page::Home));
    let _ = app.update(Message::Go(Page::Settings));
    let mut ui = Simulator::with_size(settings(), (1100.0, 2600.0), app.view());
    assert!(
        ui.find("Emblem on documents: a 40×20 pixel picture, set by an admin.")
            .is_ok()
    );
    assert!(
        ui.find("Verification sentence: Ask any civil registry office.")
            .is_ok()
    );
}

/// An answer that arrives while the desk of the user who asked is locked
/// waits for them: at their next sign-in it is on screen (the flash and
/// the request as it is now), as if they had never left. Anyone else
/// signing in never sees it.
#[test]
fn an_answer_that_came_during_the_lock_is_given_to_the_same_user() {
    let (_dir, mut app) = demo_app(Lang::En);
    let verified = tr(Lang::En, "gui-done-verified", &[]);
    sign_in(&mut app, "clerk1", "123456");
    let (id, tracking) = a_request(&app, "received", 0);
    update(&mut app, Message::Home(home::Message::Open(id)));
    for i in 0..4 {
        update(&mut app, Message::Request(request::Message::Check(i, true)));
    }
    let task = app.update(Message::Request(request::Message::Verify));
    let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
    let _ = app.update(Message::Tick(later));
    assert!(on_sign_in(&app), "locked");
    // The answer comes while the sign-in screen shows.
    run_task(&mut app, task);
    assert_eq!(state_of(&app, &tracking), State::Verified, "recorded");
    assert_eq!(app.held.len(), 1, "held for clerk1");
    assert_ne!(flash_text(&app), verified, "not on the sign-in screen");
    sign_in(&mut app, "clerk1", "123456");
    assert_eq!(flash_text(&app), verified);
    assert_eq!(page(&app), Some(Page::Request));
    assert_eq!(shown_state(&app), Some(State::Verified));
    assert!(app.held.is_empty());

    // Held for clerk1, but clerk2 signs in: dropped, never shown.
    let (id, _) = a_request(&app, "received", 1);
    update(&mut app, Message::Home(home::Message::Open(id)));
    for i in 0..4 {
        update(&mut app, Message::Request(request::Message::Check(i, true)));
    }
    let task = app.update(Message::Request(request::Message::Verify));
    let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
    let _ = app.update(Message::Tick(later));
    run_task(&mut app, task);
    assert_eq!(app.held.len(), 1);
    sign_in(&mut app, "clerk2", "123456");
    assert!(app.held.is_empty());
    assert_ne!(flash_text(&app), verified, "not shown to clerk2");
    assert_eq!(page(&app), Some(Page::Home));
}

/// A sync still running when a desk locks is known to the next desk,
/// whoever signs in: its status bar says a sync runs, it starts no second
/// one beside it, and when the sync ends its counts are read again
/// (without the first user's words).
#[test]
fn a_sync_running_at_the_lock_is_known_to_the_next_desk() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    update(&mut app, Message::Go(Page::Outbox));
    let sync = app.update(Message::Outbox(outbox::Message::SyncNow));
    assert!(desk(&app).status.syncing);
    let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
    let _ = app.update(Message::Tick(later));
    assert!(on_sign_in(&app), "locked");
    sign_in(&mut app, "clerk2", "123456");
    assert!(desk(&app).status.syncing, "the new desk knows a sync runs");
    // The outbox's button waits for it: no second sync.
    update(&mut app, Message::Go(Page::Outbox));
    let second = app.update(Message::Outbox(outbox::Message::SyncNow));
    run_task(&mut app, second);
    assert!(
        app.sync_running.is_some() && desk(&app).status.syncing,
        "no second sync was started (one would have answered by now)"
    );
    run_task(&mut app, sync);
    assert!(app.sync_running.is_none());
    assert!(
        !desk(&app).status.syncing,
        "the sync's end reached clerk2's bar"
    );
    assert_eq!(app.flash, None, "clerk1's words are not shown to clerk2");
}

/// A sync that never answered (its task died) stops counting after
/// `SYNC_GIVEN_UP`: the desks may sync again.
#[test]
fn a_sync_that_never_answered_is_given_up() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let now = Instant::now();
    app.sync_running = Some(now);
    let _ = app.update(Message::Tick(now));
    assert!(desk(&app).status.syncing, "a sync just started still runs");
    // Ten minutes on, the clerk still at work (no idle lock).
    let later = now + SYNC_GIVEN_UP + Duration::from_secs(1);
    app.last_activity = later;
    let _ = app.update(Message::Tick(later));
    assert!(!desk(&app).status.syncing);
    assert!(app.sync_running.is_none());
}

/// After an idle lock the same user is given back the page they were on
/// with its data read afresh, whichever page it was (the outbox came
/// back empty once: only the request page was reloaded).
#[test]
fn the_page_given_back_after_a_lock_shows_its_data() {
    let (_dir, mut app) = demo_app(Lang::En);
    sign_in(&mut app, "clerk1", "123456");
    let (id, _) = a_request(&app, "received", 0);
    update(&mut app, Message::Home(home::Message::Open(id)));
    // A change waiting for the hub: the request verified.
    for i in 0..4 {
        update(&mut app, Message::Request(request::Message::Check(i, true)));
    }
    update(&mut app, Message::Request(request::Message::Verify));
    update(&mut app, Message::Go(Page::Outbox));
    let waiting = desk(&app).outbox.pending.len();
    assert!(waiting > 0, "a change waits for the hub");
    let later = app.last_activity + IDLE_LOCK + Duration::from_secs(1);
    let _ = app.update(Message::Tick(later));
    assert!(on_sign_in(&app), "locked");
    sign_in(&mut app, "clerk1", "123456");
    assert_eq!(page(&app), Some(Page::Outbox));
    assert_eq!(desk(&app).outbox.pending.len(), waiting);
}
