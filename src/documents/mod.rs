//! Printed documents: Arabic shaped with bidi and HarfBuzz-compatible
//! shaping, laid out on A4, written as PDF.

pub mod labels;
pub mod layout;
pub mod paper;
pub mod pdf;
pub mod render;
pub mod text;
