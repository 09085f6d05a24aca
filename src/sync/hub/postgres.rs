//! The hub on PostgreSQL, for national scale: the storage primitives of
//! [`HubTx`] in PostgreSQL's SQL, and the schema's migrations. Each push
//! is one transaction; the change counter row serialises concurrent
//! writers, and a request is read `FOR UPDATE` before it moves.

use postgres::{Client, GenericClient, NoTls, Transaction};

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
use crate::sync::tls::{PostgresTls, postgres_client_config};

pub struct PgHubStore {
    client: Client,
}

impl From<postgres::Error> for HubError {
    fn from(e: postgres::Error) -> HubError {
        HubError::Storage(e.to_string())
    }
}

/// The schema version a database holds: 0 for an empty one, 1 for one
/// the first hub releases made (their tables, made with `IF NOT EXISTS`,
/// and at first no version row).
fn schema_version_in(c: &mut impl GenericClient) -> Result<i64, HubError> {
    let has_meta: bool = c
        .query_one("SELECT to_regclass('hub_meta') IS NOT NULL", &[])?
        .get(0);
    if !has_meta {
        return Ok(0);
    }
    let row = c.query_opt(
        "SELECT value FROM hub_meta WHERE key = 'schema_version'",
        &[],
    )?;
    match row.map(|r| r.get::<_, String>(0)) {
        None => Ok(1),
        Some(v) => v.parse().map_err(|_| {
            HubError::Storage(format!(
                "the database's schema version {v:?} is not a number"
            ))
        }),
    }
}

/// Reads the URL's `sslmode` and `sslrootcert` (libpq's words), which the
/// driver knows only in part: the URL for the driver, and how to check
/// the server (None: no TLS, for `disable` or no `sslmode` at all).
fn postgres_tls(url: &str) -> Result<(String, Option<PostgresTls>), HubError> {
    let bad = |why: String| HubError::Storage(format!("the database URL: {why}"));
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), None));
    };
    let (mut mode, mut root, mut rest) = (None, None, Vec::new());
    for param in query.split('&').filter(|p| !p.is_empty()) {
        match param.split_once('=') {
            Some(("sslmode", m)) => mode = Some(m.to_owned()),
            Some(("sslrootcert", f)) => root = Some(f.to_owned()),
            _ => rest.push(param.to_owned()),
        }
    }
    let read_root = |file: &Option<String>| -> Result<Vec<u8>, HubError> {
        let file = file
            .as_deref()
            .ok_or_else(|| bad("verify-ca and verify-full need sslrootcert=FILE".into()))?;
        crate::files::read_bounded(std::path::Path::new(file), 1024 * 1024)
            .map_err(|e| bad(e.to_string()))
    };
    let (driver_mode, tls) = match mode.as_deref() {
        None | Some("disable") => (mode.clone(), None),
        Some("prefer") => (mode.clone(), Some(PostgresTls::Unverified)),
        Some("require") if root.is_none() => (mode.clone(), Some(PostgresTls::Unverified)),
        Some("require" | "verify-ca") => (
            Some("require".to_owned()),
            Some(PostgresTls::VerifyCa(read_root(&root)?)),
        ),
        Some("verify-full") => (
            Some("require".to_owned()),
            Some(PostgresTls::VerifyFull(read_root(&root)?)),
        ),
        Some(other) => return Err(bad(format!("unknown sslmode {other:?}"))),
    };
    if let Some(m) = driver_mode {
        rest.push(format!("sslmode={m}"));
    }
    let url = if rest.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    Ok((url, tls))
}

