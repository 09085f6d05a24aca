//! The desk↔hub link against someone on the network: TLS with a pinned
//! key (a man in the middle reads nothing and changes nothing), plain
//! HTTP refused off this machine, a CA-issued certificate checked by
//! name; and a hub that keeps answering while connections stall their
//! bodies, sit idle by the hundred, send a 64 MiB header, or use up its
//! descriptors.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use citizen_desk::Error;
use citizen_desk::i18n::Lang;
use citizen_desk::sync::client::{
    Fingerprint, HubAddress, HubTrust, SyncError, enroll, sync_once, trust_for,
};
use tempfile::TempDir;

fn seeded(hub: &Hub, n: u32) {
    let out = hub.command(&[
        "demo",
        &n.to_string(),
        "--centers",
        "TRT01",
        "--today",
        "2026-11-28",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn code(hub: &Hub) -> String {
    let out = hub.command(&["enroll-code", "--center", "TRT01"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().next().unwrap().trim().to_owned()
}

/// What a proxy between desk and hub saw, both ways.
#[derive(Default)]
struct Wire {
    bytes: Mutex<Vec<u8>>,
}

/// A TCP proxy on loopback in front of `target`: it records every byte
/// and, with `tamper`, flips one bit in every chunk the hub sends back.
fn proxy(target: String, tamper: bool) -> (String, Arc<Wire>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let wire = Arc::new(Wire::default());
    let seen = wire.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { continue };
            let Ok(server) = TcpStream::connect(&target) else {
                continue;
            };
            for (mut from, mut to, flip) in [
                (
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                    false,
                ),
                (server, client, tamper),
            ] {
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        seen.bytes.lock().unwrap().extend_from_slice(&buf[..n]);
                        if flip {
                            buf[n / 2] ^= 0x20;
                        }
                        if to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    (addr, wire)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn a_man_in_the_middle_reads_nothing_and_changes_nothing() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_with(&tmp.path().join("hub"), "", Backend::Sqlite).unwrap();
    seeded(&hub, 20);
    let (through, wire) = proxy(hub.addr(), false);
    let url = format!("https://{through}");
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    let enrolment = code(&hub);
    enroll(&mut desk, &admin, &url, &hub.trust, &enrolment).unwrap();
    let report = sync_once(&mut desk).unwrap();
    assert_eq!(report.pulled.new, 20);

    // What crossed the wire: a TLS handshake and ciphertext, none of the
    // secrets or the citizens' data the desk now holds.
    let token = desk.hub_link().unwrap().unwrap().token;
    let (national_id, name): (String, String) = desk
        .connection()
        .query_row(
            "SELECT national_id, family_name FROM requests LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let seen = wire.bytes.lock().unwrap().clone();
    assert!(
        seen.len() > 5_000,
        "the pull crossed the proxy: {} bytes",
        seen.len()
    );
    assert_eq!(seen[0], 0x16, "a TLS handshake record opens the connection");
    for secret in [
        &token,
        &enrolment,
        &national_id,
        &name,
        "TRT01",
        "\"protocol\"",
        "Bearer",
    ] {
        assert!(
            !contains(&seen, secret),
            "{secret:?} crossed the network in clear"
        );
    }

    // A proxy that changes what the hub says: the desk notices, applies
    // nothing and keeps its queue.
    let (tampering, _) = proxy(hub.addr(), true);
    desk.connection()
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'hub_url'",
            [format!("https://{tampering}")],
        )
        .unwrap();
    let before = count(&desk, "SELECT count(*) FROM requests");
    verify_one(&mut desk);
    match sync_once(&mut desk) {
        Err(Error::Sync(e)) => assert!(e.is_transient(), "{e:?}"),
        other => panic!("a tampered answer must fail the pass: {other:?}"),
    }
    assert_eq!(count(&desk, "SELECT count(*) FROM requests"), before);
    assert_eq!(desk.outbox_len().unwrap(), 1, "the change stays queued");
}

/// A clerk verifies the first paid received request: one change queued.
fn verify_one(desk: &mut citizen_desk::store::Store) {
    let clerk = desk.sign_in("clerk1", PIN).unwrap();
    let first: String = desk
        .connection()
        .query_row(
            "SELECT tracking_code FROM requests WHERE state = 'received' AND paid = 1 ORDER BY tracking_code LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    desk.verify(
        &clerk,
        &citizen_desk::store::RequestRef::parse(&first).unwrap(),
    )
    .unwrap();
}

#[test]
fn a_desk_refuses_a_hub_with_another_key_and_says_so_in_both_languages() {
    let tmp = TempDir::new().unwrap();
    let mut hub = Hub::start_with(&tmp.path().join("hub"), "", Backend::Sqlite).unwrap();
    seeded(&hub, 6);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    sync_once(&mut desk).unwrap();
    let pinned = hub.fingerprint().unwrap();

    // Someone else answers on the hub's address with a key of their own
    // (here: the hub's key replaced, the same port).
    let out = hub.command(&["tls", "init"]);
    assert!(
        !out.status.success(),
        "an existing key is not replaced silently"
    );
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = hub.command(&["tls", "init", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let other = stdout(&out)
        .lines()
        .find_map(|l| l.strip_prefix("fingerprint: ").map(str::to_owned))
        .unwrap();
    assert_ne!(other, pinned);
    hub.restart("");

    verify_one(&mut desk);
    let err = sync_once(&mut desk).unwrap_err();
    match &err {
        Error::Sync(SyncError::WrongKey { expected, seen, .. }) => {
            assert_eq!((expected, seen), (&pinned, &other));
        }
        other => panic!("expected a wrong key: {other:?}"),
    }
    for lang in [Lang::Ar, Lang::En] {
        let words = err.message().text(lang);
        assert!(words.contains(&pinned) && words.contains(&other), "{words}");
    }
    assert!(err.message().text(Lang::Ar).contains("تنبيه أمني"));
    assert_eq!(desk.outbox_len().unwrap(), 1, "nothing sent, still queued");
    // The outbox screen shows the same error.
    let status = desk.sync_status().unwrap();
    assert!(status.last_error.unwrap().contains(&other));
}

#[test]
fn plain_http_leaves_this_machine_never_and_https_needs_a_pin_or_a_ca() {
    for url in [
        "http://10.1.2.3:8740",
        "http://hub.gov.sy",
        "http://0.0.0.0:1",
    ] {
        assert_eq!(
            HubAddress::parse(url),
            Err(SyncError::PlainHttp(url.into())),
            "{url}"
        );
    }
    for url in ["ftp://hub", "hub:8740", "https://", "https://user:pw@hub:1"] {
        assert!(
            matches!(HubAddress::parse(url), Err(SyncError::BadUrl(_))),
            "{url}"
        );
    }
    let a = HubAddress::parse("https://[::1]:9/base/").unwrap();
    assert_eq!(
        (a.host.as_str(), a.port, a.prefix.as_str()),
        ("::1", 9, "/base")
    );
    assert_eq!(HubAddress::parse("https://hub.gov.sy").unwrap().port, 443);
    assert!(HubAddress::parse("http://127.0.0.1:8740").is_ok());
    assert!(HubAddress::parse("http://localhost:8740").is_ok());

    assert!(matches!(
        trust_for("https://hub.gov.sy", None, None),
        Err(Error::Sync(SyncError::NoTrust(_)))
    ));
    assert!(matches!(
        trust_for("https://hub.gov.sy", Some("sha256:12"), None),
        Err(Error::BadInput(_))
    ));
    let pin = format!("sha256:{}", "ab".repeat(32));
    assert_eq!(
        trust_for("https://hub.gov.sy", Some(&pin), None).unwrap(),
        HubTrust::Pin(Fingerprint::parse(&pin).unwrap())
    );
    assert!(matches!(
        trust_for("http://127.0.0.1:1", Some(&pin), None),
        Err(Error::Sync(SyncError::PlainHttp(_)))
    ));

    // The command line says it before sending anything, in Arabic too.
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("desk");
    drop(plain_desk(&dir, "TRT01", "D01"));
    let started = Instant::now();
    let out = cli(
        &dir,
        &[
            "--user",
            "admin",
            "enroll",
            "--hub",
            "http://192.0.2.7:8740",
            "--code",
            "AAAA",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("http://"), "{}", stderr(&out));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "no network wait"
    );
    let out = cli(
        &dir,
        &[
            "--lang",
            "ar",
            "--user",
            "admin",
            "enroll",
            "--hub",
            "https://192.0.2.7:8740",
            "--code",
            "AAAA",
        ],
        Some(PIN),
        None,
    );
    assert_ne!(exit_code(&out), 0);
    assert!(stderr(&out).contains("البصمة"), "{}", stderr(&out));
}

/// A CA and a hub certificate it issued for `localhost` only.
fn ca_and_hub_certificate() -> (String, String, String) {
    let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "Test ministry CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let hub_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let hub = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&hub_key, &issuer)
        .unwrap();
    (ca_cert.pem(), hub.pem(), hub_key.serialize_pem())
}

#[test]
fn a_certificate_from_the_ministrys_ca_is_checked_by_name() {
    let tmp = TempDir::new().unwrap();
    let (ca, cert, key) = ca_and_hub_certificate();
    let hub_dir = tmp.path().join("hub");
    std::fs::create_dir_all(&hub_dir).unwrap();
    for (name, text) in [("ca.pem", &ca), ("hub.pem", &cert), ("hub.key", &key)] {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let serve = |listen: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
            .args(["hub", "--data-dir"])
            .arg(&hub_dir)
            .args(["serve", "--listen", listen, "--tls-cert"])
            .arg(tmp.path().join("hub.pem"))
            .arg("--tls-key")
            .arg(tmp.path().join("hub.key"))
            .env_remove("CITIZEN_DESK_HUB_DATABASE")
            .env_remove("CITIZEN_DESK_HUB_FAULTS")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = serve("127.0.0.1:0");
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .trim()
        .strip_prefix("citizen-desk hub listening on https://")
        .unwrap()
        .to_owned();
    let port = addr.rsplit(':').next().unwrap().to_owned();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
        .args(["hub", "--data-dir"])
        .arg(&hub_dir)
        .args(["demo", "4", "--centers", "TRT01", "--today", "2026-11-28"])
        .env_remove("CITIZEN_DESK_HUB_DATABASE")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let enrolment = {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
            .args(["hub", "--data-dir"])
            .arg(&hub_dir)
            .args(["enroll-code", "--center", "TRT01"])
            .env_remove("CITIZEN_DESK_HUB_DATABASE")
            .output()
            .unwrap();
        stdout(&out).lines().next().unwrap().trim().to_owned()
    };

    let trust = HubTrust::Ca(ca.clone());
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    // By an address the certificate does not name: refused.
    match enroll(
        &mut desk,
        &admin,
        &format!("https://127.0.0.1:{port}"),
        &trust,
        &enrolment,
    ) {
        Err(Error::Sync(SyncError::Untrusted { .. })) => {}
        other => panic!("a name the certificate lacks must be refused: {other:?}"),
    }
    // By its name: trusted, and the code was not used up by the refusal.
    let url = format!("https://localhost:{port}");
    enroll(&mut desk, &admin, &url, &trust, &enrolment).unwrap();
    assert_eq!(desk.hub_link().unwrap().unwrap().trust, trust);
    assert_eq!(sync_once(&mut desk).unwrap().pulled.new, 4);
    // Another CA's desk does not trust it.
    let (other_ca, _, _) = ca_and_hub_certificate();
    let mut stranger = plain_desk(&tmp.path().join("stranger"), "TRT01", "D02");
    let admin2 = stranger.sign_in("admin", PIN).unwrap();
    assert!(matches!(
        enroll(
            &mut stranger,
            &admin2,
            &url,
            &HubTrust::Ca(other_ca),
            &enrolment
        ),
        Err(Error::Sync(SyncError::Untrusted { .. }))
    ));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_hub_without_a_certificate_serves_plain_http_on_loopback_only() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("hub");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
            .args(["hub", "--data-dir"])
            .arg(&dir)
            .args(args)
            .env_remove("CITIZEN_DESK_HUB_DATABASE")
            .env_remove("CITIZEN_DESK_HUB_FAULTS")
            .output()
            .unwrap()
    };
    let out = run(&["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("hub tls init"), "{}", stderr(&out));
    let out = run(&["serve", "--listen", "0.0.0.0:0", "--plain"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("loopback"), "{}", stderr(&out));
    // A hub made by `tls init` keeps its key private.
    let out = run(&["tls", "init", "--name", "hub.example"]);
    assert!(out.status.success(), "{}", stderr(&out));
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| std::fs::metadata(dir.join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("tls-key.pem"), 0o600);
    assert_eq!(
        std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let out = run(&["tls", "fingerprint"]);
    assert!(Fingerprint::parse(stdout(&out).trim().trim_start_matches("fingerprint: ")).is_some());
}

// ---- a hub that holds under abuse ----

/// `GET /v1/health` on a fresh connection: how long the answer took, or
/// None if none came within `within`.
fn health(addr: &str, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut s = TcpStream::connect_timeout(&addr.parse().unwrap(), within).ok()?;
    s.set_read_timeout(Some(within)).ok()?;
    s.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    contains(&answer, "200 OK").then(|| started.elapsed())
}

fn resident_mb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024
}

#[test]
fn stalled_bodies_do_not_stop_the_hub() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_plain(&tmp.path().join("hub"), "");
    seeded(&hub, 6);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    // Eight clients announce a body and never send it (the attack that
    // held all four tiny_http workers).
    let stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(hub.addr()).unwrap();
            s.write_all(
                b"POST /v1/push HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{",
            )
            .unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let took = health(&hub.addr(), Duration::from_secs(2)).expect("health answers");
    assert!(took < Duration::from_secs(2), "{took:?}");
    // And real work goes on beside them.
    assert_eq!(sync_once(&mut desk).unwrap().pulled.new, 6);
    drop(stalled);
}

#[test]
fn six_hundred_idle_connections_do_not_stop_the_hub() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_plain(&tmp.path().join("hub"), "");
    let idle: Vec<TcpStream> = (0..600)
        .map(|_| TcpStream::connect(hub.addr()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let took = health(&hub.addr(), Duration::from_secs(2)).expect("health answers");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(resident_mb(hub.pid()) < 200);
    drop(idle);
}

#[test]
fn a_64_mib_header_line_is_refused_without_filling_the_memory() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_plain(&tmp.path().join("hub"), "");
    let mut s = TcpStream::connect(hub.addr()).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"GET /v1/health HTTP/1.1\r\nX-Long: ").unwrap();
    let chunk = vec![b'a'; 1024 * 1024];
    let mut sent = 0usize;
    for _ in 0..64 {
        if s.write_all(&chunk).is_err() {
            break; // the hub closed the connection: refused early
        }
        sent += chunk.len();
    }
    assert!(
        sent < 64 * 1024 * 1024,
        "the hub read the whole line ({sent} bytes)"
    );
    let mut answer = Vec::new();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let _ = s.read_to_end(&mut answer);
    assert!(
        answer.is_empty() || contains(&answer, "431"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(
        resident_mb(hub.pid()) < 200,
        "{} MB",
        resident_mb(hub.pid())
    );
    assert!(health(&hub.addr(), Duration::from_secs(2)).is_some());
}

#[test]
fn the_hub_answers_again_after_its_descriptors_ran_out() {
    let tmp = TempDir::new().unwrap();
    let mut hub = Hub::start_plain(&tmp.path().join("hub"), "");
    hub.restart_with_descriptors(128);
    // More connections than the process has descriptors.
    let many: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(hub.addr()).ok())
        .collect();
    assert!(many.len() > 128, "{} connected", many.len());
    std::thread::sleep(Duration::from_millis(300));
    drop(many);
    let mut answered = None;
    let started = Instant::now();
    while answered.is_none() && started.elapsed() < Duration::from_secs(10) {
        answered = health(&hub.addr(), Duration::from_secs(1));
    }
    assert!(answered.is_some(), "the hub stays up and answers");
    assert!(!hub.has_died());
}

#[test]
fn a_flood_of_bad_tokens_is_turned_away_and_logged_in_aggregate() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_plain(&tmp.path().join("hub"), "");
    let client = citizen_desk::sync::client::HubClient::new(
        &hub.url,
        &hub.trust,
        Some("not-a-token".into()),
        Duration::from_secs(10),
    )
    .unwrap();
    let body = br#"{"protocol": 1, "cursor": 0, "limit": 10, "trust_version": 0}"#;
    let statuses: Vec<u16> = (0..300)
        .map(|_| client.post_raw("/v1/pull", body.to_vec()).unwrap().0)
        .collect();
    assert_eq!(statuses[..10], [401; 10]);
    assert!(statuses[10..].iter().all(|s| *s == 429), "{statuses:?}");
    // Ten log rows, not three hundred; and the hub still answers.
    let out = hub.command(&["--json", "status"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["unauthorised_attempts"], 10);
    assert!(health(&hub.addr(), Duration::from_secs(2)).is_some());
    // A desk that meets the wall waits and tries again.
    let refused = client.post_raw("/v1/pull", body.to_vec()).unwrap();
    let words: serde_json::Value = serde_json::from_slice(&refused.1).unwrap();
    assert_eq!(words["error"], "too_many_attempts");
    assert!(
        SyncError::Refused {
            status: 429,
            code: "too_many_attempts".into(),
            message: String::new()
        }
        .is_transient()
    );
}

#[test]
fn a_request_id_that_is_not_a_uuid_never_reaches_the_desk() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_plain(&tmp.path().join("hub"), "");
    seeded(&hub, 4);
    // A hostile (or broken) hub hands out an id that is a path.
    rusqlite::Connection::open(tmp.path().join("hub").join("hub.sqlite"))
        .unwrap()
        .execute(
            "UPDATE requests SET id = '/tmp/escape', body = json_set(body, '$.id', '/tmp/escape') \
             WHERE seq = (SELECT min(seq) FROM requests)",
            [],
        )
        .unwrap();
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    match sync_once(&mut desk) {
        Err(Error::Sync(SyncError::BadAnswer(why))) => assert!(why.contains("UUID"), "{why}"),
        other => panic!("the page must be refused: {other:?}"),
    }
    assert_eq!(count(&desk, "SELECT count(*) FROM requests"), 0);
}

/// The hub signs the payment facts of every page it sends; the desk pins
/// the hub's key at enrolment and refuses a page signed by another (a hub
/// whose key was swapped, or an impostor): nothing of it is applied. A
/// desk that lost its pin (one enrolled before the hub signed payments)
/// pins the key of its next signed page and logs it.
#[test]
fn the_desk_believes_only_payments_the_hub_signed() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_plain(&tmp.path().join("hub"), "");
    seeded(&hub, 6);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    let pinned = |desk: &citizen_desk::store::Store| -> Option<String> {
        desk.connection()
            .query_row(
                "SELECT value FROM meta WHERE key = 'hub_payment_key'",
                [],
                |r| r.get(0),
            )
            .ok()
    };
    let key = pinned(&desk).expect("the hub's payment key is pinned at enrolment");
    sync_once(&mut desk).unwrap();
    let pulled = count(&desk, "SELECT count(*) FROM requests");
    assert!(pulled > 0);
    assert_eq!(
        count(
            &desk,
            "SELECT count(*) FROM requests WHERE payment_page IS NULL"
        ),
        0,
        "every pulled request has the hub's signature"
    );

    // Lost pin: the next signed page pins the same key again, logged.
    desk.connection()
        .execute("DELETE FROM meta WHERE key = 'hub_payment_key'", [])
        .unwrap();
    let hub_db = rusqlite::Connection::open(tmp.path().join("hub").join("hub.sqlite")).unwrap();
    let tracking: String = hub_db
        .query_row(
            "SELECT tracking_code FROM requests WHERE center = 'TRT01' ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let out = hub.command(&["cancel", &tracking, "--reason", "withdrawn online"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sync_once(&mut desk).unwrap();
    assert_eq!(pinned(&desk).as_deref(), Some(key.as_str()));
    assert_eq!(
        count(
            &desk,
            "SELECT count(*) FROM audit WHERE action = 'hub_payment_key_pinned'"
        ),
        1
    );

    // The hub's key swapped: the page is refused whole.
    hub_db
        .execute(
            "UPDATE hub_meta SET value = ?1 WHERE key = 'payment_key'",
            [hex::encode([7u8; 32])],
        )
        .unwrap();
    let second: String = hub_db
        .query_row(
            "SELECT tracking_code FROM requests WHERE center = 'TRT01' AND tracking_code <> ?1 \
             AND state = 'received' ORDER BY seq LIMIT 1",
            [&tracking],
            |r| r.get(0),
        )
        .unwrap();
    let out = hub.command(&["cancel", &second, "--reason", "withdrawn online"]);
    assert!(out.status.success(), "{}", stderr(&out));
    match sync_once(&mut desk) {
        Err(Error::Sync(SyncError::BadAnswer(why))) => {
            assert!(why.contains("another key"), "{why}")
        }
        other => panic!("the page must be refused: {other:?}"),
    }
    let state: String = desk
        .connection()
        .query_row(
            "SELECT state FROM requests WHERE tracking_code = ?1",
            [&second],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "received", "nothing of the refused page is applied");
}

// ---- tokens with lifetimes ----

fn desk_id_of(hub: &Hub) -> String {
    let out = hub.command(&["--json", "desks"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    listed["desks"][0]["id"].to_string()
}

#[test]
fn the_operator_revokes_and_rotates_a_desks_token() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_with(&tmp.path().join("hub"), "", Backend::Sqlite).unwrap();
    seeded(&hub, 4);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    sync_once(&mut desk).unwrap();
    let id = desk_id_of(&hub);

    // Rotation: the next sync brings a new token; the old one then fails.
    let old = desk.hub_link().unwrap().unwrap().token;
    let out = hub.command(&["rotate", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    sync_once(&mut desk).unwrap();
    let new = desk.hub_link().unwrap().unwrap().token;
    assert_ne!(new, old);
    sync_once(&mut desk).unwrap();
    let with_old = citizen_desk::sync::client::HubClient::new(
        &hub.url,
        &hub.trust,
        Some(old),
        Duration::from_secs(10),
    )
    .unwrap();
    let pull = br#"{"protocol": 1, "cursor": 0, "limit": 10, "trust_version": 0}"#;
    assert_eq!(with_old.post_raw("/v1/pull", pull.to_vec()).unwrap().0, 401);

    // Revocation: refused at once, in words, and listed.
    let out = hub.command(&["revoke", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    match sync_once(&mut desk) {
        Err(Error::Sync(SyncError::Refused {
            status: 401,
            message,
            ..
        })) => {
            assert!(message.contains("revoked"), "{message}")
        }
        other => panic!("a revoked desk must be refused: {other:?}"),
    }
    let out = hub.command(&["--lang", "en", "desks"]);
    assert!(stdout(&out).contains("REVOKED"), "{}", stdout(&out));
    let out = hub.command(&["--lang", "ar", "desks"]);
    assert!(stdout(&out).contains("مُلغى"), "{}", stdout(&out));
}

#[test]
fn a_backup_carries_no_hub_token_and_a_restored_desk_enrols_again() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_with(&tmp.path().join("hub"), "", Backend::Sqlite).unwrap();
    seeded(&hub, 4);
    let dir = tmp.path().join("desk");
    let mut desk = plain_desk(&dir, "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    sync_once(&mut desk).unwrap();
    let token = desk.hub_link().unwrap().unwrap().token;
    let backup = tmp.path().join("backup.sqlite3");
    let recovery = desk.new_backup_key(&admin).unwrap();
    desk.backup_to(&admin, &backup).unwrap();
    let bytes = std::fs::read(&backup).unwrap();
    assert!(!contains(&bytes, &token), "the token is in the backup");
    assert!(
        !contains(&bytes, &hub.fingerprint().unwrap()[7..]),
        "the pin is in the backup"
    );
    // The desk itself keeps its link.
    assert!(desk.hub_link().unwrap().is_some());
    drop(desk);

    let elsewhere = tmp.path().join("restored");
    let out = cli(
        &elsewhere,
        &["restore", backup.to_str().unwrap()],
        None,
        Some(&format!("{}\n", recovery.secret)),
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("enrol"), "{}", stdout(&out));
    let mut restored = citizen_desk::store::Store::open(&elsewhere).unwrap();
    assert!(restored.hub_link().unwrap().is_none());
    assert_eq!(count(&restored, "SELECT count(*) FROM requests"), 4);
    assert!(matches!(
        sync_once(&mut restored),
        Err(Error::Sync(SyncError::NotEnrolled))
    ));
}

// ---- audit continuity ----

/// The desk's audit row hash, written again here from its definition
/// (length-prefixed fields, SHA-256) as someone rewriting the log would.
fn audit_row_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for part in [prev, &seq.to_string(), at, actor, action, subject, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Rewrites audit row `seq` and recomputes every hash after it, with the
/// append-only triggers dropped and put back: a log that checks as whole.
fn rewrite_audit_log(desk: &citizen_desk::store::Store, seq: i64) {
    let conn = desk.connection();
    let triggers: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!triggers.is_empty());
    conn.execute_batch(
        "DROP TRIGGER audit_is_append_only_update; DROP TRIGGER audit_is_append_only_delete;",
    )
    .unwrap();
    conn.execute(
        "UPDATE audit SET detail = 'nothing to see' WHERE seq = ?1",
        [seq],
    )
    .unwrap();
    let rows: Vec<(i64, String, String, String, String, String)> = conn
        .prepare("SELECT seq, at, actor, action, subject, detail FROM audit WHERE seq >= ?1 ORDER BY seq")
        .unwrap()
        .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev: String = conn
        .query_row("SELECT hash FROM audit WHERE seq = ?1", [seq - 1], |r| {
            r.get(0)
        })
        .unwrap();
    for (s, at, actor, action, subject, detail) in rows {
        let hash = audit_row_hash(&prev, s, &at, &actor, &action, &subject, &detail);
        conn.execute(
            "UPDATE audit SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![s, prev, hash],
        )
        .unwrap();
        prev = hash;
    }
    for sql in triggers {
        conn.execute_batch(&sql).unwrap();
    }
}

#[test]
fn a_desk_log_rewritten_with_its_hashes_recomputed_is_flagged_at_the_hub() {
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_with(&tmp.path().join("hub"), "", Backend::Sqlite).unwrap();
    seeded(&hub, 10);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    sync_once(&mut desk).unwrap();
    let broken = |hub: &Hub| -> bool {
        let out = hub.command(&["--json", "status"]);
        let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        status["desks"][0]["anchor_broken"].as_bool().unwrap()
    };
    // Honest work, pushed twice: the anchor moves on.
    for _ in 0..2 {
        verify_one(&mut desk);
        assert_eq!(sync_once(&mut desk).unwrap().pushed.applied, 1);
    }
    assert!(!broken(&hub));

    // Someone edits an old entry and makes the chain whole again.
    rewrite_audit_log(&desk, 3);
    assert!(
        desk.verify_audit_chain().unwrap().first_broken.is_none(),
        "the desk alone cannot tell"
    );
    verify_one(&mut desk);
    assert_eq!(sync_once(&mut desk).unwrap().pushed.applied, 1);
    assert!(broken(&hub), "the hub holds the old hash at its anchor");
    let out = hub.command(&["--lang", "en", "status"]);
    assert!(
        stdout(&out).contains("AUDIT LOG TRUNCATED OR REWRITTEN"),
        "{}",
        stdout(&out)
    );
}

// ---- the hub's own link to PostgreSQL ----

#[test]
fn the_hub_reaches_postgresql_over_tls_as_the_url_asks() {
    use citizen_desk::sync::hub::PgHubStore;
    let Some(db) = fresh_postgres_database() else {
        return;
    };
    let mut plain = PgHubStore::connect(&db).unwrap();
    assert!(!plain.is_encrypted().unwrap(), "no sslmode: no TLS");
    let admin = std::env::var("CITIZEN_DESK_TEST_POSTGRES").unwrap();
    let mut server = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let ssl: String = server.query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl != "on" {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the test PostgreSQL has ssl off: .ci/run must start it with TLS"
        );
        say_skipped("PostgreSQL over TLS: the test server has ssl off");
        return;
    }
    // The server's own certificate (Debian's snakeoil, for its host name).
    let cert_file: String = server.query_one("SHOW ssl_cert_file", &[]).unwrap().get(0);
    let cert_file = if cert_file.starts_with('/') {
        cert_file
    } else {
        let data: String = server.query_one("SHOW data_directory", &[]).unwrap().get(0);
        format!("{data}/{cert_file}")
    };

    let mut hub = PgHubStore::connect(&format!("{db}?sslmode=require")).unwrap();
    assert!(hub.is_encrypted().unwrap());
    let mut hub =
        PgHubStore::connect(&format!("{db}?sslmode=verify-ca&sslrootcert={cert_file}")).unwrap();
    assert!(hub.is_encrypted().unwrap(), "the chain checks out");
    // By 127.0.0.1, which the certificate does not name: verify-full refuses.
    match PgHubStore::connect(&format!("{db}?sslmode=verify-full&sslrootcert={cert_file}")) {
        Err(e) => assert!(e.to_string().contains("cannot connect"), "{e}"),
        Ok(_) => panic!("verify-full must compare the name"),
    }
    // Another root: refused even without the name.
    let (other_ca, _, _) = ca_and_hub_certificate();
    let tmp = TempDir::new().unwrap();
    let other = tmp.path().join("other-ca.pem");
    std::fs::write(&other, other_ca).unwrap();
    assert!(
        PgHubStore::connect(&format!(
            "{db}?sslmode=verify-ca&sslrootcert={}",
            other.display()
        ))
        .is_err()
    );
    drop((plain, hub));
    if let Some((_, name)) = db.rsplit_once('/') {
        let _ = server.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

// ---- the hub checks the seal a print carries ----

/// A paid request of a two-stamp service verified and stamped twice at
/// `desk`, and synced: approved at the hub too. Its tracking code.
fn approved_at_both(desk: &mut citizen_desk::store::Store) -> String {
    use citizen_desk::store::RequestRef;
    let code = find(
        desk,
        "state = 'received' AND paid = 1 AND stamps_required = 2",
    );
    let r = RequestRef::parse(&code).unwrap();
    let clerk = desk.sign_in("clerk1", PIN).unwrap();
    desk.verify(&clerk, &r).unwrap();
    for sup in ["sup1", "sup2"] {
        let s = desk.sign_in(sup, PIN).unwrap();
        desk.stamp(&s, &r, PIN).unwrap();
    }
    let report = sync_once(desk).unwrap();
    assert_eq!(report.pushed.applied, 3, "{report:?}");
    code
}

/// A print of `id` pushed straight to the hub with the desk's own token,
/// as a token thief or a dishonest desk program would.
fn forged_print(
    desk: &citizen_desk::store::Store,
    id: &str,
    number: &str,
    seal: Option<&str>,
    seal_sha256: &str,
    trust_list: Option<String>,
) -> Result<citizen_desk::protocol::ChangeResult, SyncError> {
    use citizen_desk::domain::{Role, State, Step};
    use citizen_desk::protocol::*;
    let link = desk.hub_link().unwrap().unwrap();
    let client = citizen_desk::sync::client::HubClient::new(
        &link.url,
        &link.trust,
        Some(link.token),
        Duration::from_secs(10),
    )
    .unwrap();
    let push = PushRequest {
        protocol: PROTOCOL_VERSION,
        audit_head: None,
        audit_link: None,
        trust_list,
        changes: vec![PushChange {
            key: format!("TRT01-D01-forged-{}", seal_sha256.get(..12).unwrap_or("x")),
            request_id: Some(id.to_owned()),
            change: Change::StateChange(StateChange {
                step: Step::Print {
                    document_number: number.to_owned(),
                    seal_sha256: seal_sha256.to_owned(),
                    seal: seal.map(str::to_owned),
                },
                from: State::Approved,
                to: State::Printed,
                actor: "clerk1".into(),
                role: Some(Role::Clerk),
                at: chrono::Utc::now(),
            }),
        }],
    };
    client
        .push(&push)
        .map(|mut answer| answer.results.remove(0))
}

/// `seal` with its center signature replaced by one of a new key.
fn recentred(seal: &str) -> String {
    use citizen_desk::seal::cose::{encode_sign, encode_signer_header, sig_structure};
    use citizen_desk::seal::crypto::SigningKey;
    use citizen_desk::seal::layers::{decode_text, encode_text};
    let msg = decode_text(seal, citizen_desk::seal::PREFIX).unwrap();
    let mut signatures: Vec<(Vec<u8>, Vec<u8>)> = msg
        .signatures
        .iter()
        .filter(|s| s.protected_bytes != msg.signatures.last().unwrap().protected_bytes)
        .map(|s| (s.protected_bytes.clone(), s.signature.clone()))
        .collect();
    let key = SigningKey::generate().unwrap();
    let protected = encode_signer_header(
        &key.kid(),
        "TRT01",
        "center",
        chrono::Utc::now().timestamp(),
    );
    let tbs = sig_structure(&[], &protected, &[], &msg.payload);
    signatures.push((protected, key.sign(&tbs)));
    encode_text(
        &encode_sign(&msg.payload, &signatures),
        citizen_desk::seal::PREFIX,
    )
}

fn hub_state(hub: &Hub, id: &str) -> String {
    rusqlite::Connection::open(hub.dir.join("hub.sqlite"))
        .unwrap()
        .query_row("SELECT state FROM requests WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn the_hub_records_a_print_only_under_a_seal_it_checks_with_the_desks_keys() {
    use citizen_desk::documents::render::Digits;
    use citizen_desk::protocol::Outcome;
    use citizen_desk::store::RequestRef;
    let tmp = TempDir::new().unwrap();
    let hub = Hub::start_with(&tmp.path().join("hub"), "", Backend::Sqlite).unwrap();
    seeded(&hub, 40);
    let mut desk = plain_desk(&tmp.path().join("desk"), "TRT01", "D01");
    let admin = desk.sign_in("admin", PIN).unwrap();
    enroll(&mut desk, &admin, &hub.url, &hub.trust, &code(&hub)).unwrap();
    sync_once(&mut desk).unwrap();
    let code = approved_at_both(&mut desk);
    let r = RequestRef::parse(&code).unwrap();
    let (id, number): (String, String) = desk
        .connection()
        .query_row(
            "SELECT id, document_number FROM requests WHERE tracking_code = ?1",
            [&code],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(hub_state(&hub, &id), "approved");
    // The operator sees the root the hub pinned at enrolment: this desk's.
    let root: String = desk
        .connection()
        .query_row(
            "SELECT kid FROM keys WHERE role = 'root' AND valid_to IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let out = hub.command(&["--json", "desks"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["desks"][0]["trust_root"], root.as_str());
    let sha = |text: &str| citizen_desk::domain::request::content_digest(text);
    let reason = |r: &citizen_desk::protocol::ChangeResult| {
        assert_eq!(r.outcome, Outcome::Rejected, "{r:?}");
        r.reason.clone().unwrap_or_default()
    };

    // "Printed" with no seal: refused, the request stays approved.
    let answer = forged_print(&desk, &id, &number, None, &"cd".repeat(32), None).unwrap();
    assert!(reason(&answer).contains("carries no seal"), "{answer:?}");
    // The desk's genuine seal, but not the one the push says it printed.
    let clerk = desk.sign_in("clerk1", PIN).unwrap();
    let genuine = desk.seal_make(&clerk, &r).unwrap().text;
    let answer = forged_print(&desk, &id, &number, Some(&genuine), &"00".repeat(32), None).unwrap();
    assert!(reason(&answer).contains("SHA-256"), "{answer:?}");
    // The genuine stamps under a center signature of the forger's own
    // key: not in this desk's trust list.
    let forged = recentred(&genuine);
    let answer = forged_print(&desk, &id, &number, Some(&forged), &sha(&forged), None).unwrap();
    assert!(
        reason(&answer).contains("not in the trust list"),
        "{answer:?}"
    );
    assert_eq!(hub_state(&hub, &id), "approved");
    let mut other = plain_desk(&tmp.path().join("forger"), "TRT01", "D01");

    // The forger's keys sent along with the push: signed by a root other
    // than the one the hub pinned when this desk enrolled, the whole push
    // is refused.
    let foreign = other.trust_list_for_hub().unwrap();
    match forged_print(
        &desk,
        &id,
        &number,
        Some(&genuine),
        &sha(&genuine),
        Some(foreign),
    ) {
        Err(SyncError::Refused {
            status: 409,
            message,
            ..
        }) => {
            assert!(message.contains("root"), "{message}")
        }
        other => panic!("a foreign root must refuse the push: {other:?}"),
    }
    assert_eq!(hub_state(&hub, &id), "approved");

    // The real print at the desk: its seal checks out at the hub.
    desk.print_document(&clerk, &r, None, Digits::Latin, |_| Ok(()))
        .unwrap();
    let report = sync_once(&mut desk).unwrap();
    assert_eq!(
        (report.pushed.applied, report.pushed.rejected),
        (1, 0),
        "{report:?}"
    );
    assert_eq!(hub_state(&hub, &id), "printed");
}
