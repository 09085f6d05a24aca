//! The outbox: every change the hub must hear about, queued in the same
//! transaction as the change itself; `sync` drains it to the hub. Rows
//! hold the protocol's typed [`Change`], stored as its `kind` and JSON
//! `payload`.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::Store;
use crate::domain::{Role, State, Step};
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::protocol::{Change, PushChange, StateChange};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub idempotency_key: String,
    pub created_at: String,
    pub request_id: Option<String>,
    #[serde(flatten)]
    pub change: Change,
    pub synced_at: Option<String>,
}

impl OutboxEntry {
    /// The row as it is pushed.
    pub fn to_push(&self) -> PushChange {
        PushChange {
            key: self.idempotency_key.clone(),
            request_id: self.request_id.clone(),
            change: self.change.clone(),
        }
    }
}

/// A random key the hub uses to apply each change exactly once.
pub(crate) fn new_idempotency_key(center: &str, desk: &str) -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    Ok(format!("{center}-{desk}-{}", hex::encode(bytes)))
}

/// The change a lifecycle step makes, as the outbox records it.
pub(crate) fn state_change(
    step: Step,
    from: State,
    to: State,
    actor: (&str, Role),
    at: DateTime<Utc>,
) -> Change {
    Change::StateChange(StateChange {
        step,
        from,
        to,
        actor: actor.0.to_owned(),
        role: Some(actor.1),
        at,
    })
}

pub(crate) fn append_outbox(
    conn: &Connection,
    key: &str,
    at: DateTime<Utc>,
    request_id: Option<&str>,
    change: &Change,
) -> Result<()> {
    let mut wire = serde_json::to_value(change).map_err(|e| Error::Storage(e.to_string()))?;
    let payload = wire
        .get_mut("payload")
        .map(serde_json::Value::take)
        .unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO outbox (idempotency_key, created_at, kind, request_id, payload) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((
        key,
        at.to_rfc3339_opts(SecondsFormat::Secs, true),
        change.kind(),
        request_id,
        payload.to_string(),
    ))?;
    Ok(())
}

/// A stored row's change. A row that does not read as one (a damaged or
/// hand-edited file) stops the sync with its number rather than being
/// skipped or pushed half-understood.
fn parse_change(seq: i64, kind: &str, payload: &str) -> Result<Change> {
    let payload: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
    serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload })).map_err(|e| {
        Error::BadInput(
            Message::new("err-outbox-row")
                .arg("seq", seq)
                .arg("detail", e),
        )
    })
}

impl Store {
    /// Queued (not yet synced) entries, oldest first.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, idempotency_key, created_at, kind, request_id, payload, synced_at
             FROM outbox WHERE synced_at IS NULL AND rejected_at IS NULL ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut entries = Vec::new();
        for row in rows {
            let (seq, idempotency_key, created_at, kind, request_id, payload, synced_at) = row?;
            entries.push(OutboxEntry {
                change: parse_change(seq, &kind, &payload)?,
                seq,
                idempotency_key,
                created_at,
                request_id,
                synced_at,
            });
        }
        Ok(entries)
    }

    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE synced_at IS NULL AND rejected_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}
