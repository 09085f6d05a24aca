//! Demo data: a center, a desk, the demo users and N realistic requests,
//! deterministic for a given seed and "today". Demo rows are local only:
//! they never enter the outbox, so a demo store cannot leak into a hub.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::domain::request::{canonical_content, content_digest};
use crate::domain::{Catalog, Role, Stamp, State, WorkCalendar};
use crate::error::{Error, Result};
use crate::sample::{CANCEL_REASONS, GenCtx, REJECT_REASONS, Rng, base_request, pick_state};
use crate::seal::crypto::SigningKey;
use crate::seal::payment;
use crate::store::Store;
use crate::store::{NewRow, PAYMENT_KEY, PaymentProof, seal_claims_for, sign_as};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

/// A chunk of demo rows with its signed payment facts.
type SignedChunk = (Vec<NewRow>, Vec<u8>, Vec<u8>);

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

struct DemoCtx {
    catalog: Catalog,
    calendar: WorkCalendar,
    center: String,
    desk: String,
    midnight: DateTime<Utc>,
    /// The demo supervisors' stamp keys: (name, kid, key).
    stamp_keys: Vec<(String, Vec<u8>, SigningKey)>,
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

/// One request, deterministic in (seed, index). Document numbers come from
/// the index (so chunks can be made in parallel); gaps are rows that were
/// never verified.
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
        payment_proof: None,
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
    // The demo's published recovery key (demo backups are not secret).
    store.initial_backup_key()?;
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
    // The demo's stand-in for the hub signs its payment facts, as the
    // hub signs what desks pull; its private half is dropped here.
    let payments = SigningKey::generate().map_err(|e| Error::Storage(e.to_string()))?;
    let signer = B64.encode(payments.public_point());
    store.connection().execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        [PAYMENT_KEY, signer.as_str()],
    )?;
    let (total, seed) = (options.requests, options.seed);
    store.bulk_load(|load| {
        // Two generators make alternate chunks (signing stamps is the heavy
        // part); this thread inserts them in order. A chunk is one signed
        // page of payment facts.
        const CHUNK: u64 = payment::MAX_PAGE as u64;
        const WORKERS: u64 = 2;
        let chunks = total.div_ceil(CHUNK);
        std::thread::scope(|scope| {
            let mut receivers = Vec::new();
            for worker in 0..WORKERS {
                let (tx, rx) = std::sync::mpsc::sync_channel::<SignedChunk>(2);
                receivers.push(rx);
                let (ctx, payments) = (&ctx, &payments);
                scope.spawn(move || {
                    let mut chunk = worker;
                    while chunk < chunks {
                        let start = chunk * CHUNK;
                        let rows: Vec<NewRow> = (start..(start + CHUNK).min(total))
                            .map(|i| demo_request(seed, i, total, ctx))
                            .collect();
                        let digests = payment::page_digests(rows.iter().map(|r| &r.req));
                        let signature = payment::sign_page(payments, &digests);
                        if tx.send((rows, digests, signature)).is_err() {
                            return; // the inserter stopped on an error
                        }
                        chunk += WORKERS;
                    }
                });
            }
            for chunk in 0..chunks {
                let (rows, digests, signature) = receivers[(chunk % WORKERS) as usize]
                    .recv()
                    .map_err(|_| Error::Storage("demo generator stopped".into()))?;
                let page = load.payment_page(&signer, &digests, &signature)?;
                for (index, mut row) in rows.into_iter().enumerate() {
                    row.payment_proof = Some(PaymentProof {
                        page,
                        index: index as u32,
                    });
                    load.row(&row)?;
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
