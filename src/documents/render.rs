//! A request's document on A4: one shared layout, with the per-service
//! text from `assets/templates.json`. Drafts carry a DRAFT watermark and
//! no seal; copies are marked COPY.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Asia::Damascus;
use serde::Deserialize;

use super::emblem::{self, Emblem};
use super::layout::{A4, Align, Item, PT_PER_MM, Page};
use super::text::{ShapedLine, shape_line, wrap};
use crate::domain::catalog::{FieldKind, Member, display_date as field_value, members};
use crate::domain::{Catalog, Request};
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct ServiceTemplate {
    authority: String,
    body: Body,
}

/// A certifying sentence: one for every citizen (a birth, a marriage), or
/// a man's and a woman's, chosen from the request's sex (the man's when a
/// request from before does not say). Never both with a slash.
#[derive(Deserialize)]
#[serde(untagged)]
enum Body {
    Same(String),
    BySex { male: String, female: String },
}

impl Body {
    fn for_sex(&self, sex: Option<crate::domain::Sex>) -> &str {
        match (self, sex) {
            (Body::Same(s), _) => s,
            (Body::BySex { female, .. }, Some(crate::domain::Sex::Female)) => female,
            (Body::BySex { male, .. }, _) => male,
        }
    }
}

/// Who issues a service's documents: the chain printed under the state's
/// name (a line may name a field of the request, `{directorate}`, and is
/// left out when the request has none), and the title of the official
/// who signs and stamps them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Authority {
    lines: Vec<String>,
    signatory: String,
}

impl Authority {
    /// The chain's lines for `req`, placeholders filled from its fields.
    fn lines_for(&self, req: &Request) -> Vec<String> {
        self.lines
            .iter()
            .filter_map(|line| fill_from_fields(line, req))
            .collect()
    }
}

/// A template line with `{key}` placeholders filled from the request's
/// document fields; None when one of them has no value.
fn fill_from_fields(line: &str, req: &Request) -> Option<String> {
    let mut out = line.to_owned();
    while let Some(start) = out.find('{') {
        let end = start + out[start..].find('}')?;
        let key = &out[start + 1..end];
        let value = req.document.get(key).filter(|v| !v.trim().is_empty())?;
        out.replace_range(start..=end, value);
    }
    Some(out)
}

/// A center as its documents, labels and manifests name it (data the
/// ministry keeps; a center not listed is named by its code).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CenterInfo {
    pub name: String,
    /// The place of issue printed on documents («صدرت في طرطوس …»).
    pub city: String,
    /// The return address on its envelopes and manifests: required, so a
    /// listed center never sends a label the post cannot return.
    pub address: Address,
}

/// A postal address as labels print it: street and building, city and
/// governorate (joined by the `address` caption).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub governorate: String,
}

#[derive(Deserialize)]
pub struct Templates {
    center_prefix: String,
    state_line: String,
    verify_hint: String,
    #[serde(default)]
    centers: BTreeMap<String, CenterInfo>,
    /// The delivery centers' addresses, by the name requests give them
    /// (requests name a delivery center in words, as the portal offers
    /// it); a center not listed is printed by its name alone.
    #[serde(default)]
    delivery_centers: BTreeMap<String, Address>,
    authorities: BTreeMap<String, Authority>,
    services: BTreeMap<String, ServiceTemplate>,
    /// Every fixed caption printed on documents, labels and manifests.
    pub captions: Captions,
}

/// The fixed captions, each one a field: a caption missing from
/// `templates.json` stops the templates from loading (at start, with its
/// name), never a print. `{name}` marks a value filled in at print time
/// (see [`fill`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Captions {
    pub document_number: String,
    pub issue_date: String,
    pub valid_until: String,
    pub tracking_code: String,
    pub continued: String,
    pub name: String,
    pub mother: String,
    pub national_id: String,
    pub governorate: String,
    pub approved_by: String,
    /// A family's members table: name, relation, birth date (`|` between).
    pub members_columns: String,
    pub father: String,
    pub signature_line: String,
    pub stamp_place: String,
    pub no_seal: String,
    pub no_seal_copy: String,
    pub no_seal_legacy: String,
    pub issued_on: String,
    pub issued_at_place: String,
    pub copy_line: String,
    pub demo_mark: String,
    pub page_of: String,
    pub draft: String,
    pub copy: String,
    pub conditions_home: String,
    pub conditions_center: String,
    pub sender: String,
    pub recipient: String,
    pub recipient_male: String,
    pub recipient_female: String,
    pub phone: String,
    pub tracking_caption: String,
    pub manifest_title: String,
    pub batch: String,
    pub date: String,
    pub envelope_count: String,
    pub manifest_columns: String,
    pub clerk: String,
    pub postal_agent: String,
    pub signature: String,
    pub registered: String,
    pub address: String,
    pub group_heading: String,
    pub group_homes: String,
    pub page_count: String,
    pub initials_clerk: String,
    pub initials_agent: String,
    pub handover_at: String,
    pub postal_agent_id: String,
}

