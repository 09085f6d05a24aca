//! The app's look: the light theme (always: the palette is checked against
//! its background, never left to the system's dark mode), its colours, each
//! chosen for WCAG AA contrast (at least 4.5:1) against the light theme's
//! background (a test computes the ratios), and the lines every screen
//! shares: the flash and the busy line; and the state chips (a request's
//! state as its word on a coloured pill, each text/background pair also
//! at least 4.5:1).

use iced::widget::{container, text as iced_text};
use iced::{Background, Border, Color, Element, Theme};

use super::Flash;
use super::rtl;
use citizen_desk::domain::State as Lifecycle;
use citizen_desk::i18n::{Lang, tr};

/// The theme the palette is checked against.
pub fn theme() -> Theme {
    Theme::Light
}

/// Secondary text: the status bar, hints.
pub const MUTED: Color = Color::from_rgb8(0x4a, 0x4a, 0x4a);
/// Done, in order.
pub const OK: Color = Color::from_rgb8(0x1b, 0x6e, 0x3a);
/// Refused, overdue, invalid.
pub const ERROR: Color = Color::from_rgb8(0xb0, 0x1c, 0x1c);
/// Offline, waiting: needs an eye, nothing lost.
pub const WARNING: Color = Color::from_rgb8(0x8a, 0x4b, 0x00);

/// A state chip's text and background colours: light backgrounds, one
/// hue per stage (new blue, checked violet, stamped teal, printed sky,
/// in the envelope amber, with the post or delivered green, returned
/// orange, rejected red, cancelled grey). The word is always on it:
/// colour is never the only sign.
pub fn chip_colours(state: Lifecycle) -> (Color, Color) {
    let rgb = Color::from_rgb8;
    match state {
        Lifecycle::Received => (rgb(0x1e, 0x3a, 0x8a), rgb(0xdb, 0xea, 0xfe)),
        Lifecycle::Verified => (rgb(0x4c, 0x1d, 0x95), rgb(0xed, 0xe9, 0xfe)),
        Lifecycle::Approved => (rgb(0x13, 0x4e, 0x4a), rgb(0xcc, 0xfb, 0xf1)),
        Lifecycle::Printed => (rgb(0x0c, 0x4a, 0x6e), rgb(0xe0, 0xf2, 0xfe)),
        Lifecycle::Enveloped => (rgb(0x78, 0x35, 0x0f), rgb(0xfe, 0xf3, 0xc7)),
        Lifecycle::Dispatched => (rgb(0x14, 0x53, 0x2d), rgb(0xdc, 0xfc, 0xe7)),
        Lifecycle::Delivered => (rgb(0x14, 0x53, 0x2d), rgb(0xbb, 0xf7, 0xd0)),
        Lifecycle::Returned => (rgb(0x7c, 0x2d, 0x12), rgb(0xff, 0xed, 0xd5)),
        Lifecycle::Rejected => (rgb(0x7f, 0x1d, 0x1d), rgb(0xfe, 0xe2, 0xe2)),
        Lifecycle::Cancelled => (rgb(0x37, 0x41, 0x51), rgb(0xe5, 0xe7, 0xeb)),
    }
}

/// A request's state as a chip: its word (from the Fluent files) on a
/// small rounded pill of the state's colour.
pub fn state_chip<'a, M: 'a>(lang: Lang, state: Lifecycle, size: f32) -> Element<'a, M> {
    let (fg, bg) = chip_colours(state);
    container(text(tr(lang, state.label_id(), &[])).size(size).color(fg))
        .padding([0, 10])
        .style(move |_: &Theme| container::Style {
            text_color: Some(fg),
            background: Some(Background::Color(bg)),
            border: Border {
                color: bg,
                width: 0.0,
                radius: 12.0.into(),
            },
            ..container::Style::default()
        })
        .into()
}

/// An icon of the bundled Lucide subset (`fonts/lucide.ttf`), by its
/// code point in the font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Verify = 0xe241,
    Stamp = 0xe3bb,
    Print = 0xe141,
    Envelope = 0xe10f,
    Sync = 0xe145,
    /// Linked to the hub and reaching it.
    Online = 0xe088,
    /// Linked to the hub but not reaching it, or not linked.
    Offline = 0xe08d,
}

