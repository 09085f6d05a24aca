//! The command line's arguments (clap): global options, commands and
//! their options, each typed (a language, digits, states) so that a wrong
//! value is a usage error in clap's words, never a silent default.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::documents::render::Digits;
use crate::error::Result;
use crate::i18n::Lang;
use crate::store::Store;

/// The language of the command line's normal output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// Arabic (the default).
    #[value(alias = "ar-sy", alias = "arabic")]
    Ar,
    /// English.
    #[value(alias = "en-gb", alias = "en-us", alias = "english")]
    En,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::Ar => Lang::Ar,
            LangArg::En => Lang::En,
        }
    }
}

/// The digits a document is printed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DigitsArg {
    /// 0-9.
    Latin,
    /// ٠-٩.
    ArabicIndic,
}

/// `--digits` (or its short form `--arabic-digits`), for the commands that
/// print: unset, the desk's own setting applies.
#[derive(clap::Args, Debug, Clone, Copy, Default)]
pub struct DigitsChoice {
    /// Digits for this command (default: the desk's setting, chosen in the
    /// app's Settings).
    #[arg(long, value_enum)]
    pub digits: Option<DigitsArg>,
    /// The same as `--digits arabic-indic`.
    #[arg(long, conflicts_with = "digits")]
    pub arabic_digits: bool,
}

