//! The offline verifier: VALID, or exactly why not, with the decoded
//! document shown so the reader can compare it with the paper. Never
//! panics, whatever the input.

use std::collections::BTreeSet;

use ciborium::Value;
use serde::Serialize;

use super::cose::CoseMessage;
use super::layers::{self, Layer};
use super::payload::SealClaims;
use super::trust::{KeyRole, TrustSet};
use crate::domain::Catalog;
use crate::i18n::Message;

/// What every seal text starts with.
pub const PREFIX: &str = "SY1:";
/// Clocks drift: a seal issued a few minutes "in the future" is fine.
const CLOCK_SKEW_SECS: i64 = 300;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Invalid {
    BadPrefix {
        detail: String,
    },
    BadBase45 {
        detail: String,
    },
    BadZlib {
        detail: String,
    },
    BadCose {
        detail: String,
    },
    BadPayload {
        detail: String,
    },
    UnknownService {
        service: String,
    },
    UnknownKey {
        kid: String,
    },
    BadSignature {
        kid: String,
    },
    RevokedKey {
        kid: String,
        owner: String,
    },
    KeyNotValidAtSigning {
        kid: String,
        owner: String,
    },
    WrongSigner {
        kid: String,
        detail: String,
    },
    MissingCenterSignature,
    MissingStamps {
        have: u32,
        need: u32,
    },
    /// The center signed it as copy `copy`, but no supervisor of the
    /// center authorised that copy (or one authorised a copy the center
    /// did not sign as one).
    CopyNotAuthorised {
        copy: Option<u32>,
    },
    Expired {
        expires_at: i64,
    },
    NotYetValid {
        issued_at: i64,
    },
}

impl Invalid {
    pub fn message(&self) -> Message {
        let m = Message::new;
        match self {
            Invalid::BadPrefix { .. } => m("seal-bad-prefix").arg("prefix", PREFIX),
            Invalid::BadBase45 { detail } => m("seal-bad-base45").arg("detail", detail),
            Invalid::BadZlib { detail } => m("seal-bad-zlib").arg("detail", detail),
            Invalid::BadCose { detail } => m("seal-bad-cose").arg("detail", detail),
            Invalid::BadPayload { detail } => m("seal-bad-payload").arg("detail", detail),
            Invalid::UnknownService { service } => {
                m("seal-unknown-service").arg("service", service)
            }
            Invalid::UnknownKey { kid } => m("seal-unknown-key").arg("kid", kid),
            Invalid::BadSignature { kid } => m("seal-bad-signature").arg("kid", kid),
            Invalid::RevokedKey { kid, owner } => {
                m("seal-revoked-key").arg("kid", kid).arg("owner", owner)
            }
            Invalid::KeyNotValidAtSigning { kid, owner } => {
                m("seal-key-not-valid").arg("kid", kid).arg("owner", owner)
            }
            Invalid::WrongSigner { kid, detail } => {
                m("seal-wrong-signer").arg("kid", kid).arg("detail", detail)
            }
            Invalid::MissingCenterSignature => m("seal-no-center-signature"),
            Invalid::MissingStamps { have, need } => {
                m("seal-missing-stamps").arg("have", have).arg("need", need)
            }
            Invalid::CopyNotAuthorised { .. } => m("seal-copy-not-authorised"),
            Invalid::Expired { expires_at } => m("seal-expired").arg("date", day(*expires_at)),
            Invalid::NotYetValid { issued_at } => {
                m("seal-not-yet-valid").arg("date", day(*issued_at))
            }
        }
    }
}

fn day(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| {
            t.with_timezone(&chrono_tz::Asia::Damascus)
                .format("%d/%m/%Y")
                .to_string()
        })
        .unwrap_or_default()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum Warning {
    TrustListOld { days: i64 },
    DemoKey { owner: String },
}

