//! The hub on an embedded SQLite file: the storage primitives of
//! [`HubTx`] in SQLite's SQL, and the file's setup (WAL, a full sync at
//! every commit, the schema's migrations). What the hub does with them is
//! in [`super::engine`].

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::engine::{
    Batch, Changed, DeskTrust, Effect, History, HubDb, HubTx, NewCode, NewDesk, PageQuery, Tally,
    TokenMatch, UnusedCode,
};
use super::rules::{
    CenterStates, DeskStatus, anchor_from, outcome_column, rfc3339, state_column, storage,
};
use super::schema::{self, Dialect};
use super::{DeskAuth, HubError};
use crate::domain::{Request, State};
use crate::protocol::{AuditHead, TrustUpdate};

const HUB_FILE: &str = "hub.sqlite";
/// Marks the file as a hub store ("CDH1").
const APPLICATION_ID: i64 = 0x4344_4831;

pub struct HubStore {
    conn: Connection,
    path: PathBuf,
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> HubError {
        HubError::Storage(e.to_string())
    }
}

fn not_a_hub(path: &Path) -> HubError {
    HubError::Storage(format!("{} is not a hub store", path.display()))
}

impl HubStore {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(HUB_FILE)
    }

    /// Opens (creating if needed) the hub store in `dir`.
    pub fn open(dir: &Path) -> Result<HubStore, HubError> {
        crate::files::create_private_dir(dir).map_err(|e| HubError::Storage(e.to_string()))?;
        let path = Self::path_in(dir);
        create_private(&path)?;
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // Durability on: WAL with a full sync at every commit.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )?;
        let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == 0 {
            let empty: bool =
                conn.query_row("SELECT count(*) = 0 FROM sqlite_master", [], |r| r.get(0))?;
            if !empty {
                return Err(not_a_hub(&path));
            }
        } else if app != APPLICATION_ID {
            return Err(not_a_hub(&path));
        }
        if version > schema::latest_version() {
            return Err(HubError::Storage(format!(
                "{} was written by a newer hub (schema {version})",
                path.display()
            )));
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Another hub process may have migrated while this one waited
            // for the lock.
            let now_at: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if now_at > i as i64 {
                continue;
            }
            if i == 1 {
                rename_settings_table(&tx)?;
            }
            tx.execute_batch(&Dialect::Sqlite.render(sql))?;
            tx.execute_batch(&format!(
                "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
                i + 1
            ))?;
            tx.commit()?;
        }
        Ok(HubStore { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Version 2: hubs made before the schema was shared with PostgreSQL
/// called their settings table `meta`.
fn rename_settings_table(tx: &Transaction<'_>) -> Result<(), HubError> {
    let old: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'meta')
            AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'hub_meta')",
        [],
        |r| r.get(0),
    )?;
    if old {
        tx.execute_batch("ALTER TABLE meta RENAME TO hub_meta")?;
    }
    Ok(())
}

/// The hub's file holds every center's citizens: only its OS user reads
/// it. Made empty with mode 0600 before SQLite opens it, as SQLite gives
/// its journal files (`-wal`, `-shm`) the database file's mode.
fn create_private(path: &Path) -> Result<(), HubError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options
            .open(path)
            .map_err(|e| HubError::Storage(format!("{}: {e}", path.display())))?;
        // A file made before hubs did this keeps its mode: tighten it.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| HubError::Storage(format!("{}: {e}", path.display())))?;
    }
    #[cfg(not(unix))]
    options
        .open(path)
        .map_err(|e| HubError::Storage(format!("{}: {e}", path.display())))?;
    Ok(())
}

impl HubDb for HubStore {
    type Tx<'a> = SqliteTx<'a>;

    fn begin(&mut self, write: bool) -> Result<SqliteTx<'_>, HubError> {
        let behaviour = if write {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        };
        Ok(SqliteTx(self.conn.transaction_with_behavior(behaviour)?))
    }
}

pub struct SqliteTx<'a>(Transaction<'a>);

