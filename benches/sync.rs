//! Draining a desk's outbox to the hub: 10,000 queued envelope changes
//! pushed to a real hub on loopback (SQLite, WAL, synchronous=FULL: every
//! commit is durable), then the pull that follows; over plain HTTP and
//! over TLS with a pinned key, in the same run. Prints its figures.
//!
//! `cargo bench --bench sync`

use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use citizen_desk::domain::Role;
use citizen_desk::store::Store;
use citizen_desk::sync::client::{HubTrust, enroll, sync_once};
use citizen_desk::sync::hub::{HubBackend, HubDemo, HubStorage, HubStore, ServeOptions, serve};
use citizen_desk::sync::tls::{Identity, self_signed};

const ENVELOPES: u64 = 10_000;
const RUNS: usize = 3;

/// A hub holding `n` printed requests of TRT01, served on loopback, with
/// TLS or without: its URL and how a desk trusts it.
fn hub_with_printed(dir: &std::path::Path, n: u64, tls: bool) -> (String, HubTrust) {
    let mut hub = HubStore::open(dir).unwrap();
    hub.seed_demo(&HubDemo {
        requests: n,
        centers: vec!["TRT01".to_owned()],
        seed: 7,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    })
    .unwrap();
    hub.connection()
        .execute_batch(
            "UPDATE requests SET state = 'printed', body = json_set(body, '$.state', 'printed')",
        )
        .unwrap();
    drop(hub);
    let (tx, rx) = std::sync::mpsc::channel();
    let dir = dir.to_owned();
    let (config, trust) = if tls {
        let (key, cert, fingerprint) = self_signed(&[]).unwrap();
        let identity = Identity::from_pem(cert.as_bytes(), key.as_bytes()).unwrap();
        (
            Some(identity.server_config().unwrap()),
            HubTrust::Pin(fingerprint),
        )
    } else {
        (None, HubTrust::Loopback)
    };
    std::thread::spawn(move || {
        let options = ServeOptions {
            tls: config,
            faults: Default::default(),
            limits: Default::default(),
        };
        serve("127.0.0.1:0", &HubBackend::Sqlite(dir), options, |addr| {
            tx.send(addr).unwrap();
        })
        .unwrap();
    });
    let scheme = if tls { "https" } else { "http" };
    (format!("{scheme}://{}", rx.recv().unwrap()), trust)
}

/// An enrolled desk that has pulled the printed requests and put every one
/// in its envelope while offline: `n` changes queued.
fn desk_with_queue(
    dir: &std::path::Path,
    hub_dir: &std::path::Path,
    url: &str,
    trust: &HubTrust,
    n: u64,
) -> Store {
    let mut store = Store::initialise(dir, "TRT01", "D01", "admin", "123456").unwrap();
    let admin = store.sign_in("admin", "123456").unwrap();
    store
        .add_user(&admin, "clerk1", Role::Clerk, "123456")
        .unwrap();
    let code = HubStore::open(hub_dir)
        .unwrap()
        .new_enroll_code("TRT01", 24)
        .unwrap();
    enroll(&mut store, &admin, url, trust, &code).unwrap();
    let pulled = sync_once(&mut store).unwrap();
    assert_eq!(pulled.pulled.new as u64, n);
    // The queue an offline day of envelopes leaves (the labels themselves
    // are not what is measured here): the same rows `envelope` writes.
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let conn = store.connection();
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut ids = conn
            .prepare("SELECT id, tracking_code FROM requests ORDER BY tracking_code")
            .unwrap();
        let rows: Vec<(String, String)> = ids
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut insert = conn
            .prepare(
                "INSERT INTO outbox (idempotency_key, created_at, kind, request_id, payload) VALUES (?1, ?2, 'state_change', ?3, ?4)",
            )
            .unwrap();
        for (i, (id, code)) in rows.iter().enumerate() {
            let payload = serde_json::json!({
                "request_id": id, "action": "envelope", "from": "printed", "to": "enveloped",
                "actor": "clerk1", "at": at, "tracking_code": code,
            });
            insert
                .execute((
                    format!("TRT01-D01-bench{i:08}"),
                    &at,
                    id,
                    payload.to_string(),
                ))
                .unwrap();
        }
        conn.execute("UPDATE requests SET state = 'enveloped'", [])
            .unwrap();
    }
    conn.execute_batch("COMMIT").unwrap();
    assert_eq!(store.outbox_len().unwrap(), n);
    store
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` passes nothing
    // useful either: both run the measurement. Plain and TLS runs take
    // turns, so both see the same machine.
    let mut times: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    for run in 0..RUNS {
        for (i, tls) in [false, true].into_iter().enumerate() {
            times[i].push(drain(run, tls));
        }
    }
    for (i, name) in ["plain HTTP", "TLS, pinned key"].iter().enumerate() {
        times[i].sort();
        println!(
            "sync/drain_10k_envelopes ({name}): median {:.2} s over {RUNS} runs (target: under 3 s)",
            times[i][RUNS / 2].as_secs_f64()
        );
    }
}

fn drain(run: usize, tls: bool) -> Duration {
    let tmp = tempfile::TempDir::new().unwrap();
    let hub_dir = tmp.path().join("hub");
    let (url, trust) = hub_with_printed(&hub_dir, ENVELOPES, tls);
    let mut desk = desk_with_queue(&tmp.path().join("desk"), &hub_dir, &url, &trust, ENVELOPES);
    let start = Instant::now();
    let report = sync_once(&mut desk).unwrap();
    let took = start.elapsed();
    assert_eq!(report.pushed.applied as u64, ENVELOPES);
    assert_eq!(report.queued, 0);
    let hub = HubStore::open(&hub_dir).unwrap();
    let enveloped: i64 = hub
        .connection()
        .query_row(
            "SELECT count(*) FROM requests WHERE state = 'enveloped'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(enveloped as u64, ENVELOPES);
    println!(
        "run {} ({}): drained {ENVELOPES} envelopes in {:.2} s ({:.0} per second), pull included",
        run + 1,
        if tls { "TLS" } else { "plain" },
        took.as_secs_f64(),
        ENVELOPES as f64 / took.as_secs_f64()
    );
    took
}
