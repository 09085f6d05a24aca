//! The outbox: every change the hub must hear about, queued in the same
//! transaction as the change itself; `sync` drains it to the hub.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub idempotency_key: String,
    pub created_at: String,
    pub kind: String,
    pub request_id: Option<String>,
    pub payload: serde_json::Value,
    pub synced_at: Option<String>,
}

/// A random key the hub uses to apply each change exactly once.
pub(crate) fn new_idempotency_key(center: &str, desk: &str) -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    Ok(format!("{center}-{desk}-{}", hex::encode(bytes)))
}

pub(crate) fn append_outbox(
    conn: &Connection,
    key: &str,
    at: DateTime<Utc>,
    kind: &str,
    request_id: Option<&str>,
    payload: &serde_json::Value,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (idempotency_key, created_at, kind, request_id, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((key, at.to_rfc3339_opts(SecondsFormat::Secs, true), kind, request_id, payload.to_string()))?;
    Ok(())
}

impl Store {
    /// Queued (not yet synced) entries, oldest first.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, idempotency_key, created_at, kind, request_id, payload, synced_at
             FROM outbox WHERE synced_at IS NULL AND rejected_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            let payload: String = r.get(5)?;
            Ok(OutboxEntry {
                seq: r.get(0)?,
                idempotency_key: r.get(1)?,
                created_at: r.get(2)?,
                kind: r.get(3)?,
                request_id: r.get(4)?,
                payload: serde_json::from_str(&payload)
                    .unwrap_or(serde_json::Value::String(payload)),
                synced_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE synced_at IS NULL AND rejected_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}
