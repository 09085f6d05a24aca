//! COSE_Sign1 and COSE_Sign (RFC 9052): parsing with the byte-exact
//! protected headers kept, the to-be-signed structures, and encoding.
//! Accepts the shapes found in the wild: tagged (18 / 98), untagged, and
//! wrapped in the CWT tag 61.

use ciborium::Value;

pub const TAG_SIGN1: u64 = 18;
pub const TAG_SIGN: u64 = 98;
pub const TAG_CWT: u64 = 61;

const LABEL_ALG: i64 = 1;
const LABEL_KID: i64 = 4;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CoseError {
    #[error("not CBOR: {0}")]
    Cbor(String),
    #[error("unexpected CBOR tag {0}")]
    Tag(u64),
    #[error("not a COSE_Sign1 or COSE_Sign structure: {0}")]
    Structure(&'static str),
}

/// Signature algorithms by their COSE identifiers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Es256,
    Es384,
    Es512,
    EdDsa,
    Ps256,
    Ps384,
    Ps512,
    Other(String),
}

impl Algorithm {
    fn from_value(v: &Value) -> Algorithm {
        match v {
            Value::Integer(i) => match i128::from(*i) {
                -7 => Algorithm::Es256,
                -35 => Algorithm::Es384,
                -36 => Algorithm::Es512,
                -8 => Algorithm::EdDsa,
                -37 => Algorithm::Ps256,
                -38 => Algorithm::Ps384,
                -39 => Algorithm::Ps512,
                other => Algorithm::Other(other.to_string()),
            },
            Value::Text(t) => Algorithm::Other(t.clone()),
            _ => Algorithm::Other("?".into()),
        }
    }

    pub fn cose_id(&self) -> Option<i64> {
        Some(match self {
            Algorithm::Es256 => -7,
            Algorithm::Es384 => -35,
            Algorithm::Es512 => -36,
            Algorithm::EdDsa => -8,
            Algorithm::Ps256 => -37,
            Algorithm::Ps384 => -38,
            Algorithm::Ps512 => -39,
            Algorithm::Other(_) => return None,
        })
    }

    pub fn name(&self) -> String {
        match self {
            Algorithm::Es256 => "ES256".into(),
            Algorithm::Es384 => "ES384".into(),
            Algorithm::Es512 => "ES512".into(),
            Algorithm::EdDsa => "EdDSA".into(),
            Algorithm::Ps256 => "PS256".into(),
            Algorithm::Ps384 => "PS384".into(),
            Algorithm::Ps512 => "PS512".into(),
            Algorithm::Other(s) => format!("unknown ({s})"),
        }
    }
}

/// A header map, decoded. Text labels (our stamp headers) are kept too.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headers {
    pub alg: Option<Algorithm>,
    pub kid: Option<Vec<u8>>,
    pub text: Vec<(String, Value)>,
}

impl Headers {
    fn from_map(value: &Value) -> Result<Headers, CoseError> {
        let Value::Map(entries) = value else {
            return Err(CoseError::Structure("a header is not a map"));
        };
        let mut h = Headers::default();
        for (k, v) in entries {
            match k {
                Value::Integer(i) if i128::from(*i) == LABEL_ALG as i128 => {
                    h.alg = Some(Algorithm::from_value(v))
                }
                Value::Integer(i) if i128::from(*i) == LABEL_KID as i128 => match v {
                    Value::Bytes(b) => h.kid = Some(b.clone()),
                    _ => return Err(CoseError::Structure("kid is not a byte string")),
                },
                Value::Text(t) => h.text.push((t.clone(), v.clone())),
                _ => {}
            }
        }
        Ok(h)
    }

    /// A protected header: a byte string holding a map, or empty.
    fn from_protected(bytes: &[u8]) -> Result<Headers, CoseError> {
        if bytes.is_empty() {
            return Ok(Headers::default());
        }
        Headers::from_map(&decode_one(bytes)?)
    }

