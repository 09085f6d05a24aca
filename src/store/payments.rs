//! The hub's signed payment facts, as the desk keeps them: each signed
//! page once (its digests and signature), each request pointing at its
//! place in a page. Before it seals, the desk checks that the row still
//! has the facts the hub signed ([`crate::seal::payment`]).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rusqlite::{Connection, OptionalExtension, params};

use super::meta_get;
use crate::domain::Request;
use crate::error::{Error, Result};
use crate::i18n::Message;
use crate::seal::payment;

/// Where the key the desk believes payments from is kept: pinned at
/// enrolment (or from the first signed page, for a desk enrolled before
/// the hub signed them), or the demo's own.
pub(crate) const PAYMENT_KEY: &str = "hub_payment_key";

/// Where a request's payment facts were signed: a page and a place in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PaymentProof {
    pub page: i64,
    pub index: u32,
}

/// Keeps one signed page; returns its id.
pub(crate) fn insert_page(
    conn: &Connection,
    signer: &str,
    digests: &[u8],
    signature: &[u8],
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO payment_pages (signer, digests, signature) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![signer, digests, signature])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn set_proof(conn: &Connection, request_id: &str, proof: PaymentProof) -> Result<()> {
    conn.prepare_cached("UPDATE requests SET payment_page = ?2, payment_index = ?3 WHERE id = ?1")?
        .execute(params![request_id, proof.page, proof.index])?;
    Ok(())
}

/// Drops pages no request points at any more (their requests were
/// signed again in a later page).
pub(crate) fn prune_pages(conn: &Connection) -> Result<()> {
    conn.execute(
        "DELETE FROM payment_pages WHERE NOT EXISTS
            (SELECT 1 FROM requests WHERE payment_page = payment_pages.id)",
        [],
    )?;
    Ok(())
}

/// A signed page as it arrived: the hub's key and signature, base64.
/// Checked against the page's requests and against the pinned key;
/// `Err` says why it is refused.
pub(crate) fn check_page(
    conn: &Connection,
    key: &str,
    signature: &str,
    digests: &[u8],
) -> Result<std::result::Result<Vec<u8>, String>> {
    let point = match B64.decode(key) {
        Ok(p) => p,
        Err(_) => return Ok(Err("its payment key is not base64".into())),
    };
    if let Some(pinned) = meta_get(conn, PAYMENT_KEY)?
        && pinned != key
    {
        return Ok(Err(
            "its payments are signed by another key than the one pinned at enrolment".into(),
        ));
    }
    let Ok(sig) = B64.decode(signature) else {
        return Ok(Err("its payment signature is not base64".into()));
    };
    if !payment::page_is_signed(&point, digests, &sig) {
        return Ok(Err("its payment signature does not verify".into()));
    }
    Ok(Ok(sig))
}

/// Signs every request of a demo store that has no key of a hub's yet,
/// with a new demo key whose private half is then dropped (what
/// `demo` does for the rows it makes).
pub(crate) fn sign_demo_rows(conn: &Connection) -> Result<()> {
    if meta_get(conn, "demo")?.as_deref() != Some("1") || meta_get(conn, PAYMENT_KEY)?.is_some() {
        return Ok(());
    }
    let key =
        crate::seal::crypto::SigningKey::generate().map_err(|e| Error::Storage(e.to_string()))?;
    let signer = B64.encode(key.public_point());
    super::set_meta(conn, PAYMENT_KEY, &signer)?;
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM requests ORDER BY rowid")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for chunk in ids.chunks(payment::MAX_PAGE) {
        let mut rows = Vec::with_capacity(chunk.len());
        for id in chunk {
            if let Some(req) = super::requests::find(conn, &super::RequestRef::Id(id.clone()))? {
                rows.push(req);
            }
        }
        let digests = payment::page_digests(&rows);
        let page = insert_page(conn, &signer, &digests, &payment::sign_page(&key, &digests))?;
        for (index, req) in rows.iter().enumerate() {
            set_proof(
                conn,
                &req.id,
                PaymentProof {
                    page,
                    index: index as u32,
                },
            )?;
        }
    }
    Ok(())
}

impl super::Store {
    /// Whether the hub vouches for this request's payment as the row has
    /// it now. A desk that holds no key of the hub's, a row with no
    /// signed page, or a row edited since (`paid`, fee, bank, national
    /// ID, service) is refused: nothing is sealed on the desk's word alone.
    pub(crate) fn payment_confirmed(
        &self,
        req: &Request,
    ) -> Result<std::result::Result<(), Message>> {
        let unconfirmed = || Ok(Err(Message::new("err-payment-unconfirmed")));
        if !req.payment.paid {
            return unconfirmed();
        }
        let Some(key) = meta_get(&self.conn, PAYMENT_KEY)? else {
            return unconfirmed();
        };
        let Ok(point) = B64.decode(&key) else {
            return Err(Error::Data(format!(
                "the pinned payment key {key:?} does not read"
            )));
        };
        let page: Option<(String, Vec<u8>, Vec<u8>, i64)> = self
            .conn
            .prepare_cached(
                "SELECT p.signer, p.digests, p.signature, r.payment_index
                   FROM requests r JOIN payment_pages p ON p.id = r.payment_page
                  WHERE r.id = ?1",
            )?
            .query_row([&req.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        let Some((signer, digests, signature, index)) = page else {
            return unconfirmed();
        };
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if signer != key || !payment::request_is_signed(req, index, &point, &digests, &signature) {
            return unconfirmed();
        }
        Ok(Ok(()))
    }
}
