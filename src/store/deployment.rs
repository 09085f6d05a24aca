//! What a deployment sets for its documents: the emblem or letterhead file
//! the ministry supplies, and its own sentence on how to check a document.
//! An admin sets them on each desk (at installation, from the ministry's
//! files); each change is audited with the file's digest.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::sync::Mutex;

use rusqlite::TransactionBehavior;

use super::Store;
use super::audit::append_audit;
use super::users::Session;
use crate::documents::emblem::Emblem;
use crate::documents::render::{Deployment, checked_verify_hint};
use crate::domain::Action;
use crate::error::{Error, Result};
use crate::i18n::Message;

/// The emblem last decoded in this process, known by its file's digest:
/// every store connection (the app opens one per background task) finds
/// it here instead of decoding the picture for each print.
static EMBLEM: Mutex<Option<Emblem>> = Mutex::new(None);

fn cached_emblem(digest: &str) -> Option<Emblem> {
    let cached = EMBLEM
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cached.as_ref().filter(|e| e.sha256() == digest).cloned()
}

fn remember_emblem(emblem: &Emblem) {
    *EMBLEM
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(emblem.clone());
}

impl Store {
    /// The deployment's emblem and verification sentence, as set on this
    /// desk (none of either until an admin sets them).
    pub fn deployment(&self) -> Result<Deployment> {
        Ok(Deployment {
            emblem: self.emblem()?,
            verify_hint: super::meta_get(&self.conn, "verify_hint")?,
        })
    }

    /// The emblem, decoded once per process (and again only when changed).
    fn emblem(&self) -> Result<Option<Emblem>> {
        let Some(digest) = super::meta_get(&self.conn, "emblem_sha256")? else {
            return Ok(None);
        };
        if let Some(cached) = cached_emblem(&digest) {
            return Ok(Some(cached));
        }
        let encoded = super::meta_get(&self.conn, "emblem")?.unwrap_or_default();
        // Set once through the same checks, so only a damaged store (or
        // limits lowered since) lands here: said in words, with the way
        // out, not as the refusal of a file being set.
        let damaged = |_| Error::BadInput(Message::new("err-stored-emblem"));
        let bytes = B64.decode(encoded).map_err(|e| damaged(e.to_string()))?;
        let emblem = Emblem::from_file_bytes(&bytes).map_err(|e| damaged(e.to_string()))?;
        remember_emblem(&emblem);
        Ok(Some(emblem))
    }

    /// Sets the emblem from a file's bytes (PNG or JPEG, checked here), or
    /// removes it (`None`). Admins only; returns the emblem set.
    pub fn set_emblem(&mut self, session: &Session, file: Option<&[u8]>) -> Result<Option<Emblem>> {
        self.authorise(session, Action::ManageSettings, "emblem")?;
        let emblem = file.map(Emblem::from_file_bytes).transpose()?;
        let digest = emblem.as_ref().map_or("", |e| e.sha256()).to_owned();
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        match file {
            Some(bytes) => {
                super::set_meta(&tx, "emblem", &B64.encode(bytes))?;
                super::set_meta(&tx, "emblem_sha256", &digest)?;
            }
            None => {
                tx.execute(
                    "DELETE FROM meta WHERE key IN ('emblem', 'emblem_sha256')",
                    [],
                )?;
            }
        }
        let action = if file.is_some() {
            "emblem_set"
        } else {
            "emblem_removed"
        };
        append_audit(&tx, now, session.name(), action, "deployment", &digest)?;
        tx.commit()?;
        if let Some(e) = &emblem {
            remember_emblem(e);
        }
        Ok(emblem)
    }

    /// Sets the deployment's own verification sentence, or goes back to
    /// the templates' general one (`None`). Admins only. A sentence is
    /// one paragraph that fits beside the seal
    /// ([`checked_verify_hint`]).
    pub fn set_verify_hint(&mut self, session: &Session, hint: Option<&str>) -> Result<()> {
        self.authorise(session, Action::ManageSettings, "verify_hint")?;
        let hint = hint.map(checked_verify_hint).transpose()?;
        let now = self.now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        match &hint {
            Some(h) => super::set_meta(&tx, "verify_hint", h)?,
            None => {
                tx.execute("DELETE FROM meta WHERE key = 'verify_hint'", [])?;
            }
        };
        append_audit(
            &tx,
            now,
            session.name(),
            "verify_hint_set",
            "deployment",
            hint.as_deref().unwrap_or(""),
        )?;
        tx.commit()?;
        Ok(())
    }
}
