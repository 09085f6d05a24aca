//! `citizen-desk hub …`: the central hub's server and its operator's
//! commands. The hub keeps its own data (SQLite beside the desk's, or
//! PostgreSQL); nothing here touches a desk store.

use std::io::Write;

use std::path::{Path, PathBuf};

use super::args::{HubCommand, TlsCommand};
use super::output::Out;
use crate::domain::calendar::damascus_date;
use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::i18n::Message;
use crate::sync::hub::{Faults, HubBackend, HubDemo, HubError, Limits, ServeOptions, serve};
use crate::sync::tls::{Fingerprint, Identity};

/// The hub's commands: operator tools, in Arabic or English, or `--json`.
pub fn hub_command(
    command: HubCommand,
    backend: &HubBackend,
    hub_dir: &Path,
    out: &Out,
) -> Result<u8> {
    let hub_err =
        |e: HubError| Error::BadInput(Message::new("err-hub").arg("detail", e.to_string()));
    match command {
        HubCommand::Serve {
            listen,
            tls_cert,
            tls_key,
            plain,
        } => {
            let faults = faults_from_env()?;
            let identity = if plain {
                None
            } else {
                let (cert, key) = match (tls_cert, tls_key) {
                    (Some(c), Some(k)) => (c, k),
                    _ => tls_paths(hub_dir),
                };
                if !cert.exists() && !key.exists() {
                    return Err(Error::bad_input("err-hub-no-certificate"));
                }
                Some(load_identity(&cert, &key)?)
            };
            let fingerprint = identity.as_ref().and_then(|i| i.fingerprint());
            let tls = identity
                .map(|i| i.server_config())
                .transpose()
                .map_err(|e| Error::BadInput(Message::new("err-hub").arg("detail", e)))?;
            let scheme = if tls.is_some() { "https" } else { "http" };
            let options = ServeOptions {
                tls,
                faults: faults.clone(),
                limits: Limits::default(),
            };
            serve(&listen, backend, options, |addr| {
                // Tests and scripts read this line for the bound port.
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "citizen-desk hub listening on {scheme}://{addr}");
                if let Some(f) = fingerprint {
                    let _ = writeln!(stdout, "fingerprint: {f}");
                }
                if !faults.is_empty() {
                    let _ = writeln!(stdout, "injecting faults: {faults:?}");
                }
                let _ = writeln!(stdout, "data: {}", backend.describe());
                let _ = stdout.flush();
            })
            .map_err(hub_err)?;
            Ok(0)
        }
        HubCommand::Tls {
            command: TlsCommand::Init { names, force },
        } => {
            let (cert, key) = tls_paths(hub_dir);
            if !force && (cert.exists() || key.exists()) {
                return Err(Error::BadInput(
                    Message::new("err-hub-tls-exists").arg("path", cert.display()),
                ));
            }
            let (key_pem, cert_pem, fingerprint) = crate::sync::tls::self_signed(&names)
                .map_err(|e| Error::BadInput(Message::new("err-hub").arg("detail", e)))?;
            crate::files::create_private_dir(hub_dir)?;
            write_atomic(&key, key_pem.as_bytes())?;
            write_atomic(&cert, cert_pem.as_bytes())?;
            say_fingerprint(out, &fingerprint, Some(&cert));
            Ok(0)
        }
        HubCommand::Tls {
            command: TlsCommand::Fingerprint,
        } => {
            let (cert, key) = tls_paths(hub_dir);
            let fingerprint = load_identity(&cert, &key)?
                .fingerprint()
                .ok_or_else(|| Error::bad_input("err-hub-no-certificate"))?;
            say_fingerprint(out, &fingerprint, None);
            Ok(0)
        }
        HubCommand::Demo {
            requests,
            centers,
            seed,
            today,
        } => {
            let centers: Vec<String> = centers
                .split(',')
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect();
            if centers.is_empty() || !centers.iter().all(|c| crate::domain::valid_code(c)) {
                return Err(Error::bad_input("err-bad-code"));
            }
            let today = today.unwrap_or_else(|| damascus_date(chrono::Utc::now()));
            let mut hub = backend.open().map_err(hub_err)?;
            let n = hub
                .seed_demo(&HubDemo {
                    requests,
                    centers: centers.clone(),
                    seed,
                    today,
                })
                .map_err(hub_err)?;
            out.done(
                Message::new("hub-demo-added")
                    .arg("count", n)
                    .arg("centers", centers.join(", ")),
            );
            Ok(0)
        }
        HubCommand::Desks => {
            let mut hub = backend.open().map_err(hub_err)?;
            out.hub_desks(&hub.status().map_err(hub_err)?.desks);
            Ok(0)
        }
        HubCommand::Revoke { desk } => {
            let mut hub = backend.open().map_err(hub_err)?;
            hub.revoke(desk).map_err(hub_err)?;
            out.done(Message::new("done-hub-revoked").arg("id", desk));
            Ok(0)
        }
        HubCommand::Rotate { desk } => {
            let mut hub = backend.open().map_err(hub_err)?;
            hub.rotate(desk).map_err(hub_err)?;
            out.done(Message::new("done-hub-rotated").arg("id", desk));
            Ok(0)
        }
        HubCommand::EnrollCode {
            center,
            valid_hours,
        } => {
            let mut hub = backend.open().map_err(hub_err)?;
            let code = hub.new_enroll_code(&center, valid_hours).map_err(hub_err)?;
            // The desk needs the hub's fingerprint with the code.
            let (cert, key) = tls_paths(hub_dir);
            let fingerprint = if cert.exists() {
                load_identity(&cert, &key)?.fingerprint()
            } else {
                None
            };
            if out.json {
                out.hub_json(serde_json::json!({
                    "center": center,
                    "code": code,
                    "fingerprint": fingerprint.map(|f| f.to_string()),
                }));
            } else {
                super::output::say_line(&code);
                if let Some(f) = fingerprint {
                    super::output::say_line(&format!("fingerprint: {f}"));
                }
            }
            Ok(0)
        }
        HubCommand::Status => {
            let mut hub = backend.open().map_err(hub_err)?;
            out.hub_status(&hub.status().map_err(hub_err)?);
            Ok(0)
        }
        HubCommand::PostReport {
            tracking_code,
            outcome,
        } => {
            let outcome = super::parse_state(&outcome)?;
            let mut hub = backend.open().map_err(hub_err)?;
            let req = hub.post_report(&tracking_code, outcome).map_err(hub_err)?;
            out.done(
                Message::new("hub-state-now")
                    .arg("tracking", &req.tracking_code)
                    .arg_tr("state", req.state.label_id()),
            );
            Ok(0)
        }
        HubCommand::Cancel {
            tracking_code,
            reason,
        } => {
            let mut hub = backend.open().map_err(hub_err)?;
            let req = hub.cancel(&tracking_code, &reason).map_err(hub_err)?;
            out.done(
                Message::new("hub-state-now")
                    .arg("tracking", &req.tracking_code)
                    .arg_tr("state", req.state.label_id()),
            );
            Ok(0)
        }
        HubCommand::PublishTrust { file } => {
            let text = super::desk::read_text(&file)?;
            let mut hub = backend.open().map_err(hub_err)?;
            let version = hub.publish_trust(&text).map_err(hub_err)?;
            out.done(Message::new("hub-trust-published").arg("version", version));
            Ok(0)
        }
    }
}

