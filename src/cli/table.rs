//! Tables for the terminal. Columns are padded by display width, not by
//! characters: an Arabic letter with its vowel marks takes one cell, so a
//! label with a shadda no longer pulls its column out of line.
//!
//! In Arabic the table reads right to left: each line starts with a
//! right-to-left mark, and one stands between cells, so a terminal that
//! applies the bidi algorithm puts the first column on the right and keeps
//! the columns in order even where neighbouring cells are codes or numbers
//! (which would otherwise join into one left-to-right run). The marks have
//! no width, so a terminal without bidi shows the same columns left to
//! right, still aligned.

use unicode_width::UnicodeWidthStr;

use crate::i18n::Lang;

/// U+200F RIGHT-TO-LEFT MARK.
const RLM: char = '\u{200F}';
/// Space between columns.
const GAP: usize = 2;

pub struct Table {
    rtl: bool,
    rows: Vec<Vec<String>>,
}

/// How many terminal cells `s` takes.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

impl Table {
    pub fn new(lang: Lang) -> Table {
        Table {
            rtl: lang.is_rtl(),
            rows: Vec::new(),
        }
    }

    /// A row; empty cells at its end are dropped (no trailing blanks).
    pub fn row(&mut self, mut cells: Vec<String>) {
        while cells.last().is_some_and(|c| c.is_empty()) {
            cells.pop();
        }
        self.rows.push(cells);
    }

    /// The lines to print: every column as wide as its widest cell (the
    /// last one left ragged).
    pub fn lines(&self) -> Vec<String> {
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| width(cell))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        self.rows
            .iter()
            .map(|row| {
                let mut line = String::new();
                if self.rtl {
                    line.push(RLM);
                }
                for (c, cell) in row.iter().enumerate() {
                    line.push_str(cell);
                    if c + 1 == row.len() {
                        break;
                    }
                    let pad = widths[c] - width(cell) + GAP;
                    line.extend(std::iter::repeat_n(' ', pad));
                    if self.rtl {
                        line.push(RLM);
                    }
                }
                line
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_bidi::BidiInfo;

    fn table(lang: Lang) -> Table {
        let mut t = Table::new(lang);
        // A state with vowel marks (a shadda and a damma) beside one
        // without, codes and numbers beside them.
        t.row(vec![
            "RR100000003SY".into(),
            "مُدقَّق".into(),
            "12".into(),
            "أ".into(),
        ]);
        t.row(vec![
            "RR100000017SY".into(),
            "مستلم".into(),
            "3".into(),
            "ب".into(),
        ]);
        t.row(vec![
            "RR100000020SY".into(),
            "مرفوض".into(),
            "7654".into(),
            "ج".into(),
        ]);
        t
    }

    #[test]
    fn columns_are_padded_by_display_width() {
        assert_eq!(width("مُدقَّق"), 4, "marks take no cell");
        assert_eq!(width("abc"), 3);
        let t = table(Lang::En);
        let lines = t.lines();
        // Every cell starts at the same cell of the terminal on every line.
        let starts: Vec<Vec<usize>> = lines
            .iter()
            .zip(&t.rows)
            .map(|(line, row)| {
                let mut from = 0;
                row.iter()
                    .map(|cell| {
                        let at = from + line[from..].find(cell.as_str()).unwrap();
                        from = at + cell.len();
                        width(&line[..at])
                    })
                    .collect()
            })
            .collect();
        assert_eq!(starts[0], [0, 15, 22, 28], "{lines:#?}");
        assert!(starts.iter().all(|s| *s == starts[0]), "{starts:?}");
        assert!(lines.iter().all(|l| !l.contains(RLM)));
    }

    /// In Arabic, shown as a bidi terminal shows it: the first column on
    /// the right, and every column's right edge at the same distance from
    /// the line's right end.
    #[test]
    fn arabic_tables_read_right_to_left_under_the_bidi_rules() {
        let t = table(Lang::Ar);
        let lines = t.lines();
        let mut edges: Vec<Vec<usize>> = Vec::new();
        for (line, row) in lines.iter().zip(&t.rows) {
            let bidi = BidiInfo::new(line, None);
            let para = &bidi.paragraphs[0];
            assert!(para.level.is_rtl(), "an RTL paragraph: {line:?}");
            let visual = bidi.reorder_line(para, para.range.clone()).into_owned();
            let total = width(&visual);
            // Where each cell's text ends, counted from the right.
            let mut from_right = Vec::new();
            let mut last_seen = visual.len();
            for cell in row {
                // An RTL cell is reversed on screen; an LTR one is not.
                let shown: String = if cell.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
                {
                    let reversed = BidiInfo::new(cell, None);
                    let p = &reversed.paragraphs[0];
                    reversed.reorder_line(p, p.range.clone()).into_owned()
                } else {
                    cell.clone()
                };
                let at = visual[..last_seen]
                    .rfind(&shown)
                    .unwrap_or_else(|| panic!("{shown:?} in {visual:?}"));
                from_right.push(total - width(&visual[..at + shown.len()]));
                last_seen = at;
            }
            edges.push(from_right);
        }
        // Columns in order from the right, and aligned: each column's cells
        // end at the same distance from the right end.
        assert!(edges.iter().all(|e| *e == edges[0]), "{edges:?}");
        assert_eq!(edges[0][0], 0, "the first column is the rightmost");
        assert!(edges[0].windows(2).all(|w| w[0] < w[1]), "{edges:?}");
    }
}
