//! QR codes: our seal text as a QR image (error correction Q; the Base45
//! alphabet is exactly QR's alphanumeric mode), and reading QR codes back
//! from PNG or JPEG images.

use image::{GrayImage, ImageFormat, Luma};
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the text does not fit in a QR code: {0}")]
    TooLong(String),
    #[error("not a readable PNG or JPEG image: {0}")]
    Image(String),
    #[error("no QR code found in the image")]
    NotFound,
    /// Larger than [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_ALLOC`]: refused
    /// before it is decoded.
    #[error("the picture is larger than {MAX_IMAGE_SIDE} × {MAX_IMAGE_SIDE} pixels or {} MiB decoded", MAX_IMAGE_ALLOC / (1024 * 1024))]
    TooLarge,
}

/// A QR symbol: its version and its modules.
pub struct QrSymbol {
    pub version: i16,
    pub width: usize,
    pub dark: Vec<bool>,
}

pub fn encode(text: &str) -> Result<QrSymbol, QrError> {
    let too_long = |e: qrcode::types::QrError| QrError::TooLong(e.to_string());
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::Q).map_err(too_long)?;
    let version = bits.version();
    let data = bits.into_bytes();
    let (codewords, ec) =
        qrcode::ec::construct_codewords(&data, version, EcLevel::Q).map_err(too_long)?;
    let mut canvas = Canvas::new(version, EcLevel::Q);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&codewords, &ec);
    let width = version.width() as usize;
    // The qrcode crate picks the mask with a generic penalty scorer that
    // cost a third of a sealed document's time; the same ISO 18004 rules
    // scored on a flat grid choose a mask in a fraction of that. Its
    // masking is done here too (module by module through its canvas it
    // cost more than the scoring): the same symbols, see `masked`.
    let states = states(&canvas, width);
    let (_, dark) = MASKS
        .iter()
        .map(|&mask| {
            let dark = masked(&states, version, width, mask);
            (penalty(&dark, width), dark)
        })
        .min_by_key(|(score, _)| *score)
        .expect("eight masks");
    let version = match version {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    Ok(QrSymbol {
        version,
        width,
        dark,
    })
}

/// The modules of `canvas` (data drawn, not masked) with `mask` applied
/// and the format information for it drawn: what the qrcode crate's
/// `apply_mask` and `into_colors` give, module for module (the test
/// `masking_equals_the_qrcode_crates`), without going through its canvas
/// module by module (that cost more than the scoring). `states` is the
/// canvas read once ([`states`]).
fn masked(states: &[u8], version: qrcode::Version, width: usize, mask: MaskPattern) -> Vec<bool> {
    let mut dark = inverted(states, width, mask);
    // The crate numbers its masks 0 to 7, the order of MASKS.
    for &(i, d) in &format_modules(version)[mask as usize] {
        dark[i] = d;
    }
    dark
}

/// A module's state: bit 0 dark, bit 1 data (masked), else a function
/// pattern (kept). An empty module is light data, as the crate masks it.
fn states(canvas: &Canvas, width: usize) -> Vec<u8> {
    use qrcode::canvas::Module;
    let mut states = Vec::with_capacity(width * width);
    for y in 0..width as i16 {
        for x in 0..width as i16 {
            states.push(match canvas.get(x, y) {
                Module::Unmasked(c) => 2 | u8::from(c == Color::Dark),
                Module::Masked(c) => u8::from(c == Color::Dark),
                Module::Empty => 2,
            });
        }
    }
    states
}

/// The crate's masking rule alone: data modules inverted where ISO
/// 18004's condition for `mask` holds (x the column, y the row), function
/// patterns kept. One loop per mask, so each condition is inlined.
fn inverted(states: &[u8], width: usize, mask: MaskPattern) -> Vec<bool> {
    fn apply(states: &[u8], width: usize, invert: impl Fn(usize, usize) -> bool) -> Vec<bool> {
        let mut dark = Vec::with_capacity(states.len());
        for (y, row) in states.chunks_exact(width).enumerate() {
            // Data modules flip where the condition holds: no branch.
            dark.extend(
                row.iter()
                    .enumerate()
                    .map(|(x, &s)| (s & 1 != 0) ^ (s & 2 != 0 && invert(x, y))),
            );
        }
        dark
    }
    match mask {
        MaskPattern::Checkerboard => apply(states, width, |x, y| (x + y) % 2 == 0),
        MaskPattern::HorizontalLines => apply(states, width, |_, y| y % 2 == 0),
        MaskPattern::VerticalLines => apply(states, width, |x, _| x % 3 == 0),
        MaskPattern::DiagonalLines => apply(states, width, |x, y| (x + y) % 3 == 0),
        MaskPattern::LargeCheckerboard => apply(states, width, |x, y| (y / 2 + x / 3) % 2 == 0),
        MaskPattern::Fields => apply(states, width, |x, y| (x * y) % 2 + (x * y) % 3 == 0),
        MaskPattern::Diamonds => apply(states, width, |x, y| ((x * y) % 2 + (x * y) % 3) % 2 == 0),
        MaskPattern::Meadow => apply(states, width, |x, y| ((x + y) % 2 + (x * y) % 3) % 2 == 0),
    }
}

