//! Editing one line of Arabic text the way an Arabic reader expects, with
//! no window involved (so every rule here is unit-tested).
//!
//! iced 0.14's `text_input` treats every line as left-to-right: arrow keys
//! move the wrong way in Arabic, the caret is drawn at the wrong place,
//! and a leading Latin letter flips the whole line. Here the line is laid
//! out as it is drawn: the Unicode bidi algorithm with a right-to-left
//! base, each run shaped by HarfRust (the shaper iced draws with, through
//! cosmic-text) with the same bundled Amiri face the app draws with, so every grapheme has a logical byte range and visual
//! left/right edges. The caret is a logical position plus which side it
//! clings to (at a bidi boundary one logical position has two places on
//! screen); arrow keys move to the next caret place to the left or right
//! on screen, whatever the logical order.

use citizen_desk::documents::face::Face;
use harfrust::BufferClusterLevel;
use unicode_bidi::{BidiInfo, Level};
use unicode_segmentation::UnicodeSegmentation;

/// One grapheme as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Its logical byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Its edges on screen, in pixels from the line's left end.
    pub left: f32,
    pub right: f32,
    pub rtl: bool,
}

/// A place the caret can stand: a logical position and its x on screen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stop {
    pub index: usize,
    pub x: f32,
    /// True when this place is the trailing edge of the grapheme before
    /// `index` (the caret "after what was just typed"), false when it is
    /// the leading edge of the grapheme at `index`.
    pub after: bool,
}

/// The face the screen draws with (the app's default font, Amiri): caret
/// places must come from the same outlines the user sees. (Printed
/// documents use their own face, Noto Naskh Arabic.)
fn screen_face() -> &'static Face {
    static FACE: std::sync::OnceLock<Face> = std::sync::OnceLock::new();
    // Compiled in and drawn by every test of the app: a parse failure is a
    // build defect.
    FACE.get_or_init(|| Face::parse(super::FONTS[0]).expect("bundled font parses"))
}

/// A line laid out right-to-left.
#[derive(Clone, Debug, PartialEq)]
pub struct LineLayout {
    pub cells: Vec<Cell>,
    pub width: f32,
    stops: Vec<Stop>,
}

