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
    /// Write a request's document as a PDF (draft before printing, copy
    /// after); no state change.
    Render {
        request: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Also draw the pages as a PNG (150 dpi), as the desk app shows them.
        #[arg(long, value_name = "FILE.png")]
        preview: Option<PathBuf>,
        /// Arabic-Indic digits (٠-٩) instead of 0-9 (default: the desk's
        /// setting, chosen in the app's Settings).
        #[arg(long, conflicts_with = "digits")]
        arabic_digits: bool,
        /// Digits for this command: latin or arabic-indic (default: the
        /// desk's setting).
        #[arg(long, value_name = "latin|arabic-indic", value_parser = ["latin", "arabic-indic"])]
        digits: Option<String>,
    },
    /// Print: the sealed original of an approved, paid request (approved →
    /// printed), or a copy authorised by a supervisor; to a PDF file or to
    /// paper.
    Print {
        request: String,
        #[arg(
            long,
            value_name = "FILE.pdf",
            required_unless_present = "printer",
            conflicts_with = "printer"
        )]
        pdf: Option<PathBuf>,
        /// A CUPS printer; without a name, the one this desk remembered.
        #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "")]
        printer: Option<String>,
        /// The supervisor authorising a copy (their PIN from
        /// CITIZEN_DESK_SUPERVISOR_PIN or the next stdin line).
        #[arg(long, value_name = "NAME")]
        authorised_by: Option<String>,
        /// Arabic-Indic digits (٠-٩) instead of 0-9 (default: the desk's
        /// setting).
        #[arg(long, conflicts_with = "digits")]
        arabic_digits: bool,
        /// Digits for this command: latin or arabic-indic (default: the
        /// desk's setting).
        #[arg(long, value_name = "latin|arabic-indic", value_parser = ["latin", "arabic-indic"])]
        digits: Option<String>,
    },
    /// The printers (CUPS queues); --use NAME remembers one for this desk.
    Printers {
        #[arg(long = "use", value_name = "NAME")]
        choose: Option<String>,
    },
    /// Printed → enveloped, writing the envelope label.
    Envelope {
        request: String,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Label on an A4 sheet instead of a DL envelope.
        #[arg(long)]
        a4: bool,
    },
    /// Every enveloped request → dispatched in one hand-over batch,
    /// writing its manifest.
    Dispatch {
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Arabic-Indic digits (٠-٩) on the manifest (default: the desk's
        /// setting).
        #[arg(long, conflicts_with = "digits")]
        arabic_digits: bool,
        /// Digits for this command: latin or arabic-indic (default: the
        /// desk's setting).
        #[arg(long, value_name = "latin|arabic-indic", value_parser = ["latin", "arabic-indic"])]
        digits: Option<String>,
    },
    /// The QR seal: verify one, or make one for an approved request.
    Seal {
        #[command(subcommand)]
        command: SealCommand,
    },
    /// The trust list of seal keys (admin).
    Trust {
        #[command(subcommand)]
        command: TrustCommand,
    },
    /// Run a public conformance suite through the seal decoder/verifier.
    Conformance {
        #[command(subcommand)]
        suite: Suite,
    },
    /// Enrol this desk with the central hub (admin), with the one-time
    /// code from the hub's operator.
    Enroll {
        #[arg(long, value_name = "URL")]
        hub: String,
        #[arg(long, value_name = "CODE")]
        code: String,
    },
    /// Sync with the hub: push the outbox, pull this center's requests.
    /// Without --once it keeps syncing (backoff and jitter when the hub is
    /// away) until stopped.
    Sync {
        #[arg(long)]
        once: bool,
        /// Seconds between passes while all is well.
        #[arg(long, default_value_t = 10, value_name = "SECONDS")]
        interval: u64,
    },
    /// What is queued for the hub, and the sync state.
    Outbox {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Changes the hub refused: list them, or settle one (supervisor).
    Conflicts {
        /// Also list settled ones.
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        command: Option<ConflictCommand>,
    },
    /// The central hub, run by its operator (its own data directory: a
    /// `citizen-desk-hub` folder beside the desk's, or --data-dir DIR).
    Hub {
        /// Keep the hub's data in PostgreSQL instead of the SQLite file.
        #[arg(long, env = "CITIZEN_DESK_HUB_DATABASE", value_name = "postgres://…")]
        database: Option<String>,
        #[command(subcommand)]
        command: HubCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ConflictCommand {
    /// Accept the hub's state for the request of conflict ID, saying what
    /// was done (e.g. the envelope was recalled).
    Settle {
        id: i64,
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand, Debug)]
enum HubCommand {
    /// Run the hub's HTTP server.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8740", value_name = "ADDR:PORT")]
        listen: String,
    },
    /// Seed N new requests spread over several centers.
    Demo {
        requests: u64,
        #[arg(long, default_value = "TRT01,DMS01,ALP01", value_name = "CODES")]
        centers: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, value_name = "DATE")]
        today: Option<NaiveDate>,
    },
    /// Print a one-time enrolment code for a desk of CENTER.
    EnrollCode {
        #[arg(long, value_name = "CODE")]
        center: String,
    },
    /// Requests by center and state, effects, rejections, desks' audit heads.
    Status,
    /// Record the post's report for a dispatched request.
    PostReport {
        tracking_code: String,
        #[arg(value_parser = ["delivered", "returned"])]
        outcome: String,
    },
    /// Cancel a request centrally (e.g. withdrawn online).
    Cancel {
        tracking_code: String,
        #[arg(long)]
        reason: String,
    },
    /// Publish a signed trust list (from `trust export`) for desks to pull.
    PublishTrust { file: PathBuf },
}

