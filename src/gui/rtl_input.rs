//! A one-line text field for Arabic free text (reasons, notes, addresses)
//! that edits right-to-left correctly: the line always has a right-to-left
//! base (a leading Latin word does not flip it), arrow keys move the way
//! they point on screen, the caret stands where the next letter will
//! appear, and a selection is drawn over the letters it holds, in as many
//! pieces as the bidi order makes. The editing rules live in `rtl_edit`
//! (tested without a window); this is the iced widget around them.
//!
//! ID and number fields stay iced `text_input`s, left to right.

use iced::advanced::clipboard::{self, Clipboard};
use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer;
use iced::advanced::text::{self, Paragraph as _, paragraph};
use iced::advanced::widget::operation::{self, Operation};
use iced::advanced::widget::tree::{self, Tree};
use iced::advanced::widget::{self, Widget};
use iced::advanced::{Shell, mouse};
use iced::keyboard::{self, key::Named};
use iced::{
    Background, Border, Color, Element, Event, Font, Length, Pixels, Point, Rectangle, Size,
    alignment,
};

use super::rtl_edit::{Editing, LineLayout};

/// Right-to-left mark: drawn before the text so the shaper's paragraph is
/// right-to-left whatever letter comes first (zero width, invisible).
const RLM: char = '\u{200F}';

pub struct RtlInput<'a, Message> {
    id: Option<widget::Id>,
    value: String,
    placeholder: String,
    on_input: Box<dyn Fn(String) -> Message + 'a>,
    on_submit: Option<Message>,
    size: f32,
    width: Length,
    padding: f32,
}

/// A right-to-left text field showing `value`; every edit sends
/// `on_input(new value)`.
pub fn rtl_input<'a, Message>(
    placeholder: &str,
    value: &str,
    on_input: impl Fn(String) -> Message + 'a,
) -> RtlInput<'a, Message> {
    RtlInput {
        id: None,
        value: value.to_owned(),
        placeholder: placeholder.to_owned(),
        on_input: Box::new(on_input),
        on_submit: None,
        size: 18.0,
        width: Length::Fill,
        padding: 6.0,
    }
}

impl<Message> RtlInput<'_, Message> {
    pub fn id(mut self, id: impl Into<widget::Id>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn on_submit(mut self, message: Message) -> Self {
        self.on_submit = Some(message);
        self
    }

    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.width = width.into();
        self
    }
}

struct State<P: text::Paragraph> {
    edit: Editing,
    /// The layout of `edit.text`, for caret places and hit tests.
    line: LineLayout,
    value: paragraph::Plain<P>,
    placeholder: paragraph::Plain<P>,
    focused: bool,
    dragging: bool,
    modifiers: keyboard::Modifiers,
}

impl<P: text::Paragraph> State<P> {
    fn new(value: &str, size: f32) -> Self {
        State {
            edit: Editing::new(value),
            line: LineLayout::new(value, size),
            value: paragraph::Plain::default(),
            placeholder: paragraph::Plain::default(),
            focused: false,
            dragging: false,
            modifiers: keyboard::Modifiers::default(),
        }
    }
}

impl<P: text::Paragraph> operation::Focusable for State<P> {
    fn is_focused(&self) -> bool {
        self.focused
    }

    fn focus(&mut self) {
        self.focused = true;
        self.edit.end(false);
    }

    fn unfocus(&mut self) {
        self.focused = false;
        self.dragging = false;
    }
}

impl<P: text::Paragraph> operation::TextInput for State<P> {
    fn text(&self) -> &str {
        &self.edit.text
    }

    fn move_cursor_to_front(&mut self) {
        self.edit.home(false);
    }

    fn move_cursor_to_end(&mut self) {
        self.edit.end(false);
    }

    fn move_cursor_to(&mut self, position: usize) {
        if self.edit.text.is_char_boundary(position) {
            self.edit.cursor = position;
            self.edit.anchor = None;
        }
    }

    fn select_all(&mut self) {
        self.edit.select_all();
    }

    fn select_range(&mut self, start: usize, end: usize) {
        let text = &self.edit.text;
        if text.is_char_boundary(start) && text.is_char_boundary(end) {
            self.edit.anchor = Some(start);
            self.edit.cursor = end;
        }
    }
}

impl<Message> RtlInput<'_, Message> {
    fn text_bounds(&self, layout: Layout<'_>) -> Rectangle {
        layout.bounds().shrink(self.padding)
    }

    /// Where the line's left end is drawn: right-aligned while it fits,
    /// otherwise shifted so the caret stays inside the field.
    fn origin<P: text::Paragraph>(&self, state: &State<P>, bounds: Rectangle) -> f32 {
        let width = state.line.width;
        if width <= bounds.width {
            return bounds.x + bounds.width - width;
        }
        let caret = state.line.caret(state.edit.cursor, state.edit.after).x;
        let right_aligned = bounds.x + bounds.width - width;
        let caret_at = right_aligned + caret;
        if caret_at < bounds.x {
            bounds.x - caret
        } else {
            right_aligned
        }
    }

    fn changed<P: text::Paragraph>(
        &mut self,
        state: &mut State<P>,
        shell: &mut Shell<'_, Message>,
    ) {
        // Our copy follows the edit (as iced's text_input does), so the
        // next layout before the app's new view keeps it.
        self.value = state.edit.text.clone();
        state.line = LineLayout::new(&state.edit.text, self.size);
        shell.publish((self.on_input)(state.edit.text.clone()));
        shell.capture_event();
    }
}

