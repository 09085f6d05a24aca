//! The command line: every desk action without a window. Errors go to
//! stderr in Arabic and English; exit codes are 0 ok, 1 not found / refused
//! / invalid, 2 bad input or usage.
//!
//! - [`args`]: the options and commands (clap).
//! - `desk`: the commands on this desk's store.
//! - `hub`: the hub's server and operator commands.
//! - `output`: what is printed (tables in Arabic or English, or JSON).
//! - `secrets`: PINs from the environment, stdin or a hidden prompt.

mod args;
mod desk;
mod hub;
mod output;
mod secrets;
mod table;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use crate::demo::{DemoOptions, create_demo};
use crate::domain::State;
use crate::domain::calendar::damascus_date;
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::seal::{SealReport, TrustSet};
use crate::store::{self, Store};
use crate::sync::hub::HubBackend;
use args::{Cli, Command, SealCommand, Suite};
use output::Out;
use secrets::Secrets;

/// Version of the `--json` output shapes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let out = Out {
        json: cli.json,
        lang: cli.lang.into(),
    };
    match execute(cli, &out) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let _ = std::io::stdout().flush();
            let _ = writeln!(std::io::stderr(), "{}", err.message().bilingual());
            ExitCode::from(err.exit_code())
        }
    }
}

fn data_dir(cli_dir: &Option<PathBuf>) -> Result<PathBuf> {
    match cli_dir {
        Some(d) => Ok(d.clone()),
        None => store::default_data_dir(),
    }
}

fn parse_state(s: &str) -> Result<State> {
    State::parse(s).ok_or_else(|| Error::BadInput(Message::new("err-bad-state").arg("state", s)))
}

/// The commands that need no open store run here; the rest open it and go
/// to `desk::run`.
fn execute(cli: Cli, out: &Out) -> Result<u8> {
    let dir = data_dir(&cli.data_dir)?;
    let mut secrets = Secrets::new();
    match cli.command {
        Command::Init {
            center,
            desk,
            admin,
            backup_recipients,
        } => {
            store::validate_user_name(&admin)?;
            let pin = secrets.get("CITIZEN_DESK_PIN", "prompt-new-pin")?;
            let mut store = Store::initialise(&dir, &center, &desk, &admin, &pin)?;
            if !backup_recipients.is_empty() {
                let session = store.sign_in(&admin, &pin)?;
                for recipient in &backup_recipients {
                    store.add_backup_recipient(&session, recipient)?;
                }
            }
            let recovery = store.initial_backup_key()?;
            out.initialised(&store, &admin, &recovery);
            Ok(0)
        }
        Command::Demo {
            requests,
            seed,
            today,
        } => {
            let today = today.unwrap_or_else(|| damascus_date(chrono::Utc::now()));
            let options = DemoOptions {
                requests,
                seed,
                today,
            };
            let (store, report) = create_demo(&dir, &options)?;
            out.demo(&store, &report);
            Ok(0)
        }
        Command::Services => {
            out.services(&crate::domain::Catalog::builtin()?);
            Ok(0)
        }
        Command::Conformance { suite } => {
            let (dir, result) = match &suite {
                Suite::Hcert { dir } => (dir, crate::seal::conformance::run_hcert(dir)),
                Suite::Cose { dir } => (dir, crate::seal::conformance::run_cose(dir)),
            };
            let report = result.map_err(|e| Error::io(dir, e))?;
            out.conformance(&report);
            Ok(if report.failed.is_empty() { 0 } else { 1 })
        }
        Command::Seal {
            command: SealCommand::Verify { .. },
        } => seal_verify(cli.command, &dir, out),
        Command::Hub { database, command } => {
            // The hub's own folder: its SQLite file (unless PostgreSQL
            // keeps the data) and its TLS key and certificate.
            let hub_dir = match &cli.data_dir {
                Some(d) => d.clone(),
                None => store::default_data_dir()?.with_file_name("citizen-desk-hub"),
            };
            let backend = match database {
                Some(url) => HubBackend::Postgres(url),
                None => HubBackend::Sqlite(hub_dir.clone()),
            };
            hub::hub_command(command, &backend, &hub_dir, out)
        }
        Command::Restore { file, key_file } => {
            // The recovery key, only for an encrypted backup: from its
            // file, else the environment, stdin or a hidden prompt (after
            // the admin's PIN).
            let recovery_key = |secrets: &mut Secrets| -> Result<Option<String>> {
                if !file.exists() || !store::backup_is_encrypted(&file)? {
                    return Ok(None);
                }
                match &key_file {
                    Some(path) => {
                        let bytes = crate::files::read_bounded(path, 4096)?;
                        Ok(Some(String::from_utf8_lossy(&bytes).trim().to_owned()))
                    }
                    None => secrets
                        .get("CITIZEN_DESK_RECOVERY_KEY", "prompt-recovery-key")
                        .map(Some)
                        .map_err(|_| Error::bad_input("err-backup-needs-key")),
                }
            };
            let report = if Store::path_in(&dir).exists() {
                let mut store = Store::open(&dir)?;
                let mut desk = desk::Desk {
                    store: &mut store,
                    user: &cli.user,
                    secrets: &mut secrets,
                    out,
                };
                let session = desk.sign_in()?;
                let key = recovery_key(&mut secrets)?;
                store::restore(&dir, &file, Some((&mut store, &session)), key.as_deref())?
            } else {
                let key = recovery_key(&mut secrets)?;
                store::restore(&dir, &file, None, key.as_deref())?
            };
            out.restored(&report);
            Ok(0)
        }
        command => {
            let mut store = Store::open(&dir).map_err(|e| with_path(e, &Store::path_in(&dir)))?;
            let mut desk = desk::Desk {
                store: &mut store,
                user: &cli.user,
                secrets: &mut secrets,
                out,
            };
            desk::run(command, &mut desk).map_err(|e| with_path(e, store.path()))
        }
    }
}

