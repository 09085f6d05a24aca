//! The real `citizen-desk` binary: what a clerk or an admin types.

use crate::common::*;
use serde_json::Value;
use std::process::{Command, Output};
use tempfile::TempDir;

fn demo_dir(n: u64, seed: u64) -> TempDir {
    let dir = TempDir::new().unwrap();
    let out = cli(
        dir.path(),
        &[
            "demo",
            "--requests",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--today",
            "2026-11-28",
        ],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    dir
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

fn sql_one(dir: &TempDir, sql: &str) -> String {
    let conn = rusqlite::Connection::open(dir.path().join("desk.sqlite3")).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn init_creates_store_and_admin_then_admin_adds_staff() {
    let dir = TempDir::new().unwrap();
    let out = cli(
        dir.path(),
        &["init", "--center", "DAM02", "--desk", "D07"],
        None,
        Some("12345\n"),
    );
    assert_eq!(exit_code(&out), 2, "a 5-digit PIN is refused");
    assert!(stderr(&out).contains("6"), "{}", stderr(&out));
    assert!(
        !dir.path().join("desk.sqlite3").exists(),
        "nothing is created on bad input"
    );

    let out = cli(
        dir.path(),
        &["init", "--center", "DAM02", "--desk", "D07"],
        None,
        Some("٢٤٦٨١٣\n"),
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let out = cli(
        dir.path(),
        &["init", "--center", "DAM02", "--desk", "D07"],
        None,
        Some("246813\n"),
    );
    assert_eq!(exit_code(&out), 1, "a second init is refused");

    // Admin PIN on the first stdin line, the new user's PIN on the second.
    let out = cli(
        dir.path(),
        &[
            "--user",
            "admin",
            "user",
            "add",
            "huda",
            "--role",
            "supervisor",
        ],
        None,
        Some("246813\n135792\n"),
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let out = cli(
        dir.path(),
        &["--user", "admin", "--json", "user", "list"],
        Some("246813"),
        None,
    );
    let users = json(&out);
    let names: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "huda"]);
    assert_eq!(users["schema_version"], 1);

    let out = cli(
        dir.path(),
        &["--user", "huda", "user", "add", "x", "--role", "admin"],
        Some("135792"),
        Some("111111\n"),
    );
    assert_eq!(exit_code(&out), 1, "a supervisor cannot add users");
    let err = stderr(&out);
    assert!(
        err.contains("غير مسموح") && err.contains("Not allowed"),
        "{err}"
    );
}

#[test]
fn demo_is_deterministic_and_prints_its_users() {
    let a = TempDir::new().unwrap();
    let out = cli(
        a.path(),
        &[
            "demo",
            "--requests",
            "300",
            "--seed",
            "9",
            "--today",
            "2026-11-28",
            "--lang",
            "en",
        ],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 0);
    let text = stdout(&out);
    for user in [
        "admin",
        "clerk1",
        "clerk2",
        "supervisor1",
        "supervisor2",
        "123456",
    ] {
        assert!(text.contains(user), "{text}");
    }
    let b = demo_dir(300, 9);
    let c = demo_dir(300, 10);
    let list = |dir: &TempDir| {
        let out = cli(
            dir.path(),
            &["--user", "clerk1", "--json", "requests", "--limit", "1000"],
            Some(PIN),
            None,
        );
        assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
        json(&out)["requests"].clone()
    };
    let (la, lb, lc) = (list(&a), list(&b), list(&c));
    assert_eq!(la.as_array().unwrap().len(), 300);
    assert_eq!(la, lb, "same seed and day, same data");
    assert_ne!(la, lc, "another seed, other data");
    // Every state of the lifecycle is present, and so are unpaid requests.
    let states: std::collections::BTreeSet<&str> = la
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 8, "{states:?}");
    assert!(
        la.as_array()
            .unwrap()
            .iter()
            .any(|r| r["payment"]["paid"] == false)
    );
    assert!(
        la.as_array()
            .unwrap()
            .iter()
            .any(|r| r["delivery"]["kind"] == "center")
    );
    assert!(
        la.as_array()
            .unwrap()
            .iter()
            .any(|r| r["delivery"]["kind"] == "address")
    );
    let out = cli(a.path(), &["demo", "--requests", "5"], None, None);
    assert_eq!(exit_code(&out), 1, "demo only into an empty store");
}

#[test]
fn lookup_accepts_arabic_indic_digits_and_explains_bad_ids() {
    let dir = demo_dir(200, 1);
    let nid = sql_one(
        &dir,
        "SELECT national_id FROM requests ORDER BY tracking_code LIMIT 1",
    );
    let arabic: String = nid
        .chars()
        .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    let spaced = format!("{} {}-{}", &arabic[..2 * 2], &arabic[4..8], &arabic[8..]);
    for input in [nid.as_str(), arabic.as_str(), spaced.as_str()] {
        let out = cli(
            dir.path(),
            &["--user", "clerk1", "--json", "lookup", input],
            Some(PIN),
            None,
        );
        assert_eq!(exit_code(&out), 0, "{input}: {}", stderr(&out));
        let v = json(&out);
        assert_eq!(v["schema_version"], 1);
        let reqs = v["requests"].as_array().unwrap();
        assert!(!reqs.is_empty());
        for r in reqs {
            assert_eq!(r["national_id"], Value::String(nid.clone()));
            assert!(r["id"].is_string() && r["tracking_code"].is_string());
            assert!(r["submitted_at"].as_str().unwrap().ends_with('Z'));
            let state = r["state"].as_str().unwrap();
            assert_eq!(state, state.to_lowercase());
        }
    }
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "lookup", "٠١٢٣٤"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("5 digits") && err.contains("١١ رقماً"), "{err}");
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "lookup", "0123456789X"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 2);
    assert!(stderr(&out).contains("\"X\""), "{}", stderr(&out));
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "lookup", "99999999999"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1, "not found");
    assert!(stderr(&out).contains("99999999999"));
}

