//! One request: the citizen's data beside the document's, the clerk's
//! verification checklist, reject or cancel with a reason, the
//! supervisor's stamp (their own PIN, at this desk), print to PDF or paper
//! with the preview, and the envelope. Every step that writes or is slow
//! (verify, reject, cancel, the stamp, printing, the preview, the label)
//! runs in the background on its own connection, the page saying so and
//! its buttons disabled meanwhile; its answer reloads the page from the
//! store.

use std::path::PathBuf;

use crate::gui::focus::{self, button};
use crate::gui::rtl_input::rtl_input;
use crate::gui::style::text;
use iced::widget::image::Handle;
use iced::widget::{Column, Id, column, container, image, text_input};
use iced::{Element, Length, Task};

use super::{SupervisorFields, View, digits_only, field, supervisor_fields, words};
use crate::gui::desk::{Ctx, Event};
use crate::gui::{AltKey, CHECKS, Flash, preview_handles, rtl, style};
use citizen_desk::documents::labels::delivery_conditions;
use citizen_desk::documents::render::left_to_right;
use citizen_desk::domain::{
    Action, Actor, DeliveryPlace, Refusal, Request, Role, State as Lifecycle, available_actions,
};
use citizen_desk::i18n::{Lang, Message as Text, tr};
use citizen_desk::store::{AuditEntry, RequestRef, Session, Store};

pub const SUPERVISOR_ID: &str = "stamp-supervisor";
pub const SUPERVISOR_PIN_ID: &str = "stamp-pin";
pub const REASON_ID: &str = "reject-reason";

#[derive(Debug, Default)]
pub struct State {
    /// The open request.
    pub current: Option<Request>,
    /// Its history from the audit log, oldest first.
    pub history: Vec<AuditEntry>,
    pub checks: [bool; 4],
    pub reason: String,
    pub sup_name: String,
    pub sup_pin: String,
    /// The pages of the document last previewed or printed, drawn from the
    /// same layout as the PDF.
    pub preview: Vec<Handle>,
    pub last_file: Option<PathBuf>,
    /// A slow step running in the background (its words on screen).
    pub busy: Option<&'static str>,
}

/// What a background step on the request gave: the words to show, the
/// file written and the pages drawn (each kept only when there is one).
#[derive(Clone, Debug)]
pub struct Outcome {
    pub words: String,
    pub file: Option<PathBuf>,
    pub preview: Vec<Handle>,
}

