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