impl LineLayout {
    pub fn new(text: &str, size: f32) -> LineLayout {
        let face = screen_face();
        let scale = size / face.units_per_em() as f32;
        let bidi = BidiInfo::new(text, Some(Level::rtl()));
        let mut cells = Vec::new();
        let mut pen = 0.0f32;
        if let Some(para) = bidi.paragraphs.first() {
            let (levels, runs) = bidi.visual_runs(para, para.range.clone());
            for run in runs {
                let rtl = levels[run.start].is_rtl();
                let piece = &text[run.clone()];
                let shaped = face.shape(piece, rtl, BufferClusterLevel::MonotoneGraphemes);
                // Each cluster's extent on screen, glyphs in visual order.
                let mut clusters: Vec<(usize, f32, f32)> = Vec::new();
                for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                    let c = info.cluster as usize;
                    let advance = pos.x_advance as f32 * scale;
                    match clusters.iter_mut().find(|k| k.0 == c) {
                        Some(k) => {
                            k.1 = k.1.min(pen);
                            k.2 = k.2.max(pen + advance);
                        }
                        None => clusters.push((c, pen, pen + advance)),
                    }
                    pen += advance;
                }
                let mut starts: Vec<usize> = clusters.iter().map(|k| k.0).collect();
                starts.sort_unstable();
                for &(c, left, right) in &clusters {
                    let end = starts
                        .iter()
                        .copied()
                        .find(|s| *s > c)
                        .unwrap_or(piece.len());
                    // A ligature (lam-alef) is one cluster of two graphemes:
                    // share its width between them, in reading order.
                    let graphemes: Vec<(usize, &str)> =
                        piece[c..end].grapheme_indices(true).collect();
                    let share = (right - left) / graphemes.len().max(1) as f32;
                    for (j, (offset, g)) in graphemes.iter().enumerate() {
                        let (l, r) = if rtl {
                            (right - (j + 1) as f32 * share, right - j as f32 * share)
                        } else {
                            (left + j as f32 * share, left + (j + 1) as f32 * share)
                        };
                        let start = run.start + c + offset;
                        cells.push(Cell {
                            start,
                            end: start + g.len(),
                            left: l,
                            right: r,
                            rtl,
                        });
                    }
                }
            }
        }
        let mut stops = Vec::with_capacity(cells.len() * 2 + 1);
        for cell in &cells {
            let (leading, trailing) = if cell.rtl {
                (cell.right, cell.left)
            } else {
                (cell.left, cell.right)
            };
            stops.push(Stop {
                index: cell.start,
                x: leading,
                after: false,
            });
            stops.push(Stop {
                index: cell.end,
                x: trailing,
                after: true,
            });
        }
        if stops.is_empty() {
            stops.push(Stop {
                index: 0,
                x: 0.0,
                after: false,
            });
        }
        LineLayout {
            cells,
            width: pen,
            stops,
        }
    }

    /// Where the caret stands on screen.
    pub fn caret(&self, index: usize, after: bool) -> Stop {
        let at = |a: bool| {
            self.stops
                .iter()
                .find(|s| s.index == index && s.after == a)
                .copied()
        };
        at(after)
            .or_else(|| at(!after))
            .or_else(|| {
                // Not a grapheme boundary (the text changed underneath):
                // the nearest place before it.
                self.stops
                    .iter()
                    .filter(|s| s.index <= index)
                    .max_by_key(|s| s.index)
                    .copied()
            })
            .unwrap_or(self.stops[0])
    }

    /// The next caret place to the left (`left`) or right on screen, or
    /// `None` at that end of the line. Places at the same x (a bidi
    /// boundary seen from both sides) are passed over together.
    pub fn step(&self, from: Stop, left: bool) -> Option<Stop> {
        const SAME: f32 = 0.5;
        self.stops
            .iter()
            .filter(|s| {
                if left {
                    s.x < from.x - SAME
                } else {
                    s.x > from.x + SAME
                }
            })
            .min_by(|a, b| {
                let da = (a.x - from.x).abs();
                let db = (b.x - from.x).abs();
                da.total_cmp(&db).then(
                    a.index
                        .abs_diff(from.index)
                        .cmp(&b.index.abs_diff(from.index)),
                )
            })
            .copied()
    }

    /// The caret place nearest to a click at `x`.
    pub fn hit(&self, x: f32) -> Stop {
        self.stops
            .iter()
            .min_by(|a, b| (a.x - x).abs().total_cmp(&(b.x - x).abs()))
            .copied()
            .unwrap_or(self.stops[0])
    }

    /// The screen spans (left, right) covering the logical range `a..b`,
    /// adjacent spans merged: a selection across a bidi boundary is
    /// several pieces on screen.
    pub fn spans(&self, a: usize, b: usize) -> Vec<(f32, f32)> {
        let (lo, hi) = (a.min(b), a.max(b));
        let mut pieces: Vec<(f32, f32)> = self
            .cells
            .iter()
            .filter(|c| c.start >= lo && c.end <= hi)
            .map(|c| (c.left, c.right))
            .collect();
        pieces.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut merged: Vec<(f32, f32)> = Vec::new();
        for (l, r) in pieces {
            match merged.last_mut() {
                Some(last) if l <= last.1 + 0.5 => last.1 = last.1.max(r),
                _ => merged.push((l, r)),
            }
        }
        merged
    }
}

/// The text being edited, the caret and the selection, and the edits a
/// key makes. Positions are byte offsets at grapheme boundaries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Editing {
    pub text: String,
    pub cursor: usize,
    /// Which side of a bidi boundary the caret clings to (see [`Stop`]).
    pub after: bool,
    /// The other end of the selection, when there is one.
    pub anchor: Option<usize>,
}

impl Editing {
    pub fn new(text: &str) -> Editing {
        Editing {
            text: text.to_owned(),
            cursor: text.len(),
            after: true,
            anchor: None,
        }
    }

    /// Follows a value changed from outside (cleared after an action):
    /// the caret stays where it was if it still can.
    pub fn sync(&mut self, text: &str) {
        if self.text != text {
            self.text = text.to_owned();
            if self.cursor > text.len() || !text.is_char_boundary(self.cursor) {
                self.cursor = text.len();
                self.after = true;
            }
            self.anchor = None;
        }
    }

    pub fn selection(&self) -> Option<(usize, usize)> {
        self.anchor
            .filter(|a| *a != self.cursor)
            .map(|a| (a.min(self.cursor), a.max(self.cursor)))
    }