#[test]
fn requests_are_found_by_id_or_tracking_code() {
    let dir = demo_dir(100, 2);
    let (id, tracking): (String, String) = {
        let conn = rusqlite::Connection::open(dir.path().join("desk.sqlite3")).unwrap();
        conn.query_row("SELECT id, tracking_code FROM requests LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
    };
    for reference in [id.as_str(), tracking.as_str(), &tracking.to_lowercase()] {
        let out = cli(
            dir.path(),
            &["--user", "clerk2", "--json", "show", reference],
            Some(PIN),
            None,
        );
        assert_eq!(exit_code(&out), 0, "{reference}: {}", stderr(&out));
        assert_eq!(json(&out)["request"]["id"], Value::String(id.clone()));
    }
    let out = cli(
        dir.path(),
        &["--user", "clerk2", "show", "RR000000000XX"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1);
}

/// `stamp A B C`: one PIN for several requests; each is judged alone, the
/// refused one said in both languages, and the exit code tells.
#[test]
fn a_supervisor_stamps_several_requests_with_one_pin() {
    let dir = demo_dir(300, 3);
    let codes: Vec<String> = (0..3)
        .map(|i| {
            sql_one(
                &dir,
                &format!(
                    "SELECT tracking_code FROM requests WHERE state = 'received' AND paid = 1
                     AND stamps_required = 2 ORDER BY tracking_code LIMIT 1 OFFSET {i}"
                ),
            )
        })
        .collect();
    for t in &codes {
        let out = cli(
            dir.path(),
            &["--user", "clerk1", "verify", t],
            Some(PIN),
            None,
        );
        assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    }
    let out = cli(
        dir.path(),
        &["--user", "supervisor1", "stamp", &codes[1]],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let mut args = vec!["--user", "supervisor1", "--json", "stamp"];
    args.extend(codes.iter().map(String::as_str));
    let out = cli(dir.path(), &args, Some(PIN), None);
    assert_eq!(exit_code(&out), 1, "one of three was refused");
    let rows = json(&out)["stamped"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["request"]["stamps_applied"], 1);
    assert!(
        rows[1]["error"].as_str().unwrap().contains("already"),
        "{}",
        rows[1]
    );
    assert_eq!(rows[2]["request"]["stamps_applied"], 1);
    // In words: the refused one on standard error, in both languages.
    let out = cli(
        dir.path(),
        &["--user", "supervisor1", "stamp", &codes[0], &codes[2]],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains(&codes[0]) && err.contains(&codes[2]), "{err}");
    assert!(err.contains("ختم هذا الطلب مسبقاً"), "{err}");
}

#[test]
fn the_whole_desk_flow_with_refusals_and_exit_codes() {
    let dir = demo_dir(300, 3);
    let code_of = |cond: &str| {
        sql_one(
            &dir,
            &format!(
                "SELECT tracking_code FROM requests WHERE {cond} ORDER BY tracking_code LIMIT 1"
            ),
        )
    };
    let t = code_of("state = 'received' AND stamps_required = 2");
    let run = |user: &str, args: &[&str]| {
        let mut all = vec!["--user", user, "--json"];
        all.extend_from_slice(args);
        cli(dir.path(), &all, Some(PIN), None)
    };
    let out = run("supervisor1", &["verify", &t]);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["request"]["state"], "verified");
    let out = run("supervisor1", &["stamp", &t]);
    assert_eq!(exit_code(&out), 1, "two-person rule");
    assert!(stderr(&out).contains("قاعدة الشخصين") && stderr(&out).contains("Two-person rule"));
    let out = run("clerk1", &["stamp", &t]);
    assert_eq!(exit_code(&out), 1);
    let out = run("supervisor2", &["stamp", &t]);
    assert_eq!(json(&out)["request"]["stamps_applied"], 1);
    assert_eq!(json(&out)["request"]["state"], "verified");
    let out = run("clerk1", &["reject", &t, "--reason", ""]);
    assert_eq!(exit_code(&out), 1, "{}", stderr(&out));
    let out = run(
        "supervisor2",
        &["cancel", &t, "--reason", "بناءً على طلب المواطن"],
    );
    assert_eq!(json(&out)["request"]["state"], "cancelled");
    let out = run("clerk1", &["verify", &t]);
    assert_eq!(exit_code(&out), 1, "closed requests stay closed");

    let out = run("clerk1", &["requests", "--state", "nonsense"]);
    assert_eq!(exit_code(&out), 2);
    let out = run(
        "clerk1",
        &["requests", "--state", "cancelled", "--limit", "1000"],
    );
    assert!(
        json(&out)["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["tracking_code"] == Value::String(t.clone()))
    );
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "requests"],
        Some("000000"),
        None,
    );
    assert_eq!(exit_code(&out), 1);
    assert!(stderr(&out).contains("Wrong PIN"));
    let out = cli(dir.path(), &["requests"], Some(PIN), None);
    assert_eq!(exit_code(&out), 2, "no --user");
    let out = cli(dir.path(), &["frobnicate"], None, None);
    assert_eq!(exit_code(&out), 2);

    let out = cli(dir.path(), &["--json", "audit", "verify"], None, None);
    assert_eq!(exit_code(&out), 0);
    assert_eq!(json(&out)["intact"], true);
}

/// A value the command line does not know is a usage error (exit 2) in
/// clap's words, never quietly taken as something else.
#[test]
fn unknown_languages_and_digits_are_refused_not_guessed() {
    let dir = demo_dir(20, 5);
    for args in [
        &["--lang", "fr", "services"][..],
        &["--lang", "", "services"][..],
    ] {
        let out = cli(dir.path(), args, None, None);
        assert_eq!(exit_code(&out), 2, "{args:?}: {}", stdout(&out));
        assert!(stderr(&out).contains("--lang"), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    // Nor does the desk app take an unknown language from the environment:
    // the command line refuses it (2) before any window (3 without one).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
        .env("CITIZEN_DESK_LANG", "fr")
        .env("CITIZEN_DESK_DATA_DIR", dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(exit_code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("--lang"), "{}", stderr(&out));
    let out = cli(dir.path(), &["--lang", "en", "services"], None, None);
    assert_eq!(exit_code(&out), 0);
    assert!(
        stdout(&out).contains("Civil registry extract"),
        "{}",
        stdout(&out)
    );
    let code = sql_one(&dir, "SELECT tracking_code FROM requests LIMIT 1");
    let pdf = dir.path().join("x.pdf");
    for digits in [
        &["--digits", "roman"][..],
        &["--digits", "latin", "--arabic-digits"][..],
    ] {
        let mut args = vec!["--user", "clerk1", "render", &code, "--out"];
        args.push(pdf.to_str().unwrap());
        args.extend_from_slice(digits);
        let out = cli(dir.path(), &args, Some(PIN), None);
        assert_eq!(exit_code(&out), 2, "{digits:?}");
        assert!(!pdf.exists());
    }
    let mut args = vec!["--user", "clerk1", "render", &code, "--out"];
    args.push(pdf.to_str().unwrap());
    args.extend_from_slice(&["--digits", "arabic-indic"]);
    let out = cli(dir.path(), &args, Some(PIN), None);
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert!(pdf.exists());
}

/// Reading the audit log is for supervisors and admins, and is itself
/// in the log (it names citizens).
#[test]
fn audit_tail_is_role_checked_and_audited() {
    let dir = demo_dir(20, 6);
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "audit", "tail"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1);
    assert!(
        stderr(&out).contains("read the audit log"),
        "{}",
        stderr(&out)
    );
    let rows_before: i64 = sql_one(&dir, "SELECT CAST(count(*) AS TEXT) FROM audit")
        .parse()
        .unwrap();
    let out = cli(
        dir.path(),
        &[
            "--user",
            "supervisor1",
            "--json",
            "audit",
            "tail",
            "--limit",
            "3",
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["entries"].as_array().unwrap().len(), 3);
    let last = sql_one(
        &dir,
        "SELECT actor || ' ' || action FROM audit ORDER BY seq DESC LIMIT 1",
    );
    assert_eq!(last, "supervisor1 audit_tail");
    let rows_after: i64 = sql_one(&dir, "SELECT CAST(count(*) AS TEXT) FROM audit")
        .parse()
        .unwrap();
    // The sign-in and the read.
    assert_eq!(rows_after - rows_before, 2);
}

#[test]
fn audit_verify_reports_tampering_with_exit_1() {
    let dir = demo_dir(30, 4);
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "requests"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0);
    {
        let conn = rusqlite::Connection::open(dir.path().join("desk.sqlite3")).unwrap();
        conn.execute_batch("DROP TRIGGER audit_is_append_only_update; UPDATE audit SET actor = 'nobody' WHERE seq = 2;").unwrap();
    }
    let out = cli(dir.path(), &["--lang", "en", "audit", "verify"], None, None);
    assert_eq!(exit_code(&out), 1);
    assert!(
        stdout(&out).contains("BROKEN at entry 2"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn missing_store_is_explained_with_its_path() {
    let dir = TempDir::new().unwrap();
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "lookup", "01234567890"],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1);
    let err = stderr(&out);
    assert!(
        err.contains(&dir.path().display().to_string()) && err.contains("citizen-desk init"),
        "{err}"
    );
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = demo_dir(50, 5);
    let file = dir.path().join("backup-1.sqlite3");
    let f = file.to_str().unwrap();
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "backup", f],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 1, "backups are for admins");
    let out = cli(
        dir.path(),
        &["--user", "admin", "backup", f],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let t = sql_one(
        &dir,
        "SELECT tracking_code FROM requests WHERE state = 'received' LIMIT 1",
    );
    let out = cli(
        dir.path(),
        &["--user", "clerk1", "verify", &t],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0);
    // Encrypted: no key, no restore; a wrong one neither.
    let out = cli(
        dir.path(),
        &["--user", "admin", "restore", f],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("recovery key"), "{}", stderr(&out));
    let key_file = dir.path().join("recovery.txt");
    std::fs::write(&key_file, format!("{DEMO_RECOVERY_KEY}\n")).unwrap();
    let out = cli(
        dir.path(),
        &[
            "--user",
            "admin",
            "--json",
            "restore",
            f,
            "--key-file",
            key_file.to_str().unwrap(),
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["encrypted"], true);
    assert!(json(&out)["replaced_kept_at"].is_string());
    let state = sql_one(
        &dir,
        &format!("SELECT state FROM requests WHERE tracking_code = '{t}'"),
    );
    assert_eq!(state, "received");
    let out = cli(
        dir.path(),
        &["--user", "admin", "restore", "/no/such/file.sqlite3"],
        Some(PIN),
        None,
    );
    assert_ne!(exit_code(&out), 0);
}

#[test]
fn a_killed_demo_leaves_a_consistent_store() {
    let dir = TempDir::new().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["demo", "--requests", "400000"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the store exists and the bulk load is under way, then kill -9.
    let path = dir.path().join("desk.sqlite3");
    for _ in 0..200 {
        if path.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(700));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    let out = cli(dir.path(), &["--json", "info"], None, None);
    if status.success() {
        eprintln!("note: the demo finished before it could be killed; checking the finished store");
    }
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let total: u64 = json(&out)["by_state"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert!(
        total == 0 || total == 400_000,
        "all or nothing, got {total}"
    );
    let out = cli(dir.path(), &["audit", "verify"], None, None);
    assert_eq!(exit_code(&out), 0, "{}", stdout(&out));
}

#[test]
fn the_desk_app_without_a_screen_says_so_and_exits_3() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"));
    cmd.arg("--data-dir")
        .arg(dir.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CITIZEN_DESK_DATA_DIR");
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("no screen to open the desk window"), "{err}");
    assert!(err.contains("لا توجد شاشة"), "{err}");
    // A display that cannot be opened is a sentence too, never a panic.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
        .arg("--data-dir")
        .arg(dir.path())
        .env("DISPLAY", ":4242")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CITIZEN_DESK_DATA_DIR")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("could not be opened"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Every file and folder under `root` (the folder itself aside): its path
/// and mode, for those not private to their owner.
#[cfg(unix)]
fn not_private(root: &std::path::Path) -> Vec<(std::path::PathBuf, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        let want = if meta.is_dir() { 0o700 } else { 0o600 };
        if mode != want {
            found.push((path.clone(), mode));
        }
        if meta.is_dir() {
            found.extend(not_private(&path));
        }
    }
    found
}

#[cfg(unix)]
#[test]
fn every_file_the_program_writes_is_its_owners_only() {
    let dir = demo_dir(60, 7);
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Opened wide on purpose: what the program writes in it must still be
    // private (its own umask, not the caller's).
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = |name: &str| out.join(name).to_str().unwrap().to_owned();
    let received = sql_one(
        &dir,
        "SELECT tracking_code FROM requests WHERE state = 'received' LIMIT 1",
    );
    let approved = sql_one(
        &dir,
        "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 LIMIT 1",
    );
    for args in [
        vec![
            "--user",
            "clerk1",
            "render",
            &received,
            "--out",
            &path("draft.pdf"),
        ],
        vec![
            "--user",
            "clerk1",
            "print",
            &approved,
            "--pdf",
            &path("original.pdf"),
        ],
        vec![
            "--user",
            "clerk1",
            "envelope",
            &approved,
            "--out",
            &path("label.pdf"),
        ],
        vec![
            "--user",
            "clerk1",
            "dispatch",
            "--out",
            &path("manifest.pdf"),
        ],
        vec!["--user", "admin", "trust", "export", &path("trust.json")],
        vec!["--user", "admin", "backup", &path("backup.sqlite3")],
    ] {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(&args)
            .env("CITIZEN_DESK_PIN", PIN)
            .env_remove("CITIZEN_DESK_DATA_DIR")
            // The caller's mask lets everyone read; ours does not.
            .output_with_umask(0o022);
        assert!(run.status.success(), "{args:?}: {}", stderr(&run));
    }
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 6);
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    assert_eq!(not_private(dir.path()), Vec::new());
}

/// Runs a command with the given umask (as a shell started by a user
/// with that mask would), collecting its output.
#[cfg(unix)]
trait WithUmask {
    fn output_with_umask(&mut self, mask: u32) -> std::process::Output;
}

#[cfg(unix)]
impl WithUmask for std::process::Command {
    fn output_with_umask(&mut self, mask: u32) -> std::process::Output {
        use std::os::unix::process::CommandExt;
        // SAFETY: umask is async-signal-safe and only sets the child's mask.
        unsafe {
            self.pre_exec(move || {
                libc::umask(mask as libc::mode_t);
                Ok(())
            });
        }
        self.output().unwrap()
    }
}

#[test]
fn audit_verify_fails_when_the_append_only_guards_are_gone() {
    let dir = demo_dir(20, 8);
    let verify = || cli(dir.path(), &["--lang", "en", "audit", "verify"], None, None);
    let out = verify();
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let store = rusqlite::Connection::open(dir.path().join("desk.sqlite3")).unwrap();
    // Dropped (what a rewrite of the log needs first): the chain itself
    // still links, but the log is not guarded.
    store
        .execute_batch("DROP TRIGGER audit_is_append_only_update;")
        .unwrap();
    let out = verify();
    assert_eq!(exit_code(&out), 1);
    assert!(
        stdout(&out).contains("UNGUARDED") && stdout(&out).contains("audit_is_append_only_update"),
        "{}",
        stdout(&out)
    );
    // Put back under its own name, but doing nothing: still refused.
    store
        .execute_batch(
            "CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit BEGIN SELECT 1; END;",
        )
        .unwrap();
    assert_eq!(exit_code(&verify()), 1);
    let json = cli(dir.path(), &["--json", "audit", "verify"], None, None);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["guarded"], false);
    assert_eq!(report["intact"], true);
    // Restored as the schema makes it: sound again.
    store
        .execute_batch(
            "DROP TRIGGER audit_is_append_only_update;
             CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
             BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
        )
        .unwrap();
    assert_eq!(exit_code(&verify()), 0);
}

/// Where the OS has a credential store (here a real Secret Service:
/// gnome-keyring on its own D-Bus session), the desk key lives there and
/// no desk key file is written. A later process, in another session,
/// opens the key files through it; with no credential store reachable the
/// desk refuses in words rather than make a second desk key.
#[test]
fn the_desk_key_lives_in_the_os_credential_store_when_there_is_one() {
    let (Some(_), Some(_)) = (tool("dbus-run-session"), tool("gnome-keyring-daemon")) else {
        return;
    };
    let home = TempDir::new().unwrap();
    let data = home.path().join("data");
    let bin = env!("CARGO_BIN_EXE_citizen-desk");
    // Each run: a session bus, the keyring unlocked with its password
    // (made on the first run), then the desk's commands.
    let in_session = |commands: &str| -> Output {
        let script = format!(
            "echo -n desk-test | gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null 2>&1\n\
             sleep 0.5\n{commands}"
        );
        Command::new("dbus-run-session")
            .args(["--", "sh", "-ec", &script])
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("CITIZEN_DESK_KEY_DIR")
            .env_remove("CITIZEN_DESK_KEY_STORE")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("CITIZEN_DESK_PIN", PIN)
            .env("BIN", bin)
            .env("DATA", &data)
            .output()
            .unwrap()
    };
    let out = in_session("\"$BIN\" --data-dir \"$DATA\" demo --requests 30 >/dev/null");
    assert!(out.status.success(), "{}", stderr(&out));
    let key_files = home.path().join(".config/citizen-desk/desk-keys");
    assert!(
        !key_files.exists() || std::fs::read_dir(&key_files).unwrap().count() == 0,
        "no desk key file when a credential store answers"
    );
    assert!(data.join("keys/desk-key-in-credential-store").exists());
    let code: String = rusqlite::Connection::open(data.join("desk.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();

    // Another session: the center key opens through the credential store.
    let out = in_session(&format!(
        "\"$BIN\" --data-dir \"$DATA\" --lang en info\n\
         \"$BIN\" --data-dir \"$DATA\" --user clerk1 seal make --qr \"$DATA/q.png\" {code} >/dev/null"
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("OS credential store"),
        "{}",
        stdout(&out)
    );

    // No credential store reachable: refused, and no second key made.
    let out = Command::new(bin)
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "--user",
            "clerk1",
            "seal",
            "make",
        ])
        .args(["--qr", data.join("q2.png").to_str().unwrap(), &code])
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("CITIZEN_DESK_KEY_DIR")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("CITIZEN_DESK_PIN", PIN)
        .output()
        .unwrap();
    assert_ne!(exit_code(&out), 0);
    assert!(
        stderr(&out).contains("credential store"),
        "{}",
        stderr(&out)
    );
    assert!(!key_files.exists() || std::fs::read_dir(&key_files).unwrap().count() == 0);
}
