//! Documents from the store: `render` (a file, no state change: a draft
//! before the original is printed, a marked copy after) and `print` (the
//! sealed original, approved → printed; later prints are copies that a
//! supervisor authorises).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::Store;
use super::audit::append_audit;
use super::outbox::{append_outbox, new_idempotency_key, state_change};
use super::requests::{self, RequestRef};
use super::seals::CopySigner;
use super::users::Session;
use crate::documents::labels::{Handover, LabelFormat, envelope_label, manifest};
use crate::documents::layout::Page;
use crate::documents::pdf::{PdfInfo, write_pdf};
use crate::documents::render::{Deployment, Digits, Mark, RenderInput, render_document};
use crate::domain::lifecycle::{apply_copy, apply_step};
use crate::domain::request::content_digest;
use crate::domain::{Action, Actor, Request, State, Step, check, next_state};
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::protocol::{Change, CopyPrinted, HandoverBatch};
use crate::seal::backing::check_backing;
use crate::seal::verify_seal;

#[derive(Debug, Serialize)]
pub struct DispatchReport {
    pub batch: String,
    pub count: usize,
    pub pages: usize,
}

#[derive(Debug, Serialize)]
pub struct RenderedDocument {
    #[serde(skip)]
    pub pdf: Vec<u8>,
    /// The laid-out pages the PDF was written from, for a preview.
    #[serde(skip)]
    pub pages: Vec<Page>,
    pub page_count: usize,
    pub mark: Mark,
    pub sealed: bool,
}

/// What a print tells the hub.
struct PrintFacts<'a> {
    req: &'a Request,
    actor: Actor<'a>,
    /// The supervisor who authorised a copy; none for the original.
    authorised_by: Option<&'a str>,
    document_number: &'a str,
    /// The seal's text (none only for a copy of a request stamped before
    /// seals existed).
    seal: Option<&'a str>,
    at: chrono::DateTime<chrono::Utc>,
}

/// The outbox's change for a print: the original is a step of the
/// lifecycle, a copy a change of its own.
fn print_change(facts: PrintFacts<'_>) -> Change {
    match facts.authorised_by {
        Some(by) => Change::CopyPrinted(CopyPrinted {
            state: facts.req.state,
            actor: facts.actor.name.to_owned(),
            authorised_by: by.to_owned(),
            at: facts.at,
            document_number: facts.document_number.to_owned(),
            seal_sha256: facts.seal.map(content_digest),
            seal: facts.seal.map(str::to_owned),
        }),
        // An original is always sealed (a seal that cannot be made stops
        // it before this).
        None => state_change(
            Step::Print {
                document_number: facts.document_number.to_owned(),
                seal_sha256: facts.seal.map(content_digest).unwrap_or_default(),
                seal: facts.seal.map(str::to_owned),
            },
            facts.req.state,
            next_state(facts.req, Action::Print).unwrap_or(facts.req.state),
            facts.actor,
            facts.at,
        ),
    }
}

impl Store {
    /// Whether the seal just issued for `req` holds before it is printed:
    /// every signature valid under this desk's trust list, as many
    /// distinct supervisors of the center as the service needs, and
    /// backing the request's record ([`check_backing`]: the same rule the
    /// hub holds a print to). A row edited outside the program (stamps
    /// added or removed by hand, a request pulled as approved with none)
    /// fails here, not on paper.
    fn seal_backs(
        &self,
        req: &Request,
        number: &str,
        seal: &str,
    ) -> Result<std::result::Result<(), Message>> {
        let trust = self.trust_set()?;
        let now = self.now().timestamp();
        let report = verify_seal(seal, &trust, self.catalog(), now, i64::MAX);
        if let Some(why) = &report.invalid {
            return Ok(Err(why.message()));
        }
        Ok(check_backing(&report, req, number))
    }
}

