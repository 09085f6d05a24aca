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

use super::tls::ClientTls;
pub use super::tls::{Fingerprint, HubTrust};
pub use crate::error::SyncError;

/// Where a hub is, read from its URL: `https://host:port[/prefix]`, or
/// `http://` to a loopback address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubAddress {
    pub https: bool,
    pub host: String,
    pub port: u16,
    /// Path prefix before `/v1/…` (empty, or starting with `/`).
    pub prefix: String,
}

impl HubAddress {
    pub fn parse(url: &str) -> Result<HubAddress, SyncError> {
        let bad = || SyncError::BadUrl(url.to_owned());
        let uri: http::Uri = url.trim().parse().map_err(|_| bad())?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(bad()),
        };
        let host = uri.host().filter(|h| !h.is_empty()).ok_or_else(bad)?;
        if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
            return Err(bad());
        }
        let address = HubAddress {
            https,
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port: uri.port_u16().unwrap_or(if https { 443 } else { 80 }),
            prefix: uri.path().trim_end_matches('/').to_owned(),
        };
        if !https && !super::tls::is_loopback_host(&address.host) {
            return Err(SyncError::PlainHttp(url.to_owned()));
        }
        Ok(address)
    }

    /// The trust a plain loopback address needs, or that an `https`
    /// address needs one given.
    pub fn check_trust(&self, url: &str, trust: &HubTrust) -> Result<(), SyncError> {
        match (self.https, trust) {
            (false, HubTrust::Loopback) | (true, HubTrust::Pin(_) | HubTrust::Ca(_)) => Ok(()),
            (true, HubTrust::Loopback) => Err(SyncError::NoTrust(url.to_owned())),
            (false, _) => Err(SyncError::PlainHttp(url.to_owned())),
        }
    }

    fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// The largest answer a desk reads from a hub (a pull page of 500
/// requests is far below it).
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;

pub struct HubClient {
    runtime: tokio::runtime::Runtime,
    url: String,
    address: HubAddress,
    tls: Option<ClientTls>,
    pin: Option<Fingerprint>,
    token: Option<String>,
    timeout: Duration,
}

/// Any stream the client speaks HTTP over (TCP, or TLS on TCP).
trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

