//! The app's colours, each chosen for WCAG AA contrast (at least 4.5:1)
//! against the light theme's background; a test computes the ratios.

use iced::Color;

/// Secondary text: the status bar, hints.
pub const MUTED: Color = Color::from_rgb8(0x4a, 0x4a, 0x4a);
/// Done, in order.
pub const OK: Color = Color::from_rgb8(0x1b, 0x6e, 0x3a);
/// Refused, overdue, invalid.
pub const ERROR: Color = Color::from_rgb8(0xb0, 0x1c, 0x1c);
/// Offline, waiting: needs an eye, nothing lost.
pub const WARNING: Color = Color::from_rgb8(0x8a, 0x4b, 0x00);

#[cfg(test)]
mod tests {
    use super::*;

    /// The page background of the light theme.
    pub const BACKGROUND: Color = Color::WHITE;
    /// Every text colour the app draws on the page background.
    pub const TEXT_ON_BACKGROUND: [(&str, Color); 4] = [
        ("muted", MUTED),
        ("ok", OK),
        ("error", ERROR),
        ("warning", WARNING),
    ];

    fn channel(c: f32) -> f32 {
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// WCAG relative luminance.
    pub fn luminance(c: Color) -> f32 {
        0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
    }

    /// WCAG contrast ratio of two colours (1 to 21).
    pub fn contrast(a: Color, b: Color) -> f32 {
        let (la, lb) = (luminance(a), luminance(b));
        let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
        (hi + 0.05) / (lo + 0.05)
    }

    #[test]
    fn every_text_colour_meets_wcag_aa_on_the_background() {
        assert!((contrast(Color::BLACK, Color::WHITE) - 21.0).abs() < 0.01);
        for (name, colour) in TEXT_ON_BACKGROUND {
            let ratio = contrast(colour, BACKGROUND);
            assert!(ratio >= 4.5, "{name}: {ratio:.2}:1");
        }
    }
}
