//! Settings: language, the digits printed on documents, where the data
//! lives, the hub this desk syncs with, a backup now (admins), and the
//! paper printer.

use iced::Element;
use iced::Length;
use iced::widget::{Id, button, checkbox, column, text, text_input};

use crate::gui::{App, Message, rtl, style};
use citizen_desk::i18n::tr;

pub const HUB_URL_ID: &str = "hub-url";
pub const ENROLL_CODE_ID: &str = "enroll-code";
pub const HUB_FINGERPRINT_ID: &str = "hub-fingerprint";

/// A path or address marked left-to-right inside Arabic text. (iced 0.14
/// still shows a path's leading slash at the left end of an Arabic line:
/// known, cosmetic.)
fn ltr(s: &str) -> String {
    format!("\u{200E}{s}\u{200E}")
}

/// Enrolment with the hub (admins): its address and the operator's
/// one-time code. Addresses and codes read left to right.
fn enrolment(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    column![
        rtl::line(lang, app.t("gui-enroll-title"), style::BODY),
        rtl::side(
            lang,
            rtl::row(
                lang,
                vec![
                    text_input(&app.t("gui-hub-url"), &app.hub_url)
                        .id(Id::new(HUB_URL_ID))
                        .on_input(Message::HubUrlChanged)
                        .width(Length::Fixed(260.0))
                        .padding(8)
                        .line_height(rtl::INPUT_LINE)
                        .into(),
                    text_input(&app.t("gui-hub-fingerprint"), &app.hub_fingerprint)
                        .id(Id::new(HUB_FINGERPRINT_ID))
                        .on_input(Message::HubFingerprintChanged)
                        .width(Length::Fixed(300.0))
                        .padding(8)
                        .line_height(rtl::INPUT_LINE)
                        .into(),
                    text_input(&app.t("gui-enroll-code"), &app.enroll_code)
                        .id(Id::new(ENROLL_CODE_ID))
                        .on_input(Message::EnrollCodeChanged)
                        .on_submit(Message::Enroll)
                        .width(Length::Fixed(220.0))
                        .padding(8)
                        .line_height(rtl::INPUT_LINE)
                        .into(),
                    button(text(app.t(if app.enrolling {
                        "gui-enrolling"
                    } else {
                        "gui-enroll"
                    })))
                    .on_press_maybe(
                        (!app.enrolling && !app.hub_url.is_empty() && !app.enroll_code.is_empty())
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
fn printers(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let current = app
        .printer
        .clone()
        .unwrap_or_else(|| app.t("gui-printer-none"));
    let mut section = column![
        rtl::line(
            lang,
            tr(lang, "gui-printer-current", &[("printer", &current)]),
            style::BODY,
        ),
        rtl::side(
            lang,
            button(text(app.t("gui-find-printers"))).on_press(Message::FindPrinters)
        ),
    ]
    .spacing(8);
    for p in &app.printers {
        let chosen = app.printer.as_deref() == Some(p.name.as_str());
        section = section.push(rtl::row(
            lang,
            vec![
                rtl::line(lang, format!("{} — {}", p.name, p.state), 15.0),
                button(text(app.t("gui-use-printer")))
                    .on_press_maybe((!chosen).then(|| Message::ChoosePrinter(p.name.clone())))
                    .into(),
            ],
        ));
    }
    section.into()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let hub = app
        .store
        .as_ref()
        .and_then(|s| s.hub_link().ok().flatten())
        .map(|l| l.url)
        .unwrap_or_else(|| app.t("label-not-enrolled"));
    column![
        rtl::line(lang, app.t("gui-settings-title"), style::TITLE),
        rtl::side(
            lang,
            button(text(app.t("gui-switch-language"))).on_press(Message::ToggleLang)
        ),
        rtl::side(
            lang,
            checkbox(app.arabic_digits)
                .label(app.t("gui-arabic-digits"))
                .on_toggle(Message::ArabicDigits)
        ),
        rtl::line(
            lang,
            tr(
                lang,
                "gui-data-location",
                &[("path", &app.data_dir.display().to_string())]
            ),
            style::BODY,
        ),
        rtl::line(
            lang,
            tr(lang, "gui-hub-address", &[("hub", &ltr(&hub))]),
            style::BODY,
        ),
        rtl::side(
            lang,
            button(text(app.t("gui-backup-now"))).on_press(Message::BackupNow)
        ),
        enrolment(app),
        printers(app),
    ]
    .spacing(12)
    .into()
}