impl DigitsChoice {
    /// What was asked for, or else the digits this desk chose.
    pub fn resolve(self, store: &Store) -> Result<Digits> {
        match (self.arabic_digits, self.digits) {
            (true, _) | (false, Some(DigitsArg::ArabicIndic)) => Ok(Digits::ArabicIndic),
            (false, Some(DigitsArg::Latin)) => Ok(Digits::Latin),
            (false, None) => store.document_digits(),
        }
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "citizen-desk",
    version,
    about = "Desk software for Syria's electronic citizen service centers"
)]
pub struct Cli {
    /// Where the desk store lives (default: the OS data directory).
    #[arg(long, global = true, env = "CITIZEN_DESK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of normal output (errors are always in both).
    #[arg(
        long,
        global = true,
        env = "CITIZEN_DESK_LANG",
        value_enum,
        default_value = "ar"
    )]
    pub lang: LangArg,
    /// The staff member acting; the PIN comes from CITIZEN_DESK_PIN or stdin.
    #[arg(long, global = true, env = "CITIZEN_DESK_USER", value_name = "NAME")]
    pub user: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the store and the first admin (PIN from stdin).
    Init {
        #[arg(long, value_name = "CODE")]
        center: String,
        #[arg(long, value_name = "CODE")]
        desk: String,
        #[arg(long, default_value = "admin", value_name = "NAME")]
        admin: String,
        /// Also encrypt backups to this age recipient (age1…), say the
        /// ministry's offline key (repeatable).
        #[arg(long = "backup-recipient", value_name = "AGE1…")]
        backup_recipients: Vec<String>,
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
    /// A supervisor's stamp approval, on one request or several with one
    /// PIN (each judged alone: one refused does not stop the others).
    Stamp {
        #[arg(required = true, num_args = 1..)]
        requests: Vec<String>,
    },
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
    /// Copy the store to FILE, checked, without keys or hub link, and
    /// encrypted to the desk's backup recipients (admin).
    Backup { file: PathBuf },
    /// Who can open this desk's backups (admin).
    BackupKey {
        #[command(subcommand)]
        command: BackupKeyCommand,
    },
    /// Replace the store with a checked backup (admin of the current
    /// store); an encrypted one needs its recovery key.
    Restore {
        file: PathBuf,
        /// A file holding the recovery key (else it is asked for, or read
        /// from CITIZEN_DESK_RECOVERY_KEY).
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
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
        #[command(flatten)]
        digits: DigitsChoice,
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
        #[command(flatten)]
        digits: DigitsChoice,
    },
    /// The deployment's emblem and verification sentence on documents
    /// (admin); without options, shows what is set.
    Deployment {
        /// The emblem or letterhead file the ministry supplies (PNG or JPEG).
        #[arg(long, value_name = "FILE", conflicts_with = "no_emblem")]
        emblem: Option<PathBuf>,
        /// Print documents without an emblem.
        #[arg(long)]
        no_emblem: bool,
        /// The deployment's own sentence on how to check a document.
        #[arg(long, value_name = "TEXT", conflicts_with = "default_verify_hint")]
        verify_hint: Option<String>,
        /// Go back to the templates' general sentence.
        #[arg(long)]
        default_verify_hint: bool,
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
        #[command(flatten)]
        digits: DigitsChoice,
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
        /// https://HOST:PORT (or http:// to a hub on this machine).
        #[arg(long, value_name = "URL")]
        hub: String,
        #[arg(long, value_name = "CODE")]
        code: String,
        /// The hub's key fingerprint, as its operator read it to you
        /// (`sha256:…`, from `hub enroll-code`): pinned from now on.
        #[arg(long, value_name = "SHA256", conflicts_with = "ca")]
        fingerprint: Option<String>,
        /// Or: the CA certificate (PEM) that issued the hub's certificate.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
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
pub enum ConflictCommand {
    /// Accept the hub's state for the request of conflict ID, saying what
    /// was done (e.g. the envelope was recalled).
    Settle {
        id: i64,
        #[arg(long)]
        note: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum HubCommand {
    /// Run the hub's server: HTTPS with the certificate from `hub tls
    /// init` (or --tls-cert/--tls-key), or plain HTTP on a loopback
    /// address with --plain.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8740", value_name = "ADDR:PORT")]
        listen: String,
        /// The certificate chain (PEM), e.g. from the ministry's CA.
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// Its private key (PEM).
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Plain HTTP, without TLS: for a loopback address only.
        #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
        plain: bool,
    },
    /// The hub's TLS key and certificate.
    Tls {
        #[command(subcommand)]
        command: TlsCommand,
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
        /// Hours the code stays good (1 to 720).
        #[arg(long, default_value_t = crate::sync::hub::DEFAULT_CODE_HOURS, value_name = "HOURS")]
        valid_hours: u32,
    },
    /// The enrolled desks: id, center/desk, enrolled, last seen, revoked,
    /// rotation pending.
    Desks,
    /// Revoke a desk's token at once (it must enrol again).
    Revoke {
        /// The desk's id, as `hub desks` lists it.
        desk: i64,
    },
    /// Give a desk a new token at its next sync (the old one works until
    /// the desk uses the new one).
    Rotate {
        /// The desk's id, as `hub desks` lists it.
        desk: i64,
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
pub enum BackupKeyCommand {
    /// A new recovery key, printed once: backups made from now on open
    /// with it (older ones with the key they were made for).
    New,
    /// Encrypt backups to this age recipient too (age1…).
    Add { recipient: String },
    /// The recipients backups are encrypted to.
    List,
}

#[derive(Subcommand, Debug)]
pub enum TlsCommand {
    /// Make a key and a self-signed certificate in the hub's data
    /// directory and print the fingerprint desks pin.
    Init {
        /// A host name or IP address desks use for the hub (repeatable;
        /// localhost and the loopback addresses are always included).
        #[arg(long = "name", value_name = "HOST")]
        names: Vec<String>,
        /// Replace an existing key (every desk must then enrol again).
        #[arg(long)]
        force: bool,
    },
    /// Print the fingerprint of the hub's certificate.
    Fingerprint,
}

#[derive(Subcommand, Debug)]
pub enum SealCommand {
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
pub enum TrustCommand {
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
pub enum Suite {
    /// dgc-testdata cases (EU DCC, `HC1:`), every JSON file under DIR.
    Hcert { dir: PathBuf },
    /// cose-wg/Examples cases, every JSON file under DIR.
    Cose { dir: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
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
pub enum AuditCommand {
    /// Walk the chain and report the first broken link.
    Verify,
    /// The newest entries.
    Tail {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}
