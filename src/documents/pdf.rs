//! Writes laid-out pages as a PDF with printpdf: fonts embedded and subset,
//! every glyph written by id with the text it stands for, so the PDF has a
//! ToUnicode map and copy/search give back the Arabic that was written.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use printpdf::{
    Color, CurTransMat, DictItem, ExternalStream, ExternalXObject, Greyscale, Line, LinePoint, Mm,
    Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
    TextMatrix, XObjectTransform,
};

use sha2::{Digest, Sha256};

use super::layout::{Item, PT_PER_MM, Page};
use super::subset::{self, Wanted};
use super::text::{FontId, Glyph, is_combining_mark};

/// What printpdf is given for each face: a stand-in with the face's names
/// and metrics and no glyphs (it writes the descriptor from them), and the
/// stand-in's bytes, to recognise it in the written file. The real program,
/// cut to one document's glyphs, replaces it there (`embed_subsets`).
fn stand_ins() -> &'static Vec<(Vec<u8>, ParsedFont)> {
    static FONTS: OnceLock<Vec<(Vec<u8>, ParsedFont)>> = OnceLock::new();
    // Made and parsed once per process: font parsing is slow.
    FONTS.get_or_init(|| {
        FontId::ALL
            .iter()
            .map(|f| {
                let bytes = subset::stand_in(f.bytes()).expect("bundled font is TrueType");
                let parsed =
                    ParsedFont::from_bytes(&bytes, 0, &mut Vec::new()).expect("stand-in parses");
                (bytes, parsed)
            })
            .collect()
    })
}

/// Where a PDF draws glyph `k` of a line from, and as which glyph of the
/// document's font program.
///
/// A mark is drawn in place, but from the origin of the letter it sits
/// on when the font puts it right of that origin: as a moved copy of
/// the mark (see `subset::Wanted`). PDF readers take a glyph's origin as
/// the place of its text: in a right-to-left word the marks come just
/// before their letter in visual order, and a mark whose origin is well
/// inside its letter (Noto Naskh puts a shadda 0.11 em in) starts a word
/// of its own for poppler, which then reads it out of order.
fn placement(glyphs: &[Glyph], k: usize, size: f32) -> (Wanted, f32) {
    let g = &glyphs[k];
    let is_mark =
        |g: &Glyph| g.advance == 0.0 && !g.text.is_empty() && g.text.chars().all(is_combining_mark);
    if is_mark(g)
        && let Some(letter) = glyphs[k + 1..].iter().find(|n| !is_mark(n))
        && letter.font == g.font
        && letter.advance > 0.0
        && g.x > letter.x
    {
        let units_per_em = g.font.face().units_per_em() as f32;
        let units_per_pt = units_per_em / size;
        let shift = ((g.x - letter.x) * units_per_pt).round();
        // A mark sits on its letter: an em or more away, draw it plainly.
        if shift >= 1.0 && shift < units_per_em {
            let wanted = Wanted {
                gid: g.id,
                shift: shift as i16,
                copy: 0,
            };
            return (wanted, g.x - shift / units_per_pt);
        }
    }
    (Wanted::plain(g.id), g.x)
}

/// Bidi controls (the marks LRM, RLM and ALM, the embeddings and
/// overrides, the isolates): they steer the layout (a phone number is
/// set in an isolate) and draw nothing, and whoever copies a phone from
/// the page must get its digits alone.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text a glyph copies as, in the ToUnicode map: its own without bidi
/// controls; None for a glyph that stands for controls alone (the shaper
/// gives each an empty glyph), which is not written at all.
fn copied_text(g: &Glyph) -> Option<Cow<'_, str>> {
    if !g.text.chars().any(is_bidi_control) {
        return Some(Cow::Borrowed(&g.text));
    }
    let text: String = g.text.chars().filter(|c| !is_bidi_control(*c)).collect();
    if text.is_empty() && g.advance == 0.0 {
        None
    } else {
        Some(Cow::Owned(text))
    }
}

/// A document's fonts: the code its content uses for each face's glyphs
/// (1, 2, … in glyph order; 0 stays `.notdef`), which are the glyph ids
/// of the font programs cut to its glyphs, and those programs' widths.
struct DocumentFonts {
    /// For each glyph drawn, the texts it stands for, each with its code:
    /// one code per text, since the ToUnicode map gives a code one text
    /// (see `subset::Wanted::copy`). Nearly always one.
    code: std::collections::HashMap<(FontId, Wanted), Vec<(String, u16)>>,
    subsets: BTreeMap<FontId, subset::Subset>,
}

