//! The request lifecycle, roles and the two-person rule, through the
//! library on a real store file.

use std::sync::Arc;

use crate::common::*;
use chrono::{Duration, Utc};
use citizen_desk::Error;
use citizen_desk::domain::{Action, NationalId, Role, State, Step};
use citizen_desk::protocol::Change;
use citizen_desk::store::{RequestFilter, RequestRef};

fn r(code: &str) -> RequestRef {
    RequestRef::parse(code).unwrap()
}

#[test]
fn verify_then_stamps_approve_with_two_persons() {
    let (_dir, mut store) = demo_store(300);
    let code = find(
        &store,
        "state = 'received' AND paid = 1 AND stamps_required = 2",
    );
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let sup1 = store.sign_in("supervisor1", PIN).unwrap();
    let sup2 = store.sign_in("supervisor2", PIN).unwrap();

    let req = store.verify(&clerk, &r(&code)).unwrap();
    assert_eq!(req.state, State::Verified);
    let number = req.document_number.clone().unwrap();
    assert!(number.starts_with("TRT01-D01-"), "{number}");
    assert_eq!(req.content_digest.as_ref().map(String::len), Some(64));
    let frozen = store.frozen_content(&req.id).unwrap().unwrap();
    assert!(frozen.contains(req.national_id.as_str()) && frozen.contains(&number));

    // The clerk may not stamp; the first supervisor leaves it partially stamped.
    assert!(matches!(
        store.stamp(&clerk, &r(&code), PIN),
        Err(Error::Forbidden {
            role: Role::Clerk,
            action: Action::Stamp
        })
    ));
    let req = store.stamp(&sup1, &r(&code), PIN).unwrap();
    assert_eq!((req.state, req.stamps.len()), (State::Verified, 1));
    assert!(matches!(
        store.stamp(&sup1, &r(&code), PIN),
        Err(Error::AlreadyStamped(_))
    ));
    let req = store.stamp(&sup2, &r(&code), PIN).unwrap();
    assert_eq!((req.state, req.stamps.len()), (State::Approved, 2));
    // Nothing more to stamp once approved.
    assert!(matches!(
        store.stamp(&sup2, &r(&code), PIN),
        Err(Error::InvalidTransition {
            state: State::Approved,
            ..
        })
    ));
    assert_eq!(state_of(&store, &code), (State::Approved, 2));
}

#[test]
fn supervisor_cannot_stamp_what_they_verified() {
    let (_dir, mut store) = demo_store(200);
    let code = find(&store, "state = 'received'");
    let sup1 = store.sign_in("supervisor1", PIN).unwrap();
    store.verify(&sup1, &r(&code)).unwrap();
    let err = store.stamp(&sup1, &r(&code), PIN).unwrap_err();
    assert!(matches!(err, Error::TwoPersonRule), "{err:?}");
    assert_eq!(state_of(&store, &code), (State::Verified, 0));
    // The refusal itself is in the audit log.
    let tail = store.audit_rows(3).unwrap();
    assert!(
        tail.iter().any(|e| e.action == "refused"
            && e.actor == "supervisor1"
            && e.detail.contains("stamp")),
        "{tail:?}"
    );
}

#[test]
fn illegal_transitions_are_refused_and_change_nothing() {
    let (_dir, mut store) = demo_store(300);
    let clerk = store.sign_in("clerk2", PIN).unwrap();
    let sup = store.sign_in("supervisor2", PIN).unwrap();
    let dispatched = find(&store, "state = 'dispatched'");
    assert!(matches!(
        store.verify(&clerk, &r(&dispatched)),
        Err(Error::InvalidTransition {
            state: State::Dispatched,
            action: Action::Verify
        })
    ));
    assert!(matches!(
        store.reject(&clerk, &r(&dispatched), "late"),
        Err(Error::InvalidTransition { .. })
    ));
    assert!(matches!(
        store.cancel(&sup, &r(&dispatched), "late"),
        Err(Error::InvalidTransition { .. })
    ));
    assert_eq!(state_of(&store, &dispatched).0, State::Dispatched);

    let received = find(&store, "state = 'received'");
    assert!(matches!(
        store.stamp(&sup, &r(&received), PIN),
        Err(Error::InvalidTransition {
            state: State::Received,
            ..
        })
    ));
    assert!(matches!(
        store.reject(&clerk, &r(&received), "   "),
        Err(Error::ReasonRequired)
    ));
    // Clerks reject, only supervisors cancel.
    assert!(matches!(
        store.cancel(&clerk, &r(&received), "x"),
        Err(Error::Forbidden { .. })
    ));
    let req = store
        .reject(&clerk, &r(&received), "صورة الهوية غير واضحة")
        .unwrap();
    assert_eq!(
        (req.state, req.reason.as_deref()),
        (State::Rejected, Some("صورة الهوية غير واضحة"))
    );
    let approved = find(&store, "state = 'approved'");
    assert_eq!(
        store
            .cancel(&sup, &r(&approved), "بناءً على طلب المواطن")
            .unwrap()
            .state,
        State::Cancelled
    );
    assert!(matches!(
        store.show(&clerk, &r("no-such-request")),
        Err(Error::RequestNotFound(_))
    ));
}

