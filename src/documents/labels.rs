//! Envelope labels (DL 220×110 mm, or on an A4 sheet) and the post
//! hand-over manifest, on the same layout model as the documents.

use chrono::{DateTime, Utc};

use super::layout::{A4, Align, Item, PT_PER_MM, Page};
use super::render::{Digits, Templates, fill, left_to_right, short_date};
use super::text::{ShapedLine, shape_line, wrap};
use crate::domain::{DeliveryPlace, Request};
use crate::error::{Error, Result};

pub const DL: (f32, f32) = (220.0, 110.0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelFormat {
    /// A DL envelope itself, 220 × 110 mm.
    Dl,
    /// The label in the top third of an A4 sheet, to cut and stick.
    A4Sheet,
}

/// What the post must do with the envelope: hand it to the named person
/// against their ID, at their address or at a delivery center.
pub fn delivery_conditions<'t>(req: &Request, t: &'t Templates) -> (&'t str, String) {
    match &req.delivery.place {
        DeliveryPlace::Address { address } => (&t.captions.conditions_home, address.clone()),
        DeliveryPlace::Center { center } => (&t.captions.conditions_center, center.clone()),
    }
}

fn qr_item(text: &str, x: f32, y: f32, side: f32) -> Result<Item> {
    let symbol = crate::seal::qr::encode(text).map_err(|e| Error::Storage(e.to_string()))?;
    Ok(Item::Qr {
        x,
        y,
        side,
        modules: symbol.width,
        dark: symbol.dark,
    })
}

pub fn envelope_label(
    req: &Request,
    sender: &str,
    format: LabelFormat,
    t: &Templates,
) -> Result<Page> {
    let (w, h) = match format {
        LabelFormat::Dl => DL,
        LabelFormat::A4Sheet => A4,
    };
    let mut page = Page::new(w, h);
    let (lw, lh) = DL;
    // On A4 the label sits in a cut frame at the top, centred.
    let (ox, oy) = if format == LabelFormat::A4Sheet {
        ((w - lw) / 2.0, 12.0)
    } else {
        (0.0, 0.0)
    };
    if format == LabelFormat::A4Sheet {
        page.frame(ox, oy, lw, lh, 0.4);
    }
    let right = ox + lw - 10.0;
    let left = ox + 10.0;
    page.text(
        right,
        oy + 12.0,
        &fill(&t.captions.sender, &[("sender", sender)]),
        10.5,
        false,
        Align::Right,
    );
    page.rule(left, oy + 16.0, right, 0.4);
    page.text(
        right,
        oy + 28.0,
        // «إلى السيد» or «إلى السيدة»; the neutral caption only for a
        // request from before requests said.
        match req.sex {
            Some(crate::domain::Sex::Male) => &t.captions.recipient_male,
            Some(crate::domain::Sex::Female) => &t.captions.recipient_female,
            None => &t.captions.recipient,
        },
        11.0,
        false,
        Align::Right,
    );
    page.text(
        right - 26.0,
        oy + 28.0,
        &req.name.full(),
        16.0,
        true,
        Align::Right,
    );
    page.text(
        right,
        oy + 38.0,
        &fill(
            &t.captions.phone,
            &[("phone", &left_to_right(&req.delivery.phone))],
        ),
        12.0,
        false,
        Align::Right,
    );
    let (condition, place) = delivery_conditions(req, t);
    let after = page.paragraph(right, oy + 49.0, lw - 70.0, condition, 10.5, 6.0);
    page.paragraph(right, after + 2.0, lw - 70.0, &place, 13.0, 7.0);
    // Tracking code as QR and text, left side.
    page.items
        .push(qr_item(&req.tracking_code, left, oy + 24.0, 34.0)?);
    page.text(
        left + 17.0,
        oy + 64.0,
        &req.tracking_code,
        11.0,
        true,
        Align::Center,
    );
    page.text(
        left + 17.0,
        oy + 70.0,
        &t.captions.tracking_caption,
        9.0,
        false,
        Align::Center,
    );
    page.text(
        right,
        oy + lh - 8.0,
        &fill(
            &t.captions.document_number,
            &[("number", req.document_number.as_deref().unwrap_or("—"))],
        ),
        9.5,
        false,
        Align::Right,
    );
    Ok(page)
}

