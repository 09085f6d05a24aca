//! Whether a seal backs the record of the request it is printed for: one
//! rule, asked by the desk before it prints a sealed original and by the
//! hub before it records one. A valid seal proves who signed what; this
//! says that what they signed is this request as its record holds it.

use crate::domain::Request;
use crate::i18n::Message;

use super::SealReport;

/// `report` is of a seal that verified. It backs `req` (the record before
/// the print) under document `number` when it is of this very document
/// (number, content digest, national ID, service), its stamps are ones
/// the record holds, none of them by the clerk who verified, and there are
/// as many as the record requires.
pub fn check_backing(report: &SealReport, req: &Request, number: &str) -> Result<(), Message> {
    let Some(claims) = &report.claims else {
        return Err(Message::new("seal-backing-content"));
    };
    let doc = &claims.document;
    let ours = req.document_number.as_deref().unwrap_or_default();
    if doc.document_number != ours || number != ours {
        return Err(Message::new("seal-backing-number")
            .arg("seal", &doc.document_number)
            .arg("number", ours));
    }
    if Some(doc.content_digest.as_str()) != req.content_digest.as_deref()
        || doc.national_id != req.national_id.as_str()
        || doc.service != req.service
        || claims.issuer != req.center
    {
        return Err(Message::new("seal-backing-content"));
    }
    if let Some(verifier) = req
        .verified_by
        .as_deref()
        .filter(|v| report.stamped_by.iter().any(|s| s == v))
    {
        return Err(Message::new("seal-backing-verifier").arg("actor", verifier));
    }
    if let Some(stranger) = report
        .stamped_by
        .iter()
        .find(|s| !req.stamps.iter().any(|st| &st.supervisor == *s))
    {
        return Err(Message::new("seal-backing-unrecorded").arg("actor", stranger));
    }
    let have = report.stamped_by.len() as u32;
    if have < req.stamps_required {
        return Err(Message::new("seal-backing-stamps")
            .arg("have", have)
            .arg("need", req.stamps_required));
    }
    Ok(())
}
