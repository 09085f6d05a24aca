//! The sRGB colour profile every document names as its PDF/A output
//! intent, written here (ICC.1:2004-10, version 4.2, 520 bytes) instead of
//! embedding a 6.9 KB profile file in each document (2.4 KB deflated, a
//! tenth of a page): the standard's primaries adapted to D50 and its
//! exact tone curve as a parametric curve, which version 4 allows. PDF 1.7
//! and PDF/A-2 take version 4 profiles. Checked against Little CMS
//! (`transicc`) in `tests/it/documents.rs`.

/// A number in s15Fixed16 (ICC.1, 4.2.6).
fn s15(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

/// An XYZType tag (ICC.1, 10.31).
fn xyz(x: f64, y: f64, z: f64) -> Vec<u8> {
    [b"XYZ ".as_slice(), &[0; 4], &s15(x), &s15(y), &s15(z)].concat()
}

/// A multiLocalizedUnicodeType tag (10.15) with one English text.
fn mluc(text: &str) -> Vec<u8> {
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let mut tag = [
        b"mluc".as_slice(),
        &[0; 4],
        &1u32.to_be_bytes(),
        &12u32.to_be_bytes(),
    ]
    .concat();
    tag.extend_from_slice(b"enUS");
    tag.extend_from_slice(&(utf16.len() as u32).to_be_bytes());
    tag.extend_from_slice(&28u32.to_be_bytes());
    tag.extend_from_slice(&utf16);
    tag
}

/// The sRGB tone curve, IEC 61966-2-1: parametricCurveType function 3
/// (10.18): Y = (aX + b)^g for X ≥ d, cX below.
fn srgb_curve() -> Vec<u8> {
    let mut tag = [b"para".as_slice(), &[0; 4], &3u16.to_be_bytes(), &[0; 2]].concat();
    for v in [2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045] {
        tag.extend_from_slice(&s15(v));
    }
    tag
}

/// The D50 illuminant of the profile connection space (7.2.16).
const D50: (f64, f64, f64) = (0.9642, 1.0, 0.8249);

/// The profile's bytes.
pub fn srgb_profile() -> Vec<u8> {
    // The D65 primaries of sRGB adapted to D50 by Bradford, and the
    // adaptation matrix itself (chad), as ICC's own sRGB profiles give them.
    let chad: [f64; 9] = [
        1.047882, 0.022918, -0.050217, 0.029586, 0.990479, -0.017044, -0.009232, 0.015076, 0.751678,
    ];
    let mut chad_tag = [b"sf32".as_slice(), &[0; 4]].concat();
    for v in chad {
        chad_tag.extend_from_slice(&s15(v));
    }
    let curve = srgb_curve();
    // (signature, data); the three curves share one copy of their data.
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", mluc("sRGB")),
        (b"cprt", mluc("No copyright, use freely")),
        (b"wtpt", xyz(D50.0, D50.1, D50.2)),
        (b"chad", chad_tag),
        (b"rXYZ", xyz(0.436066, 0.222488, 0.013916)),
        (b"gXYZ", xyz(0.385147, 0.716873, 0.097076)),
        (b"bXYZ", xyz(0.143066, 0.060608, 0.714096)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let table_end = 128 + 4 + 12 * tags.len();
    let mut data: Vec<u8> = Vec::new();
    let mut table: Vec<u8> = (tags.len() as u32).to_be_bytes().to_vec();
    let mut placed: Vec<(Vec<u8>, usize)> = Vec::new();
    for (signature, tag) in &tags {
        let offset = match placed.iter().find(|(t, _)| t == tag) {
            Some((_, offset)) => *offset,
            None => {
                // Every tag starts on a 4-byte boundary (7.2.1).
                while !data.len().is_multiple_of(4) {
                    data.push(0);
                }
                let offset = table_end + data.len();
                data.extend_from_slice(tag);
                placed.push((tag.clone(), offset));
                offset
            }
        };
        table.extend_from_slice(*signature);
        table.extend_from_slice(&(offset as u32).to_be_bytes());
        table.extend_from_slice(&(tag.len() as u32).to_be_bytes());
    }
    while !data.len().is_multiple_of(4) {
        data.push(0);
    }
    let size = table_end + data.len();
    let mut header = Vec::with_capacity(128);
    header.extend_from_slice(&(size as u32).to_be_bytes());
    header.extend_from_slice(&[0; 4]); // preferred CMM: none
    header.extend_from_slice(&[4, 0x20, 0, 0]); // version 4.2
    header.extend_from_slice(b"mntrRGB XYZ ");
    // Creation date, fixed so every document's profile is the same bytes.
    for part in [2026u16, 12, 6, 0, 0, 0] {
        header.extend_from_slice(&part.to_be_bytes());
    }
    header.extend_from_slice(b"acsp");
    header.extend_from_slice(&[0; 4 + 4 + 4 + 4 + 8]); // platform, flags, device, attributes
    header.extend_from_slice(&0u32.to_be_bytes()); // perceptual intent
    header.extend_from_slice(&[s15(D50.0), s15(D50.1), s15(D50.2)].concat());
    header.extend_from_slice(&[0; 4]); // creator
    header.extend_from_slice(&[0; 16]); // profile ID: not computed (allowed)
    header.resize(128, 0);
    [header, table, data].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_is_well_formed() {
        let p = srgb_profile();
        let be = |at: usize| u32::from_be_bytes(p[at..at + 4].try_into().unwrap()) as usize;
        assert_eq!(be(0), p.len(), "the size field");
        assert_eq!(p.len() % 4, 0);
        assert_eq!(&p[36..40], b"acsp");
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        let count = be(128);
        assert_eq!(count, 10);
        for k in 0..count {
            let entry = 132 + 12 * k;
            let (offset, len) = (be(entry + 4), be(entry + 8));
            assert_eq!(offset % 4, 0);
            assert!(offset + len <= p.len());
        }
        assert!(p.len() < 600, "{} bytes", p.len());
    }
}