impl Outcome {
    /// A step that only has something to say (no file, no pages).
    fn words(words: String) -> Outcome {
        Outcome {
            words,
            file: None,
            preview: Vec::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Message {
    Check(usize, bool),
    Verify,
    ReasonChanged(String),
    Reject,
    /// A supervisor cancels the open request, with the reason typed.
    Cancel,
    SupName(String),
    SupPin(String),
    /// Enter in the supervisor's name: on to the PIN.
    SupNameEntered,
    /// Typed in the supervisor's name after Enter or Tab, before the
    /// focus got to the PIN: the PIN's.
    SupAhead(focus::Ahead),
    Stamp,
    Print,
    PrintCopy,
    /// Draws the document as it would print now (a draft before the
    /// original, a copy after), with no state change.
    Preview,
    Envelope,
    /// Draws the envelope's label as it will print, before the envelope.
    PreviewLabel,
    /// Puts it in the envelope with its label printed on paper.
    EnvelopePaper,
    /// The sealed original on the chosen paper printer.
    PrintPaper,
    /// How a background step on a request (by id) went: what it did, or
    /// the refusal in words.
    Finished(String, Result<Outcome, String>),
    /// Back to the lookup.
    Back,
    /// Asks before a final step (reject, cancel).
    Ask(Box<Message>),
}

/// The library's work on one request, on its own connection.
type Job = Box<dyn FnOnce(&mut Store, &RequestRef) -> citizen_desk::Result<Outcome> + Send>;

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::Check(i, v) => {
                if let Some(c) = self.checks.get_mut(i) {
                    *c = v;
                }
                None
            }
            Message::Verify => return (self.verify(cx), None),
            Message::ReasonChanged(v) => {
                self.reason = v;
                None
            }
            Message::Reject => return (self.reject(cx), None),
            Message::Cancel => return (self.cancel(cx), None),
            Message::SupName(v) => {
                self.sup_name = v.trim().to_owned();
                None
            }
            Message::SupPin(v) => {
                self.sup_pin = digits_only(&v);
                None
            }
            Message::SupNameEntered => {
                return (iced::widget::operation::focus(SUPERVISOR_PIN_ID), None);
            }
            Message::SupAhead(focus::Ahead::Text(t)) => {
                self.sup_pin = digits_only(&format!("{}{t}", self.sup_pin));
                None
            }
            // The PIN's Enter, the focus not there yet: what the PIN
            // field's Enter does (a stamp, or a copy of a printed one).
            Message::SupAhead(focus::Ahead::Enter) => {
                let Some(r) = &self.current else {
                    return (Task::none(), None);
                };
                if self.sup_pin.is_empty() {
                    return (Task::none(), None);
                }
                let offers = offered(r, cx.session.role());
                if offers.contains(&Action::Stamp) {
                    return self.update(Message::Stamp, cx);
                }
                if offers.contains(&Action::PrintCopy) {
                    return self.update(Message::PrintCopy, cx);
                }
                None
            }
            Message::Stamp => return (self.stamp(cx), None),
            Message::Print => return (self.print_to_file(cx, None, "gui-done-printed"), None),
            Message::PrintCopy => {
                // A copy of a printed document, authorised by a supervisor
                // at this desk with their own PIN: the library marks it
                // COPY and logs it.
                let by = (self.sup_name.clone(), std::mem::take(&mut self.sup_pin));
                return (self.print_to_file(cx, Some(by), "gui-done-copy"), None);
            }
            Message::Preview => return (self.preview(cx), None),
            Message::Envelope => return (self.envelope(cx), None),
            Message::PrintPaper => return self.print_paper(cx),
            Message::PreviewLabel => return (self.preview_label(cx), None),
            Message::EnvelopePaper => return self.envelope_paper(cx),
            Message::Finished(id, result) => {
                self.busy = None;
                // Another request may be open by now: its page keeps its own.
                let same = self.current.as_ref().is_some_and(|r| r.id == id);
                Some(match result {
                    Ok(outcome) if !same => Event::Done(Flash::Ok(outcome.words)),
                    Ok(outcome) => {
                        if !outcome.preview.is_empty() {
                            self.preview = outcome.preview;
                        }
                        if outcome.file.is_some() {
                            self.last_file = outcome.file;
                        }
                        Event::Done(Flash::Ok(outcome.words))
                    }
                    // A refusal reloads too: another connection (the
                    // sync, a second desk window) may have moved it on.
                    Err(why) => Event::Done(Flash::Err(why)),
                })
            }
            Message::Back => Some(Event::Go(crate::gui::Page::Home)),
            Message::Ask(then) => Some(Event::Ask(crate::gui::Message::Request(*then))),
        };
        (Task::none(), event)
    }

    /// What an Alt shortcut does on a request: what the page offers, from
    /// the keyboard.
    pub fn alt(&mut self, key: AltKey, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let Some(r) = &self.current else {
            return (Task::none(), None);
        };
        let offered = offered(r, cx.session.role());
        let offers = |a: Action| offered.contains(&a);
        match key {
            AltKey::Digit(n) if offers(Action::Verify) && (1..=CHECKS.len()).contains(&n) => {
                self.checks[n - 1] = !self.checks[n - 1];
            }
            AltKey::Verify if offers(Action::Verify) && self.checks.iter().all(|c| *c) => {
                return self.update(Message::Verify, cx);
            }
            AltKey::Stamp if offers(Action::Stamp) => {
                return (
                    iced::widget::operation::focus(if self.sup_name.is_empty() {
                        SUPERVISOR_ID
                    } else {
                        SUPERVISOR_PIN_ID
                    }),
                    None,
                );
            }
            AltKey::Print if offers(Action::Print) => return self.update(Message::Print, cx),
            AltKey::Envelope if offers(Action::Envelope) => {
                return self.update(Message::Envelope, cx);
            }
            AltKey::Reason if offers(Action::Reject) || offers(Action::Cancel) => {
                return (iced::widget::operation::focus(REASON_ID), None);
            }
            _ => {}
        }
        (Task::none(), None)
    }