/// A caption with its `{name}` placeholders filled in. A value that is a
/// number (a count, a page, a copy's number) is bound to the words beside
/// it by no-break spaces, whatever spaces the caption has: wrapped, a line
/// must never end between «5» and what it counts.
pub fn fill(caption: &str, values: &[(&str, &str)]) -> String {
    let mut out = caption.to_owned();
    for (name, value) in values {
        let slot = format!("{{{name}}}");
        if !value.is_empty() && value.chars().all(char::is_numeric) {
            out = out
                .replace(&format!(" {slot}"), &format!("\u{A0}{slot}"))
                .replace(&format!("{slot} "), &format!("{slot}\u{A0}"));
        }
        out = out.replace(&slot, value);
    }
    out
}

impl Templates {
    /// How a center is named on documents, labels and manifests.
    pub fn center_name(&self, center: &str) -> String {
        match self.centers.get(center) {
            Some(c) => c.name.clone(),
            None => format!("{} {center}", self.center_prefix),
        }
    }

    /// A center's return address on one line, if known.
    pub fn center_address(&self, center: &str) -> Option<String> {
        self.centers
            .get(center)
            .map(|c| self.address_line(&c.address))
    }

    /// A delivery center's address on one line, found by the name a
    /// request gives it (spaces and their kind aside), if known.
    pub fn delivery_center_address(&self, name: &str) -> Option<String> {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = words(name);
        self.delivery_centers
            .iter()
            .find(|(known, _)| words(known) == name)
            .map(|(_, address)| self.address_line(address))
    }

    fn address_line(&self, a: &Address) -> String {
        fill(
            &self.captions.address,
            &[
                ("street", &a.street),
                ("city", &a.city),
                ("governorate", &a.governorate),
            ],
        )
    }

    /// Where a center's documents are issued (its city), if known.
    pub fn place_of_issue(&self, center: &str) -> Option<&str> {
        self.centers.get(center).map(|c| c.city.as_str())
    }

    /// The templates shipped in `assets/templates.json`, checked against
    /// the catalog: every service has one, naming a known authority.
    pub fn builtin(catalog: &Catalog) -> Result<Templates> {
        Templates::from_json(include_str!("../../assets/templates.json"), catalog)
    }

    /// Templates from JSON text, checked like the built-in ones.
    pub fn from_json(text: &str, catalog: &Catalog) -> Result<Templates> {
        let t: Templates =
            serde_json::from_str(text).map_err(|e| Error::Data(format!("templates.json: {e}")))?;
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
    /// Any later print (sealed, unless its stamps predate seals).
    Copy,
    /// A copy to read on screen or on paper, never sealed (`render` after
    /// the original was printed).
    ReadingCopy,
}

impl Mark {
    /// The mark's name in the audit log and in `--json` output.
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Draft => "draft",
            Mark::Copy | Mark::ReadingCopy => "copy",
            Mark::Original => "original",
        }
    }

    /// The id of the mark's translated name.
    pub fn message_id(self) -> &'static str {
        match self {
            Mark::Draft => "mark-draft",
            Mark::Copy | Mark::ReadingCopy => "mark-copy",
            Mark::Original => "mark-original",
        }
    }
}

impl serde::Serialize for Mark {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Digits on the document: Latin (0-9) or Arabic-Indic (٠-٩).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Digits {
    #[default]
    Latin,
    ArabicIndic,
}

impl Digits {
    /// A document setting kept by the store (`Store::document_digits`).
    pub fn as_str(self) -> &'static str {
        match self {
            Digits::Latin => "latin",
            Digits::ArabicIndic => "arabic-indic",
        }
    }

    pub fn parse(s: &str) -> Option<Digits> {
        match s {
            "latin" => Some(Digits::Latin),
            "arabic-indic" => Some(Digits::ArabicIndic),
            _ => None,
        }
    }

