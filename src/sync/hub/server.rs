//! The hub's HTTP server: HTTP/1.1 (hyper) on tokio, over TLS (rustls)
//! or, on a loopback address only, plain. Routes, all JSON:
//!
//! - `GET  /v1/health`
//! - `POST /v1/enroll` (one-time code → desk token)
//! - `POST /v1/push`   (Bearer token)
//! - `POST /v1/pull`   (Bearer token)
//!
//! Every refusal is a 4xx with an [`ErrorBody`] and changes nothing.
//!
//! Built to hold on an open network: connections are async tasks (idle
//! and slow ones cost a little memory, no thread); a request's head must
//! arrive within [`Limits::header_timeout`] and fit in
//! [`Limits::max_header_bytes`]; its body within [`Limits::body_timeout`]
//! and [`MAX_BODY_BYTES`]; at most [`Limits::max_connections`] at once
//! (below the process's descriptor limit), and an accept that fails (no
//! descriptors left) waits and tries again instead of ending the server.
//! The storage work runs on a few worker threads, each with its own
//! connection to the database; when all are busy and the queue is full a
//! request is answered 503 at once. `/v1/health` never waits for them.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{HubBackend, HubError, HubStorage};
use crate::protocol::*;
/// Faults the hub injects into its own work, for the fault-injection
/// tests: real failures of the real process, at chosen rates. Read from
/// `CITIZEN_DESK_HUB_FAULTS`, e.g. `error500=0.1,crash_after_commit=0.05,seed=7`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Answer 500 before doing anything.
    pub error500: f64,
    /// Commit a push, then abort the process before answering: the desk
    /// never hears that its changes were applied.
    pub crash_after_commit: f64,
    /// Wait this long before answering (to provoke client timeouts).
    pub delay_ms: u64,
    pub seed: u64,
}

impl Faults {
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut f = Faults::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("fault {part:?} is not key=value"))?;
            let num = |v: &str| v.parse::<f64>().map_err(|e| format!("{k}: {e}"));
            match k {
                "error500" => f.error500 = num(v)?,
                "crash_after_commit" => f.crash_after_commit = num(v)?,
                "delay_ms" => f.delay_ms = num(v)? as u64,
                "seed" => f.seed = num(v)? as u64,
                _ => return Err(format!("unknown fault {k:?}")),
            }
        }
        Ok(f)
    }

    pub fn is_empty(&self) -> bool {
        self.error500 == 0.0 && self.crash_after_commit == 0.0 && self.delay_ms == 0
    }
}

/// A tiny deterministic generator per worker (xorshift64*).
struct Dice(u64);

impl Dice {
    fn roll(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            return false;
        }
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        ((v >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// What the server allows a client, and how much work it takes on.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A request's head (request line and headers) must arrive within this.
    pub header_timeout: Duration,
    /// And fit in this many bytes.
    pub max_header_bytes: usize,
    /// Its body must arrive within this.
    pub body_timeout: Duration,
    /// A TLS handshake must end within this.
    pub handshake_timeout: Duration,
    /// Open connections at most; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Threads doing the storage work (one database connection each).
    pub workers: usize,
    /// Requests waiting for a worker at most; more are answered 503.
    pub queue: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            body_timeout: Duration::from_secs(30),
            handshake_timeout: Duration::from_secs(10),
            max_connections: 4096,
            workers: 4,
            queue: 256,
        }
    }
}

/// How the hub serves.
pub struct ServeOptions {
    /// TLS; `None` serves plain HTTP (allowed on a loopback address only).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub faults: Faults,
    pub limits: Limits,
}