impl DocumentFonts {
    fn of(pages: &[Page]) -> DocumentFonts {
        let mut glyphs: BTreeMap<FontId, BTreeMap<Wanted, Vec<Cow<'_, str>>>> = BTreeMap::new();
        for page in pages {
            for item in &page.items {
                if let Item::Text { line, .. } = item {
                    for (k, g) in line.glyphs.iter().enumerate() {
                        let Some(text) = copied_text(g) else { continue };
                        if g.id != 0 {
                            let (wanted, _) = placement(&line.glyphs, k, line.size);
                            let texts =
                                glyphs.entry(g.font).or_default().entry(wanted).or_default();
                            if !texts.contains(&text) {
                                texts.push(text);
                            }
                        }
                    }
                }
            }
        }
        let mut code = std::collections::HashMap::new();
        let subsets = glyphs
            .into_iter()
            .map(|(font, glyphs)| {
                let mut used: Vec<Wanted> = Vec::with_capacity(glyphs.len());
                for (wanted, texts) in glyphs {
                    let mut codes = Vec::with_capacity(texts.len());
                    for (copy, text) in texts.into_iter().enumerate() {
                        used.push(Wanted {
                            copy: copy as u16,
                            ..wanted
                        });
                        codes.push((text.into_owned(), used.len() as u16));
                    }
                    code.insert((font, wanted), codes);
                }
                // Our own fonts, compiled in and tested, and glyph ids the
                // shaper took from them: this cannot fail short of a build
                // defect, and a page that draws nothing must not be written.
                let subset = subset::subset(font.bytes(), &used).expect("bundled font subsets");
                (font, subset)
            })
            .collect();
        DocumentFonts { code, subsets }
    }

    /// The code of glyph `wanted` of `font` where it stands for `text`.
    fn code(&self, font: FontId, wanted: Wanted, text: &str) -> u16 {
        if wanted.gid == 0 {
            return 0;
        }
        self.code
            .get(&(font, wanted))
            .and_then(|codes| codes.iter().find(|(t, _)| t == text))
            .map_or(0, |&(_, code)| code)
    }

    /// The advance of a code, in 1/1000 em, as the PDF's `/W` gives it.
    fn width(&self, font: FontId, code: u16) -> f32 {
        self.subsets
            .get(&font)
            .and_then(|s| s.widths.get(code as usize))
            .copied()
            .unwrap_or(0) as f32
    }
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
    let mut writer = Writer {
        fonts: DocumentFonts::of(pages),
        ids: BTreeMap::new(),
        doc,
    };
    let mut pdf_pages = Vec::with_capacity(pages.len());
    for page in pages {
        let mut ops = PageOps {
            height: page.height * PT_PER_MM,
            ops: Vec::new(),
        };
        for item in &page.items {
            writer.draw(&mut ops, item);
        }
        pdf_pages.push(PdfPage::new(Mm(page.width), Mm(page.height), ops.ops));
    }
    let archival = ArchivalInfo {
        title: info.title.to_owned(),
        subject: info.seal.map(str::to_owned),
        pages: pages.len(),
    };
    writer.finish(pdf_pages, archival)
}

/// What the archival metadata says: the same as the information
/// dictionary (PDF/A requires the two to agree).
struct ArchivalInfo {
    title: String,
    subject: Option<String>,
    pages: usize,
}

/// The language of every document, label and manifest.
const LANGUAGE: &str = "ar-SY";
/// The sRGB profile of the output intent (`icc.rs`), made and deflated
/// once per process (every document embeds it).
fn srgb_profile_deflated() -> &'static [u8] {
    static DEFLATED: OnceLock<Vec<u8>> = OnceLock::new();
    DEFLATED.get_or_init(|| {
        use flate2::{Compression, write::ZlibEncoder};
        use std::io::Write;
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        // Writing into memory cannot fail.
        let _ = encoder.write_all(&super::icc::srgb_profile());
        encoder.finish().unwrap_or_default()
    })
}

