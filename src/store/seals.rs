//! The seal in the store: signing keys and the trust list, the seal payload
//! frozen at verification, stamp signatures, and issuing a seal.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use super::audit::append_audit;
use super::requests::{self, RequestRef};
use super::users::Session;
use super::{Store, meta_get};
use crate::domain::{Action, Request, Service};
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::seal::cose::encode_sign;
use crate::seal::crypto::SigningKey;
use crate::seal::keys::{self, EncryptedSecret, decrypt_secret, encrypt_secret};
use crate::seal::layers::encode_text;
use crate::seal::payload::{SealClaims, SealDocument};
use crate::seal::trust::{self, KeyRole, TrustListBody, TrustSet, TrustedKey};
use crate::seal::{PREFIX, qr};

/// The largest QR version a printed seal may need (≥ 0.5 mm modules in
/// the 65 mm seal area of the A4 layout).
pub const MAX_QR_VERSION: i16 = 25;

/// A seal made for a request: the QR text and what it says.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedSeal {
    pub text: String,
    pub claims: SealClaims,
    pub qr_version: i16,
}

fn key_error(e: impl std::fmt::Display + std::any::Any) -> Error {
    // A credential store that does not answer is the user's to fix (sign
    // in to the desktop, unlock the keyring): said in words.
    if let Some(keys::KeyStoreError::CredentialStore(detail)) =
        (&e as &dyn std::any::Any).downcast_ref::<keys::KeyStoreError>()
    {
        return Error::BadInput(Message::new("err-credential-store").arg("detail", detail));
    }
    Error::Storage(format!("key: {e}"))
}

/// The seal claims of a verified request: issued at verification, valid for
/// the service's validity period.
pub fn seal_claims_for(req: &Request, service: &Service) -> Option<SealClaims> {
    let issued_at = req.verified_at?.timestamp();
    Some(SealClaims {
        issuer: req.center.clone(),
        issued_at,
        expires_at: issued_at + i64::from(service.validity_days) * 86_400,
        document: SealDocument {
            document_number: req.document_number.clone()?,
            service: req.service.clone(),
            national_id: req.national_id.to_string(),
            full_name_ar: req.name.full(),
            fields: req.document.clone(),
            content_digest: req.content_digest.clone()?,
        },
    })
}

pub(crate) fn insert_key(
    conn: &Connection,
    key: &TrustedKey,
    local: bool,
    secret: Option<&EncryptedSecret>,
    now: i64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO keys (kid, owner, center, role, public_key, valid_from, valid_to, revoked_at, demo, local,
                           secret, secret_salt, secret_nonce, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            key.kid,
            key.owner,
            key.center,
            key.role.as_str(),
            key.public_key,
            key.valid_from,
            key.valid_to,
            key.revoked_at,
            key.demo,
            local,
            secret.map(|s| s.ciphertext.clone()),
            secret.map(|s| s.salt.clone()),
            secret.map(|s| s.nonce.clone()),
            now,
        ],
    )?;
    Ok(())
}

/// A new stamp key for a supervisor, encrypted under their PIN.
pub(crate) fn create_stamp_key(
    conn: &Connection,
    data_dir: &Path,
    center: &str,
    user: &str,
    pin: &str,
    now: i64,
    demo: bool,
) -> Result<SigningKey> {
    let key = SigningKey::generate().map_err(key_error)?;
    let entry = TrustedKey::new(
        &key.spki_der(),
        user,
        center,
        KeyRole::Supervisor,
        now,
        demo,
    );
    let secret = encrypt_secret(
        &key.to_bytes(),
        &crate::store::normalise_pin(pin)?,
        &entry.kid,
        data_dir,
    )
    .map_err(key_error)?;
    insert_key(conn, &entry, true, Some(&secret), now)?;
    Ok(key)
}

/// Retires a user's stamp keys: no new signatures, old ones stay valid.
pub(crate) fn retire_stamp_keys(conn: &Connection, user: &str, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE keys SET valid_to = ?2 WHERE owner = ?1 AND role = 'supervisor' AND local = 1 AND valid_to IS NULL",
        params![user, now],
    )?;
    Ok(())
}

