//! Where signing keys live. The center and root keys are files in the data
//! directory (owner-only), encrypted (AES-256-GCM) under the desk key: 32
//! random bytes in a file of their own outside the data directory (so a
//! copied data directory or backup signs nothing). A supervisor's stamp
//! key is stored encrypted (AES-256-GCM) under a key derived from their
//! PIN with argon2id, and is decrypted only for the moment of stamping.

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
    /// The key was locked with a desk key that is not on this machine (a
    /// store copied or restored elsewhere).
    #[error("this desk's key is not on this machine: the stamp key cannot be opened")]
    NoDeskKey,
    /// The desk key is in the OS credential store, which did not answer
    /// (a locked keyring, no desktop session).
    #[error("the OS credential store holding the desk key did not answer: {0}")]
    CredentialStore(String),
}

fn random<const N: usize>() -> Result<[u8; N], KeyStoreError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| KeyStoreError::Crypto(format!("no randomness: {e}")))?;
    Ok(b)
}

/// The cost of the key that locks a stamp key (version 2): argon2id with
/// 64 MiB, eight passes, one lane, and the desk key as argon2's secret. A
/// guess takes 274 ms here (`cargo bench --bench seal -- guessing`,
/// `guessing/stamp_key_with_desk_key`), and without the desk key no guess
/// can be made at all.
pub const STAMP_KDF_MIB: u32 = 64;
pub const STAMP_KDF_PASSES: u32 = 8;
/// The first byte of a version 2 salt (a version 1 salt is 16 random
/// bytes, for argon2's default cost and no secret). Then 16 random bytes
/// and 8 that name the desk key it was locked with, so a lock made on
/// another machine is told from a wrong PIN.
const SALT_V2: u8 = 2;
const SALT_V2_LEN: usize = 1 + 16 + 8;

/// Names a desk key without giving it away.
fn desk_tag(desk: &[u8]) -> [u8; 8] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"citizen-desk desk key tag");
    h.update(desk);
    let mut tag = [0u8; 8];
    tag.copy_from_slice(&h.finalize()[..8]);
    tag
}

fn derive(pin: &str, salt: &[u8], desk: Option<&[u8]>) -> Result<LessSafeKey, KeyStoreError> {
    let mut key = [0u8; 32];
    let crypto = |e: argon2::Error| KeyStoreError::Crypto(e.to_string());
    match (salt.first(), desk) {
        (Some(&SALT_V2), Some(secret)) if salt.len() == SALT_V2_LEN => {
            if salt[17..] != desk_tag(secret) {
                return Err(KeyStoreError::NoDeskKey);
            }
            let params = argon2::Params::new(STAMP_KDF_MIB * 1024, STAMP_KDF_PASSES, 1, Some(32))
                .map_err(crypto)?;
            Argon2::new_with_secret(
                secret,
                argon2::Algorithm::Argon2id,
                argon2::Version::V0x13,
                params,
            )
            .map_err(crypto)?
            .hash_password_into(pin.as_bytes(), &salt[1..], &mut key)
            .map_err(crypto)?
        }
        (Some(&SALT_V2), None) if salt.len() == SALT_V2_LEN => {
            return Err(KeyStoreError::NoDeskKey);
        }
        _ => Argon2::default()
            .hash_password_into(pin.as_bytes(), salt, &mut key)
            .map_err(crypto)?,
    }
    let unbound = UnboundKey::new(&AES_256_GCM, &key)
        .map_err(|_| KeyStoreError::Crypto("bad AEAD key".into()))?;
    Ok(LessSafeKey::new(unbound))
}

/// Whether a stamp key was locked the old way (version 1: the PIN alone,
/// argon2's default cost) and should be locked again.
pub fn is_old_lock(enc: &EncryptedSecret) -> bool {
    !(enc.salt.len() == SALT_V2_LEN && enc.salt[0] == SALT_V2)
}