/// Runs the hub until the process is stopped. `on_ready` gets the bound
/// address (useful with port 0).
pub fn serve(
    listen: &str,
    backend: &HubBackend,
    options: ServeOptions,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), HubError> {
    let storage = |e: std::io::Error| HubError::Storage(format!("cannot listen on {listen}: {e}"));
    let listener = std::net::TcpListener::bind(listen).map_err(storage)?;
    let addr = listener.local_addr().map_err(storage)?;
    if options.tls.is_none() && !addr.ip().is_loopback() {
        return Err(HubError::Storage(format!(
            "plain HTTP is served on a loopback address only, not {addr}: give the hub a \
             certificate (hub tls init)"
        )));
    }
    listener.set_nonblocking(true).map_err(storage)?;
    let mut limits = options.limits;
    limits.max_connections = limits.max_connections.min(descriptor_budget());
    // The workers open their connections now, so a bad directory or
    // database is reported before listening (and the schema is in place).
    let work = WorkQueue::start(backend, &options.faults, &limits)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| HubError::Storage(e.to_string()))?;
    let shared = Arc::new(Shared {
        work: Arc::new(work),
        faults: options.faults,
        limits,
        tls: options.tls.map(tokio_rustls::TlsAcceptor::from),
        guard: Guard::default(),
    });
    on_ready(addr);
    runtime.block_on(accept_loop(listener, shared))
}

/// How many connections the process can hold: its descriptor limit
/// (raised to the hard limit) less a reserve for the database and logs.
fn descriptor_budget() -> usize {
    const RESERVE: u64 = 64;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    usize::try_from(limit.rlim_cur.saturating_sub(RESERVE).max(16)).unwrap_or(usize::MAX)
}

struct Shared {
    work: Arc<WorkQueue>,
    faults: Faults,
    limits: Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
    guard: Guard,
}

/// Refused attempts (bad or missing tokens, bad enrolment codes) per
/// address. After [`Guard::ALLOWED`] in a minute, the address is answered
/// 429 at once for the rest of that minute: no worker, no log row each.
/// How many were turned away is logged once, when the minute is over.
/// A desk behind the same address waits that minute out with its usual
/// backoff.
#[derive(Default)]
struct Guard {
    seen: Mutex<std::collections::HashMap<std::net::IpAddr, Window>>,
}

struct Window {
    started: std::time::Instant,
    refused: u32,
    turned_away: u64,
}

impl Guard {
    const ALLOWED: u32 = 10;
    const WINDOW: Duration = Duration::from_secs(60);
    /// Addresses remembered at most (each a few dozen bytes).
    const MAX_ADDRESSES: usize = 100_000;

    /// Whether `ip` is turned away now; a finished minute is reset and
    /// what it turned away handed back for the log.
    fn check(&self, ip: std::net::IpAddr) -> (bool, Option<u64>) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let Some(w) = seen.get_mut(&ip) else {
            return (false, None);
        };
        if w.started.elapsed() >= Self::WINDOW {
            let turned_away = w.turned_away;
            seen.remove(&ip);
            return (false, (turned_away > 0).then_some(turned_away));
        }
        if w.refused >= Self::ALLOWED {
            w.turned_away += 1;
            return (true, None);
        }
        (false, None)
    }

    fn refused(&self, ip: std::net::IpAddr) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= Self::MAX_ADDRESSES {
            seen.retain(|_, w| w.started.elapsed() < Self::WINDOW);
        }
        if seen.len() >= Self::MAX_ADDRESSES {
            return;
        }
        seen.entry(ip)
            .or_insert_with(|| Window {
                started: std::time::Instant::now(),
                refused: 0,
                turned_away: 0,
            })
            .refused += 1;
    }
}

async fn accept_loop(listener: std::net::TcpListener, shared: Arc<Shared>) -> Result<(), HubError> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| HubError::Storage(e.to_string()))?;
    let slots = Arc::new(tokio::sync::Semaphore::new(shared.limits.max_connections));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return Ok(());
        };
        match listener.accept().await {
            Ok((tcp, peer)) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    connection(shared, tcp, peer).await;
                    drop(slot);
                });
            }
            // Out of descriptors (or a connection reset before it was
            // taken): the listener stays; wait a little and go on.
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

async fn connection(shared: Arc<Shared>, tcp: tokio::net::TcpStream, peer: SocketAddr) {
    let _ = tcp.set_nodelay(true);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(shared.limits.header_timeout)
        .max_buf_size(shared.limits.max_header_bytes.max(8192));
    let service = {
        let shared = shared.clone();
        hyper::service::service_fn(move |request| handle(shared.clone(), peer, request))
    };
    match &shared.tls {
        None => {
            let _ = http.serve_connection(TokioIo::new(tcp), service).await;
        }
        Some(acceptor) => {
            let handshake =
                tokio::time::timeout(shared.limits.handshake_timeout, acceptor.accept(tcp)).await;
            if let Ok(Ok(tls)) = handshake {
                let _ = http.serve_connection(TokioIo::new(tls), service).await;
            }
        }
    }
}

