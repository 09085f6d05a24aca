//! The desk's side of sync, in the store: the hub link (address and
//! token), the pull cursor kept in the same transaction as the pulled
//! rows, the hub's answers to pushed outbox rows, conflicts for a
//! supervisor to settle, and the sync state the desk shows.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::audit::append_audit;
use super::payments::{PAYMENT_KEY, PaymentProof, check_page, insert_page, prune_pages, set_proof};
use super::requests::{self, NewRow, RequestRef};
use super::users::Session;
use super::{Store, meta_get, set_meta};
use crate::domain::{Action, State};
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::protocol::{
    AuditHead, ChangeResult, EnrollRequest, EnrollResponse, HubTrust, Outcome, PROTOCOL_VERSION,
    PullResponse,
};

/// Where this desk's hub is and how it proves who it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubLink {
    pub url: String,
    /// How the desk knows it reached its hub (pinned key, CA, loopback).
    pub trust: HubTrust,
    pub token: String,
    pub desk_id: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PushTally {
    pub applied: usize,
    pub duplicate: usize,
    pub rejected: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PullTally {
    pub new: usize,
    pub updated: usize,
    /// Rows the desk kept as they are: it has changes of its own queued
    /// for them, or an open conflict.
    pub kept: usize,
    pub trust_updated: bool,
    /// A trust list the hub offered that this desk could not take (its
    /// root is not trusted here): the rows were still stored.
    pub trust_refused: Option<String>,
}

/// What the desk shows about sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub hub: Option<String>,
    pub queued: u64,
    pub synced: u64,
    pub rejected: u64,
    pub open_conflicts: u64,
    pub online: bool,
    pub last_attempt: Option<String>,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
}

impl SyncStatus {
    /// The sync state in words, for the command line's `outbox` and the
    /// desk app's outbox page: the counts, then online or not with the last
    /// success and the last error.
    pub fn messages(&self) -> [Message; 2] {
        let counts = match &self.hub {
            Some(hub) => Message::new("outbox-status").arg("hub", hub),
            None => Message::new("outbox-status").arg_tr("hub", "label-not-enrolled"),
        }
        .arg("queued", self.queued)
        .arg("synced", self.synced)
        .arg("rejected", self.rejected)
        .arg("conflicts", self.open_conflicts);
        let last = Message::new("outbox-last").arg_tr(
            "online",
            if self.online {
                "label-online"
            } else {
                "label-offline"
            },
        );
        let last = match &self.last_success {
            Some(at) => last.arg("success", at),
            None => last.arg_tr("success", "label-never"),
        };
        let last = last.arg("error", self.last_error.as_deref().unwrap_or("-"));
        [counts, last]
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub id: i64,
    pub request_id: String,
    pub tracking_code: Option<String>,
    pub idempotency_key: String,
    pub desk_state: String,
    pub hub_state: Option<String>,
    pub reason: String,
    pub detected_at: String,
    pub settled_at: Option<String>,
    pub settled_by: Option<String>,
    pub settlement: Option<String>,
}

impl Conflict {
    /// The conflict in words: the request, its state here and at the hub
    /// (named in the reader's language), and the hub's reason.
    pub fn message(&self) -> Message {
        let m = Message::new("conflict-line").arg("id", self.id).arg(
            "tracking",
            self.tracking_code.as_deref().unwrap_or(&self.request_id),
        );
        let m = with_state(m, "desk", Some(&self.desk_state));
        with_state(m, "hub", self.hub_state.as_deref()).arg("reason", &self.reason)
    }

