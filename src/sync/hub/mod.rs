//! The central hub (reference server): an HTTP server on top of a storage
//! interface. The algorithms are written once ([`engine`], with the
//! decisions in [`rules`]) over a few storage primitives that each backend
//! implements: [`HubStore`] on an embedded SQLite file, [`PgHubStore`] on
//! PostgreSQL. Both take their tables from [`schema`].

pub mod engine;
pub mod postgres;
pub(crate) mod rules;
pub mod schema;
pub(crate) mod seals;
pub mod server;
pub mod store;

pub use engine::{DEFAULT_CODE_HOURS, HubDb, HubTx};
pub use postgres::PgHubStore;
pub use rules::{CenterStates, DeskStatus, HubDemo, HubStatus};
pub use server::{Faults, Limits, ServeOptions, serve};
pub use store::HubStore;

use crate::protocol::*;

/// An enrolled desk, as its token identifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskAuth {
    pub id: i64,
    pub center: String,
    pub desk: String,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum HubError {
    /// 400: the body is not a valid request of this protocol version.
    #[error("{1}")]
    BadRequest(String, String),
    /// 401: no token, an unknown token, or a bad enrolment code.
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    NotFound(String),
    /// 409: a replayed key with different content, or a change the hub's
    /// record does not allow.
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 429: too many refused attempts from this address in the last
    /// minute.
    #[error("too many refused attempts from this address; try again in a minute")]
    TooManyAttempts,
    /// 503: every worker is busy and the queue is full; try again soon.
    #[error("the hub is busy; try again in a moment")]
    Busy,
    /// 500: the hub's own storage failed; nothing was applied.
    #[error("hub storage: {0}")]
    Storage(String),
}

impl HubError {
    pub fn status(&self) -> u16 {
        match self {
            HubError::BadRequest(..) => 400,
            HubError::Unauthorized(_) => 401,
            HubError::NotFound(_) => 404,
            HubError::Conflict(_) => 409,
            HubError::PayloadTooLarge(_) => 413,
            HubError::Busy => 503,
            HubError::TooManyAttempts => 429,
            HubError::Storage(_) => 500,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            HubError::BadRequest(code, _) => code,
            HubError::Unauthorized(_) => "unauthorized",
            HubError::NotFound(_) => "not_found",
            HubError::Conflict(_) => "conflict",
            HubError::PayloadTooLarge(_) => "payload_too_large",
            HubError::Busy => "busy",
            HubError::TooManyAttempts => "too_many_attempts",
            HubError::Storage(_) => "storage",
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code().to_owned(),
            message: self.to_string(),
        }
    }
}

/// What the HTTP layer and the operator's commands ask of a hub. Every
/// [`HubDb`] has it (see [`engine`]).
pub trait HubStorage {
    fn enroll(&mut self, req: &EnrollRequest) -> Result<EnrollResponse, HubError>;
    /// The desk a bearer token belongs to; a missing or unknown token is
    /// logged and refused.
    fn authenticate(&mut self, token: Option<&str>, what: &str) -> Result<DeskAuth, HubError>;
    /// Applies pushed changes in order, each exactly once (by key), with
    /// their effects in one transaction; a change that does not read is
    /// answered rejected on its own.
    fn push_incoming(
        &mut self,
        desk: &DeskAuth,
        req: &IncomingPush,
    ) -> Result<PushResponse, HubError>;
    /// [`HubStorage::push_incoming`] for a push of readable changes.
    fn push(&mut self, desk: &DeskAuth, req: &PushRequest) -> Result<PushResponse, HubError> {
        self.push_incoming(desk, &IncomingPush::from(req))
    }
    /// The desk's center's requests changed after the cursor, in order.
    fn pull(&mut self, desk: &DeskAuth, req: &PullRequest) -> Result<PullResponse, HubError>;
    fn log(&mut self, event: &str, detail: &str) -> Result<(), HubError>;

    // The operator's side.

    /// A one-time enrolment code for a desk of `center`; only its hash is
    /// kept.
    fn new_enroll_code(&mut self, center: &str, valid_hours: u32) -> Result<String, HubError>;
    /// Revokes an enrolled desk's token at once.
    fn revoke(&mut self, desk_id: i64) -> Result<(), HubError>;
    /// Issues a desk a new token at its next pull.
    fn rotate(&mut self, desk_id: i64) -> Result<(), HubError>;
    /// Seeds new requests as citizens would submit them online; returns
    /// how many.
    fn seed_demo(&mut self, demo: &HubDemo) -> Result<u64, HubError>;
    /// The post's report for a dispatched request: delivered or returned.
    fn post_report(
        &mut self,
        tracking_code: &str,
        outcome: crate::domain::State,
    ) -> Result<crate::domain::Request, HubError>;
    /// A cancellation decided centrally (say the citizen withdrew online).
    fn cancel(
        &mut self,
        tracking_code: &str,
        reason: &str,
    ) -> Result<crate::domain::Request, HubError>;
    /// Publishes a signed trust list for desks to pull; returns its version.
    fn publish_trust(&mut self, document: &str) -> Result<i64, HubError>;
    fn status(&mut self) -> Result<HubStatus, HubError>;
}

/// Where a hub keeps its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubBackend {
    /// The embedded SQLite file in this directory.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database (`postgres://user:password@host/db`).
    Postgres(String),
}

impl HubBackend {
    pub fn open(&self) -> Result<Box<dyn HubStorage + Send>, HubError> {
        Ok(match self {
            HubBackend::Sqlite(dir) => Box::new(HubStore::open(dir)?),
            HubBackend::Postgres(url) => Box::new(PgHubStore::connect(url)?),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            HubBackend::Sqlite(dir) => format!("SQLite in {}", dir.display()),
            // Never print the password.
            HubBackend::Postgres(url) => {
                let shown = match (url.find("://"), url.rfind('@')) {
                    (Some(a), Some(b)) if b > a => format!("{}://…@{}", &url[..a], &url[b + 1..]),
                    _ => url.clone(),
                };
                format!("PostgreSQL at {shown}")
            }
        }
    }
}