type Answer = Response<Full<Bytes>>;

fn json_response<T: Serialize>(status: u16, body: &T) -> Answer {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn error_response(e: &HubError) -> Answer {
    json_response(e.status(), &e.body())
}

fn bearer(request: &Request<Incoming>) -> Option<String> {
    request
        .headers()
        .get(hyper::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    Enroll,
    Push,
    Pull,
}

async fn handle(
    shared: Arc<Shared>,
    peer: SocketAddr,
    request: Request<Incoming>,
) -> Result<Answer, Infallible> {
    let path = request.uri().path().to_owned();
    let route = match (request.method(), path.as_str()) {
        (&Method::GET, "/v1/health") => {
            return Ok(json_response(
                200,
                &serde_json::json!({ "ok": true, "protocol": PROTOCOL_VERSION }),
            ));
        }
        (&Method::POST, "/v1/enroll") => Route::Enroll,
        (&Method::POST, "/v1/push") => Route::Push,
        (&Method::POST, "/v1/pull") => Route::Pull,
        (method, "/v1/health" | "/v1/enroll" | "/v1/push" | "/v1/pull") => {
            return Ok(error_response(&HubError::BadRequest(
                "method_not_allowed".into(),
                format!("{method} is not allowed on {path}"),
            )));
        }
        _ => {
            return Ok(error_response(&HubError::NotFound(format!(
                "no such endpoint: {path}"
            ))));
        }
    };
    let (turned_away, finished) = shared.guard.check(peer.ip());
    if let Some(n) = finished {
        let detail = format!("{}: {n} attempts turned away in a minute", peer.ip());
        let work = shared.work.clone();
        tokio::spawn(async move {
            let _ = work
                .run(move |store, _| store.log("unauthorised_turned_away", &detail))
                .await;
        });
    }
    if turned_away {
        return Ok(error_response(&HubError::TooManyAttempts));
    }
    let token = bearer(&request);
    let body = match read_body(request, shared.limits.body_timeout).await {
        Ok(body) => body,
        Err(e) => return Ok(error_response(&e)),
    };
    let faults = shared.faults.clone();
    let answer = shared
        .work
        .run(move |store, dice| {
            let result = answer(store, dice, &faults, route, token.as_deref(), &body);
            if let Err(e) = &result
                && matches!(
                    e,
                    HubError::BadRequest(..) | HubError::PayloadTooLarge(_) | HubError::Conflict(_)
                )
            {
                let _ = store.log("bad_request", &format!("{route:?}: {e}"));
            }
            result
        })
        .await;
    Ok(match answer {
        Ok(Ok(response)) => response,
        Ok(Err(e)) | Err(e) => {
            if matches!(e, HubError::Unauthorized(_)) {
                shared.guard.refused(peer.ip());
            }
            error_response(&e)
        }
    })
}

/// The body, whole, within the time and size limits.
async fn read_body(request: Request<Incoming>, within: Duration) -> Result<Bytes, HubError> {
    let too_large =
        || HubError::PayloadTooLarge(format!("the body is over {MAX_BODY_BYTES} bytes"));
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let collected = tokio::time::timeout(
        within,
        Limited::new(request.into_body(), MAX_BODY_BYTES).collect(),
    )
    .await
    .map_err(|_| {
        HubError::BadRequest(
            "body_timeout".into(),
            format!("the body did not arrive within {} s", within.as_secs()),
        )
    })?;
    match collected {
        Ok(body) => Ok(body.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(e) => Err(HubError::BadRequest(
            "bad_body".into(),
            format!("cannot read the body: {e}"),
        )),
    }
}

/// The storage work of one request, on a worker thread.
fn answer(
    store: &mut dyn HubStorage,
    dice: &mut Dice,
    faults: &Faults,
    route: Route,
    token: Option<&str>,
    body: &[u8],
) -> Result<Answer, HubError> {
    let syncing = matches!(route, Route::Push | Route::Pull);
    if syncing && faults.delay_ms > 0 {
        std::thread::sleep(Duration::from_millis(faults.delay_ms));
    }
    if syncing && dice.roll(faults.error500) {
        return Ok(json_response(
            500,
            &ErrorBody {
                error: "injected".into(),
                message: "injected fault: 500 before any work".into(),
            },
        ));
    }
    match route {
        Route::Enroll => {
            let request: EnrollRequest = typed(json_value(body)?)?;
            Ok(json_response(200, &store.enroll(&request)?))
        }
        Route::Push => {
            let desk = store.authenticate(token, "push")?;
            let value = json_value(body)?;
            // Counted before the changes are read one by one.
            if value["changes"]
                .as_array()
                .is_some_and(|c| c.len() > PUSH_BATCH)
            {
                return Err(HubError::PayloadTooLarge(format!(
                    "at most {PUSH_BATCH} changes per push"
                )));
            }
            let request: IncomingPush = typed(value)?;
            let answer = store.push_incoming(&desk, &request)?;
            if dice.roll(faults.crash_after_commit) {
                // The effects are committed; the answer never leaves.
                std::process::abort();
            }
            Ok(json_response(200, &answer))
        }
        Route::Pull => {
            let desk = store.authenticate(token, "pull")?;
            let request: PullRequest = typed(json_value(body)?)?;
            Ok(json_response(200, &store.pull(&desk, &request)?))
        }
    }
}

/// The body as a JSON value of this protocol's version.
fn json_value(body: &[u8]) -> Result<serde_json::Value, HubError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        HubError::BadRequest("bad_json".into(), format!("the body is not JSON: {e}"))
    })?;
    match value.get("protocol").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => Ok(value),
        Some(v) => Err(HubError::BadRequest(
            "unsupported_protocol".into(),
            format!("protocol version {v} is not supported; this hub speaks {PROTOCOL_VERSION}"),
        )),
        None => Err(HubError::BadRequest(
            "unsupported_protocol".into(),
            "the body names no protocol version".into(),
        )),
    }
}