    pub fn selected_text(&self) -> Option<&str> {
        self.selection().map(|(a, b)| &self.text[a..b])
    }

    fn delete_selection(&mut self) -> bool {
        match self.selection() {
            Some((a, b)) => {
                self.text.replace_range(a..b, "");
                self.cursor = a;
                self.after = a > 0;
                self.anchor = None;
                true
            }
            None => {
                self.anchor = None;
                false
            }
        }
    }

    /// Typing or pasting: replaces the selection. Line breaks and other
    /// control characters are dropped (this is a one-line field).
    pub fn insert(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        self.delete_selection();
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        self.after = true;
    }

    pub fn backspace(&mut self) {
        if self.delete_selection() || self.cursor == 0 {
            return;
        }
        let previous = self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map(|(i, _)| i)
            .unwrap_or(0);
        self.text.replace_range(previous..self.cursor, "");
        self.cursor = previous;
        self.after = previous > 0;
    }

    pub fn delete(&mut self) {
        if self.delete_selection() {
            return;
        }
        if let Some(next) = self.text[self.cursor..].graphemes(true).next() {
            let end = self.cursor + next.len();
            self.text.replace_range(self.cursor..end, "");
        }
    }

    /// An arrow key: one caret place left or right on screen; with Shift
    /// it extends the selection.
    pub fn arrow(&mut self, layout: &LineLayout, left: bool, select: bool) {
        if !select && let Some((a, b)) = self.selection() {
            // Collapse to the selection's end on that side of the screen.
            let xa = layout.caret(a, false).x;
            let xb = layout.caret(b, true).x;
            let go_a = if left { xa <= xb } else { xa > xb };
            self.cursor = if go_a { a } else { b };
            self.after = !go_a;
            self.anchor = None;
            return;
        }
        if select && self.anchor.is_none() {
            self.anchor = Some(self.cursor);
        }
        if !select {
            self.anchor = None;
        }
        let here = layout.caret(self.cursor, self.after);
        if let Some(stop) = layout.step(here, left) {
            self.cursor = stop.index;
            self.after = stop.after;
        }
    }

    /// Home and End go to the start and the end of the text (its right
    /// and left ends in an Arabic line).
    pub fn home(&mut self, select: bool) {
        self.jump(0, select);
    }

    pub fn end(&mut self, select: bool) {
        self.jump(self.text.len(), select);
    }

    fn jump(&mut self, to: usize, select: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        self.cursor = to;
        self.after = to > 0;
    }

    pub fn select_all(&mut self) {
        self.anchor = Some(0);
        self.cursor = self.text.len();
        self.after = true;
    }

