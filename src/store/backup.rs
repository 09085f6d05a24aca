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
use crate::i18n::Message;

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
    /// The backup was encrypted (a plain one is from before encryption).
    pub encrypted: bool,
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
            // secure_delete overwrites the freed bytes, so the token and
            // the keys are not left in the file's free space either. The
            // supervisors' locked stamp keys stay behind too: a restored
            // store gives each supervisor a new one at their next stamp,
            // once their PIN matches.
            out.execute_batch(&format!(
                "PRAGMA secure_delete = ON; DELETE FROM meta WHERE key IN {HUB_LINK_KEYS};
                 UPDATE keys SET secret = NULL, secret_salt = NULL, secret_nonce = NULL
                  WHERE secret IS NOT NULL;
                 VACUUM;"
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
            kind: std::io::ErrorKind::NotFound,
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

/// The first bytes of every age file.
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// Where the desk keeps who can open its backups: the recipient of the
/// recovery key printed at `init` (or by `backup-key new`), and any
/// recipients an admin added (the ministry's, say). Public keys only.
const RECOVERY_RECIPIENT: &str = "backup_recovery";
const EXTRA_RECIPIENTS: &str = "backup_recipients";

/// A recovery key, shown once: whoever holds `secret` opens every backup
/// made while `recipient` was this desk's recovery recipient.
#[derive(Clone, Debug, Serialize)]
pub struct RecoveryKey {
    pub secret: String,
    pub recipient: String,
}

/// The demo's recovery key, published like its PIN: demo backups are not
/// secret. Never used for a store made with `init`.
pub const DEMO_RECOVERY_KEY: &str =
    "AGE-SECRET-KEY-1FCEVE7AJ7PVWTLKQJ689HXH8SP77R5FMZ8HZ5EM07JZRGFLP3GKQ35RQS9";

fn parse_recipient(text: &str) -> Result<age::x25519::Recipient> {
    text.trim().parse().map_err(|_| {
        Error::BadInput(Message::new("err-backup-bad-recipient").arg("text", clip(text)))
    })
}

fn parse_identity(text: &str) -> Result<age::x25519::Identity> {
    text.trim()
        .parse()
        .map_err(|_| Error::bad_input("err-backup-bad-key"))
}

fn clip(text: &str) -> String {
    text.trim().chars().take(80).collect()
}

/// Whether a file is an age file (an encrypted backup).
fn is_encrypted(path: &Path) -> Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 22];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut head).map_err(|e| Error::io(path, e))?;
    Ok(head[..n] == *AGE_MAGIC)
}

/// A private scratch file in the data directory, which already holds the
/// plain store: nothing plain is written anywhere else.
fn scratch_path(data_dir: &Path, what: &str) -> Result<PathBuf> {
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    Ok(data_dir.join(format!(".{what}-{}.partial", hex::encode(suffix))))
}

