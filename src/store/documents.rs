//! Documents from the store: `render` (a file, no state change: a draft
//! before the original is printed, a marked copy after) and `print` (the
//! sealed original, approved → printed; later prints are copies that a
//! supervisor authorises).

use rusqlite::TransactionBehavior;
use serde::Serialize;
use serde_json::json;

use super::Store;
use super::audit::append_audit;
use super::outbox::{append_outbox, new_idempotency_key};
use super::requests::{self, RequestRef};
use super::users::Session;
use crate::documents::labels::{LabelFormat, envelope_label, manifest};
use crate::documents::layout::Page;
use crate::documents::pdf::{PdfInfo, write_pdf};
use crate::documents::render::{Digits, Mark, RenderInput, render_document};
use crate::domain::{Action, Request, State};
use crate::error::{Error, Result};

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
    pub mark: &'static str,
    pub sealed: bool,
}

impl RenderedDocument {
    /// The message id naming the mark (draft, sealed original, copy).
    pub fn mark_message_id(&self) -> &'static str {
        match self.mark {
            "original" => "mark-original",
            "copy" => "mark-copy",
            _ => "mark-draft",
        }
    }
}

fn mark_label(mark: Mark) -> &'static str {
    match mark {
        Mark::Draft => "draft",
        Mark::Copy | Mark::ReadingCopy => "copy",
        Mark::Original => "original",
    }
}

