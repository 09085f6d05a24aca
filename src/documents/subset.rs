//! A TrueType subsetter made for one job: the font program a PDF embeds
//! for one document, done in microseconds.
//!
//! The caller gives the glyphs a document draws, in the order of the codes
//! its page content uses: glyph `used[i]` becomes glyph `i + 1` (glyph 0
//! stays `.notdef`), and the parts of composite glyphs follow, with the
//! composites pointing at their new numbers. A wanted glyph can also be a
//! copy of a font's glyph moved to the right of its origin (a composite
//! of one part), for marks a PDF must draw from another origin (see
//! `pdf::placement`). Only the tables a PDF reader needs for a
//! CIDFontType2 program are written (ISO 32000-1, 9.9: `head`, `hhea`,
//! `maxp`, `loca`, `glyf`, `hmtx`); layout tables, names and the character
//! map stay behind, since the page holds shaped glyphs and its text comes
//! from the ToUnicode map, and so do the hinting tables and each glyph's
//! instructions: print resolution needs no grid-fitting (and the preview,
//! drawn from the same outlines, uses none), and they were a third of a
//! hinted face's subset.
//!
//! This replaced a general subsetter (allsorts, through printpdf) that
//! parsed and re-serialised every table for each document, and re-parsed
//! its own result: 1.7 ms of each sealed page.

/// A font that is not a TrueType (`glyf`) font this subsetter can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsetError(pub &'static str);

impl std::fmt::Display for SubsetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot subset this font: {}", self.0)
    }
}

impl std::error::Error for SubsetError {}

/// The tables of a document's font program, in the (sorted) order the
/// table directory lists them.
const PROGRAM: &[&[u8; 4]] = &[b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp"];

/// The tables of a font's stand-in (see [`stand_in`]): the outline tables
/// and the names and metrics a PDF's font descriptor is made from.
const STAND_IN: &[&[u8; 4]] = &[
    b"OS/2", b"cmap", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name",
];

/// A character map that maps nothing (one format 4 subtable, Windows
/// Unicode, holding only the closing segment): the stand-in's, since the
/// PDF library wants one and no text is ever looked up in it.
const EMPTY_CMAP: [u8; 36] = [
    0, 0, 0, 1, // version, one subtable
    0, 3, 0, 1, 0, 0, 0, 12, // Windows, Unicode BMP, at offset 12
    0, 4, 0, 24, 0, 0, // format 4, length, language
    0, 2, 0, 2, 0, 0, 0, 0, // segCountX2, searchRange, entrySelector, rangeShift
    0xFF, 0xFF, 0, 0, 0xFF, 0xFF, // endCode, pad, startCode
    0, 1, 0, 0, // idDelta, idRangeOffset
];

fn u16_at(data: &[u8], at: usize) -> Result<u16, SubsetError> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or(SubsetError("a table is shorter than its fields"))
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, SubsetError> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or(SubsetError("a table is shorter than its fields"))
}

/// The tables of a single-face sfnt, by tag.
struct Tables<'a> {
    font: &'a [u8],
    records: Vec<([u8; 4], usize, usize)>,
}

impl<'a> Tables<'a> {
    fn read(font: &'a [u8]) -> Result<Tables<'a>, SubsetError> {
        if u32_at(font, 0)? != 0x0001_0000 {
            return Err(SubsetError("not a TrueType font (version 1.0 sfnt)"));
        }
        let count = u16_at(font, 4)? as usize;
        let mut records = Vec::with_capacity(count);
        for i in 0..count {
            let at = 12 + 16 * i;
            let tag: [u8; 4] = font
                .get(at..at + 4)
                .and_then(|t| t.try_into().ok())
                .ok_or(SubsetError("truncated table directory"))?;
            let offset = u32_at(font, at + 8)? as usize;
            let length = u32_at(font, at + 12)? as usize;
            if offset
                .checked_add(length)
                .is_none_or(|end| end > font.len())
            {
                return Err(SubsetError("a table lies outside the file"));
            }
            records.push((tag, offset, length));
        }
        Ok(Tables { font, records })
    }

    fn get(&self, tag: &[u8; 4]) -> Option<&'a [u8]> {
        self.records
            .iter()
            .find(|(t, _, _)| t == tag)
            .map(|&(_, offset, length)| &self.font[offset..offset + length])
    }