    /// A value that may be a code: one with Latin letters in it (a
    /// document number "TRT01-D01-0000042", a school code) keeps its
    /// digits, because Arabic-Indic digits between Latin letters and
    /// hyphens are reordered by the bidi rules and the code no longer
    /// reads as typed. Dates, counts and plain numbers follow the setting.
    pub fn apply_to_value(self, s: &str) -> String {
        if s.chars().any(|c| c.is_ascii_alphabetic()) {
            s.to_owned()
        } else {
            self.apply(s)
        }
    }

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

/// Text that reads left to right wherever it stands: a phone number
/// such as "+963 944 123 456" on a right-to-left line would otherwise
/// have its groups ordered right to left and its "+" put at the end. A
/// left-to-right isolate (U+2066 … U+2069) keeps it whole; the controls
/// draw nothing, and copying gives them back around the number. Arabic-
/// Indic digits are "Arabic numbers" to the bidi algorithm, whose groups
/// run right to left even inside the isolate: a text with no Arabic
/// letter is also overridden left to right (U+202D … U+202C). Bidi
/// controls already in the text are dropped: they could end the isolate.
pub fn left_to_right(text: &str) -> String {
    use unicode_bidi::{BidiClass, bidi_class};
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect();
    if text
        .chars()
        .any(|c| matches!(bidi_class(c), BidiClass::R | BidiClass::AL))
    {
        format!("\u{2066}{text}\u{2069}")
    } else {
        format!("\u{2066}\u{202D}{text}\u{202C}\u{2069}")
    }
}

pub fn short_date(t: DateTime<Utc>) -> String {
    t.with_timezone(&Damascus).format("%d/%m/%Y").to_string()
}

/// "28 تشرين الثاني 2026": the Levantine month names.
pub fn long_date(t: DateTime<Utc>, digits: Digits) -> String {
    let d = t.with_timezone(&Damascus);
    digits.apply(&format!(
        "{} {} {}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    ))
}

/// What a deployment sets for its documents (each desk's store keeps it,
/// see `Store::deployment`): the emblem or letterhead the ministry
/// supplies, and its own sentence on how to check a document, in place of
/// the templates' general one.
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    pub emblem: Option<Emblem>,
    pub verify_hint: Option<String>,
}

/// Field values that are ISO dates are printed dd/MM/yyyy.
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
    /// The city of issue (`Templates::place_of_issue`), if known.
    pub place: Option<&'a str>,
    /// An authorised copy's number and who authorised it (from the data
    /// its seal signs).
    pub copy: Option<(u32, &'a str)>,
    /// Signed with demo keys: every sealed page says so in large letters.
    pub demo: bool,
    /// The deployment's emblem and verification sentence.
    pub deployment: &'a Deployment,
}

/// Where flowing content stops on a page: above the footer line.
const CONTENT_BOTTOM: f32 = A4.1 - 22.0;
/// The seal block (QR and verify hint) at the foot of the last page.
const SEAL_SIDE: f32 = 60.0;
const SEAL_TOP: f32 = A4.1 - 20.0 - SEAL_SIDE - 12.0;
const MARGIN: f32 = 18.0;

/// Pages filled top to bottom; a new page starts, with a short running
/// header, when the next block would cross the footer.
struct Flow<'a> {
    done: Vec<Page>,
    page: Page,
    y: f32,
    running_header: &'a dyn Fn(&mut Page) -> f32,
}

impl Flow<'_> {
    /// Makes room for `height` mm below the cursor, turning the page if
    /// needed.
    fn room(&mut self, height: f32, bottom: f32) {
        if self.y + height > bottom {
            self.turn();
        }
    }

    fn turn(&mut self) {
        let full = std::mem::replace(&mut self.page, Page::new(A4.0, A4.1));
        self.done.push(full);
        self.y = (self.running_header)(&mut self.page);
    }
}

/// What every part of a document's layout reads: the input, the service
/// and its template, and the page's edges.
struct Doc<'a> {
    input: &'a RenderInput<'a>,
    service: &'a crate::domain::Service,
    t: &'a Templates,
    tpl: &'a ServiceTemplate,
    authority: &'a Authority,
    /// "Document number …", printed at the top of every page.
    number_line: String,
    right: f32,
    left: f32,
}

impl Doc<'_> {
    /// Dates, counts and plain numbers in the desk's digits.
    fn dg(&self, s: &str) -> String {
        self.input.digits.apply(s)
    }
}