/// Locks `secret` under `pin` and the desk key of `data_dir` (version 2;
/// see [`STAMP_KDF_MIB`]). The additional data binds the ciphertext to its
/// key id: a secret moved to another row does not decrypt.
pub fn encrypt_secret(
    secret: &[u8],
    pin: &str,
    kid: &str,
    data_dir: &Path,
) -> Result<EncryptedSecret, KeyStoreError> {
    let desk = desk_key_bytes(data_dir, true)?;
    let mut salt = vec![SALT_V2];
    salt.extend_from_slice(&random::<16>()?);
    salt.extend_from_slice(&desk_tag(&desk));
    let nonce = random::<12>()?;
    let key = derive(pin, &salt, Some(&desk))?;
    let mut data = secret.to_vec();
    key.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(kid.as_bytes()),
        &mut data,
    )
    .map_err(|_| KeyStoreError::Crypto("encryption failed".into()))?;
    Ok(EncryptedSecret {
        salt,
        nonce: nonce.to_vec(),
        ciphertext: data,
    })
}

/// Opens a stamp key with `pin` (and, for version 2, the desk key of
/// `data_dir`). A wrong PIN is [`KeyStoreError::WrongPin`].
pub fn decrypt_secret(
    enc: &EncryptedSecret,
    pin: &str,
    kid: &str,
    data_dir: &Path,
) -> Result<Vec<u8>, KeyStoreError> {
    let desk = if is_old_lock(enc) {
        None
    } else {
        Some(desk_key_bytes(data_dir, false).map_err(|_| KeyStoreError::NoDeskKey)?)
    };
    let key = derive(pin, &enc.salt, desk.as_deref())?;
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

/// What an encrypted key file begins with; a file without it is a plain
/// key from before the desk key, read once and encrypted in its place.
const SEALED_PREFIX: &str = "desk-key-v1:";

/// The folder the desk keys live in: `CITIZEN_DESK_KEY_DIR`, else the OS
/// configuration folder (`~/.config/citizen-desk/desk-keys` on Linux),
/// never the data directory.
pub fn desk_key_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CITIZEN_DESK_KEY_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("sy", "Citizen Service Centers", "citizen-desk")
        .map(|d| d.config_local_dir().join("desk-keys"))
}

/// The desk key file of the store in `data_dir`: one per data directory,
/// named by a hash of its full path.
pub fn desk_key_path(data_dir: &Path) -> Result<PathBuf, KeyStoreError> {
    use sha2::{Digest, Sha256};
    let dir = desk_key_dir()
        .ok_or_else(|| KeyStoreError::Crypto("no home directory for the desk key".into()))?;
    let full = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let name = hex::encode(&Sha256::digest(full.to_string_lossy().as_bytes())[..12]);
    Ok(dir.join(format!("{name}.key")))
}

/// The service name of desk keys in the OS credential store.
const CREDENTIAL_SERVICE: &str = "citizen-desk";

/// Beside the key files: says this data directory's desk key is in the OS
/// credential store (its entry name inside). With it, a credential store
/// that cannot be reached is an error, never a reason to make a new key.
fn credential_marker(data_dir: &Path) -> PathBuf {
    keys_dir(data_dir).join("desk-key-in-credential-store")
}

/// The credential store's entry for `data_dir`'s desk key: named like
/// its file would be.
fn credential_entry(data_dir: &Path) -> Result<keyring::Entry, KeyStoreError> {
    let path = desk_key_path(data_dir)?;
    let name = path
        .file_stem()
        .map(|s| format!("desk-key-{}", s.to_string_lossy()))
        .unwrap_or_default();
    keyring::Entry::new(CREDENTIAL_SERVICE, &name).map_err(credential_error)
}

fn credential_error(e: keyring::Error) -> KeyStoreError {
    KeyStoreError::CredentialStore(e.to_string())
}

/// Whether a new desk key may go to the OS credential store: not when a
/// key folder is named (`CITIZEN_DESK_KEY_DIR`, as tests and servers
/// without a session do) or `CITIZEN_DESK_KEY_STORE=file` says so.
fn credential_store_wanted() -> bool {
    std::env::var_os("CITIZEN_DESK_KEY_DIR").is_none_or(|d| d.is_empty())
        && std::env::var("CITIZEN_DESK_KEY_STORE").as_deref() != Ok("file")
}

fn parse_desk_key(text: &str) -> Option<Vec<u8>> {
    hex::decode(text.trim()).ok().filter(|b| b.len() == 32)
}

