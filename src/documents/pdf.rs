//! Writes laid-out pages as a PDF with printpdf: fonts embedded and subset,
//! every glyph written by id with the text it stands for, so the PDF has a
//! ToUnicode map and copy/search give back the Arabic that was written.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use printpdf::{
    Color, CurTransMat, DictItem, ExternalStream, ExternalXObject, Greyscale, Line, LinePoint, Mm,
    Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
    TextMatrix, XObjectTransform,
};

use super::layout::{Item, PT_PER_MM, Page};
use super::text::FontId;

fn parsed_fonts() -> &'static Vec<ParsedFont> {
    static FONTS: OnceLock<Vec<ParsedFont>> = OnceLock::new();
    // Parsed once per process: font parsing is the slow part of a PDF.
    FONTS.get_or_init(|| {
        FontId::ALL
            .iter()
            .map(|f| {
                ParsedFont::from_bytes(f.bytes(), 0, &mut Vec::new()).expect("bundled font parses")
            })
            .collect()
    })
}

fn grey(level: f32) -> Color {
    Color::Greyscale(Greyscale::new(level, None))
}

/// Document information written into the PDF.
pub struct PdfInfo<'a> {
    pub title: &'a str,
    /// The seal text (`SY1:…`), stored as the document's subject so
    /// `seal verify --pdf` can read it without rasterising.
    pub seal: Option<&'a str>,
}