/// Encrypts `plain` to `recipients` into `dest` (via `dest.partial`).
fn encrypt_file(plain: &Path, dest: &Path, recipients: &[age::x25519::Recipient]) -> Result<()> {
    let partial = partial_path(dest);
    let _ = std::fs::remove_file(&partial);
    let result = (|| {
        create_private(&partial)?;
        let out = std::fs::OpenOptions::new()
            .write(true)
            .open(&partial)
            .map_err(|e| Error::io(&partial, e))?;
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| Error::Storage(format!("age: {e}")))?;
        let mut writer = encryptor
            .wrap_output(std::io::BufWriter::new(out))
            .map_err(|e| Error::io(&partial, e))?;
        let mut input = std::fs::File::open(plain).map_err(|e| Error::io(plain, e))?;
        std::io::copy(&mut input, &mut writer).map_err(|e| Error::io(&partial, e))?;
        let buffered = writer.finish().map_err(|e| Error::io(&partial, e))?;
        let file = buffered
            .into_inner()
            .map_err(|e| Error::io(&partial, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(&partial, e))?;
        std::fs::rename(&partial, dest).map_err(|e| Error::io(dest, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Decrypts the backup at `source` into the new private file `plain`.
/// A key made for other backups, a damaged or cut file: a clear error,
/// and `plain` is removed.
fn decrypt_file(source: &Path, plain: &Path, key: &str) -> Result<()> {
    let identity = parse_identity(key)?;
    let damaged = |detail: String| {
        Error::BadInput(
            Message::new("err-backup-damaged")
                .arg("path", source.display())
                .arg("detail", detail),
        )
    };
    let result = (|| {
        let input = std::fs::File::open(source).map_err(|e| Error::io(source, e))?;
        let decryptor = age::Decryptor::new(std::io::BufReader::new(input))
            .map_err(|e| damaged(e.to_string()))?;
        let mut reader = decryptor
            .decrypt(std::iter::once(&identity as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => Error::bad_input("err-backup-wrong-key"),
                other => damaged(other.to_string()),
            })?;
        create_private(plain)?;
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .open(plain)
            .map_err(|e| Error::io(plain, e))?;
        // A cut or altered file fails its authentication here.
        std::io::copy(&mut reader, &mut out).map_err(|e| damaged(e.to_string()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(plain);
    }
    result
}

impl Store {
    /// The recipients this desk's backups are encrypted to.
    fn backup_recipients(&self) -> Result<Vec<age::x25519::Recipient>> {
        let mut all = Vec::new();
        for key in [RECOVERY_RECIPIENT, EXTRA_RECIPIENTS] {
            for line in meta_get(&self.conn, key)?.unwrap_or_default().lines() {
                if !line.trim().is_empty() {
                    all.push(parse_recipient(line)?);
                }
            }
        }
        Ok(all)
    }

    /// The recipients as text (`backup-key list`, `info`): the recovery
    /// key's first.
    pub fn backup_recipient_texts(&self) -> Result<Vec<String>> {
        Ok(self
            .backup_recipients()?
            .iter()
            .map(ToString::to_string)
            .collect())
    }

    fn make_recovery_key(&mut self, actor: &str, secret: Option<&str>) -> Result<RecoveryKey> {
        let identity = match secret {
            Some(text) => parse_identity(text)?,
            None => age::x25519::Identity::generate(),
        };
        let recipient = identity.to_public().to_string();
        super::set_meta(&self.conn, RECOVERY_RECIPIENT, &recipient)?;
        let now = self.now();
        self.audit_only(
            now,
            actor,
            "backup_key_made",
            &recipient,
            "recovery key shown once",
        )?;
        use age::secrecy::ExposeSecret;
        Ok(RecoveryKey {
            secret: identity.to_string().expose_secret().to_owned(),
            recipient,
        })
    }

    /// The first recovery key of a store just made (`init`, and the desk
    /// app's first run), shown once; refused once the store has one.
    pub fn initial_backup_key(&mut self) -> Result<RecoveryKey> {
        if meta_get(&self.conn, RECOVERY_RECIPIENT)?.is_some() {
            return Err(Error::bad_input("err-backup-key-exists"));
        }
        let demo = self.is_demo()?;
        self.make_recovery_key("init", demo.then_some(DEMO_RECOVERY_KEY))
    }

    /// `citizen-desk backup-key new` (admin): a new recovery key, shown
    /// once. Backups made from now on open with it (and with the added
    /// recipients); older ones still need the key they were made for.
    pub fn new_backup_key(&mut self, session: &Session) -> Result<RecoveryKey> {
        self.authorise(session, Action::Backup, "backup key")?;
        self.make_recovery_key(session.name(), None)
    }

    /// `citizen-desk backup-key add age1…` (admin): backups are encrypted
    /// to this recipient too (say the ministry's offline key).
    pub fn add_backup_recipient(&mut self, session: &Session, text: &str) -> Result<String> {
        self.authorise(session, Action::Backup, "backup key")?;
        let recipient = parse_recipient(text)?.to_string();
        let mut extra = meta_get(&self.conn, EXTRA_RECIPIENTS)?.unwrap_or_default();
        if !extra.lines().any(|l| l == recipient) {
            if !extra.is_empty() {
                extra.push('\n');
            }
            extra.push_str(&recipient);
            super::set_meta(&self.conn, EXTRA_RECIPIENTS, &extra)?;
        }
        let now = self.now();
        self.audit_only(
            now,
            session.name(),
            "backup_recipient_added",
            &recipient,
            "",
        )?;
        Ok(recipient)
    }

    /// `citizen-desk backup FILE` (admin): a checked copy of the store,
    /// without the hub link or any key, encrypted to the desk's backup
    /// recipients (the age format).
    pub fn backup_to(&mut self, session: &Session, dest: &Path) -> Result<()> {
        self.authorise(session, Action::Backup, &dest.display().to_string())?;
        let recipients = self.backup_recipients()?;
        if recipients.is_empty() {
            return Err(Error::bad_input("err-backup-no-key"));
        }
        let plain = scratch_path(&self.data_dir(), "backup")?;
        let result = copy_checked(&self.conn, &plain, HubLinkIn::Drop)
            .and_then(|()| encrypt_file(&plain, dest, &recipients));
        let _ = std::fs::remove_file(&plain);
        result?;
        let now = self.now();
        self.audit_only(
            now,
            session.name(),
            "backup",
            &dest.display().to_string(),
            &format!("integrity ok, encrypted to {} recipients", recipients.len()),
        )
    }
}

/// Replaces the store in `data_dir` with the backup at `source`.
///
/// The backup is checked first (integrity, schema version, that it is a
/// citizen-desk store). An existing store is only replaced by an admin of
/// that store, and is kept aside as `desk.sqlite3.replaced-<time>`.
///
/// An encrypted backup needs its recovery key (or the secret of another
/// of its recipients): a wrong key, a damaged file or a missing key is an
/// error in words, and the current store is not touched. It is decrypted
/// into a private scratch file in `data_dir` (beside the plain store),
/// removed afterwards. A plain backup from before encryption is read too.
pub fn restore(
    data_dir: &Path,
    source: &Path,
    admin: Option<(&mut Store, &Session)>,
    recovery_key: Option<&str>,
) -> Result<RestoreReport> {
    if !source.exists() {
        return Err(Error::Io {
            path: source.to_path_buf(),
            detail: "no such file".into(),
            kind: std::io::ErrorKind::NotFound,
        });
    }
    if !is_encrypted(source)? {
        return restore_plain(data_dir, source, source, admin, false);
    }
    let key = recovery_key.ok_or_else(|| Error::bad_input("err-backup-needs-key"))?;
    crate::files::create_private_dir(data_dir)?;
    let plain = scratch_path(data_dir, "restore")?;
    let result = decrypt_file(source, &plain, key)
        .and_then(|()| restore_plain(data_dir, &plain, source, admin, true));
    let _ = std::fs::remove_file(&plain);
    result
}

/// Whether a backup file is encrypted (the command line asks for the
/// recovery key only then).
pub fn backup_is_encrypted(path: &Path) -> Result<bool> {
    is_encrypted(path)
}

/// [`restore`] from a plain store file at `source`; `shown` is the path
/// the admin gave, for messages and the audit log.
fn restore_plain(
    data_dir: &Path,
    source: &Path,
    shown: &Path,
    admin: Option<(&mut Store, &Session)>,
    encrypted: bool,
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
            store.authorise(session, Action::Restore, &shown.display().to_string())?;
            let aside = target.with_file_name(format!("{}.replaced-{stamp}", super::STORE_FILE));
            copy_checked(&store.conn, &aside, HubLinkIn::Keep)?;
            let now = store.now();
            store.audit_only(
                now,
                session.name(),
                "restore",
                &shown.display().to_string(),
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
        &shown.display().to_string(),
        &format!(
            "schema {version}, {}",
            if encrypted { "encrypted" } else { "plain" }
        ),
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
        encrypted,
    })
}
