//! The trust list: which keys may sign seals, for whom, and when. Stored
//! by the desk; exported as a file signed by the admin root key, which is
//! what a bank, a court or another center imports to verify offline.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use super::cose::Algorithm;
use super::crypto::{PublicKey, SigningKey, kid_of};

pub const FILE_FORMAT: &str = "citizen-desk-trust-list";
pub const FILE_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRole {
    /// Signs the trust list.
    Root,
    /// Signs printed originals.
    Center,
    /// Signs stamp approvals.
    Supervisor,
}

impl KeyRole {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyRole::Root => "root",
            KeyRole::Center => "center",
            KeyRole::Supervisor => "supervisor",
        }
    }
    pub fn parse(s: &str) -> Option<KeyRole> {
        match s {
            "root" => Some(KeyRole::Root),
            "center" => Some(KeyRole::Center),
            "supervisor" => Some(KeyRole::Supervisor),
            _ => None,
        }
    }
}

/// One entry of the list. Times are seconds since 1970 UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedKey {
    /// Hex of the first 8 bytes of SHA-256 of `public_key`.
    pub kid: String,
    /// Center code or supervisor user name.
    pub owner: String,
    /// The center a supervisor stamps for (their own code for centers).
    pub center: String,
    pub role: KeyRole,
    /// SubjectPublicKeyInfo DER, Base64.
    pub public_key: String,
    pub valid_from: i64,
    /// End of signing: signatures made after it are refused; earlier ones
    /// stay valid (a retired key, e.g. after a PIN reset).
    pub valid_to: Option<i64>,
    /// A revoked key is refused for everything it ever signed.
    pub revoked_at: Option<i64>,
    pub demo: bool,
}

impl TrustedKey {
    pub fn public(&self) -> Option<PublicKey> {
        B64.decode(&self.public_key)
            .ok()
            .and_then(|der| PublicKey::from_spki_der(&der).ok())
    }

    /// Whether the declared kid really is the hash of the key.
    pub fn kid_matches(&self) -> bool {
        B64.decode(&self.public_key)
            .is_ok_and(|der| hex::encode(kid_of(&der)) == self.kid)
    }

    pub fn new(
        key_spki: &[u8],
        owner: &str,
        center: &str,
        role: KeyRole,
        valid_from: i64,
        demo: bool,
    ) -> TrustedKey {
        TrustedKey {
            kid: hex::encode(kid_of(key_spki)),
            owner: owner.to_owned(),
            center: center.to_owned(),
            role,
            public_key: B64.encode(key_spki),
            valid_from,
            valid_to: None,
            revoked_at: None,
            demo,
        }
    }
}

/// A set of trusted keys in memory, ready for verification.
#[derive(Clone, Debug, Default)]
pub struct TrustSet {
    entries: Vec<(TrustedKey, PublicKey)>,
    /// When the list was last brought up to date (seconds since 1970).
    pub updated_at: i64,
    /// The root that vouches for it, if known.
    pub root_kid: Option<String>,
}

impl TrustSet {
    pub fn new(keys: Vec<TrustedKey>, updated_at: i64, root_kid: Option<String>) -> TrustSet {
        let entries = keys
            .into_iter()
            .filter(|k| k.kid_matches())
            .filter_map(|k| k.public().map(|p| (k, p)))
            .collect();
        TrustSet {
            entries,
            updated_at,
            root_kid,
        }
    }

