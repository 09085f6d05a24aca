//! The outbox: what is queued for the hub, what synced, the sync state and
//! the last error; "sync now" runs in the background; and the hand-over
//! of the waiting envelopes to the post, with its manifest (written in
//! the background).

use std::path::PathBuf;

use crate::gui::focus::button;
use crate::gui::style::text;
use iced::widget::{Column, column};
use iced::{Element, Task};

use super::{View, words};
use crate::gui::desk::{Ctx, Event, Page};
use crate::gui::{Flash, rtl, style};
use citizen_desk::i18n::{Message as Text, tr};
use citizen_desk::store::{OutboxEntry, Store};

#[derive(Debug, Default)]
pub struct State {
    /// The changes waiting for the hub.
    pub pending: Vec<OutboxEntry>,
    /// The last manifest written.
    pub last_file: Option<PathBuf>,
    /// The hand-over running in the background (its words on screen).
    pub busy: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub enum Message {
    SyncNow,
    OpenConflicts,
    /// Every envelope waiting → one hand-over batch to the post.
    Dispatch,
    /// The hand-over done (its words and the manifest), or the refusal.
    Dispatched(Result<(String, PathBuf), String>),
    /// Asks before the hand-over.
    Ask(Box<Message>),
}

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::SyncNow => Some(Event::SyncNow),
            Message::OpenConflicts => Some(Event::Go(Page::Conflicts)),
            Message::Ask(then) => Some(Event::Ask(crate::gui::Message::Outbox(*then))),
            Message::Dispatch => return (self.dispatch(cx), None),
            Message::Dispatched(Ok((words, path))) => {
                self.busy = None;
                self.last_file = Some(path);
                self.load(cx)
                    .or(Some(Event::Status(Some(Flash::Ok(words)))))
            }
            Message::Dispatched(Err(why)) => {
                self.busy = None;
                Some(Event::Flash(Flash::Err(why)))
            }
        };
        (Task::none(), event)
    }

    /// The queued rows as the store has them now.
    pub fn load(&mut self, cx: &mut Ctx<'_>) -> Option<Event> {
        match cx.store.outbox_pending(50) {
            Ok(pending) => {
                self.pending = pending;
                None
            }
            Err(e) => {
                self.pending.clear();
                Some(cx.refused(e))
            }
        }
    }

    /// Every envelope waiting → one hand-over batch to the post, with its
    /// manifest (counts, tracking codes, signature lines) as a PDF, made
    /// and written off the UI thread on its own connection.
    fn dispatch(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        if self.busy.is_some() {
            return Task::none();
        }
        let (session, data, dir, digits, lang) = (
            cx.session.clone(),
            cx.data_dir.to_owned(),
            cx.documents_dir(),
            cx.status.digits(),
            cx.lang,
        );
        self.busy = Some("gui-busy-dispatching");
        Task::perform(
            async move {
                let fail = |e: citizen_desk::Error| words(lang, e);
                let mut store = Store::open(&data).map_err(fail)?;
                let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
                let path = dir.join(format!("manifest-{stamp}.pdf"));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| fail(citizen_desk::Error::io(&dir, e)))?;
                let report = store
                    .dispatch(&session, digits, |pdf| {
                        citizen_desk::files::write_atomic(&path, pdf)
                    })
                    .map_err(fail)?;
                let said = Text::new("done-dispatched")
                    .arg("batch", report.batch)
                    .arg("count", report.count)
                    .arg("path", path.display())
                    .text(lang);
                Ok((said, path))
            },
            Message::Dispatched,
        )
    }

    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        let mut page = column![rtl::line(lang, cx.t("gui-outbox-title"), style::TITLE)].spacing(10);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, cx.t(busy)));
        }
        if let Some(s) = &cx.status.sync {
            for line in s.messages() {
                page = page.push(rtl::line(lang, line.text(lang), style::BODY));
            }
            if s.open_conflicts > 0 {
                page = page.push(rtl::side(
                    lang,
                    button(text(cx.t("gui-open-conflicts")))
                        .style(button::danger)
                        .on_press(Message::OpenConflicts),
                ));
            }
            if s.hub.is_some() {
                page = page.push(
                    button(style::labelled(
                        cx.lang,
                        style::Icon::Sync,
                        cx.t(if cx.status.syncing {
                            "gui-syncing"
                        } else {
                            "gui-sync-now"
                        }),
                    ))
                    .on_press_maybe((!cx.status.syncing).then_some(Message::SyncNow)),
                );
            }
        }
        // The hand-over to the post: every envelope waiting, one batch, its
        // manifest printed for the clerk's and the postal agent's signatures.
        let waiting = cx.status.envelopes_held;
        page = page.push(rtl::line(
            lang,
            tr(
                lang,
                "gui-enveloped-waiting",
                &[("count", &waiting.to_string())],
            ),
            style::BODY,
        ));
        page = page.push(rtl::side(
            lang,
            button(text(cx.t("gui-dispatch"))).on_press_maybe(
                (waiting > 0 && self.busy.is_none())
                    .then(|| Message::Ask(Box::new(Message::Dispatch))),
            ),
        ));
        if let Some(path) = &self.last_file {
            page = page.push(rtl::line(
                lang,
                tr(
                    lang,
                    "gui-written-to",
                    &[("path", &path.display().to_string())],
                ),
                style::HINT,
            ));
        }
        let mut rows = Column::new().spacing(4);
        for e in &self.pending {
            rows = rows.push(rtl::line(
                lang,
                format!(
                    "{}  {}  {}",
                    chrono::DateTime::parse_from_rfc3339(&e.created_at)
                        .map(|t| super::local_time(lang, t.with_timezone(&chrono::Utc)))
                        .unwrap_or_else(|_| e.created_at.clone()),
                    cx.t(e.change.label_id()),
                    e.request_id.as_deref().unwrap_or("")
                ),
                style::HINT,
            ));
        }
        page.push(rows).into()
    }
}