/// Lays the document out on A4 pages: one page for every catalog service
/// today, more when the body, the fields or the stamps need them.
pub fn render_document(input: &RenderInput<'_>) -> Result<Vec<Page>> {
    let req = input.request;
    let service = input
        .catalog
        .service(&req.service)
        .ok_or_else(|| Error::Data(format!("unknown service {}", req.service)))?;
    let t = input.templates;
    let tpl = t
        .services
        .get(&req.service)
        .ok_or_else(|| Error::Data(format!("no template for {}", req.service)))?;
    let authority = t
        .authorities
        .get(&tpl.authority)
        .ok_or_else(|| Error::Data(format!("no authority {}", tpl.authority)))?;
    let number = req.document_number.clone().unwrap_or_else(|| "—".into());
    let doc = Doc {
        input,
        service,
        t,
        tpl,
        authority,
        // Codes (document number, tracking code) are printed as they are
        // typed into systems, whatever the digit setting.
        number_line: fill(&t.captions.document_number, &[("number", &number)]),
        right: A4.0 - MARGIN,
        left: MARGIN,
    };
    let (page, y) = first_page_header(&doc);
    // Later pages repeat who issued the document and its number, so a
    // loose page still says what it belongs to.
    let running_header = |p: &mut Page| running_header(&doc, p);
    let mut flow = Flow {
        done: Vec::new(),
        page,
        y,
        running_header: &running_header,
    };
    title_and_body(&doc, &mut flow);
    data_table(&doc, &mut flow);
    approvals(&doc, &mut flow);
    // The seal area at the foot of the last page.
    if flow.y + 4.0 > SEAL_TOP {
        flow.turn();
    }
    seal_block(&doc, &mut flow.page)?;
    let mut pages = flow.done;
    pages.push(flow.page);
    number_and_mark(&doc, &mut pages);
    Ok(pages)
}

/// The first page's header: the state and the issuing authority on the
/// right, the center and the document's number and dates on the left.
/// Returns the page and where the content starts.
fn first_page_header(doc: &Doc<'_>) -> (Page, f32) {
    let (t, input) = (doc.t, doc.input);
    let (right, left) = (doc.right, doc.left);
    let mut page = Page::new(A4.0, A4.1);
    // The deployment's emblem heads what is issued; a draft is issued by
    // nobody yet.
    if let Some(emblem) = &input.deployment.emblem
        && input.mark != Mark::Draft
    {
        let (w, h) = emblem.printed_size();
        page.items.push(Item::Image {
            x: (A4.0 - w) / 2.0,
            y: emblem::BOX_TOP_MM + (emblem::BOX_HEIGHT_MM - h) / 2.0,
            w,
            h,
            image: emblem.clone(),
        });
    }
    let mut y = 22.0;
    page.text(right, y, &t.state_line, 13.0, true, Align::Right);
    for line in doc.authority.lines_for(input.request) {
        y += 6.5;
        page.text(right, y, &line, 12.0, true, Align::Right);
    }
    y += 6.5;
    page.text(right, y, input.center_name, 11.0, false, Align::Right);
    // The validity the seal itself signs (it was frozen when the request
    // was verified), so the paper and the QR never disagree.
    let valid_from = input.request.verified_at.unwrap_or(input.issued);
    let valid_until = valid_from + chrono::Duration::days(i64::from(doc.service.validity_days));
    let mut left_lines = vec![doc.number_line.clone()];
    // A draft is issued by nobody yet: no issue date, no validity.
    if input.mark != Mark::Draft {
        left_lines.push(fill(
            &t.captions.issue_date,
            &[("date", &doc.dg(&short_date(input.issued)))],
        ));
        left_lines.push(fill(
            &t.captions.valid_until,
            &[("date", &doc.dg(&short_date(valid_until)))],
        ));
    }
    left_lines.push(fill(
        &t.captions.tracking_code,
        &[("code", &input.request.tracking_code)],
    ));
    for (i, line) in left_lines.iter().enumerate() {
        page.text(left, 22.0 + 6.5 * i as f32, line, 10.5, false, Align::Left);
    }
    y = y.max(41.5) + 6.0;
    page.rule(left, y, right, 1.2);
    (page, y)
}

/// The short header of every later page; returns where its content starts.
fn running_header(doc: &Doc<'_>, p: &mut Page) -> f32 {
    let t = doc.t;
    p.text(doc.right, 22.0, &t.state_line, 11.0, true, Align::Right);
    p.text(doc.left, 22.0, &doc.number_line, 10.0, false, Align::Left);
    p.text(
        A4.0 / 2.0,
        22.0,
        &format!("{} ({})", doc.service.name_ar, &t.captions.continued),
        10.0,
        false,
        Align::Center,
    );
    p.rule(doc.left, 26.0, doc.right, 0.6);
    34.0
}

/// Right-aligns a laid-out line at `right`.
fn push_line(page: &mut Page, right: f32, baseline: f32, line: ShapedLine) {
    let width = line.width / PT_PER_MM;
    page.items.push(Item::Text {
        x: right - width,
        baseline,
        line,
        gray: 0.0,
        angle: 0.0,
    });
}