/// The manifest's table, in mm from the top of the page: the first row's
/// baseline, the pitch of one-line rows, the pitch of a cell's further
/// lines, and how far down a row's rule may go: on the last page, above
/// the signatures, on the others, the bottom margin.
const FIRST_ROW: f32 = 55.0;
const ROW_PITCH: f32 = 9.0;
const LINE_PITCH: f32 = 4.4;
const ROWS_END: f32 = 247.0;
const PAGE_END: f32 = 280.0;
const CELL_SIZE: f32 = 9.5;
/// The smallest a cell's text is set to fit its column.
const MIN_CELL_SIZE: f32 = 6.0;
/// A name or place longer than this many lines is cut, with "…".
const MAX_CELL_LINES: usize = 6;

/// A manifest cell's lines for a column `width` mm wide: wrapped where
/// `wraps` (at most `MAX_CELL_LINES`; a longer text is cut at the longest
/// beginning that fits, and ends with "…"), one line otherwise; set
/// smaller where a word or number is wider than the column, rather than
/// running into the next, and a one-line cell still too wide at the
/// smallest size is cut with "…" too.
fn cell(text: &str, width: f32, wraps: bool) -> Vec<ShapedLine> {
    let max = width * PT_PER_MM;
    let lines_at = |text: &str, size: f32| -> Vec<ShapedLine> {
        let text = text.trim();
        if wraps {
            wrap(text, size, false, true, max)
        } else if text.is_empty() {
            Vec::new()
        } else {
            vec![shape_line(text, size, false, true)]
        }
    };
    let widest = |lines: &[ShapedLine]| lines.iter().map(|l| l.width).fold(0.0, f32::max);
    // The longest beginning of `text` that, ended with "…", `fits` ("…"
    // alone always does).
    let cut_to = |text: &str, fits: &dyn Fn(&str) -> bool| -> String {
        let chars: Vec<char> = text.chars().collect();
        let cut = |n: usize| format!("{}…", chars[..n].iter().collect::<String>().trim_end());
        let (mut fitting, mut too_long) = (0, chars.len());
        while too_long - fitting > 1 {
            let mid = (fitting + too_long) / 2;
            if fits(&cut(mid)) {
                fitting = mid;
            } else {
                too_long = mid;
            }
        }
        cut(fitting)
    };
    let mut text = if wraps {
        breakable_after_commas(text.trim())
    } else {
        text.trim().to_owned()
    };
    let mut lines = lines_at(&text, CELL_SIZE);
    if lines.len() > MAX_CELL_LINES {
        text = cut_to(&text, &|t| lines_at(t, CELL_SIZE).len() <= MAX_CELL_LINES);
        lines = lines_at(&text, CELL_SIZE);
    }
    let mut size = CELL_SIZE;
    if widest(&lines) > max {
        // A little under the exact ratio: advances do not scale exactly.
        size = (CELL_SIZE * max / widest(&lines) * 0.98).max(MIN_CELL_SIZE);
        lines = lines_at(&text, size);
    }
    if !wraps && widest(&lines) > max {
        text = cut_to(&text, &|t| widest(&lines_at(t, size)) <= max);
        lines = lines_at(&text, size);
    }
    lines
}

/// `text` with a line break allowed after each comma or semicolon that
/// has no space after it: typed with Latin commas, "دمشق,المزة,شارع" is
/// otherwise one word no line may break (UAX #14 keeps a Latin comma with
/// the letter after it; after an Arabic comma it allows a break already).
/// A zero width space draws nothing and joins no letters.
fn breakable_after_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, '،' | ',' | '؛' | ';') && chars.peek().is_some_and(|n| n.is_alphabetic()) {
            out.push('\u{200B}');
        }
    }
    out
}