    fn require(&self, tag: &'static [u8; 4]) -> Result<&'a [u8], SubsetError> {
        self.get(tag)
            .ok_or(SubsetError("a required table is missing"))
    }
}

/// Where each glyph's outline lies in `glyf`.
struct Outlines<'a> {
    glyf: &'a [u8],
    loca: &'a [u8],
    long: bool,
    count: u16,
}

impl<'a> Outlines<'a> {
    fn get(&self, gid: u16) -> Result<&'a [u8], SubsetError> {
        if gid >= self.count {
            return Err(SubsetError("a glyph id beyond the font's glyphs"));
        }
        let i = gid as usize;
        let (start, end) = if self.long {
            (
                u32_at(self.loca, 4 * i)? as usize,
                u32_at(self.loca, 4 * i + 4)? as usize,
            )
        } else {
            (
                2 * u16_at(self.loca, 2 * i)? as usize,
                2 * u16_at(self.loca, 2 * i + 2)? as usize,
            )
        };
        self.glyf
            .get(start..end)
            .ok_or(SubsetError("a glyph lies outside the glyph table"))
    }
}

const WE_HAVE_INSTRUCTIONS: u16 = 0x0100;

/// A composite glyph's parts: where each part's glyph id is, where the
/// flags of the last part are, and where the parts end.
struct Parts {
    ids: Vec<usize>,
    last_flags: usize,
    end: usize,
}

/// The parts of a composite glyph (`None` for a simple glyph).
fn parts(glyph: &[u8]) -> Result<Option<Parts>, SubsetError> {
    const ARG_1_AND_2_ARE_WORDS: u16 = 0x0001;
    const WE_HAVE_A_SCALE: u16 = 0x0008;
    const MORE_COMPONENTS: u16 = 0x0020;
    const WE_HAVE_AN_X_AND_Y_SCALE: u16 = 0x0040;
    const WE_HAVE_A_TWO_BY_TWO: u16 = 0x0080;
    if glyph.len() < 10 || (u16_at(glyph, 0)? as i16) >= 0 {
        return Ok(None);
    }
    let mut ids = Vec::new();
    let mut at = 10;
    loop {
        let flags = u16_at(glyph, at)?;
        u16_at(glyph, at + 2)?;
        ids.push(at + 2);
        let last_flags = at;
        at += 4;
        at += if flags & ARG_1_AND_2_ARE_WORDS != 0 {
            4
        } else {
            2
        };
        at += if flags & WE_HAVE_A_SCALE != 0 {
            2
        } else if flags & WE_HAVE_AN_X_AND_Y_SCALE != 0 {
            4
        } else if flags & WE_HAVE_A_TWO_BY_TWO != 0 {
            8
        } else {
            0
        };
        if at > glyph.len() {
            return Err(SubsetError("a composite glyph is cut short"));
        }
        if flags & MORE_COMPONENTS == 0 {
            return Ok(Some(Parts {
                ids,
                last_flags,
                end: at,
            }));
        }
    }
}

/// A glyph's outline without its hinting instructions, and its parts.
fn without_instructions(glyph: &[u8]) -> Result<(Vec<u8>, Option<Parts>), SubsetError> {
    if glyph.len() < 10 {
        return Ok((Vec::new(), None));
    }
    let contours = u16_at(glyph, 0)? as i16;
    if contours >= 0 {
        // Header, end points of contours, then the instructions' length
        // and the instructions, then the points.
        let lengths = 10 + 2 * contours as usize;
        let instructions = u16_at(glyph, lengths)? as usize;
        let points = lengths + 2 + instructions;
        if points > glyph.len() {
            return Err(SubsetError("a glyph is cut short"));
        }
        let mut out = Vec::with_capacity(glyph.len() - instructions);
        out.extend_from_slice(&glyph[..lengths]);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&glyph[points..]);
        return Ok((out, None));
    }
    let Some(parts) = parts(glyph)? else {
        return Ok((glyph.to_vec(), None));
    };
    // Instructions of a composite follow its last part.
    let mut out = glyph[..parts.end].to_vec();
    let flags = u16_at(&out, parts.last_flags)? & !WE_HAVE_INSTRUCTIONS;
    out[parts.last_flags..parts.last_flags + 2].copy_from_slice(&flags.to_be_bytes());
    Ok((out, Some(parts)))
}

