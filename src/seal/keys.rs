//! Where signing keys live. The center and root keys are files in the data
//! directory (owner-only). A supervisor's stamp key is stored encrypted
//! (AES-256-GCM) under a key derived from their PIN with argon2id, and is
//! decrypted only for the moment of stamping.

use std::path::{Path, PathBuf};

use argon2::Argon2;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

use super::crypto::SigningKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedSecret {
    pub salt: Vec<u8>,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyStoreError {
    #[error("the PIN does not unlock this key")]
    WrongPin,
    #[error("key file {0}: {1}")]
    File(PathBuf, String),
    #[error("{0}")]
    Crypto(String),
}

fn random<const N: usize>() -> Result<[u8; N], KeyStoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| KeyStoreError::Crypto(format!("no randomness: {e}")))?;
    Ok(b)
}

fn derive(pin: &str, salt: &[u8]) -> Result<LessSafeKey, KeyStoreError> {
    let mut key = [0u8; 32];
    Argon2::default()
        .hash_password_into(pin.as_bytes(), salt, &mut key)
        .map_err(|e| KeyStoreError::Crypto(e.to_string()))?;
    let unbound = UnboundKey::new(&AES_256_GCM, &key)
        .map_err(|_| KeyStoreError::Crypto("bad AEAD key".into()))?;
    Ok(LessSafeKey::new(unbound))
}

/// The additional data binds the ciphertext to its key id: a secret moved
/// to another row does not decrypt.
pub fn encrypt_secret(
    secret: &[u8],
    pin: &str,
    kid: &str,
) -> Result<EncryptedSecret, KeyStoreError> {
    let salt = random::<16>()?;
    let nonce = random::<12>()?;
    let key = derive(pin, &salt)?;
    let mut data = secret.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(kid.as_bytes()),
        &mut data,
    )
    .map_err(|_| KeyStoreError::Crypto("encryption failed".into()))?;
    Ok(EncryptedSecret {
        salt: salt.to_vec(),
        nonce: nonce.to_vec(),
        ciphertext: data,
    })
}

pub fn decrypt_secret(
    enc: &EncryptedSecret,
    pin: &str,
    kid: &str,
) -> Result<Vec<u8>, KeyStoreError> {
    let key = derive(pin, &enc.salt)?;
    let nonce: [u8; 12] = enc
        .nonce
        .as_slice()
        .try_into()
        .map_err(|_| KeyStoreError::WrongPin)?;
    let mut data = enc.ciphertext.clone();
    let plain = key
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(kid.as_bytes()),
            &mut data,
        )
        .map_err(|_| KeyStoreError::WrongPin)?;
    Ok(plain.to_vec())
}

pub fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

fn key_path(data_dir: &Path, kid: &str) -> PathBuf {
    keys_dir(data_dir).join(format!("{kid}.key"))
}

/// Writes a private key file readable by the owner only.
pub fn write_key_file(
    data_dir: &Path,
    kid: &str,
    key: &SigningKey,
) -> Result<PathBuf, KeyStoreError> {
    let dir = keys_dir(data_dir);
    let err = |p: &Path, e: std::io::Error| KeyStoreError::File(p.to_path_buf(), e.to_string());
    std::fs::create_dir_all(&dir).map_err(|e| err(&dir, e))?;
    let path = key_path(data_dir, kid);
    #[cfg(unix)]
    {
        use std::io::Write;
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| err(&path, e))?;
        f.write_all(hex::encode(key.to_bytes()).as_bytes())
            .map_err(|e| err(&path, e))?;
        f.sync_all().map_err(|e| err(&path, e))?;
    }
    #[cfg(not(unix))]
    std::fs::write(&path, hex::encode(key.to_bytes())).map_err(|e| err(&path, e))?;
    Ok(path)
}

pub fn read_key_file(data_dir: &Path, kid: &str) -> Result<SigningKey, KeyStoreError> {
    let path = key_path(data_dir, kid);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| KeyStoreError::File(path.clone(), e.to_string()))?;
    let bytes = hex::decode(text.trim())
        .map_err(|_| KeyStoreError::File(path.clone(), "not a key file".into()))?;
    SigningKey::from_bytes(&bytes).map_err(|e| KeyStoreError::File(path, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_encrypted_secret_round_trip() {
        let key = SigningKey::generate().unwrap();
        let enc = encrypt_secret(&key.to_bytes(), "123456", "kid1").unwrap();
        assert_ne!(enc.ciphertext[..32], key.to_bytes()[..]);
        assert_eq!(
            decrypt_secret(&enc, "123456", "kid1").unwrap(),
            key.to_bytes()
        );
        assert_eq!(
            decrypt_secret(&enc, "654321", "kid1"),
            Err(KeyStoreError::WrongPin)
        );
        assert_eq!(
            decrypt_secret(&enc, "123456", "kid2"),
            Err(KeyStoreError::WrongPin)
        );
    }

    #[test]
    fn key_files_are_private_and_never_overwritten() {
        let dir = tempfile::TempDir::new().unwrap();
        let key = SigningKey::generate().unwrap();
        let path = write_key_file(dir.path(), "abc", &key).unwrap();
        assert_eq!(read_key_file(dir.path(), "abc").unwrap().kid(), key.kid());
        assert!(write_key_file(dir.path(), "abc", &key).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
}