    pub fn text_value(&self, label: &str) -> Option<&Value> {
        self.text.iter().find(|(k, _)| k == label).map(|(_, v)| v)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// The protected header exactly as sent (empty for COSE_Sign1, whose
    /// protected header is the body's).
    pub protected_bytes: Vec<u8>,
    pub protected: Headers,
    pub unprotected: Headers,
    pub signature: Vec<u8>,
}

impl Signature {
    /// The algorithm, from the protected header, else the unprotected one.
    pub fn alg(&self) -> Option<&Algorithm> {
        self.protected
            .alg
            .as_ref()
            .or(self.unprotected.alg.as_ref())
    }
    /// The key id, from the protected header, else the unprotected one.
    pub fn kid(&self) -> Option<&[u8]> {
        self.protected
            .kid
            .as_deref()
            .or(self.unprotected.kid.as_deref())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sign1,
    Sign,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CoseMessage {
    pub kind: Kind,
    pub body_protected_bytes: Vec<u8>,
    pub body_protected: Headers,
    pub body_unprotected: Headers,
    pub payload: Vec<u8>,
    /// One entry for COSE_Sign1 (headers merged from the body).
    pub signatures: Vec<Signature>,
}

pub(crate) fn decode_one(bytes: &[u8]) -> Result<Value, CoseError> {
    let mut cursor = std::io::Cursor::new(bytes);
    let value: Value =
        ciborium::de::from_reader(&mut cursor).map_err(|e| CoseError::Cbor(e.to_string()))?;
    if cursor.position() as usize != bytes.len() {
        return Err(CoseError::Cbor("trailing bytes after the CBOR item".into()));
    }
    Ok(value)
}

fn bytes(v: &Value, what: &'static str) -> Result<Vec<u8>, CoseError> {
    match v {
        Value::Bytes(b) => Ok(b.clone()),
        _ => Err(CoseError::Structure(what)),
    }
}

impl CoseMessage {
    pub fn parse(data: &[u8]) -> Result<CoseMessage, CoseError> {
        let mut value = decode_one(data)?;
        // CWT tag 61 may wrap the COSE message.
        if let Value::Tag(TAG_CWT, inner) = value {
            value = *inner;
        }
        let (kind, items) = match value {
            Value::Tag(TAG_SIGN1, inner) => match *inner {
                Value::Array(items) if items.len() == 4 => (Kind::Sign1, items),
                _ => return Err(CoseError::Structure("COSE_Sign1 must be an array of 4")),
            },
            Value::Tag(TAG_SIGN, inner) => match *inner {
                Value::Array(items) if items.len() == 4 => (Kind::Sign, items),
                _ => return Err(CoseError::Structure("COSE_Sign must be an array of 4")),
            },
            Value::Tag(other, _) => return Err(CoseError::Tag(other)),
            Value::Array(items) if items.len() == 4 => {
                let kind = if matches!(items[3], Value::Array(_)) {
                    Kind::Sign
                } else {
                    Kind::Sign1
                };
                (kind, items)
            }
            _ => return Err(CoseError::Structure("expected an array of 4")),
        };
        let body_protected_bytes = bytes(&items[0], "the protected header is not a byte string")?;
        let body_protected = Headers::from_protected(&body_protected_bytes)?;
        let body_unprotected = Headers::from_map(&items[1])?;
        let payload = match &items[2] {
            Value::Bytes(b) => b.clone(),
            Value::Null => return Err(CoseError::Structure("detached payloads are not supported")),
            _ => return Err(CoseError::Structure("the payload is not a byte string")),
        };
        let signatures = match kind {
            Kind::Sign1 => vec![Signature {
                protected_bytes: Vec::new(),
                protected: body_protected.clone(),
                unprotected: body_unprotected.clone(),
                signature: bytes(&items[3], "the signature is not a byte string")?,
            }],
            Kind::Sign => {
                let Value::Array(list) = &items[3] else {
                    return Err(CoseError::Structure(
                        "COSE_Sign signatures are not an array",
                    ));
                };
                if list.is_empty() {
                    return Err(CoseError::Structure("COSE_Sign without signatures"));
                }
                let mut out = Vec::with_capacity(list.len());
                for s in list {
                    let Value::Array(parts) = s else {
                        return Err(CoseError::Structure("a COSE_Signature is not an array"));
                    };
                    if parts.len() != 3 {
                        return Err(CoseError::Structure(
                            "a COSE_Signature must be an array of 3",
                        ));
                    }
                    let protected_bytes = bytes(
                        &parts[0],
                        "a signature's protected header is not a byte string",
                    )?;
                    out.push(Signature {
                        protected: Headers::from_protected(&protected_bytes)?,
                        protected_bytes,
                        unprotected: Headers::from_map(&parts[1])?,
                        signature: bytes(&parts[2], "a signature is not a byte string")?,
                    });
                }
                out
            }
        };
        Ok(CoseMessage {
            kind,
            body_protected_bytes,
            body_protected,
            body_unprotected,
            payload,
            signatures,
        })
    }

    /// The exact bytes signature `index` signs (Sig_structure, RFC 9052 §4.4).
    pub fn to_be_signed(&self, index: usize, external_aad: &[u8]) -> Vec<u8> {
        match self.kind {
            Kind::Sign1 => sig_structure1(&self.body_protected_bytes, external_aad, &self.payload),
            Kind::Sign => {
                let sign_protected = self
                    .signatures
                    .get(index)
                    .map(|s| s.protected_bytes.as_slice())
                    .unwrap_or(&[]);
                sig_structure(
                    &self.body_protected_bytes,
                    sign_protected,
                    external_aad,
                    &self.payload,
                )
            }
        }
    }
}

// --- encoding -----------------------------------------------------------

fn head(out: &mut Vec<u8>, major: u8, len: u64) {
    let m = major << 5;
    match len {
        0..=23 => out.push(m | len as u8),
        24..=0xFF => out.extend_from_slice(&[m | 24, len as u8]),
        0x100..=0xFFFF => {
            out.push(m | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        0x1_0000..=0xFFFF_FFFF => {
            out.push(m | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    head(out, 2, b.len() as u64);
    out.extend_from_slice(b);
}

pub(crate) fn put_text(out: &mut Vec<u8>, t: &str) {
    head(out, 3, t.len() as u64);
    out.extend_from_slice(t.as_bytes());
}

pub(crate) fn put_array(out: &mut Vec<u8>, len: usize) {
    head(out, 4, len as u64);
}

pub(crate) fn put_map(out: &mut Vec<u8>, len: usize) {
    head(out, 5, len as u64);
}

pub(crate) fn put_tag(out: &mut Vec<u8>, tag: u64) {
    head(out, 6, tag);
}

pub(crate) fn put_int(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        head(out, 0, v as u64);
    } else {
        head(out, 1, (-1 - v) as u64);
    }
}

/// An empty protected header is signed as a zero-length byte string, even
/// when it was sent as an encoded empty map (RFC 9052 §3).
fn protected_for_signing(bytes: &[u8]) -> &[u8] {
    if bytes == [0xA0] { &[] } else { bytes }
}

pub fn sig_structure1(body_protected: &[u8], aad: &[u8], payload: &[u8]) -> Vec<u8> {
    let body_protected = protected_for_signing(body_protected);
    let mut out = Vec::with_capacity(32 + body_protected.len() + aad.len() + payload.len());
    put_array(&mut out, 4);
    put_text(&mut out, "Signature1");
    put_bytes(&mut out, body_protected);
    put_bytes(&mut out, aad);
    put_bytes(&mut out, payload);
    out
}

pub fn sig_structure(
    body_protected: &[u8],
    sign_protected: &[u8],
    aad: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let (body_protected, sign_protected) = (
        protected_for_signing(body_protected),
        protected_for_signing(sign_protected),
    );
    let mut out = Vec::with_capacity(
        32 + body_protected.len() + sign_protected.len() + aad.len() + payload.len(),
    );
    put_array(&mut out, 5);
    put_text(&mut out, "Signature");
    put_bytes(&mut out, body_protected);
    put_bytes(&mut out, sign_protected);
    put_bytes(&mut out, aad);
    put_bytes(&mut out, payload);
    out
}

/// A protected header for one of our signatures: alg ES256, kid, and the
/// signer's name, role and signing time (text labels).
pub fn encode_signer_header(kid: &[u8], name: &str, role: &str, time: i64) -> Vec<u8> {
    encode_signer_header_for(kid, name, role, time, None)
}

/// The same, for a copy: with `copy`, the header also says which copy of
/// the document this signature is for (text label `copy`).
pub fn encode_signer_header_for(
    kid: &[u8],
    name: &str,
    role: &str,
    time: i64,
    copy: Option<u32>,
) -> Vec<u8> {
    let mut out = Vec::new();
    put_map(&mut out, if copy.is_some() { 6 } else { 5 });
    put_int(&mut out, LABEL_ALG);
    put_int(&mut out, -7);
    put_int(&mut out, LABEL_KID);
    put_bytes(&mut out, kid);
    put_text(&mut out, "name");
    put_text(&mut out, name);
    put_text(&mut out, "role");
    put_text(&mut out, role);
    put_text(&mut out, "time");
    put_int(&mut out, time);
    if let Some(n) = copy {
        put_text(&mut out, "copy");
        put_int(&mut out, i64::from(n));
    }
    out
}

/// COSE_Sign1, tagged 18, with everything in the protected header.
pub fn encode_sign1(protected: &[u8], payload: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_tag(&mut out, TAG_SIGN1);
    put_array(&mut out, 4);
    put_bytes(&mut out, protected);
    put_map(&mut out, 0);
    put_bytes(&mut out, payload);
    put_bytes(&mut out, signature);
    out
}

/// COSE_Sign, tagged 98, empty body headers; one (protected, signature)
/// pair per signer.
pub fn encode_sign(payload: &[u8], signatures: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    put_tag(&mut out, TAG_SIGN);
    put_array(&mut out, 4);
    put_bytes(&mut out, &[]);
    put_map(&mut out, 0);
    put_bytes(&mut out, payload);
    put_array(&mut out, signatures.len());
    for (protected, sig) in signatures {
        put_array(&mut out, 3);
        put_bytes(&mut out, protected);
        put_map(&mut out, 0);
        put_bytes(&mut out, sig);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tagged_untagged_and_cwt_wrapped_sign1() {
        let msg = encode_sign1(&[0xA1, 0x01, 0x26], b"hello", &[7u8; 64]);
        let parsed = CoseMessage::parse(&msg).unwrap();
        assert_eq!(parsed.kind, Kind::Sign1);
        assert_eq!(parsed.payload, b"hello");
        assert_eq!(parsed.signatures[0].alg(), Some(&Algorithm::Es256));
        let untagged = &msg[1..];
        assert_eq!(CoseMessage::parse(untagged).unwrap().payload, b"hello");
        let mut cwt = vec![0xD8, 61];
        cwt.extend_from_slice(&msg);
        assert_eq!(CoseMessage::parse(&cwt).unwrap().payload, b"hello");
        let mut wrong = vec![0xD9, 0x03, 0xE6];
        wrong.extend_from_slice(untagged);
        assert_eq!(CoseMessage::parse(&wrong), Err(CoseError::Tag(998)));
        let mut trailing = msg.clone();
        trailing.push(0);
        assert!(CoseMessage::parse(&trailing).is_err());
    }

    #[test]
    fn sign_round_trip_keeps_each_protected_header() {
        let h1 = encode_signer_header(&[1; 8], "supervisor1", "supervisor", 100);
        let h2 = encode_signer_header(&[2; 8], "TRT01", "center", 200);
        let msg = encode_sign(
            b"payload",
            &[(h1.clone(), vec![1; 64]), (h2.clone(), vec![2; 64])],
        );
        let parsed = CoseMessage::parse(&msg).unwrap();
        assert_eq!(parsed.kind, Kind::Sign);
        assert_eq!(parsed.signatures.len(), 2);
        assert_eq!(parsed.signatures[1].protected_bytes, h2);
        assert_eq!(parsed.signatures[1].kid(), Some(&[2u8; 8][..]));
        assert_eq!(
            parsed.signatures[0].protected.text_value("name"),
            Some(&Value::Text("supervisor1".into()))
        );
        let tbs = parsed.to_be_signed(1, &[]);
        assert_eq!(tbs, sig_structure(&[], &h2, &[], b"payload"));
    }
}
