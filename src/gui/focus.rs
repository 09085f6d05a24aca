//! Keyboard focus for every action, in reading order.
//!
//! iced 0.14's buttons and checkboxes take no focus and its Tab order
//! (`focus_next`) is the widget tree's. Here:
//!
//! - [`Tabbable`] wraps a button or a checkbox: it answers iced's focus
//!   operations like a text field does, draws a focus ring, and Enter or
//!   Space on it does what a click does (the wrapped widget gets the
//!   click, so its own rules — disabled, its message — stay in one place).
//! - [`step`] moves the focus: Tab and Shift+Tab through every focusable
//!   widget (fields and actions) in reading order, which is worked out
//!   from where they stand on screen, not from the tree: `rtl::row` builds
//!   Arabic rows reversed, so tree order there is left to right, the
//!   opposite of reading. Arrow Up/Down move to the nearest action on the
//!   line below or above (a list's next row). The scrollable holding the
//!   newly focused widget scrolls it into view.
//! - [`NameField`] makes Enter and Tab in a name field go on to its PIN,
//!   and sends what is typed before the focus got there to the PIN.

use iced::advanced::Renderer as _;
use iced::advanced::layout::{self, Layout};
use iced::advanced::renderer;
use iced::advanced::widget::operation::{self, Focusable, Operation, Outcome};
use iced::advanced::widget::tree::{self, Tree};
use iced::advanced::widget::{self, Widget};
use iced::advanced::{Clipboard, Shell, mouse, overlay};
use iced::keyboard::{self, Key, key::Named};
use iced::widget::operation::AbsoluteOffset;
use iced::{
    Background, Border, Color, Element, Event, Length, Rectangle, Renderer, Size, Task, Theme,
    Vector,
};

/// The focus ring: dark blue, 6.7:1 on the white page (WCAG asks 3:1 of
/// a focus indicator), outside the widget so its own colours stay.
pub const RING: Color = Color::from_rgb8(0x1d, 0x4e, 0xd8);
const RING_WIDTH: f32 = 2.0;
const RING_GAP: f32 = 3.0;

/// Where a key moves the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Tab: the next widget in reading order (from the last, the first).
    Next,
    /// Shift+Tab: the previous one.
    Previous,
    /// Arrow down: the nearest widget on a line below.
    Down,
    /// Arrow up: the nearest widget on a line above.
    Up,
}

/// Takes the focus from every widget. iced keeps a widget's state by its
/// place in the tree, so a field focused on one page left the field at
/// the same place on the next page focused (typing went into the admin's
/// new-PIN field after F6 from the lookup). Focusing an id no widget has
/// unfocuses all of them (iced's `focus` operation does so to the rest).
pub fn nothing<M: Send + 'static>() -> Task<M> {
    iced::widget::operation::focus(NOTHING)
}

const NOTHING: &str = "focus-nothing";

/// Moves the focus by `step`; `rtl`: the page reads right to left.
pub fn step<M: Send + 'static>(step: Step, rtl: bool) -> Task<M> {
    iced::advanced::widget::operate(Survey {
        step,
        rtl,
        items: Vec::new(),
        scrolls: Vec::new(),
        open: Vec::new(),
        entering: None,
    })
    .discard()
}

// ---------------------------------------------------------------------
// The order.

/// The indices of `rects` in reading order: line by line from the top
/// (a widget belongs to a line when its middle lies within the height of
/// the line's first widget, or the line's middle within its own), and
/// within a line from the reading side (right first when `rtl`).
pub fn reading_order(rects: &[Rectangle], rtl: bool) -> Vec<usize> {
    let mut by_top: Vec<usize> = (0..rects.len()).collect();
    by_top.sort_by(|&a, &b| rects[a].y.total_cmp(&rects[b].y));
    let mut lines: Vec<Vec<usize>> = Vec::new();
    for i in by_top {
        let r = rects[i];
        let joins = lines.last().is_some_and(|line| {
            let first = rects[line[0]];
            let (mid, first_mid) = (r.center_y(), first.center_y());
            (first.y..=first.y + first.height).contains(&mid)
                || (r.y..=r.y + r.height).contains(&first_mid)
        });
        match lines.last_mut() {
            Some(line) if joins => line.push(i),
            _ => lines.push(vec![i]),
        }
    }
    for line in &mut lines {
        if rtl {
            line.sort_by(|&a, &b| {
                let (ra, rb) = (rects[a], rects[b]);
                (rb.x + rb.width).total_cmp(&(ra.x + ra.width))
            });
        } else {
            line.sort_by(|&a, &b| rects[a].x.total_cmp(&rects[b].x));
        }
    }
    lines.concat()
}

