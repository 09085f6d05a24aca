//! Helpers shared by the integration tests: real stores in temporary
//! directories, and the real binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::NaiveDate;
use citizen_desk::demo::{DemoOptions, create_demo};
use citizen_desk::domain::State;
use citizen_desk::store::Store;
use tempfile::TempDir;

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

pub fn code(o: &Output) -> i32 {
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

/// Tells the person running the tests that a test was skipped.
pub fn say_skipped(why: &str) {
    say_loudly(&format!("\n*** SKIPPED: {why} ***\n"));
}

/// A line for the person running the tests, past the harness's output
/// capture (which would swallow eprintln!).
pub fn say_loudly(line: &str) {
    use std::io::Write as _;
    match std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .or_else(|_| std::fs::OpenOptions::new().write(true).open("/dev/stderr"))
    {
        Ok(mut f) => {
            let _ = f.write_all(line.as_bytes());
        }
        Err(_) => eprintln!("{line}"),
    }
}
