//! Envelope labels (DL 220×110 mm, or on an A4 sheet) and the post
//! hand-over manifest, on the same layout model as the documents.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Damascus;

use super::barcode::Code128;
use super::layout::{A4, Align, Item, PT_PER_MM, Page};
use super::render::{Digits, Templates, fill, left_to_right, short_date};
use super::text::{ShapedLine, bind_numbers, shape_line, wrap};
use crate::domain::{Catalog, DeliveryPlace, Request};
use crate::error::{Error, Result};
use crate::i18n::Message;

pub const DL: (f32, f32) = (220.0, 110.0);
/// No content comes nearer a sheet's edge than this: printers leave a few
/// millimetres unprinted, and a postal scanner needs the quiet zones.
pub const MARGIN: f32 = 10.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelFormat {
    /// A DL envelope itself, 220 × 110 mm.
    Dl,
    /// The label at the top of an A4 sheet, in a frame to cut along.
    A4Sheet,
}

/// Where a label goes on its sheet: the sheet, the frame to cut along (on
/// A4), and the box its content keeps inside.
struct LabelArea {
    sheet: (f32, f32),
    cut: Option<(f32, f32, f32, f32)>,
    left: f32,
    top: f32,
    right: f32,
    bottom: f32,
}

impl LabelFormat {
    fn area(self) -> LabelArea {
        match self {
            LabelFormat::Dl => LabelArea {
                sheet: DL,
                cut: None,
                left: MARGIN,
                top: MARGIN,
                right: DL.0 - MARGIN,
                bottom: DL.1 - MARGIN,
            },
            // A DL-high frame as wide as the sheet's margins allow (a DL
            // label is wider than A4), its content a little inside it.
            LabelFormat::A4Sheet => {
                const PADDING: f32 = 6.0;
                let (w, h) = (A4.0 - 2.0 * MARGIN, DL.1);
                LabelArea {
                    sheet: A4,
                    cut: Some((MARGIN, MARGIN, w, h)),
                    left: MARGIN + PADDING,
                    top: MARGIN + PADDING,
                    right: MARGIN + w - PADDING,
                    bottom: MARGIN + h - PADDING,
                }
            }
        }
    }
}

/// What the post must do with the envelope: hand it to the named person
/// against their ID, at their address or at a delivery center.
pub fn delivery_conditions<'t>(req: &Request, t: &'t Templates) -> (&'t str, String) {
    match &req.delivery.place {
        DeliveryPlace::Address { address } => (&t.captions.conditions_home, address.clone()),
        DeliveryPlace::Center { center } => (&t.captions.conditions_center, center.clone()),
    }
}