/// Which widget `step` focuses: an index into `rects` (tree order), or
/// none (nothing to focus, or an arrow with nothing focused or nothing
/// beyond).
pub fn target(rects: &[Rectangle], focused: Option<usize>, step: Step, rtl: bool) -> Option<usize> {
    let n = rects.len();
    if n == 0 {
        return None;
    }
    let order = reading_order(rects, rtl);
    let at = focused.and_then(|f| order.iter().position(|&i| i == f));
    match step {
        Step::Next => Some(order[at.map_or(0, |p| (p + 1) % n)]),
        Step::Previous => Some(order[at.map_or(n - 1, |p| (p + n - 1) % n)]),
        Step::Down | Step::Up => {
            let from = rects[focused?];
            let down = step == Step::Down;
            // How far below (or above) `from` each candidate starts.
            let gap = |r: Rectangle| {
                if down {
                    r.y - (from.y + from.height)
                } else {
                    from.y - (r.y + r.height)
                }
            };
            let beyond: Vec<usize> = (0..n)
                .filter(|&i| {
                    let r = rects[i];
                    if down {
                        r.center_y() > from.y + from.height
                    } else {
                        r.center_y() < from.y
                    }
                })
                .collect();
            // The nearest line (widgets of one line differ a little in
            // height), then the widget on it nearest across.
            let nearest = beyond
                .iter()
                .map(|&i| gap(rects[i]).max(0.0))
                .min_by(f32::total_cmp)?;
            beyond
                .into_iter()
                .filter(|&i| gap(rects[i]).max(0.0) <= nearest + LINE_SLACK)
                .min_by(|&a, &b| {
                    let across = |i: usize| (rects[i].center_x() - from.center_x()).abs();
                    across(a).total_cmp(&across(b))
                })
        }
    }
}

/// Widgets whose tops differ by less than this stand on one line.
const LINE_SLACK: f32 = 12.0;

/// The scroll offset that brings `target` into the scrollable's view
/// (with a margin), or none when it is in view already.
fn into_view(target: Rectangle, scroll: &Scroll) -> Option<f32> {
    const MARGIN: f32 = 24.0;
    let view = scroll.bounds;
    let shown_top = target.y - scroll.translation.y;
    let shown_bottom = shown_top + target.height;
    if shown_top < view.y {
        Some((target.y - view.y - MARGIN).max(0.0))
    } else if shown_bottom > view.y + view.height {
        // A widget taller than the view shows its top.
        let fits = target.height + 2.0 * MARGIN <= view.height;
        Some(if fits {
            target.y + target.height - (view.y + view.height) + MARGIN
        } else {
            target.y - view.y - MARGIN
        })
    } else {
        None
    }
}

// ---------------------------------------------------------------------
// The operations.

#[derive(Clone, Copy, Debug)]
struct Scroll {
    bounds: Rectangle,
    translation: Vector,
}

struct Item {
    bounds: Rectangle,
    focused: bool,
    /// The scrollables holding it, outermost first.
    scrolls: Vec<usize>,
}

/// First pass: where every focusable widget and scrollable is.
struct Survey {
    step: Step,
    rtl: bool,
    items: Vec<Item>,
    scrolls: Vec<Scroll>,
    /// The scrollables the traversal is inside.
    open: Vec<usize>,
    /// A scrollable just met: its children come with the next traverse.
    entering: Option<usize>,
}

