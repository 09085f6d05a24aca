//! The desk–hub protocol, version 1: JSON over HTTP. Documented for
//! operators and other implementations in `docs/sync-protocol.md`.

use serde::{Deserialize, Serialize};

use crate::domain::Request;

/// Every request body carries this; the hub answers 400 to others.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest request body the hub reads (a push of 500 changes is about
/// 300 KB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Changes per push, and requests per pull page.
pub const PUSH_BATCH: usize = 500;
pub const PULL_PAGE: u32 = 500;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EnrollRequest {
    pub protocol: u32,
    pub code: String,
    /// The desk's own code within its center (e.g. D01).
    pub desk: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EnrollResponse {
    pub token: String,
    pub center: String,
    pub desk_id: i64,
}

/// The newest entry of the desk's hash-chained audit log.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PushChange {
    pub key: String,
    pub kind: String,
    pub request_id: Option<String>,
    pub payload: serde_json::Value,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PushRequest {
    pub protocol: u32,
    pub audit_head: Option<AuditHead>,
    pub changes: Vec<PushChange>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Applied now.
    Applied,
    /// Applied by an earlier push with this key: nothing done again.
    Duplicate,
    /// Not applied: the hub's record does not allow it.
    Rejected,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChangeResult {
    pub key: String,
    pub outcome: Outcome,
    /// The state the hub holds for the request after this change.
    pub hub_state: Option<String>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PushResponse {
    pub results: Vec<ChangeResult>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PullRequest {
    pub protocol: u32,
    /// The hub sequence number of the last request this desk stored.
    pub cursor: i64,
    pub limit: u32,
    /// The trust list version this desk holds (0 for none).
    pub trust_version: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PulledRequest {
    pub seq: i64,
    pub request: Request,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PullResponse {
    pub requests: Vec<PulledRequest>,
    pub next_cursor: i64,
    pub more: bool,
    /// A newer signed trust list (the export document), when there is one.
    pub trust: Option<TrustUpdate>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrustUpdate {
    pub version: i64,
    pub document: String,
}

/// Every 4xx/5xx answer: a stable code and a sentence for the operator.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}
