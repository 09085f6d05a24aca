//! The envelope label and the hand-over manifest as a postal clerk reads
//! them (issue 17): the label's Code 128 barcode and QR read back by
//! `zbarimg` from a 150 dpi raster, its registered mark and both
//! addresses, margins in both formats, a phone that copies as plain text;
//! the manifest grouped by destination, every page counted and
//! initialled, the hand-over time and the postal agent's fields on the
//! last.

use std::path::Path;

use crate::common::*;
use crate::documents::{read_request, run};
use chrono::{DateTime, Utc};
use citizen_desk::documents::labels::{Handover, LabelFormat, envelope_label, manifest};
use citizen_desk::documents::layout::{Item, PT_PER_MM, Page};
use citizen_desk::documents::pdf::{PdfInfo, write_pdf};
use citizen_desk::documents::preview::preview_png;
use citizen_desk::documents::render::{Digits, Templates, fill, short_date};
use citizen_desk::documents::text::{ShapedLine, shape_line};
use citizen_desk::domain::{DeliveryPlace, Request};

/// Bidi controls: the marks, the embeddings and overrides, the isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A line's glyphs' texts in the order they are drawn, bidi controls left
/// out: what to compare two lines by, whatever their size.
fn visual(line: &ShapedLine) -> String {
    line.glyphs
        .iter()
        .flat_map(|g| g.text.chars())
        .filter(|c| !is_bidi_control(*c))
        .collect()
}

/// A box on the page: left, right, top, bottom, in mm.
type Bounds = (f32, f32, f32, f32);

/// Every text of a page: its box and its line.
fn texts(page: &Page) -> Vec<(Bounds, &ShapedLine)> {
    page.items
        .iter()
        .filter_map(|item| match item {
            Item::Text {
                x, baseline, line, ..
            } => {
                let size = line.size / PT_PER_MM;
                let b = (
                    *x,
                    x + line.width / PT_PER_MM,
                    baseline - 0.8 * size,
                    baseline + 0.3 * size,
                );
                Some((b, line))
            }
            _ => None,
        })
        .collect()
}

pub(crate) fn apart(a: Bounds, b: Bounds) -> bool {
    a.1 <= b.0 || b.1 <= a.0 || a.3 <= b.2 || b.3 <= a.2
}

/// The box of everything an item draws.
pub(crate) fn extent(item: &Item) -> Bounds {
    match item {
        Item::Text {
            x, baseline, line, ..
        } => {
            let size = line.size / PT_PER_MM;
            (
                *x,
                x + line.width / PT_PER_MM,
                baseline - 0.8 * size,
                baseline + 0.3 * size,
            )
        }
        Item::Rect { x, y, w, h, .. } => (*x, x + w, *y, y + h),
        Item::Line { x1, y1, x2, y2, .. } => (x1.min(*x2), x1.max(*x2), y1.min(*y2), y1.max(*y2)),
        Item::Qr { x, y, side, .. } => (*x, x + side, *y, y + side),
        Item::Image { x, y, w, h, .. } => (*x, x + w, *y, y + h),
    }
}

/// What an item inks: a frame only its four sides, anything else its box.
fn inked(item: &Item) -> Vec<Bounds> {
    match item {
        Item::Rect {
            x,
            y,
            w,
            h,
            fill: None,
            ..
        } => vec![
            (*x, x + w, *y, *y),
            (*x, x + w, y + h, y + h),
            (*x, *x, *y, y + h),
            (x + w, x + w, *y, y + h),
        ],
        _ => vec![extent(item)],
    }
}

/// A request to label: `base` going to `place`, with a phone in groups
/// (set in a left-to-right isolate on the label).
fn to(base: &Request, place: DeliveryPlace) -> Request {
    let mut r = base.clone();
    r.delivery.place = place;
    r.delivery.phone = "+963 944 123 456".into();
    r
}

