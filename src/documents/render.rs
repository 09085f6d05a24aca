//! A request's document on A4: one shared layout, with the per-service
//! text from `assets/templates.json`. Drafts carry a DRAFT watermark and
//! no seal; copies are marked COPY.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Asia::Damascus;
use serde::Deserialize;

use super::layout::{A4, Align, Item, Page};
use crate::domain::{Catalog, Request};
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct ServiceTemplate {
    authority: String,
    body: String,
}

#[derive(Deserialize)]
pub struct Templates {
    center_prefix: String,
    state_line: String,
    verify_hint: String,
    authorities: BTreeMap<String, Vec<String>>,
    services: BTreeMap<String, ServiceTemplate>,
}

impl Templates {
    /// How a center is named on documents, labels and manifests.
    pub fn center_name(&self, center: &str) -> String {
        format!("{} {center}", self.center_prefix)
    }

    /// The templates shipped in `assets/templates.json`, checked against
    /// the catalog: every service has one, naming a known authority.
    pub fn builtin(catalog: &Catalog) -> Result<Templates> {
        let t: Templates = serde_json::from_str(include_str!("../../assets/templates.json"))
            .map_err(|e| Error::Data(format!("templates.json: {e}")))?;
        for s in &catalog.services {
            let tpl = t
                .services
                .get(&s.code)
                .ok_or_else(|| Error::Data(format!("no template for {}", s.code)))?;
            if !t.authorities.contains_key(&tpl.authority) {
                return Err(Error::Data(format!(
                    "template {} names unknown authority {}",
                    s.code, tpl.authority
                )));
            }
        }
        Ok(t)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    /// Not approved, or not printed yet: watermark, no seal.
    Draft,
    /// The sealed first print.
    Original,
    /// Any later print.
    Copy,
}

/// Digits on the document: Latin (0-9) or Arabic-Indic (٠-٩).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Digits {
    #[default]
    Latin,
    ArabicIndic,
}

impl Digits {
    pub fn apply(self, s: &str) -> String {
        match self {
            Digits::Latin => s.to_owned(),
            Digits::ArabicIndic => s
                .chars()
                .map(|c| {
                    c.to_digit(10)
                        .and_then(|d| char::from_u32(0x0660 + d))
                        .unwrap_or(c)
                })
                .collect(),
        }
    }
}

const MONTHS: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];

/// dd/MM/yyyy in Damascus time.
pub fn short_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&Damascus).format("%d/%m/%Y").to_string()
}

/// "28 تشرين الثاني 2026": the Levantine month names.
pub fn long_date(t: DateTime<Utc>) -> String {
    let d = t.with_timezone(&Damascus);
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// Field values that are ISO dates are printed dd/MM/yyyy.
fn field_value(v: &str) -> String {
    match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        Ok(d) => d.format("%d/%m/%Y").to_string(),
        Err(_) => v.to_owned(),
    }
}

pub struct RenderInput<'a> {
    pub request: &'a Request,
    pub catalog: &'a Catalog,
    pub templates: &'a Templates,
    pub center_name: &'a str,
    pub mark: Mark,
    /// The seal's QR text (originals and copies), if any.
    pub seal: Option<&'a str>,
    pub issued: DateTime<Utc>,
    pub digits: Digits,
}

