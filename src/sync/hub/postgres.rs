//! The hub on PostgreSQL, for national scale: the same tables, rules and
//! answers as the SQLite store, behind the same [`HubStorage`] interface.
//! Each push is one transaction; the change counter row serialises
//! concurrent writers, and a request is read `FOR UPDATE` before it moves.

use chrono::Utc;
use postgres::{Client, GenericClient, NoTls, Transaction};

use super::rules::*;
use super::{DeskAuth, HubError, HubStorage};
use crate::domain::{Request, State};
use crate::sync::protocol::*;

/// Bump with every change to `SCHEMA`: a database at this version is
/// taken as it is, without running the DDL again.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    id            TEXT PRIMARY KEY,
    center        TEXT NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    state         TEXT NOT NULL,
    seq           BIGINT NOT NULL UNIQUE,
    body          TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_by_center_seq ON requests (center, seq);
CREATE TABLE IF NOT EXISTS enroll_codes (
    code_hash  TEXT PRIMARY KEY,
    center     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    BIGINT
);
CREATE TABLE IF NOT EXISTS desks (
    id            BIGSERIAL PRIMARY KEY,
    center        TEXT NOT NULL,
    desk          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    enrolled_at   BIGINT NOT NULL,
    last_seen     BIGINT,
    audit_seq     BIGINT,
    audit_hash    TEXT,
    anchor_broken BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS effects (
    key          TEXT PRIMARY KEY,
    desk_id      BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,
    request_id   TEXT,
    outcome      TEXT NOT NULL,
    hub_state    TEXT,
    reason       TEXT,
    payload      TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    seq        BIGSERIAL PRIMARY KEY,
    request_id TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    source     TEXT NOT NULL,
    key        TEXT UNIQUE,
    at         BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch   TEXT PRIMARY KEY,
    desk_id BIGINT NOT NULL,
    count   BIGINT NOT NULL,
    body    TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS trust (
    version      BIGINT PRIMARY KEY,
    document     TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
    seq    BIGSERIAL PRIMARY KEY,
    at     BIGINT NOT NULL,
    event  TEXT NOT NULL,
    detail TEXT NOT NULL
);
INSERT INTO hub_meta VALUES ('change_seq', '0') ON CONFLICT DO NOTHING;
"#;

pub struct PgHubStore {
    client: Client,
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> HubError {
        HubError::Storage(e.to_string())
    }
}

fn next_seq(tx: &mut Transaction<'_>) -> Result<i64, HubError> {
    let row = tx.query_one(
        "UPDATE hub_meta SET value = (value::bigint + 1)::text WHERE key = 'change_seq' RETURNING value::bigint",
        &[],
    )?;
    Ok(row.get(0))
}

fn load_request(tx: &mut Transaction<'_>, id: &str) -> Result<Option<Request>, HubError> {
    let row = tx.query_opt("SELECT body FROM requests WHERE id = $1 FOR UPDATE", &[&id])?;
    row.map(|r| serde_json::from_str(r.get::<_, &str>(0)).map_err(storage))
        .transpose()
}

fn save_request(
    tx: &mut Transaction<'_>,
    req: &Request,
    from: Option<State>,
    source: &str,
    key: Option<&str>,
    now: i64,
) -> Result<(), HubError> {
    let seq = next_seq(tx)?;
    let body = serde_json::to_string(req).map_err(storage)?;
    tx.execute(
        "INSERT INTO requests (id, center, tracking_code, state, seq, body, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, seq = excluded.seq,
             body = excluded.body, updated_at = excluded.updated_at",
        &[
            &req.id,
            &req.center,
            &req.tracking_code,
            &req.state.as_str(),
            &seq,
            &body,
            &now,
        ],
    )?;
    tx.execute(
        "INSERT INTO history (request_id, from_state, to_state, source, key, at) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &req.id,
            &from.map(State::as_str),
            &req.state.as_str(),
            &source,
            &key,
            &now,
        ],
    )?;
    Ok(())
}

fn log_event(
    c: &mut impl GenericClient,
    now: i64,
    event: &str,
    detail: &str,
) -> Result<(), HubError> {
    c.execute(
        "INSERT INTO log (at, event, detail) VALUES ($1, $2, $3)",
        &[&now, &event, &detail],
    )?;
    Ok(())
}

fn has_meta_table(c: &mut impl GenericClient) -> Result<bool, HubError> {
    Ok(
        c.query_one("SELECT to_regclass('hub_meta') IS NOT NULL", &[])?
            .get(0),
    )
}

fn schema_version_in(c: &mut impl GenericClient) -> Result<Option<i64>, HubError> {
    Ok(c.query_opt(
        "SELECT value FROM hub_meta WHERE key = 'schema_version'",
        &[],
    )?
    .and_then(|r| r.get::<_, String>(0).parse().ok()))
}

impl PgHubStore {
    /// Connects and brings the schema up to date.
    pub fn connect(url: &str) -> Result<PgHubStore, HubError> {
        let mut client = Client::connect(url, NoTls)
            .map_err(|e| HubError::Storage(format!("cannot connect to PostgreSQL: {e}")))?;
        // Every connection of every hub process comes through here. When the
        // schema is already current, touch no DDL: even `CREATE INDEX IF NOT
        // EXISTS` takes a share lock on its table, which deadlocks against
        // another connection's open write transaction (seen with `hub serve`
        // and `hub demo` on one database).
        if has_meta_table(&mut client)? && schema_version_in(&mut client)? == Some(SCHEMA_VERSION) {
            return Ok(PgHubStore { client });
        }
        let mut tx = client.transaction()?;
        // One hub at a time creates the tables; one that waited here finds
        // them made and leaves them alone.
        tx.execute("SELECT pg_advisory_xact_lock(4344483101)", &[])?;
        if has_meta_table(&mut tx)? && schema_version_in(&mut tx)? == Some(SCHEMA_VERSION) {
            tx.commit()?;
            return Ok(PgHubStore { client });
        }
        tx.batch_execute(SCHEMA)?;
        let version: Option<String> = tx
            .query_opt(
                "SELECT value FROM hub_meta WHERE key = 'schema_version'",
                &[],
            )?
            .map(|r| r.get(0));
        match version.and_then(|v| v.parse::<i64>().ok()) {
            Some(v) if v > SCHEMA_VERSION => {
                return Err(HubError::Storage(format!(
                    "the database was written by a newer hub (schema {v})"
                )));
            }
            _ => {
                tx.execute(
                    "INSERT INTO hub_meta VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    &[&SCHEMA_VERSION.to_string()],
                )?;
            }
        }
        tx.commit()?;
        Ok(PgHubStore { client })
    }

    fn central_change(
        &mut self,
        tracking_code: &str,
        source: &str,
        f: impl FnOnce(&mut Request) -> Result<(), HubError>,
    ) -> Result<Request, HubError> {
        let now = Utc::now().timestamp();
        let mut tx = self.client.transaction()?;
        let id: String = tx
            .query_opt(
                "SELECT id FROM requests WHERE tracking_code = $1",
                &[&tracking_code],
            )?
            .map(|r| r.get(0))
            .ok_or_else(|| {
                HubError::NotFound(format!("no request with tracking code {tracking_code}"))
            })?;
        let mut req = load_request(&mut tx, &id)?.ok_or_else(|| HubError::NotFound(id.clone()))?;
        let before = req.state;
        f(&mut req)?;
        req.updated_at = Utc::now();
        save_request(&mut tx, &req, Some(before), source, None, now)?;
        log_event(
            &mut tx,
            now,
            source,
            &format!("{tracking_code}: {before} -> {}", req.state),
        )?;
        tx.commit()?;
        Ok(req)
    }
}

impl HubStorage for PgHubStore {
    fn enroll(&mut self, req: &EnrollRequest) -> Result<EnrollResponse, HubError> {
        if !crate::store::valid_code(&req.desk) {
            return Err(HubError::BadRequest(
                "bad_desk".into(),
                format!("not a desk code: {:?}", req.desk),
            ));
        }
        let now = Utc::now().timestamp();
        let mut tx = self.client.transaction()?;
        let hash = code_hash(&req.code);
        let center: Option<String> = tx
            .query_opt(
                "SELECT center FROM enroll_codes WHERE code_hash = $1 AND used_at IS NULL FOR UPDATE",
                &[&hash],
            )?
            .map(|r| r.get(0));
        let Some(center) = center else {
            log_event(
                &mut tx,
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
        let desk_id: i64 = tx
            .query_one(
                "INSERT INTO desks (center, desk, token_hash, enrolled_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&center, &req.desk, &sha256_hex(token.as_bytes()), &now],
            )?
            .get(0);
        tx.execute(
            "UPDATE enroll_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1",
            &[&hash, &now, &desk_id],
        )?;
        log_event(
            &mut tx,
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
                .client
                .query_opt(
                    "UPDATE desks SET last_seen = $2 WHERE token_hash = $1 RETURNING id, center, desk",
                    &[&sha256_hex(t.as_bytes()), &now],
                )?
                .map(|r| DeskAuth {
                    id: r.get(0),
                    center: r.get(1),
                    desk: r.get(2),
                }),
            None => None,
        };
        match found {
            Some(desk) => Ok(desk),
            None => {
                let why = if token.is_some() {
                    "bad token"
                } else {
                    "no token"
                };
                log_event(
                    &mut self.client,
                    now,
                    "unauthorised",
                    &format!("{what}: {why}"),
                )?;
                Err(HubError::Unauthorized(format!(
                    "{why}: enrol this desk first"
                )))
            }
        }
    }

    fn push(&mut self, desk: &DeskAuth, push: &PushRequest) -> Result<PushResponse, HubError> {
        let now = Utc::now().timestamp();
        let mut tx = self.client.transaction()?;
        let mut results = Vec::with_capacity(push.changes.len());
        for change in &push.changes {
            let content = serde_json::to_vec(&(&change.kind, &change.request_id, &change.payload))
                .map_err(storage)?;
            let content_hash = sha256_hex(&content);
            let earlier: Option<EarlierEffect> = tx
                .query_opt(
                    "SELECT content_hash, desk_id, outcome, hub_state, reason FROM effects WHERE key = $1",
                    &[&change.key],
                )?
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)));
            if let Some((hash, desk_id, outcome, hub_state, reason)) = earlier {
                if hash != content_hash || desk_id != desk.id {
                    drop(tx);
                    log_event(
                        &mut self.client,
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
                Some(id) => load_request(&mut tx, id)?,
                None => None,
            };
            let (result, save) = judge(desk, change, current);
            if let Some((req, before)) = save {
                save_request(&mut tx, &req, Some(before), "desk", Some(&change.key), now)?;
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
                    .map_or(0, Vec::len) as i64;
                tx.execute(
                    "INSERT INTO batches (batch, desk_id, count, body, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    &[&batch, &desk.id, &count, &change.payload.to_string(), &now],
                )?;
            }
            let outcome = match result.outcome {
                Outcome::Rejected => "rejected",
                _ => "applied",
            };
            tx.execute(
                "INSERT INTO effects (key, desk_id, content_hash, kind, request_id, outcome, hub_state, reason, payload, at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[
                    &change.key,
                    &desk.id,
                    &content_hash,
                    &change.kind,
                    &change.request_id,
                    &outcome,
                    &result.hub_state,
                    &result.reason,
                    &change.payload.to_string(),
                    &now,
                ],
            )?;
            if result.outcome == Outcome::Rejected {
                log_event(
                    &mut tx,
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
            let row = tx.query_one(
                "SELECT audit_seq, audit_hash FROM desks WHERE id = $1 FOR UPDATE",
                &[&desk.id],
            )?;
            let (seq, hash): (Option<i64>, Option<String>) = (row.get(0), row.get(1));
            let broken = match (seq, hash) {
                (Some(s), _) if head.seq < s => true,
                (Some(s), Some(h)) if head.seq == s && head.hash != h => true,
                _ => false,
            };
            if broken {
                log_event(
                    &mut tx,
                    now,
                    "audit_anchor_broken",
                    &format!("desk {}: head {} after {:?}", desk.id, head.seq, seq),
                )?;
                tx.execute(
                    "UPDATE desks SET anchor_broken = TRUE WHERE id = $1",
                    &[&desk.id],
                )?;
            } else {
                tx.execute(
                    "UPDATE desks SET audit_seq = $2, audit_hash = $3 WHERE id = $1",
                    &[&desk.id, &head.seq, &head.hash],
                )?;
            }
        }
        tx.commit()?;
        Ok(PushResponse { results })
    }

    fn pull(&mut self, desk: &DeskAuth, pull: &PullRequest) -> Result<PullResponse, HubError> {
        let limit = pull.limit.clamp(1, PULL_PAGE);
        let rows = self.client.query(
            "SELECT seq, body FROM requests WHERE center = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[&desk.center, &pull.cursor, &(i64::from(limit) + 1)],
        )?;
        let more = rows.len() > limit as usize;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows.into_iter().take(limit as usize) {
            requests.push(PulledRequest {
                seq: row.get(0),
                request: serde_json::from_str(row.get::<_, &str>(1)).map_err(storage)?,
            });
        }
        let next_cursor = requests.last().map_or(pull.cursor, |r| r.seq);
        let trust = self
            .client
            .query_opt(
                "SELECT version, document FROM trust WHERE version > $1 ORDER BY version DESC LIMIT 1",
                &[&pull.trust_version],
            )?
            .map(|r| TrustUpdate {
                version: r.get(0),
                document: r.get(1),
            });
        Ok(PullResponse {
            requests,
            next_cursor,
            more,
            trust,
        })
    }

    fn log(&mut self, event: &str, detail: &str) -> Result<(), HubError> {
        log_event(&mut self.client, Utc::now().timestamp(), event, detail)
    }

    fn new_enroll_code(&mut self, center: &str) -> Result<String, HubError> {
        if !crate::store::valid_code(center) {
            return Err(HubError::BadRequest(
                "bad_center".into(),
                format!("not a center code: {center:?}"),
            ));
        }
        let code = new_code_text()?;
        let now = Utc::now().timestamp();
        self.client.execute(
            "INSERT INTO enroll_codes (code_hash, center, created_at) VALUES ($1, $2, $3)",
            &[&code_hash(&code), &center, &now],
        )?;
        log_event(&mut self.client, now, "enroll_code", center)?;
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
            .client
            .query_one("SELECT count(*) FROM requests", &[])?
            .get(0);
        let requests = demo_requests(n, centers, seed, today, existing as u64)?;
        let now = Utc::now().timestamp();
        let mut tx = self.client.transaction()?;
        for req in &requests {
            save_request(&mut tx, req, None, "submitted", None, now)?;
        }
        log_event(
            &mut tx,
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
        let mut tx = self.client.transaction()?;
        tx.execute("LOCK TABLE trust IN EXCLUSIVE MODE", &[])?;
        let version: i64 = tx
            .query_one(
                "INSERT INTO trust (version, document, published_at)
                 VALUES ((SELECT coalesce(max(version), 0) + 1 FROM trust), $1, $2) RETURNING version",
                &[&document, &now],
            )?
            .get(0);
        log_event(
            &mut tx,
            now,
            "trust_published",
            &format!("version {version}"),
        )?;
        tx.commit()?;
        Ok(version)
    }

    fn status(&mut self) -> Result<HubStatus, HubError> {
        let c = &mut self.client;
        let requests = c
            .query(
                "SELECT center, state, count(*) FROM requests GROUP BY center, state ORDER BY center, state",
                &[],
            )?
            .into_iter()
            .map(|r| CenterStates {
                center: r.get(0),
                state: r.get(1),
                count: r.get(2),
            })
            .collect();
        let mut count = |sql: &str| -> Result<i64, HubError> { Ok(c.query_one(sql, &[])?.get(0)) };
        let effects_applied = count("SELECT count(*) FROM effects WHERE outcome = 'applied'")?;
        let effects_rejected = count("SELECT count(*) FROM effects WHERE outcome = 'rejected'")?;
        let unauthorised_attempts = count("SELECT count(*) FROM log WHERE event = 'unauthorised'")?;
        let batches = count("SELECT count(*) FROM batches")?;
        let trust_version = count("SELECT coalesce(max(version), 0)::bigint FROM trust")?;
        let desks = self
            .client
            .query(
                "SELECT id, center, desk, last_seen, audit_seq, audit_hash, anchor_broken FROM desks ORDER BY id",
                &[],
            )?
            .into_iter()
            .map(|r| DeskStatus {
                id: r.get(0),
                center: r.get(1),
                desk: r.get(2),
                last_seen: r.get::<_, Option<i64>>(3).map(rfc3339),
                audit_seq: r.get(4),
                audit_hash: r.get(5),
                anchor_broken: r.get(6),
            })
            .collect();
        Ok(HubStatus {
            requests,
            effects_applied,
            effects_rejected,
            unauthorised_attempts,
            desks,
            batches,
            trust_version,
        })
    }
}