fn row_to_key(r: &rusqlite::Row<'_>) -> rusqlite::Result<TrustedKey> {
    let role: String = r.get(3)?;
    // A key whose role does not read is refused, never guessed: a damaged
    // row must not become a supervisor's key.
    let role = KeyRole::parse(&role).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            3,
            rusqlite::types::Type::Text,
            format!("unknown key role {role:?}").into(),
        )
    })?;
    Ok(TrustedKey {
        kid: r.get(0)?,
        owner: r.get(1)?,
        center: r.get(2)?,
        role,
        public_key: r.get(4)?,
        valid_from: r.get(5)?,
        valid_to: r.get(6)?,
        revoked_at: r.get(7)?,
        demo: r.get(8)?,
    })
}

const KEY_COLUMNS: &str =
    "kid, owner, center, role, public_key, valid_from, valid_to, revoked_at, demo";

/// Signs `payload` as one signer; returns (protected header, signature).
pub(crate) fn sign_as(
    key: &SigningKey,
    kid: &[u8],
    name: &str,
    role: &str,
    time: i64,
    payload: &[u8],
) -> (Vec<u8>, Vec<u8>) {
    sign_for(key, kid, name, role, time, None, payload)
}

/// Signs `payload` as one signer, for copy `copy` when it is one.
fn sign_for(
    key: &SigningKey,
    kid: &[u8],
    name: &str,
    role: &str,
    time: i64,
    copy: Option<u32>,
    payload: &[u8],
) -> (Vec<u8>, Vec<u8>) {
    let protected = crate::seal::cose::encode_signer_header_for(kid, name, role, time, copy);
    let tbs = crate::seal::cose::sig_structure(&[], &protected, &[], payload);
    let sig = key.sign(&tbs);
    (protected, sig)
}

/// Records that the trust list changed (its age is measured from here).
fn touch_trust_list(conn: &Connection, now: i64) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('trust_updated_at', ?1)",
        [now.to_string()],
    )?;
    Ok(())
}

/// A stamp's signature as stored with the request (none for stamps made
/// before seals existed).
struct StoredStamp {
    protected: Option<Vec<u8>>,
    signature: Option<Vec<u8>>,
    supervisor: String,
}

/// The supervisor authorising a copy, with their stamp key unlocked for
/// the moment of printing, and which copy it is.
pub(crate) struct CopySigner {
    pub name: String,
    pub kid: Vec<u8>,
    pub key: SigningKey,
    pub number: u32,
}

/// What `trust import` did.
#[derive(Clone, Debug, Serialize)]
pub struct ImportReport {
    pub root_kid: String,
    pub added: u32,
    pub updated: u32,
}