/// The hand-over manifest: every envelope of the batch, counts (in all,
/// to citizens' addresses, to delivery centers), and lines for the clerk's
/// and the postal agent's signatures. Dates, counts and row numbers follow
/// the digit setting; tracking codes and phones print as typed. A name or
/// a delivery place too long for its column wraps inside it (the postal
/// agent reads the whole place; see `cell`), and rows flow onto further
/// pages.
pub fn manifest(
    batch: &str,
    sender: &str,
    clerk: &str,
    at: DateTime<Utc>,
    requests: &[Request],
    t: &Templates,
    digits: Digits,
) -> Vec<Page> {
    let sheet = Manifest::new(batch, sender, clerk, at, requests, t, digits);
    let rows = sheet.rows(requests);
    let chunks = paginate(&rows);
    let pages = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(n, chunk)| {
            let mut page = Page::new(A4.0, A4.1);
            sheet.header(&mut page, n, pages);
            sheet.table(&mut page, &chunk);
            if n + 1 == pages {
                sheet.signatures(&mut page);
            }
            page
        })
        .collect()
}

/// What every page of a manifest shows, and its columns.
struct Manifest<'a> {
    batch: &'a str,
    sender: &'a str,
    clerk: &'a str,
    at: DateTime<Utc>,
    t: &'a Templates,
    digits: Digits,
    /// "N envelopes: n to addresses, m to delivery centers".
    count_line: String,
    right: f32,
    left: f32,
    /// Each column's right edge, right to left: #, tracking code, name,
    /// destination, phone.
    cols: [f32; 5],
}

/// Which columns wrap: names and places do, the others are one line.
const WRAPS: [bool; 5] = [false, false, true, true, false];

/// One row placed on a page: its cells' lines, how many lines its tallest
/// cell has, and where the row ends.
struct PlacedRow<'r> {
    cells: &'r [Vec<ShapedLine>],
    lines: usize,
    bottom: f32,
}