/// Lays the document out on one A4 page.
pub fn render_document(input: &RenderInput<'_>) -> Result<Page> {
    let req = input.request;
    let service = input
        .catalog
        .service(&req.service)
        .ok_or_else(|| Error::Data(format!("unknown service {}", req.service)))?;
    let tpl = &input.templates.services[&req.service];
    let dg = |s: &str| input.digits.apply(s);
    let (w, h) = A4;
    let (right, left) = (w - 18.0, 18.0);
    let mut page = Page::new(w, h);

    // Header: the state and the issuing authority on the right, the center
    // and the document's number and dates on the left.
    let mut y = 22.0;
    page.text(
        right,
        y,
        &input.templates.state_line,
        13.0,
        true,
        Align::Right,
    );
    for line in &input.templates.authorities[&tpl.authority] {
        y += 6.5;
        page.text(right, y, line, 12.0, true, Align::Right);
    }
    y += 6.5;
    page.text(right, y, input.center_name, 11.0, false, Align::Right);
    let number = req.document_number.clone().unwrap_or_else(|| "—".into());
    page.text(
        left,
        22.0,
        &format!("رقم الوثيقة: {}", dg(&number)),
        10.5,
        false,
        Align::Left,
    );
    page.text(
        left,
        28.5,
        &format!("تاريخ الإصدار: {}", dg(&short_date(input.issued))),
        10.5,
        false,
        Align::Left,
    );
    let valid_until = input.issued + chrono::Duration::days(i64::from(service.validity_days));
    page.text(
        left,
        35.0,
        &format!("صالحة حتى: {}", dg(&short_date(valid_until))),
        10.5,
        false,
        Align::Left,
    );
    page.text(
        left,
        41.5,
        &format!("رمز التتبع: {}", req.tracking_code),
        10.5,
        false,
        Align::Left,
    );
    y = y.max(41.5) + 6.0;
    page.rule(left, y, right, 1.2);

    // Title and certifying sentence.
    y += 14.0;
    page.text(w / 2.0, y, &service.name_ar, 20.0, true, Align::Center);
    y += 12.0;
    y = page.paragraph(right, y, right - left, &tpl.body, 12.5, 7.5);

    // The citizen, then the document's own fields, as a two-column table
    // read right to left: label on the right, value beside it.
    let label_x = right;
    let value_x = right - 48.0;
    let row = |page: &mut Page, y: &mut f32, label: &str, value: &str| {
        *y += 9.0;
        page.text(label_x, *y, label, 12.0, true, Align::Right);
        page.text(value_x, *y, value, 12.0, false, Align::Right);
        page.rule(left, *y + 2.8, right, 0.3);
    };
    y += 4.0;
    row(&mut page, &mut y, "الاسم", &req.name.full());
    row(&mut page, &mut y, "اسم الأم", &req.name.mother);
    row(
        &mut page,
        &mut y,
        "الرقم الوطني",
        &dg(req.national_id.as_str()),
    );
    if let Some(gov) = input.catalog.governorate(&req.governorate) {
        row(&mut page, &mut y, "المحافظة", &gov.name_ar);
    }
    for f in &service.fields {
        let value = req
            .document
            .get(&f.key)
            .map(|v| field_value(v))
            .unwrap_or_else(|| "—".into());
        row(&mut page, &mut y, &f.label_ar, &dg(&value));
    }

    // Stamps: each supervisor approval, with role and time.
    y += 14.0;
    page.text(right, y, "المصادقات", 13.0, true, Align::Right);
    if req.stamps.is_empty() {
        y += 8.0;
        page.text(right, y, "لا توجد مصادقات بعد", 11.5, false, Align::Right);
    }
    for s in &req.stamps {
        y += 8.0;
        let when = dg(&s
            .stamped_at
            .with_timezone(&Damascus)
            .format("%d/%m/%Y %H:%M")
            .to_string());
        page.text(
            right,
            y,
            &format!("ختم المشرف {} — مشرف — {}", s.supervisor, when),
            11.5,
            false,
            Align::Right,
        );
    }
    page.text(
        right,
        y + 8.0,
        &format!(
            "الأختام المطلوبة: {} من {}",
            dg(&req.stamps.len().to_string()),
            dg(&req.stamps_required.to_string())
        ),
        10.5,
        false,
        Align::Right,
    );

    // The seal area, bottom left: 65 mm square with the verify hint under it.
    let side = 60.0;
    let (qx, qy) = (left, h - 20.0 - side - 12.0);
    if let Some(text) = input.seal.filter(|_| input.mark != Mark::Draft) {
        let symbol = crate::seal::qr::encode(text).map_err(|e| Error::Storage(e.to_string()))?;
        page.items.push(Item::Qr {
            x: qx,
            y: qy,
            side,
            modules: symbol.width,
            dark: symbol.dark,
        });
    } else {
        page.frame(qx, qy, side, side, 0.5);
        page.text(
            qx + side / 2.0,
            qy + side / 2.0,
            "لا ختم على المسودة",
            11.0,
            false,
            Align::Center,
        );
    }
    page.paragraph(
        right,
        h - 26.0,
        right - left - side - 8.0,
        &input.templates.verify_hint,
        9.5,
        5.5,
    );
    page.text(
        right,
        h - 12.0,
        &format!("صدرت في {}", long_date(input.issued)),
        9.5,
        false,
        Align::Right,
    );

    match input.mark {
        Mark::Draft => {
            page.watermark("مسودة / DRAFT", 72.0, 0.85);
            page.text(w / 2.0, 12.0, "مسودة / DRAFT", 12.0, true, Align::Center);
        }
        Mark::Copy => {
            page.watermark("نسخة / COPY", 72.0, 0.88);
            page.text(w / 2.0, 12.0, "نسخة / COPY", 12.0, true, Align::Center);
        }
        Mark::Original => {}
    }
    Ok(page)
}
