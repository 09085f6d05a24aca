//! Rendering a request's document from the store (no state change): a
//! draft before the original is printed, a marked copy after.

use serde::Serialize;

use super::Store;
use super::requests::{self, RequestRef};
use super::users::Session;
use crate::documents::layout::Page;
use crate::documents::pdf::{PdfInfo, write_pdf};
use crate::documents::render::{Digits, Mark, RenderInput, Templates, render_document};
use crate::domain::Action;
use crate::error::{Error, Result};

#[derive(Debug, Serialize)]
pub struct RenderedDocument {
    #[serde(skip)]
    pub pdf: Vec<u8>,
    pub mark: &'static str,
    pub sealed: bool,
}

impl Store {
    /// `citizen-desk render`: the document as a PDF file, nothing else.
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
            Mark::Copy
        } else {
            Mark::Draft
        };
        // A copy carries a seal made now, when its stamps are signed
        // (older demo rows are not: they print without one).
        let seal = if mark == Mark::Copy && req.payment.paid {
            self.seal_make(session, reference).ok().map(|s| s.text)
        } else {
            None
        };
        let templates = Templates::builtin(&self.catalog)?;
        let center_name = format!("مركز خدمة المواطن الإلكتروني {}", self.center);
        let issued = req.verified_at.unwrap_or_else(|| self.now());
        let page: Page = render_document(&RenderInput {
            request: &req,
            catalog: &self.catalog,
            templates: &templates,
            center_name: &center_name,
            mark,
            seal: seal.as_deref(),
            issued,
            digits,
        })?;
        let title = format!(
            "{} {}",
            req.tracking_code,
            req.document_number.as_deref().unwrap_or("")
        );
        let pdf = write_pdf(
            &[page],
            &PdfInfo {
                title: &title,
                seal: seal.as_deref(),
            },
        );
        let label = match mark {
            Mark::Draft => "draft",
            Mark::Copy => "copy",
            Mark::Original => "original",
        };
        let now = self.now();
        self.audit_only(now, session.name(), "render", &req.id, label)?;
        Ok(RenderedDocument {
            pdf,
            mark: label,
            sealed: seal.is_some(),
        })
    }
}