impl PgHubStore {
    /// Connects and brings the schema up to date.
    pub fn connect(url: &str) -> Result<PgHubStore, HubError> {
        let (url, tls) = postgres_tls(url)?;
        let cannot =
            |e: postgres::Error| HubError::Storage(format!("cannot connect to PostgreSQL: {e}"));
        let mut client = match tls {
            None => Client::connect(&url, NoTls).map_err(cannot)?,
            Some(mode) => {
                let config = postgres_client_config(&mode)
                    .map_err(|e| HubError::Storage(format!("the database URL: {e}")))?;
                let connector = postgres_rustls::MakeTlsConnector::new(
                    tokio_rustls::TlsConnector::from(std::sync::Arc::new(config)),
                );
                Client::connect(&url, connector).map_err(cannot)?
            }
        };
        // Every connection of every hub process comes through here. When the
        // schema is already current, touch no DDL: even `CREATE INDEX`
        // takes a share lock on its table, which deadlocks against another
        // connection's open write transaction (seen with `hub serve` and
        // `hub demo` on one database).
        if schema_version_in(&mut client)? == schema::latest_version() {
            return Ok(PgHubStore { client });
        }
        let mut tx = client.transaction()?;
        // One hub at a time migrates; one that waited here finds the work
        // done and leaves it alone.
        tx.execute("SELECT pg_advisory_xact_lock(4344483101)", &[])?;
        let version = schema_version_in(&mut tx)?;
        if version > schema::latest_version() {
            return Err(HubError::Storage(format!(
                "the database was written by a newer hub (schema {version})"
            )));
        }
        for sql in schema::MIGRATIONS.iter().skip(version as usize) {
            tx.batch_execute(&Dialect::Postgres.render(sql))?;
        }
        tx.execute(
            "INSERT INTO hub_meta VALUES ('schema_version', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&schema::latest_version().to_string()],
        )?;
        tx.commit()?;
        Ok(PgHubStore { client })
    }
}

impl HubDb for PgHubStore {
    type Tx<'a> = PgTx<'a>;

    fn begin(&mut self, _write: bool) -> Result<PgTx<'_>, HubError> {
        // Writers are serialised by the rows they lock (FOR UPDATE, the
        // change counter), not by the transaction's start.
        Ok(PgTx(self.client.transaction()?))
    }
}

impl PgHubStore {
    /// Whether this connection to the database is encrypted (TLS).
    pub fn is_encrypted(&mut self) -> Result<bool, HubError> {
        Ok(self
            .client
            .query_opt(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )?
            .is_some_and(|r| r.get::<_, bool>(0)))
    }
}

pub struct PgTx<'a>(Transaction<'a>);

