//! The hub's algorithms, written once over a narrow storage interface:
//! push, pull, enrolment, authentication, the central changes and the
//! operator's status. A backend ([`super::HubStore`] on SQLite,
//! [`super::PgHubStore`] on PostgreSQL) implements only [`HubDb`] and the
//! primitives of [`HubTx`]; every decision is made here or in
//! [`super::rules`].

use chrono::Utc;

use super::rules::{
    CenterStates, DeskStatus, HubDemo, HubStatus, apply_cancel, apply_post_report, code_hash,
    demo_requests, document_seq, judge, judge_batch, new_code_text, new_token, number_taken,
    sha256_hex, storage,
};
use super::seals::{SealCheck, open_desk_list};
use super::{DeskAuth, HubError, HubStorage};
use crate::domain::{Request, State, Step, valid_code};
use crate::protocol::*;
use crate::seal::crypto::SigningKey;
use crate::seal::payment;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// A data store the hub can run on.
pub trait HubDb {
    type Tx<'a>: HubTx
    where
        Self: 'a;

    /// Starts a transaction. A writing one holds the write lock from its
    /// start (SQLite `BEGIN IMMEDIATE`), so two pushes never interleave.
    fn begin(&mut self, write: bool) -> Result<Self::Tx<'_>, HubError>;
}

/// What the hub recorded for an idempotency key.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    pub key: String,
    pub desk_id: i64,
    pub content_hash: String,
    pub kind: String,
    pub request_id: Option<String>,
    pub outcome: Outcome,
    pub hub_state: Option<State>,
    pub reason: Option<String>,
    /// The change's payload as JSON.
    pub payload: String,
    pub at: i64,
}

/// One step in a request's history at the hub.
#[derive(Clone, Copy, Debug)]
pub struct History<'a> {
    pub request_id: &'a str,
    pub from: Option<State>,
    pub to: State,
    /// `desk`, `submitted`, `post` or `central_cancel`.
    pub source: &'a str,
    pub key: Option<&'a str>,
    pub at: i64,
}

/// A hand-over batch a desk reported.
#[derive(Clone, Debug)]
pub struct Batch<'a> {
    pub batch: &'a str,
    pub desk_id: i64,
    pub count: i64,
    pub body: String,
    pub at: i64,
}

/// Which changed requests a pull asks for.
#[derive(Clone, Copy, Debug)]
pub struct PageQuery<'a> {
    pub center: &'a str,
    /// The last change number the desk holds.
    pub after: i64,
    pub limit: i64,
}

/// A request as it was last changed at the hub.
#[derive(Clone, Debug)]
pub struct Changed {
    /// The change number (what desks pull by).
    pub seq: i64,
    /// The request as JSON.
    pub body: String,
}

/// A desk being enrolled.
#[derive(Clone, Copy, Debug)]
pub struct NewDesk<'a> {
    pub center: &'a str,
    pub desk: &'a str,
    pub token_hash: &'a str,
    pub at: i64,
}

/// A new enrolment code, by its hash.
pub struct NewCode<'a> {
    pub hash: &'a str,
    pub center: &'a str,
    pub at: i64,
    pub expires_at: i64,
}

/// An enrolment code not used yet.
pub struct UnusedCode {
    pub center: String,
    /// None for codes made before codes expired (they do now, on use).
    pub expires_at: Option<i64>,
}

/// Who a token belongs to, and what the hub holds about it.
pub struct TokenMatch {
    pub desk: DeskAuth,
    pub revoked: bool,
    /// The token is the desk's next one (handed out by a rotation).
    pub is_next: bool,
    /// The operator asked for a new token at the next pull.
    pub rotate_requested: bool,
}

/// How long an enrolment code is good for unless the operator says.
pub const DEFAULT_CODE_HOURS: u32 = 24;

/// The counts `hub status` shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tally {
    EffectsApplied,
    EffectsRejected,
    UnauthorisedAttempts,
    Batches,
    TrustVersion,
    Requests,
}

impl Tally {
    /// The query, in SQL both backends read.
    pub fn sql(self) -> String {
        let effects = |o: Outcome| {
            format!(
                "SELECT count(*) FROM effects WHERE outcome = '{}'",
                o.as_str()
            )
        };
        match self {
            Tally::EffectsApplied => effects(Outcome::Applied),
            Tally::EffectsRejected => effects(Outcome::Rejected),
            Tally::UnauthorisedAttempts => {
                "SELECT count(*) FROM log WHERE event = 'unauthorised'".into()
            }
            Tally::Batches => "SELECT count(*) FROM batches".into(),
            Tally::TrustVersion => "SELECT coalesce(max(version), 0) FROM trust".into(),
            Tally::Requests => "SELECT count(*) FROM requests".into(),
        }
    }
}

/// What the hub keeps of a desk's trust list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeskTrust {
    /// The kid of the root that signs it, pinned at enrolment.
    pub root: Option<String>,
    /// The signed export as the desk sent it.
    pub list: Option<String>,
    pub issued_at: Option<i64>,
}

/// The storage primitives, inside one transaction. Each is one query; none
/// decides anything.
pub trait HubTx {
    fn commit(self) -> Result<(), HubError>;