impl HubTx for SqliteTx<'_> {
    fn commit(self) -> Result<(), HubError> {
        Ok(self.0.commit()?)
    }

    fn request(&mut self, id: &str) -> Result<Option<Request>, HubError> {
        let body: Option<String> = self
            .0
            .prepare_cached("SELECT body FROM requests WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        body.map(|b| serde_json::from_str(&b).map_err(storage))
            .transpose()
    }

    fn request_id_by_tracking(&mut self, tracking_code: &str) -> Result<Option<String>, HubError> {
        Ok(self
            .0
            .query_row(
                "SELECT id FROM requests WHERE tracking_code = ?1",
                [tracking_code],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn save_request(&mut self, req: &Request, now: i64) -> Result<(), HubError> {
        let seq: i64 = self.0.query_row(
            "UPDATE hub_meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'change_seq'
             RETURNING CAST(value AS INTEGER)",
            [],
            |r| r.get(0),
        )?;
        let body = serde_json::to_string(req).map_err(storage)?;
        self.0
            .prepare_cached(
                "INSERT INTO requests (id, center, tracking_code, state, seq, body, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state, seq = excluded.seq,
                     body = excluded.body, updated_at = excluded.updated_at",
            )?
            .execute(params![
                req.id,
                req.center,
                req.tracking_code,
                req.state.as_str(),
                seq,
                body,
                now
            ])?;
        Ok(())
    }

    fn requests_after(&mut self, page: &PageQuery<'_>) -> Result<Vec<Changed>, HubError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT seq, body FROM requests WHERE center = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![page.center, page.after, page.limit], |r| {
            Ok(Changed {
                seq: r.get(0)?,
                body: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn append_history(&mut self, h: &History<'_>) -> Result<(), HubError> {
        self.0
            .prepare_cached(
                "INSERT INTO history (request_id, from_state, to_state, source, key, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                h.request_id,
                h.from.map(State::as_str),
                h.to.as_str(),
                h.source,
                h.key,
                h.at
            ])?;
        Ok(())
    }

    fn effect(&mut self, key: &str) -> Result<Option<Effect>, HubError> {
        let mut stmt = self.0.prepare_cached(
            "SELECT desk_id, content_hash, kind, request_id, outcome, hub_state, reason, payload, at
             FROM effects WHERE key = ?1",
        )?;
        let mut rows = stmt.query([key])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let hub_state: Option<String> = r.get(5)?;
        Ok(Some(Effect {
            key: key.to_owned(),
            desk_id: r.get(0)?,
            content_hash: r.get(1)?,
            kind: r.get(2)?,
            request_id: r.get(3)?,
            outcome: outcome_column(&r.get::<_, String>(4)?)?,
            hub_state: hub_state.as_deref().map(state_column).transpose()?,
            reason: r.get(6)?,
            payload: r.get(7)?,
            at: r.get(8)?,
        }))
    }

    fn insert_effect(&mut self, e: &Effect) -> Result<(), HubError> {
        self.0
            .prepare_cached(
                "INSERT INTO effects (key, desk_id, content_hash, kind, request_id, outcome,
                                      hub_state, reason, payload, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                e.key,
                e.desk_id,
                e.content_hash,
                e.kind,
                e.request_id,
                e.outcome.as_str(),
                e.hub_state.map(State::as_str),
                e.reason,
                e.payload,
                e.at
            ])?;
        Ok(())
    }

    fn insert_batch(&mut self, b: &Batch<'_>) -> Result<(), HubError> {
        self.0
            .prepare_cached(
                "INSERT OR IGNORE INTO batches (batch, desk_id, count, body, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![b.batch, b.desk_id, b.count, b.body, b.at])?;
        Ok(())
    }

    fn document_number_owner(
        &mut self,
        center: &str,
        number: &str,
    ) -> Result<Option<String>, HubError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT request_id FROM document_numbers WHERE center = ?1 AND number = ?2",
            )?
            .query_row([center, number], |r| r.get(0))
            .optional()?)
    }

    fn record_document_number(
        &mut self,
        center: &str,
        number: &str,
        request_id: &str,
    ) -> Result<(), HubError> {
        self.0
            .prepare_cached(
                "INSERT INTO document_numbers (center, number, request_id) VALUES (?1, ?2, ?3)",
            )?
            .execute([center, number, request_id])?;
        Ok(())
    }

    fn highest_document_number(
        &mut self,
        center: &str,
        prefix: &str,
    ) -> Result<Option<String>, HubError> {
        // Numbers of one desk code have one width, so the largest sorts last.
        Ok(self.0.query_row(
            "SELECT max(number) FROM document_numbers WHERE center = ?1 AND substr(number, 1, length(?2)) = ?2",
            [center, prefix],
            |r| r.get(0),
        )?)
    }

    fn batch_owner(&mut self, batch: &str) -> Result<Option<i64>, HubError> {
        Ok(self
            .0
            .prepare_cached("SELECT desk_id FROM batches WHERE batch = ?1")?
            .query_row([batch], |r| r.get(0))
            .optional()?)
    }

    fn insert_enroll_code(&mut self, c: &NewCode<'_>) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO enroll_codes (code_hash, center, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![c.hash, c.center, c.at, c.expires_at],
        )?;
        Ok(())
    }

    fn unused_code(&mut self, hash: &str) -> Result<Option<UnusedCode>, HubError> {
        Ok(self
            .0
            .query_row(
                "SELECT center, expires_at FROM enroll_codes WHERE code_hash = ?1 AND used_at IS NULL",
                [hash],
                |r| {
                    Ok(UnusedCode {
                        center: r.get(0)?,
                        expires_at: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    fn use_enroll_code(&mut self, hash: &str, desk_id: i64, now: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE enroll_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1",
            params![hash, now, desk_id],
        )?;
        Ok(())
    }

    fn insert_desk(&mut self, d: &NewDesk<'_>) -> Result<i64, HubError> {
        Ok(self.0.query_row(
            "INSERT INTO desks (center, desk, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4)
             RETURNING id",
            params![d.center, d.desk, d.token_hash, d.at],
            |r| r.get(0),
        )?)
    }

    fn active_desk_named(&mut self, center: &str, desk: &str) -> Result<Option<i64>, HubError> {
        Ok(self
            .0
            .query_row(
                "SELECT id FROM desks WHERE center = ?1 AND desk = ?2 AND revoked_at IS NULL",
                [center, desk],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn desk_by_token(&mut self, token_hash: &str) -> Result<Option<TokenMatch>, HubError> {
        Ok(self
            .0
            .prepare_cached(
                "SELECT id, center, desk, revoked_at IS NOT NULL, coalesce(next_token_hash = ?1, FALSE),
                        rotate_requested
                 FROM desks WHERE token_hash = ?1 OR next_token_hash = ?1",
            )?
            .query_row([token_hash], |r| {
                Ok(TokenMatch {
                    desk: DeskAuth {
                        id: r.get(0)?,
                        center: r.get(1)?,
                        desk: r.get(2)?,
                    },
                    revoked: r.get(3)?,
                    is_next: r.get(4)?,
                    rotate_requested: r.get(5)?,
                })
            })
            .optional()?)
    }

    fn promote_next_token(&mut self, desk_id: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET token_hash = next_token_hash, next_token_hash = NULL
             WHERE id = ?1 AND next_token_hash IS NOT NULL",
            [desk_id],
        )?;
        Ok(())
    }

    fn set_next_token(&mut self, desk_id: i64, token_hash: &str) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET next_token_hash = ?2, rotate_requested = FALSE WHERE id = ?1",
            params![desk_id, token_hash],
        )?;
        Ok(())
    }

    fn revoke_desk(&mut self, desk_id: i64, now: i64) -> Result<bool, HubError> {
        Ok(self.0.execute(
            "UPDATE desks SET revoked_at = ?2, next_token_hash = NULL, rotate_requested = FALSE
             WHERE id = ?1 AND revoked_at IS NULL",
            params![desk_id, now],
        )? == 1)
    }

    fn request_rotation(&mut self, desk_id: i64) -> Result<bool, HubError> {
        Ok(self.0.execute(
            "UPDATE desks SET rotate_requested = TRUE WHERE id = ?1 AND revoked_at IS NULL",
            [desk_id],
        )? == 1)
    }

    fn rotation_requested(&mut self, desk_id: i64) -> Result<bool, HubError> {
        Ok(self
            .0
            .prepare_cached("SELECT rotate_requested FROM desks WHERE id = ?1")?
            .query_row([desk_id], |r| r.get(0))?)
    }

    fn touch_desk(&mut self, desk_id: i64, now: i64) -> Result<(), HubError> {
        self.0
            .prepare_cached("UPDATE desks SET last_seen = ?2 WHERE id = ?1")?
            .execute(params![desk_id, now])?;
        Ok(())
    }

    fn audit_anchor(&mut self, desk_id: i64) -> Result<Option<AuditHead>, HubError> {
        let (seq, hash): (Option<i64>, Option<String>) = self.0.query_row(
            "SELECT audit_seq, audit_hash FROM desks WHERE id = ?1",
            [desk_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(anchor_from(seq, hash))
    }

    fn set_audit_anchor(&mut self, desk_id: i64, head: &AuditHead) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET audit_seq = ?2, audit_hash = ?3 WHERE id = ?1",
            params![desk_id, head.seq, head.hash],
        )?;
        Ok(())
    }

    fn mark_anchor_broken(&mut self, desk_id: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET anchor_broken = TRUE WHERE id = ?1",
            [desk_id],
        )?;
        Ok(())
    }

    fn desk_trust(&mut self, desk_id: i64) -> Result<DeskTrust, HubError> {
        Ok(self
            .0
            .query_row(
                "SELECT trust_root, trust_list, trust_issued_at FROM desks WHERE id = ?1",
                [desk_id],
                |r| {
                    Ok(DeskTrust {
                        root: r.get(0)?,
                        list: r.get(1)?,
                        issued_at: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    fn set_desk_trust(&mut self, desk_id: i64, trust: &DeskTrust) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET trust_root = ?2, trust_list = ?3, trust_issued_at = ?4 WHERE id = ?1",
            params![desk_id, trust.root, trust.list, trust.issued_at],
        )?;
        Ok(())
    }

    fn desks(&mut self) -> Result<Vec<DeskStatus>, HubError> {
        let mut stmt = self.0.prepare(
            "SELECT id, center, desk, last_seen, audit_seq, audit_hash, anchor_broken,
                    enrolled_at, revoked_at, rotate_requested OR next_token_hash IS NOT NULL,
                    trust_root
             FROM desks ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(DeskStatus {
                id: r.get(0)?,
                center: r.get(1)?,
                desk: r.get(2)?,
                last_seen: r.get::<_, Option<i64>>(3)?.map(rfc3339),
                audit_seq: r.get(4)?,
                audit_hash: r.get(5)?,
                anchor_broken: r.get(6)?,
                enrolled_at: rfc3339(r.get(7)?),
                revoked_at: r.get::<_, Option<i64>>(8)?.map(rfc3339),
                rotation_pending: r.get(9)?,
                trust_root: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn insert_trust(&mut self, document: &str, now: i64) -> Result<i64, HubError> {
        Ok(self.0.query_row(
            "INSERT INTO trust (version, document, published_at)
             VALUES ((SELECT coalesce(max(version), 0) + 1 FROM trust), ?1, ?2) RETURNING version",
            params![document, now],
            |r| r.get(0),
        )?)
    }

    fn trust_after(&mut self, version: i64) -> Result<Option<TrustUpdate>, HubError> {
        Ok(self
            .0
            .query_row(
                "SELECT version, document FROM trust WHERE version > ?1
                 ORDER BY version DESC LIMIT 1",
                [version],
                |r| {
                    Ok(TrustUpdate {
                        version: r.get(0)?,
                        document: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    fn requests_by_center_state(&mut self) -> Result<Vec<CenterStates>, HubError> {
        let mut stmt = self.0.prepare(
            "SELECT center, state, count(*) FROM requests GROUP BY center, state
             ORDER BY center, state",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (center, state, count) = row?;
            let state = state_column(&state)?;
            out.push(CenterStates {
                center,
                state,
                count,
            });
        }
        Ok(out)
    }

    fn tally(&mut self, what: Tally) -> Result<i64, HubError> {
        Ok(self.0.query_row(&what.sql(), [], |r| r.get(0))?)
    }

    fn log(&mut self, now: i64, event: &str, detail: &str) -> Result<(), HubError> {
        self.0
            .prepare_cached("INSERT INTO log (at, event, detail) VALUES (?1, ?2, ?3)")?
            .execute(params![now, event, detail])?;
        Ok(())
    }

    fn setting(&mut self, key: &str) -> Result<Option<String>, HubError> {
        Ok(self
            .0
            .prepare_cached("SELECT value FROM hub_meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn add_setting(&mut self, key: &str, value: &str) -> Result<(), HubError> {
        self.0
            .prepare_cached("INSERT INTO hub_meta VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING")?
            .execute([key, value])?;
        Ok(())
    }
}
