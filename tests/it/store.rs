//! The store file itself: migrations, refusals of newer or damaged files,
//! the audit chain, a full disk, backup and restore.

use std::path::Path;

use crate::common::*;
use citizen_desk::Error;
use citizen_desk::domain::{NationalId, State};
use citizen_desk::i18n::Lang;
use citizen_desk::store::{self, RequestRef, Store, schema};
use rusqlite::Connection;
use tempfile::TempDir;

fn fixture_path(version: i64) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-v{version}.sql"))
}

/// Builds a store file of an old version from its committed SQL dump.
fn store_from_fixture(version: i64) -> TempDir {
    let dir = TempDir::new().unwrap();
    let sql = std::fs::read_to_string(fixture_path(version)).unwrap();
    let conn = Connection::open(Store::path_in(dir.path())).unwrap();
    conn.execute_batch(&sql).unwrap();
    drop(conn);
    dir
}

#[test]
fn every_released_schema_version_upgrades_and_keeps_its_data() {
    let latest = schema::latest_version();
    assert!(latest >= 1);
    for version in 1..=latest {
        assert!(
            fixture_path(version).exists(),
            "add tests/fixtures/schema-v{version}.sql for the new schema version"
        );
        let dir = store_from_fixture(version);
        assert_eq!(
            store::schema_version_of(&Store::path_in(dir.path())).unwrap(),
            version
        );
        let mut store = Store::open(dir.path()).unwrap();
        assert_eq!(store::schema_version_of(store.path()).unwrap(), latest);
        assert_eq!(store.center(), "TRT01");
        // The old data is all there and still works with today's code.
        assert_eq!(count(&store, "SELECT count(*) FROM requests"), 12);
        // A demo store's stand-in hub signs its payments at the upgrade.
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM requests WHERE payment_page IS NULL"
            ),
            0
        );
        assert!(store.verify_audit_chain().unwrap().first_broken.is_none());
        // Envelopes made before v4 are the desk's own: still dispatchable.
        let enveloped = count(
            &store,
            "SELECT count(*) FROM requests WHERE state = 'enveloped'",
        );
        assert!(enveloped > 0, "the fixture has envelopes");
        assert_eq!(store.envelopes_held().unwrap(), enveloped as u64);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let nid: String = store
            .connection()
            .query_row("SELECT national_id FROM requests LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert!(
            !store
                .lookup(&clerk, &NationalId::parse(&nid).unwrap())
                .unwrap()
                .is_empty()
        );
        let code = find(&store, "state IN ('received', 'verified', 'approved')");
        let reference = RequestRef::parse(&code).unwrap();
        assert_eq!(
            store
                .reject(&clerk, &reference, "اختبار الترقية")
                .unwrap()
                .state,
            State::Rejected
        );
        assert!(store.verify_audit_chain().unwrap().first_broken.is_none());
    }
}

/// Upgrading to v4 decides whose envelopes a store holds: a desk enrolled
/// with a hub may have pulled other desks' envelopes, so only those its
/// own audit log shows it made stay in its hand-over tray (none, for the
/// fixture's demo-made ones); the same store never enrolled keeps them all.
#[test]
fn upgrading_an_enrolled_desk_keeps_only_the_envelopes_it_made() {
    let dir = store_from_fixture(3);
    let conn = Connection::open(Store::path_in(dir.path())).unwrap();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('hub_token', 'token-from-enrolment')",
        [],
    )
    .unwrap();
    drop(conn);
    let store = Store::open(dir.path()).unwrap();
    assert!(
        count(
            &store,
            "SELECT count(*) FROM requests WHERE state = 'enveloped'"
        ) > 0
    );
    assert_eq!(store.envelopes_held().unwrap(), 0);
}

#[test]
fn a_store_from_a_newer_version_is_refused_untouched() {
    let (dir, store) = demo_store(5);
    store
        .connection()
        .execute_batch(&format!(
            "PRAGMA user_version = {}",
            schema::latest_version() + 1
        ))
        .unwrap();
    drop(store);
    let before = std::fs::read(Store::path_in(dir.path())).unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, Error::NewerSchema { .. }), "{err:?}");
    let msg = err.message().bilingual();
    assert!(msg.contains("newer") && msg.contains("أحدث"), "{msg}");
    assert_eq!(std::fs::read(Store::path_in(dir.path())).unwrap(), before);
}

