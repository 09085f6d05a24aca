//! The second output of the layout: a raster preview drawn with tiny-skia
//! from the same pages and the same glyph outlines the PDF embeds, so the
//! desk shows exactly what will print.

use skrifa::outline::OutlinePen;
use tiny_skia::{FillRule, Paint, PathBuilder, Pixmap, PixmapPaint, Rect, Stroke, Transform};

use super::layout::{Item, PT_PER_MM, Page};

const MM_PER_INCH: f32 = 25.4;

/// Turns a glyph outline (font units, y up) into a tiny-skia path in
/// points from the glyph origin (y down).
struct GlyphPath {
    builder: PathBuilder,
    scale: f32,
}

impl OutlinePen for GlyphPath {
    fn move_to(&mut self, x: f32, y: f32) {
        self.builder.move_to(x * self.scale, -y * self.scale);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.builder.line_to(x * self.scale, -y * self.scale);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.builder.quad_to(
            x1 * self.scale,
            -y1 * self.scale,
            x * self.scale,
            -y * self.scale,
        );
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.builder.cubic_to(
            x1 * self.scale,
            -y1 * self.scale,
            x2 * self.scale,
            -y2 * self.scale,
            x * self.scale,
            -y * self.scale,
        );
    }
    fn close(&mut self) {
        self.builder.close();
    }
}

fn grey_paint(level: f32) -> Paint<'static> {
    let mut paint = Paint::default();
    let v = (level.clamp(0.0, 1.0) * 255.0).round() as u8;
    paint.set_color_rgba8(v, v, v, 255);
    paint.anti_alias = true;
    paint
}

/// The preview could not be made: the page at that resolution is larger
/// than an image can be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the preview would be {width}×{height} pixels, too large to draw")]
pub struct PreviewTooLarge {
    pub width: u32,
    pub height: u32,
}

/// Draws one page at `dpi` dots per inch on white.
pub fn rasterize(page: &Page, dpi: f32) -> Result<Pixmap, PreviewTooLarge> {
    let px_per_mm = dpi / MM_PER_INCH;
    let px_per_pt = px_per_mm / PT_PER_MM;
    let width = (page.width * px_per_mm).round().max(1.0) as u32;
    let height = (page.height * px_per_mm).round().max(1.0) as u32;
    let mut pixmap = Pixmap::new(width, height).ok_or(PreviewTooLarge { width, height })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    // Everything is laid out in millimetres; one transform maps to pixels.
    let page_tf = Transform::from_scale(px_per_mm, px_per_mm);
    for item in &page.items {
        match item {
            Item::Text {
                x,
                baseline,
                line,
                gray,
                angle,
            } => {
                let paint = grey_paint(*gray);
                // Glyph geometry is in points; the line's own transform puts
                // its origin on the baseline and turns it for watermarks.
                let line_tf = Transform::from_translate(*x * px_per_mm, *baseline * px_per_mm)
                    .pre_rotate(-angle)
                    .pre_scale(px_per_pt, px_per_pt);
                for g in &line.glyphs {
                    let face = g.font.face();
                    let mut outline = GlyphPath {
                        builder: PathBuilder::new(),
                        scale: line.size / face.units_per_em() as f32,
                    };
                    if !face.draw(g.id, &mut outline) {
                        continue; // no outline to draw
                    }
                    let Some(path) = outline.builder.finish() else {
                        continue; // a space or an empty glyph
                    };
                    let tf = line_tf.pre_translate(g.x, -g.y_offset);
                    pixmap.fill_path(&path, &paint, FillRule::Winding, tf, None);
                }
            }
            Item::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else {
                    continue;
                };
                let path = PathBuilder::from_rect(rect);
                if let Some(level) = fill {
                    pixmap.fill_path(&path, &grey_paint(*level), FillRule::Winding, page_tf, None);
                }
                if let Some(width_pt) = stroke {
                    let stroke = Stroke {
                        width: width_pt / PT_PER_MM,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&path, &grey_paint(0.0), &stroke, page_tf, None);
                }
            }
            Item::Line {
                x1,
                y1,
                x2,
                y2,
                width_pt,
            } => {
                let mut pb = PathBuilder::new();
                pb.move_to(*x1, *y1);
                pb.line_to(*x2, *y2);
                if let Some(path) = pb.finish() {
                    let stroke = Stroke {
                        width: width_pt / PT_PER_MM,
                        ..Stroke::default()
                    };
                    pixmap.stroke_path(&path, &grey_paint(0.0), &stroke, page_tf, None);
                }
            }
            Item::Qr {
                x,
                y,
                side,
                modules,
                dark,
            } => {
                // Modules snapped to whole pixels, without anti-aliasing, so
                // the preview's QR scans like the printed one.
                let m = side / *modules as f32;
                let mut paint = grey_paint(0.0);
                paint.anti_alias = false;
                for row in 0..*modules {
                    for col in 0..*modules {
                        if !dark[row * modules + col] {
                            continue;
                        }
                        let left = ((x + col as f32 * m) * px_per_mm).round();
                        let top = ((y + row as f32 * m) * px_per_mm).round();
                        let right = ((x + (col + 1) as f32 * m) * px_per_mm).round();
                        let bottom = ((y + (row + 1) as f32 * m) * px_per_mm).round();
                        if let Some(r) = Rect::from_ltrb(left, top, right, bottom) {
                            pixmap.fill_rect(r, &paint, Transform::identity(), None);
                        }
                    }
                }
            }
            Item::Image { x, y, w, h, image } => {
                draw_image(&mut pixmap, image, px_per_mm, (*x, *y, *w, *h))
            }
        }
    }
    Ok(pixmap)
}

