//! Arabic text done properly: the Unicode bidi algorithm per paragraph with
//! a right-to-left base, each run shaped by HarfRust (HarfBuzz's own port),
//! per-run fallback to a Latin face where the Arabic face has no glyph, and
//! greedy line breaking at UAX #14 opportunities. Output: positioned glyph
//! ids in visual order, each carrying the text it stands for, so a PDF can
//! be searched and copied.

use std::sync::OnceLock;

use super::face::Face;

use harfrust::BufferClusterLevel;
use unicode_bidi::{BidiInfo, Level};

/// The fonts a document uses, bundled from `fonts/` (OFL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontId {
    Arabic,
    ArabicBold,
    Latin,
    LatinBold,
}

impl FontId {
    pub const ALL: [FontId; 4] = [
        FontId::Arabic,
        FontId::ArabicBold,
        FontId::Latin,
        FontId::LatinBold,
    ];

    pub fn bytes(self) -> &'static [u8] {
        match self {
            FontId::Arabic => include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf"),
            FontId::ArabicBold => include_bytes!("../../fonts/NotoNaskhArabic-Bold.ttf"),
            FontId::Latin => include_bytes!("../../fonts/NotoSans-Regular.ttf"),
            FontId::LatinBold => include_bytes!("../../fonts/NotoSans-Bold.ttf"),
        }
    }

    fn fallback(self) -> FontId {
        match self {
            FontId::Arabic | FontId::Latin => FontId::Latin,
            FontId::ArabicBold | FontId::LatinBold => FontId::LatinBold,
        }
    }

    /// The face, parsed once for the process (its shaping tables too).
    pub fn face(self) -> &'static Face {
        static FACES: OnceLock<Vec<Face>> = OnceLock::new();
        let faces = FACES.get_or_init(|| {
            // The fonts are compiled in and checked by a test: a parse
            // failure is a build defect.
            FontId::ALL
                .iter()
                .map(|f| Face::parse(f.bytes()).expect("bundled font parses"))
                .collect()
        });
        &faces[self as usize]
    }
}

/// Combining marks of Arabic (harakat, shadda, superscript alef, Quranic
/// signs) and the general combining diacritics.
pub fn is_combining_mark(ch: char) -> bool {
    matches!(ch,
        '\u{0300}'..='\u{036F}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06DC}'
        | '\u{06DF}'..='\u{06E4}'
        | '\u{06E7}'..='\u{06E8}'
        | '\u{06EA}'..='\u{06ED}')
}

/// One glyph, placed. Units are points at the shaped size.
#[derive(Clone, Debug, PartialEq)]
pub struct Glyph {
    pub font: FontId,
    pub id: u16,
    /// Pen position of this glyph's origin from the start of the line.
    pub x: f32,
    pub y_offset: f32,
    pub advance: f32,
    /// The logical text this glyph stands for ("" for the 2nd+ glyph of a
    /// cluster): what copy and search give back.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ShapedLine {
    pub glyphs: Vec<Glyph>,
    pub width: f32,
    pub size: f32,
}

fn covers(font: FontId, ch: char) -> bool {
    ch.is_whitespace() || ch.is_control() || font.face().glyph_index(ch).is_some()
}

/// Shapes one run (single direction) with fallback per character span.
fn shape_run(text: &str, rtl: bool, font: FontId, size: f32, out: &mut Vec<Glyph>, pen: &mut f32) {
    // Split into spans the primary font covers and spans it does not.
    let mut spans: Vec<(FontId, &str)> = Vec::new();
    let mut start = 0;
    let mut current: Option<FontId> = None;
    for (i, ch) in text.char_indices() {
        let f = if covers(font, ch) {
            font
        } else {
            font.fallback()
        };
        if current.is_some_and(|c| c != f) {
            spans.push((current.unwrap_or(font), &text[start..i]));
            start = i;
        }
        current = Some(f);
    }
    if start < text.len() {
        spans.push((current.unwrap_or(font), &text[start..]));
    }
    // Spans of a right-to-left run are laid out right to left.
    if rtl {
        spans.reverse();
    }
    for (f, span) in spans {
        let face = f.face();
        let scale = size / face.units_per_em() as f32;
        // Marks get clusters of their own, so each glyph maps to its own
        // characters (a base letter and its shadda stay in logical order
        // when a PDF reader extracts them).
        let shaped = face.shape(span, rtl, BufferClusterLevel::MonotoneCharacters);
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        // Cluster boundaries in logical order, to give each cluster its text.
        let mut starts: Vec<usize> = infos.iter().map(|g| g.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        // The cluster's text goes to its first glyph in logical order (for
        // a right-to-left run, the last one in this visual array), so the
        // same glyph always carries the same text in the ToUnicode map.
        let mut owner: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        for (i, info) in infos.iter().enumerate() {
            let c = info.cluster as usize;
            if rtl {
                owner.insert(c, i);
            } else {
                owner.entry(c).or_insert(i);
            }
        }
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let c = info.cluster as usize;
            let end = starts
                .iter()
                .copied()
                .find(|s| *s > c)
                .unwrap_or(span.len());
            let text = if owner.get(&c) == Some(&i) {
                span[c..end].to_owned()
            } else {
                String::new()
            };
            out.push(Glyph {
                font: f,
                id: info.glyph_id as u16,
                x: *pen + pos.x_offset as f32 * scale,
                y_offset: pos.y_offset as f32 * scale,
                advance: pos.x_advance as f32 * scale,
                text,
            });
            *pen += pos.x_advance as f32 * scale;
        }
    }
}