/// A delivery center's address, when the envelope goes to one the
/// templates know (the post needs its street, not only its name).
pub fn delivery_center_address(req: &Request, t: &Templates) -> Option<String> {
    match &req.delivery.place {
        DeliveryPlace::Center { center } => t.delivery_center_address(center),
        DeliveryPlace::Address { .. } => None,
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

/// The top band's height: the registered mark, the barcode with its line
/// of text, and the sender.
const BAND: f32 = 24.0;
/// The side of the box around the registered mark's "R".
const MARK_SIDE: f32 = 12.0;
/// One module of the barcode: 1/50 inch (0.508 mm), three pixels of a
/// 150 dpi raster, six dots at 300 dpi, about four of a 203 dpi label
/// printer.
const BAR_MODULE: f32 = 25.4 / 50.0;
const BAR_HEIGHT: f32 = 15.0;
/// The barcode starts on this grid (a pixel at 150 dpi), so its bars'
/// edges fall between pixels there and at 300 and 600 dpi, never across.
const BAR_GRID: f32 = 25.4 / 150.0;
/// The tracking QR (a version 1 symbol: 21 modules of 1.24 mm) and the
/// light space it keeps from the band above (four modules).
const QR_SIDE: f32 = 26.0;
const QR_QUIET: f32 = 5.0;

/// The envelope's label for `req`, sent by `center` (its name and return
/// address from the templates): on the left, where postal marks go on a
/// right-to-left envelope, the registered mark, the tracking code's Code
/// 128 barcode and its QR; on the right, the sender, then the recipient,
/// the phone, the delivery conditions and the place (with the delivery
/// center's address).
pub fn envelope_label(
    req: &Request,
    center: &str,
    format: LabelFormat,
    t: &Templates,
) -> Result<Page> {
    let area = format.area();
    let mut page = Page::new(area.sheet.0, area.sheet.1);
    if let Some((x, y, w, h)) = area.cut {
        page.frame(x, y, w, h, 0.4);
    }
    registered_mark(&mut page, area.left, area.top, t);
    let bars_end = barcode(
        &mut page,
        area.left + MARK_SIDE + 2.0,
        area.top,
        &req.tracking_code,
    )?;
    sender(&mut page, &area, bars_end + 4.0, center, t);
    let band = area.top + BAND;
    page.rule(area.left, band, area.right, 0.4);
    let qr_top = band + QR_QUIET;
    page.items
        .push(qr_item(&req.tracking_code, area.left, qr_top, QR_SIDE)?);
    // Under the QR's quiet zone, which no text may enter.
    page.text(
        area.left + QR_SIDE / 2.0,
        qr_top + QR_SIDE + QR_QUIET + 3.0,
        &t.captions.tracking_caption,
        9.0,
        false,
        Align::Center,
    );
    recipient(&mut page, &area, area.left + QR_SIDE + 8.0, band, req, t);
    Ok(page)
}

/// «R» in a box with «مضمون» under it: registered mail, as postal labels
/// mark it (the R is the mark every post reads, whatever its language).
fn registered_mark(page: &mut Page, left: f32, top: f32, t: &Templates) {
    page.frame(left, top, MARK_SIDE, MARK_SIDE, 1.2);
    page.text(
        left + MARK_SIDE / 2.0,
        top + 8.8,
        "R",
        22.0,
        true,
        Align::Center,
    );
    // Centred under the box, but never out past its left edge.
    let word = shape_line(&t.captions.registered, 10.0, true, true);
    let width = word.width / PT_PER_MM;
    let from = left + ((MARK_SIDE - width) / 2.0).max(0.0);
    page.line_right(from + width, top + MARK_SIDE + 5.5, word);
}

/// The tracking code's Code 128 bars, `BAR_HEIGHT` high from `top`, their
/// left quiet zone starting at `x` (moved onto the grid), and the code as
/// text under them. Returns where the right quiet zone ends.
fn barcode(page: &mut Page, x: f32, top: f32, code: &str) -> Result<f32> {
    let symbol = Code128::encode(code)
        .map_err(|_| Error::BadInput(Message::new("err-barcode").arg("code", code)))?;
    let x0 = (x / BAR_GRID).ceil() * BAR_GRID;
    for (start, width) in symbol.bars() {
        page.fill_rect(
            x0 + start as f32 * BAR_MODULE,
            top,
            width as f32 * BAR_MODULE,
            BAR_HEIGHT,
            0.0,
        );
    }
    let end = x0 + symbol.width() as f32 * BAR_MODULE;
    // The line people read, as the code is typed.
    page.text(
        (x0 + end) / 2.0,
        top + BAR_HEIGHT + 4.8,
        code,
        11.0,
        true,
        Align::Center,
    );
    Ok(end)
}

/// The sender and its return address, right-aligned in the band from
/// `from` to the right edge.
fn sender(page: &mut Page, area: &LabelArea, from: f32, center: &str, t: &Templates) {
    let name = fill(&t.captions.sender, &[("sender", &t.center_name(center))]);
    let address = t.center_address(center).map(|a| bind_numbers(&a));
    let mut paras = vec![Para::new(&name, 10.0, 5.0, 0.0)];
    if let Some(address) = &address {
        paras.push(Para::new(address, 9.0, 4.5, 0.5));
    }
    let block = Block {
        right: area.right,
        width: area.right - from,
        top: area.top + 4.0,
        bottom: area.top + BAND - 1.5,
    };
    fit_paragraphs(page, &block, &paras);
}

/// The recipient's side, from `from` to the right edge under the band:
/// «إلى السيد» and the name, the phone, the delivery conditions and the
/// place (with a delivery center's address), and the document's number
/// at the foot.
fn recipient(
    page: &mut Page,
    area: &LabelArea,
    from: f32,
    band: f32,
    req: &Request,
    t: &Templates,
) {
    let (right, width) = (area.right, area.right - from);
    let mut y = band + 9.0;
    // «إلى السيد» or «إلى السيدة»; the neutral caption only for a
    // request from before requests said.
    let to = match req.sex {
        Some(crate::domain::Sex::Male) => &t.captions.recipient_male,
        Some(crate::domain::Sex::Female) => &t.captions.recipient_female,
        None => &t.captions.recipient,
    };
    let to_width = page.text(right, y, to, 11.0, false, Align::Right);
    let name = one_line(&req.name.full(), 16.0, true, width - to_width - 3.0);
    page.line_right(right - to_width - 3.0, y, name);
    y += 8.0;
    let phone = fill(
        &t.captions.phone,
        &[("phone", &left_to_right(&req.delivery.phone))],
    );
    page.line_right(right, y, one_line(&phone, 12.0, false, width));
    y += 8.0;
    let number_baseline = area.bottom - 1.5;
    let (condition, place) = delivery_conditions(req, t);
    let place = bind_numbers(&place);
    let address = delivery_center_address(req, t).map(|a| bind_numbers(&a));
    let mut paras = vec![
        Para::new(condition, 10.5, 5.5, 0.0),
        Para::new(&place, 13.0, 6.5, 1.5),
    ];
    if let Some(address) = &address {
        paras.push(Para::new(address, 11.0, 5.5, 0.5));
    }
    let block = Block {
        right,
        width,
        top: y,
        bottom: number_baseline - 5.0,
    };
    fit_paragraphs(page, &block, &paras);
    let number = fill(
        &t.captions.document_number,
        &[("number", req.document_number.as_deref().unwrap_or("—"))],
    );
    page.line_right(right, number_baseline, one_line(&number, 9.5, false, width));
}

/// `text` on one line no wider than `max_width` mm: set smaller if it
/// must be (down to 60 %), and cut with "…" if even that is too wide.
fn one_line(text: &str, size: f32, bold: bool, max_width: f32) -> ShapedLine {
    let max = max_width * PT_PER_MM;
    let line = shape_line(text, size, bold, true);
    if line.width <= max {
        return line;
    }
    // A little under the exact ratio: advances do not scale exactly.
    let smaller = (size * max / line.width * 0.98).max(size * 0.6);
    let line = shape_line(text, smaller, bold, true);
    if line.width <= max {
        return line;
    }
    let cut = cut_to(text, &|t| shape_line(t, smaller, bold, true).width <= max);
    shape_line(&cut, smaller, bold, true)
}

/// A paragraph of a block: its text, its size, the distance between its
/// lines, and the space before it, at full size.
struct Para<'a> {
    text: &'a str,
    size: f32,
    leading: f32,
    before: f32,
}

impl Para<'_> {
    fn new(text: &str, size: f32, leading: f32, before: f32) -> Para<'_> {
        Para {
            text,
            size,
            leading,
            before,
        }
    }
}

