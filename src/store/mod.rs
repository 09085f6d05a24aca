//! The desk store: one SQLite file in the OS data directory. Every state
//! change is one transaction that also appends an audit row and an outbox
//! row, so a killed process or a full disk loses nothing half-done.

mod actions;
pub mod audit;
mod backup;
mod deployment;
mod documents;
mod outbox;
mod payments;
mod requests;
pub mod schema;
mod seals;
mod sync;
mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

pub use actions::{DailySummary, RequestFilter, ServiceDay};
pub use audit::{AuditEntry, ChainReport};
pub use backup::{
    DEMO_RECOVERY_KEY, RecoveryKey, RestoreReport, backup_is_encrypted, check_store_file, restore,
};
pub use documents::{DispatchReport, RenderedDocument};
pub use outbox::OutboxEntry;
pub(crate) use payments::{PAYMENT_KEY, PaymentProof};
pub(crate) use requests::NewRow;
pub use requests::RequestRef;
pub(crate) use seals::sign_as;
pub use seals::{ImportReport, IssuedSeal, MAX_QR_VERSION, parse_public_key_text, seal_claims_for};
pub use sync::{Conflict, HubLink, PullTally, PushTally, SyncStatus};
pub use users::{Session, UserInfo, normalise_pin, validate_full_name, validate_user_name};

use crate::domain::{Catalog, WorkCalendar, valid_code};
use crate::error::{Error, Result};

/// The file name of the desk store inside the data directory.
pub const STORE_FILE: &str = "desk.sqlite3";

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Where the desk keeps its data: `--data-dir`, else
/// `CITIZEN_DESK_DATA_DIR`, else the OS data directory.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CITIZEN_DESK_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("sy", "Citizen Service Centers", "citizen-desk")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| Error::Data("no home directory: use --data-dir".into()))
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    clock: Clock,
    catalog: Arc<Catalog>,
    /// The printed documents' texts, checked against the catalog once.
    templates: Arc<crate::documents::render::Templates>,
    calendar: Arc<WorkCalendar>,
    center: String,
    desk: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("center", &self.center)
            .finish()
    }
}

fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

fn check_sqlite_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = file.read(&mut header).map_err(|e| Error::io(path, e))?;
    if n < 16 || &header != b"SQLite format 3\0" {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: "not an SQLite database".into(),
        });
    }
    Ok(())
}

fn corrupt_at(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::Corrupt { detail, .. } => Error::Corrupt {
            path: path.to_path_buf(),
            detail,
        },
        other => other,
    }
}