#[derive(Subcommand, Debug)]
enum SealCommand {
    /// Check a seal: its QR text (or - for stdin), an image, or a PDF.
    Verify {
        text: Option<String>,
        #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "pdf"])]
        image: Option<PathBuf>,
        #[arg(long, value_name = "FILE", conflicts_with_all = ["text", "image"])]
        pdf: Option<PathBuf>,
        /// A trust list file (from `trust export`); default: this desk's list.
        #[arg(long, value_name = "FILE")]
        trust: Option<PathBuf>,
        /// Warn when the trust list is older than this.
        #[arg(long, default_value_t = 30, value_name = "DAYS")]
        max_trust_age_days: i64,
    },
    /// Write the seal of an approved request as a QR image (no state change).
    Make {
        request: String,
        #[arg(long, value_name = "FILE.png")]
        qr: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum TrustCommand {
    /// Every key: kid, owner, role, validity, revoked.
    List,
    /// Trust another party's public key (Base64 SPKI DER or PEM, or @FILE).
    Add {
        #[arg(long)]
        owner: String,
        #[arg(long)]
        center: String,
        #[arg(long, value_name = "center|supervisor")]
        role: String,
        #[arg(long, value_name = "KEY")]
        public_key: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        valid_from: Option<NaiveDate>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        valid_to: Option<NaiveDate>,
    },
    /// A new center key, active from a date (export the list before then).
    Rotate {
        #[arg(long, value_name = "YYYY-MM-DD")]
        activate_at: Option<NaiveDate>,
    },
    /// Revoke a key: everything it signed stops verifying.
    Revoke {
        kid: String,
        #[arg(long)]
        reason: String,
    },
    /// Import a signed trust list (its root must be trusted, or named).
    Import {
        file: PathBuf,
        /// Accept this root kid (compare it with the published fingerprint).
        #[arg(long, value_name = "KID")]
        accept_root: Option<String>,
    },
    /// Write the signed trust list for banks, courts and other centers.
    Export { file: PathBuf },
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
        /// The full name printed on documents (Arabic, as on their ID).
        #[arg(long, value_name = "TEXT")]
        full_name: Option<String>,
    },
    List,
    /// Set the full name printed on documents (a supervisor's stamps).
    FullName {
        name: String,
        full_name: String,
    },
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

/// `--arabic-digits` or `--digits`, or else the digits this desk chose in
/// Settings.
fn chosen_digits(
    store: &Store,
    arabic_digits: bool,
    digits: Option<&str>,
) -> Result<crate::documents::render::Digits> {
    use crate::documents::render::Digits;
    match (arabic_digits, digits.and_then(Digits::parse)) {
        (true, _) => Ok(Digits::ArabicIndic),
        (false, Some(d)) => Ok(d),
        (false, None) => store.document_digits(),
    }
}

fn sign_in(store: &mut Store, user: &Option<String>, secrets: &mut Secrets) -> Result<Session> {
    sign_in_with_pin(store, user, secrets).map(|(session, _)| session)
}

/// Signs in and keeps the PIN (a stamp needs it again to unlock the key).
fn sign_in_with_pin(
    store: &mut Store,
    user: &Option<String>,
    secrets: &mut Secrets,
) -> Result<(Session, String)> {
    let Some(name) = user.as_deref().filter(|n| !n.is_empty()) else {
        return Err(Error::bad_input("err-user-required"));
    };
    let pin = secrets.get("CITIZEN_DESK_PIN", "prompt-pin")?;
    let session = store.sign_in(name, &pin)?;
    Ok((session, pin))
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
        Command::Seal {
            command:
                SealCommand::Verify {
                    text,
                    image,
                    pdf,
                    trust,
                    max_trust_age_days,
                },
        } => {
            let input = seal_input(text, image, pdf)?;
            let (trust_set, catalog) = match trust {
                Some(file) => {
                    let text = std::fs::read_to_string(&file).map_err(|e| {
                        Error::BadInput(
                            Message::new("err-io")
                                .arg("path", file.display())
                                .arg("detail", e),
                        )
                    })?;
                    let (body, root) = crate::seal::trust::open_file(&text).map_err(|e| {
                        Error::BadInput(Message::new("err-trust-file").arg("detail", e))
                    })?;
                    (
                        crate::seal::TrustSet::new(body.keys, body.issued_at, Some(root)),
                        crate::domain::Catalog::builtin()?,
                    )
                }
                None => {
                    let store = Store::open(&dir).map_err(|e| match e {
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
                None => crate::seal::SealReport {
                    valid: false,
                    invalid: Some(crate::seal::Invalid::BadPrefix {
                        detail: "no seal found".into(),
                    }),
                    warnings: Vec::new(),
                    claims: None,
                    signers: Vec::new(),
                },
            };
            out.seal_report(&report, &catalog, trust_set.root_kid.as_deref());
            Ok(if report.valid { 0 } else { 1 })
        }
        Command::Hub { database, command } => {
            let backend = match database {
                Some(url) => crate::sync::hub::HubBackend::Postgres(url),
                None => crate::sync::hub::HubBackend::Sqlite(match &cli.data_dir {
                    Some(d) => d.clone(),
                    None => store::default_data_dir()?.with_file_name("citizen-desk-hub"),
                }),
            };
            hub_command(command, &backend, out)
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

/// The hub's commands: operator tools, in English, or `--json`.
fn hub_command(
    command: HubCommand,
    backend: &crate::sync::hub::HubBackend,
    out: &Out,
) -> Result<u8> {
    use crate::sync::hub::{Faults, serve};
    let hub_err = |e: crate::sync::hub::HubError| {
        Error::BadInput(Message::new("err-hub").arg("detail", e.to_string()))
    };
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
                .seed_demo(&crate::sync::hub::HubDemo {
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
                crate::cli::output::say_line(&code);
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
            let outcome = parse_state(&outcome)?;
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
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            let mut hub = backend.open().map_err(hub_err)?;
            let version = hub.publish_trust(&text).map_err(hub_err)?;
            out.done(Message::new("hub-trust-published").arg("version", version));
            Ok(0)
        }
    }
}

/// Midnight (Damascus) at the start of a day.
fn day_start(day: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    chrono_tz::Asia::Damascus
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| chrono::Utc.from_utc_datetime(&naive))
}

/// Writes a file via a temporary name, so a full disk never leaves half a file.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    let tmp = PathBuf::from(tmp);
    let result = std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// The seal text to check: given, piped (`-`), read from an image's QR
/// code, or found in a PDF's metadata. `None` when the image or PDF holds
/// no seal (an invalid seal, exit 1); a missing file is a usage error (2).
fn seal_input(
    text: Option<String>,
    image: Option<PathBuf>,
    pdf: Option<PathBuf>,
) -> Result<Option<String>> {
    let unreadable = |path: &Path, e: std::io::Error| {
        Error::BadInput(
            Message::new("err-io")
                .arg("path", path.display())
                .arg("detail", e),
        )
    };
    if let Some(path) = image {
        let bytes = std::fs::read(&path).map_err(|e| unreadable(&path, e))?;
        return Ok(match crate::seal::qr::decode_image(&bytes) {
            Ok(texts) => {
                let ours = texts
                    .iter()
                    .find(|t| t.starts_with(crate::seal::PREFIX))
                    .cloned();
                ours.or_else(|| texts.into_iter().next())
            }
            Err(_) => None,
        });
    }
    if let Some(path) = pdf {
        let bytes = std::fs::read(&path).map_err(|e| unreadable(&path, e))?;
        return Ok(crate::seal::seal_from_pdf(&bytes));
    }
    match text.as_deref() {
        Some("-") => {
            let mut line = String::new();
            std::io::stdin()
                .read_line(&mut line)
                .map_err(|e| unreadable(Path::new("-"), e))?;
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
                UserCommand::Add {
                    name,
                    role,
                    full_name,
                } => {
                    let role = Role::parse(&role).ok_or_else(|| {
                        Error::BadInput(Message::new("err-bad-role").arg("role", &role))
                    })?;
                    // Checked before the PIN is asked for and the user made.
                    if let Some(full) = &full_name {
                        crate::store::validate_full_name(full)?;
                    }
                    let pin = secrets.get("CITIZEN_DESK_NEW_PIN", "prompt-new-pin")?;
                    store.add_user(&session, &name, role, &pin)?;
                    if let Some(full) = &full_name {
                        store.set_full_name(&session, &name, full)?;
                    }
                    out.done(
                        Message::new("done-user-added")
                            .arg("user", &name)
                            .arg_tr("role", role.label_id()),
                    );
                }
                UserCommand::FullName { name, full_name } => {
                    store.set_full_name(&session, &name, &full_name)?;
                    out.done(Message::new("done-full-name").arg("user", &name));
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
            let (session, pin) = sign_in_with_pin(store, user, secrets)?;
            let req = store.stamp(&session, &reference, &pin)?;
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
        Command::Seal {
            command: SealCommand::Make { request, qr },
        } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let seal = store.seal_make(&session, &reference)?;
            let symbol =
                crate::seal::qr::encode(&seal.text).map_err(|e| Error::Storage(e.to_string()))?;
            // 4 px per module: 0.68 mm at 150 dpi, well above the 0.5 mm floor.
            write_file(&qr, &crate::seal::qr::to_png(&symbol, 4))?;
            out.seal_made(&seal, &qr);
            Ok(0)
        }
        Command::Render {
            request,
            out: file,
            preview,
            arabic_digits,
            digits: digits_choice,
        } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let digits = chosen_digits(store, arabic_digits, digits_choice.as_deref())?;
            let doc = store.render_document(&session, &reference, digits)?;
            write_file(&file, &doc.pdf)?;
            if let Some(png) = preview {
                let image =
                    crate::documents::preview::preview_png(&doc.pages, 150.0).map_err(|e| {
                        Error::BadInput(Message::new("err-preview").arg("detail", e.to_string()))
                    })?;
                write_file(&png, &image)?;
            }
            out.done(
                Message::new("done-rendered")
                    .arg("path", file.display())
                    .arg_tr("mark", doc.mark.message_id()),
            );
            Ok(0)
        }
        Command::Print {
            request,
            pdf,
            printer,
            authorised_by,
            arabic_digits,
            digits: digits_choice,
        } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let authoriser = match authorised_by {
                Some(name) => {
                    let pin = secrets.get("CITIZEN_DESK_SUPERVISOR_PIN", "prompt-pin")?;
                    Some(store.sign_in(&name, &pin)?)
                }
                None => None,
            };
            let digits = chosen_digits(store, arabic_digits, digits_choice.as_deref())?;
            match (pdf, printer) {
                (Some(pdf), _) => {
                    let doc = store.print_document(
                        &session,
                        &reference,
                        authoriser.as_ref(),
                        digits,
                        |bytes| write_file(&pdf, bytes),
                    )?;
                    out.done(
                        Message::new("done-printed")
                            .arg("tracking", &request)
                            .arg_tr("mark", doc.mark.message_id())
                            .arg("path", pdf.display()),
                    );
                }
                (None, printer) => {
                    let printer = match printer.filter(|p| !p.is_empty()) {
                        Some(p) => p,
                        None => store
                            .chosen_printer()?
                            .ok_or_else(|| Error::bad_input("err-no-printer-chosen"))?,
                    };
                    let mut job = String::new();
                    let doc = store.print_document(
                        &session,
                        &reference,
                        authoriser.as_ref(),
                        digits,
                        |bytes| {
                            job = crate::documents::paper::submit(&printer, bytes, &request)?;
                            Ok(())
                        },
                    )?;
                    // A moment for the queue to take it; the state is what CUPS says now.
                    std::thread::sleep(std::time::Duration::from_millis(300));
                    let state = crate::documents::paper::job_state(&printer, &job)
                        .unwrap_or(crate::documents::paper::JobState::Unknown);
                    out.done(
                        Message::new("done-printed-paper")
                            .arg("tracking", &request)
                            .arg_tr("mark", doc.mark.message_id())
                            .arg("printer", &printer)
                            .arg("job", &job)
                            .arg_tr("state", state.message_id()),
                    );
                }
            }
            Ok(0)
        }
        Command::Printers { choose } => {
            if let Some(name) = choose {
                let session = sign_in(store, user, secrets)?;
                store.choose_printer(&session, &name)?;
                out.done(Message::new("done-printer-chosen").arg("printer", &name));
            } else {
                let chosen = store.chosen_printer()?;
                out.printers(
                    &crate::documents::paper::list_printers()?,
                    chosen.as_deref(),
                );
            }
            Ok(0)
        }
        Command::Envelope {
            request,
            out: file,
            a4,
        } => {
            let reference = RequestRef::parse(&request)?;
            let session = sign_in(store, user, secrets)?;
            let format = if a4 {
                crate::documents::labels::LabelFormat::A4Sheet
            } else {
                crate::documents::labels::LabelFormat::Dl
            };
            let req = store.envelope(&session, &reference, format, |bytes| {
                write_file(&file, bytes)
            })?;
            out.changed(store, &req);
            Ok(0)
        }
        Command::Dispatch {
            out: file,
            arabic_digits,
            digits: digits_choice,
        } => {
            let session = sign_in(store, user, secrets)?;
            let digits = chosen_digits(store, arabic_digits, digits_choice.as_deref())?;
            let report = store.dispatch(&session, digits, |bytes| write_file(&file, bytes))?;
            out.done(
                Message::new("done-dispatched")
                    .arg("batch", &report.batch)
                    .arg("count", report.count)
                    .arg("path", file.display()),
            );
            Ok(0)
        }
        Command::Trust { command } => {
            let session = sign_in(store, user, secrets)?;
            match command {
                TrustCommand::List => out.trust_list(&store.trust_list(&session)?),
                TrustCommand::Add {
                    owner,
                    center,
                    role,
                    public_key,
                    valid_from,
                    valid_to,
                } => {
                    let role = crate::seal::KeyRole::parse(&role)
                        .filter(|r| *r != crate::seal::KeyRole::Root)
                        .ok_or_else(|| {
                            Error::BadInput(Message::new("err-bad-role").arg("role", &role))
                        })?;
                    let text = match public_key.strip_prefix('@') {
                        Some(path) => {
                            std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?
                        }
                        None => public_key,
                    };
                    let der = store::parse_public_key_text(&text)
                        .ok_or_else(|| Error::bad_input("err-bad-public-key"))?;
                    let from = valid_from.map(day_start).unwrap_or_else(|| store.now());
                    let mut entry = crate::seal::TrustedKey::new(
                        &der,
                        &owner,
                        &center,
                        role,
                        from.timestamp(),
                        false,
                    );
                    entry.valid_to = valid_to.map(|d| day_start(d).timestamp());
                    let entry = store.trust_add(&session, entry)?;
                    out.trust_list(&[entry]);
                }
                TrustCommand::Rotate { activate_at } => {
                    let at = activate_at.map(day_start).unwrap_or_else(|| store.now());
                    let entry = store.trust_rotate(&session, at)?;
                    out.trust_list(&[entry]);
                }
                TrustCommand::Revoke { kid, reason } => {
                    store.trust_revoke(&session, &kid, &reason)?;
                    out.done(Message::new("done-key-revoked").arg("kid", &kid));
                }
                TrustCommand::Import { file, accept_root } => {
                    let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
                    let report = store.trust_import(&session, &text, accept_root.as_deref())?;
                    out.done(
                        Message::new("done-trust-imported")
                            .arg("root", &report.root_kid)
                            .arg("added", report.added)
                            .arg("updated", report.updated),
                    );
                }
                TrustCommand::Export { file } => {
                    let text = store.trust_export(&session)?;
                    write_file(&file, text.as_bytes())?;
                    out.done(Message::new("done-trust-exported").arg("path", file.display()));
                }
            }
            Ok(0)
        }
        Command::Enroll { hub, code } => {
            let session = sign_in(store, user, secrets)?;
            let answer = crate::sync::client::enroll(store, &session, &hub, &code)?;
            out.done(
                Message::new("done-enrolled")
                    .arg("hub", &hub)
                    .arg("center", &answer.center)
                    .arg("id", answer.desk_id),
            );
            Ok(0)
        }
        Command::Sync { once, interval } => {
            if once {
                let report = crate::sync::client::sync_once(store)?;
                out.synced(&report);
                return Ok(0);
            }
            let options = crate::sync::client::LoopOptions {
                interval: std::time::Duration::from_secs(interval.max(1)),
                ..Default::default()
            };
            let stop = std::sync::atomic::AtomicBool::new(false);
            crate::sync::client::run(store, &options, &stop, |event| out.sync_event(event))?;
            Ok(0)
        }
        Command::Outbox { limit } => {
            let status = store.sync_status()?;
            let pending = store.outbox_pending(limit)?;
            out.outbox(&status, &pending);
            Ok(0)
        }
        Command::Conflicts { all, command } => {
            let session = sign_in(store, user, secrets)?;
            match command {
                None => out.conflicts(&store.conflicts(&session, all)?),
                Some(ConflictCommand::Settle { id, note }) => {
                    let c = store.settle_conflict(&session, id, &note)?;
                    out.done(c.settled_message());
                }
            }
            Ok(0)
        }
        Command::Backup { file } => {
            let session = sign_in(store, user, secrets)?;
            store.backup_to(&session, &file)?;
            out.done(Message::new("done-backup").arg("path", file.display()));
            Ok(0)
        }
        Command::Init { .. }
        | Command::Hub { .. }
        | Command::Demo { .. }
        | Command::Services
        | Command::Restore { .. }
        | Command::Conformance { .. }
        | Command::Seal {
            command: SealCommand::Verify { .. },
        } => Ok(0),
    }
}