/// Makes the file PDF/A-2u (ISO 19005-2, level U): PDF 1.7 with a binary
/// header comment, XMP metadata naming the part and level and repeating
/// the title, producer and subject, an sRGB output intent, the document's
/// language and title shown as its name, and a file identifier. The fonts
/// are already embedded, subset, with a ToUnicode map for every glyph.
fn make_archival(doc: &mut lopdf::Document, info: &ArchivalInfo) {
    use lopdf::{Dictionary, Object, Stream, StringFormat};
    doc.version = "1.7".into();
    doc.binary_mark = vec![0xE2, 0xE3, 0xCF, 0xD3];
    let text = |s: &str| Object::String(pdf_text(s), StringFormat::Hexadecimal);
    let mut meta = Dictionary::new();
    meta.set("Type", "Metadata");
    meta.set("Subtype", "XML");
    let metadata = doc.add_object(Stream::new(meta, xmp_packet(info).into_bytes()));
    let mut icc = Dictionary::new();
    icc.set("N", 3);
    icc.set("Filter", "FlateDecode");
    let profile = doc.add_object(Stream::new(icc, srgb_profile_deflated().to_vec()));
    let mut intent = Dictionary::new();
    intent.set("Type", "OutputIntent");
    intent.set("S", "GTS_PDFA1");
    intent.set("OutputConditionIdentifier", text("sRGB IEC61966-2.1"));
    intent.set("Info", text("sRGB IEC61966-2.1"));
    intent.set("DestOutputProfile", profile);
    let mut viewer = Dictionary::new();
    viewer.set("DisplayDocTitle", true);
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Metadata", metadata);
        catalog.set("OutputIntents", vec![Object::Dictionary(intent)]);
        catalog.set("Lang", text(LANGUAGE));
        catalog.set("ViewerPreferences", viewer);
    }
    // The same file identifier twice (made, and not changed since): a
    // digest of what identifies the document, so the same document gives
    // the same file.
    let mut digest = Sha256::new();
    digest.update(info.title.as_bytes());
    digest.update(info.subject.as_deref().unwrap_or("").as_bytes());
    digest.update(info.pages.to_le_bytes());
    let id = digest.finalize()[..16].to_vec();
    let id = Object::String(id, StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
}

