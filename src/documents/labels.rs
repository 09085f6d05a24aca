//! Envelope labels (DL 220×110 mm, or on an A4 sheet) and the post
//! hand-over manifest, on the same layout model as the documents.

use chrono::{DateTime, Utc};

use super::layout::{A4, Align, Item, Page};
use super::render::{Digits, Templates, short_date};
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
        DeliveryPlace::Address { address } => (t.caption("conditions_home"), address.clone()),
        DeliveryPlace::Center { center } => (t.caption("conditions_center"), center.clone()),
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
        &t.fill("sender", &[("sender", sender)]),
        10.5,
        false,
        Align::Right,
    );
    page.rule(left, oy + 16.0, right, 0.4);
    page.text(
        right,
        oy + 28.0,
        t.caption("recipient"),
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
        &t.fill("phone", &[("phone", &req.delivery.phone)]),
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
        t.caption("tracking_caption"),
        9.0,
        false,
        Align::Center,
    );
    page.text(
        right,
        oy + lh - 8.0,
        &t.fill(
            "document_number",
            &[("number", req.document_number.as_deref().unwrap_or("—"))],
        ),
        9.5,
        false,
        Align::Right,
    );
    Ok(page)
}

const ROWS_PER_PAGE: usize = 22;

/// The hand-over manifest: every envelope of the batch, counts (in all,
/// to citizens' addresses, to delivery centers), and lines for the clerk's
/// and the postal agent's signatures. Dates, counts and row numbers follow
/// the digit setting; tracking codes and phones print as typed.
pub fn manifest(
    batch: &str,
    sender: &str,
    clerk: &str,
    at: DateTime<Utc>,
    requests: &[Request],
    t: &Templates,
    digits: Digits,
) -> Vec<Page> {
    let dg = |n: usize| digits.apply(&n.to_string());
    let to_centers = requests
        .iter()
        .filter(|r| matches!(r.delivery.place, DeliveryPlace::Center { .. }))
        .count();
    let count_line = t.fill(
        "envelope_count",
        &[
            ("count", &dg(requests.len())),
            ("home", &dg(requests.len() - to_centers)),
            ("center", &dg(to_centers)),
        ],
    );
    let (w, h) = A4;
    let (right, left) = (w - 15.0, 15.0);
    let chunks: Vec<&[Request]> = if requests.is_empty() {
        vec![&[]]
    } else {
        requests.chunks(ROWS_PER_PAGE).collect()
    };
    let pages = chunks.len();
    let mut out = Vec::with_capacity(pages);
    for (n, chunk) in chunks.into_iter().enumerate() {
        let mut page = Page::new(w, h);
        page.text(
            right,
            18.0,
            t.caption("manifest_title"),
            16.0,
            true,
            Align::Right,
        );
        page.text(right, 26.0, sender, 11.0, false, Align::Right);
        page.text(
            left,
            18.0,
            &t.fill("batch", &[("batch", batch)]),
            10.0,
            false,
            Align::Left,
        );
        page.text(
            left,
            24.0,
            &t.fill("date", &[("date", &digits.apply(&short_date(at)))]),
            10.0,
            false,
            Align::Left,
        );
        page.text(
            left,
            30.0,
            &t.fill("page_of", &[("page", &dg(n + 1)), ("pages", &dg(pages))]),
            10.0,
            false,
            Align::Left,
        );
        page.text(right, 36.0, &count_line, 12.0, true, Align::Right);
        // Columns, right to left: #, tracking code, name, destination, phone.
        let cols = [right, right - 10.0, right - 48.0, right - 98.0, left + 28.0];
        let mut y = 46.0;
        for (x, title) in cols.iter().zip(t.caption("manifest_columns").split('|')) {
            page.text(*x, y, title, 10.5, true, Align::Right);
        }
        page.rule(left, y + 2.5, right, 0.8);
        for (i, req) in chunk.iter().enumerate() {
            y += 9.0;
            let (_, place) = delivery_conditions(req, t);
            let place: String = place.chars().take(30).collect();
            let cells = [
                dg(n * ROWS_PER_PAGE + i + 1),
                req.tracking_code.clone(),
                req.name.full(),
                place,
                req.delivery.phone.clone(),
            ];
            for (x, cell) in cols.iter().zip(cells.iter()) {
                page.text(*x, y, cell, 9.5, false, Align::Right);
            }
            page.rule(left, y + 2.5, right, 0.2);
        }
        if n + 1 == pages {
            let y = h - 40.0;
            page.text(
                right,
                y,
                &t.fill("clerk", &[("clerk", clerk)]),
                11.0,
                false,
                Align::Right,
            );
            page.text(
                right,
                y + 12.0,
                t.caption("signature"),
                11.0,
                false,
                Align::Right,
            );
            page.text(
                left + 80.0,
                y,
                t.caption("postal_agent"),
                11.0,
                false,
                Align::Right,
            );
            page.text(
                left + 80.0,
                y + 12.0,
                t.caption("signature"),
                11.0,
                false,
                Align::Right,
            );
        }
        out.push(page);
    }
    out
}
