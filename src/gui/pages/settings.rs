//! Settings: language, the digits printed on documents, where the data
//! lives, the hub this desk syncs with, a backup now (admins), and the
//! paper printer. A backup, asking CUPS for its queues or about one, and
//! the hub's answer to an enrolment all come in the background.

use crate::gui::focus::{self, button};
use crate::gui::style::text;
use iced::Length;
use iced::widget::{Id, column, text_input};
use iced::{Element, Task};

use super::{View, words};
use crate::gui::desk::{Ctx, Event};
use crate::gui::{Flash, rtl, style};
use citizen_desk::documents::paper::Printer;
use citizen_desk::documents::render::Digits;
use citizen_desk::i18n::{Lang, Message as Text, tr};
use citizen_desk::protocol::{EnrollResponse, HubTrust};
use citizen_desk::store::Store;

pub const HUB_URL_ID: &str = "hub-url";
pub const ENROLL_CODE_ID: &str = "enroll-code";
pub const HUB_FINGERPRINT_ID: &str = "hub-fingerprint";

#[derive(Debug, Default)]
pub struct State {
    /// The CUPS queues found.
    pub printers: Vec<Printer>,
    pub hub_url: String,
    /// The hub's key fingerprint the operator gave with the code.
    pub hub_fingerprint: String,
    pub enroll_code: String,
    /// Waiting for the hub's answer to an enrolment.
    pub enrolling: bool,
    /// A backup or CUPS in the background (its words on screen).
    pub busy: Option<&'static str>,
    /// What the page shows from the store, read when it opens (and after
    /// an enrolment), not at every frame.
    pub shown: Shown,
}

