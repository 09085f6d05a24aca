//! The desk's side of sync: enrol once, then push the outbox (in order,
//! in batches, each row with its idempotency key) and pull the center's
//! requests. `run` keeps doing it in the background with exponential
//! backoff and jitter; nothing here ever blocks the clerk's work, which
//! only writes the local store.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::protocol::*;
use crate::store::{PullTally, PushTally, Session, Store};

pub use crate::error::SyncError;

pub struct HubClient {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

impl HubClient {
    pub fn new(base: &str, token: Option<String>, timeout: Duration) -> HubClient {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        HubClient {
            agent,
            base: base.trim_end_matches('/').to_owned(),
            token,
        }
    }

    fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, SyncError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.agent.post(&url);
        if let Some(t) = &self.token {
            request = request.header("Authorization", &format!("Bearer {t}"));
        }
        let unreachable = |e: ureq::Error| SyncError::Unreachable {
            url: self.base.clone(),
            detail: e.to_string(),
        };
        let mut response = request.send_json(body).map_err(unreachable)?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(unreachable)?;
        if status != 200 {
            let body: Option<ErrorBody> = serde_json::from_str(&text).ok();
            return Err(SyncError::Refused {
                status,
                code: body
                    .as_ref()
                    .map_or_else(|| "http".into(), |b| b.error.clone()),
                message: body.map_or(text, |b| b.message),
            });
        }
        serde_json::from_str(&text).map_err(|e| SyncError::BadAnswer(e.to_string()))
    }

    pub fn enroll(&self, code: &str, desk: &str) -> Result<EnrollResponse, SyncError> {
        self.post(
            "/v1/enroll",
            &EnrollRequest {
                protocol: PROTOCOL_VERSION,
                code: code.to_owned(),
                desk: desk.to_owned(),
            },
        )
    }

    pub fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        self.post("/v1/push", req)
    }

    pub fn pull(&self, req: &PullRequest) -> Result<PullResponse, SyncError> {
        self.post("/v1/pull", req)
    }
}