impl Warning {
    pub fn message(&self) -> Message {
        match self {
            Warning::TrustListOld { days } => Message::new("seal-warn-trust-old").arg("days", days),
            Warning::DemoKey { owner } => Message::new("seal-warn-demo").arg("owner", owner),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignerInfo {
    pub kid: String,
    /// What the signature's header claims.
    pub name: String,
    pub role: String,
    pub signed_at: Option<i64>,
    /// Whether this signature checked out against a trusted key.
    pub verified: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct SealReport {
    pub valid: bool,
    pub invalid: Option<Invalid>,
    pub warnings: Vec<Warning>,
    pub claims: Option<SealClaims>,
    pub signers: Vec<SignerInfo>,
    /// The supervisors of the issuing center whose stamp signatures
    /// verified, each once, in name order.
    pub stamped_by: Vec<String>,
    /// For an authorised copy: which copy, and the supervisor who
    /// authorised it (their signature verified). None for the original.
    pub copy: Option<CopyOf>,
}

/// An authorised copy, as its seal says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CopyOf {
    pub number: u32,
    pub authorised_by: String,
}

impl CopyOf {
    pub fn message(&self) -> Message {
        Message::new("seal-copy")
            .arg("number", self.number)
            .arg("name", &self.authorised_by)
    }
}

impl SealReport {
    /// The answer for a file or image with no seal in it.
    pub fn no_seal() -> SealReport {
        SealReport::invalid(Invalid::BadPrefix {
            detail: "no seal found".into(),
        })
    }

    fn invalid(reason: Invalid) -> SealReport {
        SealReport {
            valid: false,
            invalid: Some(reason),
            warnings: Vec::new(),
            claims: None,
            signers: Vec::new(),
            stamped_by: Vec::new(),
            copy: None,
        }
    }
}

fn text_header(h: &super::cose::Headers, label: &str) -> Option<String> {
    h.text_value(label)
        .and_then(Value::as_text)
        .map(str::to_owned)
}

fn int_header(h: &super::cose::Headers, label: &str) -> Option<i64> {
    h.text_value(label)
        .and_then(Value::as_integer)
        .and_then(|i| i64::try_from(i128::from(i)).ok())
}

/// Checks a seal text against a trust list at time `now` (seconds since
/// 1970 UTC). `max_trust_age` (seconds) only adds a warning.
pub fn verify_seal(
    text: &str,
    trust: &TrustSet,
    catalog: &Catalog,
    now: i64,
    max_trust_age: i64,
) -> SealReport {
    let (msg, claims) = match decode(text) {
        Ok(decoded) => decoded,
        Err(reason) => return SealReport::invalid(reason),
    };
    let mut report = SealReport {
        valid: false,
        invalid: None,
        warnings: Vec::new(),
        claims: Some(claims.clone()),
        signers: Vec::new(),
        stamped_by: Vec::new(),
        copy: None,
    };
    if let Err(reason) = check(&msg, &claims, trust, catalog, now, &mut report) {
        report.invalid = Some(reason);
        return report;
    }
    let age = now - trust.updated_at;
    if age > max_trust_age {
        report
            .warnings
            .push(Warning::TrustListOld { days: age / 86_400 });
    }
    report.warnings.dedup();
    report.valid = true;
    report
}

/// The layers of a seal text down to its message and claims, or the
/// first layer that is wrong.
fn decode(text: &str) -> Result<(CoseMessage, SealClaims), Invalid> {
    let msg = layers::decode_text(text, PREFIX).map_err(|e| {
        let detail = e.detail;
        match e.layer {
            Layer::Prefix => Invalid::BadPrefix { detail },
            Layer::Base45 => Invalid::BadBase45 { detail },
            Layer::Zlib => Invalid::BadZlib { detail },
            Layer::Cose | Layer::Claims => Invalid::BadCose { detail },
        }
    })?;
    let claims =
        SealClaims::from_cbor(&msg.payload).map_err(|detail| Invalid::BadPayload { detail })?;
    Ok((msg, claims))
}

/// Who a verified signature speaks for.
enum Signer {
    /// The issuing center's key, for the original or for copy `n`.
    Center(Option<u32>),
    /// A supervisor of the issuing center, by name.
    Supervisor(String),
    /// A supervisor of the issuing center authorising copy `n`.
    CopyAuthoriser(String, u32),
}

/// The rules of a decoded seal: every signature by a trusted key, the
/// center's among them, enough distinct supervisors of the issuing center
/// for the service, and the validity period. Signers and warnings are
/// recorded in `report` as they are read.
fn check(
    msg: &CoseMessage,
    claims: &SealClaims,
    trust: &TrustSet,
    catalog: &Catalog,
    now: i64,
    report: &mut SealReport,
) -> Result<(), Invalid> {
    let service =
        catalog
            .service(&claims.document.service)
            .ok_or_else(|| Invalid::UnknownService {
                service: claims.document.service.clone(),
            })?;
    let mut center_signed = None;
    let mut stamped_by = BTreeSet::new();
    let mut authorised = None;
    for index in 0..msg.signatures.len() {
        match check_signature(msg, index, claims, trust, report)? {
            Signer::Center(copy) => center_signed = Some(copy),
            Signer::Supervisor(owner) => {
                stamped_by.insert(owner);
            }
            Signer::CopyAuthoriser(owner, n) => authorised = Some((owner, n)),
        }
    }
    report.stamped_by = stamped_by.iter().cloned().collect();
    let Some(copy) = center_signed else {
        return Err(Invalid::MissingCenterSignature);
    };
    // A copy is one when the center signed it as that copy and a
    // supervisor authorised that very copy; either alone is a forgery (an
    // authorisation stripped to pass a copy off as the original, or one
    // moved onto another print).
    match (copy, authorised) {
        (None, None) => {}
        (Some(n), Some((owner, m))) if n == m => {
            report.copy = Some(CopyOf {
                number: n,
                authorised_by: owner,
            });
        }
        (copy, _) => return Err(Invalid::CopyNotAuthorised { copy }),
    }
    let have = stamped_by.len() as u32;
    if have < service.required_stamps {
        return Err(Invalid::MissingStamps {
            have,
            need: service.required_stamps,
        });
    }
    if now > claims.expires_at {
        return Err(Invalid::Expired {
            expires_at: claims.expires_at,
        });
    }
    if now + CLOCK_SKEW_SECS < claims.issued_at {
        return Err(Invalid::NotYetValid {
            issued_at: claims.issued_at,
        });
    }
    Ok(())
}

/// One signature: made by a trusted key with its kid (every such key is
/// tried: kids may collide), not revoked, valid when it signed, naming
/// its key's owner, and of a key that may sign for the issuer.
fn check_signature(
    msg: &CoseMessage,
    index: usize,
    claims: &SealClaims,
    trust: &TrustSet,
    report: &mut SealReport,
) -> Result<Signer, Invalid> {
    let sig = &msg.signatures[index];
    let kid = sig.kid().map(hex::encode).unwrap_or_default();
    let signed_at = int_header(&sig.protected, "time");
    let claimed_name = text_header(&sig.protected, "name");
    report.signers.push(SignerInfo {
        kid: kid.clone(),
        name: claimed_name.clone().unwrap_or_default(),
        role: text_header(&sig.protected, "role").unwrap_or_default(),
        signed_at,
        verified: false,
    });
    let alg = sig.alg().ok_or_else(|| Invalid::BadCose {
        detail: "a signature has no algorithm".into(),
    })?;
    let mut candidates = trust.with_kid(sig.kid().unwrap_or_default()).peekable();
    if candidates.peek().is_none() {
        return Err(Invalid::UnknownKey { kid });
    }
    let tbs = msg.to_be_signed(index, &[]);
    let Some((entry, _)) =
        candidates.find(|(_, key)| key.verify(alg, &tbs, &sig.signature).is_ok())
    else {
        return Err(Invalid::BadSignature { kid });
    };
    let owner = entry.owner.clone();
    if entry.revoked_at.is_some() {
        return Err(Invalid::RevokedKey { kid, owner });
    }
    let when = signed_at.unwrap_or(claims.issued_at);
    if when < entry.valid_from || entry.valid_to.is_some_and(|end| when > end) {
        return Err(Invalid::KeyNotValidAtSigning { kid, owner });
    }
    if let Some(last) = report.signers.last_mut() {
        last.verified = true;
    }
    if claimed_name.as_deref().is_some_and(|n| n != owner) {
        let detail = format!("header names {claimed_name:?}, key belongs to {owner}");
        return Err(Invalid::WrongSigner { kid, detail });
    }
    if entry.demo {
        report.warnings.push(Warning::DemoKey {
            owner: owner.clone(),
        });
    }
    let copy = int_header(&sig.protected, "copy").and_then(|n| u32::try_from(n).ok());
    let role = text_header(&sig.protected, "role");
    match entry.role {
        KeyRole::Center if owner == claims.issuer => Ok(Signer::Center(copy)),
        KeyRole::Supervisor if entry.center == claims.issuer && role.as_deref() == Some("copy") => {
            match copy {
                Some(n) => Ok(Signer::CopyAuthoriser(owner, n)),
                None => Err(Invalid::CopyNotAuthorised { copy: None }),
            }
        }
        KeyRole::Supervisor if entry.center == claims.issuer => Ok(Signer::Supervisor(owner)),
        role => Err(Invalid::WrongSigner {
            kid,
            detail: format!(
                "a {} key of {} cannot sign for {}",
                role.as_str(),
                entry.center,
                claims.issuer
            ),
        }),
    }
}

/// Verifies a single-signer message (COSE_Sign1, as in HCERT) against a
/// key ring of (kid, key): every key with the message's kid is tried.
pub fn verify_sign1(msg: &CoseMessage, ring: &[(Vec<u8>, super::crypto::PublicKey)]) -> bool {
    let Some(sig) = msg.signatures.first() else {
        return false;
    };
    let (Some(alg), Some(kid)) = (sig.alg(), sig.kid()) else {
        return false;
    };
    let tbs = msg.to_be_signed(0, &[]);
    ring.iter()
        .filter(|(k, _)| k == kid)
        .any(|(_, key)| key.verify(alg, &tbs, &sig.signature).is_ok())
}
