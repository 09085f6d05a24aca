//! A deployment's emblem or letterhead: an image file the ministry
//! supplies (the state's emblem, a directorate's letterhead), printed at
//! the head of every document's first page. The program never draws an
//! imitation of one: without a configured file the head has none.
//!
//! The file is read with bounds (size, pixels, decoder memory), flattened
//! onto white (paper has no transparency, and PDF/A keeps it simple) and
//! kept as 8-bit RGB, which the PDF embeds as it is and the preview draws.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::i18n::Message;

/// The largest emblem file accepted (a scanned emblem at print resolution
/// is well under this).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// The longest side in pixels: 2400 px is 600 dpi over 100 mm, far more
/// than the 40 mm it is printed at.
pub const MAX_SIDE_PX: u32 = 2400;
/// The decoder's memory budget for one emblem.
const MAX_DECODE_ALLOC: u64 = 64 * 1024 * 1024;

/// Where the emblem goes on a first page: centred at the top, between the
/// authority (right) and the document's number (left), within this box.
pub const BOX_TOP_MM: f32 = 8.0;
pub const BOX_WIDTH_MM: f32 = 40.0;
pub const BOX_HEIGHT_MM: f32 = 26.0;

/// A decoded emblem: its pixels as RGB on white, and the file's digest
/// (what the audit log and the settings show).
/// Cheap to clone (one shared picture): a page's layout and the store's
/// cache hold it.
#[derive(Clone, PartialEq, Eq)]
pub struct Emblem(Arc<Picture>);

#[derive(PartialEq, Eq)]
struct Picture {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    sha256: String,
}

impl std::fmt::Debug for Emblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Emblem({}x{}, sha256:{})",
            self.0.width, self.0.height, self.0.sha256
        )
    }
}

impl Emblem {
    /// Reads a PNG or JPEG file's bytes; anything else, a picture too
    /// large, or a damaged file is refused in words.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Emblem> {
        let refuse = |id: &'static str| Error::BadInput(Message::new(id));
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(Error::BadInput(
                Message::new("err-emblem-too-large")
                    .arg("limit", MAX_FILE_BYTES / (1024 * 1024))
                    .arg("side", MAX_SIDE_PX),
            ));
        }
        let format = image::guess_format(bytes).map_err(|_| refuse("err-emblem-format"))?;
        if !matches!(format, image::ImageFormat::Png | image::ImageFormat::Jpeg) {
            return Err(refuse("err-emblem-format"));
        }
        let picture =
            crate::files::decode_image_bounded(bytes, Some(format), MAX_SIDE_PX, MAX_DECODE_ALLOC)
                .map_err(|e| match e {
                    image::ImageError::Limits(_) => Error::BadInput(
                        Message::new("err-emblem-too-large")
                            .arg("limit", MAX_FILE_BYTES / (1024 * 1024))
                            .arg("side", MAX_SIDE_PX),
                    ),
                    _ => refuse("err-emblem-damaged"),
                })?;
        let rgba = picture.to_rgba8();
        let (width, height) = rgba.dimensions();
        if width == 0 || height == 0 {
            return Err(refuse("err-emblem-damaged"));
        }
        // On white: a transparent pixel is paper.
        let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
        for p in rgba.pixels() {
            let [r, g, b, a] = p.0;
            let a = u32::from(a);
            for c in [r, g, b] {
                rgb.push(((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8);
            }
        }
        Ok(Emblem(Arc::new(Picture {
            width,
            height,
            rgb,
            sha256: hex::encode(Sha256::digest(bytes)),
        })))
    }

    pub fn width_px(&self) -> u32 {
        self.0.width
    }

    pub fn height_px(&self) -> u32 {
        self.0.height
    }

    /// Three bytes a pixel, row by row from the top.
    pub fn rgb(&self) -> &[u8] {
        &self.0.rgb
    }

    /// The SHA-256 of the file it was read from, in hex.
    pub fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Its printed size in mm: as large as fits the box, its proportions
    /// kept.
    pub fn printed_size(&self) -> (f32, f32) {
        let aspect = self.0.width as f32 / self.0.height as f32;
        if aspect >= BOX_WIDTH_MM / BOX_HEIGHT_MM {
            (BOX_WIDTH_MM, BOX_WIDTH_MM / aspect)
        } else {
            (BOX_HEIGHT_MM * aspect, BOX_HEIGHT_MM)
        }
    }
}

/// The picture the test crates make for an emblem (one maker for all).
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../tests/it/shared.rs"]
mod test_shared;

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_shared::emblem_png as test_png;

    #[test]
    fn a_png_is_flattened_onto_white() {
        let e = Emblem::from_file_bytes(&test_png(60, 40)).unwrap();
        assert_eq!((e.width_px(), e.height_px()), (60, 40));
        let at = |x: usize, y: usize| &e.rgb()[(y * 60 + x) * 3..][..3];
        assert_eq!(at(0, 0), [255, 255, 255], "transparent is paper");
        assert_eq!(at(30, 20), [200, 16, 46]);
        assert_eq!(e.sha256().len(), 64);
    }

    #[test]
    fn it_fits_the_box_keeping_its_proportions() {
        let wide = Emblem::from_file_bytes(&test_png(400, 100)).unwrap();
        assert_eq!(wide.printed_size(), (BOX_WIDTH_MM, 10.0));
        let tall = Emblem::from_file_bytes(&test_png(100, 200)).unwrap();
        assert_eq!(tall.printed_size(), (13.0, BOX_HEIGHT_MM));
    }

    #[test]
    fn other_files_and_huge_pictures_are_refused_in_words() {
        let id = |r: Result<Emblem>| match r {
            Err(Error::BadInput(m)) => m.id,
            other => panic!("expected a refusal, got {other:?}"),
        };
        assert_eq!(
            id(Emblem::from_file_bytes(b"%PDF-1.7 not a picture")),
            "err-emblem-format"
        );
        let mut png = test_png(20, 20);
        png.truncate(png.len() / 2);
        assert_eq!(id(Emblem::from_file_bytes(&png)), "err-emblem-damaged");
        // A small file claiming a picture wider than the limit is refused
        // from its header.
        let wide = image::GrayImage::new(MAX_SIDE_PX + 1, 1);
        let mut out = std::io::Cursor::new(Vec::new());
        wide.write_to(&mut out, image::ImageFormat::Png).unwrap();
        assert_eq!(
            id(Emblem::from_file_bytes(out.get_ref())),
            "err-emblem-too-large"
        );
        let big = vec![0u8; MAX_FILE_BYTES as usize + 1];
        assert_eq!(id(Emblem::from_file_bytes(&big)), "err-emblem-too-large");
    }
}