#[test]
fn admins_cannot_touch_documents_and_clerks_cannot_manage_users() {
    let (_dir, mut store) = demo_store(50);
    let admin = store.sign_in("admin", PIN).unwrap();
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let id = NationalId::parse("01010000001").unwrap();
    assert!(matches!(
        store.lookup(&admin, &id),
        Err(Error::Forbidden {
            role: Role::Admin,
            action: Action::Lookup
        })
    ));
    let code = find(&store, "state = 'received'");
    assert!(matches!(
        store.verify(&admin, &r(&code)),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        store.add_user(&clerk, "mallory", Role::Admin, "999999"),
        Err(Error::Forbidden { .. })
    ));
    store
        .add_user(&admin, "clerk3", Role::Clerk, "٢٤٦٨١٠")
        .unwrap();
    let c3 = store.sign_in("clerk3", "246810").unwrap();
    assert_eq!(c3.role(), Role::Clerk);
    // A deactivated user's open session stops working at once.
    store.deactivate_user(&admin, "clerk3").unwrap();
    assert!(matches!(
        store.verify(&c3, &r(&code)),
        Err(Error::UserInactive(_))
    ));
    assert!(matches!(
        store.sign_in("clerk3", "246810"),
        Err(Error::UserInactive(_))
    ));
    // Nobody deactivates their own account, the last admin included.
    let err = store.deactivate_user(&admin, "admin").unwrap_err();
    assert!(
        err.message()
            .text(citizen_desk::i18n::Lang::En)
            .contains("your own account"),
        "{err}"
    );
}

#[test]
fn five_wrong_pins_lock_for_five_minutes() {
    let (_dir, mut store) = demo_store(10);
    let start = Utc::now();
    let now = Arc::new(std::sync::Mutex::new(start));
    let clock = now.clone();
    store.set_clock(Arc::new(move || *clock.lock().unwrap()));
    for left in (1..=4).rev() {
        assert!(
            matches!(store.sign_in("clerk1", "000000"), Err(Error::WrongPin { attempts_left }) if attempts_left == left)
        );
    }
    assert!(matches!(
        store.sign_in("clerk1", "000000"),
        Err(Error::Locked { .. })
    ));
    // Even the right PIN is refused while locked.
    assert!(matches!(
        store.sign_in("clerk1", PIN),
        Err(Error::Locked { .. })
    ));
    *now.lock().unwrap() = start + Duration::minutes(4);
    assert!(matches!(
        store.sign_in("clerk1", PIN),
        Err(Error::Locked { .. })
    ));
    *now.lock().unwrap() = start + Duration::minutes(5) + Duration::seconds(1);
    assert!(store.sign_in("clerk1", PIN).is_ok());
    // Other users were never affected.
    assert!(store.sign_in("clerk2", PIN).is_ok());
    let failures = count(
        &store,
        "SELECT count(*) FROM audit WHERE action = 'sign_in_failed' AND actor = 'clerk1'",
    );
    assert_eq!(failures, 5);
}

#[test]
fn admin_unlock_and_pin_reset() {
    let (_dir, mut store) = demo_store(10);
    for _ in 0..5 {
        let _ = store.sign_in("clerk2", "111111");
    }
    assert!(matches!(
        store.sign_in("clerk2", PIN),
        Err(Error::Locked { .. })
    ));
    let admin = store.sign_in("admin", PIN).unwrap();
    store.unlock_user(&admin, "clerk2").unwrap();
    assert!(store.sign_in("clerk2", PIN).is_ok());
    store.reset_pin(&admin, "clerk2", "97531864").unwrap();
    assert!(matches!(
        store.sign_in("clerk2", PIN),
        Err(Error::WrongPin { .. })
    ));
    assert!(store.sign_in("clerk2", "97531864").is_ok());
    assert!(matches!(
        store.reset_pin(&admin, "clerk2", "123"),
        Err(Error::WeakPin)
    ));
}