    /// Shows `r`, with a fresh checklist and fields.
    pub fn open(&mut self, r: Request, store: &mut Store, session: &Session) {
        self.history = store.request_history(session, &r).unwrap_or_default();
        self.current = Some(r);
        self.checks = [false; 4];
        self.reason.clear();
        // A signed-in supervisor stamps as themselves: only the PIN to type.
        self.sup_name = if session.role() == Role::Supervisor {
            session.name().to_owned()
        } else {
            String::new()
        };
        self.sup_pin.clear();
        self.preview.clear();
        self.last_file = None;
    }

    /// The open request (and its history) as the store has it now.
    pub fn reload(&mut self, store: &mut Store, session: &Session) -> citizen_desk::Result<()> {
        if let Some(current) = &self.current {
            let r = store.show(session, &RequestRef::Id(current.id.clone()))?;
            self.history = store.request_history(session, &r).unwrap_or_default();
            self.current = Some(r);
        }
        Ok(())
    }

    /// Verify with the ticked checklist, which goes into the audit entry:
    /// a write (and an fsync'd commit) on its own connection, off the UI
    /// thread like every other step that touches the disk.
    fn verify(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let confirmed: Vec<&'static str> = CHECKS
            .iter()
            .zip(self.checks)
            .filter(|(_, ticked)| *ticked)
            .map(|(id, _)| id.trim_start_matches("gui-check-"))
            .collect();
        let (session, lang) = (cx.session.clone(), cx.lang);
        self.background(
            cx,
            "gui-busy-verifying",
            Box::new(move |store, r| {
                store.verify_confirming(&session, r, &confirmed)?;
                Ok(Outcome::words(tr(lang, "gui-done-verified", &[])))
            }),
        )
    }

    /// Rejects the open request with the reason typed (asked first).
    fn reject(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (session, lang, reason) = (cx.session.clone(), cx.lang, self.reason.clone());
        self.background(
            cx,
            "gui-busy-rejecting",
            Box::new(move |store, r| {
                store.reject(&session, r, &reason)?;
                Ok(Outcome::words(tr(lang, "gui-done-rejected", &[])))
            }),
        )
    }

    /// A supervisor cancels the open request with the reason typed (asked
    /// first).
    fn cancel(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (session, lang, reason) = (cx.session.clone(), cx.lang, self.reason.clone());
        self.background(
            cx,
            "gui-busy-cancelling",
            Box::new(move |store, r| {
                store.cancel(&session, r, &reason)?;
                Ok(Outcome::words(tr(lang, "gui-done-cancelled", &[])))
            }),
        )
    }

    /// Runs `job` on the open request off the UI thread, on its own
    /// connection, the page showing `busy` until `Finished` comes back.
    fn background(&mut self, cx: &Ctx<'_>, busy: &'static str, job: Job) -> Task<Message> {
        let Some(current) = &self.current else {
            return Task::none();
        };
        if self.busy.is_some() {
            return Task::none();
        }
        let id = current.id.clone();
        let (dir, lang) = (cx.data_dir.to_owned(), cx.lang);
        self.busy = Some(busy);
        Task::perform(
            async move {
                let reference = RequestRef::Id(id.clone());
                let done = Store::open(&dir)
                    .and_then(|mut store| job(&mut store, &reference))
                    .map_err(|e| words(lang, e));
                (id, done)
            },
            |(id, done)| Message::Finished(id, done),
        )
    }

    /// The supervisor approves at this desk with their own PIN. Opening
    /// the stamp key costs argon2 at 64 MiB (about a third of a second).
    fn stamp(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        if self.current.is_none() || self.busy.is_some() {
            return Task::none();
        }
        let (name, pin) = (self.sup_name.clone(), std::mem::take(&mut self.sup_pin));
        let lang = cx.lang;
        self.background(
            cx,
            "gui-busy-stamping",
            Box::new(move |store, reference| {
                let supervisor = store.sign_in(&name, &pin)?;
                let req = store.stamp(&supervisor, reference, &pin)?;
                let done = if req.state == Lifecycle::Approved {
                    "gui-done-approved"
                } else {
                    "gui-done-stamped"
                };
                Ok(Outcome::words(tr(lang, done, &[])))
            }),
        )
    }

