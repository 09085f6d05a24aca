//! The outbox: every change the hub must hear about, queued in the same
//! transaction as the change itself; `sync` drains it to the hub. Rows
//! hold the protocol's typed [`Change`], stored as its `kind` and JSON
//! `payload`.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::Store;
use crate::domain::{Actor, State, Step};
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
    actor: Actor<'_>,
    at: DateTime<Utc>,
) -> Change {
    Change::StateChange(StateChange {
        step,
        from,
        to,
        actor: actor.name.to_owned(),
        role: Some(actor.role),
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
/// hand-edited file) is an error with its number, never skipped or pushed
/// half-understood; sync sets such rows aside first
/// ([`Store::set_aside_unreadable_outbox_rows`]).
fn parse_change(seq: i64, kind: &str, payload: &str) -> Result<Change> {
    let unreadable = |detail: String| {
        Error::BadInput(
            Message::new("err-outbox-row")
                .arg("seq", seq)
                .arg("detail", detail),
        )
    };
    let payload: serde_json::Value =
        serde_json::from_str(payload).map_err(|e| unreadable(e.to_string()))?;
    serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
        .map_err(|e| unreadable(e.to_string()))
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

    /// Queued rows that do not read as a change (a damaged or hand-edited
    /// file) are taken out of the queue, each as a conflict for a
    /// supervisor with the row's number, and audited: the rest of the
    /// queue goes on. Returns how many.
    pub fn set_aside_unreadable_outbox_rows(&mut self) -> Result<u64> {
        let rows: Vec<(i64, String, String, Option<String>, String)> = {
            let mut stmt = self.conn.prepare(
                "SELECT seq, idempotency_key, kind, request_id, payload FROM outbox
                 WHERE synced_at IS NULL AND rejected_at IS NULL ORDER BY seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let unreadable: Vec<_> = rows
            .into_iter()
            .filter(|(seq, _, kind, _, payload)| parse_change(*seq, kind, payload).is_err())
            .collect();
        if unreadable.is_empty() {
            return Ok(0);
        }
        let now = self.now();
        let at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        for (seq, key, _, request_id, _) in &unreadable {
            let subject = request_id.clone().unwrap_or_else(|| "outbox".into());
            let why = Message::new("err-outbox-row")
                .arg("seq", seq)
                .arg("detail", "-");
            let reason = format!(
                "{} — {}",
                why.text(crate::i18n::Lang::Ar),
                why.text(crate::i18n::Lang::En)
            );
            tx.execute(
                "UPDATE outbox SET rejected_at = ?2, hub_answer = 'unreadable at the desk'
                 WHERE seq = ?1",
                rusqlite::params![seq, at],
            )?;
            let desk_state: Option<String> = tx
                .query_row(
                    "SELECT state FROM requests WHERE id = ?1",
                    [&subject],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "INSERT OR IGNORE INTO conflicts (request_id, idempotency_key, desk_state, hub_state,
                                                  reason, detected_at)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5)",
                rusqlite::params![
                    subject,
                    key,
                    desk_state.unwrap_or_else(|| "n/a".into()),
                    reason,
                    at
                ],
            )?;
            super::audit::append_audit(
                &tx,
                now,
                "sync",
                "outbox_row_unreadable",
                &subject,
                &format!("outbox row {seq} ({key}) set aside"),
            )?;
        }
        tx.commit()?;
        Ok(unreadable.len() as u64)
    }

    pub fn outbox_len(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM outbox WHERE synced_at IS NULL AND rejected_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{DemoOptions, create_demo};
    use crate::store::RequestRef;

    #[test]
    fn a_row_that_does_not_read_is_set_aside_as_a_conflict() {
        let dir = tempfile::TempDir::new().unwrap();
        let (mut store, _) = create_demo(
            dir.path(),
            &DemoOptions {
                requests: 40,
                seed: 3,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            },
        )
        .unwrap();
        let clerk = store.sign_in("clerk1", "123456").unwrap();
        let code: String = store
            .conn
            .query_row(
                "SELECT tracking_code FROM requests WHERE state = 'received' LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        store
            .verify(&clerk, &RequestRef::parse(&code).unwrap())
            .unwrap();
        store
            .conn
            .execute_batch(
                "INSERT INTO outbox (idempotency_key, created_at, kind, request_id, payload)
                 VALUES ('TRT01-D01-bad', '2026-11-28T10:00:00Z', 'state_change', NULL, '{not json');",
            )
            .unwrap();
        assert!(
            store.outbox_pending(10).is_err(),
            "an unreadable row is an error"
        );
        assert_eq!(store.set_aside_unreadable_outbox_rows().unwrap(), 1);
        assert_eq!(store.set_aside_unreadable_outbox_rows().unwrap(), 0);
        let pending = store.outbox_pending(10).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(store.outbox_len().unwrap(), 1);
        let sup = store.sign_in("supervisor1", "123456").unwrap();
        let conflicts = store.conflicts(&sup, false).unwrap();
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].idempotency_key, "TRT01-D01-bad");
        assert!(
            conflicts[0].reason.contains("Outbox row"),
            "{}",
            conflicts[0].reason
        );
        let audited: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM audit WHERE action = 'outbox_row_unreadable'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 1);
        assert!(store.verify_audit_chain().unwrap().first_broken.is_none());
    }
}
