//! One request: the citizen's data beside the document's, the clerk's
//! verification checklist, reject with a reason, the supervisor's stamp
//! (their own PIN, at this desk), print to PDF with the preview, and the
//! envelope.

use crate::gui::rtl_input::rtl_input;
use iced::widget::{Column, Id, button, checkbox, column, container, image, text, text_input};
use iced::{Element, Length};

use super::{field, supervisor_fields};
use crate::gui::{App, CHECKS, Message, Page, rtl, style};
use citizen_desk::documents::labels::delivery_conditions;
use citizen_desk::documents::render::left_to_right;
use citizen_desk::domain::{
    Action, Actor, DeliveryPlace, Refusal, Request, Role, available_actions,
};
use citizen_desk::i18n::{Lang, tr};

pub const SUPERVISOR_ID: &str = "stamp-supervisor";
pub const SUPERVISOR_PIN_ID: &str = "stamp-pin";
pub const REASON_ID: &str = "reject-reason";

/// The actions this page offers on `r` at the desk of someone with
/// `role`: what the lifecycle lets them do here, and a stamp, which a
/// supervisor gives at any desk with their own name and PIN. Dispatch is
/// the outbox page's (the whole tray at once).
pub fn offered(r: &Request, role: Role) -> Vec<Action> {
    let mut actions = available_actions(r, role);
    if available_actions(r, Role::Supervisor).contains(&Action::Stamp)
        && !actions.contains(&Action::Stamp)
    {
        actions.push(Action::Stamp);
    }
    actions.retain(|a| !matches!(a, Action::Dispatch));
    actions
}

/// Payment, due date, document number, stamps and any reason: what the
/// clerk needs to know before acting, in one place.
fn facts<'a>(app: &'a App, r: &'a Request) -> Column<'a, Message> {
    let lang = app.lang;
    let num = |n: String| super::digits(app, &n);
    let payment = if r.payment.paid {
        tr(
            lang,
            "gui-payment-paid",
            &[
                ("bank", r.payment.bank.as_deref().unwrap_or("—")),
                ("fee", &num(r.payment.fee_syp.to_string())),
            ],
        )
    } else {
        tr(
            lang,
            "gui-payment-unpaid",
            &[("fee", &num(r.payment.fee_syp.to_string()))],
        )
    };
    let mut facts = Column::new().spacing(4);
    facts = facts.push(field(app, app.t("gui-payment"), payment));
    let due = super::local_time(app, r.due_at);
    let overdue = r.is_overdue(chrono::Utc::now());
    facts = facts.push(field(
        app,
        app.t("gui-due"),
        if overdue {
            format!("{due} — {}", app.t("gui-overdue"))
        } else {
            due
        },
    ));
    if let Some(number) = &r.document_number {
        facts = facts.push(field(
            app,
            app.t("gui-document-number"),
            left_to_right(number),
        ));
    }
    let stamps: Vec<String> = r.stamps.iter().map(|s| s.supervisor.clone()).collect();
    facts = facts.push(field(
        app,
        app.t("gui-stamps"),
        tr(
            lang,
            "gui-stamps-of",
            &[
                ("done", &num(r.stamps.len().to_string())),
                ("needed", &num(r.stamps_required.to_string())),
                (
                    "by",
                    &if stamps.is_empty() {
                        "—".into()
                    } else {
                        stamps.join("، ")
                    },
                ),
            ],
        ),
    ));
    if let Some(reason) = &r.reason {
        facts = facts.push(field(app, app.t("gui-reason-given"), reason.clone()));
    }
    facts
}

/// What happened to the request, oldest first: when (local time), who,
/// and the step in words (never the log's internal names).
fn history<'a>(app: &'a App) -> Column<'a, Message> {
    let mut list = Column::new().spacing(2);
    list = list.push(rtl::line(app.lang, app.t("gui-history"), 17.0));
    if app.history.is_empty() {
        return list.push(rtl::line(app.lang, app.t("gui-history-empty"), style::HINT));
    }
    for entry in &app.history {
        let when = chrono::DateTime::parse_from_rfc3339(&entry.at)
            .map(|t| super::local_time(app, t.with_timezone(&chrono::Utc)))
            .unwrap_or_else(|_| entry.at.clone());
        let who = if entry.actor == "sync" {
            app.t("gui-history-hub")
        } else {
            entry.actor.clone()
        };
        let line = format!("{when} — {who} — {}", history_step(app, entry));
        list = list.push(rtl::line(app.lang, line, style::HINT));
    }
    list
}

