//! Printed documents: Arabic shaped with bidi and HarfBuzz-compatible
//! shaping, laid out on A4, written as PDF and drawn as a PNG preview.

pub mod barcode;
pub mod emblem;
pub mod face;
pub mod icc;
pub mod labels;
pub mod layout;
pub mod paper;
pub mod pdf;
pub mod preview;
pub mod render;
pub mod subset;
pub mod text;
