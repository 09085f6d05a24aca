//! The QR seal: a signed, compressed, Base45-encoded COSE message that
//! anyone can check offline. `SY1:` + Base45(zlib(COSE_Sign)), where the
//! supervisors' stamps and the center each sign the same CWT payload.

pub mod backing;
pub mod base45;
pub mod conformance;
pub mod cose;
pub mod crypto;
pub mod keys;
pub mod layers;
pub mod payload;
pub mod payment;
pub mod qr;
pub mod trust;
pub mod verify;

pub use payload::{SealClaims, SealDocument};
pub use trust::{KeyRole, TrustSet, TrustedKey};
pub use verify::{CopyOf, Invalid, PREFIX, SealReport, Warning, verify_seal};

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
    match seal_in_bytes(&bytes) {
        Err(qr::QrError::TooLarge) => Err(crate::Error::BadInput(
            crate::i18n::Message::new("err-image-too-large")
                .arg("side", qr::MAX_IMAGE_SIDE)
                .arg("mib", qr::MAX_IMAGE_ALLOC / (1024 * 1024)),
        )),
        Err(_) => Ok(None),
        Ok(seal) => Ok(seal),
    }
}

/// The seal in a file's bytes (see [`read_seal_file`]): `Ok(None)` when
/// a PDF holds none; a picture too large to read is `TooLarge`.
pub fn seal_in_bytes(bytes: &[u8]) -> Result<Option<String>, qr::QrError> {
    if bytes.starts_with(b"%PDF") {
        return Ok(seal_from_pdf(bytes));
    }
    let texts = qr::decode_image(bytes)?;
    // A photo can hold other codes too (the envelope's tracking code):
    // ours first.
    Ok(texts
        .iter()
        .find(|t| t.starts_with(PREFIX))
        .cloned()
        .or_else(|| texts.into_iter().next()))
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

/// How much one stream of a PDF may inflate to while it is read, and how
/// many object and cross-reference streams a PDF may have for us to read
/// it at all: together they bound the work a hostile PDF can ask for (a
/// 4 MB file once inflated to 4 GB). Our PDFs need none of it.
const MAX_PDF_STREAM_BYTES: usize = 1024 * 1024;
const MAX_PDF_PACKED_STREAMS: usize = 32;

/// The seal text of a PDF. Ours carry it as plain text in the document
/// information (Subject), found by a scan of the bytes with nothing
/// inflated; a PDF another program saved again may hold it as UTF-16 in
/// hex, found the same way, or inside a compressed object stream, read
/// with lopdf within the bounds above.
pub fn seal_from_pdf(bytes: &[u8]) -> Option<String> {
    find_seal_in_bytes(bytes)
        .or_else(|| find_utf16_seal_in_bytes(bytes))
        .or_else(|| seal_from_pdf_objects(bytes))
}

/// A seal written as a UTF-16 hex string (`<FEFF0053005900310003A…>`).
fn find_utf16_seal_in_bytes(bytes: &[u8]) -> Option<String> {
    let prefix: String = PREFIX
        .chars()
        .map(|c| format!("{:04X}", c as u32))
        .collect();
    let upper: Vec<u8> = bytes.iter().map(u8::to_ascii_uppercase).collect();
    let start = upper
        .windows(prefix.len())
        .position(|w| w == prefix.as_bytes())?;
    let hex: Vec<u8> = upper[start..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_hexdigit)
        .collect();
    let units: Vec<u16> = hex
        .chunks_exact(4)
        .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
        .collect();
    let text = String::from_utf16(&units).ok()?;
    text.starts_with(PREFIX).then_some(text)
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

/// The Subject of the document information, read by lopdf.
fn seal_from_pdf_objects(bytes: &[u8]) -> Option<String> {
    if count(bytes, b"/ObjStm") + count(bytes, b"/XRef") > MAX_PDF_PACKED_STREAMS {
        return None;
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_PDF_STREAM_BYTES),
        ..Default::default()
    };
    std::panic::catch_unwind(|| {
        let doc = lopdf::Document::load_mem_with_options(bytes, options).ok()?;
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
    .flatten()
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
