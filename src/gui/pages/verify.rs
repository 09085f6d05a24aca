//! Check a seal: paste (or scan) the QR text, or open a scan of the QR or
//! the PDF (read and decoded in the background: a large or hostile file
//! never freezes the window); a big VALID or INVALID with the reason and
//! the decoded fields.

use std::path::PathBuf;

use iced::widget::{Id, button, column, text, text_input};
use iced::{Element, Length, Task};

use super::{View, words};
use crate::gui::desk::{Ctx, Event};
use crate::gui::{Flash, rtl, style};
use citizen_desk::seal::SealReport;

pub const SEAL_FILE_ID: &str = "seal-file";

#[derive(Debug, Default)]
pub struct State {
    /// The seal's text (`SY1:…`).
    pub text: String,
    pub report: Option<SealReport>,
    /// A scan (PNG/JPEG) or a PDF to read a seal from.
    pub file: String,
    /// The file being read (its words on screen).
    pub busy: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub enum Message {
    TextChanged(String),
    Check,
    FileChanged(String),
    OpenFile,
    /// What reading the seal file found (or why it could not).
    FileRead(Result<Option<String>, String>),
}

impl State {
    pub fn update(&mut self, message: Message, cx: &mut Ctx<'_>) -> (Task<Message>, Option<Event>) {
        match message {
            Message::TextChanged(v) => self.text = v,
            Message::FileChanged(v) => self.file = v,
            Message::OpenFile if self.busy.is_none() => {
                // Reading and decoding a file (a photo, a PDF) is off the
                // interface thread: a large or hostile one never freezes it.
                let path = PathBuf::from(self.file.trim());
                let lang = cx.lang;
                self.report = None;
                self.busy = Some("gui-busy-reading-seal");
                return (
                    Task::perform(
                        async move {
                            citizen_desk::seal::read_seal_file(&path).map_err(|e| words(lang, e))
                        },
                        Message::FileRead,
                    ),
                    None,
                );
            }
            Message::OpenFile => {}
            Message::FileRead(read) => {
                self.busy = None;
                match read {
                    Ok(Some(found)) => {
                        self.text = found;
                        self.check(cx);
                        return (Task::none(), Some(Event::ClearFlash));
                    }
                    Ok(None) => {
                        self.report = None;
                        let none = Flash::Err(cx.t("gui-no-seal-in-file"));
                        return (Task::none(), Some(Event::Flash(none)));
                    }
                    Err(why) => {
                        self.report = None;
                        return (Task::none(), Some(Event::Flash(Flash::Err(why))));
                    }
                }
            }
            Message::Check => self.check(cx),
        }
        (Task::none(), None)
    }

    /// Verifies the seal's text with this desk's trust list.
    fn check(&mut self, cx: &Ctx<'_>) {
        let trust = cx.store.trust_set();
        self.report = trust.ok().map(|trust| {
            citizen_desk::seal::verify_seal(
                self.text.trim(),
                &trust,
                cx.store.catalog(),
                chrono::Utc::now().timestamp(),
                30 * 86_400,
            )
        });
    }

    pub fn view<'a>(&'a self, cx: &View<'a>) -> Element<'a, Message> {
        let lang = cx.lang;
        let mut page = column![
            rtl::line(lang, cx.t("gui-verify-title"), style::TITLE),
            text_input("SY1:…", &self.text)
                .on_input(Message::TextChanged)
                .on_submit(Message::Check)
                .width(Length::Fill)
                .padding(8)
                .line_height(rtl::INPUT_LINE),
            rtl::side(
                lang,
                button(text(cx.t("gui-check-seal"))).on_press(Message::Check)
            ),
            // Or a file: a photo or scan of the QR, or the PDF itself.
            rtl::row(
                lang,
                vec![
                    text_input(&cx.t("gui-seal-file"), &self.file)
                        .id(Id::new(SEAL_FILE_ID))
                        .on_input(Message::FileChanged)
                        .on_submit_maybe(self.busy.is_none().then_some(Message::OpenFile))
                        .width(Length::Fill)
                        .padding(8)
                        .line_height(rtl::INPUT_LINE)
                        .into(),
                    button(text(cx.t("gui-open-seal-file")))
                        .on_press_maybe(self.busy.is_none().then_some(Message::OpenFile))
                        .into(),
                ]
            ),
        ]
        .spacing(12);
        if let Some(busy) = self.busy {
            page = page.push(style::busy(lang, cx.t(busy)));
        }
        if let Some(report) = &self.report {
            let (word, color) = if report.valid {
                (cx.t("seal-valid"), style::OK)
            } else {
                (cx.t("seal-invalid"), style::ERROR)
            };
            page = page.push(rtl::side(lang, text(word).size(40).color(color)));
            if let Some(reason) = &report.invalid {
                page = page.push(rtl::line(lang, reason.message().text(lang), style::BODY));
            }
            if let Some(copy) = &report.copy {
                page = page.push(rtl::line(lang, copy.message().text(lang), style::BODY));
            }
            for w in &report.warnings {
                page = page.push(rtl::line(
                    lang,
                    format!("⚠ {}", w.message().text(lang)),
                    15.0,
                ));
            }
            if let Some(c) = &report.claims {
                page = page.push(rtl::line(
                    lang,
                    format!(
                        "{} — {} — {}",
                        c.document.document_number, c.document.full_name_ar, c.document.national_id
                    ),
                    style::BODY,
                ));
            }
        }
        page.into()
    }
}