impl<Message, Theme, Renderer> Widget<Message, Theme, Renderer> for RtlInput<'_, Message>
where
    Message: Clone,
    Renderer: text::Renderer<Font = Font>,
{
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State<Renderer::Paragraph>>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::<Renderer::Paragraph>::new(&self.value, self.size))
    }

    fn size(&self) -> Size<Length> {
        Size::new(self.width, Length::Shrink)
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        let state = tree.state.downcast_mut::<State<Renderer::Paragraph>>();
        // The app's value wins (it is cleared after an action).
        state.edit.sync(&self.value);
        state.line = LineLayout::new(&state.edit.text, self.size);
        let line_height = text::LineHeight::default().to_absolute(Pixels(self.size));
        let font = renderer.default_font();
        let text = |content| text::Text {
            content,
            bounds: Size::new(f32::INFINITY, line_height.0),
            size: Pixels(self.size),
            line_height: text::LineHeight::default(),
            font,
            align_x: text::Alignment::Default,
            align_y: alignment::Vertical::Center,
            shaping: text::Shaping::Advanced,
            wrapping: text::Wrapping::None,
        };
        let shown = format!("{RLM}{}", state.edit.text);
        let _ = state.value.update(text(shown.as_str()));
        let placeholder = format!("{RLM}{}", self.placeholder);
        let _ = state.placeholder.update(text(placeholder.as_str()));
        let height = line_height.0 + 2.0 * self.padding;
        let size = limits
            .width(self.width)
            .resolve(self.width, height, Size::ZERO);
        layout::Node::new(Size::new(size.width, height))
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        _renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        let state = tree.state.downcast_mut::<State<Renderer::Paragraph>>();
        operation.text_input(self.id.as_ref(), layout.bounds(), state);
        operation.focusable(self.id.as_ref(), layout.bounds(), state);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        _viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_mut::<State<Renderer::Paragraph>>();
        let bounds = self.text_bounds(layout);
        match event {
            Event::Mouse(mouse::Event::ButtonPressed(mouse::Button::Left)) => {
                match cursor.position_over(layout.bounds()) {
                    Some(at) => {
                        let origin = self.origin(state, bounds);
                        let stop = state.line.hit(at.x - origin);
                        state.edit.click(stop, state.modifiers.shift());
                        state.focused = true;
                        state.dragging = true;
                        shell.request_redraw();
                        shell.capture_event();
                    }
                    None => {
                        if state.focused {
                            state.focused = false;
                            shell.request_redraw();
                        }
                    }
                }
            }
            Event::Mouse(mouse::Event::ButtonReleased(mouse::Button::Left)) => {
                state.dragging = false;
            }
            Event::Mouse(mouse::Event::CursorMoved { position }) if state.dragging => {
                let origin = self.origin(state, bounds);
                let stop = state.line.hit(position.x - origin);
                state.edit.click(stop, true);
                shell.request_redraw();
                shell.capture_event();
            }
            Event::Keyboard(keyboard::Event::ModifiersChanged(modifiers)) => {
                state.modifiers = *modifiers;
            }
            Event::Keyboard(keyboard::Event::KeyPressed {
                key,
                modified_key,
                physical_key,
                modifiers,
                text,
                ..
            }) if state.focused => {
                let shift = modifiers.shift();
                if modifiers.command() {
                    match key.to_latin(*physical_key) {
                        Some('a') => {
                            state.edit.select_all();
                            shell.request_redraw();
                            shell.capture_event();
                        }
                        Some('c') => {
                            if let Some(s) = state.edit.selected_text() {
                                clipboard.write(clipboard::Kind::Standard, s.to_owned());
                            }
                            shell.capture_event();
                        }
                        Some('x') => {
                            if let Some(s) = state.edit.selected_text() {
                                clipboard.write(clipboard::Kind::Standard, s.to_owned());
                                state.edit.delete();
                                self.changed(state, shell);
                            }
                        }
                        Some('v') => {
                            if let Some(s) = clipboard.read(clipboard::Kind::Standard) {
                                state.edit.insert(&s);
                                self.changed(state, shell);
                            }
                        }
                        _ => {}
                    }
                    return;
                }
                match modified_key.as_ref() {
                    keyboard::Key::Named(Named::Enter) => {
                        if let Some(m) = self.on_submit.clone() {
                            shell.publish(m);
                            shell.capture_event();
                        }
                    }
                    keyboard::Key::Named(Named::Backspace) => {
                        state.edit.backspace();
                        self.changed(state, shell);
                    }
                    keyboard::Key::Named(Named::Delete) => {
                        state.edit.delete();
                        self.changed(state, shell);
                    }
                    keyboard::Key::Named(Named::ArrowLeft | Named::ArrowRight) => {
                        let left = matches!(
                            modified_key.as_ref(),
                            keyboard::Key::Named(Named::ArrowLeft)
                        );
                        state.edit.arrow(&state.line, left, shift);
                        shell.request_redraw();
                        shell.capture_event();
                    }
                    keyboard::Key::Named(Named::Home) => {
                        state.edit.home(shift);
                        shell.request_redraw();
                        shell.capture_event();
                    }
                    keyboard::Key::Named(Named::End) => {
                        state.edit.end(shift);
                        shell.request_redraw();
                        shell.capture_event();
                    }
                    keyboard::Key::Named(Named::Escape) => {
                        // Leaves the field; the app's own Escape still runs.
                        state.focused = false;
                        shell.request_redraw();
                    }
                    _ => {
                        if let Some(t) =
                            text.as_ref().filter(|t| t.chars().all(|c| !c.is_control()))
                        {
                            state.edit.insert(t);
                            self.changed(state, shell);
                        }
                    }
                }
            }
            Event::InputMethod(iced::advanced::input_method::Event::Commit(t)) if state.focused => {
                state.edit.insert(t);
                self.changed(state, shell);
            }
            _ => {}
        }
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        _theme: &Theme,
        _style: &renderer::Style,
        layout: Layout<'_>,
        _cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_ref::<State<Renderer::Paragraph>>();
        let outer = layout.bounds();
        let bounds = self.text_bounds(layout);
        let accent = Color::from_rgb8(0x2a, 0x5d, 0xb0);
        renderer.fill_quad(
            renderer::Quad {
                bounds: outer,
                border: Border {
                    color: if state.focused {
                        accent
                    } else {
                        Color::from_rgb8(0x9a, 0x9a, 0x9a)
                    },
                    width: 1.0,
                    radius: 2.0.into(),
                },
                ..renderer::Quad::default()
            },
            Background::Color(Color::WHITE),
        );
        let origin = self.origin(state, bounds);
        renderer.with_layer(bounds, |renderer| {
            if state.focused
                && let Some((a, b)) = state.edit.selection()
            {
                for (l, r) in state.line.spans(a, b) {
                    renderer.fill_quad(
                        renderer::Quad {
                            bounds: Rectangle::new(
                                Point::new(origin + l, bounds.y),
                                Size::new(r - l, bounds.height),
                            ),
                            ..renderer::Quad::default()
                        },
                        Background::Color(Color::from_rgba8(0x2a, 0x5d, 0xb0, 0.3)),
                    );
                }
            }
            let empty = state.edit.text.is_empty();
            let paragraph = if empty {
                state.placeholder.raw()
            } else {
                state.value.raw()
            };
            // Drawn from the line's left end; the shaper's width and ours
            // agree (same face, same shaper family), and the text is drawn
            // right-aligned to the field either way.
            let width = paragraph.min_width();
            let left = if empty {
                bounds.x + bounds.width - width
            } else {
                origin + state.line.width - width
            };
            renderer.fill_paragraph(
                paragraph,
                Point::new(
                    left,
                    bounds.center_y() - paragraph.min_bounds().height / 2.0,
                ),
                if empty {
                    Color::from_rgb8(0x8a, 0x8a, 0x8a)
                } else {
                    Color::BLACK
                },
                *viewport,
            );
            if state.focused && state.edit.selection().is_none() {
                let x = origin + state.line.caret(state.edit.cursor, state.edit.after).x;
                renderer.fill_quad(
                    renderer::Quad {
                        bounds: Rectangle::new(
                            Point::new(x.round().min(bounds.x + bounds.width - 1.0), bounds.y),
                            Size::new(1.5, bounds.height),
                        ),
                        ..renderer::Quad::default()
                    },
                    Background::Color(Color::BLACK),
                );
            }
        });
    }

    fn mouse_interaction(
        &self,
        _tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _viewport: &Rectangle,
        _renderer: &Renderer,
    ) -> mouse::Interaction {
        if cursor.is_over(layout.bounds()) {
            mouse::Interaction::Text
        } else {
            mouse::Interaction::default()
        }
    }
}

impl<'a, Message, Theme, Renderer> From<RtlInput<'a, Message>>
    for Element<'a, Message, Theme, Renderer>
where
    Message: Clone + 'a,
    Renderer: text::Renderer<Font = Font> + 'a,
{
    fn from(input: RtlInput<'a, Message>) -> Self {
        Element::new(input)
    }
}
