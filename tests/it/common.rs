//! Helpers shared by the integration tests: real stores in temporary
//! directories, and the real binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::NaiveDate;
use citizen_desk::demo::{DemoOptions, create_demo};
use citizen_desk::domain::State;
pub use citizen_desk::store::DEMO_RECOVERY_KEY;
use citizen_desk::store::Store;
use tempfile::TempDir;

pub use crate::shared::*;

pub const PIN: &str = "123456";

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// A demo store with `n` requests in a fresh temporary directory.
pub fn demo_store(n: u64) -> (TempDir, Store) {
    let dir = TempDir::new().unwrap();
    let (store, _) = create_demo(
        dir.path(),
        &DemoOptions {
            requests: n,
            seed: 42,
            today: today(),
        },
    )
    .unwrap();
    (dir, store)
}

/// Tracking code of the first request matching an SQL condition.
pub fn find(store: &Store, condition: &str) -> String {
    let sql = format!(
        "SELECT tracking_code FROM requests WHERE {condition} ORDER BY tracking_code LIMIT 1"
    );
    store
        .connection()
        .query_row(&sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("no request where {condition}: {e}"))
}

/// State and stamp count of a request, read straight from the file (test
/// inspection only: no session, no audit row).
pub fn state_of(store: &Store, tracking: &str) -> (State, i64) {
    store
        .connection()
        .query_row(
            "SELECT state, (SELECT count(*) FROM stamps s WHERE s.request_id = r.id) FROM requests r WHERE tracking_code = ?1",
            [tracking],
            |r| Ok((State::parse(&r.get::<_, String>(0)?).unwrap(), r.get(1)?)),
        )
        .unwrap()
}

pub fn count(store: &Store, sql: &str) -> i64 {
    store.connection().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Runs the real `citizen-desk` binary against `data_dir`.
pub fn cli(data_dir: &Path, args: &[&str], pin: Option<&str>, stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_citizen-desk"));
    cmd.arg("--data-dir").arg(data_dir).args(args);
    cmd.env_remove("CITIZEN_DESK_PIN")
        .env_remove("CITIZEN_DESK_NEW_PIN")
        .env_remove("CITIZEN_DESK_USER");
    cmd.env_remove("CITIZEN_DESK_DATA_DIR")
        .env_remove("CITIZEN_DESK_LANG");
    if let Some(pin) = pin {
        cmd.env("CITIZEN_DESK_PIN", pin);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run citizen-desk");
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn exit_code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// An outside tool the test needs. Missing under CI=true is a failure;
/// elsewhere the test is skipped, and says so loudly.
pub fn tool(name: &str) -> Option<std::path::PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{name} is required under CI=true (install it in .ci/run)");
        }
        say_skipped(&format!("{name} is not installed; this test did not run"));
    }
    found
}

/// Text as poppler extracts it, without the direction marks and the
/// spaces it inserts at kerning gaps: for comparing Arabic.
pub fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

/// A real hub process (`citizen-desk hub serve`) on a loopback port, with
/// its data directory; restartable with other injected faults.
pub struct Hub {
    pub dir: std::path::PathBuf,
    /// The PostgreSQL database behind this hub, or None for SQLite in `dir`.
    pub database: Option<String>,
    pub url: String,
    /// How a desk trusts this hub: its key pinned (TLS, the default), or
    /// plain HTTP on loopback.
    pub trust: citizen_desk::sync::client::HubTrust,
    child: Option<std::process::Child>,
    port: u16,
}

/// Which storage the hub under test uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty PostgreSQL database for one hub, from the server named
/// by `CITIZEN_DESK_TEST_POSTGRES` (an admin URL; `.ci/run` starts the
/// server and sets it). Without it: a failure under CI, a loud skip
/// elsewhere.
pub fn fresh_postgres_database() -> Option<String> {
    let Ok(admin_url) = std::env::var("CITIZEN_DESK_TEST_POSTGRES") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CITIZEN_DESK_TEST_POSTGRES is not set: .ci/run must start PostgreSQL");
        }
        say_skipped(
            "PostgreSQL hub test: set CITIZEN_DESK_TEST_POSTGRES=postgres://user:pass@host/db",
        );
        return None;
    };
    let mut client = postgres::Client::connect(&admin_url, postgres::NoTls).unwrap_or_else(|e| {
        panic!("cannot reach the test PostgreSQL at CITIZEN_DESK_TEST_POSTGRES: {e}")
    });
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).unwrap();
    let name = format!("hub_test_{}", hex::encode(bytes));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    // Same server and credentials, the new database.
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .unwrap_or(admin_url);
    Some(format!("{base}/{name}"))
}

impl Hub {
    /// A hub on the given backend; None when PostgreSQL is not available
    /// here (and this is not CI).
    pub fn start_with(dir: &Path, faults: &str, backend: Backend) -> Option<Hub> {
        match backend {
            Backend::Sqlite => Some(Hub::start_on(dir, faults, None)),
            Backend::Postgres => {
                let db = fresh_postgres_database()?;
                Some(Hub::start_on(dir, faults, Some(db)))
            }
        }
    }