impl HubClient {
    /// A client for the hub at `url`, trusted as `trust` says; each
    /// request may take `timeout` in all (connect, TLS, answer).
    pub fn new(
        url: &str,
        trust: &HubTrust,
        token: Option<String>,
        timeout: Duration,
    ) -> Result<HubClient, SyncError> {
        let address = HubAddress::parse(url)?;
        address.check_trust(url, trust)?;
        let tls = super::tls::client_config(trust).map_err(SyncError::BadTrust)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| SyncError::Unreachable {
                url: url.to_owned(),
                detail: e.to_string(),
            })?;
        Ok(HubClient {
            runtime,
            url: url.trim_end_matches('/').to_owned(),
            address,
            tls,
            pin: match trust {
                HubTrust::Pin(p) => Some(*p),
                _ => None,
            },
            token,
            timeout,
        })
    }

    fn unreachable(&self, detail: impl std::fmt::Display) -> SyncError {
        SyncError::Unreachable {
            url: self.url.clone(),
            detail: detail.to_string(),
        }
    }

    /// A failed TLS handshake, explained: the pinned key was not the one
    /// shown, or the CA check failed.
    fn tls_failure(&self, err: std::io::Error) -> SyncError {
        let seen = self.tls.as_ref().and_then(|(_, seen)| seen.get());
        match (self.pin, seen) {
            (Some(expected), Some(seen)) if expected != seen => SyncError::WrongKey {
                url: self.url.clone(),
                expected: expected.to_string(),
                seen: seen.to_string(),
            },
            (None, _) if err.to_string().contains("certificate") => SyncError::Untrusted {
                url: self.url.clone(),
                detail: err.to_string(),
            },
            _ => self.unreachable(err),
        }
    }

    async fn connect(&self) -> Result<Box<dyn Stream>, SyncError> {
        let tcp = tokio::net::TcpStream::connect(self.address.authority())
            .await
            .map_err(|e| self.unreachable(e))?;
        let _ = tcp.set_nodelay(true);
        let Some((config, _)) = &self.tls else {
            return Ok(Box::new(tcp));
        };
        let name = rustls::pki_types::ServerName::try_from(self.address.host.clone())
            .map_err(|_| SyncError::BadUrl(self.url.clone()))?;
        let tls = tokio_rustls::TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| self.tls_failure(e))?;
        Ok(Box::new(tls))
    }

    /// One request, one connection: POST `body` to `path`, and the status
    /// and the body of the answer (at most [`MAX_ANSWER_BYTES`]).
    async fn exchange(&self, path: &str, body: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        use http_body_util::BodyExt;
        let stream = self.connect().await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .map_err(|e| self.unreachable(e))?;
        let connection = tokio::spawn(connection);
        let mut request = hyper::Request::post(format!("{}{path}", self.address.prefix))
            .header(hyper::header::HOST, self.address.authority())
            .header(hyper::header::CONTENT_TYPE, "application/json");
        if let Some(t) = &self.token {
            request = request.header(hyper::header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let request = request
            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            .map_err(|e| self.unreachable(e))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| self.unreachable(e))?;
        let status = response.status().as_u16();
        let answer = http_body_util::Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| self.unreachable(e))?
            .to_bytes()
            .to_vec();
        connection.abort();
        Ok((status, answer))
    }

    fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, SyncError> {
        let body = serde_json::to_vec(body).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
        let (status, answer) = self.post_raw(path, body)?;
        if status != 200 {
            let text = String::from_utf8_lossy(&answer);
            let body: Option<ErrorBody> = serde_json::from_slice(&answer).ok();
            return Err(SyncError::Refused {
                status,
                code: body
                    .as_ref()
                    .map_or_else(|| "http".into(), |b| b.error.clone()),
                message: body.map_or_else(|| text.chars().take(500).collect(), |b| b.message),
            });
        }
        serde_json::from_slice(&answer).map_err(|e| SyncError::BadAnswer(e.to_string()))
    }

    /// Sends `body` as it is and returns the status and body of the
    /// answer, whatever they are (for probing a hub with bad input).
    pub fn post_raw(&self, path: &str, body: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        self.runtime
            .block_on(async { tokio::time::timeout(self.timeout, self.exchange(path, body)).await })
            .map_err(|_| self.unreachable(format!("no answer within {:?}", self.timeout)))?
    }

    pub fn enroll(&self, ask: &EnrollRequest) -> Result<EnrollResponse, SyncError> {
        self.post("/v1/enroll", ask)
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

/// How the desk will know its hub: the fingerprint the operator gave
/// (pinned), a CA certificate (PEM), or neither for plain HTTP on this
/// machine. Checked against the address before anything is sent.
pub fn trust_for(url: &str, fingerprint: Option<&str>, ca_pem: Option<String>) -> Result<HubTrust> {
    let fingerprint = fingerprint.map(str::trim).filter(|f| !f.is_empty());
    let trust = match (fingerprint, ca_pem) {
        (Some(f), _) => HubTrust::Pin(
            Fingerprint::parse(f).ok_or_else(|| Error::bad_input("err-bad-fingerprint"))?,
        ),
        (None, Some(pem)) => HubTrust::Ca(pem),
        (None, None) => HubTrust::Loopback,
    };
    HubAddress::parse(url)
        .and_then(|address| address.check_trust(url, &trust))
        .map_err(Error::Sync)?;
    Ok(trust)
}

/// `citizen-desk enroll`: trades a one-time code for this desk's token.
pub fn enroll(
    store: &mut Store,
    session: &Session,
    url: &str,
    trust: &HubTrust,
    code: &str,
) -> Result<EnrollResponse> {
    let ask = store.enrolment(session, code)?;
    let answer = ask_to_enroll(url, trust, &ask)?;
    store.save_hub_link(session, url, trust, &answer)?;
    Ok(answer)
}

/// The network half of [`enroll`]: sends the hub at `url` the request
/// `Store::enrolment` made. No store involved, so the desk app can wait
/// for the answer off its UI thread and save it with
/// `Store::save_hub_link`.
pub fn ask_to_enroll(url: &str, trust: &HubTrust, ask: &EnrollRequest) -> Result<EnrollResponse> {
    HubClient::new(url, trust, None, timeout())
        .and_then(|client| client.enroll(ask))
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
    let client = HubClient::new(&link.url, &link.trust, Some(link.token.clone()), timeout())
        .map_err(Error::Sync)?;
    let mut report = SyncReport::default();
    // A damaged row becomes a conflict instead of stopping the queue.
    store.set_aside_unreadable_outbox_rows()?;
    loop {
        let batch = store.outbox_pending(PUSH_BATCH as u32)?;
        if batch.is_empty() {
            break;
        }
        let changes: Vec<PushChange> = batch.iter().map(|e| e.to_push()).collect();
        // The hub checks seals with this desk's keys: they come along
        // (a supervisor added since the last push has a new stamp key).
        let trust_list = if changes.iter().any(|c| c.change.carries_seal()) {
            Some(store.trust_list_for_hub()?)
        } else {
            None
        };
        let push = PushRequest {
            protocol: PROTOCOL_VERSION,
            audit_head: store.audit_anchor()?,
            audit_link: store.audit_link()?,
            trust_list,
            changes,
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
        if let Some(head) = &push.audit_head {
            store.remember_audit_anchor(head)?;
        }
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