/// What a shaped line depends on: the text, the size (its bits: sizes are
/// exact values from the layouts), bold or not, and the paragraph's base
/// direction.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ShapeKey {
    text: String,
    size_bits: u32,
    bold: bool,
    rtl_base: bool,
}

/// Shaped lines by (text, size, bold, base direction). Most of a document
/// is the same from one citizen to the next (captions, the certifying
/// sentence, the verify hint, and every candidate line wrapping tries), so
/// a batch of documents shapes each of those once.
fn shape_cache() -> &'static std::sync::Mutex<std::collections::HashMap<ShapeKey, ShapedLine>> {
    static CACHE: OnceLock<std::sync::Mutex<std::collections::HashMap<ShapeKey, ShapedLine>>> =
        OnceLock::new();
    CACHE.get_or_init(Default::default)
}

const SHAPE_CACHE_LIMIT: usize = 20_000;

/// Forgets every shaped line and wrapped paragraph (benchmarks measure
/// from a cold cache).
pub fn clear_shape_cache() {
    if let Ok(mut cache) = shape_cache().lock() {
        cache.clear();
    }
    if let Ok(mut cache) = wrap_cache().lock() {
        cache.clear();
    }
}

/// Shapes one line of a paragraph whose base direction is right-to-left
/// (`rtl_base`) or left-to-right.
pub fn shape_line(text: &str, size: f32, bold: bool, rtl_base: bool) -> ShapedLine {
    let key = ShapeKey {
        text: text.to_owned(),
        size_bits: size.to_bits(),
        bold,
        rtl_base,
    };
    if let Ok(cache) = shape_cache().lock()
        && let Some(line) = cache.get(&key)
    {
        return line.clone();
    }
    let line = shape_line_uncached(text, size, bold, rtl_base);
    if let Ok(mut cache) = shape_cache().lock() {
        // Bounded: names and numbers differ per document; start afresh
        // rather than grow without end.
        if cache.len() >= SHAPE_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, line.clone());
    }
    line
}

fn shape_line_uncached(text: &str, size: f32, bold: bool, rtl_base: bool) -> ShapedLine {
    let bidi = BidiInfo::new(text, Some(base_level(rtl_base)));
    shape_range(&bidi, 0..text.len(), size, bold)
}

fn base_level(rtl_base: bool) -> Level {
    if rtl_base { Level::rtl() } else { Level::ltr() }
}

/// Shapes the line `range` of a text whose bidi levels were resolved over
/// its whole paragraph(s): a line of a wrapped paragraph gets the levels
/// its paragraph gives it (a number at the start of a line follows the
/// Arabic before it, as rule W2 asks), then is reordered on its own (L1-L2).
fn shape_range(
    bidi: &BidiInfo<'_>,
    range: std::ops::Range<usize>,
    size: f32,
    bold: bool,
) -> ShapedLine {
    let font = if bold {
        FontId::ArabicBold
    } else {
        FontId::Arabic
    };
    let text = bidi.text;
    let mut glyphs = Vec::new();
    let mut pen = 0.0;
    for para in &bidi.paragraphs {
        let line = para.range.start.max(range.start)..para.range.end.min(range.end);
        if line.is_empty() {
            continue;
        }
        let (levels, runs) = bidi.visual_runs(para, line);
        for run in runs {
            let rtl = levels[run.start].is_rtl();
            let piece = text[run.clone()].trim_end_matches(['\n', '\r']);
            if !piece.is_empty() {
                shape_run(piece, rtl, font, size, &mut glyphs, &mut pen);
            }
        }
    }
    ShapedLine {
        glyphs,
        width: pen,
        size,
    }
}

