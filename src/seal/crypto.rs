//! Keys and signatures. Verification goes through `ring` (fast constant-time
//! code; ES256 verification is most of a seal check's cost). Signing is
//! ES256 with deterministic nonces (RFC 6979) through `p256`, so a bad
//! random number generator can never leak a signing key.

use p256::ecdsa::signature::Signer;
use ring::signature::{self, UnparsedPublicKey};
use sha2::{Digest, Sha256};

use super::cose::Algorithm;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    /// Uncompressed SEC1 point (65 bytes).
    P256(Vec<u8>),
    /// Uncompressed SEC1 point (97 bytes).
    P384(Vec<u8>),
    Ed25519(Vec<u8>),
    /// PKCS#1 RSAPublicKey DER.
    Rsa(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("malformed key or certificate: {0}")]
    Malformed(&'static str),
    #[error("unsupported key type")]
    Unsupported,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("algorithm {0} is not supported")]
    UnsupportedAlgorithm(String),
    #[error("algorithm {0} does not match the key type")]
    KeyMismatch(String),
    #[error("the signature does not verify")]
    BadSignature,
}

// --- a minimal DER reader: enough to find a SubjectPublicKeyInfo ---------

struct Der<'a> {
    data: &'a [u8],
}

impl<'a> Der<'a> {
    /// Reads one TLV: (tag, contents, whole encoding).
    fn next(&mut self) -> Result<(u8, &'a [u8], &'a [u8]), KeyError> {
        let d = self.data;
        let bad = KeyError::Malformed("bad DER length");
        if d.len() < 2 {
            return Err(bad);
        }
        let tag = d[0];
        let (len, header): (usize, usize) = match d[1] {
            n if n < 0x80 => (n as usize, 2),
            0x81 if d.len() >= 3 => (d[2] as usize, 3),
            0x82 if d.len() >= 4 => (((d[2] as usize) << 8) | d[3] as usize, 4),
            0x83 if d.len() >= 5 => (
                ((d[2] as usize) << 16) | ((d[3] as usize) << 8) | d[4] as usize,
                5,
            ),
            _ => return Err(bad),
        };
        let end = header
            .checked_add(len)
            .ok_or(KeyError::Malformed("bad DER length"))?;
        if end > d.len() {
            return Err(KeyError::Malformed("DER runs past its end"));
        }
        self.data = &d[end..];
        Ok((tag, &d[header..end], &d[..end]))
    }
}

const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
const OID_ED25519: &[u8] = &[0x2B, 0x65, 0x70];
const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
const OID_RSA_PSS: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A];

/// The DER prefix of a P-256 SubjectPublicKeyInfo, before the 65-byte point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A,
    0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// The key id used everywhere: the first 8 bytes of SHA-256 of the DER
/// (of the certificate for X.509 signers, of the SPKI for our own keys).
pub fn kid_of(der: &[u8]) -> [u8; 8] {
    let digest = Sha256::digest(der);
    let mut kid = [0u8; 8];
    kid.copy_from_slice(&digest[..8]);
    kid
}