    /// A click (or a drag, with `select`) at a caret place.
    pub fn click(&mut self, stop: Stop, select: bool) {
        if select {
            self.anchor.get_or_insert(self.cursor);
        } else {
            self.anchor = None;
        }
        self.cursor = stop.index;
        self.after = stop.after;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: f32 = 18.0;

    fn typed(text: &str) -> (Editing, LineLayout) {
        let e = Editing::new(text);
        let l = LineLayout::new(&e.text, SIZE);
        (e, l)
    }

    fn press(e: &mut Editing, left: bool, select: bool) {
        let layout = LineLayout::new(&e.text, SIZE);
        e.arrow(&layout, left, select);
    }

    #[test]
    fn arabic_reads_right_to_left_on_screen() {
        let (_, l) = typed("سلام عليكم");
        // In reading order, every grapheme sits left of the one before.
        let mut cells = l.cells.clone();
        cells.sort_by_key(|c| c.start);
        assert_eq!(cells.len(), "سلام عليكم".chars().count());
        for pair in cells.windows(2) {
            assert!(pair[1].right <= pair[0].left + 0.5, "{pair:?}");
        }
        // The caret at the start of the text is at the right end.
        assert!((l.caret(0, false).x - l.width).abs() < 0.5);
        assert!(l.caret("سلام عليكم".len(), true).x.abs() < 0.5);
    }

    #[test]
    fn arrows_move_the_way_they_point() {
        let mut e = Editing::new("سلام");
        // The caret at the end stands at the left; Right moves towards the
        // start of the word, one letter at a time (the lam-alef ligature
        // has a place between its two letters).
        let positions: Vec<usize> = (0..5)
            .map(|_| {
                press(&mut e, false, false);
                e.cursor
            })
            .collect();
        let lam = "سل".len();
        assert_eq!(positions, vec![lam + 2, lam, 2, 0, 0]);
        press(&mut e, true, false);
        assert_eq!(e.cursor, 2, "Left moves back towards the end");
        e.insert("ـ");
        assert_eq!(e.text, "سـلام");
    }

    #[test]
    fn inside_a_latin_run_arrows_follow_the_latin_order() {
        // "code ABC" inside Arabic: ABC reads left to right.
        let text = "الرمز ABC";
        let mut e = Editing::new(text);
        let a = text.find('A').unwrap();
        e.cursor = a + 1; // between A and B
        e.after = true;
        press(&mut e, false, false);
        assert_eq!(e.cursor, a + 2, "Right in Latin goes to the next letter");
        press(&mut e, true, false);
        press(&mut e, true, false);
        assert_eq!(e.cursor, a, "Left in Latin goes back");
        let l = LineLayout::new(text, SIZE);
        let xa = l.caret(a, false).x;
        let xc = l.caret(a + 2, false).x;
        assert!(xa < xc, "A is left of C");
    }

    #[test]
    fn a_leading_latin_word_does_not_flip_the_line() {
        let text = "ID رقم";
        let l = LineLayout::new(text, SIZE);
        let latin = l.cells.iter().find(|c| c.start == 0).unwrap();
        let arabic = l.cells.iter().find(|c| c.start == "ID ".len()).unwrap();
        // The line stays right-to-left: what comes first is at the right
        // end, Latin or not, and the Arabic word follows to its left (a
        // left-to-right line would put "ID" at the left end).
        assert!(arabic.right <= latin.left + 0.5, "{latin:?} {arabic:?}");
        let d = l.cells.iter().find(|c| c.start == 1).unwrap();
        assert!(
            (d.right - l.width).abs() < 0.5,
            "ID ends the line on the right"
        );
        assert!(latin.left < d.left, "and reads left to right inside");
        assert!((l.caret(0, false).x - latin.left).abs() < 0.5);
    }

    #[test]
    fn editing_keys() {
        let mut e = Editing::new("مرحبا");
        e.backspace();
        assert_eq!(e.text, "مرحب");
        e.home(false);
        e.delete();
        assert_eq!(e.text, "رحب");
        e.end(true);
        assert_eq!(e.selected_text(), Some("رحب"));
        e.insert("نص");
        assert_eq!((e.text.as_str(), e.cursor), ("نص", "نص".len()));
        e.select_all();
        e.backspace();
        assert_eq!(e.text, "");
        e.insert("سطر\nثان");
        assert_eq!(e.text, "سطرثان", "one line: line breaks dropped");
        // A base letter and its vowel mark are one grapheme.
        let mut e = Editing::new("بَ");
        e.backspace();
        assert_eq!(e.text, "");
    }

    #[test]
    fn shift_arrows_select_and_plain_arrows_collapse() {
        let mut e = Editing::new("كتاب");
        press(&mut e, false, true);
        press(&mut e, false, true);
        assert_eq!(e.selected_text(), Some("اب"));
        let l = LineLayout::new(&e.text, SIZE);
        let spans = l.spans(e.anchor.unwrap(), e.cursor);
        assert_eq!(spans.len(), 1);
        assert!(
            spans[0].0.abs() < 0.5,
            "the selection starts at the left end"
        );
        press(&mut e, true, false);
        assert_eq!((e.cursor, e.anchor), ("كتاب".len(), None));
    }

    #[test]
    fn clicks_land_on_the_nearest_place() {
        let (mut e, l) = typed("باب");
        e.click(l.hit(l.width + 50.0), false);
        assert_eq!(e.cursor, 0, "right of the text: its start");
        e.click(l.hit(-50.0), true);
        assert_eq!(e.selected_text(), Some("باب"));
    }

    #[test]
    fn an_outside_change_keeps_the_caret_valid() {
        let mut e = Editing::new("طويل جدا");
        e.sync("");
        assert_eq!((e.cursor, e.anchor), (0, None));
        let l = LineLayout::new("", SIZE);
        assert_eq!(l.caret(5, true).x, 0.0);
    }
}
