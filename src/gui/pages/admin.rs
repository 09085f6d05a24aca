//! Admin: staff accounts (add, reset a PIN, unlock, deactivate) and the
//! seal keys this desk trusts, with what expires soon. The library checks
//! the admin role on every call; a clerk who opens this page is refused
//! there, in words, and the refusal is audited.

use crate::gui::rtl_input::rtl_input;
use iced::widget::{Id, button, column, text, text_input};
use iced::{Element, Length};

use crate::gui::{App, Message, rtl, style};
use citizen_desk::domain::Role;
use citizen_desk::domain::calendar::damascus_date;
use citizen_desk::i18n::tr;
use citizen_desk::seal::trust::KeyRole;

pub const NEW_USER_ID: &str = "admin-new-user";
pub const NEW_PIN_ID: &str = "admin-new-pin";
pub const RESET_PIN_ID: &str = "admin-reset-pin";
pub const FULL_NAME_ID: &str = "admin-full-name";

/// A key whose signing period ends within this many days is flagged.
pub const EXPIRES_SOON_DAYS: i64 = 30;

fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| damascus_date(t).format("%d/%m/%Y").to_string())
        .unwrap_or_default()
}

pub fn view(app: &App) -> Element<'_, Message> {
    let lang = app.lang;
    let mut page = column![rtl::line(lang, app.t("gui-admin-users"), style::TITLE)].spacing(10);

    // Add a user: name, role, PIN.
    // The chosen role is the highlighted one.
    let role_button = |role: Role| {
        button(text(tr(lang, role.label_id(), &[])))
            .style(if app.new_role == role {
                button::primary
            } else {
                button::secondary
            })
            .on_press(Message::AdminNewRole(role))
    };
    page = page.push(rtl::row(
        lang,
        vec![
            text_input(&app.t("gui-user"), &app.new_user)
                .id(Id::new(NEW_USER_ID))
                .on_input(Message::AdminNewUser)
                .width(Length::Fixed(230.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE)
                .into(),
            role_button(Role::Clerk).into(),
            role_button(Role::Supervisor).into(),
            role_button(Role::Admin).into(),
            text_input(&app.t("gui-admin-pin-placeholder"), &app.new_pin)
                .id(Id::new(NEW_PIN_ID))
                .secure(true)
                .on_input(Message::AdminNewPin)
                .on_submit(Message::AddUser)
                .width(Length::Fixed(230.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE)
                .into(),
            button(text(app.t("gui-admin-add")))
                .on_press(Message::AddUser)
                .into(),
        ],
    ));
    // The full name printed on documents: for the user being added, or
    // set on a row's user. Arabic free text: the right-to-left field.
    page = page.push(rtl::side(
        lang,
        rtl_input(
            &app.t("gui-admin-full-name"),
            &app.new_full_name,
            Message::AdminFullNameChanged,
        )
        .id(Id::new(FULL_NAME_ID))
        .width(Length::Fixed(420.0)),
    ));
    // The new PIN used by "reset PIN" on a row.
    page = page.push(rtl::row(
        lang,
        vec![
            rtl::line(lang, app.t("gui-admin-reset-hint"), 15.0),
            text_input(&app.t("gui-admin-pin-placeholder"), &app.reset_pin)
                .id(Id::new(RESET_PIN_ID))
                .secure(true)
                .on_input(Message::AdminResetPinChanged)
                .width(Length::Fixed(230.0))
                .padding(8)
                .line_height(rtl::INPUT_LINE)
                .into(),
        ],
    ));

    for user in &app.admin_users {
        let mut status = tr(lang, user.role.label_id(), &[]);
        if !user.active {
            status = format!("{status} — {}", app.t("label-inactive"));
        }
        if let Some(until) = user.locked_until {
            status = format!(
                "{status} — {}",
                tr(
                    lang,
                    "label-locked-until",
                    &[(
                        "until",
                        &until
                            .with_timezone(&chrono_tz::Asia::Damascus)
                            .format("%d/%m/%Y %H:%M")
                            .to_string()
                    )]
                )
            );
        }
        let who = match &user.full_name {
            Some(full) => format!("{} — {full}", user.name),
            None => user.name.clone(),
        };
        let mut cells: Vec<Element<'_, Message>> =
            vec![rtl::line(lang, format!("{who} — {status}"), style::BODY)];
        if user.active {
            cells.push(
                button(text(app.t("gui-admin-set-full-name")))
                    .style(button::secondary)
                    .on_press_maybe(
                        (!app.new_full_name.trim().is_empty())
                            .then(|| Message::AdminSetFullName(user.name.clone())),
                    )
                    .into(),
            );
            cells.push(
                button(text(app.t("gui-admin-reset")))
                    .style(button::secondary)
                    .on_press_maybe(
                        (app.reset_pin.len() >= 6)
                            .then(|| Message::AdminResetPin(user.name.clone())),
                    )
                    .into(),
            );
            if user.locked_until.is_some() {
                cells.push(
                    button(text(app.t("gui-admin-unlock")))
                        .on_press(Message::AdminUnlock(user.name.clone()))
                        .into(),
                );
            }
            // Never one's own account; and only after a confirmation.
            let own = app.session.as_ref().is_some_and(|s| s.name() == user.name);
            cells.push(
                button(text(app.t("gui-admin-deactivate")))
                    .style(button::danger)
                    .on_press_maybe((!own).then(|| {
                        Message::Ask(Box::new(Message::AdminDeactivate(user.name.clone())))
                    }))
                    .into(),
            );
        }
        page = page.push(rtl::row(lang, cells).align_y(iced::Alignment::Center));
    }

    // The trust list at a glance.
    page = page.push(rtl::line(lang, app.t("gui-admin-keys"), style::TITLE));
    let now = chrono::Utc::now().timestamp();
    for key in &app.admin_keys {
        let role = match key.role {
            KeyRole::Root => app.t("gui-key-root"),
            KeyRole::Center => app.t("gui-key-center"),
            KeyRole::Supervisor => app.t("gui-key-supervisor"),
        };
        let mut line = format!("{} — {role} — {}", key.owner, key.kid);
        let mut warn = false;
        if let Some(t) = key.revoked_at {
            line = format!("{line} — {} {}", app.t("label-revoked"), date(t));
            warn = true;
        } else if let Some(to) = key.valid_to {
            let days_left = (to - now).div_euclid(86_400);
            line = format!("{line} — {}: {}", app.t("label-expires"), date(to));
            if to <= now {
                line = format!("{line} ({})", app.t("gui-key-expired"));
            } else if days_left < EXPIRES_SOON_DAYS {
                line = format!(
                    "{line} ({})",
                    tr(
                        lang,
                        "gui-key-expires-soon",
                        &[("days", &days_left.to_string())]
                    )
                );
                warn = true;
            }
        }
        if key.demo {
            line = format!("{line} — {}", app.t("gui-key-demo"));
        }
        let t = text(line).size(15);
        let t = if warn { t.color(style::ERROR) } else { t };
        page = page.push(rtl::side(lang, t));
    }
    page.into()
}