pub fn write_pdf(pages: &[Page], info: &PdfInfo<'_>) -> Vec<u8> {
    let mut doc = PdfDocument::new(info.title);
    doc.metadata.info.creator = "citizen-desk".into();
    doc.metadata.info.producer = "citizen-desk".into();
    if let Some(seal) = info.seal {
        doc.metadata.info.subject = seal.to_owned();
        doc.metadata.info.keywords = vec![seal.to_owned()];
    }
    let fonts = parsed_fonts();
    let mut ids: BTreeMap<FontId, printpdf::FontId> = BTreeMap::new();
    let mut pdf_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let h = page.height * PT_PER_MM;
        let mut ops = Vec::new();
        for item in &page.items {
            match item {
                Item::Text {
                    x,
                    baseline,
                    line,
                    gray,
                    angle,
                } => {
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetFillColor { col: grey(*gray) });
                    ops.push(Op::StartTextSection);
                    let (x0, y0) = (x * PT_PER_MM, h - baseline * PT_PER_MM);
                    let (sin, cos) = angle.to_radians().sin_cos();
                    let mut current = None;
                    for g in &line.glyphs {
                        if current != Some(g.font) {
                            let id = ids
                                .entry(g.font)
                                .or_insert_with(|| doc.add_font(&fonts[g.font as usize]))
                                .clone();
                            ops.push(Op::SetFont {
                                font: PdfFontHandle::External(id),
                                size: Pt(line.size),
                            });
                            current = Some(g.font);
                        }
                        let (gx, gy) = (g.x, g.y_offset);
                        let matrix = if *angle == 0.0 {
                            TextMatrix::Translate(Pt(x0 + gx), Pt(y0 + gy))
                        } else {
                            TextMatrix::Raw([
                                cos,
                                sin,
                                -sin,
                                cos,
                                x0 + gx * cos - gy * sin,
                                y0 + gx * sin + gy * cos,
                            ])
                        };
                        ops.push(Op::SetTextMatrix { matrix });
                        ops.push(Op::ShowText {
                            items: vec![TextItem::GlyphIds(vec![printpdf::Codepoint::with_cid(
                                g.id,
                                0.0,
                                g.text.clone(),
                            )])],
                        });
                    }
                    ops.push(Op::EndTextSection);
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Rect {
                    x,
                    y,
                    w,
                    h: rh,
                    fill,
                    stroke,
                } => {
                    let mut rect = Rect::from_xywh(
                        Pt(x * PT_PER_MM),
                        Pt(h - (y + rh) * PT_PER_MM),
                        Pt(w * PT_PER_MM),
                        Pt(rh * PT_PER_MM),
                    );
                    ops.push(Op::SaveGraphicsState);
                    if let Some(level) = fill {
                        ops.push(Op::SetFillColor { col: grey(*level) });
                        rect.mode = Some(printpdf::PaintMode::Fill);
                    }
                    if let Some(width) = stroke {
                        ops.push(Op::SetOutlineColor { col: grey(0.0) });
                        ops.push(Op::SetOutlineThickness { pt: Pt(*width) });
                        rect.mode = Some(if fill.is_some() {
                            printpdf::PaintMode::FillStroke
                        } else {
                            printpdf::PaintMode::Stroke
                        });
                    }
                    ops.push(Op::DrawRectangle { rectangle: rect });
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width_pt,
                } => {
                    let p = |x: f32, y: f32| LinePoint {
                        p: Point {
                            x: Pt(x * PT_PER_MM),
                            y: Pt(h - y * PT_PER_MM),
                        },
                        bezier: false,
                    };
                    ops.push(Op::SaveGraphicsState);
                    ops.push(Op::SetOutlineColor { col: grey(0.0) });
                    ops.push(Op::SetOutlineThickness { pt: Pt(*width_pt) });
                    ops.push(Op::DrawLine {
                        line: Line {
                            points: vec![p(*x1, *y1), p(*x2, *y2)],
                            is_closed: false,
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
                Item::Qr {
                    x,
                    y,
                    side,
                    modules,
                    dark,
                } => {
                    let m = side / *modules as f32 * PT_PER_MM;
                    let symbol = doc.add_xobject(&qr_form(dark, *modules));
                    ops.push(Op::SaveGraphicsState);
                    // The form is drawn in module units: scale a module to
                    // its size and put the symbol's bottom-left in place.
                    ops.push(Op::SetTransformationMatrix {
                        matrix: CurTransMat::Raw([
                            m,
                            0.0,
                            0.0,
                            m,
                            x * PT_PER_MM,
                            h - (y + side) * PT_PER_MM,
                        ]),
                    });
                    ops.push(Op::UseXobject {
                        id: symbol,
                        transform: XObjectTransform {
                            no_auto_scale: true,
                            ..XObjectTransform::default()
                        },
                    });
                    ops.push(Op::RestoreGraphicsState);
                }
            }
        }
        pdf_pages.push(PdfPage::new(Mm(page.width), Mm(page.height), ops));
    }
    doc.with_pages(pdf_pages);
    // printpdf (through lopdf) compresses every stream at level 9, which
    // was the largest single cost of a document; level 6 gives nearly the
    // same size in a fraction of the time.
    let options = PdfSaveOptions {
        optimize: false,
        ..PdfSaveOptions::default()
    };
    let mut lo = doc.to_lopdf_document(&options, &mut Vec::new());
    compress_streams(&mut lo);
    let mut out = Vec::new();
    lo.save_to(&mut out)
        .expect("writing a PDF into memory cannot fail");
    out
}

/// The QR symbol as a form XObject in module units (one unit per module,
/// y up): a rectangle and a fill for each run of dark modules in a row.
///
/// A seal is ~1,500 runs. As page operators they were about 40 % of a
/// sealed document's time (each an operator object, four floats to format)
/// and a fifth of its size; written straight into the form's stream they
/// are small integers. Each run keeps its own fill because poppler snaps a
/// lone rectangle to the pixel grid: a 3-pixel module at 150 dpi scans that
/// way, and one fill of all runs did not. (An image was tried too: poppler
/// smooths an image scaled up less than 4x, and the QR blurred.)
fn qr_form(dark: &[bool], modules: usize) -> ExternalXObject {
    use std::fmt::Write;
    let mut content = String::with_capacity(modules * modules);
    for row in 0..modules {
        let y = modules - 1 - row;
        let mut col = 0;
        while col < modules {
            if !dark[row * modules + col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < modules && dark[row * modules + col] {
                col += 1;
            }
            // Writing into a String does not fail.
            let _ = writeln!(content, "{start} {y} {} 1 re f", col - start);
        }
    }
    let side = DictItem::Int(modules as i64);
    let dict = [
        ("Type", DictItem::Name(b"XObject".to_vec())),
        ("Subtype", DictItem::Name(b"Form".to_vec())),
        (
            "BBox",
            DictItem::Array(vec![DictItem::Int(0), DictItem::Int(0), side.clone(), side]),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: content.into_bytes(),
            // Compressed with the other streams when the file is written.
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

fn compress_streams(doc: &mut lopdf::Document) {
    use flate2::{Compression, write::ZlibEncoder};
    use std::io::Write;
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::new(6));
        if encoder.write_all(&stream.content).is_err() {
            continue;
        }
        if let Ok(compressed) = encoder.finish()
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}