/// Durable settings for every connection: WAL so readers never block the
/// desk, FULL sync so a committed change survives a power cut.
fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage(format!(
            "could not enable WAL (journal_mode is {mode})"
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    Ok(())
}

/// Brings an open database to the latest schema, or refuses it.
fn migrate(conn: &mut Connection, path: &Path, fresh: bool) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let latest = schema::latest_version();
    if (version > 0 || !fresh) && app_id != schema::APPLICATION_ID {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: "an SQLite file, but not a citizen-desk store".into(),
        });
    }
    if version > latest {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: latest,
        });
    }
    for (from, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
        tx.commit()?;
    }
    if version < 5 {
        // From before v5: the demo's stand-in hub signs the payments of an
        // older demo store (a real desk pulls its signatures from the
        // hub). Done once the schema is whole, as the rows are read with
        // today's columns.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        payments::sign_demo_rows(&tx)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version of a store file, without changing it.
pub fn schema_version_of(path: &Path) -> Result<i64> {
    check_sqlite_header(path)?;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(Error::from)
        .map_err(corrupt_at(path))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(Error::from)
        .map_err(corrupt_at(path))?;
    Ok(version)
}

impl Store {
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(STORE_FILE)
    }

    /// Opens an existing store, upgrading its schema if it is older.
    /// Never creates or overwrites a file.
    pub fn open(data_dir: &Path) -> Result<Store> {
        let path = Store::path_in(data_dir);
        if !path.exists() {
            return Err(Error::NotInitialised(path));
        }
        Store::open_file(&path).map_err(corrupt_at(&path))
    }

    fn open_file(path: &Path) -> Result<Store> {
        check_sqlite_header(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // Reading the version is the first access; a damaged header fails here.
        migrate(&mut conn, path, false)?;
        configure(&conn)?;
        let center = meta_get(&conn, "center")?;
        let desk = meta_get(&conn, "desk")?;
        let (Some(center), Some(desk)) = (center, desk) else {
            return Err(Error::Corrupt {
                path: path.to_path_buf(),
                detail: "the store was never set up (no center/desk)".into(),
            });
        };
        let catalog = Catalog::builtin()?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            clock: system_clock(),
            templates: Arc::new(crate::documents::render::Templates::builtin(&catalog)?),
            catalog: Arc::new(catalog),
            calendar: Arc::new(WorkCalendar::builtin().map_err(Error::Data)?),
            center,
            desk,
        };
        store.ensure_center_keys()?;
        Ok(store)
    }

    /// Creates a new, empty store for `center`/`desk`. Refuses if any file
    /// is already there (a damaged store is never overwritten).
    pub fn create(data_dir: &Path, center: &str, desk: &str, demo: bool) -> Result<Store> {
        if !valid_code(center) || !valid_code(desk) {
            return Err(Error::bad_input("err-bad-code"));
        }
        std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir, e))?;
        let path = Store::path_in(data_dir);
        if path.exists() {
            return Err(Error::AlreadyInitialised(path));
        }
        create_private(&path)?;
        let mut conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        migrate(&mut conn, &path, true)?;
        configure(&conn)?;
        let now = Utc::now().to_rfc3339();
        {
            let tx = conn.transaction()?;
            for (k, v) in [
                ("center", center),
                ("desk", desk),
                ("created_at", now.as_str()),
                ("demo", if demo { "1" } else { "0" }),
                ("document_seq", "0"),
            ] {
                tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", (k, v))?;
            }
            tx.commit()?;
        }
        drop(conn);
        Store::open_file(&path)
    }

    /// `citizen-desk init`: a new store with its first admin. The PIN is
    /// checked before anything is written.
    pub fn initialise(
        data_dir: &Path,
        center: &str,
        desk: &str,
        admin: &str,
        pin: &str,
    ) -> Result<Store> {
        users::validate_user_name(admin)?;
        users::normalise_pin(pin)?;
        let mut store = Store::create(data_dir, center, desk, false)?;
        store.bootstrap_user(admin, crate::domain::Role::Admin, pin, "init")?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn center(&self) -> &str {
        &self.center
    }
    pub fn desk(&self) -> &str {
        &self.desk
    }
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }
    pub fn templates(&self) -> &crate::documents::render::Templates {
        &self.templates
    }
    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Replaces the clock (tests, and the demo's fixed "today").
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    pub fn is_demo(&self) -> Result<bool> {
        Ok(meta_get(&self.conn, "demo")?.as_deref() == Some("1"))
    }

    /// The raw connection, for benchmarks and integrity tools. Writing
    /// through it bypasses the audit log: the library never does.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// SQLite's own full integrity check.
    pub fn integrity_check(&self) -> Result<()> {
        integrity_check(&self.conn, &self.path)
    }
}

pub(crate) fn set_meta(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute([key, value])?;
    Ok(())
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn integrity_check(conn: &Connection, path: &Path) -> Result<()> {
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(Error::from)
        .map_err(corrupt_at(path))?;
    if result != "ok" {
        return Err(Error::Corrupt {
            path: path.to_path_buf(),
            detail: result,
        });
    }
    Ok(())
}

/// Personal data: only the desk's OS user may read the file. Made empty
/// with mode 0600 before SQLite opens it (SQLite gives the journal files
/// the database file's mode), so it is never readable by others, even for
/// a moment.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| Error::io(path, e))?;
    Ok(())
}
