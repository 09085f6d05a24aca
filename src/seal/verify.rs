//! The offline verifier: VALID, or exactly why not, with the decoded
//! document shown so the reader can compare it with the paper. Never
//! panics, whatever the input.

use std::collections::BTreeSet;

use ciborium::Value;
use serde::Serialize;

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
    BadPrefix { detail: String },
    BadBase45 { detail: String },
    BadZlib { detail: String },
    BadCose { detail: String },
    BadPayload { detail: String },
    UnknownService { service: String },
    UnknownKey { kid: String },
    BadSignature { kid: String },
    RevokedKey { kid: String, owner: String },
    KeyNotValidAtSigning { kid: String, owner: String },
    WrongSigner { kid: String, detail: String },
    MissingCenterSignature,
    MissingStamps { have: u32, need: u32 },
    Expired { expires_at: i64 },
    NotYetValid { issued_at: i64 },
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
    let msg = match layers::decode_text(text, PREFIX) {
        Ok(msg) => msg,
        Err(e) => {
            let detail = e.detail;
            return SealReport::invalid(match e.layer {
                Layer::Prefix => Invalid::BadPrefix { detail },
                Layer::Base45 => Invalid::BadBase45 { detail },
                Layer::Zlib => Invalid::BadZlib { detail },
                Layer::Cose | Layer::Claims => Invalid::BadCose { detail },
            });
        }
    };
    let claims = match SealClaims::from_cbor(&msg.payload) {
        Ok(c) => c,
        Err(detail) => return SealReport::invalid(Invalid::BadPayload { detail }),
    };
    let mut report = SealReport {
        valid: false,
        invalid: None,
        warnings: Vec::new(),
        claims: Some(claims.clone()),
        signers: Vec::new(),
    };
    let fail = |mut report: SealReport, reason: Invalid| {
        report.invalid = Some(reason);
        report
    };
    let Some(service) = catalog.service(&claims.document.service) else {
        return fail(
            report,
            Invalid::UnknownService {
                service: claims.document.service.clone(),
            },
        );
    };

    let mut center_signed = false;
    let mut stamped_by = BTreeSet::new();
    for (index, sig) in msg.signatures.iter().enumerate() {
        let kid = sig.kid().map(hex::encode).unwrap_or_default();
        let signed_at = int_header(&sig.protected, "time");
        report.signers.push(SignerInfo {
            kid: kid.clone(),
            name: text_header(&sig.protected, "name").unwrap_or_default(),
            role: text_header(&sig.protected, "role").unwrap_or_default(),
            signed_at,
            verified: false,
        });
        let Some(alg) = sig.alg() else {
            return fail(
                report,
                Invalid::BadCose {
                    detail: "a signature has no algorithm".into(),
                },
            );
        };
        let kid_bytes = sig.kid().unwrap_or_default();
        let mut candidates = trust.with_kid(kid_bytes).peekable();
        if candidates.peek().is_none() {
            return fail(report, Invalid::UnknownKey { kid });
        }
        let tbs = msg.to_be_signed(index, &[]);
        // Every trusted key with this kid is tried (kids may collide).
        let Some((entry, _)) =
            candidates.find(|(_, key)| key.verify(alg, &tbs, &sig.signature).is_ok())
        else {
            return fail(report, Invalid::BadSignature { kid });
        };
        if entry.revoked_at.is_some() {
            return fail(
                report,
                Invalid::RevokedKey {
                    kid,
                    owner: entry.owner.clone(),
                },
            );
        }
        let when = signed_at.unwrap_or(claims.issued_at);
        if when < entry.valid_from || entry.valid_to.is_some_and(|end| when > end) {
            return fail(
                report,
                Invalid::KeyNotValidAtSigning {
                    kid,
                    owner: entry.owner.clone(),
                },
            );
        }
        if let Some(last) = report.signers.last_mut() {
            last.verified = true;
        }
        let claimed_name = text_header(&sig.protected, "name");
        if claimed_name.as_deref().is_some_and(|n| n != entry.owner) {
            return fail(
                report,
                Invalid::WrongSigner {
                    kid,
                    detail: format!(
                        "header names {claimed_name:?}, key belongs to {}",
                        entry.owner
                    ),
                },
            );
        }
        if entry.demo {
            report.warnings.push(Warning::DemoKey {
                owner: entry.owner.clone(),
            });
        }
        match entry.role {
            KeyRole::Center if entry.owner == claims.issuer => center_signed = true,
            KeyRole::Supervisor if entry.center == claims.issuer => {
                stamped_by.insert(entry.owner.clone());
            }
            role => {
                let detail = format!(
                    "a {} key of {} cannot sign for {}",
                    role.as_str(),
                    entry.center,
                    claims.issuer
                );
                return fail(report, Invalid::WrongSigner { kid, detail });
            }
        }
    }
    if !center_signed {
        return fail(report, Invalid::MissingCenterSignature);
    }
    let have = stamped_by.len() as u32;
    if have < service.required_stamps {
        return fail(
            report,
            Invalid::MissingStamps {
                have,
                need: service.required_stamps,
            },
        );
    }
    if now > claims.expires_at {
        return fail(
            report,
            Invalid::Expired {
                expires_at: claims.expires_at,
            },
        );
    }
    if now + CLOCK_SKEW_SECS < claims.issued_at {
        return fail(
            report,
            Invalid::NotYetValid {
                issued_at: claims.issued_at,
            },
        );
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

/// Verifies a single-signer message (COSE_Sign1, as in HCERT) against a
/// key ring of (kid, key): every key with the message's kid is tried.
pub fn verify_sign1(
    msg: &super::cose::CoseMessage,
    ring: &[(Vec<u8>, super::crypto::PublicKey)],
) -> bool {
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
