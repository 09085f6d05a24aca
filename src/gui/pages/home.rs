//! Lookup: one field for a national ID (any digits, or a barcode scanner
//! that types and presses Enter) or a tracking code; the results with
//! service, state, payment, the SLA clock and the delivery place; and a
//! small summary of the day.

use chrono::Utc;
use iced::widget::{Column, Id, button, checkbox, column, container, text, text_input};
use iced::{Element, Length};

use crate::gui::{App, Message, rtl, style};
use citizen_desk::domain::{DeliveryPlace, Request};
use citizen_desk::i18n::{Lang, tr};

pub const QUERY_ID: &str = "lookup-query";
/// The supervisor's PIN for the requests ticked in their stamp queue.
pub const QUEUE_PIN_ID: &str = "queue-pin";

fn service_name(app: &App, code: &str) -> String {
    let store = app.store.as_ref();
    match store.and_then(|s| s.catalog().service(code)) {
        Some(s) if app.lang == Lang::Ar => s.name_ar.clone(),
        Some(s) => s.name_en.clone(),
        None => code.to_owned(),
    }
}

/// One result; `key` is its Alt+digit shortcut (1 to 9), shown first.
fn result_row<'a>(app: &'a App, r: &'a Request, key: Option<usize>) -> Element<'a, Message> {
    let now = Utc::now();
    let due = r
        .due_at
        .with_timezone(&chrono_tz::Asia::Damascus)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    let overdue = r.is_overdue(now);
    let due_text = text(if overdue {
        format!("{} {due} — {}", app.t("gui-due"), app.t("gui-overdue"))
    } else {
        format!("{} {due}", app.t("gui-due"))
    })
    .size(15)
    .color(if overdue { style::ERROR } else { style::MUTED });
    let place = match &r.delivery.place {
        DeliveryPlace::Address { address } => address.clone(),
        DeliveryPlace::Center { center } => center.clone(),
    };
    let paid = app.t(if r.payment.paid {
        "gui-paid"
    } else {
        "gui-unpaid"
    });
    let shortcut = key.map_or_else(String::new, |n| {
        format!("Alt+{}", crate::gui::pages::digits(app, &n.to_string()))
    });
    let line = rtl::row(
        app.lang,
        vec![
            text(shortcut).size(14).color(style::MUTED).into(),
            // Codes read left to right in both languages.
            text(r.tracking_code.as_str()).size(16).into(),
            text(service_name(app, &r.service)).size(16).into(),
            text(tr(app.lang, r.state.label_id(), &[])).size(16).into(),
            text(paid).size(15).into(),
            due_text.into(),
        ],
    );
    let detail = rtl::line(
        app.lang,
        format!("{} — {place}", r.name.full()),
        style::HINT,
    );
    // A light row: the overdue red and the grey hints keep their contrast.
    button(column![rtl::side(app.lang, line), detail].spacing(4))
        .width(Length::Fill)
        .style(button::text)
        .on_press(Message::Open(r.id.clone()))
        .into()
}

/// The queue's rows, each with a box to tick on the reading side.
fn ticked<'a>(
    app: &'a App,
    queue: &'a [Request],
    rows: Vec<Element<'a, Message>>,
) -> Vec<Element<'a, Message>> {
    queue
        .iter()
        .zip(rows)
        .map(|(r, row)| {
            let tick = checkbox(app.queue_selected.contains(&r.id))
                .on_toggle(move |_| Message::QueueToggle(r.id.clone()));
            rtl::row(app.lang, vec![tick.into(), row]).into()
        })
        .collect()
}

/// One PIN for every ticked request: the field, the button with the
/// count, and the keys that do it without the mouse.
fn stamp_ticked(app: &App) -> Element<'_, Message> {
    let count = app.queue_selected.len();
    let ready = count > 0 && app.busy.is_none();
    let pin = text_input(&app.t("gui-supervisor-pin"), &app.sup_pin)
        .id(Id::new(QUEUE_PIN_ID))
        .secure(true)
        .on_input(Message::SupPinChanged)
        .on_submit_maybe(ready.then_some(Message::StampSelected))
        .width(Length::Fixed(220.0))
        .padding(8)
        .line_height(rtl::INPUT_LINE);
    let label = tr(
        app.lang,
        "gui-stamp-ticked",
        &[("count", &crate::gui::pages::digits(app, &count.to_string()))],
    );
    let stamp = button(text(label)).on_press_maybe(ready.then_some(Message::StampSelected));
    let keys = rtl::line(app.lang, app.t("gui-stamp-ticked-keys"), style::HINT);
    column![
        rtl::side(app.lang, rtl::row(app.lang, vec![pin.into(), stamp.into()])),
        keys
    ]
    .spacing(4)
    .into()
}