    /// Prints the open request to a PDF under `documents/` and shows its
    /// preview: the original, or with a supervisor's name and PIN a copy
    /// (opening their stamp key: argon2).
    fn print_to_file(
        &mut self,
        cx: &Ctx<'_>,
        authoriser: Option<(String, String)>,
        done: &'static str,
    ) -> Task<Message> {
        let (session, dir, digits, lang) = (
            cx.session.clone(),
            cx.documents_dir(),
            cx.status.digits(),
            cx.lang,
        );
        self.background(
            cx,
            "gui-busy-printing",
            Box::new(move |store, r| {
                let supervisor = match &authoriser {
                    Some((name, pin)) => Some((store.sign_in(name, pin)?, pin.as_str())),
                    None => None,
                };
                std::fs::create_dir_all(&dir).map_err(|e| citizen_desk::Error::io(&dir, e))?;
                let name = match &supervisor {
                    Some(_) => {
                        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
                        format!("{}-copy-{stamp}.pdf", r.as_str())
                    }
                    None => format!("{}.pdf", r.as_str()),
                };
                let by = supervisor.as_ref().map(|(s, pin)| (s, *pin));
                let mut written = None;
                let doc = store.print_document(&session, r, by, digits, |pdf| {
                    let path = dir.join(&name);
                    citizen_desk::files::write_atomic(&path, pdf)?;
                    written = Some(path);
                    Ok(())
                })?;
                Ok(Outcome {
                    words: tr(lang, done, &[]),
                    preview: preview_handles(&doc.pages),
                    file: written,
                })
            }),
        )
    }

    /// What will print, before anything is printed: the library's render
    /// (audited, no state change), every page, on the request page.
    fn preview(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (session, digits, lang) = (cx.session.clone(), cx.status.digits(), cx.lang);
        self.background(
            cx,
            "gui-busy-preview",
            Box::new(move |store, r| {
                let doc = store.render_document(&session, r, digits)?;
                let done = if doc.mark == citizen_desk::documents::render::Mark::Draft {
                    "gui-preview-draft"
                } else {
                    "gui-preview-copy"
                };
                Ok(Outcome {
                    words: tr(lang, done, &[]),
                    file: None,
                    preview: preview_handles(&doc.pages),
                })
            }),
        )
    }

    /// The envelope's label as a PDF under `documents/`.
    fn envelope(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (session, dir, lang) = (cx.session.clone(), cx.documents_dir(), cx.lang);
        self.background(
            cx,
            "gui-busy-envelope",
            Box::new(move |store, r| {
                std::fs::create_dir_all(&dir).map_err(|e| citizen_desk::Error::io(&dir, e))?;
                let mut written = None;
                store.envelope(
                    &session,
                    r,
                    citizen_desk::documents::labels::LabelFormat::Dl,
                    |pdf| {
                        let path = dir.join(format!("{}-label.pdf", r.as_str()));
                        citizen_desk::files::write_atomic(&path, pdf)?;
                        written = Some(path);
                        Ok(())
                    },
                )?;
                Ok(Outcome {
                    words: tr(lang, "gui-done-enveloped", &[]),
                    file: written,
                    preview: label_preview(store, &session, r)?,
                })
            }),
        )
    }

    /// The label as it will print, drawn from the same layout as its PDF:
    /// nothing is recorded.
    fn preview_label(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (session, lang) = (cx.session.clone(), cx.lang);
        self.background(
            cx,
            "gui-busy-preview",
            Box::new(move |store, r| {
                Ok(Outcome {
                    words: tr(lang, "gui-preview-label", &[]),
                    file: None,
                    preview: label_preview(store, &session, r)?,
                })
            }),
        )
    }