/// One envelope of a hand-over batch, in the batch's transaction:
/// enveloped → dispatched, its audit row and its outbox row.
fn record_dispatch(
    tx: &rusqlite::Transaction<'_>,
    session: &Session,
    req: &Request,
    batch: &str,
    key: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let step = Step::Dispatch {
        batch: batch.to_owned(),
        tracking_code: req.tracking_code.clone(),
    };
    let mut after = req.clone();
    apply_step(&mut after, &step, session.name(), now)?;
    let changed = tx.execute(
        "UPDATE requests SET state = ?3, updated_at = ?2 WHERE id = ?1 AND state = ?4",
        rusqlite::params![
            req.id,
            now.timestamp(),
            after.state.as_str(),
            req.state.as_str()
        ],
    )?;
    if changed != 1 {
        return Err(Error::InvalidTransition {
            state: req.state,
            action: Action::Dispatch,
        });
    }
    append_audit(
        tx,
        now,
        session.name(),
        "dispatch",
        &req.id,
        &format!("{} -> {} in {batch}", req.state, after.state),
    )?;
    let change = state_change(step, req.state, after.state, session.actor(), now);
    append_outbox(tx, key, now, Some(&req.id), &change)
}

impl Store {
    /// When the sealed original of `req` was printed: its issue date,
    /// which copies repeat. From the audit log's print row; a request
    /// printed at another desk (or a demo row) falls back to its last stamp,
    /// then its verification.
    fn sealed_at(&self, req: &Request) -> Result<DateTime<Utc>> {
        let printed: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT at FROM audit WHERE subject = ?1 AND action = 'print' ORDER BY seq LIMIT 1",
            )?
            .query_row([&req.id], |r| r.get(0))
            .optional()?;
        let printed = printed
            .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
            .map(|at| at.with_timezone(&Utc));
        let last_stamp = req.stamps.iter().map(|s| s.stamped_at).max();
        Ok(printed
            .or(last_stamp)
            .or(req.verified_at)
            .unwrap_or_else(|| self.now()))
    }

    fn compose(
        &self,
        req: &Request,
        mark: Mark,
        seal: Option<&str>,
        copy: Option<(u32, &str)>,
        digits: Digits,
    ) -> Result<(Vec<Page>, Vec<u8>)> {
        // The original is issued as it is sealed (after its stamps); a copy
        // says when its original was.
        let issued = match mark {
            Mark::Original | Mark::Draft => self.now(),
            Mark::Copy | Mark::ReadingCopy => self.sealed_at(req)?,
        };
        let templates = &self.templates;
        let center_name = templates.center_name(&self.center);
        // A stamp is printed under its supervisor's full name where the
        // desk knows it (the seal keeps the login name it was signed with).
        let names = self.full_names()?;
        let named;
        let req = if req.stamps.iter().any(|s| names.contains_key(&s.supervisor)) {
            let mut r = req.clone();
            for s in &mut r.stamps {
                if let Some(full) = names.get(&s.supervisor) {
                    s.supervisor = full.clone();
                }
            }
            named = r;
            &named
        } else {
            req
        };
        let pages = render_document(&RenderInput {
            request: req,
            catalog: &self.catalog,
            templates,
            center_name: &center_name,
            mark,
            seal,
            issued,
            digits,
            place: templates.place_of_issue(&self.center),
            // An authoriser is named as the desk knows them.
            copy: copy.map(|(n, by)| (n, names.get(by).map_or(by, String::as_str))),
            demo: self.is_demo()?,
            // A draft carries neither emblem nor sentence: not read for it
            // (a damaged stored emblem stops no draft).
            deployment: &if mark == Mark::Draft {
                Deployment::default()
            } else {
                self.deployment()?
            },
        })?;
        // The document's name as a reader lists it: the service and its
        // number (a draft has none yet: its tracking code).
        let service = self.catalog.service(&req.service);
        let title = format!(
            "{} — {}",
            service.map_or(req.service.as_str(), |s| s.name_ar.as_str()),
            req.document_number.as_deref().unwrap_or(&req.tracking_code)
        );
        let pdf = write_pdf(
            &pages,
            &PdfInfo {
                title: &title,
                seal,
            },
        );
        Ok((pages, pdf))
    }

    /// `citizen-desk render`: the document as a PDF file, nothing else: a
    /// draft before the original is printed, after it a copy for reading,
    /// marked COPY and never sealed (a sealed copy is a print, which a
    /// supervisor authorises).
    pub fn render_document(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        digits: Digits,
    ) -> Result<RenderedDocument> {
        self.authorise(session, Action::Print, reference.as_str())?;
        let req = requests::find(&self.conn, reference)?
            .ok_or_else(|| Error::RequestNotFound(reference.as_str().into()))?;
        let mark = if req.printed_count > 0 {
            Mark::ReadingCopy
        } else {
            Mark::Draft
        };
        let now = self.now();
        let (pages, pdf) = self.compose(&req, mark, None, None, digits)?;
        self.audit_only(now, session.name(), "render", &req.id, mark.as_str())?;
        Ok(RenderedDocument {
            pdf,
            page_count: pages.len(),
            pages,
            mark,
            sealed: false,
        })
    }

    /// `citizen-desk print`: without an `authoriser`, the sealed original
    /// of an approved, paid request (approved → printed); with one (a
    /// supervisor other than the one printing), a copy of a printed
    /// document, marked COPY. `deliver` gets the PDF inside the
    /// transaction: if it cannot be saved or sent, nothing is recorded.
    pub fn print_document<D>(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        authoriser: Option<(&Session, &str)>,
        digits: Digits,
        deliver: D,
    ) -> Result<RenderedDocument>
    where
        D: FnOnce(&[u8]) -> Result<()>,
    {
        let (authoriser, authoriser_pin) = match authoriser {
            Some((s, pin)) => (Some(s), pin),
            None => (None, ""),
        };
        self.authorise(session, Action::Print, reference.as_str())?;
        let req = requests::find(&self.conn, reference)?
            .ok_or_else(|| Error::RequestNotFound(reference.as_str().into()))?;
        let action = self.check_print(session, &req, authoriser)?;
        let original = action == Action::Print;
        // Paid means the hub says so (its signature over the row's payment
        // facts), not that the row says so.
        if let Err(why) = self.payment_confirmed(&req)? {
            return Err(self.refuse(session, &req.id, action, Error::BadInput(why)));
        }
        let document_number = req
            .document_number
            .clone()
            .ok_or_else(|| Error::Data(format!("request {} has no document number", req.id)))?;
        let now = self.now();
        // A copy's seal carries its number and its authoriser's signature
        // (their stamp key, opened with their PIN for this print).
        let copy = match authoriser {
            Some(sup) => {
                let (kid, key) = match self.unlock_stamp_key(sup.name(), authoriser_pin) {
                    Ok(unlocked) => unlocked,
                    Err(err) => return Err(self.refuse(session, &req.id, action, err)),
                };
                Some(CopySigner {
                    name: sup.name().to_owned(),
                    kid,
                    key,
                    number: req.printed_count.max(1),
                })
            }
            None => None,
        };
        let seal = match self.issue_seal_for(&req, now, copy.as_ref()) {
            Ok(seal) => Some(seal),
            // A copy of a request stamped before seals existed prints
            // without one; an original never does.
            Err(_) if !original => None,
            Err(err) => return Err(err),
        };
        if let Some(seal) = &seal
            && let Err(why) = self.seal_backs(&req, &document_number, &seal.text)?
        {
            let refusal =
                Error::BadInput(Message::new("err-seal-not-backed").arg_message("why", why));
            return Err(self.refuse(session, &req.id, action, refusal));
        }
        let mark = if original { Mark::Original } else { Mark::Copy };
        let (pages, pdf) = self.compose(
            &req,
            mark,
            seal.as_ref().map(|s| s.text.as_str()),
            copy.as_ref().map(|c| (c.number, c.name.as_str())),
            digits,
        )?;
        let by = authoriser.map(|a| a.name().to_owned());
        let change = print_change(PrintFacts {
            req: &req,
            actor: session.actor(),
            authorised_by: by.as_deref(),
            document_number: &document_number,
            seal: seal.as_ref().map(|s| s.text.as_str()),
            at: now,
        });

        let key = new_idempotency_key(&self.center, &self.desk)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the transaction: another desk process may have
        // printed it meanwhile.
        let mut current = requests::find(&tx, &RequestRef::Id(req.id.clone()))?
            .ok_or_else(|| Error::RequestNotFound(req.id.clone()))?;
        if current.state != req.state || current.printed_count != req.printed_count {
            return Err(Error::InvalidTransition {
                state: current.state,
                action,
            });
        }
        match &change {
            Change::StateChange(s) => apply_step(&mut current, &s.step, session.name(), now)?,
            _ => apply_copy(&mut current, now)?,
        };
        tx.execute(
            "UPDATE requests SET state = ?2, printed_count = ?3, updated_at = ?4 WHERE id = ?1",
            rusqlite::params![
                req.id,
                current.state.as_str(),
                current.printed_count,
                now.timestamp()
            ],
        )?;
        let detail = format!(
            "{} {} {}{}",
            mark.as_str(),
            document_number,
            if seal.is_some() { "sealed" } else { "unsealed" },
            by.as_deref()
                .map(|b| format!(", authorised by {b}"))
                .unwrap_or_default()
        );
        append_audit(
            &tx,
            now,
            session.name(),
            if original { "print" } else { "print_copy" },
            &req.id,
            &detail,
        )?;
        append_outbox(&tx, &key, now, Some(&req.id), &change)?;
        deliver(&pdf)?;
        tx.commit()?;
        Ok(RenderedDocument {
            pdf,
            page_count: pages.len(),
            pages,
            mark,
            sealed: seal.is_some(),
        })
    }

    /// May `session` print `req` now: the original (no `authoriser`) or a
    /// copy authorised by a supervisor? The action it is; refusals are
    /// audited.
    fn check_print(
        &mut self,
        session: &Session,
        req: &Request,
        authoriser: Option<&Session>,
    ) -> Result<Action> {
        let action = match authoriser {
            Some(_) => Action::PrintCopy,
            None => Action::Print,
        };
        if action == Action::Print && req.state.allows_copy() {
            // The original is out: say what a copy needs, not just "no".
            return Err(self.refuse(session, &req.id, action, Error::ReprintNeedsSupervisor));
        }
        if action == Action::PrintCopy && next_state(req, Action::Print).is_some() {
            // A copy was asked for, but the original is still to print.
            let err = Error::bad_input("err-copy-before-original");
            return Err(self.refuse(session, &req.id, action, err));
        }
        let actor = session.actor();
        if let Err(refusal) = check(req, actor, action) {
            return Err(self.refuse(session, &req.id, action, refusal.into()));
        }
        if let Some(supervisor) = authoriser {
            self.authorise(supervisor, Action::AuthoriseReprint, &req.id)?;
            // A copy is two people's doing: whoever prints it cannot also
            // be the one who allows it.
            if supervisor.name() == session.name() {
                let err = Error::bad_input("err-copy-self-authorised");
                return Err(self.refuse(session, &req.id, action, err));
            }
        }
        Ok(action)
    }

    /// `citizen-desk envelope`: printed → enveloped, writing the label.
    pub fn envelope<D>(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        format: LabelFormat,
        deliver: D,
    ) -> Result<Request>
    where
        D: FnOnce(&[u8]) -> Result<()>,
    {
        self.authorise(session, Action::Envelope, reference.as_str())?;
        let mut req = requests::find(&self.conn, reference)?
            .ok_or_else(|| Error::RequestNotFound(reference.as_str().into()))?;
        let actor = session.actor();
        if let Err(refusal) = check(&req, actor, Action::Envelope) {
            return Err(self.refuse(session, &req.id, Action::Envelope, refusal.into()));
        }
        let page = envelope_label(&req, &self.center, format, &self.templates)?;
        let pdf = write_pdf(
            &[page],
            &PdfInfo {
                title: &req.tracking_code,
                seal: None,
            },
        );
        let now = self.now();
        let before = req.state;
        let step = Step::Envelope {
            tracking_code: req.tracking_code.clone(),
        };
        apply_step(&mut req, &step, session.name(), now)?;
        let key = new_idempotency_key(&self.center, &self.desk)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE requests SET state = ?4, updated_at = ?2, enveloped_at_desk = ?3
             WHERE id = ?1 AND state = ?5",
            rusqlite::params![
                req.id,
                now.timestamp(),
                self.desk,
                req.state.as_str(),
                before.as_str()
            ],
        )?;
        if changed != 1 {
            return Err(Error::InvalidTransition {
                state: before,
                action: Action::Envelope,
            });
        }
        append_audit(
            &tx,
            now,
            session.name(),
            "envelope",
            &req.id,
            &format!("{before} -> {} {}", req.state, req.tracking_code),
        )?;
        let change = state_change(step, before, req.state, session.actor(), now);
        append_outbox(&tx, &key, now, Some(&req.id), &change)?;
        deliver(&pdf)?;
        tx.commit()?;
        Ok(req)
    }

    /// `citizen-desk dispatch`: every envelope this desk made and still
    /// holds goes to the post in one hand-over batch (enveloped →
    /// dispatched), with its manifest. Envelopes of other desks of the
    /// center, which sync shows as enveloped here too, stay out of it.
    pub fn dispatch<D>(
        &mut self,
        session: &Session,
        digits: Digits,
        deliver: D,
    ) -> Result<DispatchReport>
    where
        D: FnOnce(&[u8]) -> Result<()>,
    {
        self.authorise(session, Action::Dispatch, "dispatch")?;
        let batch_requests = self.envelopes_in_tray()?;
        if batch_requests.is_empty() {
            return Err(Error::NothingToDispatch);
        }
        let now = self.now();
        let seq = super::meta_get(&self.conn, "dispatch_seq")?
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(0)
            + 1;
        let batch = format!(
            "{}-{}-B{}-{seq:04}",
            self.center,
            self.desk,
            now.with_timezone(&chrono_tz::Asia::Damascus)
                .format("%Y%m%d")
        );
        let names = self.full_names()?;
        let clerk = names
            .get(session.name())
            .map(String::as_str)
            .unwrap_or(session.name());
        let handover = Handover {
            batch: &batch,
            center: &self.center,
            clerk,
            at: now,
            requests: &batch_requests,
            digits,
        };
        let pages = manifest(&handover, &self.templates, &self.catalog);
        let pdf = write_pdf(
            &pages,
            &PdfInfo {
                title: &batch,
                seal: None,
            },
        );
        let mut keys = Vec::with_capacity(batch_requests.len() + 1);
        for _ in 0..=batch_requests.len() {
            keys.push(new_idempotency_key(&self.center, &self.desk)?);
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (req, key) in batch_requests.iter().zip(&keys) {
            record_dispatch(&tx, session, req, &batch, key, now)?;
        }
        let batch_key = keys.last().cloned().unwrap_or_default();
        let handover = Change::HandoverBatch(HandoverBatch {
            batch: batch.clone(),
            at: now,
            clerk: session.name().to_owned(),
            tracking_codes: batch_requests
                .iter()
                .map(|r| r.tracking_code.clone())
                .collect(),
        });
        append_outbox(&tx, &batch_key, now, None, &handover)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('dispatch_seq', ?1)",
            [seq.to_string()],
        )?;
        deliver(&pdf)?;
        tx.commit()?;
        Ok(DispatchReport {
            batch,
            count: batch_requests.len(),
            pages: pages.len(),
        })
    }

    /// The envelopes this desk made and still holds, by tracking code.
    fn envelopes_in_tray(&self) -> Result<Vec<Request>> {
        let mut stmt = self.conn.prepare(&format!(
            "{} WHERE r.state IN {} AND r.enveloped_at_desk = ?1 ORDER BY r.tracking_code",
            requests::SELECT,
            State::sql_list(State::awaits_post)
        ))?;
        let rows = stmt.query_map([&self.desk], requests::map_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many envelopes this desk holds for the post (what `dispatch`
    /// would hand over now).
    pub fn envelopes_held(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            &format!(
                "SELECT count(*) FROM requests WHERE state IN {} AND enveloped_at_desk = ?1",
                State::sql_list(State::awaits_post)
            ),
            [&self.desk],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    /// The digits this desk prints on documents and manifests (Latin until
    /// someone chooses otherwise).
    pub fn document_digits(&self) -> Result<Digits> {
        Ok(super::meta_get(&self.conn, "document_digits")?
            .and_then(|d| Digits::parse(&d))
            .unwrap_or_default())
    }

    /// Remembers the desk's digit setting (audited, like the printer).
    pub fn set_document_digits(&mut self, session: &Session, digits: Digits) -> Result<()> {
        self.authorise(session, Action::Print, digits.as_str())?;
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('document_digits', ?1)",
            [digits.as_str()],
        )?;
        append_audit(
            &tx,
            now,
            session.name(),
            "digits_chosen",
            digits.as_str(),
            "",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The printer this desk remembered, if any.
    pub fn chosen_printer(&self) -> Result<Option<String>> {
        super::meta_get(&self.conn, "printer")
    }

    /// Remembers the desk's printer (it must exist and be enabled now).
    pub fn choose_printer(&mut self, session: &Session, name: &str) -> Result<()> {
        self.authorise(session, Action::Print, name)?;
        crate::documents::paper::check_printer(name)?;
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('printer', ?1)",
            [name],
        )?;
        append_audit(&tx, now, session.name(), "printer_chosen", name, "")?;
        tx.commit()?;
        Ok(())
    }
}