/// The desk key from the OS credential store (marker present).
fn credential_key(data_dir: &Path) -> Result<Vec<u8>, KeyStoreError> {
    let secret = credential_entry(data_dir)?
        .get_password()
        .map_err(credential_error)?;
    parse_desk_key(&secret)
        .ok_or_else(|| KeyStoreError::CredentialStore("it holds no desk key for this store".into()))
}

/// A new desk key in the OS credential store, if there is one that
/// answers; `None` to fall back to a key file.
fn new_credential_key(data_dir: &Path) -> Option<Vec<u8>> {
    let entry = credential_entry(data_dir).ok()?;
    let key = match entry.get_password() {
        // Made by another process a moment ago.
        Ok(existing) => parse_desk_key(&existing)?,
        Err(keyring::Error::NoEntry) => {
            let key = random::<32>().ok()?;
            entry.set_password(&hex::encode(key)).ok()?;
            // What is stored is what counts (two processes at once).
            parse_desk_key(&entry.get_password().ok()?)?
        }
        Err(_) => return None,
    };
    let dir = keys_dir(data_dir);
    crate::files::create_private_dir(&dir).ok()?;
    let marker = credential_marker(data_dir);
    match crate::files::write_private(&marker, entry_label(data_dir).as_bytes()) {
        Ok(()) => Some(key),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Some(key),
        Err(_) => None,
    }
}

fn entry_label(data_dir: &Path) -> String {
    desk_key_path(data_dir)
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|s| format!("{CREDENTIAL_SERVICE} / desk-key-{s}"))
        .unwrap_or_default()
}

/// The desk key of `data_dir`: a key file if there is one (made by an
/// earlier version, or where no credential store answered), else the OS
/// credential store's entry. Made when `create` and there is none yet: in
/// the credential store where one answers, else as a file (0600, in a
/// 0700 folder).
fn desk_key_bytes(data_dir: &Path, create: bool) -> Result<Vec<u8>, KeyStoreError> {
    let path = desk_key_path(data_dir)?;
    if !path.exists() {
        if credential_marker(data_dir).exists() {
            return credential_key(data_dir);
        }
        if create
            && credential_store_wanted()
            && let Some(key) = new_credential_key(data_dir)
        {
            return Ok(key);
        }
    }
    let err = |e: std::io::Error| KeyStoreError::File(path.clone(), e.to_string());
    let bytes = match read_key_text(&path) {
        Ok(text) => parse_desk_key(&text)
            .ok_or_else(|| KeyStoreError::File(path.clone(), "not a desk key".into()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let key = random::<32>()?;
            let parent = path.parent().unwrap_or(Path::new("."));
            crate::files::create_private_dir(parent)
                .map_err(|e| KeyStoreError::File(parent.to_path_buf(), e.to_string()))?;
            match crate::files::write_private(&path, hex::encode(key).as_bytes()) {
                Ok(()) => key.to_vec(),
                // Another process made it first: use theirs.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return desk_key_bytes(data_dir, false);
                }
                Err(e) => return Err(err(e)),
            }
        }
        Err(e) => return Err(err(e)),
    };
    Ok(bytes)
}

/// The desk key as an AEAD key (for the center and root key files).
fn desk_key(data_dir: &Path, create: bool) -> Result<LessSafeKey, KeyStoreError> {
    let bytes = desk_key_bytes(data_dir, create)?;
    let unbound = UnboundKey::new(&AES_256_GCM, &bytes)
        .map_err(|_| KeyStoreError::Crypto("not a desk key".into()))?;
    Ok(LessSafeKey::new(unbound))
}

/// The most a key file (or the desk key) may hold: a few hundred bytes
/// are needed, so a larger one is not ours.
const KEY_FILE_MAX: u64 = 4096;