/// An emblem scaled into its place (`x`, `y`, `w`, `h` in mm), smoothed.
fn draw_image(
    pixmap: &mut Pixmap,
    image: &super::emblem::Emblem,
    px_per_mm: f32,
    (x, y, w, h): (f32, f32, f32, f32),
) {
    let rgba: Vec<u8> = image
        .rgb()
        .chunks_exact(3)
        .flat_map(|p| [p[0], p[1], p[2], 255])
        .collect();
    let size = tiny_skia::IntSize::from_wh(image.width_px(), image.height_px());
    let Some(source) = size.and_then(|size| Pixmap::from_vec(rgba, size)) else {
        return;
    };
    let tf = Transform::from_row(
        w * px_per_mm / image.width_px() as f32,
        0.0,
        0.0,
        h * px_per_mm / image.height_px() as f32,
        x * px_per_mm,
        y * px_per_mm,
    );
    let paint = PixmapPaint {
        quality: tiny_skia::FilterQuality::Bilinear,
        ..PixmapPaint::default()
    };
    pixmap.draw_pixmap(0, 0, source.as_ref(), &paint, tf, None);
}

/// Pages one under the other, with a grey gap between them, as a PNG: what
/// `render --preview` writes.
pub fn preview_png(pages: &[Page], dpi: f32) -> Result<Vec<u8>, PreviewTooLarge> {
    let rendered: Vec<Pixmap> = pages
        .iter()
        .map(|p| rasterize(p, dpi))
        .collect::<Result<_, _>>()?;
    let gap = (dpi / 10.0).round() as u32;
    let width = rendered.iter().map(Pixmap::width).max().unwrap_or(1);
    let height =
        rendered.iter().map(Pixmap::height).sum::<u32>() + gap * (rendered.len().max(1) as u32 - 1);
    let height = height.max(1);
    let mut sheet = Pixmap::new(width, height).ok_or(PreviewTooLarge { width, height })?;
    sheet.fill(tiny_skia::Color::from_rgba8(160, 160, 160, 255));
    let mut top = 0;
    for page in &rendered {
        sheet.draw_pixmap(
            0,
            top as i32,
            page.as_ref(),
            &PixmapPaint::default(),
            Transform::identity(),
            None,
        );
        top += page.height() + gap;
    }
    Ok(encode_png(&sheet))
}

/// The pixmap as an opaque greyscale PNG (documents are black on white;
/// an emblem in colour becomes its luma).
pub fn encode_png(pixmap: &Pixmap) -> Vec<u8> {
    let grey: Vec<u8> = pixmap
        .pixels()
        .iter()
        .map(|p| {
            let luma =
                299 * u32::from(p.red()) + 587 * u32::from(p.green()) + 114 * u32::from(p.blue());
            (luma / 1000) as u8
        })
        .collect();
    let img = image::GrayImage::from_raw(pixmap.width(), pixmap.height(), grey)
        .expect("one byte per pixel");
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding an in-memory image cannot fail");
    out.into_inner()
}