impl<'a> Manifest<'a> {
    fn new(
        batch: &'a str,
        sender: &'a str,
        clerk: &'a str,
        at: DateTime<Utc>,
        requests: &[Request],
        t: &'a Templates,
        digits: Digits,
    ) -> Manifest<'a> {
        let dg = |n: usize| digits.apply(&n.to_string());
        let to_centers = requests
            .iter()
            .filter(|r| matches!(r.delivery.place, DeliveryPlace::Center { .. }))
            .count();
        let count_line = fill(
            &t.captions.envelope_count,
            &[
                ("count", &dg(requests.len())),
                ("home", &dg(requests.len() - to_centers)),
                ("center", &dg(to_centers)),
            ],
        );
        let (right, left) = (A4.0 - 15.0, 15.0);
        Manifest {
            batch,
            sender,
            clerk,
            at,
            t,
            digits,
            count_line,
            right,
            left,
            cols: [right, right - 10.0, right - 46.0, right - 91.0, left + 33.0],
        }
    }

    fn dg(&self, n: usize) -> String {
        self.digits.apply(&n.to_string())
    }

    /// Each cell from its column's right edge to 3 mm short of the next
    /// (the phone to the margin).
    fn widths(&self) -> Vec<f32> {
        let cols = &self.cols;
        (0..cols.len())
            .map(|i| match cols.get(i + 1) {
                Some(next) => cols[i] - next - 3.0,
                None => cols[i] - self.left,
            })
            .collect()
    }

    /// Every envelope's cells, laid out to fit their columns.
    fn rows(&self, requests: &[Request]) -> Vec<Vec<Vec<ShapedLine>>> {
        let widths = self.widths();
        requests
            .iter()
            .enumerate()
            .map(|(i, req)| {
                [
                    self.dg(i + 1),
                    req.tracking_code.clone(),
                    req.name.full(),
                    delivery_conditions(req, self.t).1,
                    left_to_right(&req.delivery.phone),
                ]
                .iter()
                .zip(&widths)
                .zip(WRAPS)
                .map(|((text, width), wraps)| cell(text, *width, wraps))
                .collect()
            })
            .collect()
    }

    /// The title, the sender, the batch, the date, "page n of N" and the
    /// counts.
    fn header(&self, page: &mut Page, n: usize, pages: usize) {
        let (t, right, left) = (self.t, self.right, self.left);
        let title = &t.captions.manifest_title;
        page.text(right, 18.0, title, 16.0, true, Align::Right);
        page.text(right, 26.0, self.sender, 11.0, false, Align::Right);
        let date = self.digits.apply(&short_date(self.at));
        let page_of = [("page", self.dg(n + 1)), ("pages", self.dg(pages))];
        let left_lines = [
            fill(&t.captions.batch, &[("batch", self.batch)]),
            fill(&t.captions.date, &[("date", &date)]),
            fill(
                &t.captions.page_of,
                &page_of.each_ref().map(|(k, v)| (*k, v.as_str())),
            ),
        ];
        for (i, line) in left_lines.iter().enumerate() {
            page.text(left, 18.0 + 6.0 * i as f32, line, 10.0, false, Align::Left);
        }
        page.text(right, 36.0, &self.count_line, 12.0, true, Align::Right);
    }

    /// The column titles and this page's rows, each under a thin rule.
    fn table(&self, page: &mut Page, rows: &[PlacedRow<'_>]) {
        let (right, left) = (self.right, self.left);
        let header = FIRST_ROW - ROW_PITCH;
        for (x, title) in self
            .cols
            .iter()
            .zip(self.t.captions.manifest_columns.split('|'))
        {
            page.text(*x, header, title, 10.5, true, Align::Right);
        }
        page.rule(left, header + 2.5, right, 0.8);
        let mut y = FIRST_ROW;
        for row in rows {
            for (x, lines) in self.cols.iter().zip(row.cells) {
                let mut baseline = y;
                for line in lines {
                    page.items.push(Item::Text {
                        x: x - line.width / PT_PER_MM,
                        baseline,
                        line: line.clone(),
                        gray: 0.0,
                        angle: 0.0,
                    });
                    baseline += LINE_PITCH;
                }
            }
            let last = y + (row.lines - 1) as f32 * LINE_PITCH;
            page.rule(left, last + 2.5, right, 0.2);
            y = last + ROW_PITCH;
        }
    }

    /// The clerk's and the postal agent's signature lines (last page).
    fn signatures(&self, page: &mut Page) {
        let t = self.t;
        let y = A4.1 - 40.0;
        let clerk = fill(&t.captions.clerk, &[("clerk", self.clerk)]);
        let agent_x = self.left + 80.0;
        page.text(self.right, y, &clerk, 11.0, false, Align::Right);
        page.text(
            self.right,
            y + 12.0,
            &t.captions.signature,
            11.0,
            false,
            Align::Right,
        );
        page.text(
            agent_x,
            y,
            &t.captions.postal_agent,
            11.0,
            false,
            Align::Right,
        );
        page.text(
            agent_x,
            y + 12.0,
            &t.captions.signature,
            11.0,
            false,
            Align::Right,
        );
    }
}

/// Rows to pages, by height, before drawing (each page says "n of N").
/// Pages run down to the bottom margin; the last keeps room for the
/// signatures, so rows past it there go on to one more page (a row has at
/// most MAX_CELL_LINES lines, so they fit there).
fn paginate(rows: &[Vec<Vec<ShapedLine>>]) -> Vec<Vec<PlacedRow<'_>>> {
    let mut chunks: Vec<Vec<PlacedRow<'_>>> = Vec::new();
    let mut page: Vec<PlacedRow<'_>> = Vec::new();
    let mut y = FIRST_ROW;
    for row in rows {
        let lines = row.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let height = (lines - 1) as f32 * LINE_PITCH + 2.5;
        if y + height > PAGE_END && !page.is_empty() {
            chunks.push(std::mem::take(&mut page));
            y = FIRST_ROW;
        }
        page.push(PlacedRow {
            cells: row,
            lines,
            bottom: y + height,
        });
        y += height - 2.5 + ROW_PITCH;
    }
    let split = page
        .iter()
        .position(|row| row.bottom > ROWS_END)
        .unwrap_or(page.len());
    let rest = page.split_off(split);
    chunks.push(page);
    if !rest.is_empty() {
        chunks.push(rest);
    }
    chunks
}
