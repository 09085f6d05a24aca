//! Check a seal: paste (or scan) the QR text, or open a scan of the QR or
//! the PDF (read and decoded in the background: a large or hostile file
//! never freezes the window); a big VALID or INVALID with the reason and
//! the decoded fields.

use std::path::{Path, PathBuf};

use crate::gui::focus::button;
use crate::gui::style::text;
use iced::widget::{Id, column, text_input};
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
    /// The file chooser, when open: a folder and what in it can hold a seal.
    pub chooser: Option<Folder>,
}

/// A folder as the chooser shows it: its sub-folders, then the pictures
/// and PDFs in it, each by name.
#[derive(Clone, Debug, Default)]
pub struct Folder {
    pub path: PathBuf,
    pub folders: Vec<String>,
    pub files: Vec<String>,
    /// More entries than are listed (a folder of thousands).
    pub cut: bool,
}

/// At most this many entries of a folder are read and listed.
const FOLDER_LIMIT: usize = 400;

/// The kinds of file a seal is read from.
fn holds_a_seal(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".pdf", ".png", ".jpg", ".jpeg"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Lists `path` for the chooser: hidden entries left out, folders and
/// seal files by name, at most `FOLDER_LIMIT` entries read.
pub fn list_folder(path: &Path) -> std::io::Result<Folder> {
    let mut folder = Folder {
        path: path.to_path_buf(),
        ..Folder::default()
    };
    for (read, entry) in std::fs::read_dir(path)?.enumerate() {
        if read >= FOLDER_LIMIT {
            folder.cut = true;
            break;
        }
        let Ok(entry) = entry else { continue };
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => folder.folders.push(name),
            Ok(_) if holds_a_seal(&name) => folder.files.push(name),
            _ => {}
        }
    }
    folder.folders.sort();
    folder.files.sort();
    Ok(folder)
}

#[derive(Clone, Debug)]
pub enum Message {
    TextChanged(String),
    Check,
    FileChanged(String),
    OpenFile,
    /// What reading the seal file found (or why it could not).
    FileRead(Result<Option<String>, String>),
    /// Opens the file chooser (at the typed file's folder, else the
    /// desk's documents), or another folder in it.
    Browse(Option<PathBuf>),
    /// A folder listed (off the UI thread: a slow disk never freezes it).
    Listed(Result<Folder, String>),
    /// A file chosen: its seal is read and checked.
    Pick(PathBuf),
    CloseChooser,
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
            Message::Browse(to) => {
                let typed = PathBuf::from(self.file.trim());
                let start = to
                    .or_else(|| typed.parent().filter(|p| p.is_dir()).map(Path::to_path_buf))
                    .unwrap_or_else(|| cx.documents_dir());
                let lang = cx.lang;
                return (
                    Task::perform(
                        async move {
                            list_folder(&start)
                                .map_err(|e| words(lang, citizen_desk::Error::io(&start, e)))
                        },
                        Message::Listed,
                    ),
                    None,
                );
            }
            Message::Listed(Ok(folder)) => self.chooser = Some(folder),
            Message::Listed(Err(why)) => {
                return (Task::none(), Some(Event::Flash(Flash::Err(why))));
            }
            Message::Pick(path) => {
                self.chooser = None;
                self.file = path.display().to_string();
                return self.update(Message::OpenFile, cx);
            }
            Message::CloseChooser => self.chooser = None,
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
                    button(text(cx.t("gui-choose-file")))
                        .style(button::secondary)
                        .on_press(Message::Browse(None))
                        .into(),
                ]
            ),
        ]
        .spacing(12);
        if let Some(folder) = &self.chooser {
            page = page.push(chooser(cx, folder));
        }
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

/// The chooser: the folder (left to right, as paths read), up one level,
/// its folders and its seal files, each a button; a file chosen is read.
fn chooser<'a>(cx: &View<'a>, folder: &'a Folder) -> Element<'a, Message> {
    let lang = cx.lang;
    let mut list = column![rtl::line(
        lang,
        citizen_desk::documents::render::left_to_right(&folder.path.display().to_string()),
        style::BODY
    )]
    .spacing(4);
    let mut top = vec![
        button(text(cx.t("gui-chooser-close")))
            .style(button::secondary)
            .on_press(Message::CloseChooser)
            .into(),
    ];
    if let Some(parent) = folder.path.parent() {
        top.push(
            button(text(cx.t("gui-chooser-up")))
                .style(button::secondary)
                .on_press(Message::Browse(Some(parent.to_path_buf())))
                .into(),
        );
    }
    list = list.push(rtl::side(lang, rtl::row(lang, top)));
    for name in &folder.folders {
        let to = folder.path.join(name);
        list = list.push(rtl::side(
            lang,
            button(text(format!("📁 {name}")))
                .style(button::text)
                .on_press(Message::Browse(Some(to))),
        ));
    }
    for name in &folder.files {
        let to = folder.path.join(name);
        list = list.push(rtl::side(
            lang,
            button(text(name.as_str()))
                .style(button::text)
                .on_press(Message::Pick(to)),
        ));
    }
    if folder.folders.is_empty() && folder.files.is_empty() {
        list = list.push(rtl::line(lang, cx.t("gui-chooser-empty"), style::BODY));
    }
    if folder.cut {
        list = list.push(rtl::line(lang, cx.t("gui-chooser-cut"), style::BODY));
    }
    list.into()
}
