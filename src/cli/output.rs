//! Printing results: human text in the chosen language, or `--json`.

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Damascus;
use serde_json::{Value, json};

use super::JSON_SCHEMA_VERSION;
use super::table::Table;
use crate::demo::DemoReport;
use crate::domain::{Catalog, DeliveryPlace, Request};
use crate::error::Result;
use crate::i18n::{Lang, Message, tr};
use crate::store::{
    AuditEntry, ChainReport, RecoveryKey, RequestRef, RestoreReport, Store, UserInfo,
};
use std::io::Write;

/// Prints a line to stdout, ignoring a closed pipe (`| head`): output that
/// nobody reads is not an error worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// One line on stdout (for plain values scripts read, like a code).
pub fn say_line(line: &str) {
    say!("{line}");
}

pub struct Out {
    pub json: bool,
    pub lang: Lang,
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Damascus)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

fn unix_day(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(local)
        .unwrap_or_default()
}

fn print_json(value: Value) {
    let mut value = value;
    if let Value::Object(map) = &mut value {
        map.insert("schema_version".into(), JSON_SCHEMA_VERSION.into());
    }
    say!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

/// A request as JSON: the stored fields plus what is derived for display.
pub fn request_json(req: &Request, now: DateTime<Utc>) -> Value {
    let mut v = serde_json::to_value(req).unwrap_or_default();
    if let Value::Object(map) = &mut v {
        map.insert("overdue".into(), req.is_overdue(now).into());
        map.insert("stamps_applied".into(), (req.stamps.len() as u64).into());
    }
    v
}

impl Out {
    fn t(&self, id: &str) -> String {
        tr(self.lang, id, &[])
    }

    fn service_name(&self, catalog: &Catalog, code: &str) -> String {
        match catalog.service(code) {
            Some(s) if self.lang == Lang::Ar => s.name_ar.clone(),
            Some(s) => s.name_en.clone(),
            None => code.to_owned(),
        }
    }

    /// The document's fields in catalog order, labelled in the chosen language.
    fn document_fields(
        &self,
        table: &mut Table,
        catalog: &Catalog,
        service: &str,
        values: &std::collections::BTreeMap<String, String>,
    ) {
        let Some(service) = catalog.service(service) else {
            return;
        };
        for f in &service.fields {
            let label = if self.lang == Lang::Ar {
                &f.label_ar
            } else {
                &f.label_en
            };
            table.row(vec![
                label.clone(),
                values
                    .get(&f.key)
                    .map_or_else(|| "-".into(), |v| f.display(v)),
            ]);
        }
    }

    pub fn done(&self, message: Message) {
        if self.json {
            print_json(json!({ "ok": true, "message": message.text(Lang::En) }));
        } else {
            say!("{}", message.text(self.lang));
        }
    }

    pub fn initialised(&self, store: &Store, admin: &str, recovery: &RecoveryKey) {
        if self.json {
            print_json(json!({
                "path": store.path(), "center": store.center(), "desk": store.desk(), "admin": admin,
                "recovery_key": recovery.secret, "backup_recipient": recovery.recipient,
            }));
        } else {
            say!(
                "{}",
                Message::new("done-initialised")
                    .arg("path", store.path().display())
                    .arg("center", store.center())
                    .arg("desk", store.desk())
                    .arg("admin", admin)
                    .text(self.lang)
            );
            self.recovery_key(recovery);
        }
    }

    /// The recovery key, shown this once, on a line of its own (so it can
    /// be copied whole) between the two languages' warnings.
    pub fn recovery_key(&self, key: &RecoveryKey) {
        if self.json {
            print_json(json!({ "recovery_key": key.secret, "backup_recipient": key.recipient }));
            return;
        }
        say!("{}", self.t("done-recovery-key"));
        say!("{}", key.secret);
    }

    pub fn backup_recipients(&self, recipients: &[String]) {
        if self.json {
            print_json(json!({ "backup_recipients": recipients }));
            return;
        }
        if recipients.is_empty() {
            say!("{}", self.t("backup-no-recipients"));
        }
        for r in recipients {
            say!("{r}");
        }
    }

    pub fn demo(&self, store: &Store, report: &DemoReport) {
        if self.json {
            print_json(json!({
                "path": store.path(),
                "center": report.center,
                "desk": report.desk,
                "users": report.users.iter().map(|(n, r)| json!({"name": n, "role": r})).collect::<Vec<_>>(),
                "pin": report.pin,
                "requests": report.requests,
                "by_state": report.by_state.iter().map(|(s, n)| (s.as_str().to_owned(), Value::from(*n))).collect::<serde_json::Map<_, _>>(),
            }));
            return;
        }
        say!(
            "{}",
            Message::new("done-demo")
                .arg("path", store.path().display())
                .arg("count", report.requests)
                .arg("center", &report.center)
                .arg("desk", &report.desk)
                .text(self.lang)
        );
        say!(
            "{}",
            Message::new("demo-users")
                .arg("pin", &report.pin)
                .text(self.lang)
        );
        let mut users = self.table();
        for (name, role) in &report.users {
            users.row(vec![name.clone(), self.t(role.label_id())]);
        }
        self.print(&users);
        self.counts(&report.by_state);
    }

    /// Between the items of a list in a sentence: the Arabic comma in Arabic.
    fn list_separator(&self) -> &'static str {
        if self.lang == Lang::Ar { "، " } else { ", " }
    }

    /// A table in the output's language (right to left in Arabic).
    fn table(&self) -> Table {
        Table::new(self.lang)
    }

    fn print(&self, table: &Table) {
        for line in table.lines() {
            say!("{line}");
        }
    }

    /// Counts by state, one state a line.
    fn counts(&self, by_state: &[(crate::domain::State, u64)]) {
        let mut t = self.table();
        for (state, n) in by_state {
            t.row(vec![self.t(state.label_id()), n.to_string()]);
        }
        self.print(&t);
    }

    pub fn services(&self, catalog: &Catalog) {
        if self.json {
            print_json(json!({ "services": catalog.services }));
            return;
        }
        let mut t = self.table();
        for s in &catalog.services {
            let class = match s.class {
                crate::domain::ServiceClass::Fast => self.t("class-fast"),
                crate::domain::ServiceClass::Slow { working_days } => Message::new("class-slow")
                    .arg("days", working_days)
                    .text(self.lang),
            };
            t.row(vec![
                s.code.clone(),
                self.service_name(catalog, &s.code),
                Message::new("label-fee")
                    .arg("fee", s.fee_syp)
                    .text(self.lang),
                class,
                Message::new("label-stamps-required")
                    .arg("count", s.required_stamps)
                    .text(self.lang),
            ]);
        }
        self.print(&t);
    }

    pub fn conformance(&self, report: &crate::seal::conformance::SuiteReport) {
        if self.json {
            print_json(json!({
                "passed": report.passed.len(),
                "failed": report.failed.iter().map(|(c, w)| json!({"case": c, "why": w})).collect::<Vec<_>>(),
                "skipped": report.skipped.iter().map(|(c, w)| json!({"case": c, "why": w})).collect::<Vec<_>>(),
            }));
            return;
        }
        for (case, why) in &report.failed {
            say!("FAIL {case}: {why}");
        }
        for (case, why) in &report.skipped {
            say!("SKIP {case}: {why}");
        }
        say!("{}", report.summary());
    }

    pub fn seal_report(
        &self,
        report: &crate::seal::SealReport,
        catalog: &Catalog,
        root: Option<&str>,
    ) {
        if self.json {
            let mut v = serde_json::to_value(report).unwrap_or_default();
            if let Value::Object(map) = &mut v {
                map.insert("trust_root".into(), root.into());
                map.insert(
                    "reason_text".into(),
                    report
                        .invalid
                        .as_ref()
                        .map(|i| i.message().text(Lang::En))
                        .into(),
                );
            }
            print_json(v);
            return;
        }
        if report.valid {
            say!("✔ {}", self.t("seal-valid"));
        } else {
            say!("✘ {}", self.t("seal-invalid"));
        }
        if let Some(reason) = &report.invalid {
            say!("  {}", reason.message().text(self.lang));
        }
        if let Some(copy) = &report.copy {
            say!("  {}", copy.message().text(self.lang));
        }
        for w in &report.warnings {
            say!("  ⚠ {}", w.message().text(self.lang));
        }
        if let Some(c) = &report.claims {
            let d = &c.document;
            let mut t = self.table();
            let mut line = |label: &str, value: String| t.row(vec![self.t(label), value]);
            line("label-document-number", d.document_number.clone());
            line("label-service", self.service_name(catalog, &d.service));
            line("label-national-id", d.national_id.clone());
            line("label-name", d.full_name_ar.clone());
            line("label-issuer", c.issuer.clone());
            line("label-issued", unix_day(c.issued_at));
            line("label-expires", unix_day(c.expires_at));
            self.document_fields(&mut t, catalog, &d.service, &d.fields);
            self.print(&t);
            let mut signers = self.table();
            for s in &report.signers {
                signers.row(vec![
                    (if s.verified { "✔" } else { "✘" }).into(),
                    s.name.clone(),
                    s.role.clone(),
                    s.signed_at.map(unix_day).unwrap_or_default(),
                    s.kid.clone(),
                ]);
            }
            self.print(&signers);
        }
        if let Some(root) = root {
            say!("{}: {root}", self.t("label-trust-root"));
        }
    }

    pub fn seal_made(&self, seal: &crate::store::IssuedSeal, qr: &std::path::Path) {
        if self.json {
            print_json(
                json!({ "text": seal.text, "qr": qr, "qr_version": seal.qr_version, "claims": seal.claims }),
            );
            return;
        }
        say!(
            "{}",
            Message::new("done-seal-made")
                .arg("path", qr.display())
                .arg("version", seal.qr_version)
                .arg("chars", seal.text.len())
                .text(self.lang)
        );
        say!("{}", seal.text);
    }

    pub fn printers(&self, printers: &[crate::documents::paper::Printer], chosen: Option<&str>) {
        if self.json {
            print_json(json!({ "printers": printers, "chosen": chosen }));
            return;
        }
        let mut t = self.table();
        for p in printers {
            let mark = if Some(p.name.as_str()) == chosen {
                "*"
            } else {
                " "
            };
            let default = if p.default {
                self.t("label-default-printer")
            } else {
                String::new()
            };
            t.row(vec![mark.into(), p.name.clone(), p.state.clone(), default]);
        }
        self.print(&t);
    }

    /// What the deployment set for documents: the emblem (its size and
    /// digest) and the verification sentence (or that the general one is
    /// used).
    pub fn deployment(&self, d: &crate::documents::render::Deployment) {
        let emblem = d.emblem.as_ref().map(
            |e| json!({ "width": e.width_px(), "height": e.height_px(), "sha256": e.sha256() }),
        );
        if self.json {
            print_json(json!({ "emblem": emblem, "verify_hint": d.verify_hint }));
            return;
        }
        let emblem = match &d.emblem {
            Some(e) => Message::new("deployment-emblem")
                .arg("width", e.width_px())
                .arg("height", e.height_px())
                .arg("sha256", e.sha256()),
            None => Message::new("deployment-no-emblem"),
        };
        say!("{}", emblem.text(self.lang));
        let hint = match &d.verify_hint {
            Some(h) => Message::new("deployment-verify-hint").arg("hint", h),
            None => Message::new("deployment-default-verify-hint"),
        };
        say!("{}", hint.text(self.lang));
    }

    pub fn trust_list(&self, keys: &[crate::seal::TrustedKey]) {
        if self.json {
            print_json(json!({ "keys": keys }));
            return;
        }
        let mut rows = self.table();
        for k in keys {
            let mut flags = Vec::new();
            if let Some(t) = k.valid_to {
                flags.push(format!("{} {}", self.t("label-until"), unix_day(t)));
            }
            if k.revoked_at.is_some() {
                flags.push(self.t("label-revoked"));
            }
            if k.demo {
                flags.push("demo".into());
            }
            rows.row(vec![
                k.kid.clone(),
                k.role.as_str().to_owned(),
                k.owner.clone(),
                k.center.clone(),
                format!("{} {}", self.t("label-from"), unix_day(k.valid_from)),
                flags.join(self.list_separator()),
            ]);
        }
        self.print(&rows);
    }

    pub fn restored(&self, report: &RestoreReport) {
        if self.json {
            print_json(serde_json::to_value(report).unwrap_or_default());
            return;
        }
        let kept = report
            .replaced_kept_at
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "-".into());
        say!(
            "{}",
            Message::new("done-restored")
                .arg("center", &report.center)
                .arg("desk", &report.desk)
                .arg("kept", kept)
                .text(self.lang)
        );
        if report.enrol_again {
            say!("{}", self.t("done-restored-enrol-again"));
        }
        if !report.encrypted {
            say!("{}", self.t("done-restored-plain"));
        }
    }

    pub fn info(&self, store: &Store) -> Result<()> {
        let counts = store.count_by_state()?;
        let outbox = store.outbox_len()?;
        let demo = store.is_demo()?;
        use crate::seal::keys::DeskKeyHome;
        let desk_key = crate::seal::keys::desk_key_home(&store.data_dir());
        if self.json {
            let (where_, kind) = match &desk_key {
                Some(DeskKeyHome::File(p)) => (p.display().to_string(), "file"),
                Some(DeskKeyHome::CredentialStore(e)) => (e.clone(), "credential_store"),
                None => (String::new(), "none"),
            };
            print_json(json!({
                "path": store.path(),
                "desk_key": where_,
                "desk_key_store": kind,
                "center": store.center(),
                "desk": store.desk(),
                "demo": demo,
                "outbox_pending": outbox,
                "by_state": counts.iter().map(|(s, n)| (s.as_str().to_owned(), Value::from(*n))).collect::<serde_json::Map<_, _>>(),
            }));
            return Ok(());
        }
        say!("{}: {}", self.t("label-store"), store.path().display());
        say!(
            "{}: {} / {}{}",
            self.t("label-center-desk"),
            store.center(),
            store.desk(),
            if demo { " (demo)" } else { "" }
        );
        say!("{}: {outbox}", self.t("label-outbox-pending"));
        match desk_key {
            Some(DeskKeyHome::File(path)) => {
                say!("{}: {}", self.t("label-desk-key"), path.display())
            }
            Some(DeskKeyHome::CredentialStore(entry)) => say!(
                "{}: {}",
                self.t("label-desk-key"),
                Message::new("desk-key-in-credential-store")
                    .arg("entry", entry)
                    .text(self.lang)
            ),
            None => {}
        }
        self.counts(&counts);
        Ok(())
    }

    pub fn chain(&self, report: &ChainReport) {
        if self.json {
            print_json(json!({
                "rows": report.rows,
                "head": report.head,
                "intact": report.first_broken.is_none(),
                "first_broken": report.first_broken.as_ref().map(|(seq, why)| json!({"seq": seq, "reason": why})),
                "guarded": report.unguarded.is_empty(),
                "unguarded": report.unguarded,
            }));
            return;
        }
        if !report.unguarded.is_empty() {
            say!(
                "{}",
                Message::new("audit-unguarded")
                    .arg("triggers", report.unguarded.join(", "))
                    .text(self.lang)
            );
        }
        match &report.first_broken {
            None => say!(
                "{}",
                Message::new("audit-intact")
                    .arg("rows", report.rows)
                    .arg("head", &report.head)
                    .text(self.lang)
            ),
            Some((seq, why)) => {
                say!(
                    "{}",
                    Message::new("audit-broken")
                        .arg("seq", seq)
                        .arg("reason", why)
                        .text(self.lang)
                )
            }
        }
    }

    pub fn audit_tail(&self, entries: &[AuditEntry]) {
        if self.json {
            print_json(json!({ "entries": entries }));
            return;
        }
        let mut t = self.table();
        for e in entries {
            t.row(vec![
                e.seq.to_string(),
                e.at.clone(),
                e.actor.clone(),
                e.action.clone(),
                e.subject.clone(),
                e.detail.clone(),
            ]);
        }
        self.print(&t);
    }

    pub fn users(&self, users: &[UserInfo]) {
        if self.json {
            print_json(json!({ "users": users }));
            return;
        }
        let mut t = self.table();
        for u in users {
            let mut flags = Vec::new();
            if !u.active {
                flags.push(self.t("label-inactive"));
            }
            if let Some(until) = u.locked_until {
                flags.push(
                    Message::new("label-locked-until")
                        .arg("until", local(until))
                        .text(self.lang),
                );
            }
            t.row(vec![
                u.name.clone(),
                self.t(u.role.label_id()),
                u.full_name.clone().unwrap_or_else(|| "-".into()),
                flags.join(self.list_separator()),
            ]);
        }
        self.print(&t);
    }

    pub fn requests(&self, store: &Store, found: &[Request]) {
        let now = store.now();
        if self.json {
            print_json(
                json!({ "requests": found.iter().map(|r| request_json(r, now)).collect::<Vec<_>>() }),
            );
            return;
        }
        let mut t = self.table();
        for r in found {
            let overdue = if r.is_overdue(now) {
                self.t("label-overdue")
            } else {
                String::new()
            };
            t.row(vec![
                r.tracking_code.clone(),
                r.national_id.to_string(),
                self.t(r.state.label_id()),
                self.service_name(store.catalog(), &r.service),
                r.name.full(),
                format!("{}: {}", self.t("label-due"), local(r.due_at)),
                overdue,
            ]);
        }
        self.print(&t);
    }

    pub fn changed(&self, store: &Store, req: &Request) {
        if self.json {
            print_json(json!({ "request": request_json(req, store.now()) }));
            return;
        }
        say!(
            "{}",
            Message::new("done-state")
                .arg("tracking", &req.tracking_code)
                .arg("state", self.t(req.state.label_id()))
                .arg("applied", req.stamps.len())
                .arg("required", req.stamps_required)
                .text(self.lang)
        );
    }

    /// One request, and what `role` can do with it now (the lifecycle's
    /// list, so the command line offers what the library allows).
    /// Several stamps with one PIN: a line for each request, the refused
    /// ones in words on standard error; the exit code of the first refusal
    /// (0 when every stamp went through).
    pub fn stamped(&self, store: &Store, outcomes: &[(RequestRef, Result<Request>)]) -> u8 {
        let code = outcomes
            .iter()
            .find_map(|(_, o)| o.as_ref().err())
            .map_or(0, |e| e.exit_code());
        if self.json {
            let rows: Vec<Value> = outcomes
                .iter()
                .map(|(reference, outcome)| match outcome {
                    Ok(req) => json!({ "request": request_json(req, store.now()) }),
                    Err(e) => json!({ "reference": reference.as_str(), "error": e.message().text(Lang::En) }),
                })
                .collect();
            print_json(json!({ "stamped": rows }));
            return code;
        }
        for (reference, outcome) in outcomes {
            match outcome {
                Ok(req) => self.changed(store, req),
                Err(e) => {
                    let _ = std::io::stdout().flush();
                    let _ = writeln!(
                        std::io::stderr(),
                        "{}: {}",
                        reference.as_str(),
                        e.message().bilingual()
                    );
                }
            }
        }
        code
    }

    pub fn request_detail(&self, store: &Store, r: &Request, role: crate::domain::Role) {
        let now = store.now();
        let next = crate::domain::available_actions(r, role);
        if self.json {
            print_json(json!({ "request": request_json(r, now), "available_actions": next }));
            return;
        }
        let catalog = store.catalog();
        let mut t = self.table();
        let mut line = |label: &str, value: String| t.row(vec![self.t(label), value]);
        line("label-request-id", r.id.clone());
        line("label-tracking", r.tracking_code.clone());
        line("label-state", self.t(r.state.label_id()));
        line("label-service", self.service_name(catalog, &r.service));
        line("label-national-id", r.national_id.to_string());
        line("label-name", r.name.full());
        line("label-mother", r.name.mother.clone());
        let gov = catalog.governorate(&r.governorate);
        line(
            "label-governorate",
            gov.map(|g| {
                if self.lang == Lang::Ar {
                    g.name_ar.clone()
                } else {
                    g.name_en.clone()
                }
            })
            .unwrap_or_else(|| r.governorate.clone()),
        );
        line(
            "label-submitted",
            format!(
                "{} ({})",
                local(r.submitted_at),
                self.t(match r.channel {
                    crate::domain::Channel::App => "channel-app",
                    crate::domain::Channel::Web => "channel-web",
                })
            ),
        );
        let bank = r.payment.bank.as_deref().and_then(|b| catalog.bank(b));
        let paid = if r.payment.paid {
            format!(
                "{} {} {}",
                self.t("label-paid"),
                Message::new("label-fee")
                    .arg("fee", r.payment.fee_syp)
                    .text(self.lang),
                bank.map(|b| if self.lang == Lang::Ar {
                    b.name_ar.as_str()
                } else {
                    b.name_en.as_str()
                })
                .unwrap_or("")
            )
        } else {
            self.t("label-unpaid")
        };
        line("label-payment", paid);
        let place = match &r.delivery.place {
            DeliveryPlace::Address { address } => address.clone(),
            DeliveryPlace::Center { center } => center.clone(),
        };
        line("label-delivery", format!("{place}  ☎ {}", r.delivery.phone));
        let overdue = if r.is_overdue(now) {
            format!(" — {}", self.t("label-overdue"))
        } else {
            String::new()
        };
        line("label-due", format!("{}{overdue}", local(r.due_at)));
        if let Some(n) = &r.document_number {
            line("label-document-number", n.clone());
        }
        line(
            "label-stamps",
            format!("{}/{}", r.stamps.len(), r.stamps_required),
        );
        for s in &r.stamps {
            line(
                "label-stamp",
                format!("{} {}", s.supervisor, local(s.stamped_at)),
            );
        }
        if let Some(reason) = &r.reason {
            line("label-reason", reason.clone());
        }
        self.document_fields(&mut t, catalog, &r.service, &r.document);
        let next: Vec<String> = next.iter().map(|a| self.t(a.label_id())).collect();
        let next = if next.is_empty() {
            self.t("label-nothing-to-do")
        } else {
            next.join(self.list_separator())
        };
        t.row(vec![self.t("label-next-steps"), next]);
        self.print(&t);
    }

    pub fn hub_json(&self, value: Value) {
        print_json(value);
    }

    /// `hub desks`: every enrolled desk and the state of its token.
    pub fn hub_desks(&self, desks: &[crate::sync::hub::DeskStatus]) {
        if self.json {
            print_json(serde_json::json!({ "desks": desks }));
            return;
        }
        say!("{}", self.t("hub-desks-title"));
        for d in desks {
            let revoked = d.revoked_at.as_ref().map_or(String::new(), |at| {
                Message::new("hub-desk-revoked")
                    .arg("at", at)
                    .text(self.lang)
            });
            let rotation = if d.rotation_pending {
                self.t("hub-desk-rotation")
            } else {
                String::new()
            };
            say!(
                "{}",
                Message::new("hub-desk-line")
                    .arg("id", d.id)
                    .arg("center", &d.center)
                    .arg("desk", &d.desk)
                    .arg("enrolled", &d.enrolled_at)
                    .arg(
                        "seen",
                        d.last_seen.clone().unwrap_or_else(|| self.t("hub-never")),
                    )
                    .arg("revoked", revoked)
                    .arg("rotation", rotation)
                    .arg(
                        "root",
                        d.trust_root
                            .clone()
                            .unwrap_or_else(|| self.t("hub-no-root")),
                    )
                    .text(self.lang)
            );
        }
    }

    pub fn hub_status(&self, status: &crate::sync::hub::HubStatus) {
        if self.json {
            print_json(serde_json::to_value(status).unwrap_or_default());
            return;
        }
        say!("{}", self.t("hub-status-requests"));
        let mut t = self.table();
        for r in &status.requests {
            t.row(vec![
                r.center.clone(),
                self.t(r.state.label_id()),
                r.count.to_string(),
            ]);
        }
        self.print(&t);
        say!(
            "{}",
            Message::new("hub-status-totals")
                .arg("applied", status.effects_applied)
                .arg("rejected", status.effects_rejected)
                .arg("batches", status.batches)
                .arg("unauthorised", status.unauthorised_attempts)
                .arg("trust", status.trust_version)
                .text(self.lang)
        );
        for d in &status.desks {
            let line = Message::new("hub-status-desk")
                .arg("id", d.id)
                .arg("center", &d.center)
                .arg("desk", &d.desk)
                .arg(
                    "seen",
                    d.last_seen.clone().unwrap_or_else(|| self.t("hub-never")),
                )
                .arg(
                    "seq",
                    d.audit_seq
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "-".into()),
                )
                .arg("hash", d.audit_hash.as_deref().unwrap_or("-"))
                .text(self.lang);
            if d.anchor_broken {
                say!("{line}  {}", self.t("hub-audit-rewritten"));
            } else {
                say!("{line}");
            }
        }
    }

    pub fn synced(&self, report: &crate::sync::client::SyncReport) {
        if self.json {
            print_json(serde_json::to_value(report).unwrap_or_default());
            return;
        }
        say!("{}", report.message().text(self.lang));
    }

    pub fn sync_event(&self, event: &crate::sync::client::SyncEvent) {
        use crate::sync::client::SyncEvent;
        let now = local(Utc::now());
        match event {
            SyncEvent::Synced(report) => {
                if self.json {
                    print_json(json!({ "at": now, "synced": report }));
                } else {
                    say!("[{now}] ");
                    self.synced(report);
                }
            }
            SyncEvent::Failed { error, retry_in } => {
                let msg = Message::new("sync-retry")
                    .arg("seconds", format!("{:.1}", retry_in.as_secs_f64()))
                    .arg("detail", error.message().text(self.lang));
                if self.json {
                    print_json(
                        json!({ "at": now, "error": error.to_string(), "retry_in_ms": retry_in.as_millis() as u64 }),
                    );
                } else {
                    say!("[{now}] {}", msg.text(self.lang));
                }
            }
        }
    }

    pub fn outbox(&self, status: &crate::store::SyncStatus, pending: &[crate::store::OutboxEntry]) {
        if self.json {
            print_json(json!({ "status": status, "pending": pending }));
            return;
        }
        for line in status.messages() {
            say!("{}", line.text(self.lang));
        }
        let mut t = self.table();
        for e in pending {
            t.row(vec![
                e.seq.to_string(),
                e.created_at.clone(),
                self.t(e.change.label_id()),
                e.request_id.clone().unwrap_or_default(),
            ]);
        }
        self.print(&t);
    }

    pub fn conflicts(&self, conflicts: &[crate::store::Conflict]) {
        if self.json {
            print_json(json!({ "conflicts": conflicts }));
            return;
        }
        if conflicts.is_empty() {
            say!("{}", self.t("conflicts-none"));
        }
        for c in conflicts {
            say!("{}", c.message().text(self.lang));
            if let Some(by) = &c.settled_by {
                say!(
                    "    {}: {} — {}",
                    by,
                    c.settled_at.as_deref().unwrap_or(""),
                    c.settlement.as_deref().unwrap_or("")
                );
            }
        }
    }
}