/// The title and the certifying sentence, line by line so a long body
/// flows on.
fn title_and_body(doc: &Doc<'_>, flow: &mut Flow<'_>) {
    flow.y += 14.0;
    flow.page.text(
        A4.0 / 2.0,
        flow.y,
        &doc.service.name_ar,
        20.0,
        true,
        Align::Center,
    );
    flow.y += 12.0;
    let measure = (doc.right - doc.left) * PT_PER_MM;
    let body = doc.tpl.body.for_sex(doc.input.request.sex);
    for line in wrap(body, 12.5, false, true, measure) {
        flow.room(7.5, CONTENT_BOTTOM);
        push_line(&mut flow.page, doc.right, flow.y, line);
        flow.y += 7.5;
    }
}

/// The citizen, then the document's own fields, as a two-column table
/// read right to left: label on the right, value beside it. A long value
/// (a family's children, a full address) wraps within its column instead
/// of running off the page.
fn data_table(doc: &Doc<'_>, flow: &mut Flow<'_>) {
    const VALUE_LEADING: f32 = 6.5;
    let (req, t) = (doc.input.request, doc.t);
    let value_x = doc.right - 48.0;
    let mut rows: Vec<(String, String)> = vec![
        (t.captions.name.clone(), req.name.full()),
        (t.captions.father.clone(), req.name.father.clone()),
        (t.captions.mother.clone(), req.name.mother.clone()),
        (
            t.captions.national_id.clone(),
            doc.dg(req.national_id.as_str()),
        ),
    ];
    if let Some(gov) = doc.input.catalog.governorate(&req.governorate) {
        rows.push((t.captions.governorate.clone(), gov.name_ar.clone()));
    }
    let mut tables = Vec::new();
    for f in &doc.service.fields {
        if f.kind == FieldKind::Members {
            let list = req.document.get(&f.key).and_then(|v| members(v));
            tables.push((f.label_ar_for(req.sex).to_owned(), list.unwrap_or_default()));
            continue;
        }
        let value = req
            .document
            .get(&f.key)
            .map(|v| field_value(v))
            .unwrap_or_else(|| "—".into());
        rows.push((
            f.label_ar_for(req.sex).to_owned(),
            doc.input.digits.apply_to_value(&value),
        ));
    }
    flow.y += 4.0;
    for (label, value) in &rows {
        let lines = wrap(value, 12.0, false, true, (value_x - doc.left) * PT_PER_MM);
        let extra = VALUE_LEADING * lines.len().saturating_sub(1) as f32;
        flow.room(8.0 + extra, CONTENT_BOTTOM);
        flow.y += 8.0;
        flow.page
            .text(doc.right, flow.y, label, 12.0, true, Align::Right);
        for (i, line) in lines.into_iter().enumerate() {
            push_line(
                &mut flow.page,
                value_x,
                flow.y + VALUE_LEADING * i as f32,
                line,
            );
        }
        flow.y += extra;
        flow.page.rule(doc.left, flow.y + 2.8, doc.right, 0.3);
    }
    for (title, list) in &tables {
        members_table(doc, flow, title, list);
    }
}

/// A family's members as the record lists them: one row each, with name,
/// relation and birth date in columns read right to left.
fn members_table(doc: &Doc<'_>, flow: &mut Flow<'_>, title: &str, list: &[Member]) {
    const ROW: f32 = 7.0;
    let columns: Vec<&str> = doc.t.captions.members_columns.split('|').collect();
    // Right edges of the three columns, and the width each may fill.
    let edges = [doc.right, doc.right - 78.0, doc.right - 118.0];
    let widths = [76.0, 38.0, edges[2] - doc.left];
    flow.room(ROW * 3.0, CONTENT_BOTTOM);
    flow.y += 10.0;
    flow.page
        .text(doc.right, flow.y, title, 12.0, true, Align::Right);
    flow.y += ROW;
    for (i, caption) in columns.iter().enumerate().take(3) {
        flow.page
            .text(edges[i], flow.y, caption, 11.0, true, Align::Right);
    }
    flow.page.rule(doc.left, flow.y + 2.8, doc.right, 0.6);
    if list.is_empty() {
        flow.y += ROW;
        flow.page
            .text(doc.right, flow.y, "—", 11.0, false, Align::Right);
    }
    for m in list {
        flow.room(ROW, CONTENT_BOTTOM);
        flow.y += ROW;
        let date = doc.dg(&field_value(&m.birth_date));
        for (i, value) in [&m.name, &m.relation, &date].into_iter().enumerate() {
            // One line a cell: a name longer than its column is set smaller.
            let mut size = 11.0;
            let mut line = shape_line(value, size, false, true);
            while line.width / PT_PER_MM > widths[i] && size > 7.0 {
                size -= 0.5;
                line = shape_line(value, size, false, true);
            }
            push_line(&mut flow.page, edges[i], flow.y, line);
        }
        flow.page.rule(doc.left, flow.y + 2.8, doc.right, 0.3);
    }
}