/// What a wrapped paragraph depends on: its line's key and the measure.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct WrapKey {
    line: ShapeKey,
    max_width_bits: u32,
}

/// Wrapped paragraphs: the certifying sentence and the verify hint are the
/// same on every document of a service.
fn wrap_cache() -> &'static std::sync::Mutex<std::collections::HashMap<WrapKey, Vec<ShapedLine>>> {
    static CACHE: OnceLock<std::sync::Mutex<std::collections::HashMap<WrapKey, Vec<ShapedLine>>>> =
        OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Breaks a paragraph into lines no wider than `max_width`, at UAX #14
/// opportunities (a word longer than a line is left whole). Lines are
/// measured one by one, then each is laid out with the bidi levels of the
/// whole paragraph.
pub fn wrap(text: &str, size: f32, bold: bool, rtl_base: bool, max_width: f32) -> Vec<ShapedLine> {
    // Most values fit on one line: one shaping, kept in the line cache only.
    let whole = text.trim();
    if whole.is_empty() {
        return Vec::new();
    }
    let line = shape_line(whole, size, bold, rtl_base);
    if line.width <= max_width {
        return vec![line];
    }
    let key = WrapKey {
        line: ShapeKey {
            text: text.to_owned(),
            size_bits: size.to_bits(),
            bold,
            rtl_base,
        },
        max_width_bits: max_width.to_bits(),
    };
    if let Ok(cache) = wrap_cache().lock()
        && let Some(lines) = cache.get(&key)
    {
        return lines.clone();
    }
    let ranges = line_ranges(text, size, bold, rtl_base, max_width);
    let bidi = BidiInfo::new(text, Some(base_level(rtl_base)));
    let lines: Vec<ShapedLine> = ranges
        .into_iter()
        .map(|r| shape_range(&bidi, r, size, bold))
        .collect();
    if let Ok(mut cache) = wrap_cache().lock() {
        if cache.len() >= SHAPE_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, lines.clone());
    }
    lines
}

/// Where `wrap` breaks: the byte range of each line, without the spaces
/// around it.
fn line_ranges(
    text: &str,
    size: f32,
    bold: bool,
    rtl_base: bool,
    max_width: f32,
) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let breaks: Vec<usize> = unicode_linebreak::linebreaks(text)
        .map(|(i, _)| i)
        .collect();
    let mut start = 0;
    while start < text.len() {
        let mut best = None;
        for &b in breaks.iter().filter(|b| **b > start) {
            let fits =
                shape_line(text[start..b].trim_end(), size, bold, rtl_base).width <= max_width;
            if fits || best.is_none() {
                best = Some(b);
            }
            if !fits {
                break;
            }
        }
        let end = best.unwrap_or(text.len());
        let piece = &text[start..end];
        let from = start + (piece.len() - piece.trim_start().len());
        let to = end - (piece.len() - piece.trim_end().len());
        if from < to {
            lines.push(from..to);
        }
        start = end;
    }
    lines
}

/// `text` with each space beside a number made a no-break space (U+00A0),
/// so a line never ends between a number and the word it counts or
/// numbers («بناء 5», «5 مغلفات»): UAX #14 gives no break opportunity on
/// either side of a no-break space, and the shaper draws it with the
/// font's space. Digits of any script count.
pub fn bind_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let is_digit = |c: Option<&char>| c.is_some_and(|c| c.is_numeric());
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let beside_number =
                is_digit(i.checked_sub(1).and_then(|p| chars.get(p))) || is_digit(chars.get(i + 1));
            if c == ' ' && beside_number {
                '\u{A0}'
            } else {
                c
            }
        })
        .collect()
}