impl Store {
    pub fn data_dir(&self) -> PathBuf {
        self.path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// Makes sure this desk has a root key and a center key (new stores get
    /// them at `init`; stores upgraded from before the seal get them here).
    pub(crate) fn ensure_center_keys(&mut self) -> Result<()> {
        let dir = self.data_dir();
        // A key row whose private file is gone (a store restored on a new
        // machine: backups never hold private keys) cannot sign any more.
        let mut usable = [false, false];
        {
            let mut stmt = self.conn.prepare(
                "SELECT kid, role FROM keys WHERE local = 1 AND role IN ('root', 'center') AND revoked_at IS NULL AND valid_to IS NULL",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            for row in rows {
                let (kid, role) = row?;
                if keys::read_key_file(&dir, &kid).is_ok() {
                    usable[(role == "center") as usize] = true;
                }
            }
        }
        if usable == [true, true] {
            return Ok(());
        }
        let demo = meta_get(&self.conn, "demo")?.as_deref() == Some("1");
        let at = self.now();
        let now = at.timestamp();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (i, role) in [KeyRole::Root, KeyRole::Center].into_iter().enumerate() {
            if usable[i] {
                continue;
            }
            tx.execute(
                "UPDATE keys SET valid_to = ?2 WHERE local = 1 AND role = ?1 AND revoked_at IS NULL AND valid_to IS NULL",
                params![role.as_str(), now],
            )?;
            let key = SigningKey::generate().map_err(key_error)?;
            let entry =
                TrustedKey::new(&key.spki_der(), &self.center, &self.center, role, now, demo);
            keys::write_key_file(&dir, &entry.kid, &key).map_err(key_error)?;
            insert_key(&tx, &entry, true, None, now)?;
            append_audit(&tx, at, "system", "key_created", &entry.kid, role.as_str())?;
        }
        touch_trust_list(&tx, now)?;
        tx.commit()?;
        Ok(())
    }

    fn local_file_key(&self, role: KeyRole, at: i64) -> Result<(String, SigningKey)> {
        let kid: Option<String> = self
            .conn
            .query_row(
                "SELECT kid FROM keys WHERE local = 1 AND role = ?1 AND owner = ?2 AND revoked_at IS NULL
                   AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to > ?3)
                 ORDER BY valid_from DESC LIMIT 1",
                params![role.as_str(), self.center, at],
                |r| r.get(0),
            )
            .optional()?;
        let kid = kid.ok_or_else(|| {
            Error::BadInput(Message::new("err-no-signing-key").arg("role", role.as_str()))
        })?;
        let key = keys::read_key_file(&self.data_dir(), &kid).map_err(key_error)?;
        Ok((kid, key))
    }

    /// Decrypts the supervisor's current stamp key with their PIN, making
    /// one first if they have none (users from before the seal existed).
    pub(crate) fn unlock_stamp_key(
        &mut self,
        user: &str,
        pin: &str,
    ) -> Result<(Vec<u8>, SigningKey)> {
        let row: Option<(String, EncryptedSecret)> = self
            .conn
            .query_row(
                "SELECT kid, secret, secret_salt, secret_nonce FROM keys
                 WHERE owner = ?1 AND role = 'supervisor' AND local = 1 AND valid_to IS NULL AND revoked_at IS NULL
                   AND secret IS NOT NULL
                 ORDER BY valid_from DESC LIMIT 1",
                [user],
                |r| {
                    Ok((
                        r.get(0)?,
                        EncryptedSecret {
                            ciphertext: r.get(1)?,
                            salt: r.get(2)?,
                            nonce: r.get(3)?,
                        },
                    ))
                },
            )
            .optional()?;
        let pin = crate::store::normalise_pin(pin)?;
        match row {
            Some((kid, locked)) => {
                let dir = self.data_dir();
                let secret = match decrypt_secret(&locked, &pin, &kid, &dir) {
                    Ok(secret) => secret,
                    Err(keys::KeyStoreError::WrongPin) => {
                        return Err(Error::WrongPin { attempts_left: 0 });
                    }
                    // Locked on another machine (a restored or copied
                    // store): the old key cannot sign here. The PIN is
                    // checked against its hash instead, and the supervisor
                    // gets a new stamp key; the old one is retired (what it
                    // signed stays valid).
                    Err(keys::KeyStoreError::NoDeskKey) => {
                        return self.renew_stamp_key(user, &pin);
                    }
                    Err(other) => return Err(key_error(other)),
                };
                if keys::is_old_lock(&locked) {
                    // Locked before the desk key and the costlier KDF: lock
                    // it again the new way now that the PIN is at hand.
                    let relocked = encrypt_secret(&secret, &pin, &kid, &dir).map_err(key_error)?;
                    self.conn.execute(
                        "UPDATE keys SET secret = ?2, secret_salt = ?3, secret_nonce = ?4 WHERE kid = ?1",
                        params![kid, relocked.ciphertext, relocked.salt, relocked.nonce],
                    )?;
                }
                let key = SigningKey::from_bytes(&secret).map_err(key_error)?;
                Ok((key.kid().to_vec(), key))
            }
            // None yet (users from before the seal), or left behind by a
            // backup, which carries no locked key: a new one, once the PIN
            // matches.
            None => {
                if !super::users::pin_matches_user(&self.conn, user, &pin)? {
                    return Err(Error::WrongPin { attempts_left: 0 });
                }
                let left_behind: bool = self.conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM keys WHERE owner = ?1 AND role = 'supervisor'
                        AND local = 1 AND valid_to IS NULL AND revoked_at IS NULL AND secret IS NULL)",
                    [user],
                    |r| r.get(0),
                )?;
                let detail = if left_behind {
                    "supervisor stamp key renewed: a backup carries no locked key"
                } else {
                    "supervisor stamp key"
                };
                self.new_stamp_key(user, &pin, detail)
            }
        }
    }

    /// A new stamp key for `user`, whose current one was locked with a desk
    /// key this machine does not have, once `pin` matches their PIN hash.
    fn renew_stamp_key(&mut self, user: &str, pin: &str) -> Result<(Vec<u8>, SigningKey)> {
        if !super::users::pin_matches_user(&self.conn, user, pin)? {
            return Err(Error::WrongPin { attempts_left: 0 });
        }
        self.new_stamp_key(
            user,
            pin,
            "supervisor stamp key renewed: the old one was locked on another machine",
        )
    }

    /// Makes `user` a new stamp key locked under `pin` (retiring any they
    /// had: what those signed stays valid), audited with `detail`.
    fn new_stamp_key(
        &mut self,
        user: &str,
        pin: &str,
        detail: &str,
    ) -> Result<(Vec<u8>, SigningKey)> {
        let demo = self.is_demo()?;
        let at = self.now();
        let now = at.timestamp();
        let dir = self.data_dir();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        retire_stamp_keys(&tx, user, now)?;
        let key = create_stamp_key(&tx, &dir, &self.center, user, pin, now, demo)?;
        append_audit(
            &tx,
            at,
            user,
            "key_created",
            &hex::encode(key.kid()),
            detail,
        )?;
        tx.commit()?;
        Ok((key.kid().to_vec(), key))
    }

    /// The trusted keys as stored (offline verification reads these).
    pub fn trust_set(&self) -> Result<TrustSet> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {KEY_COLUMNS} FROM keys ORDER BY role, owner, valid_from"
        ))?;
        let keys = stmt
            .query_map([], row_to_key)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let updated_at = meta_get(&self.conn, "trust_updated_at")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let root: Option<String> = self
            .conn
            .query_row("SELECT kid FROM keys WHERE role = 'root' AND local = 1 AND revoked_at IS NULL LIMIT 1", [], |r| r.get(0))
            .optional()?;
        Ok(TrustSet::new(keys, updated_at, root))
    }

    /// `citizen-desk seal make`: the seal of an approved (or already
    /// printed) request: every stamp's signature plus the center's, now.
    /// Audited as an issuance; the request's state does not change.
    pub fn seal_make(&mut self, session: &Session, reference: &RequestRef) -> Result<IssuedSeal> {
        self.authorise(session, Action::Print, reference.as_str())?;
        let req = requests::find(&self.conn, reference)?
            .ok_or_else(|| Error::RequestNotFound(reference.as_str().into()))?;
        if !req.state.is_sealable() {
            return Err(self.refuse(
                session,
                &req.id,
                Action::Print,
                Error::InvalidTransition {
                    state: req.state,
                    action: Action::Print,
                },
            ));
        }
        if !req.payment.paid {
            return Err(self.refuse(session, &req.id, Action::Print, Error::Unpaid));
        }
        if let Err(why) = self.payment_confirmed(&req)? {
            return Err(self.refuse(session, &req.id, Action::Print, Error::BadInput(why)));
        }
        let now = self.now();
        let seal = self.issue_seal(&req, now)?;
        let detail = format!(
            "document {} qr v{}",
            seal.claims.document.document_number, seal.qr_version
        );
        self.audit_only(now, session.name(), "seal_issued", &req.id, &detail)?;
        Ok(seal)
    }

    /// Assembles and signs a request's seal at `now`: the stored stamp
    /// signatures plus the center's. No checks of state or role, no audit:
    /// callers do those.
    pub(crate) fn issue_seal(&self, req: &Request, now: DateTime<Utc>) -> Result<IssuedSeal> {
        self.issue_seal_for(req, now, None)
    }

    /// The same, for an authorised copy when `copy` says which and who
    /// authorised it: their signature (role `copy`, the copy's number in
    /// its header) joins the stamps, and the center signs it as that copy.
    pub(crate) fn issue_seal_for(
        &self,
        req: &Request,
        now: DateTime<Utc>,
        copy: Option<&CopySigner>,
    ) -> Result<IssuedSeal> {
        let (payload, stamps): (Option<Vec<u8>>, Vec<StoredStamp>) = {
            let payload = self.conn.query_row(
                "SELECT seal_payload FROM requests WHERE id = ?1",
                [&req.id],
                |r| r.get(0),
            )?;
            let mut stmt = self.conn.prepare(
                "SELECT protected, signature, supervisor FROM stamps WHERE request_id = ?1 ORDER BY stamped_at, supervisor",
            )?;
            let stamps = stmt
                .query_map([&req.id], |r| {
                    Ok(StoredStamp {
                        protected: r.get(0)?,
                        signature: r.get(1)?,
                        supervisor: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            (payload, stamps)
        };
        let payload =
            payload.ok_or_else(|| Error::BadInput(Message::new("err-no-seal-payload")))?;
        let claims = SealClaims::from_cbor(&payload).map_err(Error::Storage)?;
        let mut signatures = Vec::with_capacity(stamps.len() + 1);
        for stamp in stamps {
            match (stamp.protected, stamp.signature) {
                (Some(p), Some(s)) => signatures.push((p, s)),
                _ => {
                    return Err(Error::BadInput(
                        Message::new("err-stamp-unsigned").arg("user", stamp.supervisor),
                    ));
                }
            }
        }
        if let Some(c) = copy {
            signatures.push(sign_for(
                &c.key,
                &c.kid,
                &c.name,
                "copy",
                now.timestamp(),
                Some(c.number),
                &payload,
            ));
        }
        let (kid, center_key) = self.local_file_key(KeyRole::Center, now.timestamp())?;
        let kid_bytes = hex::decode(&kid).unwrap_or_default();
        signatures.push(sign_for(
            &center_key,
            &kid_bytes,
            &self.center,
            "center",
            now.timestamp(),
            copy.map(|c| c.number),
            &payload,
        ));
        let text = encode_text(&encode_sign(&payload, &signatures), PREFIX);
        let symbol = qr::encode(&text).map_err(|e| Error::Storage(e.to_string()))?;
        Ok(IssuedSeal {
            text,
            claims,
            qr_version: symbol.version,
        })
    }

    // --- the trust list (admin) -------------------------------------------

    pub fn trust_list(&mut self, session: &Session) -> Result<Vec<TrustedKey>> {
        self.authorise(session, Action::ManageKeys, "keys")?;
        Ok(self.trust_set()?.keys().cloned().collect())
    }

    /// Adds another party's public key (e.g. a neighbouring center's),
    /// made with [`TrustedKey::new`].
    pub fn trust_add(&mut self, session: &Session, entry: TrustedKey) -> Result<TrustedKey> {
        self.authorise(session, Action::ManageKeys, &entry.owner)?;
        if entry.role == KeyRole::Root || entry.public().is_none() || !entry.kid_matches() {
            return Err(Error::BadInput(Message::new("err-bad-public-key")));
        }
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_key(&tx, &entry, false, None, now.timestamp())?;
        append_audit(
            &tx,
            now,
            session.name(),
            "trust_add",
            &entry.kid,
            &format!("{} {}", entry.role.as_str(), entry.owner),
        )?;
        touch_trust_list(&tx, now.timestamp())?;
        tx.commit()?;
        Ok(entry)
    }

    /// A new center key, usable from `activate_at` (distribute the trust
    /// list before then); the current key stops signing at that moment.
    pub fn trust_rotate(
        &mut self,
        session: &Session,
        activate_at: DateTime<Utc>,
    ) -> Result<TrustedKey> {
        self.authorise(session, Action::ManageKeys, "center key")?;
        let now = self.now();
        let at = activate_at.max(now).timestamp();
        let key = SigningKey::generate().map_err(key_error)?;
        let entry = TrustedKey::new(
            &key.spki_der(),
            &self.center,
            &self.center,
            KeyRole::Center,
            at,
            self.is_demo()?,
        );
        keys::write_key_file(&self.data_dir(), &entry.kid, &key).map_err(key_error)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE keys SET valid_to = ?1 WHERE role = 'center' AND local = 1 AND revoked_at IS NULL
               AND (valid_to IS NULL OR valid_to > ?1)",
            [at],
        )?;
        insert_key(&tx, &entry, true, None, now.timestamp())?;
        append_audit(
            &tx,
            now,
            session.name(),
            "trust_rotate",
            &entry.kid,
            &format!("active from {at}"),
        )?;
        touch_trust_list(&tx, now.timestamp())?;
        tx.commit()?;
        Ok(entry)
    }

    /// Revokes a key: everything it signed is refused from now on.
    pub fn trust_revoke(&mut self, session: &Session, kid: &str, reason: &str) -> Result<()> {
        self.authorise(session, Action::ManageKeys, kid)?;
        if reason.trim().is_empty() {
            return Err(Error::ReasonRequired);
        }
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE keys SET revoked_at = ?2 WHERE kid = ?1 AND revoked_at IS NULL",
            params![kid, now.timestamp()],
        )?;
        if n == 0 {
            return Err(Error::BadInput(
                Message::new("err-unknown-key").arg("kid", kid),
            ));
        }
        append_audit(&tx, now, session.name(), "trust_revoke", kid, reason.trim())?;
        touch_trust_list(&tx, now.timestamp())?;
        tx.commit()?;
        Ok(())
    }

    /// The signed trust list file (what a bank or court imports).
    pub fn trust_export(&mut self, session: &Session) -> Result<String> {
        self.authorise(session, Action::ManageKeys, "trust list")?;
        let now = self.now();
        let (text, keys) = self.sign_trust_list(now.timestamp())?;
        self.audit_only(
            now,
            session.name(),
            "trust_export",
            "trust list",
            &format!("{keys} keys"),
        )?;
        Ok(text)
    }

    /// This desk's trust list, signed by its root, for the hub (with the
    /// enrolment and with each push that carries a seal): the hub checks
    /// the desk's seals with it. Public keys only, like `trust export`.
    pub fn trust_list_for_hub(&mut self) -> Result<String> {
        self.ensure_center_keys()?;
        let now = self.now().timestamp();
        Ok(self.sign_trust_list(now)?.0)
    }

    /// The signed export of every key this desk trusts, and how many.
    fn sign_trust_list(&self, now: i64) -> Result<(String, usize)> {
        let (_, root) = self.local_file_key(KeyRole::Root, now)?;
        let body = TrustListBody {
            issued_at: now,
            issuer: self.center.clone(),
            keys: self.trust_set()?.keys().cloned().collect(),
        };
        Ok((trust::export_file(&body, &root), body.keys.len()))
    }

    /// Imports a signed trust list. Its root must be one we already trust,
    /// or the one the operator names (after comparing fingerprints).
    pub fn trust_import(
        &mut self,
        session: &Session,
        text: &str,
        accept_root: Option<&str>,
    ) -> Result<ImportReport> {
        self.authorise(session, Action::ManageKeys, "trust list")?;
        self.import_trust_text(session.name(), text, accept_root)
    }

    /// Imports a signed trust list for `actor` (a user, or the sync). Its
    /// root must already be trusted, or be the one named in `accept_root`.
    pub(crate) fn import_trust_text(
        &mut self,
        actor: &str,
        text: &str,
        accept_root: Option<&str>,
    ) -> Result<ImportReport> {
        let (body, root_kid) = trust::open_file(text)
            .map_err(|e| Error::BadInput(Message::new("err-trust-file").arg("detail", e)))?;
        let known_root: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM keys WHERE kid = ?1 AND role = 'root' AND revoked_at IS NULL)",
            [&root_kid],
            |r| r.get(0),
        )?;
        if !known_root && accept_root != Some(root_kid.as_str()) {
            return Err(Error::BadInput(
                Message::new("err-untrusted-root").arg("kid", &root_kid),
            ));
        }
        let now = self.now();
        let (mut added, mut updated) = (0, 0);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for key in body.keys.iter().filter(|k| k.kid_matches()) {
            let existing: Option<(Option<i64>, Option<i64>)> = tx
                .query_row(
                    "SELECT valid_to, revoked_at FROM keys WHERE kid = ?1",
                    [&key.kid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match existing {
                None => {
                    insert_key(&tx, key, false, None, now.timestamp())?;
                    added += 1;
                }
                Some((valid_to, revoked_at)) => {
                    // Revocations and retirements only ever tighten.
                    let new_revoked = revoked_at.or(key.revoked_at);
                    let new_valid_to = match (valid_to, key.valid_to) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    if (new_revoked, new_valid_to) != (revoked_at, valid_to) {
                        tx.execute(
                            "UPDATE keys SET revoked_at = ?2, valid_to = ?3 WHERE kid = ?1",
                            params![key.kid, new_revoked, new_valid_to],
                        )?;
                        updated += 1;
                    }
                }
            }
        }
        append_audit(
            &tx,
            now,
            actor,
            "trust_import",
            &root_kid,
            &format!(
                "{added} added, {updated} updated, issued by {}",
                body.issuer
            ),
        )?;
        touch_trust_list(&tx, now.timestamp())?;
        tx.commit()?;
        Ok(ImportReport {
            root_kid,
            added,
            updated,
        })
    }
}

/// Encodes a key for `trust add`: accepts Base64 SPKI DER or a PEM block.
pub fn parse_public_key_text(text: &str) -> Option<Vec<u8>> {
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    B64.decode(body).ok()
}