#[test]
fn a_damaged_file_is_reported_with_its_path_and_never_overwritten() {
    let dir = TempDir::new().unwrap();
    let path = Store::path_in(dir.path());
    std::fs::write(&path, b"this is not a database, it is a shopping list").unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    match &err {
        Error::Corrupt { path: p, .. } => assert_eq!(p, &path),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(
        err.message()
            .text(citizen_desk::i18n::Lang::En)
            .contains(&path.display().to_string())
    );
    // Creating a store there is refused too: the damaged file stays for recovery.
    assert!(matches!(
        Store::create(dir.path(), "TRT01", "D01", false),
        Err(Error::AlreadyInitialised(_))
    ));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not a database, it is a shopping list"
    );

    // A real store with its pages scrambled past the header.
    let (dir2, store) = demo_store(200);
    drop(store);
    let path2 = Store::path_in(dir2.path());
    let mut bytes = std::fs::read(&path2).unwrap();
    for b in bytes.iter_mut().skip(100).take(8192) {
        *b = 0xA5;
    }
    std::fs::write(&path2, &bytes).unwrap();
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path2.display()));
    }
    let result = Store::open(dir2.path()).and_then(|s| s.integrity_check());
    match result {
        Err(Error::Corrupt { path: p, .. }) => assert_eq!(p, path2),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path2).unwrap(), bytes);
}

#[test]
fn a_foreign_sqlite_file_is_not_taken_over() {
    let dir = TempDir::new().unwrap();
    let path = Store::path_in(dir.path());
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE recipes (name TEXT)")
        .unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err:?}");
    let tables: i64 = Connection::open(&path)
        .unwrap()
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1, "no tables were added to someone else's file");
}