impl Operation for Survey {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        // A scrollable reports itself, then traverses its content.
        let entered = self.entering.take();
        if let Some(s) = entered {
            self.open.push(s);
        }
        operate(self);
        if entered.is_some() {
            self.open.pop();
        }
    }

    fn scrollable(
        &mut self,
        _id: Option<&widget::Id>,
        bounds: Rectangle,
        _content_bounds: Rectangle,
        translation: Vector,
        _state: &mut dyn operation::Scrollable,
    ) {
        self.entering = Some(self.scrolls.len());
        self.scrolls.push(Scroll {
            bounds,
            translation,
        });
    }

    fn focusable(
        &mut self,
        _id: Option<&widget::Id>,
        bounds: Rectangle,
        state: &mut dyn Focusable,
    ) {
        self.items.push(Item {
            bounds,
            focused: state.is_focused(),
            scrolls: self.open.clone(),
        });
    }

    fn finish(&self) -> Outcome<()> {
        let rects: Vec<Rectangle> = self.items.iter().map(|i| i.bounds).collect();
        let focused = self.items.iter().position(|i| i.focused);
        let Some(target) = target(&rects, focused, self.step, self.rtl) else {
            return Outcome::None;
        };
        let item = &self.items[target];
        let scroll_to = item
            .scrolls
            .iter()
            .filter_map(|&s| into_view(item.bounds, &self.scrolls[s]).map(|y| (s, y)))
            .collect();
        Outcome::Chain(Box::new(Apply {
            target,
            scroll_to,
            item: 0,
            scroll: 0,
        }))
    }
}

/// Second pass: focus the target (and no other), scroll it into view.
struct Apply {
    target: usize,
    scroll_to: Vec<(usize, f32)>,
    item: usize,
    scroll: usize,
}

impl Operation for Apply {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn scrollable(
        &mut self,
        _id: Option<&widget::Id>,
        _bounds: Rectangle,
        _content_bounds: Rectangle,
        _translation: Vector,
        state: &mut dyn operation::Scrollable,
    ) {
        if let Some(&(_, y)) = self.scroll_to.iter().find(|(s, _)| *s == self.scroll) {
            state.scroll_to(AbsoluteOffset {
                x: None,
                y: Some(y),
            });
        }
        self.scroll += 1;
    }

    fn focusable(
        &mut self,
        _id: Option<&widget::Id>,
        _bounds: Rectangle,
        state: &mut dyn Focusable,
    ) {
        if self.item == self.target {
            state.focus();
        } else {
            state.unfocus();
        }
        self.item += 1;
    }
}

/// Whether a widget inside holds the focus.
#[derive(Default)]
struct HasFocus(bool);

impl Operation for HasFocus {
    fn traverse(&mut self, operate: &mut dyn FnMut(&mut dyn Operation)) {
        operate(self);
    }

    fn focusable(
        &mut self,
        _id: Option<&widget::Id>,
        _bounds: Rectangle,
        state: &mut dyn Focusable,
    ) {
        self.0 |= state.is_focused();
    }
}

// ---------------------------------------------------------------------
// The widgets.

/// A button or checkbox that takes the focus (see the module's note).
pub struct Tabbable<'a, M> {
    content: Element<'a, M>,
    /// Who this is across redraws (its message, or the caller's key):
    /// the focus stays with the same action when the page above it
    /// changes, never passing to whatever widget now stands in its place.
    /// None: disabled, not focusable.
    key: Option<u64>,
}

/// Wraps `content` (a button, a checkbox) so it takes the focus; `key`
/// names it across redraws (none: disabled, skipped by Tab).
pub fn tabbable<'a, M>(content: impl Into<Element<'a, M>>, key: Option<u64>) -> Tabbable<'a, M> {
    Tabbable {
        content: content.into(),
        key,
    }
}

/// A stable key from anything hashable.
pub fn key(of: impl std::hash::Hash) -> u64 {
    use std::hash::{DefaultHasher, Hasher};
    let mut h = DefaultHasher::new();
    of.hash(&mut h);
    h.finish()
}

#[derive(Debug, Default)]
struct State {
    focused: bool,
    key: Option<u64>,
}

impl Focusable for State {
    fn is_focused(&self) -> bool {
        self.focused
    }
    fn focus(&mut self) {
        self.focused = true;
    }
    fn unfocus(&mut self) {
        self.focused = false;
    }
}

