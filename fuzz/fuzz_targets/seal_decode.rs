//! The whole seal decode path on arbitrary input: prefix, Base45, zlib,
//! COSE, claims, signature checks against a fixed trust list, and the
//! HCERT layers. Nothing may panic, whatever the bytes.
#![no_main]

use std::sync::OnceLock;

use citizen_desk::domain::Catalog;
use citizen_desk::seal::crypto::SigningKey;
use citizen_desk::seal::trust::{KeyRole, TrustSet, TrustedKey};
use citizen_desk::seal::{cose, layers, verify_seal};
use libfuzzer_sys::fuzz_target;

fn fixtures() -> &'static (TrustSet, Catalog) {
    static F: OnceLock<(TrustSet, Catalog)> = OnceLock::new();
    F.get_or_init(|| {
        let key = SigningKey::from_bytes(&[7u8; 32]).unwrap();
        let entry = TrustedKey::new(&key.spki_der(), "TRT01", "TRT01", KeyRole::Center, 0, false);
        (TrustSet::new(vec![entry], 0, None), Catalog::builtin().unwrap())
    })
}

fuzz_target!(|data: &[u8]| {
    let (trust, catalog) = fixtures();
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verify_seal(text, trust, catalog, 1_800_000_000, 86_400);
        let _ = layers::decode_text(text, "HC1:");
    }
    // Raw bytes straight into the inner layers too.
    let _ = layers::inflate(data);
    if let Ok(msg) = cose::CoseMessage::parse(data) {
        let _ = msg.to_be_signed(0, &[]);
        let _ = layers::claims(&msg.payload);
    }
    let text = layers::encode_text(data, citizen_desk::seal::PREFIX);
    let _ = verify_seal(&text, trust, catalog, 1_800_000_000, 86_400);
});
