//! Check a seal: paste (or scan) the QR text, or open a scan of the QR or
//! the PDF; a big VALID or INVALID with the reason and the decoded fields.

use iced::widget::{Id, button, column, text, text_input};
use iced::{Element, Length};

use crate::gui::{App, Message, rtl, style};

pub const SEAL_FILE_ID: &str = "seal-file";

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let mut page = column![
        rtl::line(lang, app.t("gui-verify-title"), style::TITLE),
        text_input("SY1:…", &app.seal_text)
            .on_input(Message::SealTextChanged)
            .on_submit(Message::CheckSeal)
            .width(Length::Fill)
            .padding(8)
            .line_height(rtl::INPUT_LINE),
        rtl::side(
            lang,
            button(text(app.t("gui-check-seal"))).on_press(Message::CheckSeal)
        ),
        // Or a file: a photo or scan of the QR, or the PDF itself.
        rtl::row(
            lang,
            vec![
                text_input(&app.t("gui-seal-file"), &app.seal_file)
                    .id(Id::new(SEAL_FILE_ID))
                    .on_input(Message::SealFileChanged)
                    .on_submit(Message::OpenSealFile)
                    .width(Length::Fill)
                    .padding(8)
                    .line_height(rtl::INPUT_LINE)
                    .into(),
                button(text(app.t("gui-open-seal-file")))
                    .on_press(Message::OpenSealFile)
                    .into(),
            ]
        ),
    ]
    .spacing(12);
    if let Some(report) = &app.seal_report {
        let (word, color) = if report.valid {
            (app.t("seal-valid"), style::OK)
        } else {
            (app.t("seal-invalid"), style::ERROR)
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