/// A text string for the PDF: UTF-16BE with its byte order mark.
fn pdf_text(s: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// The XMP packet: PDF/A identification, title, subject, producer and
/// language, each as the information dictionary has it.
fn xmp_packet(info: &ArchivalInfo) -> String {
    let subject = info.subject.as_deref().map_or_else(String::new, |s| {
        format!(
            "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">{}</rdf:li></rdf:Alt></dc:description>",
            xml_escape(s)
        )
    });
    format!(
        concat!(
            "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n",
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n",
            "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
            "<rdf:Description rdf:about=\"\" ",
            "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" ",
            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" ",
            "xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" ",
            "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n",
            "<pdfaid:part>2</pdfaid:part>\n",
            "<pdfaid:conformance>U</pdfaid:conformance>\n",
            "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n",
            "{subject}\n",
            "<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n",
            "<pdf:Producer>citizen-desk</pdf:Producer>\n",
            "<xmp:CreatorTool>citizen-desk</xmp:CreatorTool>\n",
            "</rdf:Description>\n",
            "</rdf:RDF>\n",
            "</x:xmpmeta>\n",
            "<?xpacket end=\"w\"?>"
        ),
        title = xml_escape(&info.title),
        subject = subject,
        lang = LANGUAGE,
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The document being written and its fonts.
struct Writer {
    doc: PdfDocument,
    fonts: DocumentFonts,
    /// printpdf's handle of each face, added on first use.
    ids: BTreeMap<FontId, printpdf::FontId>,
}

/// One page's drawing operators, with the page's height (PDF counts up
/// from the bottom, the layout down from the top).
struct PageOps {
    height: f32,
    ops: Vec<Op>,
}

impl PageOps {
    /// A layout point (mm from the top left) in PDF points.
    fn point(&self, x: f32, y: f32) -> Point {
        Point {
            x: Pt(x * PT_PER_MM),
            y: Pt(self.height - y * PT_PER_MM),
        }
    }
}

impl Writer {
    fn draw(&mut self, page: &mut PageOps, item: &Item) {
        match item {
            Item::Text {
                x,
                baseline,
                line,
                gray,
                angle,
            } => self.text(page, (*x, *baseline), line, *gray, *angle),
            Item::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => rect(page, (*x, *y, *w, *h), *fill, *stroke),
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width_pt,
            } => line(page, (*x1, *y1), (*x2, *y2), *width_pt),
            Item::Qr {
                x,
                y,
                side,
                modules,
                dark,
            } => {
                let symbol = self.doc.add_xobject(&qr_mask(dark, *modules));
                // A mask paints in the fill colour: black.
                place_image(page, symbol, (*x, *y, *side, *side), Some(grey(0.0)));
            }
            Item::Image { x, y, w, h, image } => {
                let picture = self.doc.add_xobject(&rgb_image(image));
                place_image(page, picture, (*x, *y, *w, *h), None);
            }
        }
    }

    /// A line of shaped glyphs: one text matrix and one TJ per run of
    /// glyphs on the same font and baseline. After each glyph the reader
    /// advances by its /W width, and the number after it in the TJ array
    /// moves the pen on to the next glyph's x.
    fn text(
        &mut self,
        page: &mut PageOps,
        (x, baseline): (f32, f32),
        line: &super::text::ShapedLine,
        gray: f32,
        angle: f32,
    ) {
        let ops = &mut page.ops;
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetFillColor { col: grey(gray) });
        ops.push(Op::StartTextSection);
        let origin = page_point(page.height, x, baseline);
        let at = |gx: f32, gy: f32| text_matrix(origin, angle, gx, gy);
        let em = line.size / 1000.0;
        let mut run: Vec<printpdf::Codepoint> = Vec::new();
        let mut current = None;
        let mut pen = 0.0f32;
        let mut rise = 0.0f32;
        for (k, g) in line.glyphs.iter().enumerate() {
            let Some(text) = copied_text(g) else { continue };
            let (wanted, gx) = placement(&line.glyphs, k, line.size);
            let new_font = current != Some(g.font);
            if new_font || g.y_offset != rise || run.is_empty() {
                if !run.is_empty() {
                    ops.push(Op::ShowText {
                        items: vec![TextItem::GlyphIds(std::mem::take(&mut run))],
                    });
                }
                if new_font {
                    let doc = &mut self.doc;
                    let id = self
                        .ids
                        .entry(g.font)
                        .or_insert_with(|| doc.add_font(&stand_ins()[g.font as usize].1))
                        .clone();
                    ops.push(Op::SetFont {
                        font: PdfFontHandle::External(id),
                        size: Pt(line.size),
                    });
                    current = Some(g.font);
                }
                ops.push(Op::SetTextMatrix {
                    matrix: at(gx, g.y_offset),
                });
                pen = gx;
                rise = g.y_offset;
            } else if let Some(last) = run.last_mut() {
                // Whole thousandths of an em: a hundredth of a point at
                // 10 pt. The pen follows the rounded value, so the error
                // never adds up.
                let kern = ((pen - gx) / em).round();
                if kern != 0.0 {
                    last.offset = kern;
                    pen -= kern * em;
                }
            }
            let code = self.fonts.code(g.font, wanted, &text);
            run.push(printpdf::Codepoint::with_cid(code, 0.0, text.into_owned()));
            pen += self.fonts.width(g.font, code) * em;
        }
        if !run.is_empty() {
            ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(run)],
            });
        }
        ops.push(Op::EndTextSection);
        ops.push(Op::RestoreGraphicsState);
    }

    /// The pages into the document, then the fonts cut to what they draw,
    /// the document information tidied and the streams compressed.
    fn finish(self, pages: Vec<PdfPage>, info: ArchivalInfo) -> Vec<u8> {
        let Writer {
            mut doc, mut fonts, ..
        } = self;
        doc.with_pages(pages);
        // printpdf's own subsetting re-parses and re-serialises every table
        // of each face for each document; it writes the stand-ins whole
        // instead, and they are replaced by programs cut to this document's
        // glyphs. Its optimisation would compress every stream at level 9
        // (the largest single cost of a document once); `compress_streams`
        // uses level 6, nearly the same size in a fraction of the time.
        let options = PdfSaveOptions {
            optimize: false,
            subset_fonts: false,
            ..PdfSaveOptions::default()
        };
        let mut lo = doc.to_lopdf_document(&options, &mut Vec::new());
        embed_subsets(&mut lo, &mut fonts);
        tidy_information(&mut lo);
        compress_streams(&mut lo);
        // After compression: PDF/A keeps the metadata stream unfiltered.
        make_archival(&mut lo, &info);
        let mut out = Vec::new();
        lo.save_to(&mut out)
            .expect("writing a PDF into memory cannot fail");
        out
    }
}