impl PublicKey {
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let mut outer = Der { data: der };
        let (tag, spki, _) = outer.next()?;
        if tag != 0x30 {
            return Err(KeyError::Malformed("SPKI is not a SEQUENCE"));
        }
        let mut inner = Der { data: spki };
        let (tag, alg_id, _) = inner.next()?;
        if tag != 0x30 {
            return Err(KeyError::Malformed("no AlgorithmIdentifier"));
        }
        let (tag, bits, _) = inner.next()?;
        if tag != 0x03 || bits.is_empty() || bits[0] != 0 {
            return Err(KeyError::Malformed("no public key BIT STRING"));
        }
        let key = bits[1..].to_vec();
        let mut alg = Der { data: alg_id };
        let (tag, oid, _) = alg.next()?;
        if tag != 0x06 {
            return Err(KeyError::Malformed("no algorithm OID"));
        }
        match oid {
            OID_EC_PUBLIC_KEY => {
                let (_, curve, _) = alg.next()?;
                match curve {
                    OID_P256 if key.len() == 65 => Ok(PublicKey::P256(key)),
                    OID_P384 if key.len() == 97 => Ok(PublicKey::P384(key)),
                    _ => Err(KeyError::Unsupported),
                }
            }
            OID_ED25519 if key.len() == 32 => Ok(PublicKey::Ed25519(key)),
            OID_RSA | OID_RSA_PSS => Ok(PublicKey::Rsa(key)),
            _ => Err(KeyError::Unsupported),
        }
    }

    /// The subject public key of an X.509 certificate (DER).
    pub fn from_certificate_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        let mut outer = Der { data: der };
        let (tag, cert, _) = outer.next()?;
        if tag != 0x30 {
            return Err(KeyError::Malformed("certificate is not a SEQUENCE"));
        }
        let (tag, tbs, _) = Der { data: cert }.next()?;
        if tag != 0x30 {
            return Err(KeyError::Malformed("no TBSCertificate"));
        }
        let mut fields = Der { data: tbs };
        // [0] version (optional), then the serial number.
        let (tag, _, _) = fields.next()?;
        if tag == 0xA0 {
            fields.next()?;
        }
        for _ in 0..4 {
            fields.next()?; // signature alg, issuer, validity, subject
        }
        let (tag, _, spki) = fields.next()?;
        if tag != 0x30 {
            return Err(KeyError::Malformed("no SubjectPublicKeyInfo"));
        }
        PublicKey::from_spki_der(spki)
    }

    /// For our own P-256 keys: SPKI DER of an uncompressed point.
    pub fn p256_spki_der(point: &[u8]) -> Vec<u8> {
        let mut der = P256_SPKI_PREFIX.to_vec();
        der.extend_from_slice(point);
        der
    }

    pub fn verify(&self, alg: &Algorithm, message: &[u8], sig: &[u8]) -> Result<(), VerifyError> {
        let (params, key): (&dyn signature::VerificationAlgorithm, &[u8]) = match (alg, self) {
            (Algorithm::Es256, PublicKey::P256(k)) => (&signature::ECDSA_P256_SHA256_FIXED, k),
            (Algorithm::Es384, PublicKey::P384(k)) => (&signature::ECDSA_P384_SHA384_FIXED, k),
            // Issuers in the wild sign "ES256" (SHA-256) with a P-384 key:
            // the header names the hash, the key names the curve.
            (Algorithm::Es256, PublicKey::P384(k)) => {
                return ecdsa_asn1(&signature::ECDSA_P384_SHA256_ASN1, k, message, sig, 48);
            }
            (Algorithm::Es384, PublicKey::P256(k)) => {
                return ecdsa_asn1(&signature::ECDSA_P256_SHA384_ASN1, k, message, sig, 32);
            }
            (Algorithm::EdDsa, PublicKey::Ed25519(k)) => (&signature::ED25519, k),
            (Algorithm::Ps256, PublicKey::Rsa(k)) => (&signature::RSA_PSS_2048_8192_SHA256, k),
            (Algorithm::Es256 | Algorithm::Es384 | Algorithm::EdDsa | Algorithm::Ps256, _) => {
                return Err(VerifyError::KeyMismatch(alg.name()));
            }
            _ => return Err(VerifyError::UnsupportedAlgorithm(alg.name())),
        };
        UnparsedPublicKey::new(params, key)
            .verify(message, sig)
            .map_err(|_| VerifyError::BadSignature)
    }
}