/// `seal verify`: anyone, with a trust list file or this desk's own list.
fn seal_verify(command: Command, dir: &Path, out: &Out) -> Result<u8> {
    let Command::Seal {
        command:
            SealCommand::Verify {
                text,
                image,
                pdf,
                trust,
                max_trust_age_days,
            },
    } = command
    else {
        return Ok(2);
    };
    let input = seal_input(text, image.or(pdf))?;
    let (trust_set, catalog) = match trust {
        Some(file) => {
            let text = desk::read_text(&file)?;
            let (body, root) = crate::seal::trust::open_file(&text)
                .map_err(|e| Error::BadInput(Message::new("err-trust-file").arg("detail", e)))?;
            (
                TrustSet::new(body.keys, body.issued_at, Some(root)),
                crate::domain::Catalog::builtin()?,
            )
        }
        None => {
            let store = Store::open(dir).map_err(|e| match e {
                Error::NotInitialised(_) => Error::bad_input("err-no-trust-list"),
                other => other,
            })?;
            (store.trust_set()?, store.catalog().clone())
        }
    };
    let report = match input {
        Some(text) => crate::seal::verify_seal(
            &text,
            &trust_set,
            &catalog,
            chrono::Utc::now().timestamp(),
            max_trust_age_days * 86_400,
        ),
        None => SealReport::no_seal(),
    };
    out.seal_report(&report, &catalog, trust_set.root_kid.as_deref());
    Ok(if report.valid { 0 } else { 1 })
}

/// The seal text to check: given, piped (`-`), or read from a file (an
/// image's QR code, or a PDF's metadata). `None` when the file holds no
/// seal (an invalid seal, exit 1); an unreadable file is a usage error (2).
fn seal_input(text: Option<String>, file: Option<PathBuf>) -> Result<Option<String>> {
    if let Some(path) = file {
        return crate::seal::read_seal_file(&path);
    }
    match text.as_deref() {
        Some("-") => {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map_err(|e| {
                Error::BadInput(Message::new("err-io").arg("path", "-").arg("detail", e))
            })?;
            Ok(Some(line))
        }
        Some(t) => Ok(Some(t.to_owned())),
        None => Err(Error::bad_input("err-seal-input")),
    }
}

fn with_path(err: Error, path: &Path) -> Error {
    match err {
        Error::Corrupt { path: p, detail } if p.as_os_str().is_empty() => Error::Corrupt {
            path: path.to_path_buf(),
            detail,
        },
        other => other,
    }
}
