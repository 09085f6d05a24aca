//! Demo data: a center, a desk, the demo users and N realistic requests,
//! deterministic for a given seed and "today". Demo rows are local only:
//! they never enter the outbox, so a demo store cannot leak into a hub.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::catalog::FieldKind;
use crate::domain::request::{canonical_content, content_digest};
use crate::domain::tracking::tracking_code;
use crate::domain::{
    Catalog, Channel, CitizenName, Delivery, DeliveryPlace, NationalId, Payment, Request, Role,
    Stamp, State, WorkCalendar,
};
use crate::error::{Error, Result};
use crate::seal::crypto::SigningKey;
use crate::store::Store;
use crate::store::{NewRow, seal_claims_for, sign_as};

/// Demo only. Printed by the command and stated in the README.
pub const DEMO_PIN: &str = "123456";
pub const DEMO_CENTER: &str = "TRT01";
pub const DEMO_DESK: &str = "D01";
pub const DEMO_USERS: [(&str, Role); 5] = [
    ("admin", Role::Admin),
    ("clerk1", Role::Clerk),
    ("clerk2", Role::Clerk),
    ("supervisor1", Role::Supervisor),
    ("supervisor2", Role::Supervisor),
];

/// The demo staff's full names, printed on documents (stamp lines, the
/// hand-over manifest).
pub const DEMO_FULL_NAMES: [(&str, &str); 5] = [
    ("admin", "مازن العمر"),
    ("clerk1", "رنا الخطيب"),
    ("clerk2", "علاء السيد"),
    ("supervisor1", "سامر الحلبي"),
    ("supervisor2", "ريم الشامي"),
];

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub requests: u64,
    pub seed: u64,
    /// Every generated event happens before midnight (Damascus) that starts
    /// this day; with the seed it fixes the data completely.
    pub today: NaiveDate,
}

#[derive(Clone, Debug, Serialize)]
pub struct DemoReport {
    pub center: String,
    pub desk: String,
    pub users: Vec<(String, Role)>,
    pub pin: String,
    pub requests: u64,
    pub by_state: Vec<(State, u64)>,
}

/// SplitMix64: tiny, fast and stable across versions, unlike a library RNG
/// whose stream may change with an upgrade and break "deterministic".
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const MALE: &[&str] = &[
    "محمد",
    "أحمد",
    "علي",
    "حسن",
    "حسين",
    "خالد",
    "عمر",
    "يوسف",
    "إبراهيم",
    "محمود",
    "مصطفى",
    "سامر",
    "رامي",
    "فادي",
    "باسل",
    "وائل",
    "ماهر",
    "جورج",
    "إلياس",
    "طارق",
    "زياد",
    "نزار",
    "هشام",
    "عماد",
    "كريم",
    "سليم",
    "أنس",
    "معاذ",
    "غسان",
    "عبد الرحمن",
];
const FEMALE: &[&str] = &[
    "فاطمة",
    "مريم",
    "نور",
    "سارة",
    "ريم",
    "هبة",
    "رنا",
    "لينا",
    "ديما",
    "سلمى",
    "زينب",
    "آمنة",
    "رغد",
    "لمى",
    "جنى",
    "ماريا",
    "رهف",
    "دعاء",
    "إيمان",
    "هالة",
    "سوسن",
    "منى",
    "نادية",
    "سعاد",
    "عبير",
    "ربا",
    "يارا",
    "شهد",
    "بتول",
    "غادة",
];
const FAMILY: &[&str] = &[
    "الأحمد",
    "الحسن",
    "الخطيب",
    "الشامي",
    "الحلبي",
    "العلي",
    "الزعبي",
    "القاسم",
    "الحمصي",
    "الدمشقي",
    "السيد",
    "النجار",
    "الحداد",
    "العمر",
    "الخوري",
    "الصباغ",
    "الأسعد",
    "المحمد",
    "الإبراهيم",
    "العثمان",
    "الحموي",
    "الطرطوسي",
    "الحسيني",
    "البيطار",
    "الدروبي",
    "الجندي",
    "الأيوبي",
    "سلوم",
    "ديب",
    "عيسى",
];
const NEIGHBOURHOODS: &[&str] = &[
    "المزة",
    "الميدان",
    "الزهراء",
    "الشيخ ضاهر",
    "القصور",
    "الجميلية",
    "الحمراء",
    "الفرقان",
    "الإنشاءات",
    "المشروع الثامن",
    "الرمل الشمالي",
    "الغوطة",
    "القدم",
    "الصليبة",
];
const STREETS: &[&str] = &[
    "الثورة",
    "بغداد",
    "الجلاء",
    "النصر",
    "القوتلي",
    "الحرية",
    "الكورنيش",
    "الوحدة",
    "الجامعة",
];
const REJECT_REASONS: &[&str] = &[
    "البيانات غير مطابقة للوثيقة الصادرة",
    "صورة الهوية غير واضحة",
    "طلب مكرر لنفس الوثيقة",
];
const CANCEL_REASONS: &[&str] = &["بناءً على طلب المواطن", "خطأ في نوع الخدمة المطلوبة"];
const PURPOSES: &[&str] = &[
    "لتقديمه إلى جهة عامة",
    "لاستكمال معاملة سفر",
    "للتقديم إلى وظيفة",
    "لتقديمه إلى المصرف",
];
const CERTIFICATES: &[&str] = &[
    "الشهادة الثانوية العامة - الفرع العلمي",
    "الشهادة الثانوية العامة - الفرع الأدبي",
    "شهادة التعليم الأساسي",
];

