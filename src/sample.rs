//! Sample citizens and requests: realistic, deterministic for a seed, and
//! only data (no storage), so that the desk's demo store and the hub's demo
//! are filled from the same place without the hub knowing desk stores.

use chrono::{DateTime, Duration, Utc};

use crate::domain::catalog::FieldKind;
use crate::domain::tracking::tracking_code;
use crate::domain::{
    Catalog, Channel, CitizenName, Delivery, DeliveryPlace, NationalId, Payment, Request, Sex,
    State, WorkCalendar,
};

/// SplitMix64: tiny, fast and stable across versions, unlike a library RNG
/// whose stream may change with an upgrade and break "deterministic".
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
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
pub(crate) const REJECT_REASONS: &[&str] = &[
    "البيانات غير مطابقة للوثيقة الصادرة",
    "صورة الهوية غير واضحة",
    "طلب مكرر لنفس الوثيقة",
];
pub(crate) const CANCEL_REASONS: &[&str] = &["بناءً على طلب المواطن", "خطأ في نوع الخدمة المطلوبة"];
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

pub(crate) fn pick_state(rng: &mut Rng) -> State {
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
        "members" => family_members(rng, who),
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
        "verdict" => if who.female {
            "غير محكوم عليها"
        } else {
            "غير محكوم عليه"
        }
        .to_owned(),
        "purpose" => rng.pick(PURPOSES).to_string(),
        "statement" => if who.female {
            "غير عاملة في الجهات العامة ولا تتقاضى أجراً منها"
        } else {
            "غير عامل في الجهات العامة ولا يتقاضى أجراً منها"
        }
        .to_owned(),
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

/// A family record: its holder, a spouse when married, and children, each
/// with their relation and birth date (the JSON list documents print as a
/// table).
fn family_members(rng: &mut Rng, who: &Citizen) -> String {
    use crate::domain::catalog::Member;
    let family = &who.name.family;
    let holder_born = 1955 + rng.below(40) as i32;
    let mut members = vec![Member {
        name: who.name.full(),
        relation: if who.female {
            "صاحبة القيد"
        } else {
            "صاحب القيد"
        }
        .to_owned(),
        birth_date: date_in(rng, holder_born, holder_born),
    }];
    if rng.chance(80) {
        let (relation, first) = if who.female {
            ("الزوج", *rng.pick(MALE))
        } else {
            ("الزوجة", *rng.pick(FEMALE))
        };
        members.push(Member {
            name: format!("{first} {} {}", rng.pick(MALE), rng.pick(FAMILY)),
            relation: relation.to_owned(),
            birth_date: date_in(rng, holder_born - 3, holder_born + 5),
        });
    }
    // Children carry the father's family name.
    let father_first = if who.female {
        members
            .get(1)
            .map(|m| m.name.split(' ').next().unwrap_or("").to_owned())
    } else {
        Some(who.name.first.clone())
    };
    let children_family = if who.female {
        members
            .get(1)
            .and_then(|m| m.name.rsplit(' ').next().map(str::to_owned))
    } else {
        Some(family.clone())
    };
    if let (Some(father), Some(family)) = (father_first, children_family) {
        for _ in 0..rng.below(5) {
            let son = rng.chance(50);
            let first = if son {
                rng.pick(MALE)
            } else {
                rng.pick(FEMALE)
            };
            members.push(Member {
                name: format!("{first} {father} {family}"),
                relation: if son { "ابن" } else { "ابنة" }.to_owned(),
                birth_date: date_in(rng, holder_born + 20, (holder_born + 45).min(2025)),
            });
        }
    }
    serde_json::to_string(&members).unwrap_or_default()
}

/// Where and when demo requests are made.
pub struct GenCtx<'a> {
    pub catalog: &'a Catalog,
    pub calendar: &'a WorkCalendar,
    pub center: &'a str,
    pub midnight: DateTime<Utc>,
}

/// A request as the citizen submitted it (state `received`), its age
/// chosen to fit the state it will be brought to.
pub(crate) fn base_request(
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
        sex: Some(if who.female { Sex::Female } else { Sex::Male }),
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

/// New requests waiting at a center, as the hub's demo seeds them:
/// deterministic in (seed, index), tracking codes unique per `index`.
pub fn incoming_request(seed: u64, index: u64, total: u64, g: &GenCtx<'_>) -> Request {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
    base_request(&mut rng, seed, index, total, |_| State::Received, g).0
}