    /// In the envelope with the label on paper: the label goes to the
    /// printer this desk chose (`lp`), inside the step's transaction, so a
    /// label CUPS refuses leaves the request as it was.
    fn envelope_paper(&mut self, cx: &Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let Some(current) = &self.current else {
            return (Task::none(), None);
        };
        let printer = match paper_printer(cx) {
            Ok(printer) => printer,
            Err(why) => return (Task::none(), Some(*why)),
        };
        let tracking = current.tracking_code.clone();
        let (session, lang) = (cx.session.clone(), cx.lang);
        let task = self.background(
            cx,
            "gui-busy-envelope",
            Box::new(move |store, r| {
                use citizen_desk::documents::paper;
                let mut job = String::new();
                store.envelope(
                    &session,
                    r,
                    citizen_desk::documents::labels::LabelFormat::Dl,
                    |pdf| {
                        job = paper::submit(&printer, pdf, &format!("{tracking}-label"))?;
                        Ok(())
                    },
                )?;
                let state = paper::job_state(&printer, &job).unwrap_or(paper::JobState::Unknown);
                let words = Text::new("gui-done-label-paper")
                    .arg("printer", printer)
                    .arg("job", job)
                    .arg_tr("state", state.message_id())
                    .text(lang);
                Ok(Outcome {
                    words,
                    file: None,
                    preview: label_preview(store, &session, r)?,
                })
            }),
        );
        (task, None)
    }

    /// The sealed original on paper, through the printer this desk chose
    /// in Settings: `lp` hands it to CUPS and `ipptool` asks how the job
    /// is doing, both in the background; the flash says what CUPS did.
    fn print_paper(&mut self, cx: &Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let Some(current) = &self.current else {
            return (Task::none(), None);
        };
        let printer = match paper_printer(cx) {
            Ok(printer) => printer,
            Err(why) => return (Task::none(), Some(*why)),
        };
        let tracking = current.tracking_code.clone();
        let (session, digits, lang) = (cx.session.clone(), cx.status.digits(), cx.lang);
        let task = self.background(
            cx,
            "gui-busy-paper",
            Box::new(move |store, r| {
                use citizen_desk::documents::paper;
                let mut job = String::new();
                let doc = store.print_document(&session, r, None, digits, |bytes| {
                    job = paper::submit(&printer, bytes, &tracking)?;
                    Ok(())
                })?;
                let state = paper::job_state(&printer, &job).unwrap_or(paper::JobState::Unknown);
                let words = Text::new("done-printed-paper")
                    .arg("tracking", tracking)
                    .arg_tr("mark", doc.mark.message_id())
                    .arg("printer", printer)
                    .arg("job", job)
                    .arg_tr("state", state.message_id())
                    .text(lang);
                Ok(Outcome {
                    words,
                    file: None,
                    preview: preview_handles(&doc.pages),
                })
            }),
        );
        (task, None)
    }
}

/// The printer this desk chose in Settings, or why there is none.
fn paper_printer(cx: &Ctx<'_>) -> Result<String, Box<Event>> {
    match cx.store.chosen_printer() {
        Ok(Some(printer)) => Ok(printer),
        Ok(None) => Err(Box::new(Event::Flash(Flash::Err(cx.t("gui-no-printer"))))),
        Err(e) => Err(Box::new(cx.refused(e))),
    }
}