/// Who approved the document (the supervisors whose stamps its seal
/// carries), by name: the workflow's times and counts stay on screen and
/// in the log. A draft names nobody: it is not approved yet.
fn approvals(doc: &Doc<'_>, flow: &mut Flow<'_>) {
    let (req, t) = (doc.input.request, doc.t);
    if doc.input.mark == Mark::Draft || req.stamps.is_empty() {
        return;
    }
    let names: Vec<&str> = req.stamps.iter().map(|s| s.supervisor.as_str()).collect();
    let line = fill(&t.captions.approved_by, &[("names", &names.join("، "))]);
    let measure = (doc.right - doc.left) * PT_PER_MM;
    flow.y += 6.0;
    for shaped in wrap(&line, 11.0, false, true, measure) {
        flow.room(7.0, CONTENT_BOTTOM);
        flow.y += 7.0;
        push_line(&mut flow.page, doc.right, flow.y, shaped);
    }
}

/// The official's part, beside the QR: their title, a line for their
/// signature and a dashed circle where the office's round stamp goes.
fn signatory_block(doc: &Doc<'_>, page: &mut Page) {
    let t = doc.t;
    let top = SEAL_TOP + 5.0;
    page.text(
        doc.right,
        top,
        &doc.authority.signatory,
        12.5,
        true,
        Align::Right,
    );
    page.text(
        doc.right,
        top + 10.0,
        &t.captions.signature_line,
        11.0,
        false,
        Align::Right,
    );
    let (cx, cy, r) = (
        doc.left + SEAL_SIDE + 8.0 + STAMP_RADIUS + 2.0,
        SEAL_TOP + 20.0,
        STAMP_RADIUS,
    );
    dashed_circle(page, cx, cy, r);
    let measure = (2.0 * r - 8.0) * PT_PER_MM;
    let lines = wrap(&t.captions.stamp_place, 8.5, false, true, measure);
    let leading = 4.5;
    let mut baseline = cy + 1.2 - leading / 2.0 * lines.len().saturating_sub(1) as f32;
    for line in lines {
        let width = line.width / PT_PER_MM;
        page.items.push(Item::Text {
            x: cx - width / 2.0,
            baseline,
            line,
            // Grey, as a printed hint under the ink of the real stamp.
            gray: 0.45,
            angle: 0.0,
        });
        baseline += leading;
    }
}

/// The round stamp's place: 17 mm across the radius, a standard office
/// stamp's size with a margin.
const STAMP_RADIUS: f32 = 17.0;

/// A dashed circle of short strokes (a PDF line each: no curve operator
/// needed by the page model, the PDF writer or the preview).
fn dashed_circle(page: &mut Page, cx: f32, cy: f32, r: f32) {
    const DASHES: usize = 36;
    let step = std::f32::consts::TAU / (2 * DASHES) as f32;
    for i in 0..DASHES {
        let a = step * (2 * i) as f32;
        let b = a + step;
        page.items.push(Item::Line {
            x1: cx + r * a.cos(),
            y1: cy + r * a.sin(),
            x2: cx + r * b.cos(),
            y2: cy + r * b.sin(),
            width_pt: 0.8,
        });
    }
}