/// Enter or Space, without Alt, Ctrl or the logo key.
fn activates(event: &Event) -> bool {
    let Event::Keyboard(keyboard::Event::KeyPressed {
        key,
        modifiers,
        repeat,
        ..
    }) = event
    else {
        return false;
    };
    // A held key clicks once (held Space would tick and untick a box).
    let plain = !(*repeat || modifiers.alt() || modifiers.control() || modifiers.logo());
    plain
        && match key.as_ref() {
            Key::Named(Named::Enter | Named::Space) => true,
            Key::Character(c) => c == " ",
            _ => false,
        }
}

impl<'a, M> Widget<M, Theme, Renderer> for Tabbable<'a, M> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State {
            focused: false,
            key: self.key,
        })
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        let state = tree.state.downcast_mut::<State>();
        if state.key != self.key {
            state.focused = false;
            state.key = self.key;
        }
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        if self.key.is_some() {
            let state = tree.state.downcast_mut::<State>();
            operation.focusable(None, layout.bounds(), state);
        }
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, M>,
        viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_mut::<State>();
        match event {
            // A click anywhere: the mouse has the user now (a field
            // clicked into takes the focus without telling us).
            Event::Mouse(mouse::Event::ButtonPressed(_)) | Event::Touch(_) if state.focused => {
                state.focused = false;
                shell.request_redraw();
            }
            _ if state.focused && activates(event) => {
                // The wrapped widget gets a click in its middle: it
                // decides what that does (nothing when disabled).
                // Press and release each get a shell of their own: a
                // button that took the press would otherwise ignore the
                // release as already captured.
                let centre = mouse::Cursor::Available(layout.bounds().center());
                for click in [mouse::Event::ButtonPressed, mouse::Event::ButtonReleased] {
                    let mut published = Vec::new();
                    let mut own = Shell::new(&mut published);
                    self.content.as_widget_mut().update(
                        &mut tree.children[0],
                        &Event::Mouse(click(mouse::Button::Left)),
                        layout,
                        centre,
                        renderer,
                        clipboard,
                        &mut own,
                        viewport,
                    );
                    shell.merge(own, std::convert::identity);
                }
                shell.capture_event();
                shell.request_redraw();
                return;
            }
            _ => {}
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            layout,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
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
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
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
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
        if tree.state.downcast_ref::<State>().focused {
            renderer.fill_quad(
                renderer::Quad {
                    bounds: layout.bounds().expand(RING_GAP),
                    border: Border {
                        color: RING,
                        width: RING_WIDTH,
                        radius: 6.0.into(),
                    },
                    ..renderer::Quad::default()
                },
                Background::Color(Color::TRANSPARENT),
            );
        }
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, M, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            layout,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, M: 'a> From<Tabbable<'a, M>> for Element<'a, M> {
    fn from(t: Tabbable<'a, M>) -> Self {
        Element::new(t)
    }
}

/// What reached a name field after Enter or Tab sent the focus on to its
/// PIN, before the focus had moved: it was meant for the PIN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ahead {
    /// Typed text (a PIN's digits).
    Text(String),
    /// Enter: the PIN is complete.
    Enter,
}

/// A name field followed by a PIN field. Enter or Tab in the name sends
/// `next` (the page moves the focus to the PIN). The focus moves by a
/// task that runs after the keys of the same batch: a fast typist, a
/// badge scanner or a busy machine delivers "Enter 1 2 3 4 5 6 Enter" at
/// once, and without this the digits went into the name field, in clear.
/// So from Enter or Tab until the name loses the focus, what is typed
/// goes out as [`Ahead`] (for the PIN), never into the name; a key that
/// edits (Backspace, an arrow) or a click gives the name back to the user.
pub struct NameField<'a, M> {
    content: Element<'a, M>,
    next: M,
    on_ahead: Box<dyn Fn(Ahead) -> M + 'a>,
}

pub fn name_field<'a, M>(
    content: impl Into<Element<'a, M>>,
    next: M,
    on_ahead: impl Fn(Ahead) -> M + 'a,
) -> NameField<'a, M> {
    NameField {
        content: content.into(),
        next,
        on_ahead: Box::new(on_ahead),
    }
}