    /// What settling it did: the request took the hub's state.
    pub fn settled_message(&self) -> Message {
        let m = Message::new("done-conflict-settled").arg("id", self.id);
        with_state(m, "state", self.hub_state.as_deref())
    }
}

/// `message` with argument `name` the state `code` names, in the reader's
/// language ("-" when there is none; the code as it is when it is not a
/// state this desk knows).
fn with_state(message: Message, name: &'static str, code: Option<&str>) -> Message {
    match code.map(|c| (c, State::parse(c))) {
        Some((_, Some(state))) => message.arg_tr(name, state.label_id()),
        Some((code, None)) => message.arg(name, code),
        None => message.arg(name, "-"),
    }
}

fn bad_answer(why: &str) -> Error {
    Error::Sync(crate::error::SyncError::BadAnswer(why.to_owned()))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Store {
    pub fn hub_link(&self) -> Result<Option<HubLink>> {
        let url = meta_get(&self.conn, "hub_url")?;
        let token = meta_get(&self.conn, "hub_token")?;
        let desk_id = meta_get(&self.conn, "hub_desk_id")?.and_then(|d| d.parse().ok());
        // Links saved before TLS have no trust row: they were plain HTTP,
        // which stays allowed to this machine only (the client refuses
        // the rest, and the admin enrols again over TLS).
        let trust = match meta_get(&self.conn, "hub_trust")? {
            Some(t) => HubTrust::from_stored(&t)
                .ok_or_else(|| Error::Data(format!("the hub trust setting {t:?} does not read")))?,
            None => HubTrust::Loopback,
        };
        Ok(match (url, token, desk_id) {
            (Some(url), Some(token), Some(desk_id)) => Some(HubLink {
                url,
                trust,
                token,
                desk_id,
            }),
            _ => None,
        })
    }

    /// Checks, before any network traffic, that this desk may enrol.
    pub fn check_may_enroll(&mut self, session: &Session) -> Result<()> {
        self.authorise(session, Action::ManageSettings, "hub")?;
        if self.is_demo()? {
            return Err(Error::bad_input("err-sync-demo-store"));
        }
        Ok(())
    }

    /// What this desk asks the hub with the operator's one-time `code`
    /// (admin only): its desk code and its signed trust list, whose root
    /// the hub pins.
    pub fn enrolment(&mut self, session: &Session, code: &str) -> Result<EnrollRequest> {
        self.check_may_enroll(session)?;
        Ok(EnrollRequest {
            protocol: PROTOCOL_VERSION,
            code: code.to_owned(),
            desk: self.desk.clone(),
            trust_list: Some(self.trust_list_for_hub()?),
        })
    }

    /// Saves what the hub answered to `enroll` (admin only).
    pub fn save_hub_link(
        &mut self,
        session: &Session,
        url: &str,
        trust: &HubTrust,
        answer: &EnrollResponse,
    ) -> Result<()> {
        self.check_may_enroll(session)?;
        if answer.center != self.center {
            return Err(Error::BadInput(
                Message::new("err-sync-center-mismatch")
                    .arg("hub", &answer.center)
                    .arg("desk", &self.center),
            ));
        }
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        set_meta(&tx, "hub_url", url)?;
        set_meta(&tx, "hub_trust", &trust.to_stored())?;
        set_meta(&tx, "hub_token", &answer.token)?;
        set_meta(&tx, "hub_desk_id", &answer.desk_id.to_string())?;
        // A new desk at the hub has no anchor yet.
        tx.execute("DELETE FROM meta WHERE key = 'hub_audit_seq'", [])?;
        // Numbers the hub saw from this desk code (before a restore, say)
        // are never given again.
        if let Some(high) = answer.document_seq {
            let ours: u64 = meta_get(&tx, "document_seq")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            if high > ours {
                set_meta(&tx, "document_seq", &high.to_string())?;
            }
        }
        // The key the hub signs payments with; none from a hub older than
        // that (the first signed page pins it then).
        match &answer.payment_key {
            Some(key) => set_meta(&tx, super::payments::PAYMENT_KEY, key)?,
            None => {
                tx.execute(
                    "DELETE FROM meta WHERE key = ?1",
                    [super::payments::PAYMENT_KEY],
                )?;
            }
        }
        // A new enrolment pulls everything again.
        set_meta(&tx, "pull_cursor", "0")?;
        append_audit(
            &tx,
            now,
            session.name(),
            "hub_enrolled",
            url,
            &format!(
                "desk {} of {}, {}",
                answer.desk_id,
                answer.center,
                match trust {
                    HubTrust::Loopback => "plain HTTP on this machine".to_owned(),
                    // The pin itself stays out of the log, which backups
                    // carry (the store keeps it, and backups drop it).
                    HubTrust::Pin(_) => "the hub's key pinned".to_owned(),
                    HubTrust::Ca(_) => "certificate checked against a CA".to_owned(),
                }
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The audit entry at the head the hub last took from this desk, as
    /// the log holds it now (a missing row reads as an empty hash), so the
    /// hub can tell a log rewritten behind its anchor.
    pub fn audit_link(&self) -> Result<Option<AuditHead>> {
        let Some(seq) = meta_get(&self.conn, "hub_audit_seq")?.and_then(|s| s.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        let hash: Option<String> = self
            .conn
            .query_row("SELECT hash FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
            .optional()?;
        Ok(Some(AuditHead {
            seq,
            hash: hash.unwrap_or_default(),
        }))
    }

    /// The hub took this head with a push.
    pub fn remember_audit_anchor(&mut self, head: &AuditHead) -> Result<()> {
        set_meta(&self.conn, "hub_audit_seq", &head.seq.to_string())
    }

    /// The newest audit row, which each push anchors at the hub.
    pub fn audit_anchor(&self) -> Result<Option<AuditHead>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(AuditHead {
                        seq: r.get(0)?,
                        hash: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records the hub's answer to pushed outbox rows, in one transaction:
    /// applied (or already applied) rows are synced; rejected ones become
    /// conflicts, and the desk's own record is left as it is.
    pub fn record_push(&mut self, results: &[ChangeResult]) -> Result<PushTally> {
        let now = self.now();
        let at = rfc3339(now);
        let mut tally = PushTally::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for r in results {
            let row: Option<(Option<String>, Option<String>, Option<String>)> = tx
                .prepare_cached(
                    "SELECT request_id, synced_at, rejected_at FROM outbox WHERE idempotency_key = ?1",
                )?
                .query_row([&r.key], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .optional()?;
            let Some((request_id, synced, rejected)) = row else {
                continue; // not ours: ignore
            };
            if synced.is_some() || rejected.is_some() {
                continue; // already recorded (an answer seen twice)
            }
            let answer = serde_json::to_string(r).map_err(|e| Error::Storage(e.to_string()))?;
            match r.outcome {
                Outcome::Applied | Outcome::Duplicate => {
                    if r.outcome == Outcome::Applied {
                        tally.applied += 1;
                    } else {
                        tally.duplicate += 1;
                    }
                    tx.prepare_cached(
                        "UPDATE outbox SET synced_at = ?2, hub_answer = ?3 WHERE idempotency_key = ?1",
                    )?
                    .execute(params![r.key, at, answer])?;
                }
                Outcome::Rejected => {
                    tally.rejected += 1;
                    tx.prepare_cached(
                        "UPDATE outbox SET rejected_at = ?2, hub_answer = ?3 WHERE idempotency_key = ?1",
                    )?
                    .execute(params![r.key, at, answer])?;
                    let subject = request_id.clone().unwrap_or_else(|| "outbox".into());
                    let desk_state: String = match &request_id {
                        Some(id) => tx
                            .query_row("SELECT state FROM requests WHERE id = ?1", [id], |x| {
                                x.get(0)
                            })
                            .optional()?
                            .unwrap_or_else(|| "unknown".into()),
                        None => "n/a".into(),
                    };
                    let reason = r.reason.clone().unwrap_or_default();
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO conflicts (request_id, idempotency_key, desk_state, hub_state, reason, detected_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![
                        subject,
                        r.key,
                        desk_state,
                        r.hub_state.map(State::as_str),
                        reason,
                        at
                    ])?;
                    append_audit(
                        &tx,
                        now,
                        "sync",
                        "sync_conflict",
                        &subject,
                        &format!(
                            "hub refused {}: desk {desk_state}, hub {}: {reason}",
                            r.key,
                            r.hub_state.map_or("-", State::as_str)
                        ),
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(tally)
    }

    /// (pull cursor, trust list version) this desk holds.
    pub fn pull_position(&self) -> Result<(i64, i64)> {
        let get = |k| -> Result<i64> {
            Ok(meta_get(&self.conn, k)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0))
        };
        Ok((get("pull_cursor")?, get("hub_trust_version")?))
    }

    /// Stores one pulled page and its cursor in one transaction: a crash
    /// never skips or repeats a row.
    pub fn apply_pull(&mut self, page: &PullResponse) -> Result<PullTally> {
        let now = self.now();
        let mut tally = PullTally::default();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let signed_page = Self::keep_signed_payments(&tx, page, now)?;
        for (index, pulled) in page.requests.iter().enumerate() {
            let hub = &pulled.request;
            let proof = signed_page.map(|page| PaymentProof {
                page,
                index: index as u32,
            });
            if hub.center != self.center {
                continue; // never another center's data
            }
            // Ids become file names: a page with a strange one is refused
            // whole (the transaction is dropped, the cursor stays).
            if !crate::domain::request::is_request_id(&hub.id) {
                return Err(Error::Sync(crate::error::SyncError::BadAnswer(format!(
                    "the hub sent a request id that is not a UUID: {:?}",
                    hub.id.chars().take(80).collect::<String>()
                ))));
            }
            let local = requests::find(&tx, &RequestRef::Id(hub.id.clone()))?;
            let Some(local) = local else {
                requests::insert(
                    &tx,
                    &NewRow {
                        req: hub.clone(),
                        frozen_content: None,
                        seal_payload: None,
                        stamp_signatures: Vec::new(),
                        // Another desk's envelope is not in this desk's tray.
                        enveloped_at_desk: None,
                        payment_proof: proof,
                    },
                )?;
                tally.new += 1;
                continue;
            };
            // Payment is the hub's to say: its facts and its signature
            // replace the desk's, whatever the desk has queued.
            if let Some(proof) = proof {
                set_proof(&tx, &hub.id, proof)?;
            }
            // Rows pulled before requests carried the citizen's sex get it.
            if local.sex.is_none()
                && let Some(sex) = hub.sex
            {
                tx.prepare_cached("UPDATE requests SET sex = ?2 WHERE id = ?1")?
                    .execute(params![hub.id, sex.as_str()])?;
            }
            if local.payment != hub.payment {
                tx.prepare_cached(
                    "UPDATE requests SET paid = ?2, bank = ?3, fee_syp = ?4 WHERE id = ?1",
                )?
                .execute(params![
                    hub.id,
                    hub.payment.paid,
                    hub.payment.bank,
                    hub.payment.fee_syp
                ])?;
                append_audit(
                    &tx,
                    now,
                    "sync",
                    "hub_payment",
                    &hub.id,
                    &format!(
                        "paid {} -> {} (from the hub)",
                        local.payment.paid, hub.payment.paid
                    ),
                )?;
            }
            if local.state == hub.state {
                continue;
            }
            let queued: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM outbox WHERE request_id = ?1 AND synced_at IS NULL AND rejected_at IS NULL)",
                )?
                .query_row([&hub.id], |r| r.get(0))?;
            let open_conflict: bool = tx
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM conflicts WHERE request_id = ?1 AND settled_at IS NULL)",
                )?
                .query_row([&hub.id], |r| r.get(0))?;
            if queued || open_conflict {
                if open_conflict {
                    tx.prepare_cached(
                        "UPDATE conflicts SET hub_state = ?2 WHERE request_id = ?1 AND settled_at IS NULL",
                    )?
                    .execute(params![hub.id, hub.state.as_str()])?;
                }
                tally.kept += 1;
                continue;
            }
            // The hub moved on (the post delivered it, or it was cancelled
            // centrally) and the desk has nothing of its own pending.
            tx.prepare_cached(
                "UPDATE requests SET state = ?2, reason = coalesce(?3, reason), updated_at = ?4 WHERE id = ?1",
            )?
            .execute(params![
                hub.id,
                hub.state.as_str(),
                hub.reason,
                now.timestamp()
            ])?;
            append_audit(
                &tx,
                now,
                "sync",
                "hub_state",
                &hub.id,
                &format!("{} -> {} (from the hub)", local.state, hub.state),
            )?;
            tally.updated += 1;
        }
        if signed_page.is_some() {
            prune_pages(&tx)?;
        }
        set_meta(&tx, "pull_cursor", &page.next_cursor.to_string())?;
        // The operator rotated this desk's token: the new one from now on
        // (the hub retires the old one when it first sees the new).
        if let Some(token) = &page.new_token {
            set_meta(&tx, "hub_token", token)?;
            append_audit(
                &tx,
                now,
                "sync",
                "hub_token_rotated",
                "hub",
                "new token from the hub",
            )?;
        }
        if tally.new + tally.updated > 0 {
            append_audit(
                &tx,
                now,
                "sync",
                "sync_pull",
                "hub",
                &format!(
                    "{} new, {} updated, cursor {}",
                    tally.new, tally.updated, page.next_cursor
                ),
            )?;
        }
        tx.commit()?;
        if let Some(trust) = &page.trust {
            // A trust list whose root this desk does not trust is refused
            // (and reported); the version is not recorded, so it is offered
            // again once an admin has imported that root.
            match self.import_trust_text("sync", &trust.document, None) {
                Ok(_) => {
                    set_meta(&self.conn, "hub_trust_version", &trust.version.to_string())?;
                    tally.trust_updated = true;
                }
                Err(Error::BadInput(msg)) => {
                    let text = msg.text(crate::i18n::Lang::En);
                    // Logged once per offered version, not at every pass.
                    let version = trust.version.to_string();
                    if meta_get(&self.conn, "hub_trust_refused")?.as_deref() != Some(&version) {
                        self.audit_only(now, "sync", "trust_refused", "hub", &text)?;
                        set_meta(&self.conn, "hub_trust_refused", &version)?;
                    }
                    tally.trust_refused = Some(text);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(tally)
    }

    /// Checks and keeps a page's payment signature (in the page's
    /// transaction); returns the kept page's id. A page whose signature
    /// fails, or that is signed by another key than the pinned one, is
    /// refused whole. A desk enrolled before the hub signed payments pins
    /// the key of its first signed page.
    fn keep_signed_payments(
        tx: &rusqlite::Transaction<'_>,
        page: &PullResponse,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let Some(signed) = &page.payments else {
            return Ok(None);
        };
        if page.requests.len() > crate::seal::payment::MAX_PAGE {
            return Err(bad_answer(
                "a page of more requests than a signature covers",
            ));
        }
        let digests = crate::seal::payment::page_digests(page.requests.iter().map(|r| &r.request));
        let signature = match check_page(tx, &signed.key, &signed.signature, &digests)? {
            Ok(sig) => sig,
            Err(why) => return Err(bad_answer(&format!("the hub's page was refused: {why}"))),
        };
        if meta_get(tx, PAYMENT_KEY)?.is_none() {
            set_meta(tx, PAYMENT_KEY, &signed.key)?;
            append_audit(
                tx,
                now,
                "sync",
                "hub_payment_key_pinned",
                "hub",
                "the key of the hub's first signed page",
            )?;
        }
        Ok(Some(insert_page(tx, &signed.key, &digests, &signature)?))
    }

    /// Remembers how the last sync attempt went (for the outbox screen).
    pub fn record_sync_attempt(&mut self, error: Option<&str>) -> Result<()> {
        let now = rfc3339(self.now());
        let tx = self.conn.transaction()?;
        set_meta(&tx, "sync_last_attempt", &now)?;
        match error {
            None => {
                set_meta(&tx, "sync_last_success", &now)?;
                tx.execute("DELETE FROM meta WHERE key = 'sync_last_error'", [])?;
                set_meta(&tx, "sync_online", "1")?;
            }
            Some(e) => {
                set_meta(&tx, "sync_last_error", e)?;
                set_meta(&tx, "sync_online", "0")?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        let count = |sql: &str| -> Result<u64> {
            Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(SyncStatus {
            hub: meta_get(&self.conn, "hub_url")?,
            queued: self.outbox_len()?,
            synced: count("SELECT count(*) FROM outbox WHERE synced_at IS NOT NULL")?,
            rejected: count("SELECT count(*) FROM outbox WHERE rejected_at IS NOT NULL")?,
            open_conflicts: count("SELECT count(*) FROM conflicts WHERE settled_at IS NULL")?,
            online: meta_get(&self.conn, "sync_online")?.as_deref() == Some("1"),
            last_attempt: meta_get(&self.conn, "sync_last_attempt")?,
            last_success: meta_get(&self.conn, "sync_last_success")?,
            last_error: meta_get(&self.conn, "sync_last_error")?,
        })
    }

    /// Conflicts (open ones, or all), newest first.
    pub fn conflicts(&mut self, session: &Session, all: bool) -> Result<Vec<Conflict>> {
        self.authorise(session, Action::Lookup, "conflicts")?;
        let sql = format!(
            "SELECT c.id, c.request_id, r.tracking_code, c.idempotency_key, c.desk_state, c.hub_state,
                    c.reason, c.detected_at, c.settled_at, c.settled_by, c.settlement
             FROM conflicts c LEFT JOIN requests r ON r.id = c.request_id
             {} ORDER BY c.id DESC",
            if all { "" } else { "WHERE c.settled_at IS NULL" }
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(Conflict {
                id: r.get(0)?,
                request_id: r.get(1)?,
                tracking_code: r.get(2)?,
                idempotency_key: r.get(3)?,
                desk_state: r.get(4)?,
                hub_state: r.get(5)?,
                reason: r.get(6)?,
                detected_at: r.get(7)?,
                settled_at: r.get(8)?,
                settled_by: r.get(9)?,
                settlement: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A supervisor settles a conflict by accepting the hub's state for the
    /// request (say, recalling an envelope for a request cancelled
    /// centrally), with a note saying what was done. Audited.
    pub fn settle_conflict(&mut self, session: &Session, id: i64, note: &str) -> Result<Conflict> {
        self.authorise(session, Action::Cancel, &format!("conflict {id}"))?;
        if note.trim().is_empty() {
            return Err(Error::ReasonRequired);
        }
        let open = self
            .conflicts(session, false)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Error::BadInput(Message::new("err-no-conflict").arg("id", id)))?;
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(hub_state) = open.hub_state.as_deref().and_then(State::parse) {
            let before: Option<String> = tx
                .query_row(
                    "SELECT state FROM requests WHERE id = ?1",
                    [&open.request_id],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "UPDATE requests SET state = ?2, updated_at = ?3 WHERE id = ?1",
                params![open.request_id, hub_state.as_str(), now.timestamp()],
            )?;
            append_audit(
                &tx,
                now,
                session.name(),
                "settle_conflict",
                &open.request_id,
                &format!(
                    "{} -> {} (the hub's state): {}",
                    before.as_deref().unwrap_or("?"),
                    hub_state,
                    note.trim()
                ),
            )?;
        } else {
            append_audit(
                &tx,
                now,
                session.name(),
                "settle_conflict",
                &open.request_id,
                note.trim(),
            )?;
        }
        // Every open conflict of this request is settled by the same act.
        tx.execute(
            "UPDATE conflicts SET settled_at = ?2, settled_by = ?3, settlement = ?4
             WHERE request_id = ?1 AND settled_at IS NULL",
            params![open.request_id, rfc3339(now), session.name(), note.trim()],
        )?;
        tx.commit()?;
        Ok(open)
    }
}