pub fn view<'a>(app: &'a App) -> Element<'a, Message> {
    let search = rtl::row(
        app.lang,
        vec![
            text_input(&app.t("gui-lookup-placeholder"), &app.query)
                .id(Id::new(QUERY_ID))
                .on_input(Message::QueryChanged)
                .on_submit(Message::Search)
                .width(Length::Fixed(360.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE)
                .into(),
            button(text(app.t("gui-search")))
                .on_press(Message::Search)
                .into(),
        ],
    );
    let numbered = |list: &'a [Request]| {
        list.iter()
            .enumerate()
            .map(|(i, r)| result_row(app, r, (i < 9).then_some(i + 1)))
            .collect::<Vec<_>>()
    };
    let mut list = Column::new().spacing(8);
    if app.query.trim().is_empty() {
        // A supervisor's own work first: what waits for their stamp.
        if let Some((total, queue)) = &app.stamp_queue {
            list = list.push(rtl::line(
                app.lang,
                tr(
                    app.lang,
                    "gui-stamp-queue",
                    &[("count", &crate::gui::pages::digits(app, &total.to_string()))],
                ),
                17.0,
            ));
            list = list.extend(ticked(app, queue, numbered(queue)));
            if !queue.is_empty() {
                list = list.push(stamp_ticked(app));
            }
        } else if !app.results.is_empty() {
            list = list.push(rtl::line(app.lang, app.t("gui-worklist"), 17.0));
            list = list.extend(numbered(&app.results));
        }
    } else {
        list = list.extend(numbered(&app.results));
    }
    if app.results.is_empty() && !app.query.trim().is_empty() {
        list = list.push(rtl::line(app.lang, app.t("gui-no-results"), style::BODY));
    }
    let summary: String = app
        .summary
        .iter()
        .map(|(s, n)| format!("{}: {n}", tr(app.lang, s.label_id(), &[])))
        .collect::<Vec<_>>()
        .join(" · ");
    let mut page = column![
        rtl::line(app.lang, app.t("gui-lookup-title"), style::TITLE),
        rtl::side(app.lang, search),
        container(list).width(Length::Fill),
    ]
    .spacing(12);
    if let Some(day) = &app.daily {
        page = page.push(rtl::line(
            app.lang,
            tr(
                app.lang,
                "gui-today",
                &[("date", &day.day.format("%d/%m/%Y").to_string())],
            ),
            17.0,
        ));
        let overdue = day.overdue();
        let total = text(tr(
            app.lang,
            "gui-summary-overdue",
            &[("count", &overdue.to_string())],
        ))
        .size(16)
        .line_height(rtl::TALL)
        .color(if overdue > 0 { style::ERROR } else { style::OK });
        page = page.push(rtl::side(app.lang, total));
        for s in &day.services {
            let line = text(tr(
                app.lang,
                "gui-summary-line",
                &[
                    ("service", &service_name(app, &s.service)),
                    ("new", &s.submitted_today.to_string()),
                    ("open", &s.open.to_string()),
                    ("overdue", &s.overdue.to_string()),
                    ("finished", &s.finished_today.to_string()),
                ],
            ))
            .size(15)
            .line_height(text::LineHeight::Relative(1.9));
            // Only the count is the alarm, not the whole line.
            let line = if s.overdue > 0 {
                line.color(style::WARNING)
            } else {
                line
            };
            page = page.push(rtl::side(app.lang, line));
        }
    }
    page = page.push(rtl::line(app.lang, app.t("gui-all-by-state"), 15.0));
    page.push(rtl::line(app.lang, summary, style::HINT)).into()
}
