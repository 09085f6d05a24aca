//! The hub checks the seal a print carries, as a bank would, with the
//! trust list of the desk that pushed it: a desk, or a token thief, that
//! claims a print the seal does not back is refused.
//!
//! The list is the desk's own signed export, sent with its enrolment and
//! with every push that carries a seal; the root that signs it is pinned
//! at enrolment, so a token alone cannot bring keys of its own. Only keys
//! of the desk's own center count.

use crate::domain::{Catalog, Request};
use crate::i18n::Message;
use crate::seal::backing::check_backing;
use crate::seal::trust::{TrustListBody, open_file};
use crate::seal::{SealReport, TrustSet, verify_seal};

use super::rules::sha256_hex;
use super::{DeskAuth, HubError};

/// What a push's seals are checked with.
pub(crate) struct SealCheck {
    /// The desk's keys of its own center; none when the hub holds no list
    /// from this desk.
    trust: Option<TrustSet>,
    now: i64,
}

/// The catalog seals are checked against (which service needs how many
/// stamps), read once per hub process rather than once per push.
fn catalog() -> Option<&'static Catalog> {
    static CATALOG: std::sync::OnceLock<Option<Catalog>> = std::sync::OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().ok()).as_ref()
}

/// A trust list a desk sent: its body and the root that signed it, once
/// the signature checked and the list turned out to be the desk's center's.
pub(crate) fn open_desk_list(
    desk_center: &str,
    text: &str,
) -> Result<(TrustListBody, String), HubError> {
    let (body, root) = open_file(text)
        .map_err(|e| HubError::BadRequest("bad_trust_list".into(), e.to_string()))?;
    if body.issuer != desk_center {
        return Err(HubError::BadRequest(
            "bad_trust_list".into(),
            format!(
                "the trust list is issued by {}, not by this desk's center {desk_center}",
                body.issuer
            ),
        ));
    }
    Ok((body, root))
}

impl SealCheck {
    /// Checks with `list` (a desk's, already opened), or with nothing.
    pub fn new(desk: &DeskAuth, list: Option<&TrustListBody>, now: i64) -> SealCheck {
        let trust = list.map(|body| {
            let keys = body
                .keys
                .iter()
                .filter(|k| k.center == desk.center)
                .cloned()
                .collect();
            TrustSet::new(keys, body.issued_at, None)
        });
        SealCheck { trust, now }
    }

    /// The seal of a print of `req` (the hub's record before the print):
    /// given, the text whose SHA-256 the desk recorded, valid under the
    /// desk's trust list (the center's signature; as many distinct
    /// supervisors of the center as the service needs), and backing the
    /// hub's record as [`check_backing`] says (the same rule the desk
    /// holds itself to before it prints).
    pub fn check(
        &self,
        req: &Request,
        number: &str,
        seal_sha256: Option<&str>,
        seal: Option<&str>,
    ) -> Result<SealReport, Message> {
        let Some(seal) = seal else {
            return Err(Message::new("hub-reason-seal-missing"));
        };
        if seal_sha256.is_some_and(|sha| sha != sha256_hex(seal.as_bytes())) {
            return Err(Message::new("hub-reason-seal-digest"));
        }
        let (Some(trust), Some(catalog)) = (&self.trust, catalog()) else {
            return Err(Message::new("hub-reason-seal-no-trust"));
        };
        let report = verify_seal(seal, trust, catalog, self.now, i64::MAX);
        if let Some(why) = &report.invalid {
            return Err(Message::new("hub-reason-seal-invalid").arg_message("why", why.message()));
        }
        check_backing(&report, req, number)?;
        Ok(report)
    }
}