/// The envelope's label for the request, drawn as the preview shows pages.
fn label_preview(
    store: &mut Store,
    session: &Session,
    r: &RequestRef,
) -> citizen_desk::Result<Vec<Handle>> {
    let req = store.show(session, r)?;
    let page = citizen_desk::documents::labels::envelope_label(
        &req,
        store.center(),
        citizen_desk::documents::labels::LabelFormat::Dl,
        store.templates(),
    )?;
    Ok(preview_handles(&[page]))
}

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
fn facts<'a>(cx: &View<'a>, r: &'a Request) -> Column<'a, Message> {
    let lang = cx.lang;
    let num = |n: String| cx.digits(&n);
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
    facts = facts.push(field(cx.lang, cx.t("gui-payment"), payment));
    let due = super::local_time(cx.lang, r.due_at);
    let overdue = r.is_overdue(chrono::Utc::now());
    facts = facts.push(field(
        cx.lang,
        cx.t("gui-due"),
        if overdue {
            format!("{due} — {}", cx.t("gui-overdue"))
        } else {
            due
        },
    ));
    if let Some(number) = &r.document_number {
        facts = facts.push(field(
            cx.lang,
            cx.t("gui-document-number"),
            left_to_right(number),
        ));
    }
    let stamps: Vec<String> = r.stamps.iter().map(|s| s.supervisor.clone()).collect();
    facts = facts.push(field(
        cx.lang,
        cx.t("gui-stamps"),
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
        facts = facts.push(field(cx.lang, cx.t("gui-reason-given"), reason.clone()));
    }
    facts
}

/// What happened to the request, oldest first: when (local time), who,
/// and the step in words (never the log's internal names).
fn history<'a>(state: &'a State, cx: &View<'a>) -> Column<'a, Message> {
    let mut list = Column::new().spacing(2);
    list = list.push(rtl::line(cx.lang, cx.t("gui-history"), 17.0));
    if state.history.is_empty() {
        return list.push(rtl::line(cx.lang, cx.t("gui-history-empty"), style::HINT));
    }
    for entry in &state.history {
        let when = chrono::DateTime::parse_from_rfc3339(&entry.at)
            .map(|t| super::local_time(cx.lang, t.with_timezone(&chrono::Utc)))
            .unwrap_or_else(|_| entry.at.clone());
        let who = if entry.actor == "sync" {
            cx.t("gui-history-hub")
        } else {
            entry.actor.clone()
        };
        let line = format!("{when} — {who} — {}", history_step(cx, entry));
        list = list.push(rtl::line(cx.lang, line, style::HINT));
    }
    list
}

/// An audit row's step in the interface's language. A refusal names the
/// step refused (the log's detail starts with it: "stamp: wrong PIN").
fn history_step(cx: &View<'_>, entry: &AuditEntry) -> String {
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
            let what = action.map_or_else(|| cx.t("history-other"), |a| cx.t(a.label_id()));
            return tr(cx.lang, "history-refused", &[("action", &what)]);
        }
        _ => "history-other",
    };
    cx.t(id)
}

impl State {
    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let Some(r) = &self.current else {
            return text("").into();
        };
        let lang = cx.lang;
        let service = cx.store.catalog().service(&r.service);
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
            .push(rtl::line(lang, cx.t("gui-citizen"), style::SECTION))
            .push(field(cx.lang, cx.t("gui-name"), r.name.full()))
            .push(field(cx.lang, cx.t("gui-mother"), r.name.mother.clone()))
            .push(field(
                cx.lang,
                cx.t("gui-national-id"),
                r.national_id.as_str().to_owned(),
            ))
            // "+963 944 …" keeps its order on a right-to-left line.
            .push(field(
                cx.lang,
                cx.t("gui-phone"),
                left_to_right(&r.delivery.phone),
            ))
            .push(field(cx.lang, cx.t("gui-delivery"), place));
        let mut document = Column::new().spacing(6).width(Length::FillPortion(1));
        document = document.push(rtl::line(lang, cx.t("gui-document"), style::SECTION));
        if let Some(s) = service {
            for f in &s.fields {
                let label = if lang == Lang::Ar {
                    f.label_ar.clone()
                } else {
                    f.label_en.clone()
                };
                // Dates dd/MM/yyyy and a family's members in words, as the
                // printed document shows them.
                let value = match r.document.get(&f.key) {
                    Some(v) => f.display(v),
                    None => "—".into(),
                };
                document = document.push(field(cx.lang, label, value));
            }
        }