/// Checks a label's layout with no tool: every item at least 10 mm from
/// the sheet's edges; the barcode's bars with 10 modules of light space
/// on both sides and under no other item; no text over another, over the
/// bars or over the QR and its quiet zone; the registered mark's R in its
/// box.
fn check_label_layout(page: &Page, what: &str) {
    const MARGIN: f32 = 10.0 - 0.01;
    for item in &page.items {
        let (l, r, t, b) = extent(item);
        assert!(
            l >= MARGIN && t >= MARGIN && r <= page.width - MARGIN && b <= page.height - MARGIN,
            "{what}: {item:?} is within 10 mm of the edge"
        );
    }
    let bars: Vec<Bounds> = page
        .items
        .iter()
        .filter(|i| {
            matches!(
                i,
                Item::Rect {
                    fill: Some(f),
                    stroke: None,
                    ..
                } if *f == 0.0
            )
        })
        .map(extent)
        .collect();
    assert!(bars.len() > 20, "{what}: {} bars", bars.len());
    let module = bars.iter().map(|b| b.1 - b.0).fold(f32::MAX, f32::min);
    // 150 dpi puts at least two pixels in a module.
    assert!(module >= 2.0 * 25.4 / 150.0, "{what}: module {module} mm");
    let quiet = (
        bars.iter().map(|b| b.0).fold(f32::MAX, f32::min) - 10.0 * module,
        bars.iter().map(|b| b.1).fold(0.0, f32::max) + 10.0 * module,
        bars[0].2,
        bars[0].3,
    );
    for item in &page.items {
        let is_bar = bars.contains(&extent(item));
        assert!(
            is_bar || inked(item).into_iter().all(|b| apart(b, quiet)),
            "{what}: {item:?} is in the barcode's quiet zone {quiet:?}"
        );
    }
    let qr = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Qr {
                x,
                y,
                side,
                modules,
                ..
            } => {
                let q = 4.0 * side / *modules as f32;
                Some((x - q, x + side + q, y - q, y + side + q))
            }
            _ => None,
        })
        .expect("a QR");
    let boxes = texts(page);
    for (i, (a, line)) in boxes.iter().enumerate() {
        assert!(apart(*a, quiet), "{what}: {} over the bars", visual(line));
        assert!(apart(*a, qr), "{what}: {} over the QR", visual(line));
        for (b, other) in &boxes[i + 1..] {
            assert!(
                apart(*a, *b),
                "{what}: «{}» and «{}» overlap",
                visual(line),
                visual(other)
            );
        }
    }
    // The R sits inside a stroked box.
    let (r_box, _) = boxes
        .iter()
        .find(|(_, l)| visual(l) == "R")
        .expect("the registered mark's R");
    let inside = page.items.iter().any(|i| match i {
        Item::Rect {
            x,
            y,
            w,
            h,
            stroke: Some(_),
            ..
        } => r_box.0 >= *x && r_box.1 <= x + w && r_box.2 >= *y && r_box.3 <= y + h,
        _ => false,
    });
    assert!(inside, "{what}: the R is not boxed");
}

/// `zbarimg` on a picture: each symbol found, as "TYPE:text".
fn scan(zbarimg: &Path, png: &Path) -> Vec<String> {
    let out = std::process::Command::new(zbarimg)
        .args(["--quiet", png.to_str().unwrap()])
        .output()
        .unwrap();
    let mut found: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    found.sort();
    found
}

