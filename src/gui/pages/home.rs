//! Lookup: one field for a national ID (any digits, or a barcode scanner
//! that types and presses Enter) or a tracking code; the results with
//! service, state, payment, the SLA clock and the delivery place; a small
//! summary of the day; and a supervisor's stamp queue, whose ticked rows
//! are stamped with one PIN in the background.

use std::collections::BTreeSet;

use crate::gui::focus::{self, button};
use crate::gui::style::text;
use chrono::Utc;
use iced::widget::{Column, Id, checkbox, column, container, text_input};
use iced::{Element, Length, Task};

use super::{View, digits_only, words};
use crate::gui::desk::{Ctx, Event};
use crate::gui::{AltKey, Flash, rtl, style};
use citizen_desk::domain::{DeliveryPlace, Request, Role, State as Lifecycle};
use citizen_desk::i18n::{Lang, tr};
use citizen_desk::store::{DailySummary, RequestFilter, RequestRef, Session, Store};

pub const QUERY_ID: &str = "lookup-query";
/// The supervisor's PIN for the requests ticked in their stamp queue.
pub const QUEUE_PIN_ID: &str = "queue-pin";

#[derive(Debug, Default)]
pub struct State {
    pub query: String,
    pub results: Vec<Request>,
    pub daily: Option<DailySummary>,
    /// A supervisor's queue: how many wait for their stamp, and the oldest.
    pub stamp_queue: Option<(u64, Vec<Request>)>,
    /// The requests of the stamp queue a supervisor ticked, to stamp all
    /// with one PIN.
    pub queue_selected: BTreeSet<String>,
    /// The supervisor's PIN for the ticked requests.
    pub pin: String,
    /// Stamping in the background (its words on screen).
    pub busy: Option<&'static str>,
    /// The worklist's page shown (from 0), and how many requests wait in
    /// all: it pages through the whole store, `WORKLIST_PAGE` at a time.
    pub page: u64,
    pub total: u64,
}

/// Rows on a page of the worklist (Alt+1…9 open the first nine).
pub const WORKLIST_PAGE: u32 = 12;

