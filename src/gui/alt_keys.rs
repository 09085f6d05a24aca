//! The window's root, for two things iced does not do by itself.
//!
//! Alt shortcuts that work wherever the focus is. iced hands a key press
//! to the widgets first and gives the app's `keyboard::listen` only the
//! keys no widget took; a focused text field takes Alt+1 (and types "1"),
//! Alt+V (types "v") and so on, so with the lookup field focused, as it
//! always is, the shortcuts went nowhere and left junk in the field. This
//! wrapper around the whole window keeps Alt key events from the widgets
//! inside it: they reach `keyboard::listen` untouched, and no field types
//! a letter for them. AltGr, which types characters on some layouts, is
//! Ctrl+Alt on Windows and its own modifier on X11 and Wayland: it passes.
//!
//! A whole window redrawn at every frame. iced's software renderer redraws
//! only the boxes of what changed, and Arabic marks and dots reach outside
//! a text's box: they stayed on screen after their text had gone, even
//! with tall line boxes (`assets/screenshots/fragments.sh` counted the
//! pixels). The root draws first an invisible quad over the window, a
//! different one at each frame, so every frame's damage is the window.
//! A frame is drawn when something changed (or a caret blinks): a full
//! redraw of a 1366x768 window is a few milliseconds.

use iced::Element;
use iced::advanced::widget::{Operation, Tree, tree};
use iced::advanced::{Clipboard, Layout, Shell, Widget, layout, mouse, overlay, renderer};
use std::sync::atomic::{AtomicBool, Ordering};

use iced::{Color, Event, Length, Rectangle, Size, Vector, keyboard};

/// Flips at every frame: the invisible quad's colour.
static FRAME: AtomicBool = AtomicBool::new(false);

pub struct PassAlt<'a, Message, Theme, Renderer> {
    inner: Element<'a, Message, Theme, Renderer>,
}

/// `inner`, with Alt key presses and releases kept from its widgets.
pub fn pass_alt<'a, Message, Theme, Renderer>(
    inner: impl Into<Element<'a, Message, Theme, Renderer>>,
) -> PassAlt<'a, Message, Theme, Renderer> {
    PassAlt {
        inner: inner.into(),
    }
}

/// A key event with Alt held (and not Ctrl: AltGr on Windows).
fn is_alt_shortcut(event: &Event) -> bool {
    match event {
        Event::Keyboard(
            keyboard::Event::KeyPressed { modifiers, .. }
            | keyboard::Event::KeyReleased { modifiers, .. },
        ) => modifiers.alt() && !modifiers.control(),
        _ => false,
    }
}

impl<Message, Theme, Renderer> Widget<Message, Theme, Renderer>
    for PassAlt<'_, Message, Theme, Renderer>
where
    Renderer: iced::advanced::Renderer,
{
    fn size(&self) -> Size<Length> {
        self.inner.as_widget().size()
    }

    fn size_hint(&self) -> Size<Length> {
        self.inner.as_widget().size_hint()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.inner.as_widget_mut().layout(tree, renderer, limits)
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        let flip = FRAME.fetch_xor(true, Ordering::Relaxed);
        renderer.fill_quad(
            renderer::Quad {
                bounds: layout.bounds().union(viewport),
                ..renderer::Quad::default()
            },
            // Fully transparent: draws nothing, but differs from the last
            // frame's, so the renderer counts the whole window as changed.
            Color::from_rgba(if flip { 1.0 } else { 0.0 }, 0.0, 0.0, 0.0),
        );
        self.inner
            .as_widget()
            .draw(tree, renderer, theme, style, layout, cursor, viewport);
    }

    fn tag(&self) -> tree::Tag {
        self.inner.as_widget().tag()
    }

    fn state(&self) -> tree::State {
        self.inner.as_widget().state()
    }

    fn children(&self) -> Vec<Tree> {
        self.inner.as_widget().children()
    }

    fn diff(&self, tree: &mut Tree) {
        self.inner.as_widget().diff(tree);
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        self.inner
            .as_widget_mut()
            .operate(tree, layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        if is_alt_shortcut(event) {
            return;
        }
        self.inner.as_widget_mut().update(
            tree, event, layout, cursor, renderer, clipboard, shell, viewport,
        );
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.inner
            .as_widget()
            .mouse_interaction(tree, layout, cursor, viewport, renderer)
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, Theme, Renderer>> {
        self.inner
            .as_widget_mut()
            .overlay(tree, layout, renderer, viewport, translation)
    }
}

impl<'a, Message, Theme, Renderer> From<PassAlt<'a, Message, Theme, Renderer>>
    for Element<'a, Message, Theme, Renderer>
where
    Message: 'a,
    Theme: 'a,
    Renderer: iced::advanced::Renderer + 'a,
{
    fn from(wrapper: PassAlt<'a, Message, Theme, Renderer>) -> Self {
        Element::new(wrapper)
    }
}
