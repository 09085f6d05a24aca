//! Sync against the real hub binary on loopback: enrolment, pull, offline
//! work, push with exactly-once effect, post reports, conflicts, and the
//! hub's answers to bad input.

use std::time::Duration;

use crate::common::*;
use citizen_desk::Error;
use citizen_desk::domain::State;
use citizen_desk::protocol::*;
use citizen_desk::store::{RequestRef, Store};
use citizen_desk::sync::client::{HubClient, SyncError, enroll, sync_once};
use serde_json::Value;
use tempfile::TempDir;

fn hub_status(hub: &Hub) -> Value {
    let out = hub.command(&["--json", "status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn enroll_code(hub: &Hub, center: &str) -> String {
    let out = hub.command(&["enroll-code", "--center", center]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The code, then the fingerprint desks pin.
    let printed = stdout(&out);
    let mut lines = printed.lines();
    let code = lines.next().unwrap().trim().to_owned();
    assert_eq!(
        lines.next().map(str::to_owned),
        hub.fingerprint().map(|f| format!("fingerprint: {f}"))
    );
    code
}

fn seeded_hub(dir: &std::path::Path, n: u32) -> Hub {
    seeded_hub_on(dir, n, Backend::Sqlite).unwrap()
}

fn seeded_hub_on(dir: &std::path::Path, n: u32, backend: Backend) -> Option<Hub> {
    let hub = Hub::start_with(dir, "", backend)?;
    let out = hub.command(&[
        "demo",
        &n.to_string(),
        "--centers",
        "TRT01,DMS01",
        "--today",
        "2026-11-28",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    Some(hub)
}

/// Takes a received request all the way to dispatched at this desk.
fn work_through(store: &mut Store, tracking: &str) {
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let sup = store.sign_in("sup1", PIN).unwrap();
    let sup2 = store.sign_in("sup2", PIN).unwrap();
    let r = RequestRef::parse(tracking).unwrap();
    store.verify(&clerk, &r).unwrap();
    let mut req = store.stamp(&sup, &r, PIN).unwrap();
    if req.state == State::Verified {
        req = store.stamp(&sup2, &r, PIN).unwrap();
    }
    assert_eq!(req.state, State::Approved);
    store
        .print_document(&clerk, &r, None, Default::default(), |_| Ok(()))
        .unwrap();
    store
        .envelope(
            &clerk,
            &r,
            citizen_desk::documents::labels::LabelFormat::Dl,
            |_| Ok(()),
        )
        .unwrap();
    store
        .dispatch(&clerk, Default::default(), |_| Ok(()))
        .unwrap();
}

fn paid_received(store: &Store) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare("SELECT tracking_code FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_desk_enrols_pulls_works_offline_and_every_change_reaches_the_hub_once() {
    enrol_pull_offline_push(Backend::Sqlite);
}

#[test]
fn the_same_on_a_postgresql_hub() {
    enrol_pull_offline_push(Backend::Postgres);
}

fn enrol_pull_offline_push(backend: Backend) {
    let tmp = TempDir::new().unwrap();
    let Some(mut hub) = seeded_hub_on(&tmp.path().join("hub"), 60, backend) else {
        return;
    };
    let code = enroll_code(&hub, "TRT01");
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();

    // Enrolment: a clerk may not; a used code is refused (401).
    let clerk = desk.sign_in("clerk1", PIN).unwrap();
    assert!(matches!(
        enroll(&mut desk, &clerk, &hub.url, &hub.trust, &code),
        Err(Error::Forbidden { .. })
    ));
    let answer = enroll(&mut desk, &admin, &hub.url, &hub.trust, &code).unwrap();
    assert_eq!(answer.center, "TRT01");
    let other = plain_desk(&tmp.path().join("desk2"), "TRT01", "D02");
    let mut other = other;
    let other_admin = other.sign_in("admin", PIN).unwrap();
    match enroll(&mut other, &other_admin, &hub.url, &hub.trust, &code) {
        Err(Error::Sync(SyncError::Refused { status: 401, .. })) => {}
        other => panic!("a used code must be refused: {other:?}"),
    }
    assert!(other.hub_link().unwrap().is_none());

    // Pull: only this center's requests, all of them.
    let report = sync_once(&mut desk).unwrap();
    assert_eq!(report.pulled.new, 30);
    assert_eq!(
        count(
            &desk,
            "SELECT count(*) FROM requests WHERE center <> 'TRT01'"
        ),
        0
    );
    assert_eq!(
        sync_once(&mut desk).unwrap().pulled.new,
        0,
        "nothing pulled twice"
    );

    // The hub goes away; the desk keeps working and queues everything.
    hub.kill();
    let todo = paid_received(&desk);
    work_through(&mut desk, &todo[0]);
    let queued = desk.outbox_len().unwrap();
    assert!(queued >= 6, "{queued} queued");
    match sync_once(&mut desk) {
        Err(Error::Sync(SyncError::Unreachable { .. })) => {}
        other => panic!("expected unreachable: {other:?}"),
    }
    let status = desk.sync_status().unwrap();
    assert!(!status.online);
    assert!(status.last_error.is_some());
    assert_eq!(status.queued, queued);

    // Back online: everything applied once, in order.
    hub.restart("");
    let report = sync_once(&mut desk).unwrap();
    assert_eq!(report.pushed.applied as u64, queued);
    assert_eq!(report.queued, 0);
    assert!(desk.sync_status().unwrap().online);
    let status = hub_status(&hub);
    assert_eq!(status["effects_applied"], queued);
    let dispatched = status["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["center"] == "TRT01" && r["state"] == "dispatched")
        .unwrap();
    assert_eq!(dispatched["count"], 1);
    // The hub holds the desk's audit head as an anchor.
    let head = desk.audit_anchor().unwrap().unwrap();
    assert_eq!(status["desks"][0]["audit_hash"], head.hash.as_str());
    assert_eq!(status["desks"][0]["anchor_broken"], false);

    // A retry of the same push (a lost answer) has no second effect.
    let link = desk.hub_link().unwrap().unwrap();
    let client = HubClient::new(
        &link.url,
        &link.trust,
        Some(link.token.clone()),
        Duration::from_secs(10),
    )
    .unwrap();
    let rows: Vec<(String, String, Option<String>, String)> = {
        let mut stmt = desk
            .connection()
            .prepare("SELECT idempotency_key, kind, request_id, payload FROM outbox ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let replay = PushRequest {
        protocol: PROTOCOL_VERSION,
        audit_head: Some(head.clone()),
        audit_link: None,
        trust_list: None,
        changes: rows
            .iter()
            .map(|(k, kind, id, p)| {
                serde_json::from_value(serde_json::json!({
                    "key": k, "kind": kind, "request_id": id,
                    "payload": serde_json::from_str::<Value>(p).unwrap(),
                }))
                .unwrap()
            })
            .collect(),
    };
    let again = client.push(&replay).unwrap();
    assert!(
        again
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Duplicate)
    );
    assert_eq!(hub_status(&hub)["effects_applied"], queued);

    // The same key with different content is refused whole (409).
    let mut forged = replay.clone();
    match &mut forged.changes[0].change {
        Change::StateChange(s) => s.to = State::Cancelled,
        other => panic!("the first change is a state change: {other:?}"),
    }
    match client.push(&forged) {
        Err(SyncError::Refused { status: 409, .. }) => {}
        other => panic!("expected 409: {other:?}"),
    }
    assert_eq!(hub_status(&hub)["effects_applied"], queued);

    // A truncated audit log is noticed by the hub.
    let mut old_head = replay.clone();
    old_head.changes.clear();
    old_head.audit_head = Some(AuditHead {
        seq: head.seq - 3,
        hash: "0".repeat(64),
    });
    client.push(&old_head).unwrap();
    assert_eq!(hub_status(&hub)["desks"][0]["anchor_broken"], true);

    // The post reports delivery to the hub; the desk pulls it.
    let out = hub.command(&["post-report", &todo[0], "delivered"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = sync_once(&mut desk).unwrap();
    assert_eq!(report.pulled.updated, 1);
    assert_eq!(state_of(&desk, &todo[0]).0, State::Delivered);

    // Cancelled centrally while the desk verified it offline: the hub
    // refuses, the desk keeps its record and lists a conflict.
    let victim = &todo[1];
    let out = hub.command(&["cancel", victim, "--reason", "withdrawn online"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let clerk = desk.sign_in("clerk1", PIN).unwrap();
    desk.verify(&clerk, &RequestRef::parse(victim).unwrap())
        .unwrap();
    let report = sync_once(&mut desk).unwrap();
    assert_eq!(report.pushed.rejected, 1);
    assert_eq!(
        state_of(&desk, victim).0,
        State::Verified,
        "nothing overwritten silently"
    );
    let sup = desk.sign_in("sup1", PIN).unwrap();
    let conflicts = desk.conflicts(&sup, false).unwrap();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].hub_state.as_deref(), Some("cancelled"));
    assert_eq!(conflicts[0].desk_state, "verified");
    // Shown to staff with the states named in their language (the hub's
    // own reason follows as the hub wrote it).
    let ar = citizen_desk::i18n::Lang::Ar;
    let words = conflicts[0].message().text(ar);
    let name = |id: &str| citizen_desk::i18n::tr(ar, id, &[]);
    assert!(
        words.contains(&format!("المكتب {}", name("state-verified")))
            && words.contains(&format!("المركزي {}", name("state-cancelled"))),
        "{words:?}"
    );
    // The hub's reason comes in Arabic, then English.
    let stale = citizen_desk::i18n::tr(
        ar,
        "hub-reason-stale",
        &[
            ("from", &name("state-received")),
            ("state", &name("state-cancelled")),
        ],
    );
    assert!(
        conflicts[0]
            .reason
            .starts_with(&format!("{stale} — stale: ")),
        "{:?}",
        conflicts[0].reason
    );
    let words = conflicts[0].message().text(citizen_desk::i18n::Lang::En);
    assert!(
        words.contains("verified") && words.contains("cancelled"),
        "{words}"
    );
    // A clerk may not settle; a supervisor does, with a note.
    assert!(desk.settle_conflict(&clerk, conflicts[0].id, "x").is_err());
    desk.settle_conflict(&sup, conflicts[0].id, "file set aside")
        .unwrap();
    assert_eq!(state_of(&desk, victim).0, State::Cancelled);
    assert!(desk.conflicts(&sup, false).unwrap().is_empty());
    assert_eq!(hub_status(&hub)["effects_rejected"], 1);
    assert!(desk.verify_audit_chain().unwrap().first_broken.is_none());
}

#[test]
fn the_hub_answers_bad_input_with_a_clear_4xx_and_changes_nothing() {
    bad_input(Backend::Sqlite);
}

#[test]
fn a_postgresql_hub_answers_bad_input_the_same_way() {
    bad_input(Backend::Postgres);
}

fn bad_input(backend: Backend) {
    let tmp = TempDir::new().unwrap();
    let Some(hub) = seeded_hub_on(&tmp.path().join("hub"), 10, backend) else {
        return;
    };
    let code = enroll_code(&hub, "TRT01");
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code).unwrap();
    let token = desk.hub_link().unwrap().unwrap().token;
    let before = hub_status(&hub);

    let send = |path: &str, auth: Option<&str>, body: Vec<u8>| -> (u16, Value) {
        let client = HubClient::new(
            &hub.url,
            &hub.trust,
            auth.map(str::to_owned),
            Duration::from_secs(10),
        )
        .unwrap();
        match client.post_raw(path, body) {
            Ok((status, answer)) => (
                status,
                serde_json::from_slice(&answer).unwrap_or(Value::Null),
            ),
            // The hub may close the connection on a body it will not read.
            Err(e) => (0, Value::String(e.to_string())),
        }
    };
    let push = |v: Value| serde_json::to_vec(&v).unwrap();
    let good_push = json_push(1);

    let (s, b) = send("/v1/push", None, push(good_push.clone()));
    assert_eq!((s, b["error"].as_str()), (401, Some("unauthorized")));
    let (s, _) = send("/v1/push", Some("not-a-token"), push(good_push.clone()));
    assert_eq!(s, 401);
    let (s, _) = send(
        "/v1/pull",
        Some("not-a-token"),
        push(serde_json::json!({"protocol": 1, "cursor": 0, "limit": 10, "trust_version": 0})),
    );
    assert_eq!(s, 401);
    let (s, b) = send("/v1/push", Some(&token), b"{ not json".to_vec());
    assert_eq!((s, b["error"].as_str()), (400, Some("bad_json")));
    let (s, b) = send("/v1/push", Some(&token), push(json_push(99)));
    assert_eq!(
        (s, b["error"].as_str()),
        (400, Some("unsupported_protocol"))
    );
    let (s, b) = send(
        "/v1/push",
        Some(&token),
        push(serde_json::json!({"protocol": 1, "changes": "many"})),
    );
    assert_eq!((s, b["error"].as_str()), (400, Some("bad_request")));
    let huge = vec![b' '; MAX_BODY_BYTES + 10];
    let (s, _) = send("/v1/push", Some(&token), huge);
    assert!(s == 413 || s == 0, "huge body: {s}");
    let mut many = good_push.clone();
    many["changes"] = Value::Array(
        (0..PUSH_BATCH + 1)
            .map(|i| serde_json::json!({"key": format!("k{i}"), "kind": "handover_batch", "request_id": null, "payload": {}}))
            .collect(),
    );
    let (s, _) = send("/v1/push", Some(&token), push(many));
    assert_eq!(s, 413);
    let (s, _) = send("/v1/nowhere", Some(&token), push(good_push.clone()));
    assert_eq!(s, 404);
    let (s, b) = send(
        "/v1/enroll",
        None,
        push(serde_json::json!({"protocol": 1, "code": "AAAA-BBBB-CCCC-DDDD", "desk": "D09"})),
    );
    assert_eq!((s, b["error"].as_str()), (401, Some("unauthorized")));

    // Nothing changed, and the refusals were logged.
    let after = hub_status(&hub);
    assert_eq!(after["requests"], before["requests"]);
    assert_eq!(after["effects_applied"], 0);
    assert_eq!(after["effects_rejected"], 0);
    assert!(after["unauthorised_attempts"].as_i64().unwrap() >= 4);
}

/// A well-formed push of one harmless change, at a protocol version.
fn json_push(protocol: u32) -> Value {
    serde_json::json!({
        "protocol": protocol,
        "audit_head": null,
        "changes": [{"key": "TRT01-D01-test", "kind": "handover_batch", "request_id": null,
                     "payload": {"batch": "B1", "tracking_codes": []}}],
    })
}

#[test]
fn the_trust_list_comes_down_with_the_pull() {
    let tmp = TempDir::new().unwrap();
    let hub = seeded_hub(&tmp.path().join("hub"), 4);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(
        &mut desk,
        &admin,
        &hub.url,
        &hub.trust,
        &enroll_code(&hub, "TRT01"),
    )
    .unwrap();
    // This center's signed list, published at the hub.
    let list = tmp.path().join("trust.json");
    std::fs::write(&list, desk.trust_export(&admin).unwrap()).unwrap();
    let out = hub.command(&["publish-trust", list.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report = sync_once(&mut desk).unwrap();
    assert!(report.pulled.trust_updated);
    assert!(
        !sync_once(&mut desk).unwrap().pulled.trust_updated,
        "taken once"
    );

    // A desk that does not trust that root stores the requests but not
    // the list, and says why.
    let mut stranger = plain_desk(&tmp.path().join("other"), "TRT01", "D02");
    let admin2 = stranger.sign_in("admin", PIN).unwrap();
    enroll(
        &mut stranger,
        &admin2,
        &hub.url,
        &hub.trust,
        &enroll_code(&hub, "TRT01"),
    )
    .unwrap();
    let report = sync_once(&mut stranger).unwrap();
    assert!(report.pulled.new > 0);
    assert!(!report.pulled.trust_updated);
    assert!(report.pulled.trust_refused.is_some());
}

#[test]
fn the_cli_enrols_syncs_and_shows_the_outbox() {
    let tmp = TempDir::new().unwrap();
    let hub = seeded_hub(&tmp.path().join("hub"), 8);
    let code = enroll_code(&hub, "TRT01");
    let dir = tmp.path().join("desk");
    drop(plain_desk(&dir, "TRT01", "D01"));
    let out = cli(
        &dir,
        &[
            "--user",
            "admin",
            "enroll",
            "--hub",
            &hub.url,
            "--code",
            &code,
            "--fingerprint",
            &hub.fingerprint().unwrap(),
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let out = cli(&dir, &["--json", "sync", "--once"], None, None);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pulled"]["new"], 4);
    let out = cli(&dir, &["--json", "outbox"], None, None);
    let outbox: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outbox["status"]["online"], true);
    assert_eq!(outbox["status"]["queued"], 0);
    // A demo store cannot enrol.
    let demo = tmp.path().join("demo");
    let out = cli(&demo, &["demo", "--requests", "3"], None, None);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let out = cli(
        &demo,
        &[
            "--user",
            "admin",
            "enroll",
            "--hub",
            &hub.url,
            "--code",
            &enroll_code(&hub, "TRT01"),
            "--fingerprint",
            &hub.fingerprint().unwrap(),
        ],
        Some(PIN),
        None,
    );
    assert_ne!(exit_code(&out), 0);
    assert!(
        stderr(&out).contains("demo store cannot enrol"),
        "{}",
        stderr(&out)
    );
    // Hub unreachable: a clear bilingual error, exit 1.
    let mut hub = hub;
    hub.kill();
    let out = cli(&dir, &["sync", "--once"], None, None);
    assert_eq!(exit_code(&out), 1);
    assert!(
        stderr(&out).contains("cannot be reached"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("لا يمكن الوصول"), "{}", stderr(&out));
}

/// A hub's SQLite file as the first hub release made it (its settings
/// table called `meta`) opens with today's hub, keeps its desks, requests
/// and effects, and goes on numbering changes where it stopped. After
/// that an older hub would refuse the file (schema 2), not fail on it.
#[test]
fn a_hub_file_from_the_first_release_opens_and_works() {
    use citizen_desk::sync::hub::{HubDemo, HubStorage, HubStore};
    use sha2::Digest;
    let tmp = TempDir::new().unwrap();
    // A request body of today's shape, from a hub made for the purpose.
    let body: String = {
        let mut scratch = HubStore::open(&tmp.path().join("scratch")).unwrap();
        scratch
            .seed_demo(&HubDemo {
                requests: 1,
                centers: vec!["TRT01".into()],
                seed: 1,
                today: today(),
            })
            .unwrap();
        scratch
            .connection()
            .query_row("SELECT body FROM requests", [], |r| r.get(0))
            .unwrap()
    };
    let mut request: serde_json::Value = serde_json::from_str(&body).unwrap();
    request["id"] = "r-legacy".into();
    request["tracking_code"] = "RR100000003SY".into();
    let token = "legacy-token";
    let token_hash = hex::encode(sha2::Sha256::digest(token.as_bytes()));
    let sql = include_str!("../fixtures/hub-sqlite-v1.sql")
        .replace("@BODY@", &request.to_string().replace('\'', "''"))
        .replace("@TOKEN_HASH@", &token_hash);
    let dir = tmp.path().join("old-hub");
    std::fs::create_dir_all(&dir).unwrap();
    rusqlite::Connection::open(HubStore::path_in(&dir))
        .unwrap()
        .execute_batch(&sql)
        .unwrap();

    let mut hub = HubStore::open(&dir).unwrap();
    let version: i64 = hub
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, citizen_desk::sync::hub::schema::latest_version());
    let desk = hub.authenticate(Some(token), "test").unwrap();
    assert_eq!((desk.center.as_str(), desk.desk.as_str()), ("TRT01", "D01"));
    // The change recorded by the old hub is still known by its key.
    let replay: PushChange = serde_json::from_value(serde_json::json!({
        "key": "TRT01-D01-legacy", "request_id": null, "kind": "handover_batch",
        "payload": {"batch": "TRT01-D01-B20260921-0001", "at": "2026-09-21T14:13:20Z",
                    "clerk": "clerk1", "tracking_codes": ["RR100000003SY"]}}))
    .unwrap();
    let push = |hub: &mut HubStore, change: PushChange| {
        hub.push(
            &desk,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                audit_head: None,
                audit_link: None,
                trust_list: None,
                changes: vec![change],
            },
        )
    };
    let answer = push(&mut hub, replay.clone()).unwrap();
    assert_eq!(answer.results[0].outcome, Outcome::Duplicate);
    // The same key with other content is refused whole, as before.
    let mut other = replay;
    if let Change::HandoverBatch(b) = &mut other.change {
        b.tracking_codes.clear();
    }
    assert!(matches!(
        push(&mut hub, other),
        Err(citizen_desk::sync::hub::HubError::Conflict(_))
    ));
    // New work is numbered after the old.
    hub.seed_demo(&HubDemo {
        requests: 1,
        centers: vec!["TRT01".into()],
        seed: 2,
        today: today(),
    })
    .unwrap();
    let seqs: Vec<i64> = {
        let mut stmt = hub
            .connection()
            .prepare("SELECT seq FROM requests ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(seqs, [1, 2]);
    let status = hub.status().unwrap();
    assert_eq!(status.effects_applied, 1);
    assert_eq!(status.desks.len(), 1);
    drop(hub);
    // Opened again: nothing left to migrate.
    HubStore::open(&dir).unwrap();
}

/// PostgreSQL databases the first hub releases made open with today's hub:
/// one with the version row they later wrote, and one from before it.
#[test]
fn postgresql_databases_from_the_first_releases_open_and_work() {
    use citizen_desk::sync::hub::{HubDemo, HubStorage, PgHubStore};
    for with_version_row in [true, false] {
        let Some(url) = fresh_postgres_database() else {
            return;
        };
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        client
            .batch_execute(include_str!("../fixtures/hub-postgres-v1.sql"))
            .unwrap();
        if with_version_row {
            client
                .batch_execute("INSERT INTO hub_meta VALUES ('schema_version', '1')")
                .unwrap();
        }
        drop(client);
        let mut hub = PgHubStore::connect(&url).unwrap();
        hub.seed_demo(&HubDemo {
            requests: 2,
            centers: vec!["TRT01".into()],
            seed: 4,
            today: today(),
        })
        .unwrap();
        let status = hub.status().unwrap();
        assert_eq!(status.requests.iter().map(|r| r.count).sum::<i64>(), 2);
        drop(hub);
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let version: String = client
            .query_one(
                "SELECT value FROM hub_meta WHERE key = 'schema_version'",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(
            version,
            citizen_desk::sync::hub::schema::latest_version().to_string(),
            "with the version row: {with_version_row}"
        );
        // A version that is not a number is refused, not taken as empty.
        client
            .batch_execute("UPDATE hub_meta SET value = 'x' WHERE key = 'schema_version'")
            .unwrap();
        assert!(PgHubStore::connect(&url).is_err());
    }
}