/// A key that edits a field's text or moves its caret: pressed after
/// Enter in the name, it means the user went back to the name.
fn edits(key: &Key) -> bool {
    matches!(
        key.as_ref(),
        Key::Named(
            Named::Backspace
                | Named::Delete
                | Named::ArrowLeft
                | Named::ArrowRight
                | Named::Home
                | Named::End
                | Named::Escape
        )
    )
}

/// Enter or Tab was pressed in the name, the focus not moved yet.
#[derive(Debug, Default)]
struct Diverting(bool);

impl<'a, M: Clone> Widget<M, Theme, Renderer> for NameField<'a, M> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<Diverting>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(Diverting::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, M>,
        viewport: &Rectangle,
    ) {
        if let Event::Keyboard(keyboard::Event::KeyPressed {
            key,
            modifiers,
            text,
            ..
        }) = event
            && !(modifiers.alt() || modifiers.control() || modifiers.logo())
        {
            let mut focus = HasFocus::default();
            self.content.as_widget_mut().operate(
                &mut tree.children[0],
                layout,
                renderer,
                &mut focus,
            );
            let diverting = tree.state.downcast_mut::<Diverting>();
            if !focus.0 {
                // The focus has moved on (or was never here).
                diverting.0 = false;
            } else if !diverting.0 {
                let next = match key.as_ref() {
                    Key::Named(Named::Enter) => true,
                    Key::Named(Named::Tab) => !modifiers.shift(),
                    _ => false,
                };
                if next {
                    diverting.0 = true;
                    shell.publish(self.next.clone());
                    shell.capture_event();
                    return;
                }
            } else {
                let typed = text
                    .as_ref()
                    .filter(|t| !t.is_empty() && t.chars().all(|c| !c.is_control()));
                let ahead = match key.as_ref() {
                    Key::Named(Named::Enter) => Some(Ahead::Enter),
                    Key::Named(Named::Tab) => {
                        shell.capture_event();
                        return;
                    }
                    _ => typed.map(|t| Ahead::Text(t.to_string())),
                };
                match ahead {
                    Some(ahead) => {
                        shell.publish((self.on_ahead)(ahead));
                        shell.capture_event();
                        return;
                    }
                    // An editing key: the user is back in the name.
                    None if edits(key) => diverting.0 = false,
                    // Shift (digits need it on an AZERTY layout), Caps
                    // Lock and the like type nothing: still on the way.
                    None => {}
                }
            }
        }
        // Text from an input method (IBus and the like) comes as a commit,
        // not with the key: on its way to the PIN too.
        if let Event::InputMethod(iced::advanced::input_method::Event::Commit(text)) = event
            && tree.state.downcast_ref::<Diverting>().0
        {
            let mut focus = HasFocus::default();
            self.content.as_widget_mut().operate(
                &mut tree.children[0],
                layout,
                renderer,
                &mut focus,
            );
            if focus.0 {
                shell.publish((self.on_ahead)(Ahead::Text(text.clone())));
                shell.capture_event();
                return;
            }
            tree.state.downcast_mut::<Diverting>().0 = false;
        }
        if let Event::Mouse(mouse::Event::ButtonPressed(_)) = event {
            tree.state.downcast_mut::<Diverting>().0 = false;
        }
        self.content.as_widget_mut().update(
            &mut tree.children[0],
            event,
            layout,
            cursor,
            renderer,
            clipboard,
            shell,
            viewport,
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
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
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
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
    }
}

impl<'a, M: Clone + 'a> From<NameField<'a, M>> for Element<'a, M> {
    fn from(t: NameField<'a, M>) -> Self {
        Element::new(t)
    }
}

// ---------------------------------------------------------------------
// The app's buttons.

/// iced's button styles, under the name the pages use.
pub mod button {
    pub use iced::widget::button::{Status, Style, danger, primary, secondary, text};
}

/// A button that takes the focus: iced's button (same look, same
/// builder) wrapped in a [`Tabbable`] keyed by its message. A disabled
/// one (no message) is skipped by Tab.
pub struct Button<'a, M> {
    inner: iced::widget::Button<'a, M>,
    key: Option<u64>,
}

/// A button showing `content`; see [`Button`].
pub fn button<'a, M>(content: impl Into<Element<'a, M>>) -> Button<'a, M> {
    Button {
        inner: iced::widget::button(content),
        key: None,
    }
}

