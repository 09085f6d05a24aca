//! What the hub decides, whatever stores its data: which pushed change
//! is legal from the record it holds (the domain's lifecycle says), what
//! the post and central cancellations may do, and the shapes the operator
//! sees.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::seals::SealCheck;
use super::{DeskAuth, HubError};
use crate::domain::lifecycle::{Actor, Refusal, apply_copy, apply_step, check};
use crate::domain::{Action, Request, Role, State, Step, next_state, post_outcome_allowed};
use crate::i18n::{Lang, Message};
use crate::protocol::*;

pub(crate) fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub(crate) fn storage(e: impl std::fmt::Display) -> HubError {
    HubError::Storage(e.to_string())
}

/// Requests per center and state, what each desk last told the hub, and
/// what the hub did with pushed changes.
#[derive(Debug, Serialize, PartialEq)]
pub struct HubStatus {
    pub requests: Vec<CenterStates>,
    pub effects_applied: i64,
    pub effects_rejected: i64,
    pub unauthorised_attempts: i64,
    pub desks: Vec<DeskStatus>,
    pub batches: i64,
    pub trust_version: i64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct CenterStates {
    pub center: String,
    pub state: State,
    pub count: i64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct DeskStatus {
    pub id: i64,
    pub center: String,
    pub desk: String,
    pub last_seen: Option<String>,
    pub audit_seq: Option<i64>,
    pub audit_hash: Option<String>,
    /// The desk once reported an audit head behind or beside one it had
    /// reported before: its log was truncated or rewritten.
    pub anchor_broken: bool,
    pub enrolled_at: String,
    /// When the operator revoked its token (it can no longer sync).
    pub revoked_at: Option<String>,
    /// A new token waits for the desk's next pull, or has gone down and
    /// not been used yet.
    pub rotation_pending: bool,
    /// The kid of the root the desk's trust lists must be signed by
    /// (pinned at enrolment); none before its first list. The operator
    /// compares it with the root the desk's `trust list` shows.
    pub trust_root: Option<String>,
}

/// A state as a backend stored it.
pub(crate) fn state_column(text: &str) -> Result<State, HubError> {
    State::parse(text).ok_or_else(|| storage(format!("unknown state {text:?}")))
}

/// A desk's audit anchor as a backend stored it (none before its first
/// push with one).
pub(crate) fn anchor_from(seq: Option<i64>, hash: Option<String>) -> Option<AuditHead> {
    seq.map(|seq| AuditHead {
        seq,
        hash: hash.unwrap_or_default(),
    })
}

/// An outcome as a backend stored it.
pub(crate) fn outcome_column(text: &str) -> Result<Outcome, HubError> {
    Outcome::parse(text).ok_or_else(|| storage(format!("unknown outcome {text:?}")))
}

pub(crate) fn rfc3339(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What one pushed change does: the answer to the desk, and the request
/// to save when it was applied.
#[derive(Debug, PartialEq)]
pub(crate) struct Judgement {
    pub result: ChangeResult,
    pub save: Option<Saved>,
}

impl Judgement {
    /// The same change refused for `why`: nothing is saved, and the desk
    /// hears the state the hub holds.
    pub fn refused(self, why: Message) -> Judgement {
        let hub_state = self.save.as_ref().map(|s| s.from).or(self.result.hub_state);
        Judgement {
            result: ChangeResult {
                key: self.result.key,
                outcome: Outcome::Rejected,
                hub_state,
                reason: Some(format!("{} — {}", why.text(Lang::Ar), why.text(Lang::En))),
            },
            save: None,
        }
    }
}

/// A request the hub moves, and the state it moved from.
#[derive(Debug, PartialEq)]
pub(crate) struct Saved {
    pub request: Request,
    pub from: State,
}

/// Judges one pushed change against the hub's record of its request:
/// applied when the lifecycle allows it from the state the hub holds,
/// rejected (with the reason in Arabic, then English) when not.
/// A print's seal is checked with `seals` (see [`SealCheck::check`]).
pub(crate) fn judge(
    desk: &DeskAuth,
    change: &PushChange,
    req: Option<Request>,
    seals: &SealCheck,
) -> Judgement {
    match &change.change {
        Change::HandoverBatch(batch) => judge_batch(desk, change, batch, None),
        Change::CopyPrinted(copy) => {
            judge_on_request(desk, change, req, |r| judge_copy(r, copy, seals))
        }
        Change::StateChange(step) => {
            judge_on_request(desk, change, req, |r| judge_step(r, step, seals))
        }
    }
}

/// A copy: of a request in a state that has one, and, when the desk
/// sealed it (every copy but those of requests stamped before seals
/// existed), under a seal that checks out like an original's.
fn judge_copy(req: &mut Request, copy: &CopyPrinted, seals: &SealCheck) -> Result<State, Message> {
    let state = req.state;
    let refused = || Message::new("hub-reason-copy").arg_tr("state", state.label_id());
    if next_state(req, Action::PrintCopy).is_none() {
        return Err(refused());
    }
    if copy.authorised_by == copy.actor {
        return Err(Message::new("hub-reason-copy-self").arg("actor", &copy.actor));
    }
    if copy.seal.is_some() || copy.seal_sha256.is_some() {
        let report = seals.check(
            req,
            &copy.document_number,
            copy.seal_sha256.as_deref(),
            copy.seal.as_deref(),
        )?;
        // A seal that names its copy must name the authoriser the desk
        // says (seals of copies from before carry no authorisation).
        if let Some(of) = report
            .copy
            .filter(|of| of.authorised_by != copy.authorised_by)
        {
            return Err(Message::new("hub-reason-copy-authoriser")
                .arg("seal", of.authorised_by)
                .arg("said", &copy.authorised_by));
        }
    }
    apply_copy(req, copy.at).map_err(|_| refused())
}

/// A hand-over batch names envelopes whose own changes come with it; the
/// batch itself is the pushing desk's when its id says so
/// (`CENTER-DESK-B…`) and no other desk recorded it first (`owner`).
pub(crate) fn judge_batch(
    desk: &DeskAuth,
    change: &PushChange,
    batch: &HandoverBatch,
    owner: Option<i64>,
) -> Judgement {
    let prefix = format!("{}-{}-B", desk.center, desk.desk);
    let why = if !batch.batch.starts_with(&prefix) {
        Some(
            Message::new("hub-reason-batch-foreign")
                .arg("batch", &batch.batch)
                .arg("prefix", &prefix),
        )
    } else if owner.is_some_and(|o| o != desk.id) {
        Some(Message::new("hub-reason-batch-taken").arg("batch", &batch.batch))
    } else {
        None
    };
    Judgement {
        result: ChangeResult {
            key: change.key.clone(),
            outcome: if why.is_some() {
                Outcome::Rejected
            } else {
                Outcome::Applied
            },
            hub_state: None,
            reason: why.map(|m| format!("{} — {}", m.text(Lang::Ar), m.text(Lang::En))),
        },
        save: None,
    }
}

/// A change about one request of the desk's center: `apply` moves the
/// hub's record or says why not.
fn judge_on_request(
    desk: &DeskAuth,
    change: &PushChange,
    req: Option<Request>,
    apply: impl FnOnce(&mut Request) -> Result<State, Message>,
) -> Judgement {
    let answer = |outcome, hub_state, why: Option<Message>| ChangeResult {
        key: change.key.clone(),
        outcome,
        hub_state,
        reason: why.map(|m| format!("{} — {}", m.text(Lang::Ar), m.text(Lang::En))),
    };
    let Some(mut req) = req.filter(|r| r.center == desk.center) else {
        let why = Message::new("hub-reason-no-request")
            .arg("request", change.request_id.as_deref().unwrap_or("?"))
            .arg("center", &desk.center);
        return Judgement {
            result: answer(Outcome::Rejected, None, Some(why)),
            save: None,
        };
    };
    let from = req.state;
    match apply(&mut req) {
        Ok(to) => Judgement {
            result: answer(Outcome::Applied, Some(to), None),
            save: Some(Saved { request: req, from }),
        },
        Err(why) => Judgement {
            result: answer(Outcome::Rejected, Some(from), Some(why)),
            save: None,
        },
    }
}

/// How far a desk's clock may be off the hub's (and the portal's).
const CLOCK_SKEW: chrono::Duration = chrono::Duration::hours(1);

/// A lifecycle step: the desk must have seen the state the hub holds, the
/// step must lead where the desk says it did, be dated between the
/// request's submission and now, and pass the same rules as at the desk
/// (the domain's `check`: the role, the two-person rule, one stamp per
/// supervisor, the payment), against the hub's own record.
fn judge_step(
    req: &mut Request,
    change: &StateChange,
    seals: &SealCheck,
) -> Result<State, Message> {
    let action: Action = change.step.action();
    // The role the desk says its user had must be one that may act so.
    // (That the user has that role is the desk's word; see the README's
    // threat model.) Changes from desks that did not send a role are
    // judged as from a role that may.
    let role = match change.role {
        Some(role) if !role.may(action) => {
            return Err(Message::new("hub-reason-role")
                .arg_tr("role", role.label_id())
                .arg_tr("action", action.label_id()));
        }
        Some(role) => role,
        None => Role::ALL
            .into_iter()
            .find(|r| r.may(action))
            .unwrap_or(Role::Admin),
    };
    let hub_state = req.state;
    if change.from != hub_state {
        return Err(Message::new("hub-reason-stale")
            .arg_tr("from", change.from.label_id())
            .arg_tr("state", hub_state.label_id()));
    }
    let illegal = || {
        Message::new("hub-reason-illegal")
            .arg_tr("action", action.label_id())
            .arg_tr("from", change.from.label_id())
            .arg_tr("to", change.to.label_id())
    };
    if next_state(req, action) != Some(change.to) {
        return Err(illegal());
    }
    if change.at < req.submitted_at - CLOCK_SKEW || change.at > Utc::now() + CLOCK_SKEW {
        return Err(Message::new("hub-reason-time").arg("at", change.at.to_rfc3339()));
    }
    let actor = Actor {
        name: &change.actor,
        role,
    };
    match check(req, actor, action) {
        Ok(_) => {}
        Err(Refusal::TwoPersonRule) => {
            return Err(Message::new("hub-reason-two-person").arg("actor", &change.actor));
        }
        Err(Refusal::AlreadyStamped(name)) => {
            return Err(Message::new("hub-reason-stamped-twice").arg("actor", name));
        }
        Err(Refusal::Unpaid) => return Err(Message::new("hub-reason-unpaid")),
        Err(_) => return Err(illegal()),
    }
    if let Step::Print {
        document_number,
        seal_sha256,
        seal,
    } = &change.step
    {
        seals.check(req, document_number, Some(seal_sha256), seal.as_deref())?;
    }
    apply_step(req, &change.step, &change.actor, change.at).map_err(|_| illegal())
}

/// A verification's document number must be new in its center: `owner`
/// is the request that already has it, if one does.
pub(crate) fn number_taken(number: &str, request_id: &str, owner: Option<&str>) -> Option<Message> {
    owner
        .filter(|o| *o != request_id)
        .map(|_| Message::new("hub-reason-number-taken").arg("number", number))
}

/// The sequence part of a document number `CENTER-DESK-NNNNNNN`.
pub(crate) fn document_seq(number: &str) -> Option<u64> {
    number.rsplit('-').next().and_then(|n| n.parse().ok())
}

/// The post's report: only a dispatched request can be delivered or
/// returned.
pub(crate) fn apply_post_report(req: &mut Request, outcome: State) -> Result<(), HubError> {
    if !post_outcome_allowed(req.state, outcome) {
        return Err(HubError::Conflict(format!(
            "the post can report delivered or returned only for a dispatched request; this one is {}",
            req.state
        )));
    }
    req.state = outcome;
    Ok(())
}

/// A central cancellation: only of an open request, as at a desk.
pub(crate) fn apply_cancel(req: &mut Request, reason: &str) -> Result<(), HubError> {
    let step = Step::Cancel {
        reason: reason.to_owned(),
    };
    let state = req.state;
    apply_step(req, &step, "hub", Utc::now())
        .map(|_| ())
        .map_err(|_| HubError::Conflict(format!("the request is already {state}")))
}

/// A one-time enrolment code: 16 characters in four groups, from an
/// alphabet without look-alikes, easy to read aloud over the phone.
pub(crate) fn new_code_text() -> Result<String, HubError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(storage)?;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let chars: String = bytes
        .iter()
        .map(|b| ALPHABET[(*b as usize) % 32] as char)
        .collect();
    Ok(format!(
        "{}-{}-{}-{}",
        &chars[0..4],
        &chars[4..8],
        &chars[8..12],
        &chars[12..16]
    ))
}

/// The hash under which an enrolment code is stored (codes are compared
/// without case or surrounding space).
/// A desk's bearer token: 256 random bits, in hex. Only its hash is kept.
pub(crate) fn new_token() -> Result<String, HubError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(storage)?;
    Ok(hex::encode(bytes))
}

pub(crate) fn code_hash(code: &str) -> String {
    sha256_hex(code.trim().to_ascii_uppercase().as_bytes())
}

/// What `hub demo` seeds: `requests` new requests spread over
/// `centers`, as citizens would submit them online.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubDemo {
    pub requests: u64,
    pub centers: Vec<String>,
    pub seed: u64,
    pub today: chrono::NaiveDate,
}

