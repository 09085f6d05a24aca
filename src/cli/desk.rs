//! The commands that work on this desk's store, one function a group:
//! each signs the user in, calls the library, and hands the answer to the
//! output. No rule is decided here.

use std::path::Path;

use super::args::{
    AuditCommand, BackupKeyCommand, Command, ConflictCommand, DigitsChoice, SealCommand,
    TrustCommand, UserCommand,
};
use super::output::Out;
use super::secrets::Secrets;
use crate::documents::labels::LabelFormat;
use crate::documents::paper::{self, JobState};
use crate::domain::calendar::damascus_midnight;
use crate::domain::{NationalId, Role};
use crate::error::{Error, Result};
use crate::files::write_atomic;
use crate::i18n::Message;
use crate::seal::{KeyRole, TrustedKey};
use crate::store::{self, RequestFilter, RequestRef, Session, Store};
use crate::sync::client;

/// The largest key or trust list file read (a trust list of thousands of
/// keys is well under a megabyte).
const MAX_TEXT_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A text file someone names on the command line, read with a limit.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = crate::files::read_bounded(path, MAX_TEXT_FILE_BYTES)?;
    String::from_utf8(bytes).map_err(|_| {
        Error::BadInput(
            Message::new("err-io")
                .arg("path", path.display())
                .arg("detail", "not UTF-8 text"),
        )
    })
}

/// What a desk command works with.
pub struct Desk<'a> {
    pub store: &'a mut Store,
    pub user: &'a Option<String>,
    pub secrets: &'a mut Secrets,
    pub out: &'a Out,
}

impl Desk<'_> {
    pub fn sign_in(&mut self) -> Result<Session> {
        self.sign_in_with_pin().map(|(session, _)| session)
    }

    /// Signs in and keeps the PIN (a stamp needs it again to unlock the
    /// supervisor's key).
    fn sign_in_with_pin(&mut self) -> Result<(Session, String)> {
        let Some(name) = self.user.as_deref().filter(|n| !n.is_empty()) else {
            return Err(Error::bad_input("err-user-required"));
        };
        let pin = self.secrets.get("CITIZEN_DESK_PIN", "prompt-pin")?;
        let session = self.store.sign_in(name, &pin)?;
        Ok((session, pin))
    }
}

