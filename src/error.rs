//! One error type for the whole core. Each error knows how to explain itself
//! to staff (Arabic and English, from the translation files) and which exit
//! code the CLI returns for it. It sits low in the layers (above the
//! domain, below everything that fails), so the failures of printing and
//! of the hub link are described here too.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::domain::{Action, NationalIdError, Refusal, Role, State};
use crate::i18n::Message;

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    NationalId(#[from] NationalIdError),
    #[error("no request matches {0:?}")]
    RequestNotFound(String),
    #[error("no requests for national ID {0}")]
    NoRequestsForPerson(String),
    #[error("no user named {0:?}")]
    UserNotFound(String),
    #[error("a user named {0:?} already exists")]
    UserExists(String),
    #[error("user names are 1 to 32 letters, digits, '.', '_' or '-'")]
    BadUserName,
    #[error("the role {role} may not {action}")]
    Forbidden { role: Role, action: Action },
    #[error("two-person rule: the supervisor who verified a request cannot stamp it")]
    TwoPersonRule,
    #[error("{0} has already stamped this request")]
    AlreadyStamped(String),
    #[error("the request is not paid")]
    Unpaid,
    #[error(transparent)]
    Paper(#[from] PaperError),
    #[error("there are no envelopes waiting for the post")]
    NothingToDispatch,
    #[error("a reprint (copy) needs a supervisor's authorisation")]
    ReprintNeedsSupervisor,
    #[error("cannot {action} a request that is {state}")]
    InvalidTransition { state: State, action: Action },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("wrong PIN ({attempts_left} attempts left)")]
    WrongPin { attempts_left: u32 },
    #[error("user locked until {until}")]
    Locked { until: DateTime<Utc> },
    #[error("user {0:?} is deactivated")]
    UserInactive(String),
    #[error("a PIN must be at least 6 digits")]
    WeakPin,
    #[error("the last active admin cannot be removed or demoted")]
    LastAdmin,
    #[error("no PIN was given")]
    NoPin,
    #[error("{0:?}")]
    BadInput(Message),
    #[error("no desk store at {0}: run `citizen-desk init` or `citizen-desk demo` first")]
    NotInitialised(PathBuf),
    #[error("a desk store already exists at {0}")]
    AlreadyInitialised(PathBuf),
    #[error(
        "{path} was written by a newer citizen-desk (schema {found}, this one knows up to {supported})"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path} is damaged or not a citizen-desk store: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error("the disk is full: {0}")]
    DiskFull(String),
    #[error("the store is busy (another program holds it): {0}")]
    Busy(String),
    #[error("storage error: {0}")]
    Storage(String),
    #[error("{path}: {detail}")]
    Io {
        path: PathBuf,
        detail: String,
        /// What went wrong, said in the interface's language (the detail
        /// is the system's own words, in English).
        kind: std::io::ErrorKind,
    },
    #[error("invalid built-in data: {0}")]
    Data(String),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a document did not reach the printer (CUPS).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaperError {
    #[error("CUPS is not installed (no lpstat/lp)")]
    NotInstalled,
    #[error("the CUPS scheduler is not running")]
    SchedulerDown,
    #[error("no printer named {0}")]
    UnknownPrinter(String),
    #[error("printer {0} is paused (disabled)")]
    Paused(String),
    #[error("printing failed: {0}")]
    Failed(String),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("this desk is not enrolled with a hub")]
    NotEnrolled,
    #[error("the hub at {url} cannot be reached: {detail}")]
    Unreachable { url: String, detail: String },
    #[error("the hub refused ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    #[error("the hub's answer was not understood: {0}")]
    BadAnswer(String),
    #[error("not a hub address: {0}")]
    BadUrl(String),
    /// Plain HTTP leaves this machine only encrypted.
    #[error("plain http:// is allowed to this machine only: {0}")]
    PlainHttp(String),
    /// An https hub needs a pinned fingerprint or a CA.
    #[error("no fingerprint or CA given for {0}")]
    NoTrust(String),
    #[error("the CA file: {0}")]
    BadTrust(String),
    /// The server showed another key than the pinned one: someone in the
    /// middle, or a hub whose key was replaced.
    #[error("the server at {url} has key {seen}, not the pinned {expected}")]
    WrongKey {
        url: String,
        expected: String,
        seen: String,
    },
    #[error("the certificate of {url} is not trusted: {detail}")]
    Untrusted { url: String, detail: String },
}

