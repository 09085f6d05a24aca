//! Helpers the test crates share: the integration tests (`tests/it`),
//! the desk app's tests inside the binary (`src/gui/tests.rs`) and the
//! library's emblem tests (`src/documents/emblem.rs`), the last two taking
//! this file with `#[path]`. Self-contained: nothing here may use any
//! crate's other helpers.

/// `s` with its digits written in Arabic-Indic (٠-٩), as an Arabic
/// keyboard types them. Written out here, not taken from the code under
/// test.
pub fn arabic_indic(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_u32(0x0660 + d).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// A line for the person running the tests, past the harness's output
/// capture (which would swallow eprintln!).
pub fn say_loudly(line: &str) {
    use std::io::Write as _;
    match std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .or_else(|_| std::fs::OpenOptions::new().write(true).open("/dev/stderr"))
    {
        Ok(mut f) => {
            let _ = f.write_all(line.as_bytes());
        }
        Err(_) => eprintln!("{line}"),
    }
}

pub fn say_skipped(why: &str) {
    say_loudly(&format!("\n*** SKIPPED: {why} ***\n"));
}

/// The CUPS queue `.ci/run` makes (cups-pdf) and the folder it writes to;
/// a failure under CI=true, a loud skip elsewhere.
pub fn test_printer() -> Option<(String, std::path::PathBuf)> {
    let printer = std::env::var("CITIZEN_DESK_TEST_PRINTER").ok();
    let out = std::env::var("CITIZEN_DESK_TEST_PRINTER_OUT").ok();
    match (printer, out) {
        (Some(p), Some(o)) => Some((p, o.into())),
        _ => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "CITIZEN_DESK_TEST_PRINTER(_OUT) must be set under CI=true: .ci/run sets up the cups-pdf queue"
            );
            say_skipped(
                "paper printing: no CUPS test queue (set CITIZEN_DESK_TEST_PRINTER and CITIZEN_DESK_TEST_PRINTER_OUT)",
            );
            None
        }
    }
}

/// A picture standing in for a ministry's emblem file in tests (never
/// printed outside them): a red disc on a transparent `w`×`h` square.
pub fn emblem_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - w as f32 / 2.0, y as f32 - h as f32 / 2.0);
        if dx * dx + dy * dy < (w.min(h) as f32 / 2.2).powi(2) {
            image::Rgba([200, 16, 46, 255])
        } else {
            image::Rgba([0, 0, 0, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding an in-memory image cannot fail");
    out.into_inner()
}
