//! Exactly-once under faults, with real processes on loopback: the real
//! hub binary and the real desk sync (`citizen-desk sync --once`), while
//! this test keeps doing desk work in the same store. Injected: `kill -9`
//! of the desk mid-push, `kill -9` of the hub, the hub crashing right after
//! it committed (the answer is lost), hub 500s, timeouts, and the hub down
//! for a long stretch. Afterwards: stop writing, drain, and check the hub
//! holds every effect exactly once and agrees with the desk on every
//! request's state.

use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use citizen_desk::documents::labels::LabelFormat;
use citizen_desk::domain::State;
use citizen_desk::store::{RequestRef, Store};
use citizen_desk::sync::client::enroll;
use tempfile::TempDir;

/// Faults the hub injects itself while the harness runs.
const HUB_FAULTS: &str = "error500=0.12,crash_after_commit=0.08";
const MIN_FAULTS: u32 = 220;

#[derive(Default, Debug)]
struct Tally {
    hub_500: u32,
    hub_crash_after_commit: u32,
    hub_killed: u32,
    desk_killed_mid_sync: u32,
    timeouts: u32,
    unreachable_during_outage: u32,
    outages: u32,
    syncs_ok: u32,
}

impl Tally {
    fn faults(&self) -> u32 {
        self.hub_500
            + self.hub_crash_after_commit
            + self.hub_killed
            + self.desk_killed_mid_sync
            + self.timeouts
            + self.unreachable_during_outage
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn sync_child(dir: &std::path::Path, timeout_ms: Option<u64>) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citizen-desk"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(["--lang", "en", "sync", "--once"])
        .env_remove("CITIZEN_DESK_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(ms) = timeout_ms {
        cmd.env("CITIZEN_DESK_SYNC_TIMEOUT_MS", ms.to_string());
    }
    cmd.spawn().expect("run citizen-desk sync")
}

fn codes_in(store: &Store, condition: &str) -> Vec<String> {
    let mut stmt = store
        .connection()
        .prepare(&format!(
            "SELECT tracking_code FROM requests WHERE {condition} ORDER BY tracking_code"
        ))
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A little of a desk's day: the next step for a few requests.
fn desk_work(store: &mut Store, rng: &mut Rng) {
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let received = codes_in(store, "state = 'received' AND paid = 1");
    if let Some(code) = received.get(rng.below(received.len() as u64) as usize) {
        store
            .verify(&clerk, &RequestRef::parse(code).unwrap())
            .unwrap();
    }
    let verified = codes_in(store, "state = 'verified'");
    if let Some(code) = verified.first() {
        let r = RequestRef::parse(code).unwrap();
        // Whoever has not stamped it yet (the verifier is the clerk).
        for sup in ["sup1", "sup2"] {
            let s = store.sign_in(sup, PIN).unwrap();
            if store.stamp(&s, &r, PIN).is_ok() {
                break;
            }
        }
    }
    if rng.chance(60)
        && let Some(code) = codes_in(store, "state = 'approved'").first()
    {
        store
            .print_document(
                &clerk,
                &RequestRef::parse(code).unwrap(),
                None,
                Default::default(),
                |_| Ok(()),
            )
            .unwrap();
    }
    if let Some(code) = codes_in(store, "state = 'printed'").first() {
        store
            .envelope(
                &clerk,
                &RequestRef::parse(code).unwrap(),
                LabelFormat::Dl,
                |_| Ok(()),
            )
            .unwrap();
    }
    if rng.chance(15) && store.envelopes_held().unwrap() > 0 {
        store
            .dispatch(&clerk, Default::default(), |_| Ok(()))
            .unwrap();
    }
}

/// Reads the hub's tables directly, whichever database holds them.
enum HubDb {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
}

impl HubDb {
    fn open(hub: &Hub) -> HubDb {
        match &hub.database {
            None => HubDb::Sqlite(rusqlite::Connection::open(hub.dir.join("hub.sqlite")).unwrap()),
            Some(url) => HubDb::Postgres(postgres::Client::connect(url, postgres::NoTls).unwrap()),
        }
    }

    fn count(&mut self, sql: &str) -> i64 {
        match self {
            HubDb::Sqlite(c) => c.query_row(sql, [], |r| r.get(0)).unwrap(),
            HubDb::Postgres(c) => c.query_one(sql, &[]).unwrap().get(0),
        }
    }

    fn strings(&mut self, sql: &str) -> BTreeSet<String> {
        match self {
            HubDb::Sqlite(c) => {
                let mut stmt = c.prepare(sql).unwrap();
                stmt.query_map([], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            HubDb::Postgres(c) => c
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect(),
        }
    }

    fn pairs(&mut self, sql: &str) -> BTreeMap<String, String> {
        match self {
            HubDb::Sqlite(c) => {
                let mut stmt = c.prepare(sql).unwrap();
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            HubDb::Postgres(c) => c
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect(),
        }
    }
}

#[test]
fn every_change_reaches_the_hub_exactly_once_through_hundreds_of_faults() {
    exactly_once_under_faults(Backend::Sqlite);
}

#[test]
fn every_change_reaches_a_postgresql_hub_exactly_once_through_hundreds_of_faults() {
    exactly_once_under_faults(Backend::Postgres);
}

fn exactly_once_under_faults(backend: Backend) {
    let tmp = TempDir::new().unwrap();
    let hub_dir = tmp.path().join("hub");
    let desk_dir = tmp.path().join("desk");
    let Some(mut hub) = Hub::start_with(&hub_dir, "", backend) else {
        return;
    };
    let out = hub.command(&["demo", "400", "--centers", "TRT01", "--today", "2026-11-28"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let code = stdout(&hub.command(&["enroll-code", "--center", "TRT01"]))
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned();
    let mut desk = plain_desk(&desk_dir, "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code).unwrap();
    citizen_desk::sync::client::sync_once(&mut desk).unwrap();
    assert_eq!(count(&desk, "SELECT count(*) FROM requests"), 400);
    hub.restart(HUB_FAULTS);

    let mut rng = Rng(0x5EED_CAFE);
    let mut tally = Tally::default();
    let started = Instant::now();
    let mut round = 0u32;
    while (tally.faults() < MIN_FAULTS || round < 150) && round < 1_500 {
        round += 1;
        assert!(
            started.elapsed() < Duration::from_secs(480),
            "the harness is too slow: {tally:?}"
        );
        desk_work(&mut desk, &mut rng);

        if round.is_multiple_of(40) {
            // The hub is down for a long stretch: work goes on, every sync
            // fails cleanly, then the hub comes back.
            hub.kill();
            tally.outages += 1;
            for _ in 0..6 {
                desk_work(&mut desk, &mut rng);
                let out = sync_child(&desk_dir, None).wait_with_output().unwrap();
                assert!(!out.status.success());
                assert!(
                    stderr(&out).contains("cannot be reached"),
                    "{}",
                    stderr(&out)
                );
                tally.unreachable_during_outage += 1;
            }
            hub.restart(HUB_FAULTS);
            continue;
        }
        if round.is_multiple_of(33) {
            // A slow hub: the desk gives up waiting (the hub may still
            // apply what it was sent).
            hub.restart("delay_ms=250");
            tally.hub_killed += 1;
            for _ in 0..3 {
                let out = sync_child(&desk_dir, Some(80)).wait_with_output().unwrap();
                if !out.status.success() {
                    tally.timeouts += 1;
                }
            }
            hub.restart(HUB_FAULTS);
            tally.hub_killed += 1;
            continue;
        }

        let mut child = sync_child(&desk_dir, None);
        let kill_desk = rng.chance(30);
        let kill_hub = !kill_desk && rng.chance(10);
        if kill_desk || kill_hub {
            std::thread::sleep(Duration::from_millis(5 + rng.below(60)));
        }
        if kill_desk && child.try_wait().unwrap().is_none() {
            let _ = child.kill(); // SIGKILL
            tally.desk_killed_mid_sync += 1;
        }
        if kill_hub {
            hub.kill();
            tally.hub_killed += 1;
        }
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        if out.status.success() {
            tally.syncs_ok += 1;
        } else if err.contains("injected") {
            tally.hub_500 += 1;
        }
        if kill_hub {
            hub.restart(HUB_FAULTS);
        } else if hub.has_died() {
            // The hub aborted after a commit: the desk never got the answer.
            tally.hub_crash_after_commit += 1;
            hub.restart(HUB_FAULTS);
        }
    }

    // Stop writing; let the outbox drain with a healthy hub.
    hub.restart("");
    let mut drained = false;
    for _ in 0..30 {
        let out = sync_child(&desk_dir, None).wait_with_output().unwrap();
        if out.status.success() && desk.outbox_len().unwrap() == 0 {
            drained = true;
            break;
        }
    }
    assert!(drained, "the outbox did not drain: {tally:?}");
    // One more pass so the desk has pulled the hub's last word.
    let out = sync_child(&desk_dir, None).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    // Every desk change is at the hub exactly once, none refused.
    let desk_keys: BTreeSet<String> = {
        let mut stmt = desk
            .connection()
            .prepare("SELECT idempotency_key FROM outbox")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(
        count(
            &desk,
            "SELECT count(*) FROM outbox WHERE rejected_at IS NOT NULL"
        ),
        0
    );
    let mut hub_db = HubDb::open(&hub);
    let hub_keys = hub_db.strings("SELECT key FROM effects");
    assert_eq!(
        desk_keys, hub_keys,
        "the hub's effects are the desk's changes"
    );
    // Each applied state change moved the hub's record exactly once.
    let applied_changes = hub_db.count(
        "SELECT count(*) FROM effects WHERE outcome = 'applied' AND kind IN ('state_change', 'copy_printed')",
    );
    let desk_moves = hub_db.count("SELECT count(*) FROM history WHERE source = 'desk'");
    assert_eq!(applied_changes, desk_moves);
    let desk_changes = count(
        &desk,
        "SELECT count(*) FROM outbox WHERE kind IN ('state_change', 'copy_printed')",
    );
    assert_eq!(applied_changes, desk_changes);

    // Desk and hub agree on every request's state.
    let hub_states =
        hub_db.pairs("SELECT tracking_code, state FROM requests WHERE center = 'TRT01'");
    let desk_states: BTreeMap<String, String> = {
        let mut stmt = desk
            .connection()
            .prepare("SELECT tracking_code, state FROM requests")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(hub_states, desk_states);
    let moved = desk_states
        .values()
        .filter(|s| *s != State::Received.as_str())
        .count();
    assert!(moved > 50, "the desk did real work: {moved} requests moved");
    assert!(desk.verify_audit_chain().unwrap().first_broken.is_none());

    say_loudly(&format!(
        "sync fault injection ({backend:?} hub): {} faults in {round} rounds ({:.0} s): {tally:?}; {} changes, each applied once",
        tally.faults(),
        started.elapsed().as_secs_f64(),
        desk_keys.len()
    ));
    assert!(tally.faults() >= MIN_FAULTS, "{tally:?}");
    assert!(
        tally.hub_500 > 0 && tally.hub_crash_after_commit > 0 && tally.desk_killed_mid_sync > 0
    );
}
