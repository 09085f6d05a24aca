//! `citizen-desk hub …`: the central hub's server and its operator's
//! commands. The hub keeps its own data (SQLite beside the desk's, or
//! PostgreSQL); nothing here touches a desk store.

use std::io::Write;

use super::args::HubCommand;
use super::output::Out;
use crate::domain::calendar::damascus_date;
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::sync::hub::{Faults, HubBackend, HubDemo, HubError, serve};

/// The hub's commands: operator tools, in Arabic or English, or `--json`.
pub fn hub_command(command: HubCommand, backend: &HubBackend, out: &Out) -> Result<u8> {
    let hub_err =
        |e: HubError| Error::BadInput(Message::new("err-hub").arg("detail", e.to_string()));
    match command {
        HubCommand::Serve { listen } => {
            let faults = match std::env::var("CITIZEN_DESK_HUB_FAULTS") {
                Ok(spec) => Faults::parse(&spec)
                    .map_err(|e| Error::BadInput(Message::new("err-hub").arg("detail", e)))?,
                Err(_) => Faults::default(),
            };
            serve(&listen, backend, faults.clone(), |addr| {
                // Tests and scripts read this line for the bound port.
                let mut stdout = std::io::stdout();
                let _ = writeln!(stdout, "citizen-desk hub listening on http://{addr}");
                if !faults.is_empty() {
                    let _ = writeln!(stdout, "injecting faults: {faults:?}");
                }
                let _ = writeln!(stdout, "data: {}", backend.describe());
                let _ = stdout.flush();
            })
            .map_err(hub_err)?;
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
        HubCommand::EnrollCode { center } => {
            let mut hub = backend.open().map_err(hub_err)?;
            let code = hub.new_enroll_code(&center).map_err(hub_err)?;
            if out.json {
                out.hub_json(serde_json::json!({ "center": center, "code": code }));
            } else {
                super::output::say_line(&code);
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