/// For each mask, the modules where the crate's masking of a symbol of
/// `version` differs from the rule alone (the format information, drawn
/// for that mask over its reserved modules), and their colour. Found
/// once per version and process by masking a symbol with only its
/// function patterns both ways.
fn format_modules(version: qrcode::Version) -> std::sync::Arc<Vec<Vec<(usize, bool)>>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Overrides = Arc<Vec<Vec<(usize, bool)>>>;
    // Keyed by the symbol's width, which names its version.
    static MADE: OnceLock<Mutex<HashMap<i16, Overrides>>> = OnceLock::new();
    let made = MADE.get_or_init(Default::default);
    let mut made = made.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    made.entry(version.width())
        .or_insert_with(|| {
            let width = version.width() as usize;
            let mut blank = Canvas::new(version, EcLevel::Q);
            blank.draw_all_functional_patterns();
            Arc::new(
                MASKS
                    .iter()
                    .map(|&mask| {
                        let ours = inverted(&states(&blank, width), width, mask);
                        let mut theirs = blank.clone();
                        theirs.apply_mask(mask);
                        theirs
                            .into_colors()
                            .into_iter()
                            .enumerate()
                            .filter(|&(i, c)| (c == Color::Dark) != ours[i])
                            .map(|(i, c)| (i, c == Color::Dark))
                            .collect()
                    })
                    .collect(),
            )
        })
        .clone()
}

const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// The ISO 18004 (7.8.3) mask penalty: runs of five or more, 2x2 blocks,
/// finder-like 1:1:3:1:1 patterns, and the dark/light balance. Evaluated
/// for all eight masks of every seal, so it is on the printing hot path.
/// Symbols up to 128 modules wide (version 30; every seal we print) are
/// scored with each row and column as one 128-bit word; wider ones module
/// by module.
fn penalty(dark: &[bool], n: usize) -> u32 {
    if n <= 128 {
        penalty_words(dark, n)
    } else {
        penalty_modules(dark, n)
    }
}

/// Bits 0..k set.
fn low_bits(k: usize) -> u128 {
    if k >= 128 { !0 } else { (1u128 << k) - 1 }
}

/// The penalty with rows and columns as words (bit i = module i), all
/// positions of a line tested at once with shifts.
fn penalty_words(dark: &[bool], n: usize) -> u32 {
    let mut rows = vec![0u128; n];
    let mut cols = vec![0u128; n];
    for (y, row) in dark.chunks_exact(n).enumerate() {
        for (x, &d) in row.iter().enumerate() {
            if d {
                rows[y] |= 1 << x;
                cols[x] |= 1 << y;
            }
        }
    }
    let pairs = low_bits(n.saturating_sub(1));
    let starts = low_bits(n.saturating_sub(6));
    let mut score = 0u32;
    for &line in rows.iter().chain(&cols) {
        // Rule 1. E: module i equals module i+1. A: modules i..=i+4 equal,
        // a window of five inside a run; a run of L >= 5 holds L-4 windows
        // and one first window, and scores 3 + (L-5) = (L-4) + 2.
        let same = !(line ^ (line >> 1)) & pairs;
        let windows = same & (same >> 1) & (same >> 2) & (same >> 3);
        let first = windows & !(same << 1);
        score += windows.count_ones() + 2 * first.count_ones();
        // Rule 3: 1011101 starting at i, with modules i-4..i-1 or
        // i+7..i+10 light (off the symbol is light, and shifts bring in 0).
        let core = line
            & !(line >> 1)
            & (line >> 2)
            & (line >> 3)
            & (line >> 4)
            & !(line >> 5)
            & (line >> 6)
            & starts;
        let light_before = !((line << 1) | (line << 2) | (line << 3) | (line << 4));
        let light_after = !((line >> 7) | (line >> 8) | (line >> 9) | (line >> 10));
        score += 40 * (core & (light_before | light_after)).count_ones();
    }
    // Rule 2: 2x2 blocks of one colour.
    for pair in rows.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let blocks = !(a ^ (a >> 1)) & !(b ^ (b >> 1)) & !(a ^ b) & pairs;
        score += 3 * blocks.count_ones();
    }
    // Rule 4: balance of dark modules.
    let dark_count: usize = rows.iter().map(|r| r.count_ones() as usize).sum();
    let percent = dark_count * 100 / (n * n);
    score + 10 * (percent.abs_diff(50) / 5) as u32
}

