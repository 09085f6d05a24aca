//! The hub's word on payments. A desk believes a request is paid only
//! when the hub signed it: the hub signs each page of requests it sends
//! (one ES256 signature over the digests of the page's payment facts),
//! the desk keeps the page's digests and signature, and before it seals
//! it checks that the row it is about to seal still has the digest the
//! hub signed. A row edited by hand (`paid = 1`) no longer matches.
//!
//! One signature a page rather than one a request: pulling 10,000
//! requests costs the hub 20 signatures, not 10,000, and a desk keeps 16
//! bytes a request.

use sha2::{Digest, Sha256};

use super::cose::Algorithm;
use super::crypto::{PublicKey, SigningKey};
use crate::domain::Request;

/// Bytes of a payment-facts digest kept per request: SHA-256 cut to 128
/// bits, still 2^128 work to find other facts with the same digest.
pub const DIGEST_LEN: usize = 16;

/// The most requests one signed page covers (a pull page is at most 500;
/// the demo signs 10,000 at a time).
pub const MAX_PAGE: usize = 10_000;

/// What the hub vouches for: who paid, for what, how much, through which
/// bank, and for which request of which center.
pub fn facts_digest(req: &Request) -> [u8; DIGEST_LEN] {
    let mut h = Sha256::new();
    h.update(b"citizen-desk payment facts v1\0");
    let paid = [u8::from(req.payment.paid)];
    let fee = req.payment.fee_syp.to_be_bytes();
    for field in [
        req.id.as_bytes(),
        req.center.as_bytes(),
        req.national_id.as_str().as_bytes(),
        req.service.as_bytes(),
        &paid,
        &fee,
        req.payment.bank.as_deref().unwrap_or("").as_bytes(),
    ] {
        // Length-prefixed, so no two different fact lists hash alike.
        h.update((field.len() as u32).to_be_bytes());
        h.update(field);
    }
    let full = h.finalize();
    let mut out = [0u8; DIGEST_LEN];
    out.copy_from_slice(&full[..DIGEST_LEN]);
    out
}

/// The digests of a page's requests, in the page's order, as one blob.
pub fn page_digests<'a>(requests: impl IntoIterator<Item = &'a Request>) -> Vec<u8> {
    requests.into_iter().flat_map(facts_digest).collect()
}

fn signed_message(digests: &[u8]) -> Vec<u8> {
    let mut m = b"citizen-desk payment page v1\0".to_vec();
    m.extend_from_slice(&((digests.len() / DIGEST_LEN) as u32).to_be_bytes());
    m.extend_from_slice(digests);
    m
}

/// Signs a page's digests (the hub, or the demo's own stand-in hub).
pub fn sign_page(key: &SigningKey, digests: &[u8]) -> Vec<u8> {
    key.sign(&signed_message(digests))
}

/// Whether `signature` is the hub's (`point`: its uncompressed P-256
/// key) over exactly these digests.
pub fn page_is_signed(point: &[u8], digests: &[u8], signature: &[u8]) -> bool {
    if point.len() != 65
        || !digests.len().is_multiple_of(DIGEST_LEN)
        || digests.len() > MAX_PAGE * DIGEST_LEN
    {
        return false;
    }
    PublicKey::P256(point.to_vec())
        .verify(&Algorithm::Es256, &signed_message(digests), signature)
        .is_ok()
}

/// Whether request `req`, at place `index` of a signed page, has the facts
/// the hub signed.
pub fn request_is_signed(
    req: &Request,
    index: usize,
    point: &[u8],
    digests: &[u8],
    signature: &[u8],
) -> bool {
    let at = index.saturating_mul(DIGEST_LEN);
    digests.get(at..at + DIGEST_LEN) == Some(&facts_digest(req)[..])
        && page_is_signed(point, digests, signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::test_request as sample_request;

    #[test]
    fn a_changed_fact_breaks_the_hubs_signature() {
        let key = SigningKey::generate().unwrap();
        let point = key.public_point();
        let mut a = sample_request();
        a.payment.paid = false;
        let mut b = sample_request();
        b.id = "other".into();
        let digests = page_digests([&a, &b]);
        let sig = sign_page(&key, &digests);
        assert!(request_is_signed(&a, 0, &point, &digests, &sig));
        assert!(request_is_signed(&b, 1, &point, &digests, &sig));
        assert!(
            !request_is_signed(&a, 1, &point, &digests, &sig),
            "wrong place"
        );

        let mut edited = a.clone();
        edited.payment.paid = true;
        assert!(!request_is_signed(&edited, 0, &point, &digests, &sig));
        let mut fee = b.clone();
        fee.payment.fee_syp += 1;
        assert!(!request_is_signed(&fee, 1, &point, &digests, &sig));
        let mut bank = b.clone();
        bank.payment.bank = Some("XX".into());
        assert!(!request_is_signed(&bank, 1, &point, &digests, &sig));

        // Digests swapped in place, or signed by another key: refused.
        let mut forged = digests.clone();
        forged[..DIGEST_LEN].copy_from_slice(&facts_digest(&edited));
        assert!(!request_is_signed(&edited, 0, &point, &forged, &sig));
        let other = SigningKey::generate().unwrap();
        assert!(!page_is_signed(&other.public_point(), &digests, &sig));
        assert!(!request_is_signed(&a, 5, &point, &digests, &sig));
    }
}