/// The state mix: a desk with work at every stage.
const STATE_WEIGHTS: [(State, u64); 8] = [
    (State::Received, 22),
    (State::Verified, 12),
    (State::Approved, 14),
    (State::Printed, 10),
    (State::Enveloped, 10),
    (State::Dispatched, 22),
    (State::Rejected, 5),
    (State::Cancelled, 5),
];

fn pick_state(rng: &mut Rng) -> State {
    let total: u64 = STATE_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.below(total);
    for (state, w) in STATE_WEIGHTS {
        if roll < w {
            return state;
        }
        roll -= w;
    }
    State::Received
}

fn uuid_like(rng: &mut Rng) -> String {
    let a = rng.next();
    let b = rng.next();
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0x0fff,
        (b >> 48) & 0x3fff | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

fn date_in(rng: &mut Rng, from_year: i32, to_year: i32) -> String {
    let year = from_year + rng.below((to_year - from_year + 1) as u64) as i32;
    format!(
        "{year:04}-{:02}-{:02}",
        1 + rng.below(12),
        1 + rng.below(28)
    )
}

struct Citizen {
    national_id: NationalId,
    name: CitizenName,
    female: bool,
    governorate: usize,
}

/// A person is a pure function of their index, so the same citizen comes
/// back for several requests (a lookup returns all of them).
fn citizen(seed: u64, index: u64, governorates: usize) -> Citizen {
    let mut rng = Rng(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
    let governorate = rng.below(governorates as u64) as usize;
    let female = rng.chance(50);
    let digits = format!(
        "{:02}{:02}{:07}",
        governorate + 1,
        1 + rng.below(40),
        index % 10_000_000
    );
    let national_id =
        NationalId::parse(&digits).unwrap_or_else(|_| unreachable!("11 digits by construction"));
    let first = if female {
        *rng.pick(FEMALE)
    } else {
        *rng.pick(MALE)
    };
    let name = CitizenName {
        first: first.to_owned(),
        father: rng.pick(MALE).to_string(),
        mother: rng.pick(FEMALE).to_string(),
        family: rng.pick(FAMILY).to_string(),
    };
    Citizen {
        national_id,
        name,
        female,
        governorate,
    }
}

fn field_value(rng: &mut Rng, key: &str, kind: &FieldKind, who: &Citizen, gov_ar: &str) -> String {
    if *kind == FieldKind::Date {
        return match key {
            "birth_date" => date_in(rng, 1950, 2008),
            _ => date_in(rng, 1995, 2025),
        };
    }
    match key {
        "birth_place" => gov_ar.to_owned(),
        "registry_place" => format!("{gov_ar} / {}", 1 + rng.below(999)),
        "marital_status" => {
            let options: &[&str] = if who.female {
                &["عزباء", "متزوجة", "مطلقة", "أرملة"]
            } else {
                &["عازب", "متزوج", "مطلق", "أرمل"]
            };
            rng.pick(options).to_string()
        }
        "spouse_name" => {
            let first = if who.female {
                rng.pick(MALE)
            } else {
                rng.pick(FEMALE)
            };
            format!("{first} {} {}", rng.pick(MALE), rng.pick(FAMILY))
        }
        "children" => {
            let n = rng.below(4);
            if n == 0 {
                "لا يوجد".to_owned()
            } else {
                (0..n)
                    .map(|_| {
                        if rng.chance(50) {
                            *rng.pick(MALE)
                        } else {
                            *rng.pick(FEMALE)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("، ")
            }
        }
        "court" => format!("المحكمة الشرعية في {gov_ar}"),
        "verdict" => "لا حكم عليه".to_owned(),
        "purpose" => rng.pick(PURPOSES).to_string(),
        "statement" => "غير عامل في الجهات العامة ولا يتقاضى أجراً منها".to_owned(),
        "certificate" => rng.pick(CERTIFICATES).to_string(),
        "year" => {
            let y = 2005 + rng.below(20);
            format!("{y}-{}", y + 1)
        }
        "directorate" => format!("مديرية التربية في {gov_ar}"),
        "grade" => format!("{} / 2900", 1500 + rng.below(1400)),
        _ => String::new(),
    }
}

struct DemoCtx {
    catalog: Catalog,
    calendar: WorkCalendar,
    center: String,
    desk: String,
    midnight: DateTime<Utc>,
    /// The demo supervisors' stamp keys: (name, kid, key).
    stamp_keys: Vec<(String, Vec<u8>, SigningKey)>,
}

/// One request, deterministic in (seed, index). Document numbers come from
/// the index (so chunks can be made in parallel); gaps are rows that were
/// never verified.
/// Where and when demo requests are made.
pub struct GenCtx<'a> {
    pub catalog: &'a Catalog,
    pub calendar: &'a WorkCalendar,
    pub center: &'a str,
    pub midnight: DateTime<Utc>,
}

/// A request as the citizen submitted it (state `received`), its age
/// chosen to fit the state it will be brought to.
fn base_request(
    rng: &mut Rng,
    seed: u64,
    index: u64,
    total: u64,
    choose_state: fn(&mut Rng) -> State,
    g: &GenCtx<'_>,
) -> (Request, State) {
    let (catalog, midnight) = (g.catalog, g.midnight);
    // About four requests for every three people.
    let who = citizen(
        seed,
        rng.below(total * 3 / 4 + 1),
        catalog.governorates.len(),
    );
    let gov = &catalog.governorates[who.governorate];
    let service = &catalog.services[rng.below(catalog.services.len() as u64) as usize];
    // Drawn here, between the service and the age, so the demo data stays
    // what it was before this function was split out.
    let state = choose_state(rng);
    // Work further along is older: today's queue is mostly new requests,
    // the post has last month's.
    let (min_days, max_days) = match state {
        State::Received => (0, 2),
        State::Verified | State::Approved => (0, 4),
        State::Printed | State::Enveloped => (1, 6),
        State::Dispatched | State::Delivered | State::Returned => (2, 30),
        State::Rejected | State::Cancelled => (0, 30),
    };
    let age = min_days * 86_400 + 1 + rng.below((max_days - min_days) * 86_400);
    let submitted = midnight - Duration::seconds(age as i64);
    let paid = if matches!(
        state,
        State::Received | State::Verified | State::Approved | State::Cancelled
    ) {
        !rng.chance(8)
    } else {
        true
    };
    let document = service
        .fields
        .iter()
        .map(|f| {
            (
                f.key.clone(),
                field_value(rng, &f.key, &f.kind, &who, &gov.name_ar),
            )
        })
        .collect();
    let delivery = if rng.chance(60) {
        DeliveryPlace::Address {
            address: format!(
                "{}، حي {}، شارع {}، بناء {}، طابق {}",
                gov.name_ar,
                rng.pick(NEIGHBOURHOODS),
                rng.pick(STREETS),
                1 + rng.below(60),
                rng.below(8)
            ),
        }
    } else {
        DeliveryPlace::Center {
            center: format!("مركز خدمة المواطن في {}", gov.name_ar),
        }
    };
    let req = Request {
        id: uuid_like(rng),
        tracking_code: tracking_code((10_000_000 + index) as u32),
        center: g.center.to_owned(),
        national_id: who.national_id.clone(),
        name: who.name,
        governorate: gov.code.clone(),
        service: service.code.clone(),
        submitted_at: submitted,
        channel: if rng.chance(70) {
            Channel::App
        } else {
            Channel::Web
        },
        payment: Payment {
            paid,
            bank: paid.then(|| rng.pick(&catalog.banks).code.clone()),
            fee_syp: service.fee_syp,
        },
        delivery: Delivery {
            place: delivery,
            phone: format!("09{:08}", rng.below(100_000_000)),
        },
        document,
        state: State::Received,
        stamps: Vec::new(),
        stamps_required: service.required_stamps,
        document_number: None,
        verified_by: None,
        verified_at: None,
        content_digest: None,
        reason: None,
        printed_count: 0,
        due_at: g.calendar.due_at(&service.class, submitted),
        updated_at: submitted,
    };
    (req, state)
}

impl DemoCtx {
    fn gen_ctx(&self) -> GenCtx<'_> {
        GenCtx {
            catalog: &self.catalog,
            calendar: &self.calendar,
            center: &self.center,
            midnight: self.midnight,
        }
    }
}

/// New requests waiting at a center, as the hub's demo seeds them:
/// deterministic in (seed, index), tracking codes unique per `index`.
pub fn incoming_request(seed: u64, index: u64, total: u64, g: &GenCtx<'_>) -> Request {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
    base_request(&mut rng, seed, index, total, |_| State::Received, g).0
}

fn demo_request(seed: u64, index: u64, total: u64, ctx: &DemoCtx) -> NewRow {
    let midnight = ctx.midnight;
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
    let (mut req, mut state) =
        base_request(&mut rng, seed, index, total, pick_state, &ctx.gen_ctx());
    let service = ctx
        .catalog
        .service(&req.service)
        .expect("demo requests use catalog services");
    let submitted = req.submitted_at;
    let at = |offset_secs: u64| {
        (submitted + Duration::seconds(offset_secs as i64)).min(midnight - Duration::seconds(1))
    };
    // Rejections and cancellations happen before or after verification.
    let closed_late = matches!(state, State::Rejected | State::Cancelled) && rng.chance(50);
    let verified =
        !matches!(state, State::Received | State::Rejected | State::Cancelled) || closed_late;
    let mut frozen = None;
    let mut seal_payload = None;
    let mut stamp_signatures = Vec::new();
    if verified {
        let number = format!("{}-{}-{:07}", ctx.center, ctx.desk, index + 1);
        let content = canonical_content(&req, &number);
        req.content_digest = Some(content_digest(&content));
        req.document_number = Some(number);
        req.verified_by = Some(if rng.chance(50) { "clerk1" } else { "clerk2" }.to_owned());
        req.verified_at = Some(at(3_600 + rng.below(6 * 3_600)));
        frozen = Some(content);
        let supervisors = ["supervisor1", "supervisor2"];
        let full = service.required_stamps.min(supervisors.len() as u32) as usize;
        let stamps = match state {
            State::Verified => rng.below(full as u64) as usize,
            State::Rejected | State::Cancelled => 0,
            _ => full,
        };
        let payload = seal_claims_for(&req, service)
            .map(|c| c.to_cbor())
            .unwrap_or_default();
        for (i, who) in supervisors.iter().take(stamps).enumerate() {
            let stamped_at = at(8 * 3_600 + i as u64 * 600);
            // Signing is the costly part of a million-row demo: only the
            // stamps of requests still at the desk are signed. Requests that
            // were printed earlier carry unsigned stamps, like stores from
            // before the seal existed (their seal cannot be re-issued).
            let at_desk = matches!(state, State::Verified | State::Approved);
            if let Some((name, kid, key)) = ctx
                .stamp_keys
                .iter()
                .find(|(n, _, _)| n == who)
                .filter(|_| at_desk)
            {
                let (protected, sig) = sign_as(
                    key,
                    kid,
                    name,
                    "supervisor",
                    stamped_at.timestamp(),
                    &payload,
                );
                stamp_signatures.push((hex::encode(kid), protected, sig));
            }
            req.stamps.push(Stamp {
                supervisor: (*who).to_owned(),
                stamped_at,
            });
        }
        seal_payload = Some(payload);
        if state == State::Approved && full < service.required_stamps as usize {
            state = State::Verified; // more stamps required than demo supervisors
        }
    }
    if matches!(state, State::Printed | State::Enveloped | State::Dispatched) {
        req.printed_count = 1;
    }
    match state {
        State::Rejected => req.reason = Some(rng.pick(REJECT_REASONS).to_string()),
        State::Cancelled => req.reason = Some(rng.pick(CANCEL_REASONS).to_string()),
        _ => {}
    }
    req.state = state;
    req.updated_at = at(9 * 3_600);
    NewRow {
        req,
        frozen_content: frozen,
        seal_payload,
        stamp_signatures,
        enveloped_at_desk: (state == State::Enveloped).then(|| DEMO_DESK.to_owned()),
    }
}

/// Midnight (Damascus) at the start of `today`, in UTC.
pub use crate::domain::calendar::damascus_midnight;

/// Creates the demo store in an empty data directory.
pub fn create_demo(
    data_dir: &std::path::Path,
    options: &DemoOptions,
) -> Result<(Store, DemoReport)> {
    if options.requests > 50_000_000 {
        return Err(Error::bad_input("err-demo-too-many"));
    }
    let mut store = Store::create(data_dir, DEMO_CENTER, DEMO_DESK, true)?;
    for (name, role) in DEMO_USERS {
        store.bootstrap_user(name, role, DEMO_PIN, "demo")?;
    }
    for (name, full_name) in DEMO_FULL_NAMES {
        store.connection().execute(
            "UPDATE users SET full_name = ?2 WHERE name = ?1",
            [name, full_name],
        )?;
    }
    // Demo keys are valid from before the oldest demo event, so the
    // signatures on last month's demo stamps verify.
    let demo_epoch = (damascus_midnight(options.today) - Duration::days(31)).timestamp();
    store.connection().execute(
        "UPDATE keys SET valid_from = ?1 WHERE demo = 1",
        [demo_epoch],
    )?;
    let mut stamp_keys = Vec::new();
    for (name, role) in DEMO_USERS {
        if role == Role::Supervisor {
            let (kid, key) = store.unlock_stamp_key(name, DEMO_PIN)?;
            stamp_keys.push((name.to_owned(), kid, key));
        }
    }
    let ctx = DemoCtx {
        catalog: store.catalog().clone(),
        calendar: store.calendar().clone(),
        center: DEMO_CENTER.into(),
        desk: store.desk().to_owned(),
        midnight: damascus_midnight(options.today),
        stamp_keys,
    };
    let (total, seed) = (options.requests, options.seed);
    store.bulk_load(|insert| {
        // Two generators make alternate chunks (signing stamps is the heavy
        // part); this thread inserts them in order.
        const CHUNK: u64 = 10_000;
        const WORKERS: u64 = 2;
        let chunks = total.div_ceil(CHUNK);
        std::thread::scope(|scope| {
            let mut receivers = Vec::new();
            for worker in 0..WORKERS {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<NewRow>>(2);
                receivers.push(rx);
                let ctx = &ctx;
                scope.spawn(move || {
                    let mut chunk = worker;
                    while chunk < chunks {
                        let start = chunk * CHUNK;
                        let rows = (start..(start + CHUNK).min(total))
                            .map(|i| demo_request(seed, i, total, ctx))
                            .collect();
                        if tx.send(rows).is_err() {
                            return; // the inserter stopped on an error
                        }
                        chunk += WORKERS;
                    }
                });
            }
            for chunk in 0..chunks {
                let rows = receivers[(chunk % WORKERS) as usize]
                    .recv()
                    .map_err(|_| Error::Storage("demo generator stopped".into()))?;
                for row in &rows {
                    insert(row)?;
                }
            }
            Ok(total)
        })
    })?;
    let by_state = store.count_by_state()?;
    let now = store.now();
    store.audit_only(
        now,
        "demo",
        "demo_created",
        DEMO_CENTER,
        &format!("{total} requests, seed {seed}, today {}", options.today),
    )?;
    let report = DemoReport {
        center: DEMO_CENTER.into(),
        desk: DEMO_DESK.into(),
        users: DEMO_USERS
            .iter()
            .map(|(n, r)| ((*n).to_owned(), *r))
            .collect(),
        pin: DEMO_PIN.into(),
        requests: total,
        by_state,
    };
    Ok((store, report))
}