/// An audit row's step in the interface's language. A refusal names the
/// step refused (the log's detail starts with it: "stamp: wrong PIN").
fn history_step(app: &App, entry: &citizen_desk::store::AuditEntry) -> String {
    let id = match entry.action.as_str() {
        "verify" => "history-verify",
        "stamp" => "history-stamp",
        "reject" => "history-reject",
        "cancel" => "history-cancel",
        "print" => "history-print",
        "print_copy" => "history-print-copy",
        "render" => "history-render",
        "seal_issued" => "history-seal-issued",
        "envelope" => "history-envelope",
        "dispatch" => "history-dispatch",
        "hub_state" => "history-hub-state",
        "hub_payment" => "history-hub-payment",
        "sync_conflict" => "history-conflict",
        "settle_conflict" | "conflict_settled" => "history-conflict-settled",
        "refused" => {
            let step = entry.detail.split(':').next().unwrap_or("");
            let action = citizen_desk::domain::Action::parse(step.trim());
            let what = action.map_or_else(|| app.t("history-other"), |a| app.t(a.label_id()));
            return tr(app.lang, "history-refused", &[("action", &what)]);
        }
        _ => "history-other",
    };
    app.t(id)
}

pub fn view(app: &App) -> Element<'_, Message> {
    let Some(r) = &app.current else {
        return text("").into();
    };
    let role = app.session.as_ref().map_or(Role::Clerk, |s| s.role());
    let offers = offered(r, role);
    let offers_action = |a: Action| offers.contains(&a);
    let lang = app.lang;
    let catalog = app.store.as_ref().map(|s| s.catalog());
    let service = catalog.and_then(|c| c.service(&r.service));
    let service_name = match service {
        Some(s) if lang == Lang::Ar => s.name_ar.clone(),
        Some(s) => s.name_en.clone(),
        None => r.service.clone(),
    };
    let place = match &r.delivery.place {
        DeliveryPlace::Address { address } => address.clone(),
        DeliveryPlace::Center { center } => center.clone(),
    };

    let mut citizen = Column::new().spacing(6).width(Length::FillPortion(1));
    citizen = citizen
        .push(rtl::line(lang, app.t("gui-citizen"), style::SECTION))
        .push(field(app, app.t("gui-name"), r.name.full()))
        .push(field(app, app.t("gui-mother"), r.name.mother.clone()))
        .push(field(
            app,
            app.t("gui-national-id"),
            r.national_id.as_str().to_owned(),
        ))
        // "+963 944 …" keeps its order on a right-to-left line.
        .push(field(
            app,
            app.t("gui-phone"),
            left_to_right(&r.delivery.phone),
        ))
        .push(field(app, app.t("gui-delivery"), place));
    let mut document = Column::new().spacing(6).width(Length::FillPortion(1));
    document = document.push(rtl::line(lang, app.t("gui-document"), style::SECTION));
    if let Some(s) = service {
        for f in &s.fields {
            let label = if lang == Lang::Ar {
                f.label_ar.clone()
            } else {
                f.label_en.clone()
            };
            // ISO dates are shown dd/MM/yyyy, as on the printed document.
            let value = match r.document.get(&f.key) {
                Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(|d| d.format("%d/%m/%Y").to_string())
                    .unwrap_or_else(|_| v.clone()),
                None => "—".into(),
            };
            document = document.push(field(app, label, value));
        }
    }

    let header = rtl::line(
        lang,
        format!(
            "{} — {} — {} ({}/{})",
            r.tracking_code,
            service_name,
            tr(lang, r.state.label_id(), &[]),
            r.stamps.len(),
            r.stamps_required
        ),
        style::TITLE,
    );
    let mut page = column![
        rtl::side(
            lang,
            button(text(format!(
                "{} {}",
                rtl::back_arrow(lang),
                app.t("gui-back")
            )))
            .style(button::secondary)
            .on_press(Message::Go(Page::Home))
        ),
        header,
        facts(app, r),
        rtl::row(lang, vec![citizen.into(), document.into()]),
        rtl::line(lang, app.t("gui-request-keys"), style::HINT),
        history(app),
    ]
    .spacing(14);

    if offers_action(Action::Verify) {
        page = page.push(rtl::line(lang, app.t("gui-checklist"), style::SECTION));
        for (i, id) in CHECKS.iter().enumerate() {
            page = page.push(rtl::side(
                lang,
                checkbox(app.checks[i])
                    .label(app.t(id))
                    .on_toggle(move |v| Message::Check(i, v)),
            ));
        }
        let ready = app.checks.iter().all(|c| *c);
        page = page.push(rtl::side(
            lang,
            button(text(app.t("gui-verify"))).on_press_maybe(ready.then_some(Message::Verify)),
        ));
    }
    if offers_action(Action::Stamp) {
        page = page.push(rtl::line(lang, app.t("gui-stamp-title"), style::SECTION));
        page = page.push(rtl::side(
            lang,
            text_input(&app.t("gui-supervisor"), &app.sup_name)
                .id(Id::new(SUPERVISOR_ID))
                .on_input(Message::SupNameChanged)
                // Enter goes on to the PIN: a PIN is never typed in clear here.
                .on_submit(Message::Focus(SUPERVISOR_PIN_ID))
                .width(Length::Fixed(320.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE),
        ));
        page = page.push(rtl::side(
            lang,
            text_input(&app.t("gui-supervisor-pin"), &app.sup_pin)
                .id(Id::new(SUPERVISOR_PIN_ID))
                .secure(true)
                .on_input(Message::SupPinChanged)
                .on_submit(Message::Stamp)
                .width(Length::Fixed(320.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE),
        ));
        page = page.push(rtl::side(
            lang,
            button(text(app.t("gui-stamp")))
                .on_press_maybe(app.busy.is_none().then_some(Message::Stamp)),
        ));
    }
    let unpaid = citizen_desk::domain::check(r, Actor { name: "", role }, Action::Print)
        == Err(Refusal::Unpaid);
    if unpaid {
        // Nothing is printed before the fee is paid: say so, offer nothing.
        page = page.push(rtl::line(lang, app.t("gui-unpaid-no-print"), style::BODY));
    }
    if offers_action(Action::Print) {
        let paper = match &app.printer {
            Some(p) => tr(lang, "gui-print-paper", &[("printer", p)]),
            None => app.t("gui-no-printer"),
        };
        page = page.push(rtl::side(
            lang,
            rtl::row(
                lang,
                vec![
                    button(text(app.t("gui-print-pdf")))
                        .on_press(Message::Print)
                        .into(),
                    button(text(paper))
                        .on_press_maybe(app.printer.is_some().then_some(Message::PrintPaper))
                        .into(),
                ],
            ),
        ));
    }
    if offers_action(Action::Envelope) {
        // What the label will say, before it is printed.
        if let Some(store) = &app.store {
            let (conditions, place) = delivery_conditions(r, store.templates());
            page = page.push(field(
                app,
                app.t("gui-label-conditions"),
                conditions.to_owned(),
            ));
            page = page.push(field(app, app.t("gui-label-place"), place));
        }
        page = page.push(rtl::side(
            lang,
            button(text(app.t("gui-envelope"))).on_press(Message::Envelope),
        ));
    }
    // After the first print, every print is a copy, marked and logged, and
    // needs a supervisor's say-so at this desk (their own PIN).
    if offers_action(Action::PrintCopy) {
        page = page.push(rtl::line(lang, app.t("gui-copy-title"), 17.0));
        page = page.push(supervisor_fields(
            app,
            (SUPERVISOR_ID, SUPERVISOR_PIN_ID),
            Some(Message::PrintCopy),
            vec![
                button(text(app.t("gui-print-copy")))
                    .on_press(Message::PrintCopy)
                    .into(),
            ],
        ));
    }
    if offers_action(Action::Reject) || offers_action(Action::Cancel) {
        let has_reason = !app.reason.trim().is_empty();
        // Both are final: each asks first (see the confirmation bar).
        let ask = |m: Message| has_reason.then(|| Message::Ask(Box::new(m)));
        let mut cells: Vec<Element<'_, Message>> = vec![
            // Arabic free text: the right-to-left field.
            rtl_input(&app.t("gui-reason"), &app.reason, Message::ReasonChanged)
                .id(Id::new(REASON_ID))
                .width(Length::Fixed(420.0))
                .into(),
        ];
        if offers_action(Action::Reject) {
            cells.push(
                button(text(app.t("gui-reject")))
                    .style(button::danger)
                    .on_press_maybe(ask(Message::Reject))
                    .into(),
            );
        }
        if offers_action(Action::Cancel) {
            cells.push(
                button(text(app.t("gui-cancel-request")))
                    .style(button::danger)
                    .on_press_maybe(ask(Message::CancelRequest))
                    .into(),
            );
        }
        page = page.push(rtl::side(lang, rtl::row(lang, cells)));
        if !has_reason {
            page = page.push(rtl::line(lang, app.t("gui-reason-first"), style::HINT));
        }
    }
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
    // What will print, from the same layout as the PDF, at any time.
    page = page.push(rtl::side(
        lang,
        button(text(app.t("gui-preview"))).on_press(Message::Preview),
    ));
    for handle in &app.preview {
        page = page.push(
            container(image(handle.clone()).width(Length::Fixed(595.0))).center_x(Length::Fill),
        );
    }
    page.into()
}
