//! QR codes: our seal text as a QR image (error correction Q; the Base45
//! alphabet is exactly QR's alphanumeric mode), and reading QR codes back
//! from PNG or JPEG images.

use image::{GrayImage, ImageFormat, Luma};
use qrcode::{Color, EcLevel, QrCode};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the text does not fit in a QR code: {0}")]
    TooLong(String),
    #[error("not a readable PNG or JPEG image: {0}")]
    Image(String),
    #[error("no QR code found in the image")]
    NotFound,
}

/// A QR symbol: its version and its modules.
pub struct QrSymbol {
    pub version: i16,
    pub width: usize,
    pub dark: Vec<bool>,
}

pub fn encode(text: &str) -> Result<QrSymbol, QrError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q)
        .map_err(|e| QrError::TooLong(e.to_string()))?;
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok(QrSymbol {
        version,
        width,
        dark,
    })
}

/// The symbol as a PNG, `module_px` pixels per module and the standard
/// four-module quiet zone.
pub fn to_png(symbol: &QrSymbol, module_px: u32) -> Vec<u8> {
    let quiet = 4;
    let side = (symbol.width as u32 + 2 * quiet) * module_px;
    let img = GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / module_px, y / module_px);
        let inside = mx >= quiet
            && my >= quiet
            && mx < quiet + symbol.width as u32
            && my < quiet + symbol.width as u32;
        let dark =
            inside && symbol.dark[((my - quiet) as usize) * symbol.width + (mx - quiet) as usize];
        Luma([if dark { 0 } else { 255 }])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory grey image to PNG does not fail.
    let _ = img.write_to(&mut out, ImageFormat::Png);
    out.into_inner()
}

/// Every QR code's text found in a PNG or JPEG image.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    let decoded = image::load_from_memory(bytes).map_err(|e| QrError::Image(e.to_string()))?;
    // Flatten transparency onto white paper: a transparent background
    // would otherwise read as black.
    let img = if decoded.color().has_alpha() {
        let rgba = decoded.to_rgba8();
        GrayImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let [r, g, b, a] = rgba.get_pixel(x, y).0;
            let luma = (299 * r as u32 + 587 * g as u32 + 114 * b as u32) / 1000;
            Luma([((luma * a as u32 + 255 * (255 - a as u32)) / 255) as u8])
        })
    } else {
        decoded.to_luma8()
    };
    // rqrr works on untrusted pixels; keep any surprise inside this call.
    let texts = std::panic::catch_unwind(move || {
        let mut prepared = rqrr::PreparedImage::prepare(img);
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect::<Vec<_>>()
    })
    .map_err(|_| QrError::NotFound)?;
    if texts.is_empty() {
        Err(QrError::NotFound)
    } else {
        Ok(texts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_through_png() {
        let text = "SY1:NCFOXN%TSMAHN-H3O4";
        let symbol = encode(text).unwrap();
        let png = to_png(&symbol, 4);
        assert_eq!(decode_image(&png).unwrap(), vec![text.to_owned()]);
        assert!(matches!(
            decode_image(b"not an image"),
            Err(QrError::Image(_))
        ));
        let blank = {
            let img = GrayImage::from_pixel(50, 50, Luma([255]));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, ImageFormat::Png).unwrap();
            out.into_inner()
        };
        assert_eq!(decode_image(&blank), Err(QrError::NotFound));
    }
}
