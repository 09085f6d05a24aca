//! The README's table of pushed changes is made from the protocol's types:
//! one example of every change is serialised, its payload's fields read
//! off, and each field tried away to see whether the hub's parser needs
//! it. The table in the README must equal what this makes; run with
//! `CITIZEN_DESK_BLESS=1` to write it there after changing the types.

use chrono::{DateTime, Utc};
use citizen_desk::domain::{Role, State, Step};
use citizen_desk::protocol::{Change, CopyPrinted, HandoverBatch, PushChange, StateChange};
use serde_json::Value;

const BEGIN: &str = "<!-- protocol-changes: made by tests/it/protocol_doc.rs -->";
const END: &str = "<!-- /protocol-changes -->";

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

/// One of every step. The match below stops the build when a step is
/// added without an example here.
fn steps() -> Vec<Step> {
    let all = vec![
        Step::Verify {
            document_number: "TRT01-D01-0000042".into(),
            content_digest: "ab".repeat(32),
        },
        Step::Stamp {},
        Step::Print {
            document_number: "TRT01-D01-0000042".into(),
            seal_sha256: "cd".repeat(32),
            seal: Some("SY1:NCF0 9H$A.8".into()),
        },
        Step::Envelope {
            tracking_code: "RR123456785SY".into(),
        },
        Step::Dispatch {
            batch: "TRT01-D01-B20261203-0001".into(),
            tracking_code: "RR123456785SY".into(),
        },
        Step::Reject { reason: "r".into() },
        Step::Cancel { reason: "r".into() },
    ];
    for step in &all {
        match step {
            Step::Verify { .. }
            | Step::Stamp {}
            | Step::Print { .. }
            | Step::Envelope { .. }
            | Step::Dispatch { .. }
            | Step::Reject { .. }
            | Step::Cancel { .. } => {}
        }
    }
    all
}

/// One of every change (a state change for each step).
fn changes() -> Vec<Change> {
    let mut all: Vec<Change> = steps()
        .into_iter()
        .map(|step| {
            Change::StateChange(StateChange {
                step,
                from: State::Received,
                to: State::Verified,
                actor: "clerk1".into(),
                role: Some(Role::Clerk),
                at: at(),
            })
        })
        .collect();
    all.push(Change::CopyPrinted(CopyPrinted {
        state: State::Printed,
        actor: "clerk1".into(),
        authorised_by: "supervisor1".into(),
        at: at(),
        document_number: "TRT01-D01-0000042".into(),
        seal_sha256: Some("cd".repeat(32)),
        seal: Some("SY1:NCF0 9H$A.8".into()),
    }));
    all.push(Change::HandoverBatch(HandoverBatch {
        batch: "TRT01-D01-B20261203-0001".into(),
        at: at(),
        clerk: "clerk1".into(),
        tracking_codes: vec!["RR123456785SY".into()],
    }));
    for change in &all {
        match change {
            Change::StateChange(_) | Change::CopyPrinted(_) | Change::HandoverBatch(_) => {}
        }
    }
    all
}

fn wire(change: &Change) -> Value {
    serde_json::to_value(PushChange {
        key: "k".into(),
        request_id: Some("r".into()),
        change: change.clone(),
    })
    .unwrap()
}

/// The table's rows: kind, action, payload fields (optional ones marked).
fn table() -> String {
    let mut out = vec![
        "| `kind` | `action` | payload fields (`?`: may be left out) |".to_owned(),
        "|---|---|---|".to_owned(),
    ];
    for change in changes() {
        let full = wire(&change);
        let payload = full["payload"].as_object().unwrap();
        let action = payload
            .get("action")
            .and_then(Value::as_str)
            .map(|a| format!("`{a}`"))
            .unwrap_or_default();
        let mut fields = Vec::new();
        for key in payload.keys().filter(|k| *k != "action") {
            let mut without = full.clone();
            without["payload"].as_object_mut().unwrap().remove(key);
            let optional = serde_json::from_value::<PushChange>(without).is_ok();
            fields.push(format!("`{key}`{}", if optional { "?" } else { "" }));
        }
        out.push(format!(
            "| `{}` | {action} | {} |",
            change.kind(),
            fields.join(", ")
        ));
    }
    out.join("\n")
}

#[test]
fn the_readme_describes_the_pushed_changes_as_the_types_are() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("the README marks its protocol table");
    let end = readme
        .find(END)
        .expect("the README ends its protocol table");
    let written = readme[start + BEGIN.len()..end].trim();
    let made = table();
    if written != made && std::env::var("CITIZEN_DESK_BLESS").is_ok_and(|v| v == "1") {
        let updated = format!("{}{BEGIN}\n{made}\n{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        written, made,
        "the README's table of pushed changes is not what the types say; run the test with CITIZEN_DESK_BLESS=1"
    );
}

/// Every example goes through the wire and back unchanged: the table is
/// made from changes the hub reads.
#[test]
fn every_example_round_trips() {
    for change in changes() {
        let back: PushChange = serde_json::from_value(wire(&change)).unwrap();
        assert_eq!(back.change, change);
    }
    // A required field really is required: the table's marks mean it.
    let table = table();
    assert!(table.contains("| `state_change` | `reject` |"), "{table}");
    assert!(
        table.contains("`reason`,") || table.contains("`reason` |"),
        "{table}"
    );
    assert!(table.contains("`role`?"), "{table}");
}