/// The demo's requests, numbered after the `existing` ones so tracking
/// codes stay unique.
pub(crate) fn demo_requests(demo: &HubDemo, existing: u64) -> Result<Vec<Request>, HubError> {
    let HubDemo {
        requests: n,
        centers,
        seed,
        today,
    } = demo;
    let (n, seed) = (*n, *seed);
    if centers.is_empty() {
        return Err(HubError::BadRequest(
            "bad_center".into(),
            "name at least one center".into(),
        ));
    }
    let catalog = crate::domain::Catalog::builtin().map_err(storage)?;
    let calendar = crate::domain::WorkCalendar::builtin().map_err(storage)?;
    let midnight = crate::domain::calendar::damascus_midnight(*today);
    Ok((0..n)
        .map(|i| {
            let center = &centers[(i % centers.len() as u64) as usize];
            let g = crate::sample::GenCtx {
                catalog: &catalog,
                calendar: &calendar,
                center,
                midnight,
            };
            crate::sample::incoming_request(seed, 20_000_000 + existing + i, n.max(4), &g)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::test_request;
    use crate::seal::cose::{encode_sign, encode_signer_header, sig_structure};
    use crate::seal::crypto::SigningKey;
    use crate::seal::layers::encode_text;
    use crate::seal::trust::{KeyRole, TrustListBody, TrustedKey};
    use crate::seal::{SealClaims, SealDocument};

    fn desk() -> DeskAuth {
        DeskAuth {
            id: 7,
            center: "TRT01".into(),
            desk: "D01".into(),
        }
    }

    fn at() -> DateTime<Utc> {
        // A time the hub takes: after the requests were submitted, not
        // ahead of its clock.
        DateTime::parse_from_rfc3339("2026-11-29T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn in_state(state: State) -> Request {
        let mut r = test_request();
        r.state = state;
        r
    }

    fn step_change(step: Step, from: State, to: State) -> PushChange {
        PushChange {
            key: "TRT01-D01-k".into(),
            request_id: Some("req-1".into()),
            change: Change::StateChange(StateChange {
                step,
                from,
                to,
                actor: "sup2".into(),
                role: None,
                at: at(),
            }),
        }
    }

    /// The same change by someone else.
    fn by(mut change: PushChange, actor: &str) -> PushChange {
        if let Change::StateChange(step) = &mut change.change {
            step.actor = actor.into();
        }
        change
    }

    fn copy(state: State) -> PushChange {
        PushChange {
            key: "TRT01-D01-c".into(),
            request_id: Some("req-1".into()),
            change: Change::CopyPrinted(CopyPrinted {
                state,
                actor: "clerk1".into(),
                authorised_by: "sup1".into(),
                at: at(),
                document_number: "TRT01-D01-0000001".into(),
                seal_sha256: None,
                seal: None,
            }),
        }
    }

    /// Checks seals with no trust list: every print is refused.
    fn no_seals() -> SealCheck {
        SealCheck::new(&desk(), None, Utc::now().timestamp())
    }

    /// A desk's keys and its trust list: the center key, four supervisors
    /// and a supervisor key held by the clerk who verifies (a desk that
    /// lies could make one).
    struct Keys {
        center: SigningKey,
        people: Vec<(&'static str, SigningKey)>,
        list: TrustListBody,
    }

    fn keys() -> Keys {
        let center = SigningKey::generate().unwrap();
        let people: Vec<(&str, SigningKey)> = ["sup1", "sup2", "sup3", "sup4", "clerk1"]
            .into_iter()
            .map(|n| (n, SigningKey::generate().unwrap()))
            .collect();
        let mut entries = vec![TrustedKey::new(
            &center.spki_der(),
            "TRT01",
            "TRT01",
            KeyRole::Center,
            0,
            false,
        )];
        for (name, key) in &people {
            entries.push(TrustedKey::new(
                &key.spki_der(),
                name,
                "TRT01",
                KeyRole::Supervisor,
                0,
                false,
            ));
        }
        Keys {
            center,
            people,
            list: TrustListBody {
                issued_at: at().timestamp(),
                issuer: "TRT01".into(),
                keys: entries,
            },
        }
    }

    /// An approved request of a two-stamp service, verified by clerk1 and
    /// stamped by sup2 and sup3, as the hub holds it.
    fn approved() -> Request {
        let mut r = in_state(State::Approved);
        r.service = "criminal_record".into();
        r.stamps_required = 2;
        r.document_number = Some("TRT01-D01-0000001".into());
        r.content_digest = Some("ab".repeat(32));
        r.verified_by = Some("clerk1".into());
        r.verified_at = Some(at());
        for name in ["sup2", "sup3"] {
            r.stamps.push(crate::domain::Stamp {
                supervisor: name.into(),
                stamped_at: at(),
            });
        }
        r
    }

    /// A seal of `req` (under `number`) stamped by `stampers` and signed
    /// by `center`, as a desk's `issue_seal` makes one.
    fn seal_of(
        req: &Request,
        number: &str,
        k: &Keys,
        stampers: &[&str],
        center: &SigningKey,
    ) -> String {
        let claims = SealClaims {
            issuer: req.center.clone(),
            issued_at: at().timestamp(),
            expires_at: at().timestamp() + 90 * 86_400,
            document: SealDocument {
                document_number: number.into(),
                service: req.service.clone(),
                national_id: req.national_id.to_string(),
                full_name_ar: req.name.full(),
                fields: req.document.clone(),
                content_digest: req.content_digest.clone().unwrap(),
            },
        };
        let payload = claims.to_cbor();
        let sign = |key: &SigningKey, name: &str, role: &str| {
            let protected = encode_signer_header(&key.kid(), name, role, at().timestamp());
            let tbs = sig_structure(&[], &protected, &[], &payload);
            (protected, key.sign(&tbs))
        };
        let mut signatures: Vec<(Vec<u8>, Vec<u8>)> = stampers
            .iter()
            .map(|n| {
                let (_, key) = k.people.iter().find(|(p, _)| p == n).unwrap();
                sign(key, n, "supervisor")
            })
            .collect();
        signatures.push(sign(center, "TRT01", "center"));
        encode_text(&encode_sign(&payload, &signatures), crate::seal::PREFIX)
    }

    fn print_of(seal: Option<&str>, sha: &str) -> PushChange {
        step_change(
            Step::Print {
                document_number: "TRT01-D01-0000001".into(),
                seal_sha256: sha.into(),
                seal: seal.map(str::to_owned),
            },
            State::Approved,
            State::Printed,
        )
    }

    #[test]
    fn a_print_is_applied_only_under_a_seal_that_backs_it() {
        let k = keys();
        let seals = SealCheck::new(&desk(), Some(&k.list), Utc::now().timestamp());
        let req = approved();
        let number = "TRT01-D01-0000001";
        let good = seal_of(&req, number, &k, &["sup2", "sup3"], &k.center);
        let sha = sha256_hex(good.as_bytes());
        let j = judge(
            &desk(),
            &print_of(Some(&good), &sha),
            Some(req.clone()),
            &seals,
        );
        assert_eq!(
            outcome(&j),
            (Outcome::Applied, Some(State::Printed)),
            "{:?}",
            j.result.reason
        );

        let refused = |change: PushChange, checks: &SealCheck, what: &str| {
            let j = judge(&desk(), &change, Some(req.clone()), checks);
            assert_eq!(
                outcome(&j),
                (Outcome::Rejected, Some(State::Approved)),
                "{what}"
            );
            assert!(j.save.is_none(), "{what}");
            let reason = j.result.reason.unwrap();
            let (ar, en) = reason.split_once(" — ").unwrap();
            assert!(!ar.is_empty() && !ar.is_ascii(), "{what}: {ar}");
            en.to_owned()
        };
        // No seal at all (a desk from before, or a forger without keys).
        let en = refused(print_of(None, &sha), &seals, "no seal");
        assert!(en.contains("no seal"), "{en}");
        // A seal other than the one the desk recorded.
        let en = refused(print_of(Some(&good), &"00".repeat(32)), &seals, "digest");
        assert!(en.contains("SHA-256"), "{en}");
        // No trust list from this desk.
        let en = refused(print_of(Some(&good), &sha), &no_seals(), "no list");
        assert!(en.contains("trust list"), "{en}");
        let forged = |seal: String, what: &str| {
            let sha = sha256_hex(seal.as_bytes());
            refused(print_of(Some(&seal), &sha), &seals, what)
        };
        // Signed by a center key of the forger's own.
        let own = SigningKey::generate().unwrap();
        let en = forged(
            seal_of(&req, number, &k, &["sup2", "sup3"], &own),
            "own key",
        );
        assert!(en.contains("not in the trust list"), "{en}");
        // A genuine seal of another document.
        let en = forged(
            seal_of(&req, "TRT01-D01-0000009", &k, &["sup2", "sup3"], &k.center),
            "other number",
        );
        assert!(en.contains("TRT01-D01-0000009"), "{en}");
        // Stamped by the clerk who verified it.
        let en = forged(
            seal_of(&req, number, &k, &["sup2", "clerk1"], &k.center),
            "verifier",
        );
        assert!(en.contains("clerk1") && en.contains("verified"), "{en}");
        // Stamped by a supervisor whose stamp the hub never recorded.
        let en = forged(
            seal_of(&req, number, &k, &["sup2", "sup4"], &k.center),
            "unrecorded",
        );
        assert!(en.contains("sup4"), "{en}");
        // One stamp where the service needs two.
        let en = forged(seal_of(&req, number, &k, &["sup2"], &k.center), "one stamp");
        assert!(en.contains("1 of 2"), "{en}");
        // Another citizen's content under this number.
        let mut other = req.clone();
        other.content_digest = Some("cd".repeat(32));
        let en = forged(
            seal_of(&other, number, &k, &["sup2", "sup3"], &k.center),
            "content",
        );
        assert!(en.contains("content"), "{en}");
    }

    #[test]
    fn a_sealed_copy_is_checked_like_an_original() {
        let k = keys();
        let seals = SealCheck::new(&desk(), Some(&k.list), Utc::now().timestamp());
        let mut req = approved();
        req.state = State::Printed;
        req.printed_count = 1;
        let good = seal_of(&req, "TRT01-D01-0000001", &k, &["sup2", "sup3"], &k.center);
        let copy_with = |seal: &str| {
            let mut c = copy(State::Printed);
            if let Change::CopyPrinted(p) = &mut c.change {
                p.seal_sha256 = Some(sha256_hex(seal.as_bytes()));
                p.seal = Some(seal.to_owned());
            }
            c
        };
        let j = judge(&desk(), &copy_with(&good), Some(req.clone()), &seals);
        assert_eq!(outcome(&j), (Outcome::Applied, Some(State::Printed)));
        let own = SigningKey::generate().unwrap();
        let bad = seal_of(&req, "TRT01-D01-0000001", &k, &["sup2", "sup3"], &own);
        let j = judge(&desk(), &copy_with(&bad), Some(req.clone()), &seals);
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Printed)));
        // Printed and authorised by one person: refused, seal or not.
        let mut own_say_so = copy_with(&good);
        if let Change::CopyPrinted(p) = &mut own_say_so.change {
            p.actor = "sup1".into();
        }
        let j = judge(&desk(), &own_say_so, Some(req), &seals);
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Printed)));
        assert!(
            j.result
                .reason
                .unwrap()
                .contains("may not authorise it too")
        );
    }

    fn outcome(j: &Judgement) -> (Outcome, Option<State>) {
        (j.result.outcome, j.result.hub_state)
    }

    #[test]
    fn a_legal_step_is_applied_to_the_hubs_record() {
        let verify = Step::Verify {
            document_number: "TRT01-D01-0000001".into(),
            content_digest: "ab".repeat(32),
        };
        let j = judge(
            &desk(),
            &step_change(verify, State::Received, State::Verified),
            Some(in_state(State::Received)),
            &no_seals(),
        );
        assert_eq!(outcome(&j), (Outcome::Applied, Some(State::Verified)));
        assert_eq!(j.result.reason, None);
        let saved = j.save.unwrap();
        assert_eq!(saved.from, State::Received);
        assert_eq!(saved.request.state, State::Verified);
        assert_eq!(
            saved.request.document_number.as_deref(),
            Some("TRT01-D01-0000001")
        );
        assert_eq!(saved.request.verified_by.as_deref(), Some("sup2"));
        assert_eq!(saved.request.updated_at, at());
    }

    #[test]
    fn a_stamp_approves_only_by_the_hubs_own_count() {
        // Two stamps required, none at the hub: a desk claiming the first
        // stamp approves is refused, however it words it.
        let mut req = in_state(State::Verified);
        req.stamps_required = 2;
        let skip = judge(
            &desk(),
            &step_change(Step::Stamp {}, State::Verified, State::Approved),
            Some(req.clone()),
            &no_seals(),
        );
        assert_eq!(outcome(&skip), (Outcome::Rejected, Some(State::Verified)));
        assert!(skip.save.is_none());
        assert!(skip.result.reason.as_deref().unwrap().contains(" — "));
        let first = judge(
            &desk(),
            &step_change(Step::Stamp {}, State::Verified, State::Verified),
            Some(req.clone()),
            &no_seals(),
        );
        assert_eq!(outcome(&first), (Outcome::Applied, Some(State::Verified)));
        req = first.save.unwrap().request;
        assert_eq!(req.stamps.len(), 1);
        // The same supervisor once more: refused.
        let again = judge(
            &desk(),
            &step_change(Step::Stamp {}, State::Verified, State::Approved),
            Some(req.clone()),
            &no_seals(),
        );
        assert_eq!(outcome(&again), (Outcome::Rejected, Some(State::Verified)));
        assert!(
            again
                .result
                .reason
                .unwrap()
                .contains("stamped this request already")
        );
        let last = judge(
            &desk(),
            &by(
                step_change(Step::Stamp {}, State::Verified, State::Approved),
                "sup3",
            ),
            Some(req),
            &no_seals(),
        );
        assert_eq!(outcome(&last), (Outcome::Applied, Some(State::Approved)));
        assert_eq!(last.save.unwrap().request.stamps.len(), 2);
    }

    #[test]
    fn the_hub_holds_the_desks_rules_against_its_own_record() {
        // The clerk who verified claims a supervisor's stamp.
        let mut verified = in_state(State::Verified);
        verified.stamps_required = 1;
        verified.verified_by = Some("clerk1".into());
        let mut stamp = by(
            step_change(Step::Stamp {}, State::Verified, State::Approved),
            "clerk1",
        );
        if let Change::StateChange(s) = &mut stamp.change {
            s.role = Some(Role::Supervisor);
        }
        let j = judge(&desk(), &stamp, Some(verified.clone()), &no_seals());
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Verified)));
        assert!(j.result.reason.unwrap().contains("two-person"));
        // Dated 2020, before the request was submitted; or tomorrow.
        for at in [
            DateTime::from_timestamp(1_580_000_000, 0).unwrap(),
            Utc::now() + chrono::Duration::hours(2),
        ] {
            let mut early = step_change(Step::Stamp {}, State::Verified, State::Approved);
            if let Change::StateChange(s) = &mut early.change {
                s.at = at;
            }
            let j = judge(&desk(), &early, Some(verified.clone()), &no_seals());
            assert_eq!(
                outcome(&j),
                (Outcome::Rejected, Some(State::Verified)),
                "{at}"
            );
        }
        // Unpaid at the hub: not printed, whatever the desk holds.
        let mut unpaid = in_state(State::Approved);
        unpaid.payment.paid = false;
        let print = Step::Print {
            document_number: "TRT01-D01-0000001".into(),
            seal_sha256: "cd".repeat(32),
            seal: None,
        };
        let j = judge(
            &desk(),
            &step_change(print, State::Approved, State::Printed),
            Some(unpaid),
            &no_seals(),
        );
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Approved)));
        assert!(j.result.reason.unwrap().contains("not paid"));
    }

    #[test]
    fn document_numbers_belong_to_one_request() {
        assert!(number_taken("TRT01-D01-0000002", "a", None).is_none());
        assert!(number_taken("TRT01-D01-0000002", "a", Some("a")).is_none());
        let why = number_taken("TRT01-D01-0000002", "a", Some("b")).unwrap();
        assert!(why.text(Lang::En).contains("TRT01-D01-0000002"));
        assert_eq!(document_seq("TRT01-D01-0000042"), Some(42));
        assert_eq!(document_seq("TRT01-D01-x"), None);
    }

    #[test]
    fn a_stale_or_illegal_step_is_rejected_with_the_hubs_state() {
        // Cancelled centrally while the desk printed it.
        let print = Step::Print {
            document_number: "TRT01-D01-0000001".into(),
            seal_sha256: "cd".repeat(32),
            seal: None,
        };
        let j = judge(
            &desk(),
            &step_change(print.clone(), State::Approved, State::Printed),
            Some(in_state(State::Cancelled)),
            &no_seals(),
        );
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Cancelled)));
        assert!(j.save.is_none());
        let reason = j.result.reason.unwrap();
        let (ar, en) = reason.split_once(" — ").unwrap();
        assert!(en.contains("stale") && en.contains("cancelled"), "{en}");
        assert!(!ar.is_empty() && !ar.contains("stale"));
        // The state the desk saw, but a step the lifecycle does not take.
        let j = judge(
            &desk(),
            &step_change(print, State::Verified, State::Printed),
            Some(in_state(State::Verified)),
            &no_seals(),
        );
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Verified)));
        // A legal action claiming the wrong end state.
        let j = judge(
            &desk(),
            &step_change(
                Step::Reject { reason: "x".into() },
                State::Received,
                State::Cancelled,
            ),
            Some(in_state(State::Received)),
            &no_seals(),
        );
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Received)));
        assert!(j.save.is_none());
    }

    #[test]
    fn a_role_that_may_not_act_so_is_refused() {
        let mut change = step_change(Step::Stamp {}, State::Verified, State::Verified);
        if let Change::StateChange(s) = &mut change.change {
            s.role = Some(crate::domain::Role::Clerk);
        }
        let j = judge(
            &desk(),
            &change,
            Some(in_state(State::Verified)),
            &no_seals(),
        );
        assert_eq!(outcome(&j), (Outcome::Rejected, Some(State::Verified)));
        let reason = j.result.reason.unwrap();
        assert!(
            reason.contains("clerk") && reason.contains("stamp"),
            "{reason}"
        );
        if let Change::StateChange(s) = &mut change.change {
            s.role = Some(crate::domain::Role::Supervisor);
        }
        let j = judge(
            &desk(),
            &change,
            Some(in_state(State::Verified)),
            &no_seals(),
        );
        assert_eq!(j.result.outcome, Outcome::Applied);
    }

    #[test]
    fn the_hub_records_reasons_and_prints() {
        let j = judge(
            &desk(),
            &step_change(
                Step::Reject {
                    reason: "ناقص".into(),
                },
                State::Received,
                State::Rejected,
            ),
            Some(in_state(State::Received)),
            &no_seals(),
        );
        assert_eq!(j.save.unwrap().request.reason.as_deref(), Some("ناقص"));
        let k = keys();
        let req = approved();
        let seal = seal_of(&req, "TRT01-D01-0000001", &k, &["sup2", "sup3"], &k.center);
        let seals = SealCheck::new(&desk(), Some(&k.list), Utc::now().timestamp());
        let print = print_of(Some(&seal), &sha256_hex(seal.as_bytes()));
        let j = judge(&desk(), &print, Some(req), &seals);
        assert_eq!(j.save.unwrap().request.printed_count, 1);
    }

    #[test]
    fn copies_are_recorded_while_the_document_is_on_its_way() {
        for state in State::ALL {
            let mut req = in_state(state);
            req.printed_count = 1;
            let j = judge(&desk(), &copy(State::Printed), Some(req), &no_seals());
            if state.allows_copy() {
                assert_eq!(outcome(&j), (Outcome::Applied, Some(state)), "{state}");
                let saved = j.save.unwrap();
                assert_eq!(saved.request.printed_count, 2, "{state}");
                assert_eq!((saved.from, saved.request.state), (state, state));
            } else {
                assert_eq!(outcome(&j), (Outcome::Rejected, Some(state)), "{state}");
                assert!(j.save.is_none());
            }
        }
    }

    #[test]
    fn changes_about_unknown_requests_or_other_centers_are_rejected() {
        let change = step_change(Step::Stamp {}, State::Verified, State::Verified);
        let j = judge(&desk(), &change, None, &no_seals());
        assert_eq!(outcome(&j), (Outcome::Rejected, None));
        assert!(j.result.reason.unwrap().contains("req-1"));
        let mut elsewhere = in_state(State::Verified);
        elsewhere.center = "DMS01".into();
        let j = judge(&desk(), &change, Some(elsewhere), &no_seals());
        assert_eq!(outcome(&j), (Outcome::Rejected, None));
        assert!(j.save.is_none());
        let j = judge(&desk(), &copy(State::Printed), None, &no_seals());
        assert_eq!(outcome(&j), (Outcome::Rejected, None));
    }

    #[test]
    fn a_handover_batch_is_applied_without_a_request() {
        let change = PushChange {
            key: "TRT01-D01-b".into(),
            request_id: None,
            change: Change::HandoverBatch(HandoverBatch {
                batch: "TRT01-D01-B20261201-0001".into(),
                at: at(),
                clerk: "clerk1".into(),
                tracking_codes: vec!["RR123456785SY".into()],
            }),
        };
        let j = judge(&desk(), &change, None, &no_seals());
        assert_eq!(outcome(&j), (Outcome::Applied, None));
        assert_eq!(j.result.key, "TRT01-D01-b");
        assert!(j.save.is_none());
    }

    #[test]
    fn the_post_reports_only_on_dispatched_requests() {
        for state in State::ALL {
            for report in [State::Delivered, State::Returned] {
                let mut req = in_state(state);
                let result = apply_post_report(&mut req, report);
                if state == State::Dispatched {
                    assert_eq!(result, Ok(()));
                    assert_eq!(req.state, report);
                } else {
                    assert!(matches!(result, Err(HubError::Conflict(_))), "{state}");
                    assert_eq!(req.state, state);
                }
            }
        }
    }

    #[test]
    fn central_cancellations_take_open_requests_only() {
        for state in State::ALL {
            let mut req = in_state(state);
            let result = apply_cancel(&mut req, "withdrawn online");
            if state.is_open() {
                assert_eq!(result, Ok(()), "{state}");
                assert_eq!(req.state, State::Cancelled);
                assert_eq!(req.reason.as_deref(), Some("withdrawn online"));
            } else {
                assert!(matches!(result, Err(HubError::Conflict(_))), "{state}");
                assert_eq!((req.state, req.reason.as_deref()), (state, None));
            }
        }
    }

    #[test]
    fn enrolment_codes_use_the_whole_alphabet() {
        const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let mut seen = std::collections::BTreeSet::new();
        let mut codes = std::collections::BTreeSet::new();
        for _ in 0..64 {
            let code = new_code_text().unwrap();
            assert_eq!(code.len(), 19, "{code}");
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 4);
            assert!(groups.iter().all(|g| g.len() == 4));
            for c in code.chars().filter(|c| *c != '-') {
                assert!(ALPHABET.contains(c), "{c} in {code}");
                seen.insert(c);
            }
            codes.insert(code);
        }
        // 1,024 characters drawn evenly from 32: every one shows up (the
        // chance that one does not is below one in 10^12). A code cut to
        // fewer bits would show fewer.
        assert_eq!(seen.len(), 32, "{seen:?}");
        assert_eq!(codes.len(), 64);
    }

    #[test]
    fn codes_are_compared_without_case_or_spaces() {
        assert_eq!(code_hash(" abcd-efgh "), code_hash("ABCD-EFGH"));
        assert_ne!(code_hash("ABCD-EFGH"), code_hash("ABCD-EFGJ"));
        assert_eq!(code_hash("A"), sha256_hex(b"A"));
    }

    #[test]
    fn stored_columns_read_back_or_fail() {
        assert_eq!(state_column("printed").unwrap(), State::Printed);
        assert!(state_column("teleported").is_err());
        assert_eq!(outcome_column("rejected").unwrap(), Outcome::Rejected);
        assert!(outcome_column("maybe").is_err());
        assert_eq!(anchor_from(None, Some("h".into())), None);
        assert_eq!(
            anchor_from(Some(3), Some("h".into())),
            Some(AuditHead {
                seq: 3,
                hash: "h".into()
            })
        );
        assert_eq!(rfc3339(1_800_000_000), "2027-01-15T08:00:00Z");
    }

    /// A second seeding continues the numbering of the first: tracking
    /// codes keep growing and never repeat.
    #[test]
    fn the_demo_numbers_after_the_requests_there_are() {
        let demo = HubDemo {
            requests: 5,
            centers: vec!["TRT01".into()],
            seed: 2,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        };
        let serial = |r: &Request| r.tracking_code[2..10].parse::<u32>().unwrap();
        let first = demo_requests(&demo, 0).unwrap();
        let second = demo_requests(&demo, 5).unwrap();
        let serials: Vec<u32> = first.iter().chain(&second).map(serial).collect();
        assert!(serials.windows(2).all(|w| w[1] == w[0] + 1), "{serials:?}");
    }

    #[test]
    fn the_demo_needs_a_center() {
        let demo = HubDemo {
            requests: 4,
            centers: Vec::new(),
            seed: 1,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        };
        assert!(matches!(
            demo_requests(&demo, 0),
            Err(HubError::BadRequest(..))
        ));
        let demo = HubDemo {
            centers: vec!["TRT01".into(), "DMS01".into()],
            ..demo
        };
        let made = demo_requests(&demo, 10).unwrap();
        assert_eq!(made.len(), 4);
        assert_eq!(made[0].center, "TRT01");
        assert_eq!(made[1].center, "DMS01");
        assert!(made.iter().all(|r| r.state == State::Received));
        let again = demo_requests(&demo, 14).unwrap();
        assert!(
            made.iter()
                .all(|a| again.iter().all(|b| a.tracking_code != b.tracking_code))
        );
    }
}