/// One run shaped as HarfBuzz's `hb-shape` would (default cluster level,
/// font units): (glyph id, cluster, x advance, x offset, y offset). Used to
/// compare our shaping with HarfBuzz itself.
pub fn shape_raw(text: &str, font: FontId, rtl: bool) -> Vec<(u32, u32, i32, i32, i32)> {
    let shaped = font
        .face()
        .shape(text, rtl, BufferClusterLevel::MonotoneGraphemes);
    shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(i, p)| (i.glyph_id, i.cluster, p.x_advance, p.x_offset, p.y_offset))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts what a glyph's outline draws.
    #[derive(Default)]
    struct Strokes(usize);

    impl skrifa::outline::OutlinePen for Strokes {
        fn move_to(&mut self, _: f32, _: f32) {
            self.0 += 1;
        }
        fn line_to(&mut self, _: f32, _: f32) {
            self.0 += 1;
        }
        fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {
            self.0 += 1;
        }
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {
            self.0 += 1;
        }
        fn close(&mut self) {
            self.0 += 1;
        }
    }

    #[test]
    fn arabic_is_joined_and_laid_out_right_to_left() {
        let line = shape_line("محمد", 12.0, false, true);
        // Four letters, joined forms: glyph ids differ from isolated forms.
        assert_eq!(line.glyphs.len(), 4);
        let isolated: Vec<u16> = "محمد"
            .chars()
            .map(|c| FontId::Arabic.face().glyph_index(c).unwrap())
            .collect();
        let shaped: Vec<u16> = line.glyphs.iter().map(|g| g.id).collect();
        assert_ne!(shaped, isolated);
        // Visual order: the last letter (د) is leftmost.
        assert_eq!(line.glyphs[0].text, "د");
        assert_eq!(line.glyphs[3].text, "م");
        assert!(line.width > 0.0);
    }

    #[test]
    fn digits_and_latin_stay_left_to_right_inside_arabic() {
        let line = shape_line("رقم الوثيقة TRT01-D01-0000042", 12.0, false, true);
        let visual: String = line.glyphs.iter().map(|g| g.text.as_str()).collect();
        assert!(visual.contains("TRT01-D01-0000042"), "{visual}");
        // The Latin part comes first (leftmost) on a right-to-left line.
        assert!(visual.starts_with("TRT01"), "{visual}");
    }

    #[test]
    fn a_phone_number_in_an_isolate_keeps_its_order_inside_arabic() {
        const CONTROLS: [char; 4] = ['\u{2066}', '\u{2069}', '\u{202D}', '\u{202C}'];
        let visual = |text: &str| -> (String, Vec<Glyph>) {
            let line = shape_line(text, 12.0, false, true);
            let text = line.glyphs.iter().map(|g| g.text.as_str()).collect();
            (text, line.glyphs)
        };
        // Latin and Arabic-Indic digits (the latter "Arabic numbers" to
        // the bidi algorithm), and a stray control that would end the
        // isolate early.
        for (phone, shown_as) in [
            ("+963 944 123 456", "+963 944 123 456"),
            ("+٩٦٣ ٩٤٤ ١٢٣ ٤٥٦", "+٩٦٣ ٩٤٤ ١٢٣ ٤٥٦"),
            ("0944 123\u{2069} 456", "0944 123 456"),
        ] {
            // Bare, its groups run right to left and the "+" ends up last.
            let (bare, _) = visual(&format!("الهاتف: {phone}"));
            assert!(!bare.contains(shown_as), "{bare}");
            let (isolated, glyphs) = visual(&format!(
                "الهاتف: {}",
                crate::documents::render::left_to_right(phone)
            ));
            let shown: String = isolated.replace(CONTROLS, "");
            assert!(shown.starts_with(shown_as), "{shown}");
            // The controls take no room and draw no outline.
            for g in glyphs.iter().filter(|g| g.text.contains(CONTROLS)) {
                assert_eq!(g.advance, 0.0);
                let mut strokes = Strokes::default();
                assert!(g.font.face().draw(g.id, &mut strokes));
                assert_eq!(strokes.0, 0);
            }
        }
        // With an Arabic word in it, the isolate alone: its letters keep
        // their own direction.
        let (shown, _) = visual(&crate::documents::render::left_to_right(
            "0944123456 أبو محمد",
        ));
        assert!(
            shown.replace(CONTROLS, "").starts_with("0944123456"),
            "{shown}"
        );
        assert!(shown.contains("دمحم"), "{shown}");
    }

    #[test]
    fn a_cached_line_is_the_line_shaped_afresh() {
        let text = "تشهد مديرية الشؤون المدنية بأن المواطن Ahmad 123";
        let first = shape_line(text, 11.0, true, true);
        let again = shape_line(text, 11.0, true, true);
        assert_eq!(first, again);
        assert_eq!(first, shape_line_uncached(text, 11.0, true, true));
        assert_ne!(
            first,
            shape_line(text, 12.0, true, true),
            "the size is part of the key"
        );
    }

    #[test]
    fn missing_glyphs_fall_back_to_the_latin_face() {
        // Noto Naskh Arabic has no glyph for this Greek letter; Noto Sans has.
        let line = shape_line("Ω", 12.0, false, true);
        assert_eq!(line.glyphs[0].font, FontId::Latin);
        assert_ne!(line.glyphs[0].id, 0);
    }

    #[test]
    fn brackets_are_mirrored_in_right_to_left_text_and_copy_as_written() {
        // "(تابع)": on a right-to-left line the opening bracket is the
        // rightmost glyph and must look like ")"; the text it stands for
        // stays "(" so copy and search give back what was written.
        let line = shape_line("(تابع)", 12.0, false, true);
        // (Noto Naskh Arabic has no brackets: they come from the fallback.)
        let (first, last) = (&line.glyphs[0], line.glyphs.last().unwrap());
        let gid = |c: char| first.font.face().glyph_index(c).unwrap();
        assert_eq!((first.id, first.text.as_str()), (gid('('), ")"));
        assert_eq!((last.id, last.text.as_str()), (gid(')'), "("));
        // In a left-to-right run nothing is mirrored.
        let latin = shape_line("(ABC)", 12.0, false, false);
        assert_eq!(latin.glyphs[0].text, "(");
        assert_eq!(
            latin.glyphs[0].id,
            latin.glyphs[0].font.face().glyph_index('(').unwrap()
        );
    }

    #[test]
    fn a_wrapped_line_keeps_the_bidi_levels_of_its_paragraph() {
        // After Arabic letters a number is an Arabic number (rule W2), so
        // "2010-2012" reads right to left like the words around it: 2010
        // is drawn right of 2012. It must stay so when the range starts a
        // line of its own, where the line alone would make it Latin.
        let text = "الأعوام 2010-2012";
        let visual = |l: &ShapedLine| l.glyphs.iter().map(|g| g.text.as_str()).collect::<String>();
        assert!(visual(&shape_line(text, 12.0, false, true)).starts_with("2012-2010"));
        let narrow = shape_line("الأعوام", 12.0, false, true).width + 1.0;
        let lines = wrap(text, 12.0, false, true, narrow);
        assert_eq!(lines.len(), 2);
        assert_eq!(visual(&lines[1]), "2012-2010");
        assert_eq!(
            visual(&shape_line("2010-2012", 12.0, false, true)),
            "2010-2012"
        );
    }

    #[test]
    fn a_no_break_space_is_the_fonts_space_and_never_a_line_end() {
        for bold in [false, true] {
            let space = shape_line("5 مغلفات", 12.0, bold, true);
            let glued = shape_line("5\u{A0}مغلفات", 12.0, bold, true);
            let gap = |l: &ShapedLine| {
                l.glyphs
                    .iter()
                    .find(|g| g.text == " " || g.text == "\u{A0}")
                    .map(|g| (g.font, g.id, g.advance))
            };
            // The same glyph, at the same width: only the text it copies
            // as differs.
            assert_eq!(gap(&space), gap(&glued));
            assert!(glued.glyphs.iter().any(|g| g.text == "\u{A0}"));
            assert_eq!(space.width, glued.width);
        }
        // However narrow the measure, the number stays with its word.
        let text = bind_numbers("عدد المغلفات في هذه الصفحة 5 من أصل 12 مغلفاً");
        assert_eq!(text.matches('\u{A0}').count(), 4);
        let narrow = shape_line("الصفحة", 10.0, false, true).width;
        let lines = wrap(&text, 10.0, false, true, narrow);
        let texts: Vec<String> = lines
            .iter()
            .map(|l| l.glyphs.iter().rev().map(|g| g.text.as_str()).collect())
            .collect();
        assert!(texts.len() >= 5, "{texts:?}");
        for t in &texts {
            let t = t.trim();
            assert!(
                !t.chars().all(|c| c.is_numeric()),
                "a number alone on a line: {texts:?}"
            );
        }
        assert!(
            texts
                .iter()
                .any(|t| t.contains("5") && t.contains("الصفحة")),
            "{texts:?}"
        );
        // Spaces between words stay ordinary spaces; Arabic-Indic digits
        // are numbers too.
        assert_eq!(bind_numbers("بناء ١٢، طابق 3"), "بناء\u{A0}١٢، طابق\u{A0}3");
        assert_eq!(bind_numbers("حي الميدان"), "حي الميدان");
    }

    #[test]
    fn wrapping_respects_the_width() {
        let text = "غير عامل في الجهات العامة ولا يتقاضى أجراً منها، وقد أعطيت هذه الوثيقة بناءً على طلبه لتقديمها إلى الجهة المختصة";
        let lines = wrap(text, 12.0, false, true, 150.0);
        assert!(lines.len() >= 3, "{}", lines.len());
        assert!(lines.iter().all(|l| l.width <= 150.0));
        let back: String = lines
            .iter()
            .flat_map(|l| l.glyphs.iter().map(|g| g.text.clone()))
            .collect();
        assert_eq!(
            back.chars().filter(|c| !c.is_whitespace()).count(),
            text.chars().filter(|c| !c.is_whitespace()).count()
        );
    }
}