impl Store {
    fn compose(
        &self,
        req: &Request,
        mark: Mark,
        seal: Option<&str>,
        digits: Digits,
    ) -> Result<(Vec<Page>, Vec<u8>)> {
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
            issued: req.verified_at.unwrap_or_else(|| self.now()),
            digits,
        })?;
        let title = format!(
            "{} {}",
            req.tracking_code,
            req.document_number.as_deref().unwrap_or("")
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
        let (pages, pdf) = self.compose(&req, mark, None, digits)?;
        self.audit_only(now, session.name(), "render", &req.id, mark_label(mark))?;
        Ok(RenderedDocument {
            pdf,
            page_count: pages.len(),
            pages,
            mark: mark_label(mark),
            sealed: false,
        })
    }

    /// `citizen-desk print`: the first print of an approved, paid request
    /// is the sealed original (approved → printed); every later print is a
    /// copy, which needs a supervisor's authorisation (`authoriser`, who
    /// may be the printing supervisor). `deliver` gets the PDF inside the
    /// transaction: if it cannot be saved or sent, nothing is recorded.
    pub fn print_document<D>(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        authoriser: Option<&Session>,
        digits: Digits,
        deliver: D,
    ) -> Result<RenderedDocument>
    where
        D: FnOnce(&[u8]) -> Result<()>,
    {
        self.authorise(session, Action::Print, reference.as_str())?;
        let req = requests::find(&self.conn, reference)?
            .ok_or_else(|| Error::RequestNotFound(reference.as_str().into()))?;
        let original = match req.state {
            State::Approved => true,
            State::Printed | State::Enveloped | State::Dispatched => false,
            state => {
                return Err(self.refuse(
                    session,
                    &req.id,
                    Action::Print,
                    Error::InvalidTransition {
                        state,
                        action: Action::Print,
                    },
                ));
            }
        };
        if !req.payment.paid {
            return Err(self.refuse(session, &req.id, Action::Print, Error::Unpaid));
        }
        if !original {
            match authoriser {
                Some(sup) => self.authorise(sup, Action::AuthoriseReprint, &req.id)?,
                None => {
                    return Err(self.refuse(
                        session,
                        &req.id,
                        Action::Print,
                        Error::ReprintNeedsSupervisor,
                    ));
                }
            }
        }
        let now = self.now();
        let seal = match self.issue_seal(&req, now) {
            Ok(seal) => Some(seal),
            // A copy of a request stamped before seals existed prints
            // without one; an original never does.
            Err(_) if !original => None,
            Err(err) => return Err(err),
        };
        let mark = if original { Mark::Original } else { Mark::Copy };
        let (pages, pdf) =
            self.compose(&req, mark, seal.as_ref().map(|s| s.text.as_str()), digits)?;

        let key = new_idempotency_key(&self.center, &self.desk)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the transaction: another desk process may have
        // printed it meanwhile.
        let current = requests::find(&tx, &RequestRef::Id(req.id.clone()))?
            .ok_or_else(|| Error::RequestNotFound(req.id.clone()))?;
        if current.state != req.state || current.printed_count != req.printed_count {
            return Err(Error::InvalidTransition {
                state: current.state,
                action: Action::Print,
            });
        }
        let new_state = if original { State::Printed } else { req.state };
        tx.execute(
            "UPDATE requests SET state = ?2, printed_count = printed_count + 1, updated_at = ?3 WHERE id = ?1",
            rusqlite::params![req.id, new_state.as_str(), now.timestamp()],
        )?;
        let by = authoriser.map(|a| a.name().to_owned());
        let detail = format!(
            "{} {} {}{}",
            mark_label(mark),
            req.document_number.as_deref().unwrap_or(""),
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
        let payload = json!({
            "request_id": req.id,
            "action": "print",
            "from": req.state.as_str(),
            "to": new_state.as_str(),
            "copy": !original,
            "actor": session.name(),
            "authorised_by": by,
            "at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "document_number": req.document_number,
            "seal_sha256": seal.as_ref().map(|s| crate::domain::request::content_digest(&s.text)),
        });
        append_outbox(
            &tx,
            &key,
            now,
            if original {
                "state_change"
            } else {
                "copy_printed"
            },
            Some(&req.id),
            &payload,
        )?;
        deliver(&pdf)?;
        tx.commit()?;
        Ok(RenderedDocument {
            pdf,
            page_count: pages.len(),
            pages,
            mark: mark_label(mark),
            sealed: seal.is_some(),
        })
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
        if req.state != State::Printed {
            let err = Error::InvalidTransition {
                state: req.state,
                action: Action::Envelope,
            };
            return Err(self.refuse(session, &req.id, Action::Envelope, err));
        }
        let templates = &self.templates;
        let sender = templates.center_name(&self.center);
        let page = envelope_label(&req, &sender, format, templates)?;
        let pdf = write_pdf(
            &[page],
            &PdfInfo {
                title: &req.tracking_code,
                seal: None,
            },
        );
        let now = self.now();
        let key = new_idempotency_key(&self.center, &self.desk)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE requests SET state = 'enveloped', updated_at = ?2, enveloped_at_desk = ?3
             WHERE id = ?1 AND state = 'printed'",
            rusqlite::params![req.id, now.timestamp(), self.desk],
        )?;
        if changed != 1 {
            return Err(Error::InvalidTransition {
                state: req.state,
                action: Action::Envelope,
            });
        }
        append_audit(
            &tx,
            now,
            session.name(),
            "envelope",
            &req.id,
            &format!("printed -> enveloped {}", req.tracking_code),
        )?;
        let payload = json!({
            "request_id": req.id, "action": "envelope", "from": "printed", "to": "enveloped",
            "actor": session.name(), "at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "tracking_code": req.tracking_code,
        });
        append_outbox(&tx, &key, now, "state_change", Some(&req.id), &payload)?;
        deliver(&pdf)?;
        tx.commit()?;
        req.state = State::Enveloped;
        req.updated_at = now;
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
        let batch_requests: Vec<Request> = {
            let mut stmt = self.conn.prepare(&format!(
                "{} WHERE r.state = 'enveloped' AND r.enveloped_at_desk = ?1 ORDER BY r.tracking_code",
                requests::SELECT
            ))?;
            stmt.query_map([&self.desk], requests::map_row)?
                .collect::<rusqlite::Result<_>>()?
        };
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
        let templates = &self.templates;
        let sender = templates.center_name(&self.center);
        let names = self.full_names()?;
        let clerk = names
            .get(session.name())
            .map(String::as_str)
            .unwrap_or(session.name());
        let pages = manifest(
            &batch,
            &sender,
            clerk,
            now,
            &batch_requests,
            templates,
            digits,
        );
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
        let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        for (req, key) in batch_requests.iter().zip(&keys) {
            let changed = tx.execute(
                "UPDATE requests SET state = 'dispatched', updated_at = ?2 WHERE id = ?1 AND state = 'enveloped'",
                rusqlite::params![req.id, now.timestamp()],
            )?;
            if changed != 1 {
                return Err(Error::InvalidTransition {
                    state: req.state,
                    action: Action::Dispatch,
                });
            }
            append_audit(
                &tx,
                now,
                session.name(),
                "dispatch",
                &req.id,
                &format!("enveloped -> dispatched in {batch}"),
            )?;
            let payload = json!({
                "request_id": req.id, "action": "dispatch", "from": "enveloped", "to": "dispatched",
                "actor": session.name(), "at": at, "batch": batch, "tracking_code": req.tracking_code,
            });
            append_outbox(&tx, key, now, "state_change", Some(&req.id), &payload)?;
        }
        let codes: Vec<&str> = batch_requests
            .iter()
            .map(|r| r.tracking_code.as_str())
            .collect();
        let batch_key = keys.last().cloned().unwrap_or_default();
        append_outbox(
            &tx,
            &batch_key,
            now,
            "handover_batch",
            None,
            &json!({ "batch": batch, "at": at, "clerk": session.name(), "tracking_codes": codes }),
        )?;
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

    /// How many envelopes this desk holds for the post (what `dispatch`
    /// would hand over now).
    pub fn envelopes_held(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM requests WHERE state = 'enveloped' AND enveloped_at_desk = ?1",
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