/// A key file's text, read within [`KEY_FILE_MAX`].
fn read_key_text(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(KEY_FILE_MAX + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > KEY_FILE_MAX {
        return Err(std::io::Error::other("larger than a key file"));
    }
    Ok(text)
}

/// `key` encrypted under the desk key, bound to its kid.
fn seal_key(desk: &LessSafeKey, kid: &str, key: &SigningKey) -> Result<String, KeyStoreError> {
    let nonce = random::<12>()?;
    let mut data = key.to_bytes();
    desk.seal_in_place_append_tag(
        Nonce::assume_unique_for_key(nonce),
        Aad::from(kid.as_bytes()),
        &mut data,
    )
    .map_err(|_| KeyStoreError::Crypto("encryption failed".into()))?;
    Ok(format!(
        "{SEALED_PREFIX}{}{}",
        hex::encode(nonce),
        hex::encode(data)
    ))
}

/// Writes a private key file readable by the owner only, encrypted under
/// the desk key (made now if this desk has none yet).
pub fn write_key_file(
    data_dir: &Path,
    kid: &str,
    key: &SigningKey,
) -> Result<PathBuf, KeyStoreError> {
    let dir = keys_dir(data_dir);
    let err = |p: &Path, e: std::io::Error| KeyStoreError::File(p.to_path_buf(), e.to_string());
    crate::files::create_private_dir(&dir)
        .map_err(|e| KeyStoreError::File(dir.clone(), e.to_string()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    let path = key_path(data_dir, kid);
    let sealed = seal_key(&desk_key(data_dir, true)?, kid, key)?;
    crate::files::write_private(&path, sealed.as_bytes()).map_err(|e| err(&path, e))?;
    Ok(path)
}

/// Reads a key file with the desk key. A plain key file (written before
/// the desk key) is read and then replaced by its encrypted form.
pub fn read_key_file(data_dir: &Path, kid: &str) -> Result<SigningKey, KeyStoreError> {
    let path = key_path(data_dir, kid);
    let bad = |why: &str| KeyStoreError::File(path.clone(), why.to_owned());
    let text =
        read_key_text(&path).map_err(|e| KeyStoreError::File(path.clone(), e.to_string()))?;
    let text = text.trim();
    let Some(sealed) = text.strip_prefix(SEALED_PREFIX) else {
        let bytes = hex::decode(text).map_err(|_| bad("not a key file"))?;
        let key = SigningKey::from_bytes(&bytes).map_err(|e| bad(&e.to_string()))?;
        reseal_in_place(data_dir, &path, kid, &key)?;
        return Ok(key);
    };
    let raw = hex::decode(sealed).map_err(|_| bad("not a key file"))?;
    if raw.len() < 12 + 16 {
        return Err(bad("not a key file"));
    }
    let (nonce, data) = raw.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad("not a key file"))?;
    let desk = desk_key(data_dir, false).map_err(|_| {
        bad("this desk's key is not on this machine (a copied data directory signs nothing)")
    })?;
    let mut data = data.to_vec();
    let plain = desk
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(kid.as_bytes()),
            &mut data,
        )
        .map_err(|_| bad("the desk key does not open it"))?;
    SigningKey::from_bytes(plain).map_err(|e| bad(&e.to_string()))
}

/// Replaces a plain key file by its encrypted form (written beside it,
/// then renamed over it).
fn reseal_in_place(
    data_dir: &Path,
    path: &Path,
    kid: &str,
    key: &SigningKey,
) -> Result<(), KeyStoreError> {
    let err = |e: std::io::Error| KeyStoreError::File(path.to_path_buf(), e.to_string());
    let sealed = seal_key(&desk_key(data_dir, true)?, kid, key)?;
    let tmp = path.with_extension("key.new");
    let _ = std::fs::remove_file(&tmp);
    crate::files::write_private(&tmp, sealed.as_bytes()).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// Where a data directory's desk key is kept (for `info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeskKeyHome {
    /// The OS credential store, under this entry.
    CredentialStore(String),
    File(PathBuf),
}

pub fn desk_key_home(data_dir: &Path) -> Option<DeskKeyHome> {
    let path = desk_key_path(data_dir).ok()?;
    Some(if !path.exists() && credential_marker(data_dir).exists() {
        DeskKeyHome::CredentialStore(entry_label(data_dir))
    } else {
        DeskKeyHome::File(path)
    })
}

/// Where this desk's signing keys are protected, for `info`.
pub fn protection(data_dir: &Path) -> String {
    match desk_key_path(data_dir) {
        Ok(path) if !path.exists() && credential_marker(data_dir).exists() => format!(
            "encrypted under the desk key in the OS credential store ({})",
            entry_label(data_dir)
        ),
        Ok(path) => format!("encrypted under the desk key in {}", path.display()),
        Err(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pin_encrypted_secret_round_trip() {
        let dir = tempfile::TempDir::new().unwrap();
        let d = dir.path();
        let key = SigningKey::generate().unwrap();
        let enc = encrypt_secret(&key.to_bytes(), "123456", "kid1", d).unwrap();
        assert!(!is_old_lock(&enc));
        assert_ne!(enc.ciphertext[..32], key.to_bytes()[..]);
        assert_eq!(
            decrypt_secret(&enc, "123456", "kid1", d).unwrap(),
            key.to_bytes()
        );
        assert_eq!(
            decrypt_secret(&enc, "654321", "kid1", d),
            Err(KeyStoreError::WrongPin)
        );
        assert_eq!(
            decrypt_secret(&enc, "123456", "kid2", d),
            Err(KeyStoreError::WrongPin)
        );
        // The right PIN without this desk's key (a copied store) opens
        // nothing, and says why.
        let elsewhere = tempfile::TempDir::new().unwrap();
        let err = decrypt_secret(&enc, "123456", "kid1", elsewhere.path()).unwrap_err();
        assert_eq!(err, KeyStoreError::NoDeskKey);
        assert!(err.to_string().contains("desk's key"), "{err}");
        // Nor with another desk's key: told from a wrong PIN.
        let other = tempfile::TempDir::new().unwrap();
        let mine = encrypt_secret(b"x", "123456", "k", other.path()).unwrap();
        assert_eq!(
            decrypt_secret(&mine, "123456", "k", other.path()).unwrap(),
            b"x"
        );
        assert_eq!(
            decrypt_secret(&enc, "123456", "kid1", other.path()),
            Err(KeyStoreError::NoDeskKey)
        );
        let _ = std::fs::remove_file(desk_key_path(other.path()).unwrap());
        let _ = std::fs::remove_file(desk_key_path(d).unwrap());
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

    #[test]
    fn key_files_hold_no_key_and_a_copied_folder_signs_nothing() {
        let dir = tempfile::TempDir::new().unwrap();
        let key = SigningKey::generate().unwrap();
        let path = write_key_file(dir.path(), "k1", &key).unwrap();
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(on_disk.starts_with(SEALED_PREFIX));
        assert!(!on_disk.contains(&hex::encode(key.to_bytes())));
        // The data directory copied elsewhere (a stolen copy, a backup of
        // the folder): its key files open with no desk key.
        let copy = tempfile::TempDir::new().unwrap();
        std::fs::create_dir(keys_dir(copy.path())).unwrap();
        std::fs::copy(&path, key_path(copy.path(), "k1")).unwrap();
        let Err(err) = read_key_file(copy.path(), "k1") else {
            panic!("a copied key file must not open");
        };
        assert!(err.to_string().contains("signs nothing"), "{err}");
        // Moved to another kid's name: refused too.
        std::fs::copy(&path, key_path(dir.path(), "k2")).unwrap();
        assert!(read_key_file(dir.path(), "k2").is_err());
        let _ = std::fs::remove_file(desk_key_path(dir.path()).unwrap());
        let _ = std::fs::remove_file(desk_key_path(copy.path()).unwrap());
    }

    #[test]
    fn a_plain_key_file_from_before_is_read_and_encrypted_in_place() {
        let dir = tempfile::TempDir::new().unwrap();
        let key = SigningKey::generate().unwrap();
        std::fs::create_dir(keys_dir(dir.path())).unwrap();
        let path = key_path(dir.path(), "old");
        std::fs::write(&path, hex::encode(key.to_bytes())).unwrap();
        assert_eq!(read_key_file(dir.path(), "old").unwrap().kid(), key.kid());
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert!(on_disk.starts_with(SEALED_PREFIX), "{on_disk}");
        assert_eq!(read_key_file(dir.path(), "old").unwrap().kid(), key.kid());
        let _ = std::fs::remove_file(desk_key_path(dir.path()).unwrap());
    }
}