/// How long one request to the hub may take, whole. Fifteen seconds, or
/// `CITIZEN_DESK_SYNC_TIMEOUT_MS` (the fault tests shorten it).
fn timeout() -> Duration {
    std::env::var("CITIZEN_DESK_SYNC_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(Duration::from_secs(15), Duration::from_millis)
}

/// `citizen-desk enroll`: trades a one-time code for this desk's token.
pub fn enroll(
    store: &mut Store,
    session: &Session,
    url: &str,
    code: &str,
) -> Result<EnrollResponse> {
    store.check_may_enroll(session)?;
    let answer = ask_to_enroll(url, code, store.desk())?;
    store.save_hub_link(session, url, &answer)?;
    Ok(answer)
}

/// The network half of [`enroll`]: asks the hub at `url` to enrol `desk`
/// with the operator's one-time `code`. No store involved, so the desk app
/// can wait for the answer off its UI thread (after
/// `Store::check_may_enroll`) and save it with `Store::save_hub_link`.
pub fn ask_to_enroll(url: &str, code: &str, desk: &str) -> Result<EnrollResponse> {
    HubClient::new(url, None, timeout())
        .enroll(code, desk)
        .map_err(Error::Sync)
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub pushed: PushTally,
    pub pulled: PullTally,
    pub queued: u64,
}

impl SyncReport {
    /// What a pass did, in words (the command line and the desk app).
    pub fn message(&self) -> crate::i18n::Message {
        crate::i18n::Message::new("done-synced")
            .arg("applied", self.pushed.applied)
            .arg("duplicate", self.pushed.duplicate)
            .arg("rejected", self.pushed.rejected)
            .arg("new", self.pulled.new)
            .arg("updated", self.pulled.updated)
            .arg("queued", self.queued)
    }
}

/// One full pass: push everything queued, then pull every new page.
/// The outcome is recorded for the outbox screen either way.
pub fn sync_once(store: &mut Store) -> Result<SyncReport> {
    let result = sync_pass(store);
    let error = match &result {
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    };
    store.record_sync_attempt(error.as_deref())?;
    result
}

fn sync_pass(store: &mut Store) -> Result<SyncReport> {
    let link = store
        .hub_link()?
        .ok_or(Error::Sync(SyncError::NotEnrolled))?;
    let client = HubClient::new(&link.url, Some(link.token.clone()), timeout());
    let mut report = SyncReport::default();
    // A damaged row becomes a conflict instead of stopping the queue.
    store.set_aside_unreadable_outbox_rows()?;
    loop {
        let batch = store.outbox_pending(PUSH_BATCH as u32)?;
        if batch.is_empty() {
            break;
        }
        let push = PushRequest {
            protocol: PROTOCOL_VERSION,
            audit_head: store.audit_anchor()?,
            changes: batch.iter().map(|e| e.to_push()).collect(),
        };
        let answer = client.push(&push).map_err(Error::Sync)?;
        if answer.results.len() != push.changes.len() {
            return Err(Error::Sync(SyncError::BadAnswer(format!(
                "{} results for {} changes",
                answer.results.len(),
                push.changes.len()
            ))));
        }
        let tally = store.record_push(&answer.results)?;
        report.pushed.applied += tally.applied;
        report.pushed.duplicate += tally.duplicate;
        report.pushed.rejected += tally.rejected;
    }
    loop {
        let (cursor, trust_version) = store.pull_position()?;
        let page = client
            .pull(&PullRequest {
                protocol: PROTOCOL_VERSION,
                cursor,
                limit: PULL_PAGE,
                trust_version,
            })
            .map_err(Error::Sync)?;
        let tally = store.apply_pull(&page)?;
        report.pulled.new += tally.new;
        report.pulled.updated += tally.updated;
        report.pulled.kept += tally.kept;
        report.pulled.trust_updated |= tally.trust_updated;
        if tally.trust_refused.is_some() {
            report.pulled.trust_refused = tally.trust_refused;
        }
        if !page.more {
            break;
        }
    }
    report.queued = store.outbox_len()?;
    Ok(report)
}

/// What the background loop reports after each pass.
#[derive(Debug)]
pub enum SyncEvent {
    Synced(SyncReport),
    Failed { error: Error, retry_in: Duration },
}

#[derive(Clone, Debug)]
pub struct LoopOptions {
    /// Pause between passes while all is well.
    pub interval: Duration,
    /// First wait after a failure; doubles up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for LoopOptions {
    fn default() -> Self {
        LoopOptions {
            interval: Duration::from_secs(10),
            base_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
        }
    }
}

/// Full jitter: a random wait between half and all of the capped
/// exponential backoff, so many desks coming back online do not all hit
/// the hub at once.
pub fn backoff(options: &LoopOptions, failures: u32) -> Duration {
    let exp = options
        .base_backoff
        .saturating_mul(1u32 << failures.min(16))
        .min(options.max_backoff);
    let mut b = [0u8; 4];
    let r = if getrandom::fill(&mut b).is_ok() {
        u32::from_le_bytes(b)
    } else {
        u32::MAX / 2
    };
    let half = exp / 2;
    half + Duration::from_nanos(
        (half.as_nanos() as u64).saturating_mul(u64::from(r)) / u64::from(u32::MAX),
    )
}

/// Syncs until `stop` is set: a pass, then a pause (the interval, or the
/// backoff after a failure). Errors that retrying cannot fix (not
/// enrolled, refused) end the loop.
pub fn run(
    store: &mut Store,
    options: &LoopOptions,
    stop: &AtomicBool,
    mut on_event: impl FnMut(&SyncEvent),
) -> Result<()> {
    let mut failures = 0u32;
    while !stop.load(Ordering::Relaxed) {
        let wait = match sync_once(store) {
            Ok(report) => {
                failures = 0;
                on_event(&SyncEvent::Synced(report));
                options.interval
            }
            Err(Error::Sync(e)) if e.is_transient() => {
                let retry_in = backoff(options, failures);
                failures = failures.saturating_add(1);
                on_event(&SyncEvent::Failed {
                    error: Error::Sync(e),
                    retry_in,
                });
                retry_in
            }
            Err(Error::Busy(d)) => {
                let retry_in = backoff(options, failures);
                failures = failures.saturating_add(1);
                on_event(&SyncEvent::Failed {
                    error: Error::Busy(d),
                    retry_in,
                });
                retry_in
            }
            Err(e) => return Err(e),
        };
        // Sleep in small steps so a stop request is seen quickly.
        let until = std::time::Instant::now() + wait;
        while !stop.load(Ordering::Relaxed) && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50).min(wait));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let o = LoopOptions {
            interval: Duration::from_secs(1),
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
        };
        for failures in 0..20 {
            let cap = (Duration::from_millis(100) * (1u32 << failures.min(16))).min(o.max_backoff);
            let b = backoff(&o, failures);
            assert!(b >= cap / 2 && b <= cap, "{failures}: {b:?} vs {cap:?}");
        }
        let waits: std::collections::BTreeSet<_> = (0..20).map(|_| backoff(&o, 5)).collect();
        assert!(waits.len() > 1, "jitter varies the wait");
    }
}