impl SyncError {
    /// Worth trying again later (the network or the hub may come back).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. } => true,
            // 429: the hub turns an address away for a minute.
            SyncError::Refused { status, .. } => *status >= 500 || *status == 429,
            SyncError::BadAnswer(_) => true,
            // A wrong key may be someone in the middle for a while; keep
            // queueing and trying, and keep saying so.
            SyncError::WrongKey { .. } | SyncError::Untrusted { .. } => true,
            SyncError::NotEnrolled
            | SyncError::BadUrl(_)
            | SyncError::PlainHttp(_)
            | SyncError::NoTrust(_)
            | SyncError::BadTrust(_) => false,
        }
    }
}

impl Error {
    /// 0 ok, 1 not found / refused / invalid, 2 bad input or usage.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NationalId(_)
            | Error::BadInput(_)
            | Error::WeakPin
            | Error::BadUserName
            | Error::NoPin => 2,
            _ => 1,
        }
    }

    pub fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Error {
        let path = path.into();
        if err.raw_os_error() == Some(28) {
            // ENOSPC
            return Error::DiskFull(format!("{}: {err}", path.display()));
        }
        Error::Io {
            path,
            detail: err.to_string(),
            kind: err.kind(),
        }
    }

    pub fn bad_input(id: &'static str) -> Error {
        Error::BadInput(Message::new(id))
    }

    /// What staff read: a translated message.
    pub fn message(&self) -> Message {
        let m = Message::new;
        match self {
            Error::NationalId(e) => e.message(),
            Error::RequestNotFound(r) => m("err-request-not-found").arg("reference", r),
            Error::NoRequestsForPerson(id) => m("err-no-requests-for-person").arg("id", id),
            Error::UserNotFound(u) => m("err-user-not-found").arg("user", u),
            Error::UserExists(u) => m("err-user-exists").arg("user", u),
            Error::BadUserName => m("err-bad-user-name"),
            Error::Forbidden { role, action } => m("err-forbidden")
                .arg_tr("role", role.label_id())
                .arg_tr("action", action.label_id()),
            Error::TwoPersonRule => m("err-two-person-rule"),
            Error::AlreadyStamped(u) => m("err-already-stamped").arg("user", u),
            Error::Unpaid => m("err-unpaid"),
            Error::ReprintNeedsSupervisor => m("err-reprint-needs-supervisor"),
            Error::NothingToDispatch => m("err-nothing-to-dispatch"),
            Error::Paper(e) => {
                use PaperError as P;
                match e {
                    P::NotInstalled => m("err-paper-no-cups"),
                    P::SchedulerDown => m("err-paper-scheduler-down"),
                    P::UnknownPrinter(p) => m("err-paper-unknown-printer").arg("printer", p),
                    P::Paused(p) => m("err-paper-paused").arg("printer", p),
                    P::Failed(d) => m("err-paper-failed").arg("detail", d),
                }
            }
            Error::InvalidTransition { state, action } => m("err-invalid-transition")
                .arg_tr("state", state.label_id())
                .arg_tr("action", action.label_id()),
            Error::ReasonRequired => m("err-reason-required"),
            Error::WrongPin { attempts_left } => m("err-wrong-pin").arg("left", attempts_left),
            Error::Locked { until } => m("err-locked").arg(
                "until",
                until
                    .with_timezone(&chrono_tz::Asia::Damascus)
                    .format("%H:%M")
                    .to_string(),
            ),
            Error::UserInactive(u) => m("err-user-inactive").arg("user", u),
            Error::WeakPin => m("err-weak-pin"),
            Error::LastAdmin => m("err-last-admin"),
            Error::NoPin => m("err-no-pin"),
            Error::BadInput(msg) => msg.clone(),
            Error::NotInitialised(p) => m("err-not-initialised").arg("path", p.display()),
            Error::AlreadyInitialised(p) => m("err-already-initialised").arg("path", p.display()),
            Error::NewerSchema {
                path,
                found,
                supported,
            } => m("err-newer-schema")
                .arg("path", path.display())
                .arg("found", found)
                .arg("supported", supported),
            Error::Corrupt { path, detail } => m("err-corrupt")
                .arg("path", path.display())
                .arg("detail", detail),
            Error::DiskFull(d) => m("err-disk-full").arg("detail", d),
            Error::Busy(d) => m("err-busy").arg("detail", d),
            Error::Storage(d) => m("err-storage").arg("detail", d),
            Error::Io { path, detail, kind } => m("err-io")
                .arg("path", path.display())
                .arg("detail", detail)
                .arg_tr("why", io_kind_message(*kind)),
            Error::Data(d) => m("err-data").arg("detail", d),
            Error::Sync(e) => {
                use SyncError as S;
                match e {
                    S::NotEnrolled => m("err-sync-not-enrolled"),
                    S::Unreachable { url, detail } => m("err-sync-unreachable")
                        .arg("url", url)
                        .arg("detail", detail),
                    S::Refused {
                        status,
                        code,
                        message,
                    } => m("err-sync-refused")
                        .arg("status", status)
                        .arg("code", code)
                        .arg("detail", message),
                    S::BadAnswer(d) => m("err-sync-bad-answer").arg("detail", d),
                    S::BadUrl(url) => m("err-sync-bad-url").arg("url", url),
                    S::PlainHttp(url) => m("err-sync-plain-http").arg("url", url),
                    S::NoTrust(url) => m("err-sync-no-trust").arg("url", url),
                    S::BadTrust(d) => m("err-sync-bad-trust").arg("detail", d),
                    S::WrongKey {
                        url,
                        expected,
                        seen,
                    } => m("err-sync-wrong-key")
                        .arg("url", url)
                        .arg("expected", expected)
                        .arg("seen", seen),
                    S::Untrusted { url, detail } => m("err-sync-untrusted")
                        .arg("url", url)
                        .arg("detail", detail),
                }
            }
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode;
        if let rusqlite::Error::SqliteFailure(e, _) = &err {
            match e.code {
                ErrorCode::DiskFull => return Error::DiskFull(err.to_string()),
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    return Error::Busy(err.to_string());
                }
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt => {
                    return Error::Corrupt {
                        path: PathBuf::new(),
                        detail: err.to_string(),
                    };
                }
                _ => {}
            }
        }
        Error::Storage(err.to_string())
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Error {
        match refusal {
            Refusal::Forbidden { role, action } => Error::Forbidden { role, action },
            Refusal::InvalidTransition { state, action } => {
                Error::InvalidTransition { state, action }
            }
            Refusal::TwoPersonRule => Error::TwoPersonRule,
            Refusal::AlreadyStamped(user) => Error::AlreadyStamped(user),
            Refusal::Unpaid => Error::Unpaid,
        }
    }
}

