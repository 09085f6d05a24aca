//! The hub's HTTP server (tiny_http, a few worker threads, one SQLite
//! connection each). Routes, all JSON:
//!
//! - `GET  /v1/health`
//! - `POST /v1/enroll` (one-time code → desk token)
//! - `POST /v1/push`   (Bearer token)
//! - `POST /v1/pull`   (Bearer token)
//!
//! Every refusal is a 4xx with an [`ErrorBody`] and changes nothing.

use std::io::Read;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tiny_http::{Header, Method, Request, Response, Server};

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

const WORKERS: usize = 4;

/// Runs the hub until the process is stopped. `on_ready` gets the bound
/// address (useful with port 0).
pub fn serve(
    listen: &str,
    backend: &HubBackend,
    faults: Faults,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), HubError> {
    // Open once here so a bad directory or database is reported before
    // listening (and the schema is in place).
    drop(backend.open()?);
    let server = Server::http(listen)
        .map_err(|e| HubError::Storage(format!("cannot listen on {listen}: {e}")))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| HubError::Storage("not an IP listener".into()))?;
    on_ready(addr);
    let server = Arc::new(server);
    // Without a fixed seed, each start of the hub rolls differently (a
    // restarted hub must not replay the same faults in the same order).
    let seed = if faults.seed != 0 {
        faults.seed
    } else {
        let mut b = [0u8; 8];
        getrandom::fill(&mut b).map_err(|e| HubError::Storage(e.to_string()))?;
        u64::from_le_bytes(b) | 1
    };
    let mut handles = Vec::new();
    for worker in 0..WORKERS {
        let server = Arc::clone(&server);
        let backend = backend.clone();
        let faults = faults.clone();
        handles.push(std::thread::spawn(move || -> Result<(), HubError> {
            let mut store = backend.open()?;
            let mut dice =
                Dice((seed ^ 0x9E37_79B9_7F4A_7C15).wrapping_add(worker as u64 * 7919 + 1));
            loop {
                let request = match server.recv() {
                    Ok(r) => r,
                    Err(_) => continue,
                };
                handle(store.as_mut(), request, &faults, &mut dice);
            }
        }));
    }
    for h in handles {
        match h.join() {
            Ok(r) => r?,
            Err(_) => return Err(HubError::Storage("a hub worker stopped".into())),
        }
    }
    Ok(())
}

fn json_response<T: Serialize>(status: u16, body: &T) -> Response<std::io::Cursor<Vec<u8>>> {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    Response::from_data(bytes)
        .with_status_code(status)
        .with_header(Header::from_bytes("Content-Type", "application/json").expect("static header"))
}

fn bearer(request: &Request) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .and_then(|h| {
            h.value
                .as_str()
                .strip_prefix("Bearer ")
                .map(|t| t.trim().to_owned())
        })
}

/// Reads and parses a JSON body of at most [`MAX_BODY_BYTES`] into `T`,
/// checking the protocol version.
fn read_json<T: DeserializeOwned>(request: &mut Request) -> Result<T, HubError> {
    typed(read_json_value(request)?)
}

/// The body as a JSON value of this protocol's version.
fn read_json_value(request: &mut Request) -> Result<serde_json::Value, HubError> {
    if request.body_length().is_some_and(|n| n > MAX_BODY_BYTES) {
        return Err(HubError::PayloadTooLarge(format!(
            "the body is over {MAX_BODY_BYTES} bytes"
        )));
    }
    let mut body = Vec::new();
    request
        .as_reader()
        .take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            HubError::BadRequest("bad_body".into(), format!("cannot read the body: {e}"))
        })?;
    if body.len() > MAX_BODY_BYTES {
        return Err(HubError::PayloadTooLarge(format!(
            "the body is over {MAX_BODY_BYTES} bytes"
        )));
    }
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        HubError::BadRequest("bad_json".into(), format!("the body is not JSON: {e}"))
    })?;
    match value.get("protocol").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(PROTOCOL_VERSION) => {}
        Some(v) => {
            return Err(HubError::BadRequest(
                "unsupported_protocol".into(),
                format!(
                    "protocol version {v} is not supported; this hub speaks {PROTOCOL_VERSION}"
                ),
            ));
        }
        None => {
            return Err(HubError::BadRequest(
                "unsupported_protocol".into(),
                "the body names no protocol version".into(),
            ));
        }
    }
    Ok(value)
}

fn typed<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, HubError> {
    serde_json::from_value(value).map_err(|e| {
        HubError::BadRequest("bad_request".into(), format!("the body does not fit: {e}"))
    })
}

fn handle(store: &mut dyn HubStorage, mut request: Request, faults: &Faults, dice: &mut Dice) {
    let path = request.url().split('?').next().unwrap_or("").to_owned();
    let method = request.method().clone();
    let syncing = path == "/v1/push" || path == "/v1/pull";
    if syncing && faults.delay_ms > 0 {
        std::thread::sleep(std::time::Duration::from_millis(faults.delay_ms));
    }
    if syncing && dice.roll(faults.error500) {
        let _ = request.respond(json_response(
            500,
            &ErrorBody {
                error: "injected".into(),
                message: "injected fault: 500 before any work".into(),
            },
        ));
        return;
    }
    let result: Result<Response<std::io::Cursor<Vec<u8>>>, HubError> =
        (|| match (&method, path.as_str()) {
            (Method::Get, "/v1/health") => Ok(json_response(
                200,
                &serde_json::json!({ "ok": true, "protocol": PROTOCOL_VERSION }),
            )),
            (Method::Post, "/v1/enroll") => {
                let body: EnrollRequest = read_json(&mut request)?;
                Ok(json_response(200, &store.enroll(&body)?))
            }
            (Method::Post, "/v1/push") => {
                let desk = store.authenticate(bearer(&request).as_deref(), "push")?;
                let body = read_json_value(&mut request)?;
                // Counted before the changes are read one by one.
                if body["changes"]
                    .as_array()
                    .is_some_and(|c| c.len() > PUSH_BATCH)
                {
                    return Err(HubError::PayloadTooLarge(format!(
                        "at most {PUSH_BATCH} changes per push"
                    )));
                }
                let body: IncomingPush = typed(body)?;
                let answer = store.push_incoming(&desk, &body)?;
                if dice.roll(faults.crash_after_commit) {
                    // The effects are committed; the answer never leaves.
                    std::process::abort();
                }
                Ok(json_response(200, &answer))
            }
            (Method::Post, "/v1/pull") => {
                let desk = store.authenticate(bearer(&request).as_deref(), "pull")?;
                let body: PullRequest = read_json(&mut request)?;
                Ok(json_response(200, &store.pull(&desk, &body)?))
            }
            (_, "/v1/health" | "/v1/enroll" | "/v1/push" | "/v1/pull") => {
                Err(HubError::BadRequest(
                    "method_not_allowed".into(),
                    format!("{method} is not allowed on {path}"),
                ))
            }
            _ => Err(HubError::NotFound(format!("no such endpoint: {path}"))),
        })();
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            if matches!(
                e,
                HubError::BadRequest(..) | HubError::PayloadTooLarge(_) | HubError::Conflict(_)
            ) {
                let _ = store.log("bad_request", &format!("{path}: {e}"));
            }
            json_response(e.status(), &e.body())
        }
    };
    let _ = request.respond(response);
}
