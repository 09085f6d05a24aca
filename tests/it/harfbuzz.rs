//! Our shaping against HarfBuzz's own `hb-shape` (Debian's libharfbuzz-bin)
//! for the strings our documents print: glyph ids, clusters, advances and
//! offsets must agree. Debian ships HarfBuzz 6.0 while HarfRust follows a
//! newer HarfBuzz (12.1), so a small number of differences is tolerated:
//! each is printed with the string it came from.

use std::process::Command;

use crate::common::*;
use citizen_desk::documents::text::{FontId, shape_line, shape_raw};

fn corpus() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let catalog = citizen_desk::domain::Catalog::builtin().unwrap();
    for s in &catalog.services {
        out.push(s.name_ar.clone());
        out.extend(s.fields.iter().map(|f| f.label_ar.clone()));
    }
    out.extend(catalog.governorates.iter().map(|g| g.name_ar.clone()));
    out.extend(catalog.banks.iter().map(|b| b.name_ar.clone()));
    let templates: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/templates.json")).unwrap();
    for (_, t) in templates["services"].as_object().unwrap() {
        // One sentence, or a man's and a woman's.
        match t["body"].as_str() {
            Some(body) => out.push(body.to_owned()),
            None => {
                for form in ["male", "female"] {
                    out.push(t["body"][form].as_str().unwrap().to_owned());
                }
            }
        }
    }
    // Every caption, its placeholders filled with Arabic, and the verify
    // hint (its Latin word is .notdef in the Arabic face for both shapers).
    for caption in templates["captions"].as_object().unwrap().values() {
        let mut c = caption.as_str().unwrap().to_owned();
        while let (Some(a), Some(b)) = (c.find('{'), c.find('}')) {
            c.replace_range(a..=b, "سلمى");
        }
        out.push(c);
    }
    out.push(templates["verify_hint"].as_str().unwrap().to_owned());
    out.push(templates["state_line"].as_str().unwrap().to_owned());
    for authority in templates["authorities"].as_object().unwrap().values() {
        out.extend(
            authority["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap().to_owned())
                .filter(|l| !l.contains('{')),
        );
        out.push(authority["signatory"].as_str().unwrap().to_owned());
    }
    out.extend(
        [
            "محمد أحمد الخطيب",
            "فاطمة الزهراء الحمصي",
            "عبد الرحمن الأيوبي",
            "إبراهيم الإبراهيم",
            "لا حكم عليه",
            "يُسلَّم باليد إلى صاحب العلاقة المذكور حصراً بعد إبراز بطاقته الشخصية",
            "محضر تسليم مغلفات إلى البريد",
            "مسودة",
            "نسخة",
            "تشرين الثاني",
            "كانون الأول",
        ]
        .map(str::to_owned),
    );
    out
}

fn hb_shape(font: &std::path::Path, text: &str, extra: &[&str]) -> Vec<(u32, u32, i32, i32, i32)> {
    let out = Command::new("hb-shape")
        .args([
            "--no-glyph-names",
            "--direction=rtl",
            "--output-format=json",
        ])
        .args(extra)
        .args([font.to_str().unwrap(), text])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let n = |k: &str| g[k].as_i64().unwrap();
            (
                n("g") as u32,
                n("cl") as u32,
                n("ax") as i32,
                n("dx") as i32,
                n("dy") as i32,
            )
        })
        .collect()
}

#[test]
fn our_glyphs_and_advances_match_harfbuzz() {
    if tool("hb-shape").is_none() {
        return;
    }
    let corpus = corpus();
    // The documents' Arabic face as a file for hb-shape: the very bytes
    // compiled into the library, so both shapers see the same font.
    let mut face = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut face, FontId::Arabic.bytes()).unwrap();
    let mut differ = Vec::new();
    for text in &corpus {
        // hb-shape counts clusters in characters, HarfRust in UTF-8 bytes.
        let ours: Vec<_> = shape_raw(text, FontId::Arabic, true)
            .into_iter()
            .map(|(g, cl, ax, dx, dy)| (g, text[..cl as usize].chars().count() as u32, ax, dx, dy))
            .collect();
        if ours != hb_shape(face.path(), text, &[]) {
            differ.push(text.clone());
        }
    }
    for text in &differ {
        say_loudly(&format!("differs from hb-shape 6.0: {text:?}"));
    }
    // Kept small: at most one string in twenty.
    assert!(
        differ.len() * 20 <= corpus.len(),
        "{} of {} strings differ: {differ:?}",
        differ.len(),
        corpus.len()
    );
    assert!(corpus.len() > 50);
    say_loudly(&format!(
        "shaped runs vs hb-shape: {} of {} identical\n",
        corpus.len() - differ.len(),
        corpus.len()
    ));
}

/// The same check on what the PDF gets: the glyphs `shape_line` lays out
/// (bidi, our cluster level, marks apart) in the regular and the bold face,
/// against `hb-shape --cluster-level=1`, for every corpus string the
/// Arabic face covers on its own (the others mix in the Latin face, which
/// hb-shape cannot do in one call). Shaped at one point per font unit, so
/// advances and offsets compare exactly.
#[test]
fn the_glyphs_we_print_match_harfbuzz() {
    if tool("hb-shape").is_none() {
        return;
    }
    let corpus = corpus();
    let mut compared = 0;
    let mut differ = Vec::new();
    for (font, bold) in [(FontId::Arabic, false), (FontId::ArabicBold, true)] {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, font.bytes()).unwrap();
        let face = font.face();
        let upem = face.units_per_em() as f32;
        for text in corpus.iter().filter(|t| {
            t.chars()
                .all(|c| c == ' ' || (!c.is_ascii() && face.glyph_index(c).is_some()))
        }) {
            let line = shape_line(text, upem, bold, true);
            assert!(line.glyphs.iter().all(|g| g.font == font), "{text}");
            let mut pen = 0.0;
            let ours: Vec<(u32, i32, i32, i32)> = line
                .glyphs
                .iter()
                .map(|g| {
                    let dx = g.x - pen;
                    pen += g.advance;
                    (
                        u32::from(g.id),
                        g.advance.round() as i32,
                        dx.round() as i32,
                        g.y_offset.round() as i32,
                    )
                })
                .collect();
            let theirs: Vec<(u32, i32, i32, i32)> =
                hb_shape(file.path(), text, &["--cluster-level=1"])
                    .into_iter()
                    .map(|(g, _, ax, dx, dy)| (g, ax, dx, dy))
                    .collect();
            compared += 1;
            if ours != theirs {
                differ.push(format!("{font:?}: {text}"));
            }
        }
    }
    for text in &differ {
        say_loudly(&format!(
            "printed glyphs differ from hb-shape 6.0: {text:?}"
        ));
    }
    assert!(compared > 100, "{compared} strings compared");
    assert!(
        differ.len() * 20 <= compared,
        "{} of {compared} differ: {differ:?}",
        differ.len()
    );
    say_loudly(&format!(
        "printed glyphs vs hb-shape: {} of {compared} identical\n",
        compared - differ.len()
    ));
}
