//! The outbox: what is queued for the hub, what synced, the sync state and
//! the last error; "sync now" runs in the background.

use iced::Element;
use iced::widget::{Column, button, column, text};

use crate::gui::{App, Message, rtl};
use citizen_desk::i18n::Message as Text;

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let mut page = column![rtl::line(lang, app.t("gui-outbox-title"), 20.0)].spacing(10);
    if let Some(s) = &app.sync_status {
        let never = app.t("label-never");
        page = page
            .push(rtl::line(
                lang,
                Text::new("outbox-status")
                    .arg(
                        "hub",
                        s.hub.clone().unwrap_or_else(|| app.t("label-not-enrolled")),
                    )
                    .arg("queued", s.queued)
                    .arg("synced", s.synced)
                    .arg("rejected", s.rejected)
                    .arg("conflicts", s.open_conflicts)
                    .text(lang),
                16.0,
            ))
            .push(rtl::line(
                lang,
                Text::new("outbox-last")
                    .arg(
                        "online",
                        app.t(if s.online {
                            "label-online"
                        } else {
                            "label-offline"
                        }),
                    )
                    .arg(
                        "success",
                        s.last_success.clone().unwrap_or_else(|| never.clone()),
                    )
                    .arg("error", s.last_error.clone().unwrap_or_else(|| "-".into()))
                    .text(lang),
                16.0,
            ));
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
    let mut rows = Column::new().spacing(4);
    for e in &app.pending {
        rows = rows.push(rtl::line(
            lang,
            format!(
                "#{}  {}  {}  {}",
                e.seq,
                e.created_at,
                e.kind,
                e.request_id.as_deref().unwrap_or("")
            ),
            14.0,
        ));
    }
    page.push(rows).into()
}