/// Verifies a fixed-size r || s signature with a ring algorithm that only
/// takes ASN.1 DER signatures.
fn ecdsa_asn1(
    params: &'static signature::EcdsaVerificationAlgorithm,
    key: &[u8],
    message: &[u8],
    sig: &[u8],
    scalar_len: usize,
) -> Result<(), VerifyError> {
    if sig.len() != 2 * scalar_len {
        return Err(VerifyError::BadSignature);
    }
    fn integer(out: &mut Vec<u8>, bytes: &[u8]) {
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len() - 1);
        let v = &bytes[first..];
        let pad = v[0] & 0x80 != 0;
        out.push(0x02);
        out.push((v.len() + pad as usize) as u8);
        if pad {
            out.push(0);
        }
        out.extend_from_slice(v);
    }
    let mut body = Vec::with_capacity(2 * scalar_len + 6);
    integer(&mut body, &sig[..scalar_len]);
    integer(&mut body, &sig[scalar_len..]);
    let mut der = vec![0x30];
    if body.len() >= 0x80 {
        der.push(0x81);
    }
    der.push(body.len() as u8);
    der.extend_from_slice(&body);
    UnparsedPublicKey::new(params, key)
        .verify(message, &der)
        .map_err(|_| VerifyError::BadSignature)
}

/// A P-256 signing key (ours: center, root, supervisor stamps). Cloned
/// only to sign several stamps after one unlock; the inner key zeroes
/// itself when dropped.
#[derive(Clone)]
pub struct SigningKey(p256::ecdsa::SigningKey);

impl SigningKey {
    pub fn generate() -> Result<SigningKey, KeyError> {
        loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).map_err(|_| KeyError::Malformed("no randomness"))?;
            if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&bytes) {
                return Ok(SigningKey(k));
            }
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<SigningKey, KeyError> {
        p256::ecdsa::SigningKey::from_slice(bytes)
            .map(SigningKey)
            .map_err(|_| KeyError::Malformed("bad P-256 secret"))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.to_bytes().to_vec()
    }

    /// Uncompressed SEC1 point.
    pub fn public_point(&self) -> Vec<u8> {
        self.0
            .verifying_key()
            .to_sec1_point(false)
            .as_bytes()
            .to_vec()
    }

    pub fn spki_der(&self) -> Vec<u8> {
        PublicKey::p256_spki_der(&self.public_point())
    }

    pub fn kid(&self) -> [u8; 8] {
        kid_of(&self.spki_der())
    }

    /// ES256 over `message`: r || s, 64 bytes, deterministic (RFC 6979).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: p256::ecdsa::Signature = self.0.sign(message);
        sig.to_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn es256_sign_verify_and_tamper() {
        let key = SigningKey::generate().unwrap();
        let public = PublicKey::from_spki_der(&key.spki_der()).unwrap();
        let sig = key.sign(b"message");
        assert_eq!(sig.len(), 64);
        assert_eq!(sig, key.sign(b"message"), "deterministic nonces");
        assert!(public.verify(&Algorithm::Es256, b"message", &sig).is_ok());
        assert_eq!(
            public.verify(&Algorithm::Es256, b"messagf", &sig),
            Err(VerifyError::BadSignature)
        );
        assert!(matches!(
            public.verify(&Algorithm::EdDsa, b"message", &sig),
            Err(VerifyError::KeyMismatch(_))
        ));
        assert!(matches!(
            public.verify(&Algorithm::Es512, b"message", &sig),
            Err(VerifyError::UnsupportedAlgorithm(_))
        ));
        let again = SigningKey::from_bytes(&key.to_bytes()).unwrap();
        assert_eq!(again.kid(), key.kid());
    }

    #[test]
    fn garbage_keys_are_errors_not_panics() {
        for junk in [
            &b""[..],
            &[0x30],
            &[0x30, 0x82, 0xFF],
            &[0x30, 0x03, 0x30, 0x01, 0x00],
            &[0xFF; 40],
        ] {
            assert!(PublicKey::from_spki_der(junk).is_err());
            assert!(PublicKey::from_certificate_der(junk).is_err());
        }
    }
}