    /// A hub over TLS with a fresh self-signed key (`hub tls init`), as
    /// the operator sets one up; desks pin its fingerprint.
    pub fn start_on(dir: &Path, faults: &str, database: Option<String>) -> Hub {
        let mut hub = Hub::unstarted(dir, database);
        let out = hub.command(&["tls", "init"]);
        assert!(out.status.success(), "hub tls init: {out:?}");
        let printed = String::from_utf8_lossy(&out.stdout);
        let fingerprint = printed
            .lines()
            .find_map(|l| l.strip_prefix("fingerprint: "))
            .expect("hub tls init prints the fingerprint");
        hub.trust = citizen_desk::sync::client::HubTrust::Pin(
            citizen_desk::sync::client::Fingerprint::parse(fingerprint).unwrap(),
        );
        hub.spawn(faults);
        hub
    }

    /// A hub serving plain HTTP on loopback (`hub serve --plain`).
    pub fn start_plain(dir: &Path, faults: &str) -> Hub {
        let mut hub = Hub::unstarted(dir, None);
        hub.spawn(faults);
        hub
    }

    fn unstarted(dir: &Path, database: Option<String>) -> Hub {
        Hub {
            dir: dir.to_owned(),
            database,
            url: String::new(),
            trust: citizen_desk::sync::client::HubTrust::Loopback,
            child: None,
            port: 0,
        }
    }

    /// The hub process's id (to read its memory).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the hub runs").id()
    }

    /// The hub's `host:port`.
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The hub's fingerprint, as `enroll --fingerprint` takes it.
    pub fn fingerprint(&self) -> Option<String> {
        match &self.trust {
            citizen_desk::sync::client::HubTrust::Pin(f) => Some(f.to_string()),
            _ => None,
        }
    }

    fn spawn(&mut self, faults: &str) {
        let cmd = Command::new(env!("CARGO_BIN_EXE_citizen-desk"));
        self.spawn_with(cmd, faults);
    }

    /// Starts the hub under a descriptor limit (`ulimit -n`, soft and hard).
    pub fn restart_with_descriptors(&mut self, limit: u32) {
        self.kill();
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            &format!("ulimit -n {limit} && exec \"$0\" \"$@\""),
            env!("CARGO_BIN_EXE_citizen-desk"),
        ]);
        self.spawn_with(cmd, "");
    }

    fn spawn_with(&mut self, mut cmd: Command, faults: &str) {
        use std::io::BufRead;
        cmd.args(["hub", "--data-dir"]).arg(&self.dir);
        if let Some(db) = &self.database {
            cmd.args(["--database", db]);
        }
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{}", self.port)]);
        if self.trust == citizen_desk::sync::client::HubTrust::Loopback {
            cmd.arg("--plain");
        }
        cmd.env_remove("CITIZEN_DESK_DATA_DIR")
            .env_remove("CITIZEN_DESK_HUB_DATABASE")
            .env("CITIZEN_DESK_HUB_FAULTS", faults)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        // The port of a killed hub can linger briefly: retry the bind.
        for attempt in 0..50 {
            let mut child = cmd.spawn().expect("start the hub");
            let mut line = String::new();
            let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
            let _ = reader.read_line(&mut line);
            if let Some(url) = line.trim().strip_prefix("citizen-desk hub listening on ") {
                self.url = url.to_owned();
                self.port = url.rsplit(':').next().unwrap().parse().unwrap();
                // Keep draining its output so it never blocks on a pipe.
                std::thread::spawn(move || for _ in reader.lines() {});
                self.child = Some(child);
                return;
            }
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(std::time::Duration::from_millis(20 * (attempt + 1)));
        }
        panic!("the hub did not start");
    }

    /// `kill -9`, as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self, faults: &str) {
        self.kill();
        self.spawn(faults);
    }

    /// True if the process ended by itself (an injected crash).
    pub fn has_died(&mut self) -> bool {
        match self.child.as_mut() {
            Some(c) => c.try_wait().map(|s| s.is_some()).unwrap_or(true),
            None => false,
        }
    }

    /// A hub command against this hub's data (status, demo, codes…).
    pub fn command(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_citizen-desk"));
        cmd.args(["hub", "--data-dir"]).arg(&self.dir);
        if let Some(db) = &self.database {
            cmd.args(["--database", db]);
        }
        cmd.args(args)
            .env_remove("CITIZEN_DESK_DATA_DIR")
            .env_remove("CITIZEN_DESK_HUB_DATABASE")
            .env_remove("CITIZEN_DESK_LANG");
        cmd.output().unwrap()
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.kill();
        // A test's PostgreSQL database goes with it (best effort).
        if let (Some(db), Ok(admin)) = (&self.database, std::env::var("CITIZEN_DESK_TEST_POSTGRES"))
            && let Some((_, name)) = db.rsplit_once('/')
            && let Ok(mut c) = postgres::Client::connect(&admin, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

/// A real (non-demo) desk store: admin, one clerk, two supervisors.
pub fn plain_desk(dir: &Path, center: &str, desk: &str) -> Store {
    let mut store = Store::initialise(dir, center, desk, "admin", PIN).unwrap();
    let admin = store.sign_in("admin", PIN).unwrap();
    use citizen_desk::domain::Role;
    for (name, role) in [
        ("clerk1", Role::Clerk),
        ("sup1", Role::Supervisor),
        ("sup2", Role::Supervisor),
    ] {
        store.add_user(&admin, name, role, PIN).unwrap();
    }
    store
}