/// Where a block of paragraphs goes: right-aligned at `right`, `width` mm
/// wide, the first baseline at `top`, no text below `bottom`.
struct Block {
    right: f32,
    width: f32,
    top: f32,
    bottom: f32,
}

/// The scales a block is tried at, full size first.
const SCALES: [f32; 6] = [1.0, 0.92, 0.85, 0.78, 0.7, 0.62];

/// Lays `paras` out in `block`: at full size if they fit, else at the
/// largest scale that does; at the smallest, what still does not fit is
/// cut, its last line ending with "…" (a place is never drawn over the
/// text below it).
fn fit_paragraphs(page: &mut Page, block: &Block, paras: &[Para<'_>]) {
    let measure = block.width * PT_PER_MM;
    for (i, &k) in SCALES.iter().enumerate() {
        let last_try = i + 1 == SCALES.len();
        let mut y = block.top;
        let mut placed: Vec<(ShapedLine, f32)> = Vec::new();
        let mut fits = true;
        for (n, p) in paras.iter().enumerate() {
            if n > 0 {
                y += p.before * k;
            }
            let (size, leading) = (p.size * k, p.leading * k);
            let descent = 0.3 * size / PT_PER_MM;
            let room = ((block.bottom - descent - y) / leading).floor() + 1.0;
            let room = room.max(0.0) as usize;
            let mut lines = wrap(p.text, size, false, true, measure);
            if lines.len() > room {
                fits = false;
                if !last_try {
                    break;
                }
                let cut = cut_to(p.text, &|t| {
                    wrap(t, size, false, true, measure).len() <= room
                });
                lines = if room == 0 {
                    Vec::new()
                } else {
                    wrap(&cut, size, false, true, measure)
                };
            }
            for line in lines {
                placed.push((line, y));
                y += leading;
            }
            if !fits {
                // Nothing after a cut paragraph has room.
                break;
            }
        }
        if fits || last_try {
            for (line, baseline) in placed {
                page.line_right(block.right, baseline, line);
            }
            return;
        }
    }
}

/// The longest beginning of `text` that, ended with "…", `fits` ("…"
/// alone always does).
fn cut_to(text: &str, fits: &dyn Fn(&str) -> bool) -> String {
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
}

/// The manifest's table, in mm from the top of the page: the first row's
/// baseline, the pitch of one-line rows, the pitch of a cell's further
/// lines, and how far down a row's rule may go: on the last page, above
/// the hand-over and the signatures, on the others, above the page's
/// count and initials.
const FIRST_ROW: f32 = 55.0;
const ROW_PITCH: f32 = 9.0;
const LINE_PITCH: f32 = 4.4;
const ROWS_END: f32 = 224.0;
const PAGE_END: f32 = 264.0;
/// A destination's heading: its size, the pitch of its lines, and the
/// distance from its last line to the first row under it.
const HEADING_SIZE: f32 = 10.0;
const HEADING_PITCH: f32 = 4.6;
const HEADING_GAP: f32 = 8.5;
const CELL_SIZE: f32 = 9.5;
/// The smallest a cell's text is set to fit its column.
const MIN_CELL_SIZE: f32 = 6.0;
/// A name or place longer than this many lines is cut, with "…".
const MAX_CELL_LINES: usize = 6;
/// Where the last page's hand-over line and signatures start, and every
/// page's count and initials.
const SIGNATURES_TOP: f32 = 231.0;
const FOOTER: f32 = 272.0;

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
    let mut text = if wraps {
        // A number stays with its word («بناء 5» never ends a line at
        // «بناء»), and a comma typed without a space may end one.
        breakable_after_commas(&bind_numbers(text.trim()))
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

/// What a hand-over manifest records: the batch, the center that sends
/// it (named, with its address, from the templates), the clerk, when it
/// was handed over, its envelopes and the digits to print.
pub struct Handover<'a> {
    pub batch: &'a str,
    pub center: &'a str,
    pub clerk: &'a str,
    pub at: DateTime<Utc>,
    pub requests: &'a [Request],
    pub digits: Digits,
}

/// The hand-over manifest: every envelope of the batch, grouped by
/// destination (a delivery center, or the citizens' addresses of a
/// governorate) in governorate order, each group under its heading and
/// by tracking code; counts (in all, to citizens' addresses, to delivery
/// centers); on every page its own count of envelopes and lines for the
/// clerk's and the postal agent's initials, and on the last the hand-over
/// time and the signatures, with the postal agent's name and ID card to
/// fill in by hand. Dates, counts and row numbers follow the digit
/// setting; tracking codes and phones print as typed. A name or a place
/// too long for its column wraps inside it (see `cell`), and rows flow
/// onto further pages.
pub fn manifest(handover: &Handover<'_>, t: &Templates, catalog: &Catalog) -> Vec<Page> {
    let sheet = Manifest::new(handover, t);
    let groups = destinations(handover.requests, t, catalog);
    let rows = sheet.rows(&groups);
    let chunks = paginate(&rows);
    let pages = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(n, chunk)| {
            let mut page = Page::new(A4.0, A4.1);
            sheet.header(&mut page, n, pages);
            sheet.table(&mut page, &chunk);
            let count = chunk
                .iter()
                .filter(|p| matches!(p.piece, Piece::Envelope(_)))
                .count();
            sheet.footer(&mut page, count);
            if n + 1 == pages {
                sheet.signatures(&mut page);
            }
            page
        })
        .collect()
}