#[derive(Clone, Debug)]
pub enum Message {
    QueryChanged(String),
    Search,
    Open(String),
    /// Ticks or unticks a request of the stamp queue.
    QueueToggle(String),
    PinChanged(String),
    /// Stamps every ticked request of the queue with the PIN typed once.
    StampSelected,
    /// How stamping the ticked requests went, in words.
    StampedSeveral(Result<String, String>),
    /// The worklist's next or previous page (Page Down, Page Up).
    NextPage,
    PreviousPage,
}

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        match message {
            Message::QueryChanged(v) => self.query = v,
            Message::Search => {
                let event = self.search(cx);
                // The next scan goes into the field, whatever was said.
                return (iced::widget::operation::focus(QUERY_ID), event);
            }
            Message::Open(id) => {
                let event = match cx.store.show(cx.session, &RequestRef::Id(id)) {
                    Ok(r) => Event::Open(Box::new(r)),
                    Err(e) => cx.refused(e),
                };
                return (Task::none(), Some(event));
            }
            Message::QueueToggle(id) => {
                if !self.queue_selected.remove(&id) {
                    self.queue_selected.insert(id);
                }
            }
            Message::PinChanged(v) => self.pin = digits_only(&v),
            Message::NextPage if (self.page + 1) * u64::from(WORKLIST_PAGE) < self.total => {
                self.page += 1;
                self.reload_results(cx.store, cx.session);
            }
            Message::PreviousPage if self.page > 0 => {
                self.page -= 1;
                self.reload_results(cx.store, cx.session);
            }
            Message::NextPage | Message::PreviousPage => {}
            Message::StampSelected => return (self.stamp_selected(cx), None),
            Message::StampedSeveral(result) => {
                self.busy = None;
                self.queue_selected.clear();
                return (
                    Task::none(),
                    Some(Event::Done(match result {
                        Ok(words) => Flash::Ok(words),
                        Err(why) => Flash::Err(why),
                    })),
                );
            }
        }
        (Task::none(), None)
    }

    /// What an Alt shortcut does on the lookup: Alt+digit opens that row,
    /// Alt+Shift+digit ticks it, Alt+A ticks all, Alt+S goes to the PIN.
    pub fn alt(&mut self, key: AltKey, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        match key {
            AltKey::Digit(n) => {
                let list = match &self.stamp_queue {
                    Some((_, queue)) if self.query.trim().is_empty() => queue,
                    _ => &self.results,
                };
                if let Some(r) = n.checked_sub(1).and_then(|i| list.get(i)) {
                    let id = r.id.clone();
                    return self.update(Message::Open(id), cx);
                }
            }
            AltKey::Tick(n) => {
                let row = self
                    .shown_queue()
                    .get(n.wrapping_sub(1))
                    .map(|r| r.id.clone());
                if let Some(id) = row {
                    return self.update(Message::QueueToggle(id), cx);
                }
            }
            AltKey::All => {
                let shown: Vec<String> = self.shown_queue().iter().map(|r| r.id.clone()).collect();
                if shown.iter().all(|id| self.queue_selected.contains(id)) {
                    self.queue_selected.clear();
                } else {
                    self.queue_selected.extend(shown);
                }
            }
            AltKey::Stamp if !self.queue_selected.is_empty() => {
                return (iced::widget::operation::focus(QUEUE_PIN_ID), None);
            }
            _ => {}
        }
        (Task::none(), None)
    }

    /// The day's summary, the stamp queue and the results, as the store
    /// has them now.
    pub fn reload(&mut self, store: &mut Store, session: &Session) {
        let today = citizen_desk::domain::calendar::damascus_date(store.now());
        self.daily = store.daily_summary(session, today).ok();
        self.stamp_queue = if session.role() == Role::Supervisor {
            store.stamp_queue(session, 12).ok()
        } else {
            None
        };
        self.reload_results(store, session);
    }

    /// The results list again, as the store has it now: the same search,
    /// or the worklist when there is none (never opening a request).
    pub fn reload_results(&mut self, store: &mut Store, session: &Session) {
        if self.query.trim().is_empty() {
            // New requests waiting at the desk, most urgent first, a page
            // at a time through all of them.
            let filter = RequestFilter {
                state: Some(Lifecycle::Received),
                overdue: false,
                limit: WORKLIST_PAGE,
            };
            let per_page = u64::from(WORKLIST_PAGE);
            if let Ok((total, list)) = store.list_page(session, &filter, self.page * per_page) {
                self.total = total;
                self.results = list;
                // Fewer waiting than before (work done elsewhere): the
                // last page that still has some.
                let last = total.saturating_sub(1) / per_page;
                if self.page > last {
                    self.page = last;
                    self.reload_results(store, session);
                }
            }
        } else if let Some(Ok(list)) = self.find_query(store, session) {
            self.results = list;
        }
    }

    /// The requests the query finds: a tracking code (RR…SY) or a
    /// national ID, in any digits. `None` without a query.
    fn find_query(
        &self,
        store: &mut Store,
        session: &Session,
    ) -> Option<citizen_desk::Result<Vec<Request>>> {
        let q = self.query.trim();
        if q.is_empty() {
            return None;
        }
        Some(if q.chars().any(|c| c.is_ascii_alphabetic()) {
            RequestRef::parse(q)
                .and_then(|r| store.show(session, &r))
                .map(|r| vec![r])
        } else {
            citizen_desk::domain::NationalId::parse(q)
                .map_err(citizen_desk::Error::from)
                .and_then(|id| store.lookup(session, &id))
        })
    }

    fn search(&mut self, cx: &mut Ctx<'_>) -> Option<Event> {
        let found = self.find_query(cx.store, cx.session)?;
        let by_code = self.query.trim().chars().any(|c| c.is_ascii_alphabetic());
        Some(match found {
            Ok(mut list) if by_code && list.len() == 1 => {
                // A scanned envelope or receipt code goes straight to it
                // (already read, and audited, once by `show`).
                self.results = list.clone();
                match list.pop() {
                    Some(r) => Event::Open(Box::new(r)),
                    None => return None,
                }
            }
            Ok(list) => {
                self.results = list;
                Event::ClearFlash
            }
            Err(e) => {
                self.results.clear();
                cx.refused(e)
            }
        })
    }

    /// The stamp queue as the page shows it (none during a search).
    fn shown_queue(&self) -> &[Request] {
        match &self.stamp_queue {
            Some((_, queue)) if self.query.trim().is_empty() => queue,
            _ => &[],
        }
    }

    /// The signed-in supervisor stamps every ticked request with one PIN:
    /// the stamp key opens once, off the UI thread; each request is
    /// judged alone by the library, and the answer says how many went
    /// through and why any did not.
    fn stamp_selected(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        if self.busy.is_some() || self.queue_selected.is_empty() {
            return Task::none();
        }
        let name = cx.session.name().to_owned();
        let pin = std::mem::take(&mut self.pin);
        let references: Vec<RequestRef> = self
            .queue_selected
            .iter()
            .map(|id| RequestRef::Id(id.clone()))
            .collect();
        let (dir, lang) = (cx.data_dir.to_owned(), cx.lang);
        self.busy = Some("gui-busy-stamping");
        Task::perform(
            async move {
                let mut store = Store::open(&dir).map_err(|e| words(lang, e))?;
                let supervisor = store.sign_in(&name, &pin).map_err(|e| words(lang, e))?;
                let outcomes = store
                    .stamp_several(&supervisor, &references, &pin)
                    .map_err(|e| words(lang, e))?;
                Ok(stamped_words(lang, &outcomes))
            },
            Message::StampedSeveral,
        )
    }
}

