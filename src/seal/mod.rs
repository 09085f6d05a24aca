//! The QR seal: a signed, compressed, Base45-encoded COSE message that
//! anyone can check offline. `SY1:` + Base45(zlib(COSE_Sign)), where the
//! supervisors' stamps and the center each sign the same CWT payload.

pub mod base45;
pub mod conformance;
pub mod cose;
pub mod crypto;
pub mod keys;
pub mod layers;
pub mod payload;
pub mod qr;
pub mod trust;
pub mod verify;

pub use payload::{SealClaims, SealDocument};
pub use trust::{KeyRole, TrustSet, TrustedKey};
pub use verify::{Invalid, PREFIX, SealReport, Warning, verify_seal};

/// The largest file a seal is read from: a phone's photo of a QR code
/// or one of our PDFs (about 25 KB) fits many times over.
pub const MAX_SEAL_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The seal in a file: the metadata of one of our PDFs, or the QR code
/// in a photo or scan (PNG or JPEG), told apart by their contents. `None`
/// when the file holds no seal; an unreadable or too large file is an
/// error in words. The command line and the desk app both read seals
/// with this.
pub fn read_seal_file(path: &std::path::Path) -> crate::Result<Option<String>> {
    let bytes = crate::files::read_bounded(path, MAX_SEAL_FILE_BYTES)?;
    Ok(seal_in_bytes(&bytes))
}

/// The seal in a file's bytes (see [`read_seal_file`]).
pub fn seal_in_bytes(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"%PDF") {
        return seal_from_pdf(bytes);
    }
    let texts = qr::decode_image(bytes).ok()?;
    // A photo can hold other codes too (the envelope's tracking code):
    // ours first.
    texts
        .iter()
        .find(|t| t.starts_with(PREFIX))
        .cloned()
        .or_else(|| texts.into_iter().next())
}

/// Finds a seal text in raw bytes (our PDFs carry it in their metadata):
/// the longest run of QR-alphanumeric characters after the prefix.
pub fn find_seal_in_bytes(bytes: &[u8]) -> Option<String> {
    let prefix = PREFIX.as_bytes();
    let start = bytes.windows(prefix.len()).position(|w| w == prefix)?;
    let body = &bytes[start + prefix.len()..];
    let len = body
        .iter()
        .take_while(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b" $%*+-./:".contains(b))
        .count();
    Some(format!("{PREFIX}{}", String::from_utf8_lossy(&body[..len])))
}

/// The seal text of one of our PDFs: the document information's Subject
/// (written by the documents module), else a raw scan of the bytes.
pub fn seal_from_pdf(bytes: &[u8]) -> Option<String> {
    let from_info = std::panic::catch_unwind(|| {
        let doc = lopdf::Document::load_mem(bytes).ok()?;
        let info = doc.trailer.get(b"Info").ok()?;
        let (_, info) = doc.dereference(info).ok()?;
        let raw = info
            .as_dict()
            .ok()?
            .get(b"Subject")
            .ok()?
            .as_str()
            .ok()?
            .to_vec();
        let text = if raw.starts_with(&[0xFE, 0xFF]) {
            let units: Vec<u16> = raw[2..]
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        } else {
            raw.iter().map(|b| *b as char).collect()
        };
        text.starts_with(PREFIX).then_some(text)
    })
    .ok()
    .flatten();
    from_info.or_else(|| find_seal_in_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_seal_text_in_pdf_metadata_bytes() {
        let pdf = b"%PDF-1.7\n1 0 obj << /Title (x) /CitizenDeskSeal (SY1:NCF0 9H$A.8) >> endobj";
        assert_eq!(find_seal_in_bytes(pdf).as_deref(), Some("SY1:NCF0 9H$A.8"));
        assert_eq!(find_seal_in_bytes(b"%PDF-1.7 no seal here"), None);
    }
}