/// The penalty module by module, for symbols wider than a word: rows and
/// columns as contiguous lines, the finder-like pattern through a sliding
/// bit window.
fn penalty_modules(dark: &[bool], n: usize) -> u32 {
    let mut columns = vec![false; n * n];
    for y in 0..n {
        for x in 0..n {
            columns[x * n + y] = dark[y * n + x];
        }
    }
    let mut score: u32 = [dark, &columns[..]]
        .iter()
        .flat_map(|grid| grid.chunks_exact(n))
        .map(line_penalty)
        .sum();
    // Rule 2: 2x2 blocks of one colour.
    for y in 0..n - 1 {
        for x in 0..n - 1 {
            let c = dark[y * n + x];
            if dark[y * n + x + 1] == c
                && dark[(y + 1) * n + x] == c
                && dark[(y + 1) * n + x + 1] == c
            {
                score += 3;
            }
        }
    }
    // Rule 4: balance of dark modules.
    let dark_count = dark.iter().filter(|&&d| d).count();
    let percent = dark_count * 100 / (n * n);
    score + 10 * (percent.abs_diff(50) / 5) as u32
}

/// Rules 1 and 3 along one row or column.
fn line_penalty(line: &[bool]) -> u32 {
    let n = line.len();
    let mut score: u32 = 0;
    // Rule 1: runs of five or more of the same colour score 3 + (run - 5).
    let mut run: u32 = 1;
    for i in 1..n {
        if line[i] == line[i - 1] {
            run += 1;
        } else {
            if run >= 5 {
                score += run - 2;
            }
            run = 1;
        }
    }
    if run >= 5 {
        score += run - 2;
    }
    // Rule 3: dark-light-dark-dark-dark-light-dark with four light modules
    // on at least one side; off the symbol counts as light. The line is
    // padded with four light modules at each end and read through a 15-bit
    // window holding modules x-4 ..= x+10 for a pattern starting at x.
    const CORE: u32 = 0b101_1101;
    let mut window: u32 = 0;
    for p in 0..n + 8 {
        let bit = (4..n + 4).contains(&p) && line[p - 4];
        window = ((window << 1) | bit as u32) & 0x7FFF;
        if p >= 14
            && (window >> 4) & 0x7F == CORE
            && ((window >> 11) & 0xF == 0 || window & 0xF == 0)
        {
            score += 40;
        }
    }
    score
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
    let decoded = decode_bounded(bytes)?;
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

/// The largest picture read, in pixels each way: a phone's photo (4032 ×
/// 3024) or a 600 dpi scan of an A4 page fits.
pub const MAX_IMAGE_SIDE: u32 = 7_200;
/// The most memory the decoder may take for one picture.
pub const MAX_IMAGE_ALLOC: u64 = 64 * 1024 * 1024;

/// Decodes a PNG or JPEG within [`MAX_IMAGE_SIDE`] and [`MAX_IMAGE_ALLOC`]:
/// a small file that claims a huge picture (a decompression bomb) is
/// refused from its header, before any pixel is made.
fn decode_bounded(bytes: &[u8]) -> Result<image::DynamicImage, QrError> {
    crate::files::decode_image_bounded(bytes, None, MAX_IMAGE_SIDE, MAX_IMAGE_ALLOC).map_err(|e| {
        match e {
            image::ImageError::Limits(_) => QrError::TooLarge,
            other => QrError::Image(other.to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_equals_the_qrcode_crates() {
        // Seal-like texts of many lengths (many versions), every mask: our
        // masked modules are the crate's, module for module.
        for len in [5usize, 30, 77, 150, 300, 500, 900, 1400] {
            let text: String = (0..len)
                .map(|i| (b'A' + (i * 7 % 26) as u8) as char)
                .collect();
            let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::Q).unwrap();
            let version = bits.version();
            let data = bits.into_bytes();
            let (codewords, ec) =
                qrcode::ec::construct_codewords(&data, version, EcLevel::Q).unwrap();
            let mut canvas = Canvas::new(version, EcLevel::Q);
            canvas.draw_all_functional_patterns();
            canvas.draw_data(&codewords, &ec);
            let width = version.width() as usize;
            for mask in MASKS {
                let mut reference = canvas.clone();
                reference.apply_mask(mask);
                let reference: Vec<bool> = reference
                    .into_colors()
                    .into_iter()
                    .map(|m| m == Color::Dark)
                    .collect();
                assert!(
                    masked(&states(&canvas, width), version, width, mask) == reference,
                    "{len} characters, {mask:?}"
                );
            }
        }
    }

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

    #[test]
    fn every_length_and_mask_decodes() {
        // Texts of many lengths land on different versions and masks; each
        // must read back exactly.
        let alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        let mut masks_seen = std::collections::BTreeSet::new();
        for len in (1..700).step_by(37) {
            let text: String = (0..len)
                .map(|i| alphabet.as_bytes()[(i * 7 + len) % alphabet.len()] as char)
                .collect();
            let symbol = encode(&text).unwrap();
            // The format information (row 8, columns 0-4) names the mask.
            let format: Vec<bool> = (0..5).map(|x| symbol.dark[8 * symbol.width + x]).collect();
            masks_seen.insert(format);
            let png = to_png(&symbol, 3);
            assert_eq!(decode_image(&png).unwrap(), vec![text], "length {len}");
        }
        assert!(
            masks_seen.len() > 1,
            "one mask for every text: {masks_seen:?}"
        );
    }

    /// The penalty written straight from the standard's wording, module by
    /// module: the fast scan must give the same score on any grid.
    fn reference_penalty(dark: &[bool], n: usize) -> u32 {
        let at = |x: usize, y: usize, by_column: bool| {
            if by_column {
                dark[x * n + y]
            } else {
                dark[y * n + x]
            }
        };
        let mut score = 0u32;
        for by_column in [false, true] {
            for y in 0..n {
                let mut run = 1;
                for x in 1..n {
                    if at(x, y, by_column) == at(x - 1, y, by_column) {
                        run += 1;
                    } else {
                        if run >= 5 {
                            score += 3 + (run - 5);
                        }
                        run = 1;
                    }
                }
                if run >= 5 {
                    score += 3 + (run - 5);
                }
                let light = |x: isize| x < 0 || x >= n as isize || !at(x as usize, y, by_column);
                for x in 0..n as isize - 6 {
                    let core = [true, false, true, true, true, false, true];
                    if core
                        .iter()
                        .enumerate()
                        .all(|(i, &d)| d != light(x + i as isize))
                        && ((1..=4).all(|k| light(x - k)) || (7..=10).all(|k| light(x + k)))
                    {
                        score += 40;
                    }
                }
            }
        }
        for y in 0..n - 1 {
            for x in 0..n - 1 {
                let c = dark[y * n + x];
                if dark[y * n + x + 1] == c
                    && dark[(y + 1) * n + x] == c
                    && dark[(y + 1) * n + x + 1] == c
                {
                    score += 3;
                }
            }
        }
        let dark_count = dark.iter().filter(|&&d| d).count();
        score + 10 * ((dark_count * 100 / (n * n)).abs_diff(50) / 5) as u32
    }

    #[test]
    fn fast_penalty_equals_the_reference_on_random_and_real_grids() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..420 {
            // Both ways of scoring: words up to 128 modules, modules above.
            let n = 7 + round % 140;
            // Sparse grids make long light runs and finder-like patterns
            // likely, dense ones make long dark runs.
            let density = [2, 4, 8][round % 3];
            let grid: Vec<bool> = (0..n * n).map(|_| next() % density == 0).collect();
            let fast = penalty(&grid, n);
            assert_eq!(fast, reference_penalty(&grid, n), "grid {round}, side {n}");
        }
        // Real symbols: their three finder patterns always score rule 3.
        for text in [
            "SY1:ABC",
            "SY1:0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:",
        ] {
            let code =
                qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).unwrap();
            let dark: Vec<bool> = code
                .to_colors()
                .iter()
                .map(|c| *c == qrcode::Color::Dark)
                .collect();
            assert_eq!(
                penalty(&dark, code.width()),
                reference_penalty(&dark, code.width())
            );
        }
    }

    #[test]
    fn penalty_follows_the_iso_rules() {
        // A 6x6 all-light grid: rows and columns are runs of 6 (3+1 each,
        // 12 lines), 25 2x2 blocks (3 each), 0% dark (10 * 10).
        let light = vec![false; 36];
        assert_eq!(penalty(&light, 6), 12 * 4 + 25 * 3 + 100);
        // A checkerboard has no runs, no blocks, and is balanced.
        let checker: Vec<bool> = (0..64).map(|i| (i / 8 + i % 8) % 2 == 0).collect();
        assert_eq!(penalty(&checker, 8), 0);
        // One finder-like row 1011101 followed by four light modules.
        let n = 11;
        let mut grid: Vec<bool> = (0..n * n).map(|i| (i / n + i % n) % 2 == 0).collect();
        for (x, d) in [
            true, false, true, true, true, false, true, false, false, false, false,
        ]
        .iter()
        .enumerate()
        {
            grid[5 * n + x] = *d;
        }
        assert!(penalty(&grid, n) >= 40);
    }
}