fn service_name(cx: &View<'_>, code: &str) -> String {
    match cx.store.catalog().service(code) {
        Some(s) if cx.lang == Lang::Ar => s.name_ar.clone(),
        Some(s) => s.name_en.clone(),
        None => code.to_owned(),
    }
}

/// One result; `key` is its Alt+digit shortcut (1 to 9), shown first.
fn result_row<'a>(cx: &View<'a>, r: &'a Request, key: Option<usize>) -> Element<'a, Message> {
    let now = Utc::now();
    let due = r
        .due_at
        .with_timezone(&chrono_tz::Asia::Damascus)
        .format("%d/%m/%Y %H:%M")
        .to_string();
    let overdue = r.is_overdue(now);
    let due_text = text(if overdue {
        format!("{} {due} — {}", cx.t("gui-due"), cx.t("gui-overdue"))
    } else {
        format!("{} {due}", cx.t("gui-due"))
    })
    .size(15)
    .color(if overdue { style::ERROR } else { style::MUTED });
    let place = match &r.delivery.place {
        DeliveryPlace::Address { address } => address.clone(),
        DeliveryPlace::Center { center } => center.clone(),
    };
    let paid = cx.t(if r.payment.paid {
        "gui-paid"
    } else {
        "gui-unpaid"
    });
    let shortcut = key.map_or_else(String::new, |n| {
        format!("Alt+{}", cx.digits(&n.to_string()))
    });
    let line = rtl::row(
        cx.lang,
        vec![
            text(shortcut).size(14).color(style::MUTED).into(),
            // Codes read left to right in both languages.
            text(r.tracking_code.as_str()).size(16).into(),
            text(service_name(cx, &r.service)).size(16).into(),
            style::state_chip(cx.lang, r.state, 15.0),
            text(paid).size(15).into(),
            due_text.into(),
        ],
    )
    .align_y(iced::Alignment::Center);
    let detail = rtl::line(cx.lang, format!("{} — {place}", r.name.full()), style::HINT);
    // A light row: the overdue red and the grey hints keep their contrast.
    button(column![rtl::side(cx.lang, line), detail].spacing(4))
        .width(Length::Fill)
        .style(button::text)
        .on_press(Message::Open(r.id.clone()))
        .into()
}