/// The store's settings the page shows.
#[derive(Debug, Default)]
pub struct Shown {
    /// The deployment's emblem, its size in pixels.
    pub emblem: Option<(u32, u32)>,
    /// The deployment's verification sentence (none: the default).
    pub verify_hint: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Message {
    /// The shell's (mapped in the view).
    ToggleLang,
    ArabicDigits(bool),
    BackupNow,
    /// The backup written (its words), or the refusal.
    BackedUp(Result<String, String>),
    FindPrinters,
    /// The CUPS queues, or why CUPS could not be asked.
    PrintersFound(Result<Vec<Printer>, String>),
    ChoosePrinter(String),
    /// The printer remembered (the words), or the refusal.
    PrinterChosen(Result<String, String>),
    HubUrlChanged(String),
    EnrollCodeChanged(String),
    HubFingerprintChanged(String),
    Enroll,
    /// The hub's answer to an enrolment: the hub's address, and the answer
    /// or the error in words.
    Enrolled(String, HubTrust, Result<EnrollResponse, String>),
}

/// A background step's outcome as something to show.
fn said(result: Result<String, String>) -> Flash {
    match result {
        Ok(words) => Flash::Ok(words),
        Err(why) => Flash::Err(why),
    }
}

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let event = match message {
            Message::ToggleLang => None,
            Message::ArabicDigits(v) => {
                // A desk setting kept by the store, so the command line and
                // the next session print the same digits.
                let digits = if v {
                    Digits::ArabicIndic
                } else {
                    Digits::Latin
                };
                Some(match cx.store.set_document_digits(cx.session, digits) {
                    Ok(()) => Event::Status(None),
                    Err(e) => cx.refused(e),
                })
            }
            Message::BackupNow => return (self.backup_now(cx), None),
            Message::BackedUp(result) => {
                self.busy = None;
                Some(Event::Flash(said(result)))
            }
            Message::FindPrinters => return (self.find_printers(cx), None),
            Message::PrintersFound(found) => {
                self.busy = None;
                Some(match found {
                    Ok(list) if list.is_empty() => {
                        self.printers = list;
                        Event::Flash(Flash::Err(cx.t("gui-no-printers")))
                    }
                    Ok(list) => {
                        self.printers = list;
                        Event::ClearFlash
                    }
                    Err(why) => {
                        self.printers.clear();
                        Event::Flash(Flash::Err(why))
                    }
                })
            }
            Message::ChoosePrinter(name) => return (self.choose_printer(name, cx), None),
            Message::PrinterChosen(result) => {
                self.busy = None;
                Some(Event::Status(Some(said(result))))
            }
            Message::HubUrlChanged(v) => {
                self.hub_url = v.trim().to_owned();
                None
            }
            Message::EnrollCodeChanged(v) => {
                self.enroll_code = v.trim().to_owned();
                None
            }
            Message::HubFingerprintChanged(v) => {
                self.hub_fingerprint = v;
                None
            }
            Message::Enroll => return self.enroll(cx),
            Message::Enrolled(url, trust, answer) => Some(self.enrolled(url, trust, answer, cx)),
        };
        (Task::none(), event)
    }

    /// A slow step of this page on its own connection, off the UI thread.
    fn background<T: Send + 'static>(
        &mut self,
        cx: &Ctx<'_>,
        busy: &'static str,
        job: impl FnOnce(Lang) -> Result<T, String> + Send + 'static,
        done: fn(Result<T, String>) -> Message,
    ) -> Task<Message> {
        if self.busy.is_some() {
            return Task::none();
        }
        self.busy = Some(busy);
        let lang = cx.lang;
        Task::perform(async move { job(lang) }, done)
    }

    /// An online backup into `backups/` beside the store (the library
    /// allows it to admins only, and says so to anyone else), encrypted
    /// and written in the background.
    fn backup_now(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        let (session, data) = (cx.session.clone(), cx.data_dir.to_owned());
        self.background(
            cx,
            "gui-busy-backup",
            move |lang| {
                let fail = |e: citizen_desk::Error| words(lang, e);
                let mut store = Store::open(&data).map_err(fail)?;
                let dir = data.join("backups");
                let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
                let path = dir.join(format!("desk-{stamp}.sqlite3.age"));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| citizen_desk::Error::io(&dir, e))
                    .and_then(|_| store.backup_to(&session, &path))
                    .map_err(fail)?;
                Ok(tr(
                    lang,
                    "done-backup",
                    &[("path", &path.display().to_string())],
                ))
            },
            Message::BackedUp,
        )
    }

    /// The CUPS queues (`lpstat`), asked in the background.
    fn find_printers(&mut self, cx: &Ctx<'_>) -> Task<Message> {
        self.background(
            cx,
            "gui-busy-finding-printers",
            |lang| {
                citizen_desk::documents::paper::list_printers().map_err(|e| words(lang, e.into()))
            },
            Message::PrintersFound,
        )
    }

    /// Remembers the desk's printer once CUPS says it is there and enabled
    /// (the library asks it, in the background).
    fn choose_printer(&mut self, name: String, cx: &Ctx<'_>) -> Task<Message> {
        let (session, data) = (cx.session.clone(), cx.data_dir.to_owned());
        self.background(
            cx,
            "gui-busy-checking-printer",
            move |lang| {
                let fail = |e: citizen_desk::Error| words(lang, e);
                let mut store = Store::open(&data).map_err(fail)?;
                store.choose_printer(&session, &name).map_err(fail)?;
                Ok(Text::new("done-printer-chosen")
                    .arg("printer", name)
                    .text(lang))
            },
            Message::PrinterChosen,
        )
    }

    /// Enrols this desk with the hub (admins; the library checks) with the
    /// operator's one-time code. The request goes off the UI thread: with
    /// the network down it can take the whole sync timeout.
    fn enroll(&mut self, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        let trust = match citizen_desk::sync::client::trust_for(
            &self.hub_url,
            Some(&self.hub_fingerprint),
            None,
        ) {
            Ok(trust) => trust,
            Err(e) => return (Task::none(), Some(cx.refused(e))),
        };
        let code = std::mem::take(&mut self.enroll_code);
        let ask = match cx.store.enrolment(cx.session, &code) {
            Ok(ask) => ask,
            Err(e) => {
                self.enroll_code = code;
                return (Task::none(), Some(cx.refused(e)));
            }
        };
        let url = self.hub_url.clone();
        let lang = cx.lang;
        self.enrolling = true;
        let task = Task::perform(
            async move {
                let answer = citizen_desk::sync::client::ask_to_enroll(&url, &trust, &ask)
                    .map_err(|e| words(lang, e));
                (url, trust, answer)
            },
            |(url, trust, answer)| Message::Enrolled(url, trust, answer),
        );
        (task, Some(Event::ClearFlash))
    }

    /// The hub answered an enrolment: keep the link (audited by the
    /// library) or say why not.
    fn enrolled(
        &mut self,
        url: String,
        trust: HubTrust,
        answer: Result<EnrollResponse, String>,
        cx: &mut Ctx<'_>,
    ) -> Event {
        self.enrolling = false;
        let saved = answer.map(|answer| {
            cx.store
                .save_hub_link(cx.session, &url, &trust, &answer)
                .map(|_| answer)
        });
        match saved {
            Ok(Ok(answer)) => Event::Status(Some(Flash::Ok(
                Text::new("done-enrolled")
                    .arg("hub", url)
                    .arg("center", answer.center)
                    .arg("id", answer.desk_id)
                    .text(cx.lang),
            ))),
            Ok(Err(e)) => cx.refused(e),
            Err(words) => Event::Flash(Flash::Err(words)),
        }
    }

    /// Enrolment with the hub (admins): its address and the operator's
    /// one-time code. Addresses and codes read left to right.
    fn enrolment<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        column![
            rtl::line(lang, cx.t("gui-enroll-title"), style::BODY),
            rtl::side(
                lang,
                rtl::row(
                    lang,
                    vec![
                        text_input(&cx.t("gui-hub-url"), &self.hub_url)
                            .id(Id::new(HUB_URL_ID))
                            .on_input(Message::HubUrlChanged)
                            .width(Length::Fixed(260.0))
                            .padding(8)
                            .line_height(rtl::INPUT_LINE)
                            .into(),
                        text_input(&cx.t("gui-hub-fingerprint"), &self.hub_fingerprint)
                            .id(Id::new(HUB_FINGERPRINT_ID))
                            .on_input(Message::HubFingerprintChanged)
                            .width(Length::Fixed(300.0))
                            .padding(8)
                            .line_height(rtl::INPUT_LINE)
                            .into(),
                        text_input(&cx.t("gui-enroll-code"), &self.enroll_code)
                            .id(Id::new(ENROLL_CODE_ID))
                            .on_input(Message::EnrollCodeChanged)
                            .on_submit(Message::Enroll)
                            .width(Length::Fixed(220.0))
                            .padding(8)
                            .line_height(rtl::INPUT_LINE)
                            .into(),
                        button(text(cx.t(if self.enrolling {
                            "gui-enrolling"
                        } else {
                            "gui-enroll"
                        })))
                        .on_press_maybe(
                            (!self.enrolling
                                && !self.hub_url.is_empty()
                                && !self.enroll_code.is_empty())
                            .then_some(Message::Enroll)
                        )
                        .into(),
                    ]
                )
            ),
        ]
        .spacing(8)
        .into()
    }

    /// The paper printer: the one this desk uses, and the CUPS queues to
    /// choose from (found on request: asking CUPS can take a moment).
    fn printers<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        let current = cx
            .status
            .printer
            .clone()
            .unwrap_or_else(|| cx.t("gui-printer-none"));
        let mut section = column![
            rtl::line(
                lang,
                tr(lang, "gui-printer-current", &[("printer", &current)]),
                style::BODY,
            ),
            rtl::side(
                lang,
                button(text(cx.t("gui-find-printers")))
                    .on_press_maybe(self.busy.is_none().then_some(Message::FindPrinters))
            ),
        ]
        .spacing(8);
        for p in &self.printers {
            let chosen = cx.status.printer.as_deref() == Some(p.name.as_str());
            section = section.push(rtl::row(
                lang,
                vec![
                    rtl::line(lang, format!("{} — {}", p.name, p.state), 15.0),
                    button(text(cx.t("gui-use-printer")))
                        .on_press_maybe(
                            (!chosen && self.busy.is_none())
                                .then(|| Message::ChoosePrinter(p.name.clone())),
                        )
                        .into(),
                ],
            ));
        }
        section.into()
    }

    /// Reads what the page shows from the store (the emblem is decoded
    /// once per process, here the first time).
    pub fn load(&mut self, store: &Store) {
        let deployment = store.deployment().ok();
        self.shown = Shown {
            emblem: deployment
                .as_ref()
                .and_then(|d| d.emblem.as_ref())
                .map(|e| (e.width_px(), e.height_px())),
            verify_hint: deployment.and_then(|d| d.verify_hint),
        };
    }

    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        // The status bar's data holds the hub (read again after enrolment).
        let hub = cx
            .status
            .sync
            .as_ref()
            .and_then(|s| s.hub.clone())
            .unwrap_or_else(|| cx.t("label-not-enrolled"));
        let mut page = column![
            rtl::line(lang, cx.t("gui-settings-title"), style::TITLE),
            rtl::side(
                lang,
                button(text(cx.t("gui-switch-language"))).on_press(Message::ToggleLang)
            ),
            rtl::side(
                lang,
                rtl::checkbox(
                    lang,
                    cx.status.arabic_digits,
                    cx.t("gui-arabic-digits"),
                    Message::ArabicDigits,
                    focus::key("arabic-digits"),
                )
            ),
            rtl::line(
                lang,
                tr(
                    lang,
                    "gui-data-location",
                    &[("path", &cx.data_dir.display().to_string())]
                ),
                style::BODY,
            ),
            rtl::line(
                lang,
                tr(lang, "gui-hub-address", &[("hub", &rtl::ltr(&hub))]),
                style::BODY,
            ),
            rtl::side(
                lang,
                button(text(cx.t("gui-backup-now")))
                    .on_press_maybe(self.busy.is_none().then_some(Message::BackupNow))
            ),
            self.enrolment(cx),
            self.printers(cx),
            deployment(&self.shown, cx),
        ]
        .spacing(12);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, cx.t(busy)));
        }
        page.into()
    }
}

/// What the deployment set for documents (an admin sets it with
/// `citizen-desk deployment`): the emblem's size and the verification
/// sentence, so whoever prints sees what the paper will carry.
fn deployment<'a>(shown: &Shown, cx: &View<'a>) -> Element<'a, Message> {
    let lang = cx.lang;
    let emblem = match shown.emblem {
        Some((width, height)) => tr(
            lang,
            "gui-deployment-emblem",
            &[
                ("width", &cx.digits(&width.to_string())),
                ("height", &cx.digits(&height.to_string())),
            ],
        ),
        None => cx.t("deployment-no-emblem"),
    };
    let hint = match &shown.verify_hint {
        Some(h) => tr(lang, "deployment-verify-hint", &[("hint", h)]),
        None => cx.t("deployment-default-verify-hint"),
    };
    column![
        rtl::line(lang, emblem, style::BODY),
        rtl::line(lang, hint, style::BODY),
    ]
    .spacing(6)
    .into()
}
