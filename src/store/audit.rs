//! The audit log: append-only and hash-chained. Each row carries the hash
//! of the previous row, so an edit, a deletion or a reordering anywhere in
//! the chain shows up at the first broken link. (Truncating the tail is
//! caught by the hub, which keeps the latest head: see the sync issue.)

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Session, Store};
use crate::domain::{Action, Request};
use crate::error::Result;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// At most this many steps of one request are shown (a request takes a
/// dozen in its life; refusals repeated by a script are cut here).
const HISTORY_LIMIT: i64 = 200;

/// An audit row as `SELECT seq, at, actor, action, subject, detail,
/// prev_hash, hash` reads it.
fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        subject: r.get(4)?,
        detail: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

/// The result of walking the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub rows: u64,
    pub head: String,
    /// The first row whose link does not hold, and why.
    pub first_broken: Option<(i64, String)>,
    /// The append-only triggers that are missing or not as this program
    /// made them: someone could rewrite rows with recomputed hashes.
    pub unguarded: Vec<String>,
}

impl ChainReport {
    /// The chain holds and its guards are in place.
    pub fn is_sound(&self) -> bool {
        self.first_broken.is_none() && self.unguarded.is_empty()
    }
}

/// The triggers that keep the audit log append-only, as the schema makes
/// them (compared without regard to spacing).
const GUARDS: &[(&str, &str)] = &[
    (
        "audit_is_append_only_update",
        "CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ),
    (
        "audit_is_append_only_delete",
        "CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ),
];

fn squeeze(sql: &str) -> String {
    sql.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(';')
        .to_owned()
}

/// The names of the guards that are missing or changed in `conn`.
fn unguarded(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut missing = Vec::new();
    for (name, sql) in GUARDS {
        let found: Option<String> = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1 AND tbl_name = 'audit'",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if found.map(|f| squeeze(&f)) != Some(squeeze(sql)) {
            missing.push((*name).to_owned());
        }
    }
    Ok(missing)
}

fn row_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different rows hash the same bytes.
    for part in [prev, &seq.to_string(), at, actor, action, subject, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends a row inside the caller's transaction and returns its hash.
pub(crate) fn append_audit(
    conn: &Connection,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<String> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_owned()),
    };
    let at = at.to_rfc3339_opts(SecondsFormat::Millis, true);
    let hash = row_hash(&prev, seq, &at, actor, action, subject, detail);
    conn.prepare_cached(
        "INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute((seq, &at, actor, action, subject, detail, &prev, &hash))?;
    Ok(hash)
}

impl Store {
    /// An audit row on its own (sign-ins, refusals, lookups).
    pub(crate) fn audit_only(
        &mut self,
        at: DateTime<Utc>,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        append_audit(&tx, at, actor, action, subject, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Walks the whole chain from the first row.
    pub fn verify_audit_chain(&self) -> Result<ChainReport> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut expected_prev = GENESIS_HASH.to_owned();
        let mut expected_seq = 1i64;
        let mut count = 0u64;
        while let Some(r) = rows.next()? {
            let e = entry(r)?;
            count += 1;
            let broken = if e.seq != expected_seq {
                Some(format!(
                    "expected row {expected_seq}, found row {} (rows missing)",
                    e.seq
                ))
            } else if e.prev_hash != expected_prev {
                Some("does not link to the row before it".to_owned())
            } else if row_hash(
                &e.prev_hash,
                e.seq,
                &e.at,
                &e.actor,
                &e.action,
                &e.subject,
                &e.detail,
            ) != e.hash
            {
                Some("its content was changed after it was written".to_owned())
            } else {
                None
            };
            if let Some(why) = broken {
                return Ok(ChainReport {
                    rows: count,
                    head: e.hash,
                    first_broken: Some((e.seq, why)),
                    unguarded: unguarded(&self.conn)?,
                });
            }
            expected_prev = e.hash;
            expected_seq += 1;
        }
        Ok(ChainReport {
            rows: count,
            head: expected_prev,
            first_broken: None,
            unguarded: unguarded(&self.conn)?,
        })
    }

    /// `citizen-desk audit tail`: the newest `limit` rows, newest first,
    /// for a supervisor or an admin. The log names citizens and staff, so
    /// reading it is itself recorded.
    pub fn audit_tail(&mut self, session: &Session, limit: u32) -> Result<Vec<AuditEntry>> {
        self.authorise(session, Action::ReadAudit, "audit")?;
        let rows = self.audit_rows(limit)?;
        let now = self.now();
        self.audit_only(
            now,
            session.name(),
            "audit_tail",
            "audit",
            &format!("{} rows", rows.len()),
        )?;
        Ok(rows)
    }

    /// The newest `limit` rows, newest first, with no session and no
    /// record of the read: for tests and integrity tools. The desk never
    /// calls it on anyone's behalf.
    #[doc(hidden)]
    pub fn audit_rows(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A request's history for its page: every step taken on it at this
    /// desk or learnt from the hub (verify, stamps, prints, envelope,
    /// dispatch, refusals, conflicts), oldest first. Opening and listing
    /// the request are left out: they say who looked, not what happened.
    /// Anyone who may open the request may read this; it names only
    /// staff and steps already on the page.
    pub fn request_history(
        &mut self,
        session: &Session,
        request: &Request,
    ) -> Result<Vec<AuditEntry>> {
        self.authorise(session, Action::Lookup, &request.id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit
             WHERE subject IN (?1, ?2) AND action NOT IN ('show', 'lookup', 'list')
             ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![request.id, request.tracking_code, HISTORY_LIMIT],
            entry,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The hash of the newest row (the genesis hash for an empty log).
    pub fn audit_head(&self) -> Result<String> {
        Ok(self
            .audit_anchor()?
            .map_or_else(|| GENESIS_HASH.to_owned(), |head| head.hash))
    }
}