    pub fn with_kid<'a>(
        &'a self,
        kid: &'a [u8],
    ) -> impl Iterator<Item = &'a (TrustedKey, PublicKey)> + 'a {
        let hex_kid = hex::encode(kid);
        self.entries.iter().filter(move |(k, _)| k.kid == hex_kid)
    }

    pub fn keys(&self) -> impl Iterator<Item = &TrustedKey> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The body of a trust list file, as signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustListBody {
    pub issued_at: i64,
    pub issuer: String,
    pub keys: Vec<TrustedKey>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct TrustListFile {
    format: String,
    version: u32,
    root_kid: String,
    root_public_key: String,
    /// Base64 of the exact JSON bytes that were signed.
    body: String,
    /// ES256 by the root key over the body bytes, Base64.
    signature: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TrustFileError {
    #[error("not a citizen-desk trust list: {0}")]
    Format(String),
    #[error("the trust list's signature does not verify")]
    BadSignature,
    #[error("the trust list is signed by root {0}, which is not trusted here")]
    UntrustedRoot(String),
}

pub fn export_file(body: &TrustListBody, root: &SigningKey) -> String {
    let body_bytes = serde_json::to_vec(body).unwrap_or_default();
    let file = TrustListFile {
        format: FILE_FORMAT.into(),
        version: FILE_VERSION,
        root_kid: hex::encode(root.kid()),
        root_public_key: B64.encode(root.spki_der()),
        body: B64.encode(&body_bytes),
        signature: B64.encode(root.sign(&body_bytes)),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Checks a trust list file's signature and returns its body and root kid.
/// Whether that root is trusted is the caller's decision.
pub fn open_file(text: &str) -> Result<(TrustListBody, String), TrustFileError> {
    let file: TrustListFile =
        serde_json::from_str(text).map_err(|e| TrustFileError::Format(e.to_string()))?;
    if file.format != FILE_FORMAT || file.version != FILE_VERSION {
        return Err(TrustFileError::Format(format!(
            "format {} version {}",
            file.format, file.version
        )));
    }
    let root_der = B64
        .decode(&file.root_public_key)
        .map_err(|e| TrustFileError::Format(e.to_string()))?;
    if hex::encode(kid_of(&root_der)) != file.root_kid {
        return Err(TrustFileError::Format(
            "root kid does not match its key".into(),
        ));
    }
    let root =
        PublicKey::from_spki_der(&root_der).map_err(|e| TrustFileError::Format(e.to_string()))?;
    let body_bytes = B64
        .decode(&file.body)
        .map_err(|e| TrustFileError::Format(e.to_string()))?;
    let sig = B64
        .decode(&file.signature)
        .map_err(|e| TrustFileError::Format(e.to_string()))?;
    root.verify(&Algorithm::Es256, &body_bytes, &sig)
        .map_err(|_| TrustFileError::BadSignature)?;
    let body: TrustListBody =
        serde_json::from_slice(&body_bytes).map_err(|e| TrustFileError::Format(e.to_string()))?;
    Ok((body, file.root_kid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_file_round_trip_and_tamper() {
        let root = SigningKey::generate().unwrap();
        let center = SigningKey::generate().unwrap();
        let body = TrustListBody {
            issued_at: 1_800_000_000,
            issuer: "TRT01".into(),
            keys: vec![TrustedKey::new(
                &center.spki_der(),
                "TRT01",
                "TRT01",
                KeyRole::Center,
                0,
                false,
            )],
        };
        let text = export_file(&body, &root);
        let (opened, root_kid) = open_file(&text).unwrap();
        assert_eq!(opened, body);
        assert_eq!(root_kid, hex::encode(root.kid()));
        let set = TrustSet::new(opened.keys, opened.issued_at, Some(root_kid));
        assert_eq!(set.with_kid(&center.kid()).count(), 1);

        let mut file: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut forged = body.clone();
        forged.keys[0].revoked_at = None;
        forged.keys[0].owner = "EVIL".into();
        file["body"] = B64.encode(serde_json::to_vec(&forged).unwrap()).into();
        assert_eq!(
            open_file(&file.to_string()).unwrap_err(),
            TrustFileError::BadSignature
        );
        assert!(matches!(open_file("{}"), Err(TrustFileError::Format(_))));
    }

    #[test]
    fn entries_with_a_wrong_kid_are_ignored() {
        let key = SigningKey::generate().unwrap();
        let mut entry = TrustedKey::new(&key.spki_der(), "x", "X", KeyRole::Center, 0, false);
        entry.kid = "0000000000000000".into();
        assert!(TrustSet::new(vec![entry], 0, None).is_empty());
    }
}