/// The seal area at the foot of the page: a 60 mm square, bottom left,
/// holding the QR (or saying why there is none), the verify hint beside
/// it and the issue date in words.
fn seal_block(doc: &Doc<'_>, page: &mut Page) -> Result<()> {
    let (input, t) = (doc.input, doc.t);
    let (qx, qy) = (doc.left, SEAL_TOP);
    let sealable = matches!(input.mark, Mark::Original | Mark::Copy);
    if let Some(text) = input.seal.filter(|_| sealable) {
        let symbol = crate::seal::qr::encode(text).map_err(|e| Error::Storage(e.to_string()))?;
        page.items.push(Item::Qr {
            x: qx,
            y: qy,
            side: SEAL_SIDE,
            modules: symbol.width,
            dark: symbol.dark,
        });
    } else {
        // Why there is no seal: a draft; a copy for reading; a copy whose
        // stamps were given before the digital seal existed.
        let why = match input.mark {
            Mark::Draft => &t.captions.no_seal,
            Mark::ReadingCopy => &t.captions.no_seal_copy,
            Mark::Original | Mark::Copy => &t.captions.no_seal_legacy,
        };
        page.frame(qx, qy, SEAL_SIDE, SEAL_SIDE, 0.5);
        // Centred in the box, each line and the block.
        let lines = wrap(why, 11.0, false, true, (SEAL_SIDE - 8.0) * PT_PER_MM);
        let leading = 6.0;
        let mut baseline =
            qy + SEAL_SIDE / 2.0 + 1.5 - leading / 2.0 * lines.len().saturating_sub(1) as f32;
        for line in lines {
            let width = line.width / PT_PER_MM;
            page.items.push(Item::Text {
                x: qx + (SEAL_SIDE - width) / 2.0,
                baseline,
                line,
                gray: 0.0,
                angle: 0.0,
            });
            baseline += leading;
        }
    }
    // A draft claims nothing: no way to check it, no place or date of issue.
    if input.mark == Mark::Draft {
        return Ok(());
    }
    let h = A4.1;
    let beside = BESIDE_SEAL;
    // A copy for reading is signed by nobody.
    if matches!(input.mark, Mark::Original | Mark::Copy) {
        signatory_block(doc, page);
    }
    if let Some((number, by)) = input.copy.filter(|_| input.mark == Mark::Copy) {
        let line = fill(
            &t.captions.copy_line,
            &[("number", &doc.dg(&number.to_string())), ("by", by)],
        );
        page.paragraph(doc.right, h - 40.0, beside, &line, 11.0, 6.0);
    }
    let hint = input
        .deployment
        .verify_hint
        .as_deref()
        .unwrap_or(&t.verify_hint);
    page.paragraph(doc.right, h - 26.0, beside, hint, HINT_SIZE, 5.5);
    let date = long_date(input.issued, input.digits);
    let issued = match input.place {
        Some(place) => fill(
            &t.captions.issued_at_place,
            &[("place", place), ("date", &date)],
        ),
        None => fill(&t.captions.issued_on, &[("date", &date)]),
    };
    page.text(doc.right, h - 12.0, &issued, 9.5, false, Align::Right);
    Ok(())
}

/// The width beside the seal (mm): the copy line and the verification
/// sentence are set there.
const BESIDE_SEAL: f32 = A4.0 - 2.0 * MARGIN - SEAL_SIDE - 8.0;
/// The verification sentence's size (pt).
const HINT_SIZE: f32 = 9.5;
/// The lines the verification sentence may take beside the seal: a third
/// would run into the place and date of issue.
const HINT_LINES: usize = 2;
/// The longest verification sentence, in characters (it must also fit
/// [`HINT_LINES`] printed lines).
pub const MAX_HINT_CHARS: usize = 240;

/// Whether a verification sentence fits beside the seal.
fn verify_hint_fits(hint: &str) -> bool {
    wrap(hint, HINT_SIZE, false, true, BESIDE_SEAL * PT_PER_MM).len() <= HINT_LINES
}

/// A deployment's own verification sentence as it will print: one
/// paragraph (runs of white space made one space), not empty, at most
/// [`MAX_HINT_CHARS`] and [`HINT_LINES`] printed lines beside the seal.
/// Checked when it is set, so no print ever finds it too long.
pub fn checked_verify_hint(hint: &str) -> Result<String> {
    let hint = hint.split_whitespace().collect::<Vec<_>>().join(" ");
    if hint.is_empty() || hint.chars().any(char::is_control) {
        return Err(Error::BadInput(crate::i18n::Message::new(
            "err-verify-hint-empty",
        )));
    }
    if hint.chars().count() > MAX_HINT_CHARS || !verify_hint_fits(&hint) {
        return Err(Error::BadInput(
            crate::i18n::Message::new("err-verify-hint-too-long").arg("limit", MAX_HINT_CHARS),
        ));
    }
    Ok(hint)
}