fn typed<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, HubError> {
    serde_json::from_value(value).map_err(|e| {
        HubError::BadRequest("bad_request".into(), format!("the body does not fit: {e}"))
    })
}

type Job = Box<dyn FnOnce(&mut dyn HubStorage, &mut Dice) + Send>;

/// The storage workers: threads with a database connection each, taking
/// jobs from one bounded queue.
struct WorkQueue {
    jobs: mpsc::SyncSender<Job>,
}

impl WorkQueue {
    fn start(
        backend: &HubBackend,
        faults: &Faults,
        limits: &Limits,
    ) -> Result<WorkQueue, HubError> {
        // Without a fixed seed, each start of the hub rolls differently (a
        // restarted hub must not replay the same faults in the same order).
        let seed = if faults.seed != 0 {
            faults.seed
        } else {
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).map_err(|e| HubError::Storage(e.to_string()))?;
            u64::from_le_bytes(b) | 1
        };
        let (jobs, queue) = mpsc::sync_channel::<Job>(limits.queue.max(1));
        let queue = Arc::new(Mutex::new(queue));
        for worker in 0..limits.workers.max(1) {
            let mut store = backend.open()?;
            let mut dice =
                Dice((seed ^ 0x9E37_79B9_7F4A_7C15).wrapping_add(worker as u64 * 7919 + 1));
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("hub-worker-{worker}"))
                .spawn(move || {
                    loop {
                        let job = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        // A job that panics loses its answer (the client
                        // sees 500), not the worker.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            job(store.as_mut(), &mut dice)
                        }));
                    }
                })
                .map_err(|e| HubError::Storage(e.to_string()))?;
        }
        Ok(WorkQueue { jobs })
    }

    /// Runs `f` on a worker and waits for it without blocking the server.
    async fn run<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut dyn HubStorage, &mut Dice) -> R + Send + 'static,
    ) -> Result<R, HubError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |store, dice| {
            let _ = reply.send(f(store, dice));
        });
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => HubError::Busy,
            mpsc::TrySendError::Disconnected(_) => {
                HubError::Storage("the hub's workers stopped".into())
            }
        })?;
        answer
            .await
            .map_err(|_| HubError::Storage("the request failed inside the hub".into()))
    }
}
