//! Check a seal: paste (or scan) the QR text, or open a scan of the QR or
//! the PDF; a big VALID or INVALID with the reason and the decoded fields.

use iced::widget::{Id, button, column, text, text_input};
use iced::{Color, Element, Length};

use crate::gui::{App, Message, rtl};

pub const SEAL_FILE_ID: &str = "seal-file";

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let mut page = column![
        rtl::line(lang, app.t("gui-verify-title"), 20.0),
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
            (app.t("seal-valid"), Color::from_rgb8(0x1b, 0x6e, 0x3a))
        } else {
            (app.t("seal-invalid"), Color::from_rgb8(0xb0, 0x1c, 0x1c))
        };
        page = page.push(rtl::side(lang, text(word).size(40).color(color)));
        if let Some(reason) = &report.invalid {
            page = page.push(rtl::line(lang, reason.message().text(lang), 16.0));
        }
        if let Some(copy) = &report.copy {
            page = page.push(rtl::line(lang, copy.message().text(lang), 16.0));
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
                16.0,
            ));
        }
    }
    page.into()
}