        let header = rtl::side(
            lang,
            rtl::row(
                lang,
                vec![
                    text(format!(
                        "{} — {} ({}/{})",
                        r.tracking_code,
                        service_name,
                        r.stamps.len(),
                        r.stamps_required
                    ))
                    .size(style::TITLE)
                    .into(),
                    style::state_chip(lang, r.state, style::BODY),
                ],
            )
            .align_y(iced::Alignment::Center),
        );
        let mut page = column![
            rtl::side(
                lang,
                button(text(format!(
                    "{} {}",
                    rtl::back_arrow(lang),
                    cx.t("gui-back")
                )))
                .style(button::secondary)
                .on_press(Message::Back)
            ),
            header,
            facts(cx, r),
            rtl::row(lang, vec![citizen.into(), document.into()]),
            rtl::line(lang, cx.t("gui-request-keys"), style::HINT),
            history(self, cx),
        ]
        .spacing(14);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, cx.t(busy)));
        }
        let page = self.checklist_and_stamp(cx, r, page);
        let page = self.print_and_envelope(cx, r, page);
        self.reject_and_preview(cx, r, page).into()
    }

    /// The clerk's checklist and Verify; the supervisor's stamp.
    fn checklist_and_stamp<'a>(
        &'a self,
        cx: &View<'a>,
        r: &'a Request,
        mut page: Column<'a, Message>,
    ) -> Column<'a, Message> {
        let lang = cx.lang;
        let offers = offered(r, cx.session.role());
        let offers_action = |a: Action| offers.contains(&a);
        let idle = self.busy.is_none();
        if offers_action(Action::Verify) {
            page = page.push(rtl::line(lang, cx.t("gui-checklist"), style::SECTION));
            for (i, id) in CHECKS.iter().enumerate() {
                page = page.push(rtl::side(
                    lang,
                    rtl::checkbox(
                        lang,
                        self.checks[i],
                        cx.t(id),
                        move |v| Message::Check(i, v),
                        focus::key(("check", i)),
                    ),
                ));
            }
            let ready = self.checks.iter().all(|c| *c);
            page = page.push(rtl::side(
                lang,
                button(style::labelled_key(
                    lang,
                    style::Icon::Verify,
                    cx.t("gui-verify"),
                    "Alt+V",
                ))
                .on_press_maybe((ready && idle).then_some(Message::Verify)),
            ));
        }
        if offers_action(Action::Stamp) {
            page = page.push(rtl::line(lang, cx.t("gui-stamp-title"), style::SECTION));
            page = page.push(rtl::side(
                lang,
                // Enter and Tab go on to the PIN: a PIN is never typed in
                // clear here.
                focus::name_field(
                    text_input(&cx.t("gui-supervisor"), &self.sup_name)
                        .id(Id::new(SUPERVISOR_ID))
                        .on_input(Message::SupName)
                        .width(Length::Fixed(320.0))
                        .padding(8)
                        .line_height(rtl::INPUT_LINE),
                    Message::SupNameEntered,
                    Message::SupAhead,
                ),
            ));
            page = page.push(rtl::side(
                lang,
                text_input(&cx.t("gui-supervisor-pin"), &self.sup_pin)
                    .id(Id::new(SUPERVISOR_PIN_ID))
                    .secure(true)
                    .on_input(Message::SupPin)
                    .on_submit_maybe(idle.then_some(Message::Stamp))
                    .width(Length::Fixed(320.0))
                    .padding(8)
                    .line_height(rtl::INPUT_LINE),
            ));
            page = page.push(rtl::side(
                lang,
                button(style::labelled(lang, style::Icon::Stamp, cx.t("gui-stamp")))
                    .on_press_maybe(idle.then_some(Message::Stamp)),
            ));
        }
        page
    }

    /// Print (PDF, paper), the envelope's label, and a copy.
    fn print_and_envelope<'a>(
        &'a self,
        cx: &View<'a>,
        r: &'a Request,
        mut page: Column<'a, Message>,
    ) -> Column<'a, Message> {
        let lang = cx.lang;
        let role = cx.session.role();
        let offers = offered(r, role);
        let offers_action = |a: Action| offers.contains(&a);
        let idle = self.busy.is_none();
        let unpaid = citizen_desk::domain::check(r, Actor { name: "", role }, Action::Print)
            == Err(Refusal::Unpaid);
        if unpaid {
            // Nothing is printed before the fee is paid: say so, offer nothing.
            page = page.push(rtl::line(lang, cx.t("gui-unpaid-no-print"), style::BODY));
        }
        if offers_action(Action::Print) {
            let paper = match &cx.status.printer {
                Some(p) => tr(lang, "gui-print-paper", &[("printer", p)]),
                None => cx.t("gui-no-printer"),
            };
            page = page.push(rtl::side(
                lang,
                rtl::row(
                    lang,
                    vec![
                        button(style::labelled_key(
                            lang,
                            style::Icon::Print,
                            cx.t("gui-print-pdf"),
                            "Alt+P",
                        ))
                        .on_press_maybe(idle.then_some(Message::Print))
                        .into(),
                        button(text(paper))
                            .on_press_maybe(
                                (idle && cx.status.printer.is_some())
                                    .then_some(Message::PrintPaper),
                            )
                            .into(),
                    ],
                ),
            ));
        }
        if offers_action(Action::Envelope) {
            // What the label will say, before it is printed.
            {
                let (conditions, place) = delivery_conditions(r, cx.store.templates());
                page = page.push(field(
                    cx.lang,
                    cx.t("gui-label-conditions"),
                    conditions.to_owned(),
                ));
                page = page.push(field(cx.lang, cx.t("gui-label-place"), place));
            }
            let paper = match &cx.status.printer {
                Some(p) => tr(lang, "gui-envelope-paper", &[("printer", p)]),
                None => cx.t("gui-no-printer"),
            };
            page = page.push(rtl::side(
                lang,
                rtl::row(
                    lang,
                    vec![
                        button(text(cx.t("gui-preview-label-button")))
                            .style(button::secondary)
                            .on_press_maybe(idle.then_some(Message::PreviewLabel))
                            .into(),
                        button(style::labelled_key(
                            lang,
                            style::Icon::Envelope,
                            cx.t("gui-envelope"),
                            "Alt+E",
                        ))
                        .on_press_maybe(idle.then_some(Message::Envelope))
                        .into(),
                        button(text(paper))
                            .on_press_maybe(
                                (idle && cx.status.printer.is_some())
                                    .then_some(Message::EnvelopePaper),
                            )
                            .into(),
                    ],
                ),
            ));
        }
        // After the first print, every print is a copy, marked and logged, and
        // needs a supervisor's say-so at this desk (their own PIN).
        if offers_action(Action::PrintCopy) {
            page = page.push(rtl::line(lang, cx.t("gui-copy-title"), 17.0));
            page = page.push(supervisor_fields(
                lang,
                SupervisorFields {
                    ids: (SUPERVISOR_ID, SUPERVISOR_PIN_ID),
                    name: &self.sup_name,
                    pin: &self.sup_pin,
                    on_name: Message::SupName,
                    on_pin: Message::SupPin,
                    on_name_submit: Message::SupNameEntered,
                    on_ahead: Message::SupAhead,
                    on_submit: idle.then_some(Message::PrintCopy),
                },
                vec![
                    button(text(cx.t("gui-print-copy")))
                        .on_press_maybe(idle.then_some(Message::PrintCopy))
                        .into(),
                ],
            ));
        }
        page
    }

    /// Reject or cancel with a reason; the file written; the preview.
    fn reject_and_preview<'a>(
        &'a self,
        cx: &View<'a>,
        r: &'a Request,
        mut page: Column<'a, Message>,
    ) -> Column<'a, Message> {
        let lang = cx.lang;
        let role = cx.session.role();
        let offers = offered(r, role);
        let offers_action = |a: Action| offers.contains(&a);
        let idle = self.busy.is_none();
        if offers_action(Action::Reject) || offers_action(Action::Cancel) {
            let has_reason = !self.reason.trim().is_empty();
            // Both are final: each asks first (see the confirmation bar).
            let ask = |m: Message| (has_reason && idle).then(|| Message::Ask(Box::new(m)));
            let mut cells: Vec<Element<'_, Message>> = vec![
                // Arabic free text: the right-to-left field.
                rtl_input(&cx.t("gui-reason"), &self.reason, Message::ReasonChanged)
                    .id(Id::new(REASON_ID))
                    .width(Length::Fixed(420.0))
                    .into(),
            ];
            if offers_action(Action::Reject) {
                cells.push(
                    button(text(cx.t("gui-reject")))
                        .style(button::danger)
                        .on_press_maybe(ask(Message::Reject))
                        .into(),
                );
            }
            if offers_action(Action::Cancel) {
                cells.push(
                    button(text(cx.t("gui-cancel-request")))
                        .style(button::danger)
                        .on_press_maybe(ask(Message::Cancel))
                        .into(),
                );
            }
            page = page.push(rtl::side(lang, rtl::row(lang, cells)));
            if !has_reason {
                page = page.push(rtl::line(lang, cx.t("gui-reason-first"), style::HINT));
            }
        }
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
        // What will print, from the same layout as the PDF, at any time.
        page = page.push(rtl::side(
            lang,
            button(text(cx.t("gui-preview"))).on_press_maybe(idle.then_some(Message::Preview)),
        ));
        for handle in &self.preview {
            page = page.push(
                container(image(handle.clone()).width(Length::Fixed(595.0))).center_x(Length::Fill),
            );
        }
        page
    }
}
