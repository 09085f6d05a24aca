//! The QR seal: a signed, compressed, Base45-encoded COSE message that
//! anyone can check offline. `SY1:` + Base45(zlib(COSE_Sign)), where the
//! supervisors' stamps and the center each sign the same CWT payload.

pub mod base45;
pub mod conformance;
pub mod cose;
pub mod crypto;
pub mod layers;
pub mod qr;
