//! The outbox: what is queued for the hub, what synced, the sync state and
//! the last error; "sync now" runs in the background; and the hand-over
//! of the waiting envelopes to the post, with its manifest.

use iced::Element;
use iced::widget::{Column, button, column, text};

use crate::gui::{App, Message, rtl, style};
use citizen_desk::i18n::tr;

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let mut page = column![rtl::line(lang, app.t("gui-outbox-title"), style::TITLE)].spacing(10);
    if let Some(s) = &app.sync_status {
        for line in s.messages() {
            page = page.push(rtl::line(lang, line.text(lang), style::BODY));
        }
        if s.open_conflicts > 0 {
            page = page.push(rtl::side(
                lang,
                button(text(app.t("gui-open-conflicts")))
                    .style(button::danger)
                    .on_press(Message::Go(crate::gui::Page::Conflicts)),
            ));
        }
        if s.hub.is_some() {
            page = page.push(
                button(text(app.t(if app.syncing {
                    "gui-syncing"
                } else {
                    "gui-sync-now"
                })))
                .on_press_maybe((!app.syncing).then_some(Message::SyncNow)),
            );
        }
    }
    // The hand-over to the post: every envelope waiting, one batch, its
    // manifest printed for the clerk's and the postal agent's signatures.
    let waiting = app.envelopes_held;
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
        button(text(app.t("gui-dispatch")))
            .on_press_maybe((waiting > 0).then(|| Message::Ask(Box::new(Message::Dispatch)))),
    ));
    if let Some(path) = &app.last_file {
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
    for e in &app.pending {
        rows = rows.push(rtl::line(
            lang,
            format!(
                "{}  {}  {}",
                chrono::DateTime::parse_from_rfc3339(&e.created_at)
                    .map(|t| super::local_time(app, t.with_timezone(&chrono::Utc)))
                    .unwrap_or_else(|_| e.created_at.clone()),
                app.t(e.change.label_id()),
                e.request_id.as_deref().unwrap_or("")
            ),
            style::HINT,
        ));
    }
    page.push(rows).into()
}
