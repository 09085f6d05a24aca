//! What the hub decides, whatever stores its data: which pushed change
//! is legal from the record it holds (the domain's lifecycle says), what
//! the post and central cancellations may do, and the shapes the operator
//! sees.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{DeskAuth, HubError};
use crate::domain::lifecycle::{apply_copy, apply_step};
use crate::domain::{Action, Request, State, next_state, post_outcome_allowed};
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
}

/// A state as a backend stored it.
pub(crate) fn state_column(text: &str) -> Result<State, HubError> {
    State::parse(text).ok_or_else(|| storage(format!("unknown state {text:?}")))
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

/// A request the hub moves, and the state it moved from.
#[derive(Debug, PartialEq)]
pub(crate) struct Saved {
    pub request: Request,
    pub from: State,
}

/// Judges one pushed change against the hub's record of its request:
/// applied when the lifecycle allows it from the state the hub holds,
/// rejected (with the reason in Arabic, then English) when not.
pub(crate) fn judge(desk: &DeskAuth, change: &PushChange, req: Option<Request>) -> Judgement {
    match &change.change {
        // A batch names envelopes whose own changes come with it.
        Change::HandoverBatch(_) => Judgement {
            result: ChangeResult {
                key: change.key.clone(),
                outcome: Outcome::Applied,
                hub_state: None,
                reason: None,
            },
            save: None,
        },
        Change::CopyPrinted(copy) => judge_on_request(desk, change, req, |r| {
            let state = r.state;
            apply_copy(r, copy.at)
                .map_err(|_| Message::new("hub-reason-copy").arg_tr("state", state.label_id()))
        }),
        Change::StateChange(step) => judge_on_request(desk, change, req, |r| judge_step(r, step)),
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

/// A lifecycle step: the desk must have seen the state the hub holds, and
/// the step must lead where the desk says it did.
fn judge_step(req: &mut Request, change: &StateChange) -> Result<State, Message> {
    let action: Action = change.step.action();
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
    apply_step(req, &change.step, &change.actor, change.at).map_err(|_| illegal())
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

/// A central cancellation: only an open request.
pub(crate) fn apply_cancel(req: &mut Request, reason: &str) -> Result<(), HubError> {
    if next_state(req, Action::Cancel).is_none() {
        return Err(HubError::Conflict(format!(
            "the request is already {}",
            req.state
        )));
    }
    req.state = State::Cancelled;
    req.reason = Some(reason.to_owned());
    Ok(())
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
pub(crate) fn code_hash(code: &str) -> String {
    sha256_hex(code.trim().to_ascii_uppercase().as_bytes())
}

/// New requests spread over `centers` for `hub demo`, numbered after the
/// `existing` ones so tracking codes stay unique.
pub(crate) fn demo_requests(
    n: u64,
    centers: &[String],
    seed: u64,
    today: chrono::NaiveDate,
    existing: u64,
) -> Result<Vec<Request>, HubError> {
    if centers.is_empty() {
        return Err(HubError::BadRequest(
            "bad_center".into(),
            "name at least one center".into(),
        ));
    }
    let catalog = crate::domain::Catalog::builtin().map_err(storage)?;
    let calendar = crate::domain::WorkCalendar::builtin().map_err(storage)?;
    let midnight = crate::demo::damascus_midnight(today);
    Ok((0..n)
        .map(|i| {
            let center = &centers[(i % centers.len() as u64) as usize];
            let g = crate::demo::GenCtx {
                catalog: &catalog,
                calendar: &calendar,
                center,
                midnight,
            };
            crate::demo::incoming_request(seed, 20_000_000 + existing + i, n.max(4), &g)
        })
        .collect())
}
