//! What a seal says: CWT claims in CBOR. Issuer (center code), issued-at
//! and expiry as integer seconds since 1970 UTC (the one time
//! representation), and a private claim with the document. Field values
//! are copied as issued (dates in them stay YYYY-MM-DD text).

use std::collections::BTreeMap;

use ciborium::Value;
use serde::Serialize;

use super::cose::{put_bytes, put_int, put_map, put_text};

/// Private-use CWT claim key for the document (RFC 8392 §9.1: < -65536).
pub const DOCUMENT_CLAIM: i64 = -65_537;
pub const PAYLOAD_VERSION: i64 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SealDocument {
    pub document_number: String,
    pub service: String,
    pub national_id: String,
    pub full_name_ar: String,
    pub fields: BTreeMap<String, String>,
    /// SHA-256 of the canonical document content frozen at verification.
    pub content_digest: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SealClaims {
    pub issuer: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub document: SealDocument,
}

impl SealClaims {
    /// Deterministic CBOR: map keys in a fixed order, definite lengths.
    pub fn to_cbor(&self) -> Vec<u8> {
        let d = &self.document;
        let mut out = Vec::with_capacity(512);
        put_map(&mut out, 4);
        put_int(&mut out, 1);
        put_text(&mut out, &self.issuer);
        put_int(&mut out, 4);
        put_int(&mut out, self.expires_at);
        put_int(&mut out, 6);
        put_int(&mut out, self.issued_at);
        put_int(&mut out, DOCUMENT_CLAIM);
        put_map(&mut out, 7);
        put_text(&mut out, "v");
        put_int(&mut out, PAYLOAD_VERSION);
        put_text(&mut out, "n");
        put_text(&mut out, &d.document_number);
        put_text(&mut out, "s");
        put_text(&mut out, &d.service);
        put_text(&mut out, "i");
        put_text(&mut out, &d.national_id);
        put_text(&mut out, "a");
        put_text(&mut out, &d.full_name_ar);
        put_text(&mut out, "f");
        put_map(&mut out, d.fields.len());
        for (k, v) in &d.fields {
            put_text(&mut out, k);
            put_text(&mut out, v);
        }
        put_text(&mut out, "d");
        put_bytes(
            &mut out,
            &hex::decode(&d.content_digest).unwrap_or_default(),
        );
        out
    }

    /// Reads our claims back from a payload; errors say what is missing.
    pub fn from_cbor(payload: &[u8]) -> Result<SealClaims, String> {
        let claims = super::layers::claims(payload).map_err(|e| e.detail)?;
        let issuer = claims.issuer.clone().ok_or("no issuer (claim 1)")?;
        let issued_at = claims.issued_at.ok_or("no issued-at (claim 6)")?;
        let expires_at = claims.expires.ok_or("no expiry (claim 4)")?;
        let doc = claims
            .map
            .iter()
            .find(
                |(k, _)| matches!(k, Value::Integer(i) if i128::from(*i) == DOCUMENT_CLAIM as i128),
            )
            .map(|(_, v)| v)
            .ok_or("no document claim")?;
        let Value::Map(entries) = doc else {
            return Err("the document claim is not a map".into());
        };
        let get = |key: &str| {
            entries
                .iter()
                .find(|(k, _)| k.as_text() == Some(key))
                .map(|(_, v)| v)
        };
        let text = |key: &str| -> Result<String, String> {
            get(key)
                .and_then(Value::as_text)
                .map(str::to_owned)
                .ok_or_else(|| format!("document field {key:?} missing"))
        };
        let version = get("v").and_then(|v| v.as_integer()).map(i128::from);
        if version != Some(PAYLOAD_VERSION as i128) {
            return Err(format!("unknown payload version {version:?}"));
        }
        let mut fields = BTreeMap::new();
        if let Some(Value::Map(f)) = get("f") {
            for (k, v) in f {
                if let (Some(k), Some(v)) = (k.as_text(), v.as_text()) {
                    fields.insert(k.to_owned(), v.to_owned());
                }
            }
        } else {
            return Err("document fields missing".into());
        }
        let digest = match get("d") {
            Some(Value::Bytes(b)) if b.len() == 32 => hex::encode(b),
            _ => return Err("content digest missing or not 32 bytes".into()),
        };
        Ok(SealClaims {
            issuer,
            issued_at,
            expires_at,
            document: SealDocument {
                document_number: text("n")?,
                service: text("s")?,
                national_id: text("i")?,
                full_name_ar: text("a")?,
                fields,
                content_digest: digest,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip_exactly() {
        let claims = SealClaims {
            issuer: "TRT01".into(),
            issued_at: 1_790_000_000,
            expires_at: 1_797_776_000,
            document: SealDocument {
                document_number: "TRT01-D01-0000042".into(),
                service: "birth".into(),
                national_id: "07010000123".into(),
                full_name_ar: "ريم سامر الحلبي".into(),
                fields: [("birth_date".to_owned(), "1990-03-04".to_owned())].into(),
                content_digest: "ab".repeat(32),
            },
        };
        let bytes = claims.to_cbor();
        assert_eq!(SealClaims::from_cbor(&bytes).unwrap(), claims);
        assert_eq!(bytes, claims.to_cbor(), "deterministic");
        assert!(SealClaims::from_cbor(&bytes[..bytes.len() - 3]).is_err());
    }
}
