//! One layout model, two outputs: a page is a list of placed items in
//! millimetres from the top-left corner; `pdf` writes it with printpdf.

use super::text::{ShapedLine, shape_line, wrap};

pub const A4: (f32, f32) = (210.0, 297.0);
pub const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Clone, Debug)]
pub enum Item {
    /// A shaped line whose left end is at `x`, on the baseline `baseline`.
    Text {
        x: f32,
        baseline: f32,
        line: ShapedLine,
        gray: f32,
        angle: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<f32>,
        stroke: Option<f32>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width_pt: f32,
    },
    /// A QR symbol: `dark` modules, `modules` per side, drawn `side` mm wide.
    Qr {
        x: f32,
        y: f32,
        side: f32,
        modules: usize,
        dark: Vec<bool>,
    },
    /// A deployment's emblem, drawn `w`×`h` mm with its top-left at `(x, y)`.
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: super::emblem::Emblem,
    },
}

#[derive(Clone, Debug)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub items: Vec<Item>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Right,
    Left,
    Center,
}

impl Page {
    pub fn new(width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            items: Vec::new(),
        }
    }

    /// Places one line of text; `x` is the right edge, left edge or centre.
    pub fn text(
        &mut self,
        x: f32,
        baseline: f32,
        text: &str,
        size: f32,
        bold: bool,
        align: Align,
    ) -> f32 {
        let line = shape_line(text, size, bold, true);
        let width = line.width / PT_PER_MM;
        let left = match align {
            Align::Right => x - width,
            Align::Left => x,
            Align::Center => x - width / 2.0,
        };
        self.items.push(Item::Text {
            x: left,
            baseline,
            line,
            gray: 0.0,
            angle: 0.0,
        });
        width
    }

    /// A right-aligned paragraph wrapped to `width` mm; returns the baseline
    /// after its last line.
    pub fn paragraph(
        &mut self,
        right: f32,
        baseline: f32,
        width: f32,
        text: &str,
        size: f32,
        leading: f32,
    ) -> f32 {
        let mut y = baseline;
        for line in wrap(text, size, false, true, width * PT_PER_MM) {
            let w = line.width / PT_PER_MM;
            self.items.push(Item::Text {
                x: right - w,
                baseline: y,
                line,
                gray: 0.0,
                angle: 0.0,
            });
            y += leading;
        }
        y
    }

    /// Places a shaped line with its right end at `right`; returns its
    /// width in mm.
    pub fn line_right(&mut self, right: f32, baseline: f32, line: ShapedLine) -> f32 {
        let width = line.width / PT_PER_MM;
        self.items.push(Item::Text {
            x: right - width,
            baseline,
            line,
            gray: 0.0,
            angle: 0.0,
        });
        width
    }

    /// A filled rectangle (`level` 0 is black): a bar of a barcode, a
    /// band behind a heading.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, level: f32) {
        self.items.push(Item::Rect {
            x,
            y,
            w,
            h,
            fill: Some(level),
            stroke: None,
        });
    }

    pub fn rule(&mut self, x1: f32, y: f32, x2: f32, width_pt: f32) {
        self.items.push(Item::Line {
            x1,
            y1: y,
            x2,
            y2: y,
            width_pt,
        });
    }

    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32) {
        self.items.push(Item::Rect {
            x,
            y,
            w,
            h,
            fill: None,
            stroke: Some(width_pt),
        });
    }

    /// Large light text across the page (draft / copy marks).
    pub fn watermark(&mut self, text: &str, size: f32, gray: f32) {
        let line = shape_line(text, size, true, true);
        let w = line.width / PT_PER_MM;
        let angle: f32 = 35.0;
        let (cx, cy) = (self.width / 2.0, self.height / 2.0);
        let rad = angle.to_radians();
        // Start point so the text's middle sits on the page centre.
        let x = cx - (w / 2.0) * rad.cos();
        let baseline = cy + (w / 2.0) * rad.sin();
        // Drawn first, so the document's text stays on top of it.
        self.items.insert(
            0,
            Item::Text {
                x,
                baseline,
                line,
                gray,
                angle,
            },
        );
    }
}