/// The queue's rows, each with a box to tick on the reading side.
fn ticked<'a>(
    state: &'a State,
    cx: &View<'a>,
    queue: &'a [Request],
    rows: Vec<Element<'a, Message>>,
) -> Vec<Element<'a, Message>> {
    queue
        .iter()
        .zip(rows)
        .map(|(r, row)| {
            let tick = focus::tabbable(
                checkbox(state.queue_selected.contains(&r.id))
                    .on_toggle(move |_| Message::QueueToggle(r.id.clone())),
                Some(focus::key(format!("tick {:?}", r.id))),
            );
            rtl::row(cx.lang, vec![tick.into(), row]).into()
        })
        .collect()
}

/// One PIN for every ticked request: the field, the button with the
/// count, and the keys that do it without the mouse.
fn stamp_ticked<'a>(state: &'a State, cx: &View<'a>) -> Element<'a, Message> {
    let count = state.queue_selected.len();
    let ready = count > 0 && state.busy.is_none();
    let pin = text_input(&cx.t("gui-supervisor-pin"), &state.pin)
        .id(Id::new(QUEUE_PIN_ID))
        .secure(true)
        .on_input(Message::PinChanged)
        .on_submit_maybe(ready.then_some(Message::StampSelected))
        .width(Length::Fixed(220.0))
        .padding(8)
        .line_height(rtl::INPUT_LINE);
    let label = tr(
        cx.lang,
        "gui-stamp-ticked",
        &[("count", &cx.digits(&count.to_string()))],
    );
    let stamp = button(style::labelled(cx.lang, style::Icon::Stamp, label))
        .on_press_maybe(ready.then_some(Message::StampSelected));
    let keys = rtl::line(cx.lang, cx.t("gui-stamp-ticked-keys"), style::HINT);
    let mut section = column![
        rtl::side(cx.lang, rtl::row(cx.lang, vec![pin.into(), stamp.into()])),
        keys
    ]
    .spacing(4);
    if let Some(busy) = state.busy {
        section = section.push(style::busy(cx.lang, cx.t(busy)));
    }
    section.into()
}