impl From<crate::domain::catalog::CatalogError> for Error {
    fn from(err: crate::domain::catalog::CatalogError) -> Error {
        Error::Data(err.0)
    }
}

/// A file error's kind in words, for the messages staff read (the
/// system's own text stays in the English line).
fn io_kind_message(kind: std::io::ErrorKind) -> &'static str {
    use std::io::ErrorKind as K;
    match kind {
        K::NotFound => "io-not-found",
        K::PermissionDenied => "io-permission-denied",
        K::AlreadyExists => "io-already-exists",
        K::ConnectionRefused | K::ConnectionReset | K::ConnectionAborted => "io-connection",
        K::TimedOut => "io-timed-out",
        K::InvalidData | K::InvalidInput | K::UnexpectedEof => "io-invalid-data",
        _ => "io-other",
    }
}

#[cfg(test)]
mod io_words {
    use super::*;
    use crate::i18n::Lang;

    /// An Arabic line carries no English: the system's words for a file
    /// error stay on the English line, the Arabic says what happened.
    #[test]
    fn a_file_error_is_said_in_arabic_and_the_system_words_stay_english() {
        let err = Error::io(
            "/tmp/x.pdf",
            std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "Permission denied (os error 13)",
            ),
        );
        let ar = err.message().text(Lang::Ar);
        let en = err.message().text(Lang::En);
        assert!(ar.contains("لا يملك البرنامج إذناً"), "{ar}");
        assert!(
            !ar.contains("Permission") && !ar.contains("os error"),
            "{ar}"
        );
        assert!(en.contains("Permission denied (os error 13)"), "{en}");
    }
}
