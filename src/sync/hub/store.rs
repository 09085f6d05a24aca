//! The hub's SQLite store: every center's requests, enrolled desks, the
//! effects of every pushed change (by idempotency key), hand-over batches,
//! the published trust list and a log of refusals.
//!
//! The hub is the authority for the lifecycle: a pushed change is applied
//! only if it is a legal transition from the state the hub holds, and its
//! key and its effect are written in one transaction.

use std::path::{Path, PathBuf};

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::rules::*;
use super::{DeskAuth, HubError, HubStorage};
use crate::domain::{Request, State};
use crate::sync::protocol::*;

const HUB_FILE: &str = "hub.sqlite";
/// Marks the file as a hub store ("CDH1").
const APPLICATION_ID: i64 = 0x4344_4831;

const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE requests (
    id            TEXT PRIMARY KEY,
    center        TEXT NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    state         TEXT NOT NULL,
    seq           INTEGER NOT NULL UNIQUE,
    body          TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX requests_by_center_seq ON requests (center, seq);
CREATE TABLE enroll_codes (
    code_hash  TEXT PRIMARY KEY,
    center     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER,
    used_by    INTEGER
);
CREATE TABLE desks (
    id            INTEGER PRIMARY KEY,
    center        TEXT NOT NULL,
    desk          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    enrolled_at   INTEGER NOT NULL,
    last_seen     INTEGER,
    audit_seq     INTEGER,
    audit_hash    TEXT,
    anchor_broken INTEGER NOT NULL DEFAULT 0
);
-- Each pushed change with its payload: the hub's record of what desks
-- did (sealed documents: number and seal hash; envelopes; hand-overs).
CREATE TABLE effects (
    key          TEXT PRIMARY KEY,
    desk_id      INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,
    request_id   TEXT,
    outcome      TEXT NOT NULL,
    hub_state    TEXT,
    reason       TEXT,
    payload      TEXT NOT NULL,
    at           INTEGER NOT NULL
);
CREATE TABLE history (
    seq        INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    source     TEXT NOT NULL,
    key        TEXT UNIQUE,
    at         INTEGER NOT NULL
);
CREATE TABLE batches (
    batch   TEXT PRIMARY KEY,
    desk_id INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    body    TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE TABLE trust (
    version      INTEGER PRIMARY KEY,
    document     TEXT NOT NULL,
    published_at INTEGER NOT NULL
);
CREATE TABLE log (
    seq    INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    event  TEXT NOT NULL,
    detail TEXT NOT NULL
);
INSERT INTO meta VALUES ('change_seq', '0');
"#];

pub struct HubStore {
    conn: Connection,
    path: PathBuf,
}

impl From<rusqlite::Error> for HubError {
    fn from(e: rusqlite::Error) -> HubError {
        HubError::Storage(e.to_string())
    }
}

fn next_seq(tx: &Transaction<'_>) -> Result<i64, HubError> {
    let seq: i64 = tx.query_row(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'change_seq' RETURNING CAST(value AS INTEGER)",
        [],
        |r| r.get(0),
    )?;
    Ok(seq)
}

fn load_request(tx: &Connection, id: &str) -> Result<Option<Request>, HubError> {
    let body: Option<String> = tx
        .query_row("SELECT body FROM requests WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    body.map(|b| serde_json::from_str(&b).map_err(storage))
        .transpose()
}

fn save_request(
    tx: &Transaction<'_>,
    req: &Request,
    from: Option<State>,
    source: &str,
    key: Option<&str>,
    now: i64,
) -> Result<(), HubError> {
    let seq = next_seq(tx)?;
    let body = serde_json::to_string(req).map_err(storage)?;
    tx.prepare_cached(
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
    tx.prepare_cached(
        "INSERT INTO history (request_id, from_state, to_state, source, key, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        req.id,
        from.map(State::as_str),
        req.state.as_str(),
        source,
        key,
        now
    ])?;
    Ok(())
}

fn log_event(conn: &Connection, now: i64, event: &str, detail: &str) -> Result<(), HubError> {
    conn.prepare_cached("INSERT INTO log (at, event, detail) VALUES (?1, ?2, ?3)")?
        .execute(params![now, event, detail])?;
    Ok(())
}

impl HubStore {
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join(HUB_FILE)
    }

    /// Opens (creating if needed) the hub store in `dir`.
    pub fn open(dir: &Path) -> Result<HubStore, HubError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| HubError::Storage(format!("{}: {e}", dir.display())))?;
        let path = Self::path_in(dir);
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
                return Err(HubError::Storage(format!(
                    "{} is not a hub store",
                    path.display()
                )));
            }
        } else if app != APPLICATION_ID {
            return Err(HubError::Storage(format!(
                "{} is not a hub store",
                path.display()
            )));
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(HubError::Storage(format!(
                "{} was written by a newer hub (schema {version})",
                path.display()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute_batch(sql)?;
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

    /// Takes one request through `f` and saves it as a hub-side change
    /// (post reports, central cancellations).
    fn central_change(
        &mut self,
        tracking_code: &str,
        source: &str,
        f: impl FnOnce(&mut Request) -> Result<(), HubError>,
    ) -> Result<Request, HubError> {
        let now = Utc::now().timestamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: Option<String> = tx
            .query_row(
                "SELECT id FROM requests WHERE tracking_code = ?1",
                [tracking_code],
                |r| r.get(0),
            )
            .optional()?;
        let id = id.ok_or_else(|| {
            HubError::NotFound(format!("no request with tracking code {tracking_code}"))
        })?;
        let mut req = load_request(&tx, &id)?.ok_or_else(|| HubError::NotFound(id.clone()))?;
        let before = req.state;
        f(&mut req)?;
        req.updated_at = Utc::now();
        save_request(&tx, &req, Some(before), source, None, now)?;
        log_event(
            &tx,
            now,
            source,
            &format!("{tracking_code}: {before} -> {}", req.state),
        )?;
        tx.commit()?;
        Ok(req)
    }
}

impl HubStorage for HubStore {
    fn new_enroll_code(&mut self, center: &str) -> Result<String, HubError> {
        if !crate::store::valid_code(center) {
            return Err(HubError::BadRequest(
                "bad_center".into(),
                format!("not a center code: {center:?}"),
            ));
        }
        let code = new_code_text()?;
        let now = Utc::now().timestamp();
        self.conn.execute(
            "INSERT INTO enroll_codes (code_hash, center, created_at) VALUES (?1, ?2, ?3)",
            params![code_hash(&code), center, now],
        )?;
        log_event(&self.conn, now, "enroll_code", center)?;
        Ok(code)
    }

    fn seed_demo(
        &mut self,
        n: u64,
        centers: &[String],
        seed: u64,
        today: chrono::NaiveDate,
    ) -> Result<u64, HubError> {
        let existing: i64 = self
            .conn
            .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))?;
        let requests = demo_requests(n, centers, seed, today, existing as u64)?;
        let now = Utc::now().timestamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for req in &requests {
            save_request(&tx, req, None, "submitted", None, now)?;
        }
        log_event(
            &tx,
            now,
            "demo",
            &format!("{n} requests for {}", centers.join(",")),
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn post_report(&mut self, tracking_code: &str, outcome: State) -> Result<Request, HubError> {
        self.central_change(tracking_code, "post", |req| apply_post_report(req, outcome))
    }

    fn cancel(&mut self, tracking_code: &str, reason: &str) -> Result<Request, HubError> {
        self.central_change(tracking_code, "central_cancel", |req| {
            apply_cancel(req, reason)
        })
    }

    fn publish_trust(&mut self, document: &str) -> Result<i64, HubError> {
        crate::seal::trust::open_file(document)
            .map_err(|e| HubError::BadRequest("bad_trust_list".into(), e.to_string()))?;
        let now = Utc::now().timestamp();
        let version: i64 = self.conn.query_row(
            "INSERT INTO trust (version, document, published_at)
             VALUES ((SELECT coalesce(max(version), 0) + 1 FROM trust), ?1, ?2) RETURNING version",
            params![document, now],
            |r| r.get(0),
        )?;
        log_event(
            &self.conn,
            now,
            "trust_published",
            &format!("version {version}"),
        )?;
        Ok(version)
    }

    fn status(&mut self) -> Result<HubStatus, HubError> {
        let c = &self.conn;
        let mut stmt = c.prepare(
            "SELECT center, state, count(*) FROM requests GROUP BY center, state ORDER BY center, state",
        )?;
        let requests = stmt
            .query_map([], |r| {
                Ok(CenterStates {
                    center: r.get(0)?,
                    state: r.get(1)?,
                    count: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let count = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
        let mut stmt = c.prepare(
            "SELECT id, center, desk, last_seen, audit_seq, audit_hash, anchor_broken FROM desks ORDER BY id",
        )?;
        let desks = stmt
            .query_map([], |r| {
                Ok(DeskStatus {
                    id: r.get(0)?,
                    center: r.get(1)?,
                    desk: r.get(2)?,
                    last_seen: r.get::<_, Option<i64>>(3)?.map(rfc3339),
                    audit_seq: r.get(4)?,
                    audit_hash: r.get(5)?,
                    anchor_broken: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(HubStatus {
            requests,
            effects_applied: count("SELECT count(*) FROM effects WHERE outcome = 'applied'")?,
            effects_rejected: count("SELECT count(*) FROM effects WHERE outcome = 'rejected'")?,
            unauthorised_attempts: count("SELECT count(*) FROM log WHERE event = 'unauthorised'")?,
            desks,
            batches: count("SELECT count(*) FROM batches")?,
            trust_version: count("SELECT coalesce(max(version), 0) FROM trust")?,
        })
    }
    fn enroll(&mut self, req: &EnrollRequest) -> Result<EnrollResponse, HubError> {
        if !crate::store::valid_code(&req.desk) {
            return Err(HubError::BadRequest(
                "bad_desk".into(),
                format!("not a desk code: {:?}", req.desk),
            ));
        }
        let now = Utc::now().timestamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let code_hash = code_hash(&req.code);
        let center: Option<String> = tx
            .query_row(
                "SELECT center FROM enroll_codes WHERE code_hash = ?1 AND used_at IS NULL",
                [&code_hash],
                |r| r.get(0),
            )
            .optional()?;
        let Some(center) = center else {
            log_event(
                &tx,
                now,
                "unauthorised",
                "enrol with an unknown or used code",
            )?;
            tx.commit()?;
            return Err(HubError::Unauthorized(
                "unknown or already used enrolment code".into(),
            ));
        };
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(storage)?;
        let token = hex::encode(bytes);
        let desk_id: i64 = tx.query_row(
            "INSERT INTO desks (center, desk, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
            params![center, req.desk, sha256_hex(token.as_bytes()), now],
            |r| r.get(0),
        )?;
        tx.execute(
            "UPDATE enroll_codes SET used_at = ?2, used_by = ?3 WHERE code_hash = ?1",
            params![code_hash, now, desk_id],
        )?;
        log_event(
            &tx,
            now,
            "enrolled",
            &format!("{center}/{} as desk {desk_id}", req.desk),
        )?;
        tx.commit()?;
        Ok(EnrollResponse {
            token,
            center,
            desk_id,
        })
    }

    fn authenticate(&mut self, token: Option<&str>, what: &str) -> Result<DeskAuth, HubError> {
        let now = Utc::now().timestamp();
        let found = match token {
            Some(t) => self
                .conn
                .prepare_cached("SELECT id, center, desk FROM desks WHERE token_hash = ?1")?
                .query_row([sha256_hex(t.as_bytes())], |r| {
                    Ok(DeskAuth {
                        id: r.get(0)?,
                        center: r.get(1)?,
                        desk: r.get(2)?,
                    })
                })
                .optional()?,
            None => None,
        };
        match found {
            Some(desk) => {
                self.conn
                    .prepare_cached("UPDATE desks SET last_seen = ?2 WHERE id = ?1")?
                    .execute(params![desk.id, now])?;
                Ok(desk)
            }
            None => {
                let why = if token.is_some() {
                    "bad token"
                } else {
                    "no token"
                };
                log_event(&self.conn, now, "unauthorised", &format!("{what}: {why}"))?;
                Err(HubError::Unauthorized(format!(
                    "{why}: enrol this desk first"
                )))
            }
        }
    }

    fn push(&mut self, desk: &DeskAuth, push: &PushRequest) -> Result<PushResponse, HubError> {
        let now = Utc::now().timestamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut results = Vec::with_capacity(push.changes.len());
        for change in &push.changes {
            let content = serde_json::to_vec(&(&change.kind, &change.request_id, &change.payload))
                .map_err(storage)?;
            let content_hash = sha256_hex(&content);
            let earlier: Option<EarlierEffect> = tx
                .prepare_cached(
                    "SELECT content_hash, desk_id, outcome, hub_state, reason FROM effects WHERE key = ?1",
                )?
                .query_row([&change.key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .optional()?;
            if let Some((hash, desk_id, outcome, hub_state, reason)) = earlier {
                if hash != content_hash || desk_id != desk.id {
                    // Nothing of this push is kept: the transaction is
                    // dropped, and the desk is told which key clashed.
                    drop(tx);
                    log_event(
                        &self.conn,
                        now,
                        "key_reuse",
                        &format!("desk {}: {}", desk.id, change.key),
                    )?;
                    return Err(HubError::Conflict(format!(
                        "idempotency key {} was used before with different content",
                        change.key
                    )));
                }
                results.push(ChangeResult {
                    key: change.key.clone(),
                    outcome: if outcome == "rejected" {
                        Outcome::Rejected
                    } else {
                        Outcome::Duplicate
                    },
                    hub_state,
                    reason,
                });
                continue;
            }
            let current = match &change.request_id {
                Some(id) => load_request(&tx, id)?,
                None => None,
            };
            let (result, save) = judge(desk, change, current);
            if let Some((req, before)) = save {
                save_request(&tx, &req, Some(before), "desk", Some(&change.key), now)?;
            }
            if change.kind == "handover_batch" {
                let batch = change
                    .payload
                    .get("batch")
                    .and_then(|b| b.as_str())
                    .unwrap_or(&change.key);
                let count = change
                    .payload
                    .get("tracking_codes")
                    .and_then(|c| c.as_array())
                    .map_or(0, Vec::len);
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO batches (batch, desk_id, count, body, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![batch, desk.id, count as i64, change.payload.to_string(), now])?;
            }
            let outcome = match result.outcome {
                Outcome::Rejected => "rejected",
                _ => "applied",
            };
            tx.prepare_cached(
                "INSERT INTO effects (key, desk_id, content_hash, kind, request_id, outcome, hub_state, reason, payload, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?
            .execute(params![
                change.key,
                desk.id,
                content_hash,
                change.kind,
                change.request_id,
                outcome,
                result.hub_state,
                result.reason,
                change.payload.to_string(),
                now
            ])?;
            if result.outcome == Outcome::Rejected {
                log_event(
                    &tx,
                    now,
                    "rejected_change",
                    &format!(
                        "desk {}: {} {}",
                        desk.id,
                        change.key,
                        result.reason.as_deref().unwrap_or("")
                    ),
                )?;
            }
            results.push(result);
        }
        if let Some(head) = &push.audit_head {
            let (seq, hash): (Option<i64>, Option<String>) = tx.query_row(
                "SELECT audit_seq, audit_hash FROM desks WHERE id = ?1",
                [desk.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let broken = match (seq, hash) {
                (Some(s), _) if head.seq < s => true,
                (Some(s), Some(h)) if head.seq == s && head.hash != h => true,
                _ => false,
            };
            if broken {
                log_event(
                    &tx,
                    now,
                    "audit_anchor_broken",
                    &format!("desk {}: head {} after {:?}", desk.id, head.seq, seq),
                )?;
                tx.execute(
                    "UPDATE desks SET anchor_broken = 1 WHERE id = ?1",
                    [desk.id],
                )?;
            } else {
                tx.execute(
                    "UPDATE desks SET audit_seq = ?2, audit_hash = ?3 WHERE id = ?1",
                    params![desk.id, head.seq, head.hash],
                )?;
            }
        }
        tx.commit()?;
        Ok(PushResponse { results })
    }

    fn pull(&mut self, desk: &DeskAuth, pull: &PullRequest) -> Result<PullResponse, HubError> {
        let limit = pull.limit.clamp(1, PULL_PAGE);
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, body FROM requests WHERE center = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows: Vec<(i64, String)> = stmt
            .query_map(params![desk.center, pull.cursor, limit + 1], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let more = rows.len() > limit as usize;
        let mut requests = Vec::with_capacity(rows.len());
        for (seq, body) in rows.into_iter().take(limit as usize) {
            requests.push(PulledRequest {
                seq,
                request: serde_json::from_str(&body).map_err(storage)?,
            });
        }
        let next_cursor = requests.last().map_or(pull.cursor, |r| r.seq);
        let trust = self
            .conn
            .query_row(
                "SELECT version, document FROM trust WHERE version > ?1 ORDER BY version DESC LIMIT 1",
                [pull.trust_version],
                |r| {
                    Ok(TrustUpdate {
                        version: r.get(0)?,
                        document: r.get(1)?,
                    })
                },
            )
            .optional()?;
        Ok(PullResponse {
            requests,
            next_cursor,
            more,
            trust,
        })
    }

    fn log(&mut self, event: &str, detail: &str) -> Result<(), HubError> {
        log_event(&self.conn, Utc::now().timestamp(), event, detail)
    }
}
