//! Backup and restore through SQLite's online backup API: a consistent copy
//! even while the desk is working, checked before it is trusted.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::users::Session;
use super::{Store, check_sqlite_header, create_private, integrity_check, meta_get, schema};
use crate::domain::Action;
use crate::error::{Error, Result};

#[derive(Clone, Debug, Serialize)]
pub struct RestoreReport {
    /// Where the replaced store was kept (none on a fresh machine).
    pub replaced_kept_at: Option<PathBuf>,
    pub schema_version: i64,
    pub center: String,
    pub desk: String,
    /// The restored store was enrolled with a hub: it must enrol again
    /// (backups carry no token).
    pub enrol_again: bool,
}

fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    dest.with_file_name(name)
}

/// Copies `src` into a new file at `dest` (via `dest.partial`, renamed only
/// once the copy passed its integrity check).
/// What ties a store to its hub and must not travel in a backup: the
/// desk's bearer token (whoever holds it pulls the center's citizens),
/// and with it the desk's id and the hub's pinned key. A restored desk
/// enrols again.
const HUB_LINK_KEYS: &str = "('hub_token', 'hub_trust', 'hub_desk_id', 'hub_audit_seq')";

/// Whether a copy keeps the hub link (a store kept aside on this disk)
/// or drops it (a backup, which leaves the machine).
#[derive(Clone, Copy, PartialEq, Eq)]
enum HubLinkIn {
    Keep,
    Drop,
}

fn copy_checked(src: &Connection, dest: &Path, link: HubLinkIn) -> Result<()> {
    let partial = partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        // Private from its first byte: a backup holds every citizen's data.
        create_private(&partial)?;
        let mut out = Connection::open(&partial)?;
        {
            let backup = rusqlite::backup::Backup::new(src, &mut out)?;
            backup.run_to_completion(1024, std::time::Duration::ZERO, None)?;
        }
        if link == HubLinkIn::Drop {
            // secure_delete overwrites the freed bytes, so the token is
            // not left in the file's free space either.
            out.execute_batch(&format!(
                "PRAGMA secure_delete = ON; DELETE FROM meta WHERE key IN {HUB_LINK_KEYS};"
            ))?;
        }
        integrity_check(&out, &partial)?;
        // A backup file must be self-contained: no WAL beside it.
        let _: String = out.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        drop(out);
        std::fs::rename(&partial, dest).map_err(|e| Error::io(dest, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Checks that a file is a whole, uncorrupted citizen-desk store this
/// version can use. Returns its schema version, center and desk.
pub fn check_store_file(path: &Path) -> Result<(i64, String, String)> {
    if !path.exists() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            detail: "no such file".into(),
        });
    }
    check_sqlite_header(path)?;
    let corrupt = |detail: String| Error::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    integrity_check(&conn, path)?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app_id != schema::APPLICATION_ID || version < 1 {
        return Err(corrupt(
            "an SQLite file, but not a citizen-desk store".into(),
        ));
    }
    if version > schema::latest_version() {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: schema::latest_version(),
        });
    }
    let center = meta_get(&conn, "center")?.ok_or_else(|| corrupt("no center recorded".into()))?;
    let desk = meta_get(&conn, "desk")?.ok_or_else(|| corrupt("no desk recorded".into()))?;
    Ok((version, center, desk))
}

impl Store {
    /// `citizen-desk backup FILE` (admin).
    pub fn backup_to(&mut self, session: &Session, dest: &Path) -> Result<()> {
        self.authorise(session, Action::Backup, &dest.display().to_string())?;
        copy_checked(&self.conn, dest, HubLinkIn::Drop)?;
        let now = self.now();
        self.audit_only(
            now,
            session.name(),
            "backup",
            &dest.display().to_string(),
            "integrity ok",
        )
    }
}

/// Replaces the store in `data_dir` with the backup at `source`.
///
/// The backup is checked first (integrity, schema version, that it is a
/// citizen-desk store). An existing store is only replaced by an admin of
/// that store, and is kept aside as `desk.sqlite3.replaced-<time>`.
pub fn restore(
    data_dir: &Path,
    source: &Path,
    admin: Option<(&mut Store, &Session)>,
) -> Result<RestoreReport> {
    let (version, center, desk) = check_store_file(source)?;
    let actor = admin
        .as_ref()
        .map(|(_, s)| s.name().to_owned())
        .unwrap_or_else(|| "restore".to_owned());
    let target = Store::path_in(data_dir);
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut kept = None;
    match admin {
        Some((store, session)) => {
            store.authorise(session, Action::Restore, &source.display().to_string())?;
            let aside = target.with_file_name(format!("{}.replaced-{stamp}", super::STORE_FILE));
            copy_checked(&store.conn, &aside, HubLinkIn::Keep)?;
            let now = store.now();
            store.audit_only(
                now,
                session.name(),
                "restore",
                &source.display().to_string(),
                &format!("previous store kept at {}", aside.display()),
            )?;
            // Copy the backup's pages into the live database: this goes
            // through the WAL, so a crash mid-restore leaves the old store.
            store.conn.restore(
                rusqlite::MAIN_DB,
                source,
                None::<fn(rusqlite::backup::Progress)>,
            )?;
            kept = Some(aside);
        }
        None => {
            if target.exists() {
                return Err(Error::AlreadyInitialised(target));
            }
            std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
            let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            copy_checked(&src, &target, HubLinkIn::Keep)?;
        }
    }
    // Re-open: upgrades an older backup to the current schema and records
    // the restore in the restored store's own audit chain.
    let mut reopened = Store::open(data_dir)?;
    let now = reopened.now();
    reopened.audit_only(
        now,
        &actor,
        "restored_from",
        &source.display().to_string(),
        &format!("schema {version}"),
    )?;
    // A backup made before backups dropped the hub link may still hold a
    // token: the restored desk enrols again either way.
    let was_enrolled = super::meta_get(&reopened.conn, "hub_url")?.is_some();
    reopened.conn.execute_batch(&format!(
        "PRAGMA secure_delete = ON; DELETE FROM meta WHERE key IN {HUB_LINK_KEYS};"
    ))?;
    if was_enrolled {
        reopened.audit_only(
            now,
            &actor,
            "hub_link_dropped",
            "hub",
            "restored from a backup: enrol again",
        )?;
    }
    Ok(RestoreReport {
        replaced_kept_at: kept,
        schema_version: version,
        center,
        desk,
        enrol_again: was_enrolled,
    })
}
