//! The command line: every desk action without a window. Errors go to
//! stderr in Arabic and English; exit codes are 0 ok, 1 not found / refused
//! / invalid, 2 bad input or usage.

mod output;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::demo::{DemoOptions, create_demo};
use crate::domain::calendar::damascus_date;
use crate::domain::{NationalId, Role, State};
use crate::error::{Error, Result};
use crate::i18n::{Lang, Message};
use crate::store::{self, RequestFilter, RequestRef, Session, Store};
use output::Out;

/// Version of the `--json` output shapes.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Parser, Debug)]
#[command(
    name = "citizen-desk",
    version,
    about = "Desk software for Syria's electronic citizen service centers"
)]
struct Cli {
    /// Where the desk store lives (default: the OS data directory).
    #[arg(long, global = true, env = "CITIZEN_DESK_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    /// Language of normal output: ar or en (errors are always in both).
    #[arg(long, global = true, env = "CITIZEN_DESK_LANG", default_value = "ar")]
    lang: String,
    /// The staff member acting; the PIN comes from CITIZEN_DESK_PIN or stdin.
    #[arg(long, global = true, env = "CITIZEN_DESK_USER", value_name = "NAME")]
    user: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create the store and the first admin (PIN from stdin).
    Init {
        #[arg(long, value_name = "CODE")]
        center: String,
        #[arg(long, value_name = "CODE")]
        desk: String,
        #[arg(long, default_value = "admin", value_name = "NAME")]
        admin: String,
    },
    /// Create a demo store with demo users and N requests.
    Demo {
        #[arg(long, value_name = "N")]
        requests: u64,
        #[arg(long, default_value_t = 1, value_name = "S")]
        seed: u64,
        /// Fix "today" (YYYY-MM-DD) for fully reproducible data.
        #[arg(long, value_name = "DATE")]
        today: Option<NaiveDate>,
    },
    /// Staff accounts (admin).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// All requests of a citizen by national ID.
    Lookup { national_id: String },
    /// One request by id or tracking code.
    Show { request: String },
    /// List requests, most urgent first.
    Requests {
        #[arg(long, value_name = "STATE")]
        state: Option<String>,
        #[arg(long)]
        overdue: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// The clerk confirms the document against the request and the person.
    Verify { request: String },
    /// A supervisor's stamp approval.
    Stamp { request: String },
    /// Reject a request, with a reason.
    Reject {
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// Cancel a request (supervisor), with a reason.
    Cancel {
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// The hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Copy the store to FILE, checked (admin).
    Backup { file: PathBuf },
    /// Replace the store with a checked backup (admin of the current store).
    Restore { file: PathBuf },
    /// The service catalog.
    Services,
    /// Where the store is and what it holds.
    Info,
    /// Run a public conformance suite through the seal decoder/verifier.
    Conformance {
        #[command(subcommand)]
        suite: Suite,
    },
}

#[derive(Subcommand, Debug)]
enum Suite {
    /// dgc-testdata cases (EU DCC, `HC1:`), every JSON file under DIR.
    Hcert { dir: PathBuf },
    /// cose-wg/Examples cases, every JSON file under DIR.
    Cose { dir: PathBuf },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user; their PIN from CITIZEN_DESK_NEW_PIN or the next stdin line.
    Add {
        name: String,
        #[arg(long)]
        role: String,
    },
    List,
    /// Set a new PIN (from CITIZEN_DESK_NEW_PIN or stdin) and unlock.
    ResetPin {
        name: String,
    },
    Unlock {
        name: String,
    },
    Deactivate {
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Walk the chain and report the first broken link.
    Verify,
    /// The newest entries.
    Tail {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

/// Reads secrets: env var first, else stdin (one line each, in order), else
/// a hidden prompt on a terminal.
struct Secrets {
    stdin_lines: Option<std::vec::IntoIter<String>>,
}

impl Secrets {
    fn new() -> Secrets {
        Secrets { stdin_lines: None }
    }

    fn next_line(&mut self, prompt_id: &'static str) -> Result<String> {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            let prompt = format!(
                "{} / {}: ",
                crate::i18n::tr(Lang::Ar, prompt_id, &[]),
                crate::i18n::tr(Lang::En, prompt_id, &[])
            );
            return rpassword::prompt_password(prompt).map_err(|_| Error::NoPin);
        }
        let lines = self.stdin_lines.get_or_insert_with(|| {
            stdin
                .lock()
                .lines()
                .map_while(|l| l.ok())
                .collect::<Vec<_>>()
                .into_iter()
        });
        lines
            .next()
            .filter(|l| !l.trim().is_empty())
            .ok_or(Error::NoPin)
    }

    fn get(&mut self, env: &str, prompt_id: &'static str) -> Result<String> {
        match std::env::var(env) {
            Ok(v) if !v.is_empty() => Ok(v),
            _ => self.next_line(prompt_id),
        }
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let lang = Lang::parse(&cli.lang).unwrap_or_default();
    let out = Out {
        json: cli.json,
        lang,
    };
    match execute(cli, &out) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let _ = std::io::stdout().flush();
            eprintln!("{}", err.message().bilingual());
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

fn sign_in(store: &mut Store, user: &Option<String>, secrets: &mut Secrets) -> Result<Session> {
    let Some(name) = user.as_deref().filter(|n| !n.is_empty()) else {
        return Err(Error::bad_input("err-user-required"));
    };
    let pin = secrets.get("CITIZEN_DESK_PIN", "prompt-pin")?;
    store.sign_in(name, &pin)
}

fn parse_state(s: &str) -> Result<State> {
    State::parse(s).ok_or_else(|| Error::BadInput(Message::new("err-bad-state").arg("state", s)))
}

fn execute(cli: Cli, out: &Out) -> Result<u8> {
    let dir = data_dir(&cli.data_dir)?;
    let mut secrets = Secrets::new();
    match cli.command {
        Command::Init {
            center,
            desk,
            admin,
        } => {
            store::validate_user_name(&admin)?;
            let pin = secrets.get("CITIZEN_DESK_PIN", "prompt-new-pin")?;
            let store = Store::initialise(&dir, &center, &desk, &admin, &pin)?;
            out.initialised(&store, &admin);
            Ok(0)
        }
        Command::Demo {
            requests,
            seed,
            today,
        } => {
            let today = today.unwrap_or_else(|| damascus_date(chrono::Utc::now()));
            let (store, report) = create_demo(
                &dir,
                &DemoOptions {
                    requests,
                    seed,
                    today,
                },
            )?;
            out.demo(&store, &report);
            Ok(0)
        }
        Command::Services => {
            let catalog = crate::domain::Catalog::builtin()?;
            out.services(&catalog);
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
        Command::Restore { file } => {
            let target = Store::path_in(&dir);
            let report = if target.exists() {
                let mut store = Store::open(&dir)?;
                let session = sign_in(&mut store, &cli.user, &mut secrets)?;
                store::restore(&dir, &file, Some((&mut store, &session)))?
            } else {
                store::restore(&dir, &file, None)?
            };
            out.restored(&report);
            Ok(0)
        }
        command => {
            let mut store = Store::open(&dir).map_err(|e| with_path(e, &Store::path_in(&dir)))?;
            with_store(command, &mut store, &cli.user, &mut secrets, out)
                .map_err(|e| with_path(e, store.path()))
        }
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

fn with_store(
    command: Command,
    store: &mut Store,
    user: &Option<String>,
    secrets: &mut Secrets,
    out: &Out,
) -> Result<u8> {
    match command {
        Command::Info => {
            out.info(store)?;
            Ok(0)
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let report = store.verify_audit_chain()?;
            out.chain(&report);
            Ok(if report.first_broken.is_some() { 1 } else { 0 })
        }
        Command::Audit {
            command: AuditCommand::Tail { limit },
        } => {
            let session = sign_in(store, user, secrets)?;
            if session.role() != Role::Admin && session.role() != Role::Supervisor {
                return Err(Error::Forbidden {
                    role: session.role(),
                    action: crate::domain::Action::ManageSettings,
                });
            }
            out.audit_tail(&store.audit_tail(limit)?);
            Ok(0)
        }
        Command::User { command } => {
            let session = sign_in(store, user, secrets)?;
            match command {
                UserCommand::Add { name, role } => {
                    let role = Role::parse(&role).ok_or_else(|| {
                        Error::BadInput(Message::new("err-bad-role").arg("role", &role))
                    })?;
                    let pin = secrets.get("CITIZEN_DESK_NEW_PIN", "prompt-new-pin")?;
                    store.add_user(&session, &name, role, &pin)?;
                    out.done(
                        Message::new("done-user-added")
                            .arg("user", &name)
                            .arg("role", role.as_str()),
                    );
                }
                UserCommand::List => out.users(&store.list_users(&session)?),
                UserCommand::ResetPin { name } => {
                    let pin = secrets.get("CITIZEN_DESK_NEW_PIN", "prompt-new-pin")?;
                    store.reset_pin(&session, &name, &pin)?;
                    out.done(Message::new("done-pin-reset").arg("user", &name));
                }
                UserCommand::Unlock { name } => {
                    store.unlock_user(&session, &name)?;
                    out.done(Message::new("done-user-unlocked").arg("user", &name));
                }
                UserCommand::Deactivate { name } => {
                    store.deactivate_user(&session, &name)?;
                    out.done(Message::new("done-user-deactivated").arg("user", &name));
                }
            }
            Ok(0)
        }
        Command::Lookup { national_id } => {
            // Validate before asking for a PIN: a typo costs no sign-in.
            let id = NationalId::parse(&national_id)?;
            let session = sign_in(store, user, secrets)?;
            let found = store.lookup(&session, &id)?;
            out.requests(store, &found);
            if found.is_empty() {
                return Err(Error::NoRequestsForPerson(id.to_string()));
            }
            Ok(0)
        }
        Command::Show { request } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let req = store.show(&session, &reference)?;
            out.request_detail(store, &req);
            Ok(0)
        }
        Command::Requests {
            state,
            overdue,
            limit,
        } => {
            let state = state.as_deref().map(parse_state).transpose()?;
            let session = sign_in(store, user, secrets)?;
            let found = store.list(
                &session,
                &RequestFilter {
                    state,
                    overdue,
                    limit,
                },
            )?;
            out.requests(store, &found);
            Ok(0)
        }
        Command::Verify { request } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let req = store.verify(&session, &reference)?;
            out.changed(store, &req);
            Ok(0)
        }
        Command::Stamp { request } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let req = store.stamp(&session, &reference)?;
            out.changed(store, &req);
            Ok(0)
        }
        Command::Reject { request, reason } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let req = store.reject(&session, &reference, &reason)?;
            out.changed(store, &req);
            Ok(0)
        }
        Command::Cancel { request, reason } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let req = store.cancel(&session, &reference, &reason)?;
            out.changed(store, &req);
            Ok(0)
        }
        Command::Backup { file } => {
            let session = sign_in(store, user, secrets)?;
            store.backup_to(&session, &file)?;
            out.done(Message::new("done-backup").arg("path", file.display()));
            Ok(0)
        }
        Command::Init { .. }
        | Command::Demo { .. }
        | Command::Services
        | Command::Restore { .. }
        | Command::Conformance { .. } => Ok(0),
    }
}