#[test]
fn a_label_is_post_ready_in_both_formats() {
    let (_dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'printed'");
    let base = read_request(&mut store, &code);
    let templates = Templates::builtin(store.catalog()).unwrap();
    let center = "مركز خدمة المواطن في ريف دمشق";
    let to_center = to(
        &base,
        DeliveryPlace::Center {
            center: center.into(),
        },
    );
    let mut to_home = to(
        &base,
        DeliveryPlace::Address {
            address: "ريف دمشق، جرمانا، حي القريات، شارع الخضر، مقابل مدرسة الشهيد باسل، بناء 12، طابق 3، شقة 7، بجانب الصيدلية المركزية ومقابل الفرن الآلي القديم في آخر الشارع".into(),
        },
    );
    to_home.name.first = "عبد الرحمن محمد سعيد".into();
    let cases = [
        (LabelFormat::Dl, &to_center, "DL, to a delivery center"),
        (LabelFormat::A4Sheet, &to_center, "A4, to a delivery center"),
        (LabelFormat::Dl, &to_home, "DL, to a long address"),
        (LabelFormat::A4Sheet, &to_home, "A4, to a long address"),
    ];
    let pages: Vec<(Page, &Request, &str)> = cases
        .iter()
        .map(|(format, req, what)| {
            let page = envelope_label(req, "TRT01", *format, &templates).unwrap();
            check_label_layout(&page, what);
            (page, *req, *what)
        })
        .collect();
    // An A4 label is the A4 sheet; a DL one is the envelope.
    assert_eq!((pages[0].0.width, pages[0].0.height), (220.0, 110.0));
    assert_eq!((pages[1].0.width, pages[1].0.height), (210.0, 297.0));

    let (Some(pdftotext), Some(pdftoppm), Some(zbarimg)) =
        (tool("pdftotext"), tool("pdftoppm"), tool("zbarimg"))
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let letters = |t: &str| t.chars().filter(|c| c.is_alphabetic()).collect::<String>();
    for (n, (page, req, what)) in pages.iter().enumerate() {
        let pdf = dir.path().join(format!("label{n}.pdf"));
        let info = PdfInfo {
            title: &req.tracking_code,
            seal: None,
        };
        std::fs::write(&pdf, write_pdf(std::slice::from_ref(page), &info)).unwrap();
        // The printed label and the preview, each at 150 dpi: both
        // symbols read back as exactly the tracking code.
        let prefix = dir.path().join(format!("label{n}"));
        run(
            &pdftoppm,
            &[
                "-r",
                "150",
                "-png",
                "-singlefile",
                pdf.to_str().unwrap(),
                prefix.to_str().unwrap(),
            ],
        );
        let preview = dir.path().join(format!("preview{n}.png"));
        std::fs::write(
            &preview,
            preview_png(std::slice::from_ref(page), 150.0).unwrap(),
        )
        .unwrap();
        let expected = vec![
            format!("CODE-128:{}", req.tracking_code),
            format!("QR-Code:{}", req.tracking_code),
        ];
        assert_eq!(
            scan(&zbarimg, &prefix.with_extension("png")),
            expected,
            "{what}: printed"
        );
        assert_eq!(scan(&zbarimg, &preview), expected, "{what}: preview");

        // The registered mark, the sender's return address, and a
        // delivery center's address.
        let text = run(&pdftotext, &[pdf.to_str().unwrap(), "-"]);
        assert!(
            squeeze(&text).contains("مضمون") && text.contains('R'),
            "{text}"
        );
        let sender = templates.center_address("TRT01").unwrap();
        assert!(letters(&text).contains(&letters(&sender)), "{what}: {text}");
        if matches!(req.delivery.place, DeliveryPlace::Center { .. }) {
            let address = templates.delivery_center_address(center).unwrap();
            assert!(address.contains("حرستا"));
            assert!(
                letters(&text).contains(&letters(&address)),
                "{what}: {text}"
            );
        }

        // Copying the phone: what a reader selects over its glyphs is the
        // number alone, with none of the controls that keep it left to
        // right on the page.
        let phone = phone_area(page, &req.delivery.phone);
        let args = [
            "-x",
            &phone.0.to_string(),
            "-y",
            &phone.1.to_string(),
            "-W",
            &phone.2.to_string(),
            "-H",
            &phone.3.to_string(),
        ];
        let mut with_area: Vec<&str> = args.to_vec();
        with_area.extend([pdf.to_str().unwrap(), "-"]);
        let copied = run(&pdftotext, &with_area);
        assert_eq!(copied.trim(), req.delivery.phone, "{what}: {copied:?}");
        assert!(
            !copied.chars().any(is_bidi_control),
            "{what}: the phone copies with bidi controls: {copied:?}"
        );
        // Nor anywhere else: poppler adds its own embeddings (U+202A to
        // U+202C) around right-to-left lines, never isolates, overrides or
        // marks, which would be ours.
        let ours = |c: char| is_bidi_control(c) && !('\u{202A}'..='\u{202C}').contains(&c);
        assert!(!text.chars().any(ours), "{what}: {text:?}");
    }
}

/// Where `phone`'s glyphs are drawn, in points from the top left (as
/// `pdftotext -x -y -W -H` takes an area at 72 dpi), a little around them.
fn phone_area(page: &Page, phone: &str) -> (i32, i32, i32, i32) {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let (x, baseline, line) = page
        .items
        .iter()
        .find_map(|i| match i {
            Item::Text {
                x, baseline, line, ..
            } if visual(line)
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
                .contains(&digits) =>
            {
                Some((*x, *baseline, line))
            }
            _ => None,
        })
        .expect("the phone's line");
    let drawn: Vec<_> = line
        .glyphs
        .iter()
        .filter(|g| g.text.chars().any(|c| c.is_ascii_digit() || c == '+'))
        .collect();
    let from = drawn.iter().map(|g| g.x).fold(f32::MAX, f32::min);
    let to = drawn.iter().map(|g| g.x + g.advance).fold(0.0, f32::max);
    let pt = |mm: f32| mm * PT_PER_MM;
    (
        (pt(x) + from - 1.0).floor() as i32,
        (pt(baseline) - line.size).floor() as i32,
        (to - from + 2.0).ceil() as i32,
        (line.size * 1.4).ceil() as i32,
    )
}

/// A batch going to several destinations, its tracking codes in no order.
fn batch(base: &Request) -> Vec<Request> {
    let places: [(&str, DeliveryPlace); 6] = [
        (
            "04",
            DeliveryPlace::Center {
                center: "مركز خدمة المواطن في حمص".into(),
            },
        ),
        (
            "01",
            DeliveryPlace::Address {
                address: "دمشق، المزة، شارع الجلاء، بناء 5".into(),
            },
        ),
        (
            "01",
            DeliveryPlace::Center {
                center: "مركز خدمة المواطن في دمشق".into(),
            },
        ),
        (
            "02",
            DeliveryPlace::Center {
                center: "مركز خدمة المواطن  في ريف دمشق".into(),
            },
        ),
        (
            "01",
            DeliveryPlace::Center {
                center: "مركز بريد الشعلان".into(),
            },
        ),
        (
            "07",
            DeliveryPlace::Address {
                address: "طرطوس، شارع الثورة، بناء 9".into(),
            },
        ),
    ];
    (0..60)
        .map(|i| {
            let mut r = base.clone();
            r.tracking_code = format!("RR3{:08}SY", (i * 37) % 101);
            let (governorate, place) = &places[i % places.len()];
            r.governorate = (*governorate).into();
            r.delivery.place = place.clone();
            r
        })
        .collect()
}

/// A request's destination as the manifest sorts it: governorate, a
/// delivery center (by name) before the citizens' addresses.
fn destination(r: &Request) -> (String, u8, String) {
    match &r.delivery.place {
        DeliveryPlace::Center { center } => (
            r.governorate.clone(),
            0,
            center.split_whitespace().collect::<Vec<_>>().join(" "),
        ),
        DeliveryPlace::Address { .. } => (r.governorate.clone(), 1, String::new()),
    }
}

/// What a manifest page lists, in order: its headings' texts and its
/// envelopes' tracking codes.
#[derive(Debug)]
enum Listed {
    Heading(String),
    Code(String),
}

fn listed(page: &Page) -> Vec<Listed> {
    let mut out = Vec::new();
    let mut in_heading = false;
    for item in &page.items {
        match item {
            // A heading's band, then its lines.
            Item::Rect { fill: Some(f), .. } if *f > 0.5 => in_heading = true,
            Item::Text { line, .. } => {
                let text = visual(line);
                if in_heading {
                    out.push(Listed::Heading(text));
                    in_heading = false;
                } else if text.starts_with("RR3") && text.ends_with("SY") {
                    out.push(Listed::Code(text));
                }
            }
            _ => in_heading = false,
        }
    }
    out
}

#[test]
fn a_manifest_groups_by_destination_and_every_page_is_counted_and_initialled() {
    let (_dir, mut store) = demo_store(300);
    let code = find(&store, "state = 'printed'");
    let base = read_request(&mut store, &code);
    let templates = Templates::builtin(store.catalog()).unwrap();
    let requests = batch(&base);
    let at: DateTime<Utc> = "2026-11-29T08:05:00Z".parse().unwrap();
    let handover = Handover {
        batch: "TRT01-D01-B20261129-0001",
        center: "TRT01",
        clerk: "رنا الخطيب",
        at,
        requests: &requests,
        digits: Digits::Latin,
    };
    let pages = manifest(&handover, &templates, store.catalog());
    assert!(pages.len() >= 3, "{} pages", pages.len());

    // Rows by destination, then by tracking code, numbered through.
    let mut expected: Vec<&Request> = requests.iter().collect();
    expected.sort_by_key(|r| (destination(r), r.tracking_code.clone()));
    let codes: Vec<String> = pages
        .iter()
        .flat_map(listed)
        .filter_map(|l| match l {
            Listed::Code(c) => Some(c),
            Listed::Heading(_) => None,
        })
        .collect();
    let expected_codes: Vec<String> = expected.iter().map(|r| r.tracking_code.clone()).collect();
    assert_eq!(codes, expected_codes);
    // Every group of rows on a page sits under its heading, the first
    // time as it is, on a later page marked continued; no heading ends a
    // page alone.
    let by_code = |c: &str| requests.iter().find(|r| r.tracking_code == c).unwrap();
    let continued: String = templates.captions.continued.chars().rev().collect();
    let mut seen = Vec::new();
    for (n, page) in pages.iter().enumerate() {
        let list = listed(page);
        assert!(
            matches!(list.first(), Some(Listed::Heading(_))),
            "page {}",
            n + 1
        );
        assert!(
            matches!(list.last(), Some(Listed::Code(_))),
            "page {}",
            n + 1
        );
        let mut group = None;
        for (i, l) in list.iter().enumerate() {
            match l {
                Listed::Heading(text) => {
                    let Some(Listed::Code(first)) = list.get(i + 1) else {
                        panic!("page {}: a heading without rows", n + 1);
                    };
                    let key = destination(by_code(first));
                    assert_eq!(
                        text.contains(&continued),
                        seen.contains(&key),
                        "page {}: {text}",
                        n + 1
                    );
                    seen.push(key.clone());
                    group = Some(key);
                }
                Listed::Code(code) => {
                    assert_eq!(group.as_ref(), Some(&destination(by_code(code))));
                }
            }
        }
    }

    // Every page counts its own rows and has lines for both initials;
    // the last has the hand-over time and the agent's name and card.
    let has = |page: &Page, text: &str| {
        let want = visual(&shape_line(text, 10.0, false, true));
        texts(page)
            .iter()
            .filter(|(_, l)| visual(l) == want)
            .count()
    };
    let c = &templates.captions;
    let time = fill(
        &c.handover_at,
        &[("date", &short_date(at)), ("time", "11:05")],
    );
    for (n, page) in pages.iter().enumerate() {
        let rows = listed(page)
            .iter()
            .filter(|l| matches!(l, Listed::Code(_)))
            .count();
        let count = fill(&c.page_count, &[("count", &rows.to_string())]);
        assert_eq!(has(page, &count), 1, "page {}: {count}", n + 1);
        assert_eq!(has(page, &c.initials_clerk), 1, "page {}", n + 1);
        assert_eq!(has(page, &c.initials_agent), 1, "page {}", n + 1);
        let last = usize::from(n + 1 == pages.len());
        assert_eq!(has(page, &time), last, "page {}: {time}", n + 1);
        assert_eq!(has(page, &c.postal_agent), last, "page {}", n + 1);
        assert_eq!(has(page, &c.postal_agent_id), last, "page {}", n + 1);
        // Nothing overlaps and all stays inside the margins.
        let boxes = texts(page);
        for (i, (a, line)) in boxes.iter().enumerate() {
            assert!(
                a.0 >= 15.0 - 0.01 && a.1 <= page.width - 15.0 + 0.01 && a.3 <= page.height - 10.0,
                "page {}: «{}» outside the margins",
                n + 1,
                visual(line)
            );
            for (b, other) in &boxes[i + 1..] {
                assert!(
                    apart(*a, *b),
                    "page {}: «{}» and «{}» overlap",
                    n + 1,
                    visual(line),
                    visual(other)
                );
            }
        }
    }

    // The headings name each delivery center with its street (an unknown
    // one by its name alone) and the governorate of the addresses.
    let Some(pdftotext) = tool("pdftotext") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("manifest.pdf");
    let info = PdfInfo {
        title: "manifest",
        seal: None,
    };
    std::fs::write(&pdf, write_pdf(&pages, &info)).unwrap();
    let text = squeeze(&run(&pdftotext, &[pdf.to_str().unwrap(), "-"]));
    for center in ["مركز خدمة المواطن في حمص", "مركز خدمة المواطن في ريف دمشق"]
    {
        let street = templates.delivery_center_address(center).unwrap();
        assert!(text.contains(&squeeze(&street)), "{street}\n{text}");
    }
    assert!(text.contains(&squeeze("مركز بريد الشعلان")));
    assert!(text.contains(&squeeze("إلى عناوين المواطنين في محافظة طرطوس")));
}