/// A glyph a document's program is to have: glyph `gid` of the font, its
/// outline moved `shift` font units to the right of its origin (0: as
/// it is; moved glyphs have no advance, being marks), and which copy of
/// it this is. A PDF's ToUnicode map gives each code one text, so a glyph
/// that stands for two texts in one document (a bracket drawn mirrored
/// for ")" in Arabic and plain for "(" in a Latin run) is written as two
/// glyphs with the same outline: copy 0, copy 1, …
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Wanted {
    pub gid: u16,
    pub shift: i16,
    pub copy: u16,
}

impl Wanted {
    pub fn plain(gid: u16) -> Wanted {
        Wanted {
            gid,
            shift: 0,
            copy: 0,
        }
    }
}

/// A document's font program.
#[derive(Debug, Clone, PartialEq)]
pub struct Subset {
    /// The TrueType font.
    pub program: Vec<u8>,
    /// Advance widths of glyphs `0..=used.len()` (`.notdef`, then the
    /// glyphs used), in 1/1000 em, the units of a PDF's `/W`.
    pub widths: Vec<i64>,
}

/// The font program for the glyphs `used` of `font` (a TrueType font):
/// `used[i]` becomes glyph `i + 1`. `used` must not list a `Wanted` twice
/// (copies of one glyph differ in `copy`).
pub fn subset(font: &[u8], used: &[Wanted]) -> Result<Subset, SubsetError> {
    let (program, advances, units_per_em) = build(font, used, PROGRAM)?;
    let scale = 1000.0 / f32::from(units_per_em.max(1));
    Ok(Subset {
        program,
        widths: advances[..=used.len()]
            .iter()
            .map(|&a| (f32::from(a) * scale).round() as i64)
            .collect(),
    })
}

/// A stand-in for `font`: its names, metrics and `.notdef` only. The PDF
/// library is given this in place of the whole face, so it does not copy
/// half a megabyte per document only for the program to be replaced.
pub fn stand_in(font: &[u8]) -> Result<Vec<u8>, SubsetError> {
    build(font, &[], STAND_IN).map(|(program, _, _)| program)
}