/// The envelopes going to one destination, and how its heading reads.
struct Destination<'r> {
    heading: String,
    requests: Vec<&'r Request>,
}

/// The envelopes by destination: a delivery center (by its name, with its
/// address when known) or the citizens' addresses in a governorate.
/// Governorates in the catalog's order (by their codes), delivery centers
/// before addresses within one, and each group by tracking code: a postal
/// clerk bundles a group and finds a code in it.
fn destinations<'r>(
    requests: &'r [Request],
    t: &Templates,
    catalog: &Catalog,
) -> Vec<Destination<'r>> {
    let mut keyed: Vec<((&str, u8, String), &Request)> = requests
        .iter()
        .map(|r| {
            let key = match &r.delivery.place {
                DeliveryPlace::Center { center } => {
                    let name = center.split_whitespace().collect::<Vec<_>>().join(" ");
                    (r.governorate.as_str(), 0, name)
                }
                DeliveryPlace::Address { .. } => (r.governorate.as_str(), 1, String::new()),
            };
            (key, r)
        })
        .collect();
    keyed.sort_by(|(a, ra), (b, rb)| (a, &ra.tracking_code).cmp(&(b, &rb.tracking_code)));
    let mut groups: Vec<(&(&str, u8, String), Destination<'r>)> = Vec::new();
    for (key, req) in &keyed {
        match groups.last_mut() {
            Some((k, group)) if *k == key => group.requests.push(req),
            _ => {
                let heading = match &req.delivery.place {
                    DeliveryPlace::Center { .. } => match t.delivery_center_address(&key.2) {
                        Some(address) => format!("{} — {address}", key.2),
                        None => key.2.clone(),
                    },
                    DeliveryPlace::Address { .. } => {
                        let name = catalog
                            .governorate(&req.governorate)
                            .map_or(req.governorate.as_str(), |g| g.name_ar.as_str());
                        fill(&t.captions.group_homes, &[("governorate", name)])
                    }
                };
                let group = Destination {
                    heading,
                    requests: vec![req],
                };
                groups.push((key, group));
            }
        }
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

/// What every page of a manifest shows, and its columns.
struct Manifest<'a> {
    handover: &'a Handover<'a>,
    t: &'a Templates,
    /// The center as sender, and its address if known.
    sender: String,
    sender_address: Option<String>,
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

/// A row of the table: a destination's heading (with the same marked as
/// continued, for the top of a later page), or an envelope's cells; both
/// know their group.
enum Row {
    Heading {
        lines: Vec<ShapedLine>,
        continued: Vec<ShapedLine>,
        group: usize,
    },
    Envelope {
        cells: Vec<Vec<ShapedLine>>,
        group: usize,
    },
}

/// What a placed row draws.
#[derive(Clone, Copy)]
enum Piece<'r> {
    Heading(&'r [ShapedLine]),
    Envelope(&'r [Vec<ShapedLine>]),
}

impl Piece<'_> {
    /// Lines in the row's tallest cell.
    fn lines(self) -> usize {
        match self {
            Piece::Heading(lines) => lines.len().max(1),
            Piece::Envelope(cells) => cells.iter().map(Vec::len).max().unwrap_or(1).max(1),
        }
    }

    /// From its baseline to the lowest thing it draws (a row's rule, a
    /// heading's band).
    fn depth(self) -> f32 {
        match self {
            Piece::Heading(_) => (self.lines() - 1) as f32 * HEADING_PITCH + 2.0,
            Piece::Envelope(_) => (self.lines() - 1) as f32 * LINE_PITCH + 2.5,
        }
    }

    /// From its baseline to the next row's.
    fn advance(self) -> f32 {
        match self {
            Piece::Heading(_) => (self.lines() - 1) as f32 * HEADING_PITCH + HEADING_GAP,
            Piece::Envelope(_) => (self.lines() - 1) as f32 * LINE_PITCH + ROW_PITCH,
        }
    }
}

/// One row placed on a page, at its baseline, with its group (the
/// heading to repeat when the group goes on onto another page).
#[derive(Clone, Copy)]
struct Placed<'r> {
    piece: Piece<'r>,
    group: usize,
    y: f32,
}

impl<'a> Manifest<'a> {
    fn new(handover: &'a Handover<'a>, t: &'a Templates) -> Manifest<'a> {
        let requests = handover.requests;
        let dg = |n: usize| handover.digits.apply(&n.to_string());
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
            handover,
            t,
            sender: t.center_name(handover.center),
            sender_address: t.center_address(handover.center),
            count_line,
            right,
            left,
            cols: [right, right - 10.0, right - 46.0, right - 91.0, left + 33.0],
        }
    }

    fn dg(&self, n: usize) -> String {
        self.handover.digits.apply(&n.to_string())
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

    /// Each destination's heading, then its envelopes' cells, laid out to
    /// fit their columns; envelopes are numbered through the whole batch.
    fn rows(&self, groups: &[Destination<'_>]) -> Vec<Row> {
        let widths = self.widths();
        let heading_lines = |text: &str| {
            let max = (self.right - self.left - 4.0) * PT_PER_MM;
            let mut lines = wrap(text, HEADING_SIZE, true, true, max);
            if lines.len() > 2 {
                let cut = cut_to(text, &|t| wrap(t, HEADING_SIZE, true, true, max).len() <= 2);
                lines = wrap(&cut, HEADING_SIZE, true, true, max);
            }
            lines
        };
        let mut rows = Vec::new();
        let mut number = 0;
        for (group, destination) in groups.iter().enumerate() {
            let heading = fill(
                &self.t.captions.group_heading,
                &[
                    ("destination", &destination.heading),
                    ("count", &self.dg(destination.requests.len())),
                ],
            );
            let continued = format!("{heading} ({})", self.t.captions.continued);
            rows.push(Row::Heading {
                lines: heading_lines(&heading),
                continued: heading_lines(&continued),
                group,
            });
            for req in &destination.requests {
                number += 1;
                let cells = [
                    self.dg(number),
                    req.tracking_code.clone(),
                    req.name.full(),
                    delivery_conditions(req, self.t).1,
                    left_to_right(&req.delivery.phone),
                ]
                .iter()
                .zip(&widths)
                .zip(WRAPS)
                .map(|((text, width), wraps)| cell(text, *width, wraps))
                .collect();
                rows.push(Row::Envelope { cells, group });
            }
        }
        rows
    }

    /// The title, the sender and its address, the batch, the date, "page
    /// n of N" and the counts.
    fn header(&self, page: &mut Page, n: usize, pages: usize) {
        let (t, right, left) = (self.t, self.right, self.left);
        let title = &t.captions.manifest_title;
        page.text(right, 18.0, title, 16.0, true, Align::Right);
        page.text(right, 25.0, &self.sender, 11.0, false, Align::Right);
        if let Some(address) = &self.sender_address {
            let line = one_line(address, 9.5, false, right - left - 75.0);
            page.line_right(right, 30.5, line);
        }
        let date = self.handover.digits.apply(&short_date(self.handover.at));
        let page_of = [("page", self.dg(n + 1)), ("pages", self.dg(pages))];
        let left_lines = [
            fill(&t.captions.batch, &[("batch", self.handover.batch)]),
            fill(&t.captions.date, &[("date", &date)]),
            fill(
                &t.captions.page_of,
                &page_of.each_ref().map(|(k, v)| (*k, v.as_str())),
            ),
        ];
        for (i, line) in left_lines.iter().enumerate() {
            page.text(left, 18.0 + 6.0 * i as f32, line, 10.0, false, Align::Left);
        }
        let counts = one_line(&self.count_line, 12.0, true, right - left);
        page.line_right(right, 37.0, counts);
    }

    /// The column titles and this page's rows: a heading on a light band,
    /// each envelope under a thin rule.
    fn table(&self, page: &mut Page, rows: &[Placed<'_>]) {
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
        for row in rows {
            match row.piece {
                Piece::Heading(lines) => {
                    let top = row.y - HEADING_PITCH;
                    let bottom = row.y + row.piece.depth();
                    page.fill_rect(left, top, right - left, bottom - top, 0.9);
                    for (i, line) in lines.iter().enumerate() {
                        let baseline = row.y + i as f32 * HEADING_PITCH;
                        page.line_right(right - 2.0, baseline, line.clone());
                    }
                }
                Piece::Envelope(cells) => {
                    for (x, lines) in self.cols.iter().zip(cells) {
                        for (i, line) in lines.iter().enumerate() {
                            let baseline = row.y + i as f32 * LINE_PITCH;
                            page.line_right(*x, baseline, line.clone());
                        }
                    }
                    page.rule(left, row.y + row.piece.depth(), right, 0.2);
                }
            }
        }
    }

    /// Every page's own count of envelopes, and lines for the clerk's and
    /// the postal agent's initials: a page that comes loose still says
    /// how many it lists, and each was seen by both.
    fn footer(&self, page: &mut Page, count: usize) {
        let t = self.t;
        let line = fill(&t.captions.page_count, &[("count", &self.dg(count))]);
        page.text(self.right, FOOTER, &line, 10.0, true, Align::Right);
        let y = FOOTER + 8.0;
        page.text(
            self.right,
            y,
            &t.captions.initials_clerk,
            9.5,
            false,
            Align::Right,
        );
        let agent_x = self.left + 82.0;
        page.text(
            agent_x,
            y,
            &t.captions.initials_agent,
            9.5,
            false,
            Align::Right,
        );
    }

    /// The hand-over's date and time, then the clerk's signature (right)
    /// and the postal agent's name, ID card and signature to fill in by
    /// hand (left), on the last page.
    fn signatures(&self, page: &mut Page) {
        let t = self.t;
        let at = self.handover.at.with_timezone(&Damascus);
        let digits = self.handover.digits;
        let handover = fill(
            &t.captions.handover_at,
            &[
                ("date", &digits.apply(&short_date(self.handover.at))),
                ("time", &digits.apply(&at.format("%H:%M").to_string())),
            ],
        );
        let y = SIGNATURES_TOP;
        let line = one_line(&handover, 11.0, false, self.right - self.left);
        page.line_right(self.right, y, line);
        let clerk = fill(&t.captions.clerk, &[("clerk", self.handover.clerk)]);
        let agent_x = self.left + 82.0;
        let half = agent_x - self.left;
        let clerk_lines = [clerk.as_str(), t.captions.signature.as_str()];
        let agent_lines = [
            &t.captions.postal_agent,
            &t.captions.postal_agent_id,
            &t.captions.signature,
        ];
        for (i, text) in clerk_lines.iter().enumerate() {
            let line = one_line(text, 11.0, false, self.right - agent_x - 6.0);
            page.line_right(self.right, y + 10.0 + 9.0 * i as f32, line);
        }
        for (i, text) in agent_lines.iter().enumerate() {
            let line = one_line(text, 11.0, false, half);
            page.line_right(agent_x, y + 10.0 + 9.0 * i as f32, line);
        }
    }
}

impl Row {
    fn piece(&self) -> Piece<'_> {
        match self {
            Row::Heading { lines, .. } => Piece::Heading(lines),
            Row::Envelope { cells, .. } => Piece::Envelope(cells),
        }
    }

    fn group(&self) -> usize {
        match self {
            Row::Heading { group, .. } | Row::Envelope { group, .. } => *group,
        }
    }
}

/// Rows to pages, by height, before drawing (each page says "n of N").
/// Pages run down to `PAGE_END`; a heading is never the last row of a
/// page, and a group that goes on onto another page has its heading
/// again there, marked continued. The last page keeps room for the
/// hand-over and the signatures, so rows past `ROWS_END` there go on to
/// one more page (they fit: less than a page's worth).
fn paginate(rows: &[Row]) -> Vec<Vec<Placed<'_>>> {
    let headings: Vec<&[ShapedLine]> = rows
        .iter()
        .filter_map(|r| match r {
            Row::Heading { continued, .. } => Some(continued.as_slice()),
            Row::Envelope { .. } => None,
        })
        .collect();
    let mut chunks: Vec<Vec<Placed<'_>>> = Vec::new();
    let mut page: Vec<Placed<'_>> = Vec::new();
    let mut y = FIRST_ROW;
    for (i, row) in rows.iter().enumerate() {
        let (piece, group) = (row.piece(), row.group());
        // A heading needs the room of the row it heads too.
        let needed = match (row, rows.get(i + 1)) {
            (Row::Heading { .. }, Some(next)) => piece.advance() + next.piece().depth(),
            _ => piece.depth(),
        };
        if y + needed > PAGE_END && !page.is_empty() {
            chunks.push(std::mem::take(&mut page));
            y = continue_group(&mut page, piece, group, &headings);
        }
        page.push(Placed { piece, group, y });
        y += piece.advance();
    }
    let rest = rows_past_signatures(&mut page);
    if !page.is_empty() || rest.is_empty() {
        chunks.push(page);
    }
    if let Some(first) = rest.first() {
        let mut last = Vec::new();
        let mut y = continue_group(&mut last, first.piece, first.group, &headings);
        for placed in &rest {
            last.push(Placed { y, ..*placed });
            y += placed.piece.advance();
        }
        chunks.push(last);
    }
    chunks
}

/// A new page's start: an envelope that goes on with a group has its
/// group's heading again, marked continued. Returns the next baseline.
fn continue_group<'r>(
    page: &mut Vec<Placed<'r>>,
    first: Piece<'_>,
    group: usize,
    headings: &[&'r [ShapedLine]],
) -> f32 {
    let mut y = FIRST_ROW;
    if let (Piece::Envelope(_), Some(heading)) = (first, headings.get(group)) {
        let piece = Piece::Heading(heading);
        page.push(Placed { piece, group, y });
        y += piece.advance();
    }
    y
}

/// The rows of the last page that reach below `ROWS_END`, into the
/// signatures' room, taken off it (with a heading just above them, which
/// never stays behind alone).
fn rows_past_signatures<'r>(page: &mut Vec<Placed<'r>>) -> Vec<Placed<'r>> {
    let Some(mut split) = page.iter().position(|p| p.y + p.piece.depth() > ROWS_END) else {
        return Vec::new();
    };
    if split > 0 && matches!(page[split - 1].piece, Piece::Heading(_)) {
        split -= 1;
    }
    page.split_off(split)
}