/// Where `hub tls init` keeps the hub's certificate and key.
fn tls_paths(hub_dir: &Path) -> (PathBuf, PathBuf) {
    (hub_dir.join("tls-cert.pem"), hub_dir.join("tls-key.pem"))
}

/// The largest certificate or key file read (a chain is a few KB).
const MAX_PEM_BYTES: u64 = 1024 * 1024;

fn load_identity(cert: &Path, key: &Path) -> Result<Identity> {
    let cert_pem = crate::files::read_bounded(cert, MAX_PEM_BYTES)?;
    let key_pem = crate::files::read_bounded(key, MAX_PEM_BYTES)?;
    Identity::from_pem(&cert_pem, &key_pem)
        .map_err(|e| Error::BadInput(Message::new("err-hub").arg("detail", e)))
}

fn say_fingerprint(out: &Out, fingerprint: &Fingerprint, written: Option<&Path>) {
    if out.json {
        out.hub_json(serde_json::json!({
            "fingerprint": fingerprint.to_string(),
            "certificate": written.map(|p| p.display().to_string()),
        }));
    } else {
        if let Some(path) = written {
            out.done(Message::new("done-hub-tls").arg("path", path.display()));
        }
        super::output::say_line(&format!("fingerprint: {fingerprint}"));
    }
}

/// Fault injection for the fault tests, from `CITIZEN_DESK_HUB_FAULTS`;
/// only debug builds (the tests') obey it, a release hub refuses to start
/// with it set.
fn faults_from_env() -> Result<Faults> {
    let Ok(spec) = std::env::var("CITIZEN_DESK_HUB_FAULTS") else {
        return Ok(Faults::default());
    };
    let faults = Faults::parse(&spec)
        .map_err(|e| Error::BadInput(Message::new("err-hub").arg("detail", e)))?;
    if cfg!(debug_assertions) || faults.is_empty() {
        Ok(faults)
    } else {
        Err(Error::bad_input("err-hub-faults-release"))
    }
}