/// The font with glyphs `.notdef` and `used` (renumbered), their parts,
/// and the `tables` it has: its bytes, each new glyph's advance, and its
/// units per em.
fn build(
    font: &[u8],
    used: &[Wanted],
    tables: &[&[u8; 4]],
) -> Result<(Vec<u8>, Vec<u16>, u16), SubsetError> {
    let source = Tables::read(font)?;
    let head = source.require(b"head")?;
    let maxp = source.require(b"maxp")?;
    let hhea = source.require(b"hhea")?;
    let hmtx = source.require(b"hmtx")?;
    let outlines = Outlines {
        glyf: source.require(b"glyf")?,
        loca: source.require(b"loca")?,
        long: u16_at(head, 50)? == 1,
        count: u16_at(maxp, 4)?,
    };
    let units_per_em = u16_at(head, 18)?;

    // New glyph i is order[i]; parts of composites are appended as they
    // are found.
    let mut order: Vec<Wanted> = Vec::with_capacity(used.len() + 1);
    let mut new_id: std::collections::HashMap<Wanted, u16> =
        std::collections::HashMap::with_capacity(used.len() + 1);
    for &wanted in std::iter::once(&Wanted::plain(0)).chain(used) {
        if new_id.insert(wanted, order.len() as u16).is_some() {
            return Err(SubsetError("a glyph is listed twice"));
        }
        order.push(wanted);
    }
    let mut id_of = |wanted: Wanted, order: &mut Vec<Wanted>| -> u16 {
        *new_id.entry(wanted).or_insert_with(|| {
            order.push(wanted);
            order.len() as u16 - 1
        })
    };
    let long_metrics = usize::from(u16_at(hhea, 34)?).max(1);
    let metrics = |gid: u16| horizontal_metrics(hmtx, long_metrics, gid);
    let mut glyf = Vec::new();
    let mut loca = Vec::with_capacity(4 * (order.len() + 1));
    // hmtx with a full metric (advance, left side bearing) for every glyph.
    let mut new_hmtx = Vec::with_capacity(4 * order.len());
    let mut advances = Vec::with_capacity(order.len());
    let mut i = 0;
    while i < order.len() {
        let Wanted { gid, shift, .. } = order[i];
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
        let outline = outlines.get(gid)?;
        let (mut advance, mut bearing) = metrics(gid)?;
        if shift == 0 {
            let (outline, parts) = without_instructions(outline)?;
            let start = glyf.len();
            glyf.extend_from_slice(&outline);
            for at in parts.map(|p| p.ids).unwrap_or_default() {
                let id = id_of(Wanted::plain(u16_at(&outline, at)?), &mut order);
                glyf[start + at..start + at + 2].copy_from_slice(&id.to_be_bytes());
            }
        } else if outline.len() >= 10 {
            let part = id_of(Wanted::plain(gid), &mut order);
            moved_copy(&mut glyf, outline, part, shift)?;
            advance = 0;
            bearing = bearing.saturating_add(shift);
        }
        // Each outline starts on a 4-byte boundary.
        glyf.resize(glyf.len().next_multiple_of(4), 0);
        advances.push(advance);
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&bearing.to_be_bytes());
        i += 1;
    }
    loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
    if order.len() > usize::from(u16::MAX) {
        return Err(SubsetError("too many glyphs"));
    }

    let count = (order.len() as u16).to_be_bytes();
    let mut new_head = head.to_vec();
    new_head[8..12].fill(0); // checkSumAdjustment, set when written
    new_head[50..52].copy_from_slice(&1u16.to_be_bytes()); // long loca
    let mut new_maxp = maxp.to_vec();
    new_maxp[4..6].copy_from_slice(&count);
    let mut new_hhea = hhea.to_vec();
    new_hhea[34..36].copy_from_slice(&count);

    let mut out: Vec<(&[u8; 4], std::borrow::Cow<'_, [u8]>)> = Vec::new();
    for &tag in tables {
        let data: std::borrow::Cow<'_, [u8]> = match tag {
            b"glyf" => std::mem::take(&mut glyf).into(),
            b"loca" => std::mem::take(&mut loca).into(),
            b"hmtx" => std::mem::take(&mut new_hmtx).into(),
            b"head" => std::mem::take(&mut new_head).into(),
            b"maxp" => std::mem::take(&mut new_maxp).into(),
            b"hhea" => std::mem::take(&mut new_hhea).into(),
            b"cmap" => EMPTY_CMAP.as_slice().into(),
            _ => match source.get(tag) {
                Some(data) => data.into(),
                None => continue,
            },
        };
        out.push((tag, data));
    }
    Ok((write_sfnt(&out), advances, units_per_em))
}

/// A glyph's advance and left side bearing from `hmtx` (glyphs past the
/// long metrics share the last advance).
fn horizontal_metrics(
    hmtx: &[u8],
    long_metrics: usize,
    gid: u16,
) -> Result<(u16, i16), SubsetError> {
    let gid = usize::from(gid);
    Ok(if gid < long_metrics {
        (u16_at(hmtx, 4 * gid)?, u16_at(hmtx, 4 * gid + 2)? as i16)
    } else {
        (
            u16_at(hmtx, 4 * (long_metrics - 1))?,
            u16_at(hmtx, 4 * long_metrics + 2 * (gid - long_metrics))? as i16,
        )
    })
}