#[test]
fn every_change_writes_one_audit_row_and_one_outbox_row() {
    let (_dir, mut store) = demo_store(100);
    assert_eq!(
        count(&store, "SELECT count(*) FROM outbox"),
        0,
        "demo rows are local only"
    );
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let code = find(&store, "state = 'received'");
    let audit_before = count(&store, "SELECT count(*) FROM audit");
    let req = store.verify(&clerk, &r(&code)).unwrap();
    assert_eq!(
        count(&store, "SELECT count(*) FROM audit") - audit_before,
        1
    );
    let pending = store.outbox_pending(10).unwrap();
    assert_eq!(pending.len(), 1);
    let entry = &pending[0];
    assert_eq!(entry.request_id.as_deref(), Some(req.id.as_str()));
    let Change::StateChange(change) = &entry.change else {
        panic!("{entry:?}")
    };
    assert_eq!((change.from, change.to), (State::Received, State::Verified));
    assert_eq!(change.actor, "clerk1");
    assert_eq!(change.role, Some(Role::Clerk));
    assert_eq!(
        change.step,
        Step::Verify {
            document_number: req.document_number.clone().unwrap(),
            content_digest: req.content_digest.clone().unwrap(),
        }
    );
    assert!(entry.idempotency_key.starts_with("TRT01-D01-"));
    // Lookups are audited but are not changes: no outbox row.
    let id = req.national_id.clone();
    let found = store.lookup(&clerk, &id).unwrap();
    assert!(found.iter().any(|x| x.id == req.id));
    assert_eq!(store.outbox_len().unwrap(), 1);
    let last = &store.audit_rows(1).unwrap()[0];
    assert_eq!(
        (
            last.action.as_str(),
            last.subject.as_str(),
            last.actor.as_str()
        ),
        ("lookup", id.as_str(), "clerk1")
    );
}

#[test]
fn document_numbers_never_repeat() {
    let (_dir, mut store) = demo_store(400);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let codes: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare("SELECT tracking_code FROM requests WHERE state = 'received' LIMIT 20")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(codes.len() >= 10);
    for code in &codes {
        store.verify(&clerk, &r(code)).unwrap();
    }
    let distinct = count(
        &store,
        "SELECT count(DISTINCT document_number) FROM requests WHERE document_number IS NOT NULL",
    );
    let total = count(
        &store,
        "SELECT count(*) FROM requests WHERE document_number IS NOT NULL",
    );
    assert_eq!(distinct, total);
}

#[test]
fn listing_filters_by_state_and_overdue() {
    let (_dir, mut store) = demo_store(500);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let approved = store
        .list(
            &clerk,
            &RequestFilter {
                state: Some(State::Approved),
                overdue: false,
                limit: 1000,
            },
        )
        .unwrap();
    assert!(!approved.is_empty());
    assert!(approved.iter().all(|x| x.state == State::Approved));
    assert_eq!(
        approved.len() as i64,
        count(
            &store,
            "SELECT count(*) FROM requests WHERE state = 'approved'"
        )
    );
    let now = store.now();
    let overdue = store
        .list(
            &clerk,
            &RequestFilter {
                state: None,
                overdue: true,
                limit: 1000,
            },
        )
        .unwrap();
    assert!(overdue.iter().all(|x| x.is_overdue(now)));
    // Sorted most urgent first.
    assert!(overdue.windows(2).all(|w| w[0].due_at <= w[1].due_at));
}

/// The desk's daily summary by service agrees with counts taken straight
/// from the file, and a print today moves the service's "finished today".
#[test]
fn the_daily_summary_by_service_agrees_with_the_file() {
    let (_dir, mut store) = demo_store(600);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let day = citizen_desk::domain::calendar::damascus_date(store.now());
    let summary = store.daily_summary(&clerk, day).unwrap();
    let start = citizen_desk::domain::calendar::damascus_midnight(day).timestamp();
    let now = store.now().timestamp();
    assert_eq!(
        summary
            .services
            .iter()
            .map(|s| s.by_state.iter().map(|(_, n)| n).sum::<u64>())
            .sum::<u64>() as i64,
        count(&store, "SELECT count(*) FROM requests")
    );
    for s in &summary.services {
        let where_service = format!("service = '{}'", s.service);
        assert_eq!(
            s.open as i64,
            count(
                &store,
                &format!(
                    "SELECT count(*) FROM requests WHERE {where_service} AND state IN ('received', 'verified', 'approved')"
                )
            )
        );
        assert_eq!(
            s.overdue as i64,
            count(
                &store,
                &format!(
                    "SELECT count(*) FROM requests WHERE {where_service} AND state IN ('received', 'verified', 'approved') AND due_at < {now}"
                )
            )
        );
        assert_eq!(
            s.submitted_today as i64,
            count(
                &store,
                &format!(
                    "SELECT count(*) FROM requests WHERE {where_service} AND submitted_at >= {start} AND submitted_at < {}",
                    start + 86_400
                )
            )
        );
    }
    assert!(summary.overdue() > 0, "the demo has overdue requests");

    // Printing an approved request today counts for its service.
    let code = find(&store, "state = 'approved' AND paid = 1");
    let service: String = store
        .connection()
        .query_row(
            "SELECT service FROM requests WHERE tracking_code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    let finished = |summary: &citizen_desk::store::DailySummary| {
        summary
            .services
            .iter()
            .find(|s| s.service == service)
            .map(|s| s.finished_today)
            .unwrap()
    };
    let before = finished(&summary);
    store
        .print_document(
            &clerk,
            &r(&code),
            None,
            citizen_desk::documents::render::Digits::Latin,
            |_| Ok(()),
        )
        .unwrap();
    let after = store.daily_summary(&clerk, day).unwrap();
    assert_eq!(finished(&after), before + 1);
}