/// A layout point (mm from the top left) as PDF points from the bottom
/// left of a page `height` points high.
fn page_point(height: f32, x: f32, y: f32) -> (f32, f32) {
    (x * PT_PER_MM, height - y * PT_PER_MM)
}

/// Where glyph `(gx, gy)` of a line starting at `origin` is drawn, the
/// line turned by `angle` degrees (the watermark).
fn text_matrix((x0, y0): (f32, f32), angle: f32, gx: f32, gy: f32) -> TextMatrix {
    if angle == 0.0 {
        return TextMatrix::Translate(Pt(x0 + gx), Pt(y0 + gy));
    }
    let (sin, cos) = angle.to_radians().sin_cos();
    TextMatrix::Raw([
        cos,
        sin,
        -sin,
        cos,
        x0 + gx * cos - gy * sin,
        y0 + gx * sin + gy * cos,
    ])
}

/// Draws image XObject `id` into the box `(x, y, w, h)` (mm from the top
/// left): an image fills the unit square, so it is scaled to the box and
/// its bottom-left put in place. `fill` is the colour an image mask paints.
fn place_image(
    page: &mut PageOps,
    id: printpdf::XObjectId,
    (x, y, w, h): (f32, f32, f32, f32),
    fill: Option<Color>,
) {
    let corner = page.point(x, y + h);
    let ops = &mut page.ops;
    ops.push(Op::SaveGraphicsState);
    if let Some(col) = fill {
        ops.push(Op::SetFillColor { col });
    }
    ops.push(Op::SetTransformationMatrix {
        matrix: CurTransMat::Raw([
            w * PT_PER_MM,
            0.0,
            0.0,
            h * PT_PER_MM,
            corner.x.0,
            corner.y.0,
        ]),
    });
    ops.push(Op::UseXobject {
        id,
        transform: XObjectTransform {
            no_auto_scale: true,
            ..XObjectTransform::default()
        },
    });
    ops.push(Op::RestoreGraphicsState);
}

/// A rectangle `(x, y, w, h)` in mm, filled grey and/or stroked black.
fn rect(
    page: &mut PageOps,
    (x, y, w, h): (f32, f32, f32, f32),
    fill: Option<f32>,
    stroke: Option<f32>,
) {
    let bottom_left = page.point(x, y + h);
    let mut rect = Rect::from_xywh(
        bottom_left.x,
        bottom_left.y,
        Pt(w * PT_PER_MM),
        Pt(h * PT_PER_MM),
    );
    let ops = &mut page.ops;
    ops.push(Op::SaveGraphicsState);
    if let Some(level) = fill {
        ops.push(Op::SetFillColor { col: grey(level) });
        rect.mode = Some(printpdf::PaintMode::Fill);
    }
    if let Some(width) = stroke {
        ops.push(Op::SetOutlineColor { col: grey(0.0) });
        ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        rect.mode = Some(if fill.is_some() {
            printpdf::PaintMode::FillStroke
        } else {
            printpdf::PaintMode::Stroke
        });
    }
    ops.push(Op::DrawRectangle { rectangle: rect });
    ops.push(Op::RestoreGraphicsState);
}

/// A black line from `a` to `b` (mm), `width_pt` thick.
fn line(page: &mut PageOps, a: (f32, f32), b: (f32, f32), width_pt: f32) {
    let p = |(x, y): (f32, f32)| LinePoint {
        p: page.point(x, y),
        bezier: false,
    };
    let points = vec![p(a), p(b)];
    let ops = &mut page.ops;
    ops.push(Op::SaveGraphicsState);
    ops.push(Op::SetOutlineColor { col: grey(0.0) });
    ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
    ops.push(Op::DrawLine {
        line: Line {
            points,
            is_closed: false,
        },
    });
    ops.push(Op::RestoreGraphicsState);
}