/// Appends to `glyf` a composite of one part: glyph `part` (whose outline
/// is `outline`), moved right by `shift` units, its bounding box with it.
fn moved_copy(
    glyf: &mut Vec<u8>,
    outline: &[u8],
    part: u16,
    shift: i16,
) -> Result<(), SubsetError> {
    let moved = |at: usize| -> Result<[u8; 2], SubsetError> {
        (u16_at(outline, at)? as i16)
            .checked_add(shift)
            .map(i16::to_be_bytes)
            .ok_or(SubsetError("a glyph moved out of range"))
    };
    glyf.extend_from_slice(&(-1i16).to_be_bytes());
    glyf.extend_from_slice(&moved(2)?);
    glyf.extend_from_slice(&outline[4..6]);
    glyf.extend_from_slice(&moved(6)?);
    glyf.extend_from_slice(&outline[8..10]);
    // ARG_1_AND_2_ARE_WORDS | ARGS_ARE_XY_VALUES: an offset in units.
    glyf.extend_from_slice(&0x0003u16.to_be_bytes());
    glyf.extend_from_slice(&part.to_be_bytes());
    glyf.extend_from_slice(&shift.to_be_bytes());
    glyf.extend_from_slice(&0i16.to_be_bytes());
    Ok(())
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// An sfnt file of `tables` (sorted by tag), with checksums.
fn write_sfnt(tables: &[(&[u8; 4], std::borrow::Cow<'_, [u8]>)]) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros() as u16);
    let search_range = power * 16;
    let entry_selector = power.trailing_zeros() as u16;
    let range_shift = count * 16 - search_range;
    let mut out = Vec::with_capacity(
        12 + 16 * tables.len() + tables.iter().map(|(_, d)| d.len() + 3).sum::<usize>(),
    );
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for field in [count, search_range, entry_selector, range_shift] {
        out.extend_from_slice(&field.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend_from_slice(&tag[..]);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        if *tag == b"head" {
            head_at = Some(offset);
        }
        offset += data.len().next_multiple_of(4);
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(4), 0);
    }
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::text::FontId;
    use skrifa::instance::{LocationRef, Size};
    use skrifa::outline::DrawSettings;
    use skrifa::outline::pen::PathElement;
    use skrifa::raw::TableProvider;
    use skrifa::{FontRef, GlyphId, MetadataProvider};

    /// What a test asks of a font, read with the fontations crates (an
    /// independent reader: the subsetter itself reads raw bytes).
    struct Read<'a>(FontRef<'a>);

    impl<'a> Read<'a> {
        fn new(bytes: &'a [u8]) -> Read<'a> {
            Read(FontRef::new(bytes).expect("the font parses"))
        }

        fn glyph_count(&self) -> u16 {
            self.0.maxp().unwrap().num_glyphs()
        }

        fn units_per_em(&self) -> u16 {
            self.0.head().unwrap().units_per_em()
        }

        fn advance(&self, gid: u16) -> Option<f32> {
            self.0
                .glyph_metrics(Size::unscaled(), LocationRef::default())
                .advance_width(GlyphId::from(gid))
        }

        /// The bounding box a glyph's header states (`None` for an empty
        /// glyph).
        fn bounds(&self, gid: u16) -> Option<(i16, i16, i16, i16)> {
            let glyf = self.0.glyf().unwrap();
            let glyph = self
                .0
                .loca(None)
                .unwrap()
                .get_glyf(GlyphId::from(gid), &glyf)
                .unwrap()?;
            Some((glyph.x_min(), glyph.y_min(), glyph.x_max(), glyph.y_max()))
        }

        /// The outline as drawn, in font units.
        fn path(&self, gid: u16) -> Vec<PathElement> {
            let mut path = Vec::new();
            let glyph = self.0.outline_glyphs().get(GlyphId::from(gid)).unwrap();
            let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
            glyph.draw(settings, &mut path).unwrap();
            path
        }
    }

    fn used_by(font: FontId, text: &str) -> Vec<Wanted> {
        let face = font.face();
        let mut used: Vec<u16> = text.chars().filter_map(|c| face.glyph_index(c)).collect();
        used.sort_unstable();
        used.dedup();
        used.reverse(); // any order: the caller's
        used.into_iter().map(Wanted::plain).collect()
    }

    #[test]
    fn used_glyphs_are_renumbered_in_order_with_their_outlines_and_widths() {
        for font in FontId::ALL {
            let full = Read::new(font.bytes());
            let used = used_by(font, "مركز خدمة المواطن Citizen 0123");
            let sub = subset(font.bytes(), &used).unwrap();
            assert!(
                sub.program.len() * 10 < font.bytes().len(),
                "{font:?} not reduced"
            );
            let face = Read::new(&sub.program);
            assert!(usize::from(face.glyph_count()) > used.len());
            let scale = 1000.0 / full.units_per_em() as f32;
            for (i, wanted) in used.iter().enumerate() {
                let (old, new) = (wanted.gid, i as u16 + 1);
                assert_eq!(face.advance(new), full.advance(old));
                assert_eq!(face.bounds(new), full.bounds(old), "{font:?} glyph {old}");
                assert_eq!(face.path(new), full.path(old), "{font:?} glyph {old}");
                let advance = full.advance(old).unwrap();
                assert_eq!(sub.widths[i + 1], (advance * scale).round() as i64);
            }
            assert_eq!(sub.widths.len(), used.len() + 1);
        }
    }

    #[test]
    fn composite_glyphs_bring_their_parts_renumbered() {
        // A composite glyph of a bundled font, kept alone.
        for font in FontId::ALL {
            let full = Tables::read(font.bytes()).unwrap();
            let outlines = Outlines {
                glyf: full.get(b"glyf").unwrap(),
                loca: full.get(b"loca").unwrap(),
                long: u16_at(full.get(b"head").unwrap(), 50).unwrap() == 1,
                count: u16_at(full.get(b"maxp").unwrap(), 4).unwrap(),
            };
            let Some(gid) =
                (0..outlines.count).find(|&g| parts(outlines.get(g).unwrap()).unwrap().is_some())
            else {
                continue;
            };
            let sub = subset(font.bytes(), &[Wanted::plain(gid)]).unwrap();
            let face = Read::new(&sub.program);
            let original = Read::new(font.bytes());
            assert_eq!(face.bounds(1), original.bounds(gid));
            assert_eq!(
                face.path(1),
                original.path(gid),
                "the composite draws the same"
            );
            assert!(face.glyph_count() > 2, "its parts came along");
            return;
        }
        panic!("no bundled font has a composite glyph to test with");
    }

    #[test]
    fn a_moved_glyph_draws_the_same_outline_further_right_with_no_advance() {
        let font = FontId::Arabic;
        let full = Read::new(font.bytes());
        let shadda = font.face().glyph_index('\u{0651}').unwrap();
        let used = [Wanted {
            gid: shadda,
            shift: 120,
            copy: 0,
        }];
        let sub = subset(font.bytes(), &used).unwrap();
        let face = Read::new(&sub.program);
        let original = full.bounds(shadda).unwrap();
        let moved = face.bounds(1).unwrap();
        assert_eq!(
            moved,
            (original.0 + 120, original.1, original.2 + 120, original.3)
        );
        let right = |e: PathElement| match e {
            PathElement::MoveTo { x, y } => PathElement::MoveTo { x: x + 120.0, y },
            PathElement::LineTo { x, y } => PathElement::LineTo { x: x + 120.0, y },
            PathElement::QuadTo { cx0, cy0, x, y } => PathElement::QuadTo {
                cx0: cx0 + 120.0,
                cy0,
                x: x + 120.0,
                y,
            },
            PathElement::CurveTo {
                cx0,
                cy0,
                cx1,
                cy1,
                x,
                y,
            } => PathElement::CurveTo {
                cx0: cx0 + 120.0,
                cy0,
                cx1: cx1 + 120.0,
                cy1,
                x: x + 120.0,
                y,
            },
            PathElement::Close => PathElement::Close,
        };
        let drawn = full.path(shadda);
        assert!(!drawn.is_empty());
        assert_eq!(
            face.path(1),
            drawn.into_iter().map(right).collect::<Vec<_>>()
        );
        assert_eq!(face.advance(1), Some(0.0));
        assert_eq!(sub.widths[1], 0);
        // Its part, the glyph itself, came along unmoved.
        assert_eq!(face.bounds(2), Some(original));
        assert_eq!(face.path(2), full.path(shadda));
    }

    #[test]
    fn a_copy_of_a_glyph_is_a_glyph_of_its_own_with_the_same_outline_and_width() {
        let font = FontId::Latin;
        let full = Read::new(font.bytes());
        let bracket = font.face().glyph_index('(').unwrap();
        let used = [
            Wanted::plain(bracket),
            Wanted {
                copy: 1,
                ..Wanted::plain(bracket)
            },
        ];
        let sub = subset(font.bytes(), &used).unwrap();
        let face = Read::new(&sub.program);
        let original = full.bounds(bracket);
        assert!(original.is_some());
        for new in [1, 2] {
            assert_eq!(face.bounds(new), original);
            assert_eq!(face.path(new), full.path(bracket));
            assert_eq!(face.advance(new), full.advance(bracket));
        }
        assert_eq!(sub.widths[1], sub.widths[2]);
        assert!(sub.widths[1] > 0);
    }

    #[test]
    fn hinting_is_left_out() {
        for font in FontId::ALL {
            let used = used_by(font, "مركز Citizen");
            let bytes = subset(font.bytes(), &used).unwrap().program;
            let tables = Tables::read(&bytes).unwrap();
            for tag in [b"fpgm", b"prep", b"cvt "] {
                assert!(tables.get(tag).is_none());
            }
            let outlines = Outlines {
                glyf: tables.get(b"glyf").unwrap(),
                loca: tables.get(b"loca").unwrap(),
                long: true,
                count: used.len() as u16 + 1,
            };
            for gid in 1..outlines.count {
                let glyph = outlines.get(gid).unwrap();
                if glyph.is_empty() {
                    continue; // a space
                }
                let contours = u16_at(glyph, 0).unwrap() as i16;
                if contours > 0 {
                    let lengths = 10 + 2 * contours as usize;
                    assert_eq!(u16_at(glyph, lengths).unwrap(), 0, "{font:?} glyph {gid}");
                }
            }
        }
    }

    #[test]
    fn checksums_are_right() {
        let used = [
            Wanted::plain(300),
            Wanted::plain(5),
            Wanted {
                gid: 7,
                shift: 9,
                copy: 0,
            },
        ];
        let bytes = subset(FontId::Arabic.bytes(), &used).unwrap().program;
        let tables = Tables::read(&bytes).unwrap();
        for (i, (tag, offset, length)) in tables.records.iter().enumerate() {
            let stored = u32_at(&bytes, 12 + 16 * i + 4).unwrap();
            let mut data = bytes[*offset..*offset + length].to_vec();
            if tag == b"head" {
                data[8..12].fill(0);
            }
            assert_eq!(stored, checksum(&data), "{}", String::from_utf8_lossy(tag));
        }
        assert_eq!(checksum(&bytes), 0xB1B0_AFBA, "whole-font checksum");
    }

    #[test]
    fn a_stand_in_keeps_names_and_metrics_and_only_notdef() {
        for font in FontId::ALL {
            let bytes = stand_in(font.bytes()).unwrap();
            let face = Read::new(&bytes);
            let full = Read::new(font.bytes());
            assert_eq!(face.glyph_count(), 1);
            let (hhea, full_hhea) = (face.0.hhea().unwrap(), full.0.hhea().unwrap());
            assert_eq!(hhea.ascender(), full_hhea.ascender());
            assert_eq!(hhea.descender(), full_hhea.descender());
            let (os2, full_os2) = (face.0.os2().unwrap(), full.0.os2().unwrap());
            assert_eq!(os2.s_cap_height(), full_os2.s_cap_height());
            assert_eq!(os2.us_weight_class(), full_os2.us_weight_class());
            assert_eq!(os2.s_typo_ascender(), full_os2.s_typo_ascender());
            let names = |r: &Read<'_>| r.0.name().unwrap().name_record().len();
            assert_eq!(names(&face), names(&full));
            assert!(names(&face) > 0);
            assert!(bytes.len() * 50 < font.bytes().len(), "{}", bytes.len());
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let font = FontId::Latin.bytes();
        assert!(subset(b"OTTO\0\0\0\0", &[]).is_err());
        assert!(subset(b"", &[]).is_err());
        let twice = [Wanted::plain(7), Wanted::plain(7)];
        assert!(subset(font, &twice).is_err(), "a glyph twice");
        assert!(
            subset(font, &[Wanted::plain(u16::MAX)]).is_err(),
            "no such glyph"
        );
        let far = Wanted {
            gid: 40,
            shift: i16::MAX,
            copy: 0,
        };
        assert!(subset(font, &[far]).is_err(), "moved out of range");
        let mut cut = font[..2000].to_vec();
        assert!(subset(&cut, &[Wanted::plain(3)]).is_err());
        cut[4] = 0xFF;
        assert!(subset(&cut, &[Wanted::plain(3)]).is_err());
    }
}
