//! What the hub decides, whatever stores its data: which pushed change
//! is legal from the state it holds, what the post and central
//! cancellations may do, and the shapes the operator sees.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{DeskAuth, HubError};
use crate::domain::{Action, Request, Stamp, State, next_state, post_outcome_allowed};
use crate::i18n::{Lang, Message};
use crate::sync::protocol::*;

/// What the hub recorded for a key: content hash, desk, outcome, hub
/// state, reason.
pub(crate) type EarlierEffect = (String, i64, String, Option<String>, Option<String>);

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
    pub state: String,
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

pub(crate) fn rfc3339(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// What one pushed change does to the hub's record: the result, and the
/// request to save when it was applied.
pub(crate) fn judge(
    desk: &DeskAuth,
    change: &PushChange,
    req: Option<Request>,
) -> (ChangeResult, Option<(Request, State)>) {
    let result = |outcome, hub_state: Option<State>, reason: Option<String>| ChangeResult {
        key: change.key.clone(),
        outcome,
        hub_state: hub_state.map(|s| s.as_str().to_owned()),
        reason,
    };
    // The reason goes to the desk's supervisors as the hub wrote it: in
    // Arabic, then English.
    let reject = |hub_state: Option<State>, why: Message| {
        let words = format!("{} — {}", why.text(Lang::Ar), why.text(Lang::En));
        (result(Outcome::Rejected, hub_state, Some(words)), None)
    };
    if change.kind == "handover_batch" {
        return (result(Outcome::Applied, None, None), None);
    }
    let Some(mut req) = req.filter(|r| r.center == desk.center) else {
        return reject(
            None,
            Message::new("hub-reason-no-request")
                .arg("request", change.request_id.as_deref().unwrap_or("?"))
                .arg("center", &desk.center),
        );
    };
    let hub_state = req.state;
    let p = &change.payload;
    let text = |k: &str| p.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    match change.kind.as_str() {
        "copy_printed" => {
            if matches!(
                hub_state,
                State::Printed
                    | State::Enveloped
                    | State::Dispatched
                    | State::Delivered
                    | State::Returned
            ) {
                req.printed_count += 1;
                (
                    result(Outcome::Applied, Some(hub_state), None),
                    Some((req, hub_state)),
                )
            } else {
                reject(
                    Some(hub_state),
                    Message::new("hub-reason-copy").arg_tr("state", hub_state.label_id()),
                )
            }
        }
        "state_change" => {
            let (Some(action), Some(from), Some(to)) = (
                text("action").as_deref().and_then(Action::parse),
                text("from").as_deref().and_then(State::parse),
                text("to").as_deref().and_then(State::parse),
            ) else {
                return reject(Some(hub_state), Message::new("hub-reason-incomplete"));
            };
            if from != hub_state {
                return reject(
                    Some(hub_state),
                    Message::new("hub-reason-stale")
                        .arg_tr("from", from.label_id())
                        .arg_tr("state", hub_state.label_id()),
                );
            }
            let legal = next_state(from, action) == Some(to)
                || (action == Action::Stamp && from == State::Verified && to == State::Approved);
            if !legal {
                return reject(
                    Some(hub_state),
                    Message::new("hub-reason-illegal")
                        .arg_tr("action", action.label_id())
                        .arg_tr("from", from.label_id())
                        .arg_tr("to", to.label_id()),
                );
            }
            let at = text("at")
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(Utc::now);
            req.state = to;
            req.updated_at = at;
            match action {
                Action::Verify => {
                    req.document_number = text("document_number");
                    req.content_digest = text("content_digest");
                    req.verified_by = text("actor");
                    req.verified_at = Some(at);
                }
                Action::Stamp => req.stamps.push(Stamp {
                    supervisor: text("actor").unwrap_or_default(),
                    stamped_at: at,
                }),
                Action::Print => req.printed_count += 1,
                Action::Reject | Action::Cancel => req.reason = text("reason"),
                _ => {}
            }
            (
                result(Outcome::Applied, Some(to), None),
                Some((req, hub_state)),
            )
        }
        other => reject(
            Some(hub_state),
            Message::new("hub-reason-unknown-kind").arg("kind", format!("{other:?}")),
        ),
    }
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
    if !req.state.is_open() {
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