/// Replaces each stand-in printpdf embedded by the glyphs this document
/// draws, with their widths, named as a subset (`ABCDEF+Name`, ISO
/// 32000-1, 9.6.4).
fn embed_subsets(doc: &mut lopdf::Document, fonts: &mut DocumentFonts) {
    use lopdf::Object;
    // Type0 font → its descendant's descriptor → the font program.
    let mut found = Vec::new();
    for (&id, object) in &doc.objects {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        let descriptor = dict
            .get(b"DescendantFonts")
            .and_then(Object::as_array)
            .ok()
            .and_then(|fonts| fonts.first())
            .and_then(|font| font.as_dict().ok())
            .and_then(|font| font.get(b"FontDescriptor").ok())
            .and_then(|d| d.as_reference().ok());
        let program = descriptor
            .and_then(|d| doc.objects.get(&d))
            .and_then(|d| d.as_dict().ok())
            .and_then(|d| d.get(b"FontFile2").ok())
            .and_then(|p| p.as_reference().ok());
        if let (Some(descriptor), Some(program)) = (descriptor, program) {
            found.push((id, descriptor, program));
        }
    }
    for (font_id, descriptor_id, program_id) in found {
        let Some(Object::Stream(program)) = doc.objects.get_mut(&program_id) else {
            continue;
        };
        let Some(face) = FontId::ALL
            .into_iter()
            .find(|f| stand_ins()[*f as usize].0 == program.content)
        else {
            continue;
        };
        let Some(subset) = fonts.subsets.remove(&face) else {
            continue;
        };
        let tag = subset_tag(face, &subset);
        program.dict.set("Length1", subset.program.len() as i64);
        program.set_content(subset.program);
        let rename = |dict: &mut lopdf::Dictionary, key: &[u8]| {
            if let Ok(Object::Name(name)) = dict.get_mut(key) {
                let mut tagged = tag.to_vec();
                tagged.push(b'+');
                tagged.extend_from_slice(name);
                *name = tagged;
            }
        };
        if let Some(Ok(descriptor)) = doc.objects.get_mut(&descriptor_id).map(Object::as_dict_mut) {
            rename(descriptor, b"FontName");
        }
        if let Some(Ok(font)) = doc.objects.get_mut(&font_id).map(Object::as_dict_mut) {
            rename(font, b"BaseFont");
            if let Ok(Object::Array(descendants)) = font.get_mut(b"DescendantFonts")
                && let Some(Object::Dictionary(descendant)) = descendants.first_mut()
            {
                rename(descendant, b"BaseFont");
                // Codes 0..=n, widths in order (printpdf measured the
                // stand-in, which has no glyphs).
                let widths = subset.widths.into_iter().map(Object::Integer).collect();
                descendant.set("W", vec![Object::Integer(0), Object::Array(widths)]);
            }
        }
    }
}