impl<'a, M: Clone + std::fmt::Debug + 'a> Button<'a, M> {
    pub fn on_press(self, message: M) -> Self {
        self.on_press_maybe(Some(message))
    }

    pub fn on_press_maybe(mut self, message: Option<M>) -> Self {
        // The message, in words, is who the button is.
        self.key = message.as_ref().map(|m| key(format!("{m:?}")));
        self.inner = self.inner.on_press_maybe(message);
        self
    }

    pub fn style(mut self, style: impl Fn(&Theme, button::Status) -> button::Style + 'a) -> Self {
        self.inner = self.inner.style(style);
        self
    }

    pub fn width(mut self, width: impl Into<Length>) -> Self {
        self.inner = self.inner.width(width);
        self
    }
}

impl<'a, M: Clone + 'a> From<Button<'a, M>> for Element<'a, M> {
    fn from(b: Button<'a, M>) -> Self {
        tabbable(b.inner, b.key).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: f32, y: f32, w: f32, h: f32) -> Rectangle {
        Rectangle {
            x,
            y,
            width: w,
            height: h,
        }
    }

    /// A top bar of three buttons (slightly different heights, as text
    /// and icon buttons are), a field under it, two rows of a list.
    fn page() -> Vec<Rectangle> {
        vec![
            r(10.0, 10.0, 80.0, 40.0),   // 0: left of the bar
            r(100.0, 12.0, 80.0, 36.0),  // 1: middle
            r(190.0, 10.0, 80.0, 40.0),  // 2: right of the bar
            r(10.0, 120.0, 300.0, 40.0), // 3: a row
            r(10.0, 70.0, 200.0, 30.0),  // 4: a field, above the row
            r(10.0, 170.0, 300.0, 40.0), // 5: the next row
        ]
    }

    #[test]
    fn reading_order_is_by_line_then_from_the_reading_side() {
        assert_eq!(reading_order(&page(), false), vec![0, 1, 2, 4, 3, 5]);
        assert_eq!(reading_order(&page(), true), vec![2, 1, 0, 4, 3, 5]);
    }

    #[test]
    fn tab_and_shift_tab_go_round() {
        let p = page();
        assert_eq!(target(&p, None, Step::Next, true), Some(2));
        assert_eq!(target(&p, None, Step::Previous, true), Some(5));
        assert_eq!(target(&p, Some(2), Step::Next, true), Some(1));
        assert_eq!(target(&p, Some(5), Step::Next, true), Some(2));
        assert_eq!(target(&p, Some(2), Step::Previous, true), Some(5));
        assert_eq!(target(&[], None, Step::Next, true), None);
    }

    #[test]
    fn arrows_go_to_the_nearest_line_below_or_above() {
        let p = page();
        assert_eq!(target(&p, Some(4), Step::Down, true), Some(3));
        assert_eq!(target(&p, Some(3), Step::Down, true), Some(5));
        assert_eq!(target(&p, Some(5), Step::Down, true), None);
        assert_eq!(target(&p, Some(3), Step::Up, true), Some(4));
        // From the field up: the bar's button nearest above it.
        assert_eq!(target(&p, Some(4), Step::Up, false), Some(1));
        // Nothing focused: an arrow moves nothing.
        assert_eq!(target(&p, None, Step::Down, true), None);
    }

    #[test]
    fn a_widget_out_of_view_is_scrolled_to() {
        let view = Scroll {
            bounds: r(0.0, 100.0, 800.0, 500.0),
            translation: Vector::new(0.0, 0.0),
        };
        assert_eq!(into_view(r(0.0, 300.0, 100.0, 40.0), &view), None);
        // Below the view: its bottom comes up to the view's, with a margin.
        let y = into_view(r(0.0, 700.0, 100.0, 40.0), &view).unwrap();
        assert_eq!(y, 740.0 - 600.0 + 24.0);
        // Scrolled past: back up to it.
        let scrolled = Scroll {
            translation: Vector::new(0.0, 400.0),
            ..view
        };
        assert_eq!(
            into_view(r(0.0, 300.0, 100.0, 40.0), &scrolled),
            Some(176.0)
        );
    }
}