    /// The request with this id, locked until the transaction ends.
    fn request(&mut self, id: &str) -> Result<Option<Request>, HubError>;
    fn request_id_by_tracking(&mut self, tracking_code: &str) -> Result<Option<String>, HubError>;
    /// Inserts or replaces a request under the next change number (what
    /// desks pull by).
    fn save_request(&mut self, req: &Request, now: i64) -> Result<(), HubError>;
    /// A center's requests changed after a change number, oldest first.
    fn requests_after(&mut self, page: &PageQuery<'_>) -> Result<Vec<Changed>, HubError>;
    fn append_history(&mut self, entry: &History<'_>) -> Result<(), HubError>;

    fn effect(&mut self, key: &str) -> Result<Option<Effect>, HubError>;
    fn insert_effect(&mut self, effect: &Effect) -> Result<(), HubError>;
    fn insert_batch(&mut self, batch: &Batch<'_>) -> Result<(), HubError>;

    /// The request a document number of a center was given to.
    fn document_number_owner(
        &mut self,
        center: &str,
        number: &str,
    ) -> Result<Option<String>, HubError>;
    fn record_document_number(
        &mut self,
        center: &str,
        number: &str,
        request_id: &str,
    ) -> Result<(), HubError>;
    /// The highest document number recorded that begins with `prefix`.
    fn highest_document_number(
        &mut self,
        center: &str,
        prefix: &str,
    ) -> Result<Option<String>, HubError>;
    /// The desk that recorded a hand-over batch, if one did.
    fn batch_owner(&mut self, batch: &str) -> Result<Option<i64>, HubError>;

    fn insert_enroll_code(&mut self, code: &NewCode<'_>) -> Result<(), HubError>;
    /// An enrolment code not used yet (locked).
    fn unused_code(&mut self, hash: &str) -> Result<Option<UnusedCode>, HubError>;
    fn use_enroll_code(&mut self, hash: &str, desk_id: i64, now: i64) -> Result<(), HubError>;
    /// Records an enrolled desk; returns its id.
    fn insert_desk(&mut self, desk: &NewDesk<'_>) -> Result<i64, HubError>;
    /// The desk enrolled under this center and desk code and not revoked.
    fn active_desk_named(&mut self, center: &str, desk: &str) -> Result<Option<i64>, HubError>;
    /// The desk whose current or next token has this hash.
    fn desk_by_token(&mut self, token_hash: &str) -> Result<Option<TokenMatch>, HubError>;
    fn touch_desk(&mut self, desk_id: i64, now: i64) -> Result<(), HubError>;
    /// The desk's next token becomes its only one.
    fn promote_next_token(&mut self, desk_id: i64) -> Result<(), HubError>;
    /// Keeps the hash of a token just handed to the desk, beside its
    /// current one, and clears the rotation request.
    fn set_next_token(&mut self, desk_id: i64, token_hash: &str) -> Result<(), HubError>;
    /// Revokes a desk's tokens; false when there is no such active desk.
    fn revoke_desk(&mut self, desk_id: i64, now: i64) -> Result<bool, HubError>;
    /// Asks for a new token at the desk's next pull; false when there is
    /// no such active desk.
    fn request_rotation(&mut self, desk_id: i64) -> Result<bool, HubError>;
    fn rotation_requested(&mut self, desk_id: i64) -> Result<bool, HubError>;
    /// The audit head a desk last reported (locked).
    fn audit_anchor(&mut self, desk_id: i64) -> Result<Option<AuditHead>, HubError>;
    fn set_audit_anchor(&mut self, desk_id: i64, head: &AuditHead) -> Result<(), HubError>;
    fn mark_anchor_broken(&mut self, desk_id: i64) -> Result<(), HubError>;
    /// The root a desk's trust lists must be signed by, and the newest
    /// list it sent (locked).
    fn desk_trust(&mut self, desk_id: i64) -> Result<DeskTrust, HubError>;
    fn set_desk_trust(&mut self, desk_id: i64, trust: &DeskTrust) -> Result<(), HubError>;
    fn desks(&mut self) -> Result<Vec<DeskStatus>, HubError>;

    /// Stores a trust list under the next version number; returns it.
    fn insert_trust(&mut self, document: &str, now: i64) -> Result<i64, HubError>;
    /// The newest trust list after `version`.
    fn trust_after(&mut self, version: i64) -> Result<Option<TrustUpdate>, HubError>;

    fn requests_by_center_state(&mut self) -> Result<Vec<CenterStates>, HubError>;
    fn tally(&mut self, what: Tally) -> Result<i64, HubError>;
    fn log(&mut self, now: i64, event: &str, detail: &str) -> Result<(), HubError>;
    /// A value of the hub's own settings (`hub_meta`).
    fn setting(&mut self, key: &str) -> Result<Option<String>, HubError>;
    /// Adds a setting unless it is there already (the first writer wins).
    fn add_setting(&mut self, key: &str, value: &str) -> Result<(), HubError>;
}

fn now() -> i64 {
    Utc::now().timestamp()
}

/// The hub's payment key lives in its settings, in the same database as
/// the payment facts it vouches for: whoever can write that database can
/// change the facts themselves, so the key adds no new secret to guard
/// there, while a desk's copy of the facts can no longer be edited.
const PAYMENT_KEY: &str = "payment_key";

fn payment_key<T: HubTx>(tx: &mut T) -> Result<Option<SigningKey>, HubError> {
    match tx.setting(PAYMENT_KEY)? {
        None => Ok(None),
        Some(text) => hex::decode(text.trim())
            .ok()
            .and_then(|bytes| SigningKey::from_bytes(&bytes).ok())
            .map(Some)
            .ok_or_else(|| storage("the hub's payment key in hub_meta is damaged")),
    }
}

/// The payment key, made at the first need (one writer wins).
fn ensure_payment_key<T: HubTx>(tx: &mut T) -> Result<SigningKey, HubError> {
    if let Some(key) = payment_key(tx)? {
        return Ok(key);
    }
    let key = SigningKey::generate().map_err(storage)?;
    tx.add_setting(PAYMENT_KEY, &hex::encode(key.to_bytes()))?;
    tx.log(
        now(),
        "payment_key_made",
        "the hub signs payment facts from now on",
    )?;
    payment_key(tx)?.ok_or_else(|| storage("the payment key was not kept"))
}

fn payment_key_text(key: &SigningKey) -> String {
    B64.encode(key.public_point())
}

/// The hub's signature over a page's payment facts (none for no rows).
fn sign_payments(key: &SigningKey, requests: &[PulledRequest]) -> Option<SignedPayments> {
    if requests.is_empty() {
        return None;
    }
    let digests = payment::page_digests(requests.iter().map(|r| &r.request));
    Some(SignedPayments {
        key: payment_key_text(key),
        signature: B64.encode(payment::sign_page(key, &digests)),
    })
}

/// One pushed change in the transaction of its push: a replay is answered
/// as before; a key seen with other content ends the push (`Err`, nothing
/// kept); a new change is judged, and its effect recorded with it.
fn push_one<T: HubTx>(
    tx: &mut T,
    desk: &DeskAuth,
    change: &PushChange,
    seals: &SealCheck,
    now: i64,
) -> Result<Result<ChangeResult, HubError>, HubError> {
    let content_hash = change.content_hash();
    if let Some(earlier) = tx.effect(&change.key)? {
        if earlier.desk_id != desk.id || !same_content(&earlier, change, &content_hash) {
            return Ok(Err(HubError::Conflict(format!(
                "idempotency key {} was used before with different content",
                change.key
            ))));
        }
        return Ok(Ok(ChangeResult {
            key: change.key.clone(),
            outcome: match earlier.outcome {
                Outcome::Rejected => Outcome::Rejected,
                Outcome::Applied | Outcome::Duplicate => Outcome::Duplicate,
            },
            hub_state: earlier.hub_state,
            reason: earlier.reason,
        }));
    }
    let current = match &change.request_id {
        Some(id) => tx.request(id)?,
        None => None,
    };
    let number = match &change.change {
        Change::StateChange(StateChange {
            step: Step::Verify {
                document_number, ..
            },
            ..
        }) => Some(document_number.as_str()),
        _ => None,
    };
    let mut judgement = match &change.change {
        Change::HandoverBatch(batch) => {
            let owner = tx.batch_owner(&batch.batch)?;
            judge_batch(desk, change, batch, owner)
        }
        _ => judge(desk, change, current, seals),
    };
    if let (Some(number), Some(saved)) = (number, &judgement.save) {
        let owner = tx.document_number_owner(&desk.center, number)?;
        match number_taken(number, &saved.request.id, owner.as_deref()) {
            Some(why) => judgement = judgement.refused(why),
            None => tx.record_document_number(&desk.center, number, &saved.request.id)?,
        }
    }
    if let Some(saved) = &judgement.save {
        tx.save_request(&saved.request, now)?;
        tx.append_history(&History {
            request_id: &saved.request.id,
            from: Some(saved.from),
            to: saved.request.state,
            source: "desk",
            key: Some(&change.key),
            at: now,
        })?;
    }
    if let Change::HandoverBatch(batch) = &change.change
        && judgement.result.outcome == Outcome::Applied
    {
        tx.insert_batch(&Batch {
            batch: &batch.batch,
            desk_id: desk.id,
            count: batch.tracking_codes.len() as i64,
            body: serde_json::to_string(batch).map_err(storage)?,
            at: now,
        })?;
    }
    let result = judgement.result;
    tx.insert_effect(&Effect {
        key: change.key.clone(),
        desk_id: desk.id,
        content_hash,
        kind: change.change.kind().to_owned(),
        request_id: change.request_id.clone(),
        outcome: result.outcome,
        hub_state: result.hub_state,
        reason: result.reason.clone(),
        payload: payload_json(&change.change)?,
        at: now,
    })?;
    if result.outcome == Outcome::Rejected {
        tx.log(
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
    Ok(Ok(result))
}

/// What this push's seals are checked with: the desk's newest trust list,
/// the one `sent` with the push when it is newer than the one kept (none
/// is read when nothing was sent and the push `has_seal` not). A
/// list must be signed by the root pinned at the desk's enrolment (a desk
/// enrolled before the hub kept lists pins the root of its first one);
/// one signed by another root refuses the whole push (`Ok(Err)`).
fn desk_seals<T: HubTx>(
    tx: &mut T,
    desk: &DeskAuth,
    sent: Option<&str>,
    has_seal: bool,
    now: i64,
) -> Result<Result<SealCheck, HubError>, HubError> {
    if sent.is_none() && !has_seal {
        return Ok(Ok(SealCheck::new(desk, None, now)));
    }
    let mut kept = tx.desk_trust(desk.id)?;
    if let Some(text) = sent {
        let (body, root) = match open_desk_list(&desk.center, text) {
            Ok(opened) => opened,
            Err(refusal) => return Ok(Err(refusal)),
        };
        match &kept.root {
            Some(pinned) if *pinned != root => {
                return Ok(Err(HubError::Conflict(format!(
                    "this trust list is signed by root {root}, but desk {} enrolled with root {pinned}: \
                     the operator revokes the desk and it enrols again",
                    desk.id
                ))));
            }
            Some(_) => {}
            None => tx.log(
                now,
                "trust_root_pinned",
                &format!("desk {}: root {root}", desk.id),
            )?,
        }
        if kept.issued_at.is_none_or(|at| body.issued_at >= at) {
            kept = DeskTrust {
                root: Some(root),
                list: Some(text.to_owned()),
                issued_at: Some(body.issued_at),
            };
            tx.set_desk_trust(desk.id, &kept)?;
            return Ok(Ok(SealCheck::new(desk, Some(&body), now)));
        }
    }
    let body = match kept
        .list
        .as_deref()
        .map(|t| open_desk_list(&desk.center, t))
    {
        Some(Ok((body, _))) => Some(body),
        // A list kept is one that opened when it came.
        Some(Err(e)) => return Err(storage(e)),
        None => None,
    };
    Ok(Ok(SealCheck::new(desk, body.as_ref(), now)))
}

/// A pushed change the hub cannot read.
struct Unreadable<'a> {
    key: &'a str,
    request_id: Option<&'a str>,
    detail: &'a str,
    raw: &'a serde_json::Value,
}

/// A change the hub cannot read is rejected, and its effect recorded
/// under its key with the change as it came, like any other: a replay is
/// answered the same way, the same key with other content clashes.
fn push_unreadable<T: HubTx>(
    tx: &mut T,
    desk: &DeskAuth,
    change: &Unreadable<'_>,
    now: i64,
) -> Result<Result<ChangeResult, HubError>, HubError> {
    let content_hash = sha256_hex(change.raw.to_string().as_bytes());
    if let Some(earlier) = tx.effect(change.key)? {
        if earlier.desk_id != desk.id || earlier.content_hash != content_hash {
            return Ok(Err(HubError::Conflict(format!(
                "idempotency key {} was used before with different content",
                change.key
            ))));
        }
        return Ok(Ok(ChangeResult {
            key: change.key.to_owned(),
            outcome: earlier.outcome,
            hub_state: earlier.hub_state,
            reason: earlier.reason,
        }));
    }
    let why = crate::i18n::Message::new("hub-reason-unreadable").arg("detail", change.detail);
    let reason = format!(
        "{} — {}",
        why.text(crate::i18n::Lang::Ar),
        why.text(crate::i18n::Lang::En)
    );
    let kind = change.raw.get("kind").and_then(serde_json::Value::as_str);
    tx.insert_effect(&Effect {
        key: change.key.to_owned(),
        desk_id: desk.id,
        content_hash,
        kind: kind.unwrap_or("unreadable").chars().take(64).collect(),
        request_id: change.request_id.map(str::to_owned),
        outcome: Outcome::Rejected,
        hub_state: None,
        reason: Some(reason.clone()),
        payload: change.raw.to_string(),
        at: now,
    })?;
    tx.log(
        now,
        "rejected_change",
        &format!(
            "desk {}: {} unreadable: {}",
            desk.id, change.key, change.detail
        ),
    )?;
    Ok(Ok(ChangeResult {
        key: change.key.to_owned(),
        outcome: Outcome::Rejected,
        hub_state: None,
        reason: Some(reason),
    }))
}

/// The payload part of a change, as stored with its effect.
fn payload_json(change: &Change) -> Result<String, HubError> {
    let mut wire = serde_json::to_value(change).map_err(storage)?;
    Ok(wire
        .get_mut("payload")
        .map(serde_json::Value::take)
        .unwrap_or_default()
        .to_string())
}

/// Whether a replayed change is the one recorded under its key. Effects
/// recorded before changes were typed hashed their raw JSON: for those the
/// stored payload is read back and compared as a change.
fn same_content(earlier: &Effect, change: &PushChange, content_hash: &str) -> bool {
    if earlier.content_hash == content_hash {
        return true;
    }
    let stored = serde_json::json!({
        "key": earlier.key,
        "request_id": earlier.request_id,
        "kind": earlier.kind,
        "payload": serde_json::from_str::<serde_json::Value>(&earlier.payload).unwrap_or_default(),
    });
    serde_json::from_value::<PushChange>(stored).is_ok_and(|old| old == *change)
}

/// Checks a desk's audit head against the one it reported before: an older
/// or a different head at the same place means its log was cut or
/// rewritten.
fn anchor_audit<T: HubTx>(
    tx: &mut T,
    desk: &DeskAuth,
    head: &AuditHead,
    link: Option<&AuditHead>,
    now: i64,
) -> Result<(), HubError> {
    let before = tx.audit_anchor(desk.id)?;
    let broken = before.as_ref().is_some_and(|b| {
        head.seq < b.seq
            || (head.seq == b.seq && head.hash != b.hash)
            // The desk's entry where the hub's anchor stands now reads
            // otherwise: the log was rewritten behind it.
            || link.is_some_and(|l| l.seq == b.seq && l.hash != b.hash)
    });
    if broken {
        tx.log(
            now,
            "audit_anchor_broken",
            &format!(
                "desk {}: head {} after {:?}",
                desk.id,
                head.seq,
                before.map(|b| b.seq)
            ),
        )?;
        tx.mark_anchor_broken(desk.id)
    } else {
        tx.set_audit_anchor(desk.id, head)
    }
}

/// Takes one request through `f` and saves it as a hub-side change (post
/// reports, central cancellations).
fn central_change<D: HubDb>(
    db: &mut D,
    tracking_code: &str,
    source: &str,
    f: impl FnOnce(&mut Request) -> Result<(), HubError>,
) -> Result<Request, HubError> {
    let now = now();
    let mut tx = db.begin(true)?;
    let id = tx.request_id_by_tracking(tracking_code)?.ok_or_else(|| {
        HubError::NotFound(format!("no request with tracking code {tracking_code}"))
    })?;
    let mut req = tx
        .request(&id)?
        .ok_or_else(|| HubError::NotFound(id.clone()))?;
    let before = req.state;
    f(&mut req)?;
    req.updated_at = Utc::now();
    tx.save_request(&req, now)?;
    tx.append_history(&History {
        request_id: &req.id,
        from: Some(before),
        to: req.state,
        source,
        key: None,
        at: now,
    })?;
    tx.log(
        now,
        source,
        &format!("{tracking_code}: {before} -> {}", req.state),
    )?;
    tx.commit()?;
    Ok(req)
}

impl<D: HubDb> HubStorage for D {
    fn enroll(&mut self, req: &EnrollRequest) -> Result<EnrollResponse, HubError> {
        if !valid_code(&req.desk) {
            return Err(HubError::BadRequest(
                "bad_desk".into(),
                format!("not a desk code: {:?}", req.desk),
            ));
        }
        let now = now();
        let mut tx = self.begin(true)?;
        let hash = code_hash(&req.code);
        let code = tx.unused_code(&hash)?;
        let refusal = match &code {
            None => Some("unknown or already used enrolment code"),
            Some(c) if c.expires_at.is_some_and(|at| at <= now) => Some("expired enrolment code"),
            Some(_) => None,
        };
        if let Some(why) = refusal {
            tx.log(now, "unauthorised", &format!("enrol: {why}"))?;
            tx.commit()?;
            return Err(HubError::Unauthorized(format!(
                "{why}: ask the hub's operator for a new one"
            )));
        }
        let center = code.map(|c| c.center).unwrap_or_default();
        // One desk code, one enrolled desk: a second desk under the same
        // name would share its document numbers and hand-over batches.
        if let Some(existing) = tx.active_desk_named(&center, &req.desk)? {
            tx.commit()?;
            return Err(HubError::Conflict(format!(
                "desk {center}/{} is already enrolled (desk {existing}); the operator revokes it first (hub revoke {existing})",
                req.desk
            )));
        }
        // The desk's trust list: its root is pinned here, and its keys
        // check the desk's seals.
        let trust = match &req.trust_list {
            Some(text) => {
                let (body, root) = open_desk_list(&center, text)?;
                DeskTrust {
                    root: Some(root),
                    list: Some(text.clone()),
                    issued_at: Some(body.issued_at),
                }
            }
            None => DeskTrust::default(),
        };
        let token = new_token()?;
        let desk_id = tx.insert_desk(&NewDesk {
            center: &center,
            desk: &req.desk,
            token_hash: &sha256_hex(token.as_bytes()),
            at: now,
        })?;
        tx.set_desk_trust(desk_id, &trust)?;
        tx.use_enroll_code(&hash, desk_id, now)?;
        let payment_key = payment_key_text(&ensure_payment_key(&mut tx)?);
        // Document numbers this desk code was given before (say before a
        // restore from a backup): the desk goes on after the highest.
        let document_seq = tx
            .highest_document_number(&center, &format!("{center}-{}-", req.desk))?
            .and_then(|n| document_seq(&n));
        tx.log(
            now,
            "enrolled",
            &format!("{center}/{} as desk {desk_id}", req.desk),
        )?;
        tx.commit()?;
        Ok(EnrollResponse {
            token,
            center,
            desk_id,
            document_seq,
            payment_key: Some(payment_key),
        })
    }

    fn authenticate(&mut self, token: Option<&str>, what: &str) -> Result<DeskAuth, HubError> {
        let now = now();
        let mut tx = self.begin(true)?;
        let found = match token {
            Some(t) => tx.desk_by_token(&sha256_hex(t.as_bytes()))?,
            None => None,
        };
        let result = match found {
            Some(found) if found.revoked => {
                tx.log(
                    now,
                    "unauthorised",
                    &format!("{what}: revoked token of desk {}", found.desk.id),
                )?;
                Err(HubError::Unauthorized(
                    "this desk's token was revoked by the hub's operator: enrol again".into(),
                ))
            }
            Some(found) => {
                // The first use of a rotated token retires the old one.
                if found.is_next {
                    tx.promote_next_token(found.desk.id)?;
                    tx.log(now, "token_rotated", &format!("desk {}", found.desk.id))?;
                }
                tx.touch_desk(found.desk.id, now)?;
                Ok(found.desk)
            }
            None => {
                let why = if token.is_some() {
                    "bad token"
                } else {
                    "no token"
                };
                tx.log(now, "unauthorised", &format!("{what}: {why}"))?;
                Err(HubError::Unauthorized(format!(
                    "{why}: enrol this desk first"
                )))
            }
        };
        tx.commit()?;
        result
    }

    fn push_incoming(
        &mut self,
        desk: &DeskAuth,
        push: &IncomingPush,
    ) -> Result<PushResponse, HubError> {
        let now = now();
        let mut tx = self.begin(true)?;
        // The desk's trust list is read only for a push that has a seal to
        // check (an envelope or a hand-over needs none).
        let has_seal = push
            .changes
            .iter()
            .any(|c| matches!(c, Incoming::Change(ch) if ch.change.carries_seal()));
        let seals = match desk_seals(&mut tx, desk, push.trust_list.as_deref(), has_seal, now)? {
            Ok(seals) => seals,
            Err(refusal) => {
                // Nothing of this push is kept; the refusal is logged on
                // its own.
                drop(tx);
                self.log(
                    "trust_list_refused",
                    &format!("desk {}: {refusal}", desk.id),
                )?;
                return Err(refusal);
            }
        };
        let mut results = Vec::with_capacity(push.changes.len());
        for incoming in &push.changes {
            let answered = match incoming {
                Incoming::Change(change) => push_one(&mut tx, desk, change, &seals, now)?,
                Incoming::Unreadable {
                    key,
                    request_id,
                    detail,
                    raw,
                } => {
                    let unreadable = Unreadable {
                        key,
                        request_id: request_id.as_deref(),
                        detail,
                        raw,
                    };
                    push_unreadable(&mut tx, desk, &unreadable, now)?
                }
            };
            match answered {
                Ok(result) => results.push(result),
                Err(clash) => {
                    // Nothing of this push is kept: the transaction is
                    // dropped, and the clash logged on its own.
                    drop(tx);
                    let key = incoming.key();
                    self.log("key_reuse", &format!("desk {}: {key}", desk.id))?;
                    return Err(clash);
                }
            }
        }
        if let Some(head) = &push.audit_head {
            anchor_audit(&mut tx, desk, head, push.audit_link.as_ref(), now)?;
        }
        tx.commit()?;
        Ok(PushResponse { results })
    }

    fn pull(&mut self, desk: &DeskAuth, pull: &PullRequest) -> Result<PullResponse, HubError> {
        let limit = pull.limit.clamp(1, PULL_PAGE);
        let signer = {
            let mut tx = self.begin(false)?;
            let known = payment_key(&mut tx)?;
            tx.commit()?;
            match known {
                Some(key) => key,
                // A desk enrolled before the hub signed payments.
                None => {
                    let mut tx = self.begin(true)?;
                    let key = ensure_payment_key(&mut tx)?;
                    tx.commit()?;
                    key
                }
            }
        };
        let mut tx = self.begin(false)?;
        // One row more than asked says whether there is more.
        let rows = tx.requests_after(&PageQuery {
            center: &desk.center,
            after: pull.cursor,
            limit: i64::from(limit) + 1,
        })?;
        let more = rows.len() > limit as usize;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows.into_iter().take(limit as usize) {
            requests.push(PulledRequest {
                seq: row.seq,
                request: serde_json::from_str(&row.body).map_err(storage)?,
            });
        }
        let next_cursor = requests.last().map_or(pull.cursor, |r| r.seq);
        let trust = tx.trust_after(pull.trust_version)?;
        // A rotation the operator asked for: a new token goes down with
        // the page; the old one works until the desk first uses the new
        // one (so a lost answer loses nothing: the next pull brings
        // another).
        let new_token = if tx.rotation_requested(desk.id)? {
            let token = new_token()?;
            tx.set_next_token(desk.id, &sha256_hex(token.as_bytes()))?;
            Some(token)
        } else {
            None
        };
        tx.commit()?;
        let payments = sign_payments(&signer, &requests);
        Ok(PullResponse {
            requests,
            next_cursor,
            more,
            trust,
            new_token,
            payments,
        })
    }

    fn log(&mut self, event: &str, detail: &str) -> Result<(), HubError> {
        let mut tx = self.begin(true)?;
        tx.log(now(), event, detail)?;
        tx.commit()
    }

    fn new_enroll_code(&mut self, center: &str, valid_hours: u32) -> Result<String, HubError> {
        if !valid_code(center) {
            return Err(HubError::BadRequest(
                "bad_center".into(),
                format!("not a center code: {center:?}"),
            ));
        }
        if valid_hours == 0 || valid_hours > 24 * 30 {
            return Err(HubError::BadRequest(
                "bad_hours".into(),
                "a code is valid for 1 to 720 hours".into(),
            ));
        }
        let code = new_code_text()?;
        let now = now();
        let mut tx = self.begin(true)?;
        tx.insert_enroll_code(&NewCode {
            hash: &code_hash(&code),
            center,
            at: now,
            expires_at: now + i64::from(valid_hours) * 3600,
        })?;
        tx.log(
            now,
            "enroll_code",
            &format!("{center}, valid {valid_hours} h"),
        )?;
        tx.commit()?;
        Ok(code)
    }

    fn revoke(&mut self, desk_id: i64) -> Result<(), HubError> {
        let now = now();
        let mut tx = self.begin(true)?;
        if !tx.revoke_desk(desk_id, now)? {
            return Err(HubError::NotFound(format!("no active desk {desk_id}")));
        }
        tx.log(now, "desk_revoked", &format!("desk {desk_id}"))?;
        tx.commit()
    }

    fn rotate(&mut self, desk_id: i64) -> Result<(), HubError> {
        let now = now();
        let mut tx = self.begin(true)?;
        if !tx.request_rotation(desk_id)? {
            return Err(HubError::NotFound(format!("no active desk {desk_id}")));
        }
        tx.log(now, "token_rotation_requested", &format!("desk {desk_id}"))?;
        tx.commit()
    }

    fn seed_demo(&mut self, demo: &HubDemo) -> Result<u64, HubError> {
        let now = now();
        let mut tx = self.begin(true)?;
        let existing = tx.tally(Tally::Requests)?;
        for req in demo_requests(demo, existing as u64)? {
            tx.save_request(&req, now)?;
            tx.append_history(&History {
                request_id: &req.id,
                from: None,
                to: req.state,
                source: "submitted",
                key: None,
                at: now,
            })?;
        }
        tx.log(
            now,
            "demo",
            &format!("{} requests for {}", demo.requests, demo.centers.join(",")),
        )?;
        tx.commit()?;
        Ok(demo.requests)
    }

    fn post_report(&mut self, tracking_code: &str, outcome: State) -> Result<Request, HubError> {
        central_change(self, tracking_code, "post", |req| {
            apply_post_report(req, outcome)
        })
    }

    fn cancel(&mut self, tracking_code: &str, reason: &str) -> Result<Request, HubError> {
        central_change(self, tracking_code, "central_cancel", |req| {
            apply_cancel(req, reason)
        })
    }

    fn publish_trust(&mut self, document: &str) -> Result<i64, HubError> {
        crate::seal::trust::open_file(document)
            .map_err(|e| HubError::BadRequest("bad_trust_list".into(), e.to_string()))?;
        let now = now();
        let mut tx = self.begin(true)?;
        let version = tx.insert_trust(document, now)?;
        tx.log(now, "trust_published", &format!("version {version}"))?;
        tx.commit()?;
        Ok(version)
    }

    fn status(&mut self) -> Result<HubStatus, HubError> {
        let mut tx = self.begin(false)?;
        let status = HubStatus {
            requests: tx.requests_by_center_state()?,
            effects_applied: tx.tally(Tally::EffectsApplied)?,
            effects_rejected: tx.tally(Tally::EffectsRejected)?,
            unauthorised_attempts: tx.tally(Tally::UnauthorisedAttempts)?,
            desks: tx.desks()?,
            batches: tx.tally(Tally::Batches)?,
            trust_version: tx.tally(Tally::TrustVersion)?,
        };
        tx.commit()?;
        Ok(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::hub::HubStore;
    use chrono::DateTime;

    /// A time the hub takes: after the sample requests were submitted,
    /// not ahead of its clock.
    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-29T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    struct Fixture {
        _dir: tempfile::TempDir,
        hub: HubStore,
        desk: DeskAuth,
        ids: Vec<String>,
    }

    /// A hub with `n` received requests of TRT01 and one enrolled desk.
    fn hub(n: u64) -> Fixture {
        let dir = tempfile::TempDir::new().unwrap();
        let mut hub = HubStore::open(dir.path()).unwrap();
        hub.seed_demo(&HubDemo {
            requests: n,
            centers: vec!["TRT01".into()],
            seed: 9,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        })
        .unwrap();
        let code = hub.new_enroll_code("TRT01", 24).unwrap();
        let answer = hub
            .enroll(&EnrollRequest {
                protocol: PROTOCOL_VERSION,
                code,
                desk: "D01".into(),
                trust_list: None,
            })
            .unwrap();
        let desk = hub.authenticate(Some(&answer.token), "test").unwrap();
        let ids = {
            let mut stmt = hub
                .connection()
                .prepare("SELECT id FROM requests ORDER BY seq")
                .unwrap();
            stmt.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        Fixture {
            _dir: dir,
            hub,
            desk,
            ids,
        }
    }

    fn reject(key: &str, id: &str, reason: &str) -> PushChange {
        PushChange {
            key: key.into(),
            request_id: Some(id.into()),
            change: Change::StateChange(StateChange {
                step: Step::Reject {
                    reason: reason.into(),
                },
                from: State::Received,
                to: State::Rejected,
                actor: "clerk1".into(),
                role: None,
                at: at(),
            }),
        }
    }

    fn push(f: &mut Fixture, changes: Vec<PushChange>) -> Result<PushResponse, HubError> {
        let desk = f.desk.clone();
        f.hub.push(
            &desk,
            &PushRequest {
                protocol: PROTOCOL_VERSION,
                audit_head: None,
                audit_link: None,
                trust_list: None,
                changes,
            },
        )
    }

    fn count(f: &Fixture, sql: &str) -> i64 {
        f.hub.connection().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn state_of(f: &Fixture, id: &str) -> String {
        f.hub
            .connection()
            .query_row("SELECT state FROM requests WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    }

    #[test]
    fn a_change_is_applied_once_and_a_replay_is_a_duplicate() {
        let mut f = hub(2);
        let id = f.ids[0].clone();
        let change = reject("TRT01-D01-a", &id, "ناقص");
        let first = push(&mut f, vec![change.clone()]).unwrap();
        assert_eq!(first.results[0].outcome, Outcome::Applied);
        assert_eq!(first.results[0].hub_state, Some(State::Rejected));
        assert_eq!(state_of(&f, &id), "rejected");
        let seq_after_first = count(&f, "SELECT max(seq) FROM requests");
        let again = push(&mut f, vec![change]).unwrap();
        assert_eq!(again.results[0].outcome, Outcome::Duplicate);
        assert_eq!(again.results[0].hub_state, Some(State::Rejected));
        assert_eq!(count(&f, "SELECT count(*) FROM effects"), 1);
        assert_eq!(count(&f, "SELECT max(seq) FROM requests"), seq_after_first);
        assert_eq!(
            count(&f, "SELECT count(*) FROM history WHERE source = 'desk'"),
            1
        );
    }

    /// The hub keeps what each desk did: the change's payload and when,
    /// and when each desk was last seen.
    #[test]
    fn effects_keep_the_payload_and_the_time() {
        let before = Utc::now().timestamp();
        let mut f = hub(1);
        let id = f.ids[0].clone();
        push(&mut f, vec![reject("TRT01-D01-p", &id, "ناقص")]).unwrap();
        let (payload, at): (String, i64) = f
            .hub
            .connection()
            .query_row(
                "SELECT payload, at FROM effects WHERE key = 'TRT01-D01-p'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(payload["action"], "reject");
        assert_eq!(payload["reason"], "ناقص");
        assert_eq!(payload["to"], "rejected");
        assert!((before..=Utc::now().timestamp()).contains(&at), "{at}");
        let seen = f.hub.status().unwrap().desks[0].last_seen.clone().unwrap();
        let seen = DateTime::parse_from_rfc3339(&seen).unwrap().timestamp();
        assert!(seen >= before, "{seen} {before}");
    }

    #[test]
    fn a_rejected_change_replays_as_rejected() {
        let mut f = hub(1);
        let id = f.ids[0].clone();
        let mut stale = reject("TRT01-D01-s", &id, "x");
        if let Change::StateChange(s) = &mut stale.change {
            s.from = State::Verified;
        }
        for _ in 0..2 {
            let answer = push(&mut f, vec![stale.clone()]).unwrap();
            assert_eq!(answer.results[0].outcome, Outcome::Rejected);
            assert_eq!(answer.results[0].hub_state, Some(State::Received));
            assert!(answer.results[0].reason.is_some());
        }
        assert_eq!(state_of(&f, &id), "received");
        assert_eq!(
            count(
                &f,
                "SELECT count(*) FROM log WHERE event = 'rejected_change'"
            ),
            1
        );
    }

    #[test]
    fn a_key_reused_with_other_content_keeps_nothing_of_its_push() {
        let mut f = hub(3);
        let (a, b) = (f.ids[0].clone(), f.ids[1].clone());
        push(&mut f, vec![reject("TRT01-D01-k", &a, "one")]).unwrap();
        let clash = push(
            &mut f,
            vec![
                reject("TRT01-D01-fresh", &b, "new"),
                reject("TRT01-D01-k", &a, "other words"),
            ],
        );
        assert!(matches!(clash, Err(HubError::Conflict(_))), "{clash:?}");
        // The fresh change before the clash was not kept either.
        assert_eq!(state_of(&f, &b), "received");
        assert_eq!(count(&f, "SELECT count(*) FROM effects"), 1);
        assert_eq!(
            count(&f, "SELECT count(*) FROM log WHERE event = 'key_reuse'"),
            1
        );
    }

    /// A change the hub cannot read is rejected by itself; the changes
    /// around it are applied, and a replay is answered the same way.
    #[test]
    fn an_unreadable_change_is_rejected_alone() {
        let mut f = hub(2);
        let (a, b) = (f.ids[0].clone(), f.ids[1].clone());
        let strange = |kind: &str| Incoming::Unreadable {
            key: "TRT01-D01-strange".into(),
            request_id: Some(a.clone()),
            detail: "unknown variant `teleport`".into(),
            raw: serde_json::json!({"key": "TRT01-D01-strange", "kind": kind}),
        };
        let push = IncomingPush {
            protocol: PROTOCOL_VERSION,
            audit_head: None,
            audit_link: None,
            trust_list: None,
            changes: vec![
                Incoming::Change(reject("TRT01-D01-1", &a, "x")),
                strange("teleport"),
                Incoming::Change(reject("TRT01-D01-2", &b, "y")),
            ],
        };
        let desk = f.desk.clone();
        let answer = f.hub.push_incoming(&desk, &push).unwrap();
        let outcomes: Vec<Outcome> = answer.results.iter().map(|r| r.outcome).collect();
        assert_eq!(
            outcomes,
            [Outcome::Applied, Outcome::Rejected, Outcome::Applied]
        );
        let reason = answer.results[1].reason.clone().unwrap();
        assert!(
            reason.contains("teleport") && reason.contains(" — "),
            "{reason}"
        );
        assert_eq!(
            (state_of(&f, &a), state_of(&f, &b)),
            ("rejected".into(), "rejected".into())
        );
        let again = IncomingPush {
            changes: vec![strange("teleport")],
            ..push.clone()
        };
        let replay = f.hub.push_incoming(&desk, &again).unwrap();
        assert_eq!(replay.results[0].outcome, Outcome::Rejected);
        assert_eq!(replay.results[0].reason.as_deref(), Some(reason.as_str()));
        let other = IncomingPush {
            changes: vec![strange("gift")],
            ..push
        };
        assert!(matches!(
            f.hub.push_incoming(&desk, &other),
            Err(HubError::Conflict(_))
        ));
        assert_eq!(f.hub.status().unwrap().effects_rejected, 1);
    }

    #[test]
    fn another_desks_key_is_a_clash() {
        let mut f = hub(1);
        let id = f.ids[0].clone();
        let change = reject("TRT01-D01-x", &id, "r");
        push(&mut f, vec![change.clone()]).unwrap();
        f.desk.id += 1;
        assert!(matches!(
            push(&mut f, vec![change]),
            Err(HubError::Conflict(_))
        ));
    }

    /// An effect recorded before changes were typed, with the hash of its
    /// raw JSON: the same change pushed again is a duplicate, not a clash.
    #[test]
    fn effects_of_untyped_pushes_are_compared_as_changes() {
        let mut f = hub(1);
        let id = f.ids[0].clone();
        let change = reject("TRT01-D01-old", &id, "legacy");
        let old_payload = serde_json::json!({
            "request_id": id, "action": "reject", "from": "received", "to": "rejected",
            "actor": "clerk1", "role": null, "at": "2026-11-29T09:00:00Z",
            "document_number": null, "content_digest": null, "reason": "legacy", "stamps": 0,
        });
        f.hub
            .connection()
            .execute(
                "INSERT INTO effects (key, desk_id, content_hash, kind, request_id, outcome,
                                      hub_state, reason, payload, at)
                 VALUES ('TRT01-D01-old', ?1, 'an-old-hash', 'state_change', ?2, 'applied',
                         'rejected', NULL, ?3, 0)",
                rusqlite::params![f.desk.id, id, old_payload.to_string()],
            )
            .unwrap();
        let answer = push(&mut f, vec![change]).unwrap();
        assert_eq!(answer.results[0].outcome, Outcome::Duplicate);
        // Different words under the old key are still a clash.
        assert!(matches!(
            push(&mut f, vec![reject("TRT01-D01-old", &id, "changed")]),
            Err(HubError::Conflict(_))
        ));
    }

    #[test]
    fn the_audit_anchor_moves_forward_only() {
        let mut f = hub(1);
        let desk = f.desk.clone();
        let anchor_linked = |f: &mut Fixture, seq: i64, hash: &str, link: Option<(i64, &str)>| {
            f.hub
                .push(
                    &desk,
                    &PushRequest {
                        protocol: PROTOCOL_VERSION,
                        audit_head: Some(AuditHead {
                            seq,
                            hash: hash.into(),
                        }),
                        audit_link: link.map(|(seq, hash)| AuditHead {
                            seq,
                            hash: hash.into(),
                        }),
                        trust_list: None,
                        changes: Vec::new(),
                    },
                )
                .unwrap();
            let status = f.hub.status().unwrap();
            let d = &status.desks[0];
            (d.audit_seq, d.anchor_broken)
        };
        let anchor = |f: &mut Fixture, seq: i64, hash: &str| {
            f.hub
                .push(
                    &desk,
                    &PushRequest {
                        protocol: PROTOCOL_VERSION,
                        audit_head: Some(AuditHead {
                            seq,
                            hash: hash.into(),
                        }),
                        audit_link: None,
                        trust_list: None,
                        changes: Vec::new(),
                    },
                )
                .unwrap();
            let status = f.hub.status().unwrap();
            let d = &status.desks[0];
            (d.audit_seq, d.anchor_broken)
        };
        assert_eq!(anchor(&mut f, 10, "a"), (Some(10), false));
        assert_eq!(anchor(&mut f, 10, "a"), (Some(10), false));
        assert_eq!(anchor(&mut f, 12, "b"), (Some(12), false));
        // The same place with another hash: rewritten.
        assert_eq!(anchor(&mut f, 12, "c"), (Some(12), true));
        let mut g = hub(1);
        assert_eq!(anchor(&mut g, 20, "a"), (Some(20), false));
        // Behind: cut.
        assert_eq!(anchor(&mut g, 19, "z"), (Some(20), true));
        assert_eq!(
            count(
                &g,
                "SELECT count(*) FROM log WHERE event = 'audit_anchor_broken'"
            ),
            1
        );
        // Ahead, with the entry at the old anchor as the desk holds it now:
        // the same hash goes on; another means the log was rewritten.
        let mut h = hub(1);
        assert_eq!(anchor_linked(&mut h, 5, "e", None), (Some(5), false));
        assert_eq!(
            anchor_linked(&mut h, 9, "i", Some((5, "e"))),
            (Some(9), false)
        );
        assert_eq!(
            anchor_linked(&mut h, 12, "l", Some((7, "x"))),
            (Some(12), false),
            "another place: not compared"
        );
        assert_eq!(
            anchor_linked(&mut h, 14, "n", Some((12, "L"))),
            (Some(12), true)
        );
    }

    #[test]
    fn pulls_come_in_pages_with_a_cursor() {
        let mut f = hub(5);
        let desk = f.desk.clone();
        let mut cursor = 0;
        let mut seen = Vec::new();
        loop {
            let page = f
                .hub
                .pull(
                    &desk,
                    &PullRequest {
                        protocol: PROTOCOL_VERSION,
                        cursor,
                        limit: 2,
                        trust_version: 0,
                    },
                )
                .unwrap();
            assert!(page.requests.len() <= 2);
            seen.extend(page.requests.iter().map(|r| r.request.id.clone()));
            assert_eq!(
                page.next_cursor,
                page.requests.last().map_or(cursor, |r| r.seq)
            );
            cursor = page.next_cursor;
            if !page.more {
                break;
            }
        }
        assert_eq!(seen, f.ids);
        // Another center's desk sees none of them.
        let other = DeskAuth {
            center: "DMS01".into(),
            ..desk
        };
        let page = f
            .hub
            .pull(
                &other,
                &PullRequest {
                    protocol: PROTOCOL_VERSION,
                    cursor: 0,
                    limit: 0,
                    trust_version: 0,
                },
            )
            .unwrap();
        assert!(page.requests.is_empty() && !page.more);
    }

    #[test]
    fn tokens_and_codes_are_checked_and_refusals_logged() {
        let mut f = hub(1);
        assert!(matches!(
            f.hub.authenticate(Some("not-a-token"), "pull"),
            Err(HubError::Unauthorized(_))
        ));
        assert!(matches!(
            f.hub.authenticate(None, "push"),
            Err(HubError::Unauthorized(_))
        ));
        assert_eq!(f.hub.status().unwrap().unauthorised_attempts, 2);
        assert!(f.hub.status().unwrap().desks[0].last_seen.is_some());
        // A code works once, and only with a proper desk code.
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        let ask = |code: &str, desk: &str| EnrollRequest {
            protocol: PROTOCOL_VERSION,
            code: code.into(),
            desk: desk.into(),
            trust_list: None,
        };
        assert!(matches!(
            f.hub.enroll(&ask(&code, "d-2")),
            Err(HubError::BadRequest(..))
        ));
        let answer = f.hub.enroll(&ask(&code.to_lowercase(), "D02")).unwrap();
        assert_eq!(answer.center, "TRT01");
        assert!(matches!(
            f.hub.enroll(&ask(&code, "D03")),
            Err(HubError::Unauthorized(_))
        ));
        assert!(matches!(
            f.hub.new_enroll_code("trt", 24),
            Err(HubError::BadRequest(..))
        ));
    }

    fn ask(code: &str, desk: &str) -> EnrollRequest {
        EnrollRequest {
            protocol: PROTOCOL_VERSION,
            code: code.into(),
            desk: desk.into(),
            trust_list: None,
        }
    }

    #[test]
    fn codes_expire_and_one_desk_code_is_one_desk() {
        let mut f = hub(1);
        let code = f.hub.new_enroll_code("TRT01", 1).unwrap();
        let expires: i64 = count(
            &f,
            "SELECT expires_at - created_at FROM enroll_codes WHERE used_at IS NULL",
        );
        assert_eq!(expires, 3600);
        // The hour passes.
        f.hub
            .connection()
            .execute(
                "UPDATE enroll_codes SET expires_at = created_at - 1 WHERE used_at IS NULL",
                [],
            )
            .unwrap();
        match f.hub.enroll(&ask(&code, "D02")) {
            Err(HubError::Unauthorized(why)) => assert!(why.contains("expired"), "{why}"),
            other => panic!("an expired code must be refused: {other:?}"),
        }
        // D01 is enrolled already: a second desk under that code waits
        // until the operator revokes the first.
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        match f.hub.enroll(&ask(&code, "D01")) {
            Err(HubError::Conflict(why)) => assert!(why.contains("hub revoke 1"), "{why}"),
            other => panic!("a second D01 must be refused: {other:?}"),
        }
        f.hub.revoke(f.desk.id).unwrap();
        assert!(matches!(
            f.hub.revoke(f.desk.id),
            Err(HubError::NotFound(_))
        ));
        let again = f.hub.enroll(&ask(&code, "D01")).unwrap();
        assert_ne!(again.desk_id, f.desk.id);
        for hours in [0, 721] {
            assert!(matches!(
                f.hub.new_enroll_code("TRT01", hours),
                Err(HubError::BadRequest(..))
            ));
        }
    }

    #[test]
    fn a_revoked_token_is_refused_at_once() {
        let mut f = hub(1);
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        let token = f.hub.enroll(&ask(&code, "D02")).unwrap().token;
        let desk = f.hub.authenticate(Some(&token), "pull").unwrap();
        f.hub.revoke(desk.id).unwrap();
        match f.hub.authenticate(Some(&token), "pull") {
            Err(HubError::Unauthorized(why)) => assert!(why.contains("revoked"), "{why}"),
            other => panic!("{other:?}"),
        }
        let listed = f.hub.status().unwrap().desks;
        assert!(
            listed
                .iter()
                .any(|d| d.id == desk.id && d.revoked_at.is_some())
        );
        assert!(
            listed
                .iter()
                .any(|d| d.id == f.desk.id && d.revoked_at.is_none())
        );
        assert!(matches!(f.hub.rotate(desk.id), Err(HubError::NotFound(_))));
    }

    #[test]
    fn a_rotated_token_goes_down_with_a_pull_and_retires_the_old_one() {
        let mut f = hub(2);
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        let old = f.hub.enroll(&ask(&code, "D02")).unwrap().token;
        let desk = f.hub.authenticate(Some(&old), "pull").unwrap();
        let page = |hub: &mut HubStore, desk: &DeskAuth| {
            hub.pull(
                desk,
                &PullRequest {
                    protocol: PROTOCOL_VERSION,
                    cursor: 0,
                    limit: 10,
                    trust_version: 0,
                },
            )
            .unwrap()
        };
        assert_eq!(page(&mut f.hub, &desk).new_token, None);
        f.hub.rotate(desk.id).unwrap();
        assert!(
            f.hub
                .status()
                .unwrap()
                .desks
                .iter()
                .any(|d| d.id == desk.id && d.rotation_pending)
        );
        // The answer is lost: the old token still works, and the next pull
        // brings another new one.
        let lost = page(&mut f.hub, &desk).new_token.unwrap();
        f.hub.rotate(desk.id).unwrap();
        let new = page(&mut f.hub, &desk).new_token.unwrap();
        assert_ne!(lost, new);
        assert_eq!(f.hub.authenticate(Some(&old), "pull").unwrap().id, desk.id);
        assert!(
            f.hub.authenticate(Some(&lost), "pull").is_err(),
            "replaced before use"
        );
        // The desk uses the new one: the old one is gone.
        assert_eq!(f.hub.authenticate(Some(&new), "pull").unwrap().id, desk.id);
        assert!(f.hub.authenticate(Some(&old), "pull").is_err());
        assert_eq!(f.hub.authenticate(Some(&new), "push").unwrap().id, desk.id);
        assert_eq!(page(&mut f.hub, &desk).new_token, None);
    }

    fn batch(key: &str, batch: &str) -> PushChange {
        PushChange {
            key: key.into(),
            request_id: None,
            change: Change::HandoverBatch(HandoverBatch {
                batch: batch.into(),
                at: at(),
                clerk: "clerk1".into(),
                tracking_codes: vec![],
            }),
        }
    }

    #[test]
    fn a_desk_pushes_its_own_batches_only() {
        let mut f = hub(1);
        let squat = push(
            &mut f,
            vec![batch("TRT01-D01-s", "DMS01-D01-B20261202-0001")],
        )
        .unwrap();
        assert_eq!(squat.results[0].outcome, Outcome::Rejected);
        assert!(
            squat.results[0]
                .reason
                .as_ref()
                .unwrap()
                .contains("TRT01-D01-B")
        );
        assert_eq!(count(&f, "SELECT count(*) FROM batches"), 0);
        let own = push(
            &mut f,
            vec![batch("TRT01-D01-o", "TRT01-D01-B20261202-0001")],
        )
        .unwrap();
        assert_eq!(own.results[0].outcome, Outcome::Applied);
        // The same batch recorded by an earlier desk of that name (revoked
        // since) is not taken over by the new one.
        f.hub.revoke(f.desk.id).unwrap();
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        let token = f.hub.enroll(&ask(&code, "D01")).unwrap().token;
        f.desk = f.hub.authenticate(Some(&token), "push").unwrap();
        let taken = push(
            &mut f,
            vec![batch("TRT01-D01-t", "TRT01-D01-B20261202-0001")],
        )
        .unwrap();
        assert_eq!(taken.results[0].outcome, Outcome::Rejected);
        assert_eq!(count(&f, "SELECT count(*) FROM batches"), 1);
    }

    fn verify(key: &str, id: &str, number: &str) -> PushChange {
        PushChange {
            key: key.into(),
            request_id: Some(id.into()),
            change: Change::StateChange(StateChange {
                step: Step::Verify {
                    document_number: number.into(),
                    content_digest: "ab".repeat(32),
                },
                from: State::Received,
                to: State::Verified,
                actor: "clerk1".into(),
                role: Some(crate::domain::Role::Clerk),
                at: at(),
            }),
        }
    }

    #[test]
    fn a_document_number_is_given_once_and_a_restored_desk_goes_on_after_it() {
        let mut f = hub(2);
        let (a, b) = (f.ids[0].clone(), f.ids[1].clone());
        let first = push(
            &mut f,
            vec![verify("TRT01-D01-v1", &a, "TRT01-D01-0000007")],
        )
        .unwrap();
        assert_eq!(first.results[0].outcome, Outcome::Applied);
        // A desk restored from an old backup hands out 7 again.
        let again = push(
            &mut f,
            vec![verify("TRT01-D01-v2", &b, "TRT01-D01-0000007")],
        )
        .unwrap();
        assert_eq!(again.results[0].outcome, Outcome::Rejected);
        assert_eq!(again.results[0].hub_state, Some(State::Received));
        assert!(
            again.results[0]
                .reason
                .as_ref()
                .unwrap()
                .contains("0000007")
        );
        assert_eq!(state_of(&f, &b), "received");
        // Enrolled again, the desk hears where its numbers stand.
        f.hub.revoke(f.desk.id).unwrap();
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        assert_eq!(
            f.hub.enroll(&ask(&code, "D01")).unwrap().document_seq,
            Some(7)
        );
        let code = f.hub.new_enroll_code("TRT01", 24).unwrap();
        assert_eq!(f.hub.enroll(&ask(&code, "D02")).unwrap().document_seq, None);
    }

    #[test]
    fn central_changes_are_recorded_and_pulled() {
        let mut f = hub(2);
        let tracking: String = f
            .hub
            .connection()
            .query_row(
                "SELECT tracking_code FROM requests WHERE id = ?1",
                [&f.ids[0]],
                |r| r.get(0),
            )
            .unwrap();
        let before = count(&f, "SELECT max(seq) FROM requests");
        let req = f.hub.cancel(&tracking, "withdrawn online").unwrap();
        assert_eq!(req.state, State::Cancelled);
        assert!(count(&f, "SELECT max(seq) FROM requests") > before);
        assert!(matches!(
            f.hub.cancel(&tracking, "again"),
            Err(HubError::Conflict(_))
        ));
        assert!(matches!(
            f.hub.post_report(&tracking, State::Delivered),
            Err(HubError::Conflict(_))
        ));
        assert!(matches!(
            f.hub.cancel("RR000000000SY", "x"),
            Err(HubError::NotFound(_))
        ));
        assert_eq!(
            count(
                &f,
                "SELECT count(*) FROM history WHERE source = 'central_cancel'"
            ),
            1
        );
        let status = f.hub.status().unwrap();
        let cancelled = status
            .requests
            .iter()
            .find(|c| c.state == State::Cancelled)
            .unwrap();
        assert_eq!(cancelled.count, 1);
        assert_eq!(status.trust_version, 0);
        assert!(matches!(
            f.hub.publish_trust("not a trust list"),
            Err(HubError::BadRequest(..))
        ));
    }
}