/// Six capital letters that name a subset by its face and glyphs.
fn subset_tag(face: FontId, subset: &subset::Subset) -> [u8; 6] {
    // FNV-1a over the face, the program's size and the glyphs' widths:
    // the same glyphs of the same face give the same name.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let words = [face as i64, subset.program.len() as i64];
    for word in words.iter().chain(&subset.widths) {
        for byte in word.to_le_bytes() {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    let mut tag = [b'A'; 6];
    for letter in &mut tag {
        *letter = b'A' + (hash % 26) as u8;
        hash /= 26;
    }
    tag
}

/// The QR symbol as a stencil mask: one bit per module, 1 where dark,
/// painted in the current fill colour. About 1.2 KB where the same symbol
/// as ~1,500 filled rectangles took 7 KB (compressed) and formatting
/// them took a tenth of a document's time. A mask is not smoothed when
/// scaled up (poppler smooths a scaled-up image, not a mask): a 150 dpi
/// raster keeps every module square, and the round-trip test reads it.
fn qr_mask(dark: &[bool], modules: usize) -> ExternalXObject {
    let row_bytes = modules.div_ceil(8);
    let mut bits = vec![0u8; row_bytes * modules];
    for row in 0..modules {
        for col in 0..modules {
            if dark[row * modules + col] {
                bits[row * row_bytes + col / 8] |= 0x80 >> (col % 8);
            }
        }
    }
    let side = DictItem::Int(modules as i64);
    let dict = [
        ("Type", DictItem::Name(b"XObject".to_vec())),
        ("Subtype", DictItem::Name(b"Image".to_vec())),
        ("Width", side.clone()),
        ("Height", side),
        ("ImageMask", DictItem::Bool(true)),
        ("BitsPerComponent", DictItem::Int(1)),
        (
            "Decode",
            DictItem::Array(vec![DictItem::Int(1), DictItem::Int(0)]),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: bits,
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

/// An emblem as an image XObject: 8-bit RGB in the sRGB space the
/// output intent names (PDF/A-2 takes DeviceRGB under it), opaque
/// (flattened onto white when it was read), deflated with the other
/// streams.
fn rgb_image(image: &super::emblem::Emblem) -> ExternalXObject {
    let dict = [
        ("Type", DictItem::Name(b"XObject".to_vec())),
        ("Subtype", DictItem::Name(b"Image".to_vec())),
        ("Width", DictItem::Int(i64::from(image.width_px()))),
        ("Height", DictItem::Int(i64::from(image.height_px()))),
        ("ColorSpace", DictItem::Name(b"DeviceRGB".to_vec())),
        // No Interpolate: PDF/A forbids it (ISO 19005-2, 6.2.8).
        ("BitsPerComponent", DictItem::Int(8)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: image.rgb().to_vec(),
            compress: false,
        },
        width: None,
        height: None,
        dpi: None,
    }
}

/// The document information as it should read: printpdf writes every
/// string as UTF-16 in hex (four bytes a letter: the seal text, stored
/// twice, was 5.6 KB of a 40 KB page), empty fields, and the dates of
/// 1 January 1970. ASCII strings are written as they are, the seal once
/// (Subject), and empty fields and those dates are left out.
fn tidy_information(doc: &mut lopdf::Document) {
    use lopdf::{Object, StringFormat};
    let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) else {
        return;
    };
    let Some(Ok(info)) = doc.objects.get_mut(&info).map(Object::as_dict_mut) else {
        return;
    };
    info.remove(b"Keywords");
    let mut empty = Vec::new();
    for (key, value) in info.iter_mut() {
        match value {
            Object::String(bytes, format) => {
                let text = match bytes.strip_prefix(&[0xFE, 0xFF]) {
                    Some(utf16) => String::from_utf16(
                        &utf16
                            .chunks_exact(2)
                            .map(|c| u16::from_be_bytes([c[0], c[1]]))
                            .collect::<Vec<_>>(),
                    )
                    .ok(),
                    None => String::from_utf8(bytes.clone()).ok(),
                };
                match text {
                    Some(text) if text.is_empty() || text.starts_with("D:1970") => {
                        empty.push(key.clone())
                    }
                    Some(text) if text.bytes().all(|b| (b' '..=b'~').contains(&b)) => {
                        *bytes = text.into_bytes();
                        *format = StringFormat::Literal;
                    }
                    _ => {}
                }
            }
            Object::Name(name) if name.is_empty() => empty.push(key.clone()),
            _ => {}
        }
    }
    for key in empty {
        info.remove(&key);
    }
}

fn compress_streams(doc: &mut lopdf::Document) {
    for object in doc.objects.values_mut() {
        let lopdf::Object::Stream(stream) = object else {
            continue;
        };
        if stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        if let Some(compressed) = deflate(&stream.content)
            && compressed.len() + 19 < stream.content.len()
        {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

/// A stream deflated at level 6 (zlib format, as FlateDecode reads it).
/// One compressor per thread, reset for each stream: setting one up costs
/// more than deflating a page's content stream, and a document has eight
/// streams (measured with callgrind: a quarter of the PDF writer's time).
fn deflate(data: &[u8]) -> Option<Vec<u8>> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    use std::cell::RefCell;
    thread_local! {
        static DEFLATER: RefCell<Compress> = RefCell::new(Compress::new(Compression::new(6), true));
    }
    DEFLATER.with_borrow_mut(|deflater| {
        deflater.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let read = usize::try_from(deflater.total_in()).ok()?;
            let status = deflater
                .compress_vec(data.get(read..)?, &mut out, FlushCompress::Finish)
                .ok()?;
            match status {
                Status::StreamEnd => return Some(out),
                // Out of room: `compress_vec` writes only into spare capacity.
                Status::Ok | Status::BufError => out.reserve(out.capacity().max(1024)),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::deflate;
    use std::io::Read;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(data)
            .read_to_end(&mut out)
            .expect("a zlib stream");
        out
    }

    #[test]
    fn the_reused_deflater_gives_each_stream_back_whole() {
        // Incompressible bytes outgrow the first buffer; the same compressor
        // then deflates a small and an empty stream after it.
        let mut noise = Vec::new();
        let mut x: u32 = 12345;
        for _ in 0..200_000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            noise.push((x >> 16) as u8);
        }
        let text = b"BT /F1 12 Tf (citizen-desk) Tj ET\n".repeat(40);
        for data in [&noise[..], &text[..], &[][..], &noise[..1000]] {
            let compressed = deflate(data).expect("deflates");
            assert_eq!(inflate(&compressed), data);
        }
        assert!(deflate(&text).expect("deflates").len() < text.len() / 10);
    }
}