impl State {
    /// The worklist's place in the whole store: page n of N, how many wait
    /// in all, and the buttons (Page Up, Page Down) to move.
    fn pager<'a>(&self, cx: &View<'a>) -> Element<'a, Message> {
        let per_page = u64::from(WORKLIST_PAGE);
        let pages = self.total.div_ceil(per_page).max(1);
        let where_ = tr(
            cx.lang,
            "gui-worklist-page",
            &[
                ("page", &cx.digits(&(self.page + 1).to_string())),
                ("pages", &cx.digits(&pages.to_string())),
                ("total", &cx.digits(&self.total.to_string())),
            ],
        );
        let previous = button(text(cx.t("gui-page-previous")))
            .style(button::secondary)
            .on_press_maybe((self.page > 0).then_some(Message::PreviousPage));
        let next = button(text(cx.t("gui-page-next")))
            .style(button::secondary)
            .on_press_maybe((self.page + 1 < pages).then_some(Message::NextPage));
        rtl::side(
            cx.lang,
            rtl::row(
                cx.lang,
                vec![
                    previous.into(),
                    text(where_).size(style::BODY).line_height(rtl::TALL).into(),
                    next.into(),
                ],
            )
            .align_y(iced::Alignment::Center),
        )
    }

    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let search = rtl::row(
            cx.lang,
            vec![
                text_input(&cx.t("gui-lookup-placeholder"), &self.query)
                    .id(Id::new(QUERY_ID))
                    .on_input(Message::QueryChanged)
                    .on_submit(Message::Search)
                    .width(Length::Fixed(360.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE)
                    .into(),
                button(text(cx.t("gui-search")))
                    .on_press(Message::Search)
                    .into(),
            ],
        );
        let numbered = |list: &'a [Request]| {
            list.iter()
                .enumerate()
                .map(|(i, r)| result_row(cx, r, (i < 9).then_some(i + 1)))
                .collect::<Vec<_>>()
        };
        let mut list = Column::new().spacing(8);
        if self.query.trim().is_empty() {
            // A supervisor's own work first: what waits for their stamp.
            if let Some((total, queue)) = &self.stamp_queue {
                list = list.push(rtl::line(
                    cx.lang,
                    tr(
                        cx.lang,
                        "gui-stamp-queue",
                        &[("count", &cx.digits(&total.to_string()))],
                    ),
                    17.0,
                ));
                list = list.extend(ticked(self, cx, queue, numbered(queue)));
                if !queue.is_empty() {
                    list = list.push(stamp_ticked(self, cx));
                }
            } else if !self.results.is_empty() {
                list = list.push(rtl::line(cx.lang, cx.t("gui-worklist"), 17.0));
                list = list.extend(numbered(&self.results));
                list = list.push(self.pager(cx));
            }
        } else {
            list = list.extend(numbered(&self.results));
        }
        if self.results.is_empty() && !self.query.trim().is_empty() {
            list = list.push(rtl::line(cx.lang, cx.t("gui-no-results"), style::BODY));
        }
        let summary: String = cx
            .status
            .summary
            .iter()
            .map(|(s, n)| format!("{}: {n}", tr(cx.lang, s.label_id(), &[])))
            .collect::<Vec<_>>()
            .join(" · ");
        let mut page = column![
            rtl::line(cx.lang, cx.t("gui-lookup-title"), style::TITLE),
            rtl::side(cx.lang, search),
            container(list).width(Length::Fill),
        ]
        .spacing(12);
        if let Some(day) = &self.daily {
            page = page.push(rtl::line(
                cx.lang,
                tr(
                    cx.lang,
                    "gui-today",
                    &[("date", &day.day.format("%d/%m/%Y").to_string())],
                ),
                17.0,
            ));
            let overdue = day.overdue();
            let total = text(tr(
                cx.lang,
                "gui-summary-overdue",
                &[("count", &overdue.to_string())],
            ))
            .size(16)
            .line_height(rtl::TALL)
            .color(if overdue > 0 { style::ERROR } else { style::OK });
            page = page.push(rtl::side(cx.lang, total));
            for s in &day.services {
                let line = text(tr(
                    cx.lang,
                    "gui-summary-line",
                    &[
                        ("service", &service_name(cx, &s.service)),
                        ("new", &s.submitted_today.to_string()),
                        ("open", &s.open.to_string()),
                        ("overdue", &s.overdue.to_string()),
                        ("finished", &s.finished_today.to_string()),
                    ],
                ))
                .size(15)
                .line_height(crate::gui::rtl::TALL);
                // Only the count is the alarm, not the whole line.
                let line = if s.overdue > 0 {
                    line.color(style::WARNING)
                } else {
                    line
                };
                page = page.push(rtl::side(cx.lang, line));
            }
        }
        page = page.push(rtl::line(cx.lang, cx.t("gui-all-by-state"), 15.0));
        page.push(rtl::line(cx.lang, summary, style::HINT)).into()
    }
}

/// "n requests stamped", and the first refusal in words if any was refused.
fn stamped_words(lang: Lang, outcomes: &[(RequestRef, citizen_desk::Result<Request>)]) -> String {
    let done = outcomes.iter().filter(|(_, o)| o.is_ok()).count();
    let refused: Vec<&citizen_desk::Error> = outcomes
        .iter()
        .filter_map(|(_, o)| o.as_ref().err())
        .collect();
    let mut words = tr(
        lang,
        "gui-done-stamped-several",
        &[("count", &done.to_string())],
    );
    if let Some(first) = refused.first() {
        words.push(' ');
        words.push_str(&tr(
            lang,
            "gui-stamped-refused",
            &[
                ("count", &refused.len().to_string()),
                ("why", &first.message().text(lang)),
            ],
        ));
    }
    words
}
