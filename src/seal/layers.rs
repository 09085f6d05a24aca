//! The layers under a QR text: prefix, Base45, zlib, COSE, CWT claims.
//! One decoder serves our seals and the public HCERT suite alike.

use std::io::Read;

use ciborium::Value;

use super::base45;
use super::cose::{self, CoseMessage};

/// Our seals never inflate past this; a zip bomb stops here.
pub const MAX_INFLATED: usize = 64 * 1024;

/// Which layer refused the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Prefix,
    Base45,
    Zlib,
    Cose,
    Claims,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerError {
    pub layer: Layer,
    pub detail: String,
}

impl LayerError {
    fn new(layer: Layer, detail: impl ToString) -> LayerError {
        LayerError {
            layer,
            detail: detail.to_string(),
        }
    }
}

/// Removes the prefix (scanners may add spaces or a newline around it).
pub fn unprefix<'a>(text: &'a str, prefix: &str) -> Result<&'a str, LayerError> {
    text.trim().strip_prefix(prefix).ok_or_else(|| {
        LayerError::new(
            Layer::Prefix,
            format!("the text does not start with {prefix}"),
        )
    })
}

pub fn base45_decode(text: &str) -> Result<Vec<u8>, LayerError> {
    base45::decode(text).map_err(|e| LayerError::new(Layer::Base45, e))
}

pub fn inflate(data: &[u8]) -> Result<Vec<u8>, LayerError> {
    let mut out = Vec::with_capacity(data.len() * 2);
    flate2::read::ZlibDecoder::new(data)
        .take(MAX_INFLATED as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| LayerError::new(Layer::Zlib, e))?;
    if out.len() > MAX_INFLATED {
        return Err(LayerError::new(Layer::Zlib, "inflates to more than 64 KiB"));
    }
    Ok(out)
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

pub fn parse_cose(data: &[u8]) -> Result<CoseMessage, LayerError> {
    CoseMessage::parse(data).map_err(|e| LayerError::new(Layer::Cose, e))
}

/// The registered CWT claims we use, and the whole claims map.
#[derive(Clone, Debug, PartialEq)]
pub struct Claims {
    pub issuer: Option<String>,
    pub issued_at: Option<i64>,
    pub expires: Option<i64>,
    pub map: Vec<(Value, Value)>,
}

fn int_claim(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => i64::try_from(i128::from(*i)).ok(),
        // Some issuers write times as floats.
        Value::Float(f) if f.is_finite() => Some(*f as i64),
        Value::Tag(1, inner) => int_claim(inner),
        _ => None,
    }
}

pub fn claims(payload: &[u8]) -> Result<Claims, LayerError> {
    let value = cose::decode_one(payload).map_err(|e| LayerError::new(Layer::Claims, e))?;
    let Value::Map(map) = value else {
        return Err(LayerError::new(
            Layer::Claims,
            "the payload is not a CBOR map of claims",
        ));
    };
    let mut claims = Claims {
        issuer: None,
        issued_at: None,
        expires: None,
        map: Vec::new(),
    };
    for (k, v) in &map {
        if let Value::Integer(i) = k {
            match i128::from(*i) {
                1 => claims.issuer = v.as_text().map(str::to_owned),
                4 => claims.expires = int_claim(v),
                6 => claims.issued_at = int_claim(v),
                _ => {}
            }
        }
    }
    claims.map = map;
    Ok(claims)
}

/// Everything down to the COSE message, for a text with `prefix`.
pub fn decode_text(text: &str, prefix: &str) -> Result<CoseMessage, LayerError> {
    let b45 = unprefix(text, prefix)?;
    let compressed = base45_decode(b45)?;
    let cose = inflate(&compressed)?;
    parse_cose(&cose)
}

/// The QR text for a COSE message.
pub fn encode_text(cose: &[u8], prefix: &str) -> String {
    format!("{prefix}{}", base45::encode(&deflate(cose)))
}
