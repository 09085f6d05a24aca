//! Right-to-left by hand: iced 0.14 does not mirror layouts, so rows are
//! built in reading order and reversed for Arabic, and text is aligned to
//! the reading side. ID and number fields stay left-to-right.

use iced::widget::{Row, container, text};
use iced::{Element, Length};

use citizen_desk::i18n::Lang;

/// The tall line box every text of the app gets: Amiri's marks reach far
/// above and below the line, and iced redraws only the line box.
pub const TALL: text::LineHeight = text::LineHeight::Relative(1.9);

/// Children in reading order: first is rightmost in Arabic.
pub fn row<'a, Message>(lang: Lang, mut children: Vec<Element<'a, Message>>) -> Row<'a, Message> {
    if lang == Lang::Ar {
        children.reverse();
    }
    Row::with_children(children).spacing(12)
}

/// A line of text on the reading side, filling the width. (A right-aligned
/// `text` with Fill width clips right-to-left text in 0.14: the container
/// does the alignment.)
pub fn line<'a, Message: 'a>(
    lang: Lang,
    content: impl text::IntoFragment<'a>,
    size: f32,
) -> Element<'a, Message> {
    // Amiri's marks reach far above and below the line: a tall line box
    // keeps them inside what the renderer redraws (else stray marks stay
    // on screen after the page changes).
    let t = text(content).size(size).line_height(TALL);
    if lang == Lang::Ar {
        container(t).align_right(Length::Fill).into()
    } else {
        container(t).align_left(Length::Fill).into()
    }
}

/// A run that reads left to right (a path, an address, a key's id, a
/// user name) inside Arabic text: marked so, the bidi algorithm keeps it
/// whole (a key id starting with a digit was split, its digit standing
/// apart). (iced 0.14 still shows a path's leading slash at the left end
/// of an Arabic line: known, cosmetic.)
pub fn ltr(s: &str) -> String {
    format!("\u{200E}{s}\u{200E}")
}

/// "◀ back" points the way the reader goes back.
pub fn back_arrow(lang: Lang) -> &'static str {
    if lang == Lang::Ar { "→" } else { "←" }
}

/// A widget placed on the reading side of the page (right in Arabic).
pub fn side<'a, Message: 'a>(
    lang: Lang,
    element: impl Into<Element<'a, Message>>,
) -> Element<'a, Message> {
    let c = container(element);
    if lang == Lang::Ar {
        c.align_right(Length::Fill).into()
    } else {
        c.align_left(Length::Fill).into()
    }
}

/// The line height of text fields: tall enough that Amiri's marks (drawn
/// above and below the line box) stay inside what the software renderer
/// redraws; with the default, marks of a placeholder stayed on screen
/// after the value replaced it.
pub const INPUT_LINE: text::LineHeight = text::LineHeight::Relative(1.7);

/// A checkbox with its label, the box on the reading side (right of the
/// label in Arabic: iced's checkbox always draws its box first, on the
/// left). A click on the label ticks it too, and it takes the focus
/// (Space or Enter ticks it): `key` names it across redraws.
pub fn checkbox<'a, Message: Clone + 'a>(
    lang: Lang,
    checked: bool,
    label: String,
    on_toggle: impl Fn(bool) -> Message + 'a,
    key: u64,
) -> Element<'a, Message> {
    let toggled = on_toggle(!checked);
    let tick = iced::widget::checkbox(checked).on_toggle(on_toggle);
    let words = text(label).line_height(TALL);
    let line = row(lang, vec![tick.into(), words.into()])
        .spacing(8)
        .align_y(iced::Alignment::Center);
    let clickable = iced::widget::mouse_area(line)
        .on_press(toggled)
        .interaction(iced::mouse::Interaction::Pointer);
    super::focus::tabbable(clickable, Some(key)).into()
}