impl Icon {
    /// The icon's character in the icon font.
    pub fn glyph(self) -> char {
        char::from_u32(self as u32).unwrap_or(' ')
    }
}

/// The icon font's family name.
pub const ICON_FONT: iced::Font = iced::Font::with_name("lucide");

/// A button's label: its icon beside its words (the words always there),
/// in reading order.
pub fn labelled<'a, M: 'a>(lang: Lang, icon: Icon, words: String) -> Element<'a, M> {
    let glyph = icon.glyph();
    rtl::row(
        lang,
        vec![
            text(glyph.to_string()).font(ICON_FONT).into(),
            text(words).into(),
        ],
    )
    .spacing(6)
    .align_y(iced::Alignment::Center)
    .into()
}

/// A button's label with the key that does it beside its words (a key
/// hint, smaller): the icon, the words, the key, in reading order.
pub fn labelled_key<'a, M: 'a>(
    lang: Lang,
    icon: Icon,
    words: String,
    key: &'static str,
) -> Element<'a, M> {
    with_key(lang, labelled(lang, icon, words), key)
}

/// A button's label with its key beside it, smaller, in reading order.
pub fn with_key<'a, M: 'a>(lang: Lang, label: Element<'a, M>, key: &'static str) -> Element<'a, M> {
    rtl::row(lang, vec![label, text(key).size(HINT).into()])
        .spacing(8)
        .align_y(iced::Alignment::Center)
        .into()
}

/// Text sizes: a page's title, a section, a line, a hint.
pub const TITLE: f32 = 20.0;
pub const SECTION: f32 = 18.0;
pub const BODY: f32 = 16.0;
pub const HINT: f32 = 14.0;

/// What was done (green) or refused (red), on the reading side.
pub fn flash<'a, M: 'a>(lang: Lang, flash: &'a Flash) -> Element<'a, M> {
    let (msg, color) = match flash {
        Flash::Ok(m) => (m.as_str(), OK),
        Flash::Err(m) => (m.as_str(), ERROR),
    };
    rtl::side(
        lang,
        iced_text(msg)
            .size(BODY)
            .color(color)
            .line_height(rtl::TALL),
    )
}

/// A slow step running in the background, in words, on the page that
/// started it (its button is disabled meanwhile).
pub fn busy<'a, M: 'a>(lang: Lang, words: String) -> Element<'a, M> {
    rtl::side(
        lang,
        iced_text(words)
            .size(BODY)
            .color(WARNING)
            .line_height(rtl::TALL),
    )
}

/// The app's texts (labels, buttons, messages; text fields have their
/// own `rtl::INPUT_LINE`): with a line box tall enough for Amiri's marks
/// and dots. iced redraws only the boxes of what changed; a mark that
/// reaches outside its box (Amiri's reach far above and below) stayed on
/// screen after its text went (`assets/screenshots/fragments.sh` counted
/// the pixels).
pub fn text<'a>(content: impl iced_text::IntoFragment<'a>) -> iced::widget::Text<'a> {
    iced_text(content).line_height(rtl::TALL)
}

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

    /// Every state's chip: its word on its background at WCAG AA, and
    /// each chip told apart from the others by its word (a colour may be
    /// shared, never the text).
    #[test]
    fn every_state_chip_meets_wcag_aa() {
        for state in Lifecycle::ALL {
            let (fg, bg) = chip_colours(state);
            let ratio = contrast(fg, bg);
            assert!(ratio >= 4.5, "{}: {ratio:.2}:1", state.as_str());
        }
        for lang in [Lang::Ar, Lang::En] {
            let words: std::collections::BTreeSet<String> = Lifecycle::ALL
                .iter()
                .map(|s| tr(lang, s.label_id(), &[]))
                .collect();
            assert_eq!(words.len(), Lifecycle::ALL.len(), "{lang:?}");
        }
    }
}
