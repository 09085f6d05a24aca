//! A bundled font, parsed once, with everything we ask of it: shaping by
//! HarfRust (HarfBuzz's own Rust port), and the character map and glyph
//! outlines by skrifa, both reading the same bytes through read-fonts.
//!
//! Printed documents (their text, the preview and the PDF) and the desk
//! app's right-to-left field all shape through this type, and iced shapes
//! what the screen draws with HarfRust too (through cosmic-text, the same
//! crate version): one shaper places what is drawn, where the caret goes
//! and what is printed.

use std::sync::{Arc, Mutex};

use harfrust::{
    BufferClusterLevel, Direction, GlyphBuffer, Script, ShapePlan, ShaperData, UnicodeBuffer,
};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::pen::PathStyle;
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::{FontRef, GlyphId, MetadataProvider, OutlineGlyphCollection};

/// Plans kept per face: one per (direction, script) a face is shaped in,
/// a handful in practice; past this the cache starts afresh.
const PLAN_LIMIT: usize = 32;

/// What a plan depends on for our runs (no language, no features).
type PlanKey = (Direction, Script);

/// A font face ready to shape and draw.
pub struct Face {
    font: FontRef<'static>,
    /// HarfRust's tables and caches for this font, built once: shaping
    /// then only borrows them.
    shaping: ShaperData,
    charmap: Charmap<'static>,
    outlines: OutlineGlyphCollection<'static>,
    units_per_em: u16,
    /// Shape plans by direction and script. A plan gathers the font's
    /// lookups for one kind of run: rustybuzz made one for every call,
    /// HarfRust lets it be made once and reused.
    plans: Mutex<Vec<(PlanKey, Arc<ShapePlan>)>>,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Face")
            .field("units_per_em", &self.units_per_em)
            .finish_non_exhaustive()
    }
}

/// The bytes are not a font we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a font that can be read: {0}")]
pub struct FaceError(String);

impl Face {
    /// Parses the first face of `bytes` (fonts compiled into the program,
    /// hence `'static`).
    pub fn parse(bytes: &'static [u8]) -> Result<Face, FaceError> {
        let font = FontRef::new(bytes).map_err(|e| FaceError(e.to_string()))?;
        let units_per_em = skrifa::raw::TableProvider::head(&font)
            .map_err(|e| FaceError(e.to_string()))?
            .units_per_em();
        Ok(Face {
            shaping: ShaperData::new(&font),
            charmap: font.charmap(),
            outlines: font.outline_glyphs(),
            units_per_em,
            plans: Mutex::new(Vec::new()),
            font,
        })
    }

    pub fn units_per_em(&self) -> u16 {
        self.units_per_em
    }

    /// The glyph the character map gives `ch`, if any (never `.notdef`).
    pub fn glyph_index(&self, ch: char) -> Option<u16> {
        self.charmap
            .map(ch)
            .and_then(|g| u16::try_from(g.to_u32()).ok())
    }

    /// Shapes one run of one direction as HarfBuzz would: the script is
    /// guessed from the text, no language, no features. Clusters are byte
    /// offsets into `text`; positions are in font units.
    pub fn shape(&self, text: &str, rtl: bool, clusters: BufferClusterLevel) -> GlyphBuffer {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(if rtl {
            Direction::RightToLeft
        } else {
            Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        buffer.set_cluster_level(clusters);
        let shaper = self.shaping.shaper(&self.font).build();
        let plan = self.plan(&shaper, buffer.direction(), buffer.script());
        shaper.shape_with_plan(&plan, buffer, &[])
    }

    fn plan(
        &self,
        shaper: &harfrust::Shaper<'_>,
        direction: Direction,
        script: Script,
    ) -> Arc<ShapePlan> {
        let key = (direction, script);
        if let Ok(plans) = self.plans.lock()
            && let Some((_, plan)) = plans.iter().find(|(k, _)| *k == key)
        {
            return Arc::clone(plan);
        }
        // A buffer whose script could not be guessed (digits, spaces)
        // reports "unknown"; HarfBuzz plans such a run with no script,
        // so do we.
        let guessed = (script != harfrust::script::UNKNOWN).then_some(script);
        let plan = Arc::new(ShapePlan::new(shaper, direction, guessed, None, &[]));
        if let Ok(mut plans) = self.plans.lock() {
            if plans.len() >= PLAN_LIMIT {
                plans.clear();
            }
            if !plans.iter().any(|(k, _)| *k == key) {
                plans.push((key, Arc::clone(&plan)));
            }
        }
        plan
    }

    /// Draws glyph `gid`'s outline, unhinted, in font units (y up) into
    /// `pen`. False when the font has no such glyph or its outline cannot
    /// be read; an empty glyph (a space) draws nothing and is true.
    pub fn draw(&self, gid: u16, pen: &mut impl OutlinePen) -> bool {
        let Some(glyph) = self.outlines.get(GlyphId::from(gid)) else {
            return false;
        };
        // HarfBuzz's way: points in floating point, never rounded. (The
        // FreeType way rounds the points of scaled or rotated parts of
        // composite glyphs to whole units, which moved a few pixels of
        // the preview.)
        let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default())
            .with_path_style(PathStyle::HarfBuzz);
        glyph.draw(settings, pen).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_made_once_per_direction_and_script() {
        let face = Face::parse(include_bytes!("../../fonts/NotoSans-Regular.ttf")).unwrap();
        for _ in 0..3 {
            face.shape("سلام", true, BufferClusterLevel::default());
            face.shape("Salam", false, BufferClusterLevel::default());
            face.shape("0944", false, BufferClusterLevel::default());
        }
        assert_eq!(face.plans.lock().unwrap().len(), 3);
    }

    #[test]
    fn a_cached_plan_shapes_as_a_fresh_one() {
        let face = Face::parse(include_bytes!("../../fonts/NotoNaskhArabic-Regular.ttf")).unwrap();
        let shaper = face.shaping.shaper(&face.font).build();
        for (text, rtl) in [("بِسْمِ الله", true), ("0944 123", false), ("ABC", false)] {
            let cached = face.shape(text, rtl, BufferClusterLevel::MonotoneCharacters);
            let mut buffer = UnicodeBuffer::new();
            buffer.push_str(text);
            buffer.set_direction(if rtl {
                Direction::RightToLeft
            } else {
                Direction::LeftToRight
            });
            buffer.guess_segment_properties();
            buffer.set_cluster_level(BufferClusterLevel::MonotoneCharacters);
            let fresh = shaper.shape(buffer, &[]);
            let key = |b: &GlyphBuffer| -> Vec<(u32, u32, i32, i32, i32)> {
                b.glyph_infos()
                    .iter()
                    .zip(b.glyph_positions())
                    .map(|(i, p)| (i.glyph_id, i.cluster, p.x_advance, p.x_offset, p.y_offset))
                    .collect()
            };
            assert_eq!(key(&cached), key(&fresh), "{text}");
        }
    }

    #[test]
    fn garbage_is_refused() {
        assert!(Face::parse(b"not a font").is_err());
        assert!(Face::parse(b"").is_err());
    }
}