impl HubTx for PgTx<'_> {
    fn commit(self) -> Result<(), HubError> {
        Ok(self.0.commit()?)
    }

    fn request(&mut self, id: &str) -> Result<Option<Request>, HubError> {
        let row = self
            .0
            .query_opt("SELECT body FROM requests WHERE id = $1 FOR UPDATE", &[&id])?;
        row.map(|r| serde_json::from_str(r.get::<_, &str>(0)).map_err(storage))
            .transpose()
    }

    fn request_id_by_tracking(&mut self, tracking_code: &str) -> Result<Option<String>, HubError> {
        Ok(self
            .0
            .query_opt(
                "SELECT id FROM requests WHERE tracking_code = $1",
                &[&tracking_code],
            )?
            .map(|r| r.get(0)))
    }

    fn save_request(&mut self, req: &Request, now: i64) -> Result<(), HubError> {
        let seq: i64 = self
            .0
            .query_one(
                "UPDATE hub_meta SET value = (value::bigint + 1)::text WHERE key = 'change_seq'
                 RETURNING value::bigint",
                &[],
            )?
            .get(0);
        let body = serde_json::to_string(req).map_err(storage)?;
        self.0.execute(
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
        Ok(())
    }

    fn requests_after(&mut self, page: &PageQuery<'_>) -> Result<Vec<Changed>, HubError> {
        Ok(self
            .0
            .query(
                "SELECT seq, body FROM requests WHERE center = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&page.center, &page.after, &page.limit],
            )?
            .into_iter()
            .map(|row| Changed {
                seq: row.get(0),
                body: row.get(1),
            })
            .collect())
    }

    fn append_history(&mut self, h: &History<'_>) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO history (request_id, from_state, to_state, source, key, at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &h.request_id,
                &h.from.map(State::as_str),
                &h.to.as_str(),
                &h.source,
                &h.key,
                &h.at,
            ],
        )?;
        Ok(())
    }

    fn effect(&mut self, key: &str) -> Result<Option<Effect>, HubError> {
        let Some(row) = self.0.query_opt(
            "SELECT desk_id, content_hash, kind, request_id, outcome, hub_state, reason, payload, at
             FROM effects WHERE key = $1",
            &[&key],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(Effect {
            key: key.to_owned(),
            desk_id: row.get(0),
            content_hash: row.get(1),
            kind: row.get(2),
            request_id: row.get(3),
            outcome: outcome_column(row.get(4))?,
            hub_state: row
                .get::<_, Option<&str>>(5)
                .map(state_column)
                .transpose()?,
            reason: row.get(6),
            payload: row.get(7),
            at: row.get(8),
        }))
    }

    fn insert_effect(&mut self, e: &Effect) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO effects (key, desk_id, content_hash, kind, request_id, outcome,
                                  hub_state, reason, payload, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &e.key,
                &e.desk_id,
                &e.content_hash,
                &e.kind,
                &e.request_id,
                &e.outcome.as_str(),
                &e.hub_state.map(State::as_str),
                &e.reason,
                &e.payload,
                &e.at,
            ],
        )?;
        Ok(())
    }

    fn insert_batch(&mut self, b: &Batch<'_>) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO batches (batch, desk_id, count, body, at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[&b.batch, &b.desk_id, &b.count, &b.body, &b.at],
        )?;
        Ok(())
    }

    fn document_number_owner(
        &mut self,
        center: &str,
        number: &str,
    ) -> Result<Option<String>, HubError> {
        Ok(self
            .0
            .query_opt(
                "SELECT request_id FROM document_numbers WHERE center = $1 AND number = $2",
                &[&center, &number],
            )?
            .map(|r| r.get(0)))
    }

    fn record_document_number(
        &mut self,
        center: &str,
        number: &str,
        request_id: &str,
    ) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO document_numbers (center, number, request_id) VALUES ($1, $2, $3)",
            &[&center, &number, &request_id],
        )?;
        Ok(())
    }

    fn highest_document_number(
        &mut self,
        center: &str,
        prefix: &str,
    ) -> Result<Option<String>, HubError> {
        // Numbers of one desk code have one width, so the largest sorts last.
        Ok(self
            .0
            .query_one(
                "SELECT max(number) FROM document_numbers WHERE center = $1 AND substr(number, 1, length($2)) = $2",
                &[&center, &prefix],
            )?
            .get(0))
    }

    fn batch_owner(&mut self, batch: &str) -> Result<Option<i64>, HubError> {
        Ok(self
            .0
            .query_opt("SELECT desk_id FROM batches WHERE batch = $1", &[&batch])?
            .map(|r| r.get(0)))
    }

    fn insert_enroll_code(&mut self, c: &NewCode<'_>) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO enroll_codes (code_hash, center, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&c.hash, &c.center, &c.at, &c.expires_at],
        )?;
        Ok(())
    }

    fn unused_code(&mut self, hash: &str) -> Result<Option<UnusedCode>, HubError> {
        Ok(self
            .0
            .query_opt(
                "SELECT center, expires_at FROM enroll_codes WHERE code_hash = $1 AND used_at IS NULL
                 FOR UPDATE",
                &[&hash],
            )?
            .map(|r| UnusedCode {
                center: r.get(0),
                expires_at: r.get(1),
            }))
    }

    fn use_enroll_code(&mut self, hash: &str, desk_id: i64, now: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE enroll_codes SET used_at = $2, used_by = $3 WHERE code_hash = $1",
            &[&hash, &now, &desk_id],
        )?;
        Ok(())
    }

    fn insert_desk(&mut self, d: &NewDesk<'_>) -> Result<i64, HubError> {
        Ok(self
            .0
            .query_one(
                "INSERT INTO desks (center, desk, token_hash, enrolled_at) VALUES ($1, $2, $3, $4)
                 RETURNING id",
                &[&d.center, &d.desk, &d.token_hash, &d.at],
            )?
            .get(0))
    }

    fn active_desk_named(&mut self, center: &str, desk: &str) -> Result<Option<i64>, HubError> {
        Ok(self
            .0
            .query_opt(
                "SELECT id FROM desks WHERE center = $1 AND desk = $2 AND revoked_at IS NULL",
                &[&center, &desk],
            )?
            .map(|r| r.get(0)))
    }

    fn desk_by_token(&mut self, token_hash: &str) -> Result<Option<TokenMatch>, HubError> {
        Ok(self
            .0
            .query_opt(
                "SELECT id, center, desk, revoked_at IS NOT NULL, coalesce(next_token_hash = $1, FALSE),
                        rotate_requested
                 FROM desks WHERE token_hash = $1 OR next_token_hash = $1",
                &[&token_hash],
            )?
            .map(|r| TokenMatch {
                desk: DeskAuth {
                    id: r.get(0),
                    center: r.get(1),
                    desk: r.get(2),
                },
                revoked: r.get(3),
                is_next: r.get(4),
                rotate_requested: r.get(5),
            }))
    }

    fn promote_next_token(&mut self, desk_id: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET token_hash = next_token_hash, next_token_hash = NULL
             WHERE id = $1 AND next_token_hash IS NOT NULL",
            &[&desk_id],
        )?;
        Ok(())
    }

    fn set_next_token(&mut self, desk_id: i64, token_hash: &str) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET next_token_hash = $2, rotate_requested = FALSE WHERE id = $1",
            &[&desk_id, &token_hash],
        )?;
        Ok(())
    }

    fn revoke_desk(&mut self, desk_id: i64, now: i64) -> Result<bool, HubError> {
        Ok(self.0.execute(
            "UPDATE desks SET revoked_at = $2, next_token_hash = NULL, rotate_requested = FALSE
             WHERE id = $1 AND revoked_at IS NULL",
            &[&desk_id, &now],
        )? == 1)
    }

    fn request_rotation(&mut self, desk_id: i64) -> Result<bool, HubError> {
        Ok(self.0.execute(
            "UPDATE desks SET rotate_requested = TRUE WHERE id = $1 AND revoked_at IS NULL",
            &[&desk_id],
        )? == 1)
    }

    fn rotation_requested(&mut self, desk_id: i64) -> Result<bool, HubError> {
        Ok(self
            .0
            .query_one(
                "SELECT rotate_requested FROM desks WHERE id = $1",
                &[&desk_id],
            )?
            .get(0))
    }

    fn touch_desk(&mut self, desk_id: i64, now: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET last_seen = $2 WHERE id = $1",
            &[&desk_id, &now],
        )?;
        Ok(())
    }

    fn audit_anchor(&mut self, desk_id: i64) -> Result<Option<AuditHead>, HubError> {
        let row = self.0.query_one(
            "SELECT audit_seq, audit_hash FROM desks WHERE id = $1 FOR UPDATE",
            &[&desk_id],
        )?;
        Ok(anchor_from(row.get(0), row.get(1)))
    }

    fn set_audit_anchor(&mut self, desk_id: i64, head: &AuditHead) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET audit_seq = $2, audit_hash = $3 WHERE id = $1",
            &[&desk_id, &head.seq, &head.hash],
        )?;
        Ok(())
    }

    fn mark_anchor_broken(&mut self, desk_id: i64) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET anchor_broken = TRUE WHERE id = $1",
            &[&desk_id],
        )?;
        Ok(())
    }

    fn desk_trust(&mut self, desk_id: i64) -> Result<DeskTrust, HubError> {
        let row = self.0.query_opt(
            "SELECT trust_root, trust_list, trust_issued_at FROM desks WHERE id = $1 FOR UPDATE",
            &[&desk_id],
        )?;
        Ok(row
            .map(|row| DeskTrust {
                root: row.get(0),
                list: row.get(1),
                issued_at: row.get(2),
            })
            .unwrap_or_default())
    }

    fn set_desk_trust(&mut self, desk_id: i64, trust: &DeskTrust) -> Result<(), HubError> {
        self.0.execute(
            "UPDATE desks SET trust_root = $2, trust_list = $3, trust_issued_at = $4 WHERE id = $1",
            &[&desk_id, &trust.root, &trust.list, &trust.issued_at],
        )?;
        Ok(())
    }

    fn desks(&mut self) -> Result<Vec<DeskStatus>, HubError> {
        Ok(self
            .0
            .query(
                "SELECT id, center, desk, last_seen, audit_seq, audit_hash, anchor_broken,
                        enrolled_at, revoked_at, rotate_requested OR next_token_hash IS NOT NULL,
                        trust_root
                 FROM desks ORDER BY id",
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
                enrolled_at: rfc3339(r.get(7)),
                revoked_at: r.get::<_, Option<i64>>(8).map(rfc3339),
                rotation_pending: r.get(9),
                trust_root: r.get(10),
            })
            .collect())
    }

    fn insert_trust(&mut self, document: &str, now: i64) -> Result<i64, HubError> {
        // Two publishers must not both take the next number.
        self.0.execute("LOCK TABLE trust IN EXCLUSIVE MODE", &[])?;
        Ok(self
            .0
            .query_one(
                "INSERT INTO trust (version, document, published_at)
                 VALUES ((SELECT coalesce(max(version), 0) + 1 FROM trust), $1, $2)
                 RETURNING version",
                &[&document, &now],
            )?
            .get(0))
    }

    fn trust_after(&mut self, version: i64) -> Result<Option<TrustUpdate>, HubError> {
        Ok(self
            .0
            .query_opt(
                "SELECT version, document FROM trust WHERE version > $1
                 ORDER BY version DESC LIMIT 1",
                &[&version],
            )?
            .map(|r| TrustUpdate {
                version: r.get(0),
                document: r.get(1),
            }))
    }

    fn requests_by_center_state(&mut self) -> Result<Vec<CenterStates>, HubError> {
        let rows = self.0.query(
            "SELECT center, state, count(*) FROM requests GROUP BY center, state
             ORDER BY center, state",
            &[],
        )?;
        rows.into_iter()
            .map(|r| {
                Ok(CenterStates {
                    center: r.get(0),
                    state: state_column(r.get(1))?,
                    count: r.get(2),
                })
            })
            .collect()
    }

    fn tally(&mut self, what: Tally) -> Result<i64, HubError> {
        Ok(self.0.query_one(&what.sql(), &[])?.get(0))
    }

    fn log(&mut self, now: i64, event: &str, detail: &str) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO log (at, event, detail) VALUES ($1, $2, $3)",
            &[&now, &event, &detail],
        )?;
        Ok(())
    }

    fn setting(&mut self, key: &str) -> Result<Option<String>, HubError> {
        Ok(self
            .0
            .query_opt("SELECT value FROM hub_meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn add_setting(&mut self, key: &str, value: &str) -> Result<(), HubError> {
        self.0.execute(
            "INSERT INTO hub_meta VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            &[&key, &value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_is_read_as_libpq_reads_it() {
        let base = "postgres://u:p@db.example/hub";
        assert_eq!(postgres_tls(base).unwrap(), (base.to_owned(), None));
        let (url, tls) = postgres_tls(&format!("{base}?sslmode=disable")).unwrap();
        assert_eq!(
            (url.as_str(), tls),
            ("postgres://u:p@db.example/hub?sslmode=disable", None)
        );
        let (url, tls) =
            postgres_tls(&format!("{base}?connect_timeout=5&sslmode=require")).unwrap();
        assert_eq!(url, format!("{base}?connect_timeout=5&sslmode=require"));
        assert_eq!(tls, Some(PostgresTls::Unverified));
        let root = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(root.path(), b"PEM").unwrap();
        let root_param = format!("sslrootcert={}", root.path().display());
        let (url, tls) = postgres_tls(&format!("{base}?sslmode=verify-full&{root_param}")).unwrap();
        assert_eq!(url, format!("{base}?sslmode=require"));
        assert_eq!(tls, Some(PostgresTls::VerifyFull(b"PEM".to_vec())));
        let (_, tls) = postgres_tls(&format!("{base}?{root_param}&sslmode=require")).unwrap();
        assert_eq!(tls, Some(PostgresTls::VerifyCa(b"PEM".to_vec())));
        for bad in [
            "?sslmode=verify-full",
            "?sslmode=verify-ca",
            "?sslmode=allowish",
        ] {
            assert!(postgres_tls(&format!("{base}{bad}")).is_err(), "{bad}");
        }
    }
}