/// Page numbers ("page n of N") when there is more than one, and the
/// DRAFT or COPY mark on every page.
fn number_and_mark(doc: &Doc<'_>, pages: &mut [Page]) {
    let (input, t) = (doc.input, doc.t);
    let total = pages.len();
    let mark = match input.mark {
        Mark::Draft => Some((&t.captions.draft, 0.85)),
        Mark::Copy | Mark::ReadingCopy => Some((&t.captions.copy, 0.88)),
        Mark::Original => None,
    };
    for (n, page) in pages.iter_mut().enumerate() {
        if total > 1 {
            let line = fill(
                &t.captions.page_of,
                &[
                    ("page", &doc.dg(&(n + 1).to_string())),
                    ("pages", &doc.dg(&total.to_string())),
                ],
            );
            page.text(doc.left, A4.1 - 12.0, &line, 9.5, false, Align::Left);
        }
        if let Some((mark, gray)) = mark {
            page.watermark(mark, 72.0, gray);
            page.text(A4.0 / 2.0, 10.5, mark, 12.0, true, Align::Center);
        }
        // A seal of demo keys proves nothing: the paper says so.
        if input.demo && matches!(input.mark, Mark::Original | Mark::Copy) {
            if input.mark == Mark::Original {
                page.watermark(&t.captions.demo_mark, 64.0, 0.86);
            }
            page.text(
                A4.0 / 2.0,
                16.0,
                &t.captions.demo_mark,
                12.0,
                true,
                Align::Center,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILTIN: &str = include_str!("../../assets/templates.json");

    fn with_captions(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
        let mut v: serde_json::Value = serde_json::from_str(BUILTIN).unwrap();
        edit(v["captions"].as_object_mut().unwrap());
        v.to_string()
    }

    #[test]
    fn the_general_verification_sentence_fits_and_a_speech_does_not() {
        let catalog = Catalog::builtin().unwrap();
        let t = Templates::builtin(&catalog).unwrap();
        assert!(verify_hint_fits(&t.verify_hint));
        assert!(!verify_hint_fits(&t.verify_hint.repeat(2)));
    }

    #[test]
    fn a_missing_or_unknown_caption_stops_the_templates_loading() {
        let catalog = Catalog::builtin().unwrap();
        assert!(Templates::from_json(BUILTIN, &catalog).is_ok());
        let missing = with_captions(|c| {
            c.remove("postal_agent");
        });
        match Templates::from_json(&missing, &catalog) {
            Err(Error::Data(d)) => assert!(d.contains("postal_agent"), "{d}"),
            other => panic!("{:?}", other.err()),
        }
        let unknown = with_captions(|c| {
            c.insert("postal_agnet".into(), "x".into());
        });
        match Templates::from_json(&unknown, &catalog) {
            Err(Error::Data(d)) => assert!(d.contains("postal_agnet"), "{d}"),
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn centers_need_a_return_address_and_no_unknown_field() {
        let catalog = Catalog::builtin().unwrap();
        let edit = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v: serde_json::Value = serde_json::from_str(BUILTIN).unwrap();
            edit(&mut v);
            Templates::from_json(&v.to_string(), &catalog).err()
        };
        let t = Templates::from_json(BUILTIN, &catalog).unwrap();
        assert_eq!(
            t.center_address("TRT01").as_deref(),
            Some("شارع الثورة، بناء المجمع الحكومي، الطابق الأرضي، طرطوس، محافظة طرطوس")
        );
        assert_eq!(t.center_address("XYZ01"), None);
        // Found by name, however its spaces were typed; an unknown one is
        // printed by its name alone.
        assert!(
            t.delivery_center_address(" مركز خدمة المواطن  في\u{A0}حمص ")
                .is_some_and(|a| a.contains("حمص"))
        );
        assert_eq!(t.delivery_center_address("مركز بريد الشعلان"), None);
        type Change = fn(&mut serde_json::Value);
        let changes: [(&str, Change); 4] = [
            ("address", |v| {
                v["centers"]["TRT01"]
                    .as_object_mut()
                    .unwrap()
                    .remove("address");
            }),
            ("streat", |v| {
                v["centers"]["DMS01"]["address"]["streat"] = "x".into();
            }),
            ("phone", |v| v["centers"]["ALP01"]["phone"] = "x".into()),
            ("governorate", |v| {
                v["delivery_centers"]["مركز خدمة المواطن في حمص"]
                    .as_object_mut()
                    .unwrap()
                    .remove("governorate");
            }),
        ];
        for (what, change) in changes {
            match edit(&change) {
                Some(Error::Data(d)) => assert!(d.contains(what), "{what}: {d}"),
                other => panic!("{what}: {other:?}"),
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("رقم {number} من {n}", &[("number", "7"), ("n", "9")]),
            "رقم\u{A0}7\u{A0}من\u{A0}9"
        );
        assert_eq!(fill("no {gap}", &[]), "no {gap}");
        // Counts in either digits keep to their words; other values leave
        // the caption's spaces as they are.
        assert_eq!(
            fill("عدد المغلفات: {count} (إلى", &[("count", "١٢")]),
            "عدد المغلفات:\u{A0}١٢\u{A0}(إلى"
        );
        assert_eq!(
            fill("الدفعة: {batch} اليوم", &[("batch", "TRT01-D01-B1")]),
            "الدفعة: TRT01-D01-B1 اليوم"
        );
    }
}