/// Runs one command against the open store; the exit code on success.
pub fn run(command: Command, desk: &mut Desk<'_>) -> Result<u8> {
    match command {
        Command::Info => {
            desk.out.info(desk.store)?;
            Ok(0)
        }
        Command::Audit { command } => audit(desk, command),
        Command::User { command } => users(desk, command),
        Command::Lookup { .. } | Command::Show { .. } | Command::Requests { .. } => {
            reading(desk, command)
        }
        Command::Verify { .. }
        | Command::Stamp { .. }
        | Command::Reject { .. }
        | Command::Cancel { .. } => lifecycle(desk, command),
        Command::Seal {
            command: SealCommand::Make { request, qr },
        } => seal_make(desk, &request, &qr),
        Command::Render { .. } | Command::Print { .. } => documents(desk, command),
        Command::Deployment {
            emblem,
            no_emblem,
            verify_hint,
            default_verify_hint,
        } => {
            let changes =
                emblem.is_some() || no_emblem || verify_hint.is_some() || default_verify_hint;
            if changes {
                // Both settings are checked before either is written: a
                // refused sentence must not leave a new emblem behind.
                if let Some(hint) = &verify_hint {
                    crate::documents::render::checked_verify_hint(hint)?;
                }
                let session = desk.sign_in()?;
                if let Some(path) = &emblem {
                    let bytes =
                        crate::files::read_bounded(path, crate::documents::emblem::MAX_FILE_BYTES)?;
                    desk.store.set_emblem(&session, Some(&bytes))?;
                } else if no_emblem {
                    desk.store.set_emblem(&session, None)?;
                }
                if verify_hint.is_some() || default_verify_hint {
                    desk.store
                        .set_verify_hint(&session, verify_hint.as_deref())?;
                }
            }
            let deployment = desk.store.deployment()?;
            desk.out.deployment(&deployment);
            Ok(0)
        }
        Command::Printers { .. } | Command::Envelope { .. } | Command::Dispatch { .. } => {
            post_room(desk, command)
        }
        Command::Trust { command } => trust(desk, command),
        Command::Enroll { .. }
        | Command::Sync { .. }
        | Command::Outbox { .. }
        | Command::Conflicts { .. } => syncing(desk, command),
        Command::BackupKey { command } => {
            let session = desk.sign_in()?;
            match command {
                BackupKeyCommand::New => {
                    let key = desk.store.new_backup_key(&session)?;
                    desk.out.recovery_key(&key);
                }
                BackupKeyCommand::Add { recipient } => {
                    let added = desk.store.add_backup_recipient(&session, &recipient)?;
                    desk.out
                        .done(Message::new("done-backup-recipient").arg("recipient", added));
                }
                BackupKeyCommand::List => {
                    desk.store
                        .authorise(&session, crate::domain::Action::Backup, "backup key")?;
                    desk.out
                        .backup_recipients(&desk.store.backup_recipient_texts()?);
                }
            }
            Ok(0)
        }
        Command::Backup { file } => {
            let session = desk.sign_in()?;
            desk.store.backup_to(&session, &file)?;
            desk.out
                .done(Message::new("done-backup").arg("path", file.display()));
            Ok(0)
        }
        // Run before a store is opened (see `cli::execute`).
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

fn audit(desk: &mut Desk<'_>, command: AuditCommand) -> Result<u8> {
    match command {
        AuditCommand::Verify => {
            let report = desk.store.verify_audit_chain()?;
            desk.out.chain(&report);
            Ok(if report.is_sound() { 0 } else { 1 })
        }
        AuditCommand::Tail { limit } => {
            let session = desk.sign_in()?;
            let entries = desk.store.audit_tail(&session, limit)?;
            desk.out.audit_tail(&entries);
            Ok(0)
        }
    }
}

fn users(desk: &mut Desk<'_>, command: UserCommand) -> Result<u8> {
    let session = desk.sign_in()?;
    let (store, out) = (&mut *desk.store, desk.out);
    match command {
        UserCommand::Add {
            name,
            role,
            full_name,
        } => {
            let role = Role::parse(&role)
                .ok_or_else(|| Error::BadInput(Message::new("err-bad-role").arg("role", &role)))?;
            // Checked before the PIN is asked for and the user made.
            if let Some(full) = &full_name {
                store::validate_full_name(full)?;
            }
            let pin = desk.secrets.get("CITIZEN_DESK_NEW_PIN", "prompt-new-pin")?;
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
            let pin = desk.secrets.get("CITIZEN_DESK_NEW_PIN", "prompt-new-pin")?;
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

/// `lookup`, `show` and `requests`: reading requests (audited by the store).
fn reading(desk: &mut Desk<'_>, command: Command) -> Result<u8> {
    match command {
        Command::Lookup { national_id } => {
            // Validate before asking for a PIN: a typo costs no sign-in.
            let id = NationalId::parse(&national_id)?;
            let session = desk.sign_in()?;
            let found = desk.store.lookup(&session, &id)?;
            desk.out.requests(desk.store, &found);
            if found.is_empty() {
                return Err(Error::NoRequestsForPerson(id.to_string()));
            }
        }
        Command::Show { request } => {
            let reference = RequestRef::parse(&request)?;
            let session = desk.sign_in()?;
            let req = desk.store.show(&session, &reference)?;
            desk.out.request_detail(desk.store, &req, session.role());
        }
        Command::Requests {
            state,
            overdue,
            limit,
        } => {
            let state = state.as_deref().map(super::parse_state).transpose()?;
            let session = desk.sign_in()?;
            let filter = RequestFilter {
                state,
                overdue,
                limit,
            };
            let found = desk.store.list(&session, &filter)?;
            desk.out.requests(desk.store, &found);
        }
        _ => {}
    }
    Ok(0)
}

/// `verify`, `stamp`, `reject` and `cancel`.
fn lifecycle(desk: &mut Desk<'_>, command: Command) -> Result<u8> {
    let req = match command {
        Command::Verify { request } => {
            let reference = RequestRef::parse(&request)?;
            let session = desk.sign_in()?;
            desk.store.verify(&session, &reference)?
        }
        Command::Stamp { requests } => {
            let references = requests
                .iter()
                .map(|r| RequestRef::parse(r))
                .collect::<Result<Vec<_>>>()?;
            let (session, pin) = desk.sign_in_with_pin()?;
            if let [reference] = references.as_slice() {
                desk.store.stamp(&session, reference, &pin)?
            } else {
                let outcomes = desk.store.stamp_several(&session, &references, &pin)?;
                return Ok(desk.out.stamped(desk.store, &outcomes));
            }
        }
        Command::Reject { request, reason } => {
            let reference = RequestRef::parse(&request)?;
            let session = desk.sign_in()?;
            desk.store.reject(&session, &reference, &reason)?
        }
        Command::Cancel { request, reason } => {
            let reference = RequestRef::parse(&request)?;
            let session = desk.sign_in()?;
            desk.store.cancel(&session, &reference, &reason)?
        }
        _ => return Ok(0),
    };
    desk.out.changed(desk.store, &req);
    Ok(0)
}

fn seal_make(desk: &mut Desk<'_>, request: &str, qr: &Path) -> Result<u8> {
    let reference = RequestRef::parse(request)?;
    let session = desk.sign_in()?;
    let seal = desk.store.seal_make(&session, &reference)?;
    let symbol = crate::seal::qr::encode(&seal.text).map_err(|e| Error::Storage(e.to_string()))?;
    // 4 px per module: 0.68 mm at 150 dpi, well above the 0.5 mm floor.
    write_atomic(qr, &crate::seal::qr::to_png(&symbol, 4))?;
    desk.out.seal_made(&seal, qr);
    Ok(0)
}

/// `render` (a draft or a copy for reading) and `print` (the original,
/// or an authorised copy, to a file or to paper).
fn documents(desk: &mut Desk<'_>, command: Command) -> Result<u8> {
    match command {
        Command::Render {
            request,
            out: file,
            preview,
            digits,
        } => {
            let reference = RequestRef::parse(&request)?;
            let session = desk.sign_in()?;
            let digits = digits.resolve(desk.store)?;
            let doc = desk.store.render_document(&session, &reference, digits)?;
            write_atomic(&file, &doc.pdf)?;
            if let Some(png) = preview {
                let image =
                    crate::documents::preview::preview_png(&doc.pages, 150.0).map_err(|e| {
                        Error::BadInput(Message::new("err-preview").arg("detail", e.to_string()))
                    })?;
                write_atomic(&png, &image)?;
            }
            desk.out.done(
                Message::new("done-rendered")
                    .arg("path", file.display())
                    .arg_tr("mark", doc.mark.message_id()),
            );
        }
        Command::Print {
            request,
            pdf,
            printer,
            authorised_by,
            digits,
        } => print(
            desk,
            &request,
            pdf.as_deref(),
            printer,
            authorised_by,
            digits,
        )?,
        _ => {}
    }
    Ok(0)
}

fn print(
    desk: &mut Desk<'_>,
    request: &str,
    pdf: Option<&Path>,
    printer: Option<String>,
    authorised_by: Option<String>,
    digits: DigitsChoice,
) -> Result<()> {
    let reference = RequestRef::parse(request)?;
    let session = desk.sign_in()?;
    let authoriser = match authorised_by {
        Some(name) => {
            let pin = desk
                .secrets
                .get("CITIZEN_DESK_SUPERVISOR_PIN", "prompt-pin")?;
            Some((desk.store.sign_in(&name, &pin)?, pin))
        }
        None => None,
    };
    let authoriser = authoriser.as_ref().map(|(s, pin)| (s, pin.as_str()));
    let digits = digits.resolve(desk.store)?;
    let store = &mut *desk.store;
    if let Some(pdf) = pdf {
        let doc = store.print_document(&session, &reference, authoriser, digits, |b| {
            write_atomic(pdf, b)
        })?;
        desk.out.done(
            Message::new("done-printed")
                .arg("tracking", request)
                .arg_tr("mark", doc.mark.message_id())
                .arg("path", pdf.display()),
        );
        return Ok(());
    }
    let printer = match printer.filter(|p| !p.is_empty()) {
        Some(p) => p,
        None => store
            .chosen_printer()?
            .ok_or_else(|| Error::bad_input("err-no-printer-chosen"))?,
    };
    let mut job = String::new();
    let doc = store.print_document(&session, &reference, authoriser, digits, |b| {
        job = paper::submit(&printer, b, request)?;
        Ok(())
    })?;
    // A moment for the queue to take it; the state is what CUPS says now.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let state = paper::job_state(&printer, &job).unwrap_or(JobState::Unknown);
    desk.out.done(
        Message::new("done-printed-paper")
            .arg("tracking", request)
            .arg_tr("mark", doc.mark.message_id())
            .arg("printer", &printer)
            .arg("job", &job)
            .arg_tr("state", state.message_id()),
    );
    Ok(())
}

/// `printers`, `envelope` and `dispatch`: the desk's printer and the
/// envelopes on their way to the post.
fn post_room(desk: &mut Desk<'_>, command: Command) -> Result<u8> {
    match command {
        Command::Printers { choose: Some(name) } => {
            let session = desk.sign_in()?;
            desk.store.choose_printer(&session, &name)?;
            desk.out
                .done(Message::new("done-printer-chosen").arg("printer", &name));
        }
        Command::Printers { choose: None } => {
            let chosen = desk.store.chosen_printer()?;
            desk.out
                .printers(&paper::list_printers()?, chosen.as_deref());
        }
        Command::Envelope {
            request,
            out: file,
            a4,
        } => {
            let reference = RequestRef::parse(&request)?;
            let session = desk.sign_in()?;
            let format = if a4 {
                LabelFormat::A4Sheet
            } else {
                LabelFormat::Dl
            };
            let req = desk
                .store
                .envelope(&session, &reference, format, |b| write_atomic(&file, b))?;
            desk.out.changed(desk.store, &req);
        }
        Command::Dispatch { out: file, digits } => {
            let session = desk.sign_in()?;
            let digits = digits.resolve(desk.store)?;
            let report = desk
                .store
                .dispatch(&session, digits, |b| write_atomic(&file, b))?;
            desk.out.done(
                Message::new("done-dispatched")
                    .arg("batch", &report.batch)
                    .arg("count", report.count)
                    .arg("path", file.display()),
            );
        }
        _ => {}
    }
    Ok(0)
}

fn trust(desk: &mut Desk<'_>, command: TrustCommand) -> Result<u8> {
    let session = desk.sign_in()?;
    let (store, out) = (&mut *desk.store, desk.out);
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
            let role = KeyRole::parse(&role)
                .filter(|r| *r != KeyRole::Root)
                .ok_or_else(|| Error::BadInput(Message::new("err-bad-role").arg("role", &role)))?;
            let text = match public_key.strip_prefix('@') {
                Some(path) => read_text(Path::new(path))?,
                None => public_key,
            };
            let der = store::parse_public_key_text(&text)
                .ok_or_else(|| Error::bad_input("err-bad-public-key"))?;
            let from = valid_from
                .map(damascus_midnight)
                .unwrap_or_else(|| store.now());
            let mut entry = TrustedKey::new(&der, &owner, &center, role, from.timestamp(), false);
            entry.valid_to = valid_to.map(|d| damascus_midnight(d).timestamp());
            let entry = store.trust_add(&session, entry)?;
            out.trust_list(&[entry]);
        }
        TrustCommand::Rotate { activate_at } => {
            let at = activate_at
                .map(damascus_midnight)
                .unwrap_or_else(|| store.now());
            let entry = store.trust_rotate(&session, at)?;
            out.trust_list(&[entry]);
        }
        TrustCommand::Revoke { kid, reason } => {
            store.trust_revoke(&session, &kid, &reason)?;
            out.done(Message::new("done-key-revoked").arg("kid", &kid));
        }
        TrustCommand::Import { file, accept_root } => {
            let text = read_text(&file)?;
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
            write_atomic(&file, text.as_bytes())?;
            out.done(Message::new("done-trust-exported").arg("path", file.display()));
        }
    }
    Ok(0)
}

/// `enroll`, `sync`, `outbox` and `conflicts`: this desk and the hub.
fn syncing(desk: &mut Desk<'_>, command: Command) -> Result<u8> {
    match command {
        Command::Enroll {
            hub,
            code,
            fingerprint,
            ca,
        } => {
            let trust = hub_trust(&hub, fingerprint.as_deref(), ca.as_deref())?;
            let session = desk.sign_in()?;
            let answer = client::enroll(desk.store, &session, &hub, &trust, &code)?;
            desk.out.done(
                Message::new("done-enrolled")
                    .arg("hub", &hub)
                    .arg("center", &answer.center)
                    .arg("id", answer.desk_id),
            );
        }
        Command::Sync { once: true, .. } => {
            let report = client::sync_once(desk.store)?;
            desk.out.synced(&report);
        }
        Command::Sync {
            once: false,
            interval,
        } => {
            let options = client::LoopOptions {
                interval: std::time::Duration::from_secs(interval.max(1)),
                ..Default::default()
            };
            let stop = std::sync::atomic::AtomicBool::new(false);
            let out = desk.out;
            client::run(desk.store, &options, &stop, |event| out.sync_event(event))?;
        }
        Command::Outbox { limit } => {
            let status = desk.store.sync_status()?;
            let pending = desk.store.outbox_pending(limit)?;
            desk.out.outbox(&status, &pending);
        }
        Command::Conflicts { all, command } => {
            let session = desk.sign_in()?;
            match command {
                None => desk.out.conflicts(&desk.store.conflicts(&session, all)?),
                Some(ConflictCommand::Settle { id, note }) => {
                    let c = desk.store.settle_conflict(&session, id, &note)?;
                    desk.out.done(c.settled_message());
                }
            }
        }
        _ => {}
    }
    Ok(0)
}

/// How the desk will know its hub, from the command line's options.
fn hub_trust(
    url: &str,
    fingerprint: Option<&str>,
    ca: Option<&std::path::Path>,
) -> Result<client::HubTrust> {
    let ca_pem = match ca {
        Some(path) => Some(
            String::from_utf8_lossy(&crate::files::read_bounded(path, 1024 * 1024)?).into_owned(),
        ),
        None => None,
    };
    client::trust_for(url, fingerprint, ca_pem)
}