#[test]
fn audit_verify_finds_the_first_edited_or_deleted_row() {
    let (_dir, mut store) = demo_store(50);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    for _ in 0..3 {
        let code = find(&store, "state = 'received'");
        store
            .verify(&clerk, &RequestRef::parse(&code).unwrap())
            .unwrap();
    }
    let report = store.verify_audit_chain().unwrap();
    assert!(report.first_broken.is_none());
    assert!(report.rows >= 10);
    assert_eq!(report.head, store.audit_head().unwrap());

    // The triggers refuse edits through SQL...
    let conn = store.connection();
    assert!(
        conn.execute("UPDATE audit SET actor = 'someone' WHERE seq = 4", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM audit WHERE seq = 4", []).is_err());
    // ...and if someone drops them, the chain still tells.
    conn.execute_batch(
        "DROP TRIGGER audit_is_append_only_update; DROP TRIGGER audit_is_append_only_delete;",
    )
    .unwrap();
    conn.execute(
        "UPDATE audit SET detail = 'nothing happened' WHERE seq = 7",
        [],
    )
    .unwrap();
    let report = store.verify_audit_chain().unwrap();
    assert_eq!(
        report.first_broken.as_ref().map(|b| b.0),
        Some(7),
        "{report:?}"
    );

    let (_dir2, store2) = demo_store(20);
    let conn = store2.connection();
    conn.execute_batch("DROP TRIGGER audit_is_append_only_delete;")
        .unwrap();
    conn.execute("DELETE FROM audit WHERE seq = 3", []).unwrap();
    let report = store2.verify_audit_chain().unwrap();
    assert_eq!(
        report.first_broken.as_ref().map(|b| b.0),
        Some(4),
        "{report:?}"
    );
}

#[test]
fn a_full_disk_loses_nothing() {
    let (_dir, mut store) = demo_store(300);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let code = find(&store, "state = 'received'");
    let audit_rows = count(&store, "SELECT count(*) FROM audit");
    // SQLite's page limit produces the very SQLITE_FULL a full disk does.
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .connection()
        .execute_batch(&format!("PRAGMA max_page_count = {}", pages + 3))
        .unwrap();
    let mut failed_on = None;
    // Fill the last free pages until a change no longer fits.
    for _ in 0..500 {
        let next = find(&store, "state = 'received'");
        match store.verify(&clerk, &RequestRef::parse(&next).unwrap()) {
            Ok(_) => continue,
            Err(Error::DiskFull(_)) => {
                failed_on = Some(next);
                break;
            }
            Err(other) => panic!("expected DiskFull, got {other:?}"),
        }
    }
    let failed = failed_on.expect("the page limit was never reached");
    let msg = Error::DiskFull("x".into()).message().bilingual();
    assert!(msg.contains("full") && msg.contains("ممتلئ"));
    // What was committed is whole; what failed left no trace anywhere.
    assert_eq!(state_of(&store, &failed).0, State::Received);
    assert!(store.verify_audit_chain().unwrap().first_broken.is_none());
    let changes = count(&store, "SELECT count(*) FROM outbox");
    assert!(changes >= 1);
    assert_eq!(
        count(&store, "SELECT count(*) FROM audit") - audit_rows,
        changes
    );
    // Once space is back the same action goes through.
    store
        .connection()
        .execute_batch("PRAGMA max_page_count = 1073741823")
        .unwrap();
    assert_eq!(
        store
            .verify(&clerk, &RequestRef::parse(&failed).unwrap())
            .unwrap()
            .state,
        State::Verified
    );
    assert_eq!(state_of(&store, &code).0, State::Verified);
    store.integrity_check().unwrap();
}

#[test]
fn backup_is_checked_and_restore_keeps_the_replaced_store() {
    let (dir, mut store) = demo_store(120);
    let admin = store.sign_in("admin", PIN).unwrap();
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let backups = TempDir::new().unwrap();
    let file = backups.path().join("desk-backup.sqlite3");
    assert!(matches!(
        store.backup_to(&clerk, &file),
        Err(Error::Forbidden { .. })
    ));
    store.backup_to(&admin, &file).unwrap();
    assert!(store::backup_is_encrypted(&file).unwrap());
    assert!(!backups.path().join("desk-backup.sqlite3.partial").exists());

    // Work done after the backup...
    let code = find(&store, "state = 'received'");
    store
        .verify(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    assert_eq!(state_of(&store, &code).0, State::Verified);

    // ...is rolled back by a restore, and the replaced store is kept aside.
    let report = store::restore(
        dir.path(),
        &file,
        Some((&mut store, &admin)),
        Some(DEMO_RECOVERY_KEY),
    )
    .unwrap();
    drop(store);
    let kept = report.replaced_kept_at.unwrap();
    assert!(kept.exists());
    let restored = Store::open(dir.path()).unwrap();
    assert_eq!(state_of(&restored, &code).0, State::Received);
    assert!(
        restored
            .verify_audit_chain()
            .unwrap()
            .first_broken
            .is_none()
    );
    let aside: String = Connection::open(&kept)
        .unwrap()
        .query_row(
            "SELECT state FROM requests WHERE tracking_code = ?1",
            [&code],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        aside, "verified",
        "the replaced store keeps the work done after the backup"
    );

    // A broken backup is refused before anything is touched.
    let bad = backups.path().join("bad.sqlite3");
    std::fs::write(&bad, b"SQLite format 3\0garbage garbage garbage").unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let admin = store.sign_in("admin", PIN).unwrap();
    assert!(
        store::restore(
            dir.path(),
            &bad,
            Some((&mut store, &admin)),
            Some(DEMO_RECOVERY_KEY)
        )
        .is_err()
    );
    assert_eq!(state_of(&store, &code).0, State::Received);

    // On a new machine (no store yet) a restore needs no sign-in.
    let fresh = TempDir::new().unwrap();
    store::restore(fresh.path(), &file, None, Some(DEMO_RECOVERY_KEY)).unwrap();
    assert_eq!(
        count(
            &Store::open(fresh.path()).unwrap(),
            "SELECT count(*) FROM requests"
        ),
        120
    );
}

/// The full name printed on documents is an admin's to set: a clerk is
/// refused, a bad name or an unknown user is a clear error, spaces are
/// tidied, the change is audited, and a supervisor's stamp key stays (a
/// new name is not a new PIN).
#[test]
fn an_admin_sets_full_names_and_a_supervisor_keeps_the_stamp_key() {
    let (_dir, mut store) = demo_store(5);
    let admin = store.sign_in("admin", PIN).unwrap();
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    assert!(matches!(
        store.set_full_name(&clerk, "clerk2", "وسيم القاسم"),
        Err(Error::Forbidden { .. })
    ));
    assert!(matches!(
        store.set_full_name(&admin, "clerk2", "و"),
        Err(Error::BadInput(_))
    ));
    assert!(matches!(
        store.set_full_name(&admin, "clerk2", "DROP TABLE users;"),
        Err(Error::BadInput(_))
    ));
    assert!(matches!(
        store.set_full_name(&admin, "nobody", "وسيم القاسم"),
        Err(Error::UserNotFound(_))
    ));
    let live_keys = "SELECT count(*) FROM keys WHERE owner = 'supervisor1' AND role = 'supervisor' AND valid_to IS NULL";
    let before = count(&store, live_keys);
    assert_eq!(before, 1);
    store
        .set_full_name(&admin, "supervisor1", "  سامر   الحلبي ")
        .unwrap();
    assert_eq!(store.full_names().unwrap()["supervisor1"], "سامر الحلبي");
    assert_eq!(
        count(&store, live_keys),
        before,
        "a new name is not a new key"
    );
    let tail = store.audit_rows(1).unwrap();
    assert_eq!(
        (tail[0].action.as_str(), tail[0].subject.as_str()),
        ("user_full_name", "supervisor1")
    );
}

/// Forty desks' worth of guesses at once (forty processes on one store):
/// each attempt is counted before its PIN is checked, so no more than
/// five PINs are ever checked before the account locks.
#[test]
fn forty_parallel_wrong_pins_get_at_most_five_pin_checks() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("desk");
    drop(plain_desk(&dir, "TRT01", "D01"));
    let guesses: Vec<std::process::Child> = (0..40)
        .map(|i| {
            std::process::Command::new(env!("CARGO_BIN_EXE_citizen-desk"))
                .arg("--data-dir")
                .arg(&dir)
                .args(["--user", "clerk1", "requests", "--limit", "1"])
                .env_remove("CITIZEN_DESK_DATA_DIR")
                .env_remove("CITIZEN_DESK_USER")
                .env("CITIZEN_DESK_PIN", format!("{:06}", 900_000 + i))
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut g in guesses {
        assert_ne!(g.wait().unwrap().code(), Some(0), "a wrong PIN got in");
    }
    let store = Store::open(&dir).unwrap();
    let checked = count(
        &store,
        "SELECT count(*) FROM audit WHERE action = 'sign_in_failed' AND subject = 'clerk1'",
    );
    assert!((1..=5).contains(&checked), "{checked} PINs checked");
    let refused = count(
        &store,
        "SELECT count(*) FROM audit WHERE action = 'sign_in_refused' AND subject = 'clerk1'",
    );
    assert_eq!(checked + refused, 40);
    // Locked now: even the right PIN waits.
    let mut store = store;
    assert!(matches!(
        store.sign_in("clerk1", PIN),
        Err(Error::Locked { .. })
    ));
}

/// A store restored on another machine (here: another folder, whose desk
/// key is not the first one's) keeps working: the center key is made anew
/// and a supervisor's stamp key, locked with the old desk key, is renewed
/// at their next stamp once their PIN matches; a wrong PIN renews nothing.
#[test]
fn a_store_restored_elsewhere_renews_its_keys_and_keeps_stamping() {
    let (dir, mut store) = demo_store(80);
    let admin = store.sign_in("admin", PIN).unwrap();
    let backups = TempDir::new().unwrap();
    let file = backups.path().join("b.sqlite3");
    store.backup_to(&admin, &file).unwrap();
    drop(store);
    let other = TempDir::new().unwrap();
    store::restore(other.path(), &file, None, Some(DEMO_RECOVERY_KEY)).unwrap();
    let mut moved = Store::open(other.path()).unwrap();
    let code = find(
        &moved,
        "state = 'verified' AND paid = 1 \
         AND NOT EXISTS (SELECT 1 FROM stamps s WHERE s.request_id = requests.id)",
    );
    let sup = moved.sign_in("supervisor1", PIN).unwrap();
    let r = RequestRef::parse(&code).unwrap();
    assert!(matches!(
        moved.stamp(&sup, &r, "999999"),
        Err(Error::WrongPin { .. })
    ));
    let keys = "SELECT count(*) FROM keys WHERE owner = 'supervisor1' AND role = 'supervisor'";
    let before = count(&moved, keys);
    let req = moved.stamp(&sup, &r, PIN).unwrap();
    assert_eq!(req.stamps.len(), 1);
    assert_eq!(count(&moved, keys), before + 1, "a new stamp key");
    // Its signature verifies with the store's own trust list.
    let tail = moved.audit_rows(3).unwrap();
    assert!(
        tail.iter()
            .any(|e| e.action == "key_created" && e.detail.contains("renewed")),
        "{tail:?}"
    );
    drop(dir);
}

/// A backup is an age file: no citizen's name or national ID, no SQLite
/// header, no private key (the locked stamp keys stay behind) and no hub
/// token inside. It opens with the recovery key (or another recipient's
/// key) only: a wrong key, a cut file or no key is refused in words and
/// the current store keeps the work done since.
#[test]
fn a_backup_is_encrypted_key_free_and_opens_only_with_its_key() {
    let (dir, mut store) = demo_store(60);
    let admin = store.sign_in("admin", PIN).unwrap();
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    assert!(matches!(
        store.new_backup_key(&clerk),
        Err(Error::Forbidden { .. })
    ));
    // Another desk's key, added as a recipient (the ministry's, say).
    let (_other_dir, mut other) = demo_store(1);
    let other_admin = other.sign_in("admin", PIN).unwrap();
    let ministry = other.new_backup_key(&other_admin).unwrap();
    let stranger = other.new_backup_key(&other_admin).unwrap();
    store
        .add_backup_recipient(&admin, &ministry.recipient)
        .unwrap();
    assert!(store.add_backup_recipient(&admin, "age1nonsense").is_err());

    let (nid, family): (String, String) = store
        .connection()
        .query_row(
            "SELECT national_id, family_name FROM requests LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let backups = TempDir::new().unwrap();
    let file = backups.path().join("b.age");
    store.backup_to(&admin, &file).unwrap();
    let bytes = std::fs::read(&file).unwrap();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(!has(nid.as_bytes()), "a national ID in the backup");
    assert!(!has(family.as_bytes()), "a name in the backup");
    assert!(!has(b"SQLite format 3"));
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".partial"))
            .count(),
        0,
        "no plain scratch file is left"
    );

    // Work after the backup, which a refused restore must keep.
    let code = find(&store, "state = 'received' AND paid = 1");
    store
        .verify(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    let refused = |store: &mut Store, file: &std::path::Path, key: Option<&str>| -> String {
        let admin = store.sign_in("admin", PIN).unwrap();
        let err = store::restore(dir.path(), file, Some((store, &admin)), key).unwrap_err();
        assert!(!err.message().text(Lang::Ar).is_ascii());
        err.message().text(Lang::En)
    };
    let why = refused(&mut store, &file, Some(&stranger.secret));
    assert!(why.contains("does not open this backup"), "{why}");
    let why = refused(&mut store, &file, None);
    assert!(why.contains("is encrypted"), "{why}");
    let why = refused(&mut store, &file, Some("not a key"));
    assert!(why.contains("not a recovery key"), "{why}");
    let cut = backups.path().join("cut.age");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let why = refused(&mut store, &cut, Some(DEMO_RECOVERY_KEY));
    assert!(why.contains("damaged or cut short"), "{why}");
    assert_eq!(
        state_of(&store, &code).0,
        State::Verified,
        "the current store is kept"
    );

    // The ministry's key opens it on a new machine; nothing secret inside.
    let fresh = TempDir::new().unwrap();
    let report = store::restore(fresh.path(), &file, None, Some(&ministry.secret)).unwrap();
    assert!(report.encrypted);
    let restored = Store::open(fresh.path()).unwrap();
    assert_eq!(count(&restored, "SELECT count(*) FROM requests"), 60);
    assert_eq!(state_of(&restored, &code).0, State::Received);
    assert_eq!(
        count(
            &restored,
            "SELECT count(*) FROM keys WHERE secret IS NOT NULL"
        ),
        0,
        "no locked stamp key travels in a backup"
    );
    // And with the recovery key, in place of the current store.
    let admin = store.sign_in("admin", PIN).unwrap();
    store::restore(
        dir.path(),
        &file,
        Some((&mut store, &admin)),
        Some(DEMO_RECOVERY_KEY),
    )
    .unwrap();
    drop(store);
    assert_eq!(
        state_of(&Store::open(dir.path()).unwrap(), &code).0,
        State::Received
    );
}
