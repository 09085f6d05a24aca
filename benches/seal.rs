//! Seal verification speed: the public HCERT cases (decode + ES256/PS256
//! check, as the `dgc` crate does) and our own seals (decode + three
//! ES256 signatures + trust and stamp rules), with decoding alone measured
//! beside each so its share of the cost is visible.
//!
//! `cargo bench --bench seal`

use std::hint::black_box;
use std::path::PathBuf;

use base64::Engine;
use chrono::NaiveDate;
use citizen_desk::demo::{DemoOptions, create_demo};
use citizen_desk::seal::crypto::{PublicKey, kid_of};
use citizen_desk::seal::{layers, verify_seal};
use citizen_desk::store::RequestRef;
use criterion::{Criterion, criterion_group, criterion_main};

struct Case {
    text: String,
    ring: Vec<(Vec<u8>, PublicKey)>,
}

/// Every HCERT case the suite expects to verify.
fn hcert_cases() -> Vec<Case> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/hcert");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap())
            else {
                continue;
            };
            if v["EXPECTEDRESULTS"]["EXPECTEDVERIFY"] != true {
                continue;
            }
            let (Some(text), Some(cert)) =
                (v["PREFIX"].as_str(), v["TESTCTX"]["CERTIFICATE"].as_str())
            else {
                continue;
            };
            let Ok(der) = base64::engine::general_purpose::STANDARD.decode(cert) else {
                continue;
            };
            let Ok(key) = PublicKey::from_certificate_der(&der) else {
                continue;
            };
            out.push(Case {
                text: text.to_owned(),
                ring: vec![(kid_of(&der).to_vec(), key)],
            });
        }
    }
    // Keep only those our verifier accepts, so every iteration does the
    // full work (a failure would stop early and flatter the figure).
    out.retain(|c| {
        layers::decode_text(&c.text, "HC1:")
            .is_ok_and(|m| citizen_desk::seal::verify::verify_sign1(&m, &c.ring))
    });
    out
}

fn hcert(c: &mut Criterion) {
    let cases = hcert_cases();
    eprintln!("{} HCERT cases verify", cases.len());
    let mut group = c.benchmark_group("hcert");
    let mut i = 0;
    group.bench_function("decode_only", |b| {
        b.iter(|| {
            i = (i + 1) % cases.len();
            let msg = layers::decode_text(&cases[i].text, "HC1:").unwrap();
            black_box(layers::claims(&msg.payload).ok())
        })
    });
    let mut i = 0;
    group.bench_function("decode_and_verify", |b| {
        b.iter(|| {
            i = (i + 1) % cases.len();
            let msg = layers::decode_text(&cases[i].text, "HC1:").unwrap();
            let claims = layers::claims(&msg.payload).ok();
            assert!(citizen_desk::seal::verify::verify_sign1(
                &msg,
                &cases[i].ring
            ));
            black_box(claims)
        })
    });
    group.finish();
}

fn own_seals(c: &mut Criterion) {
    let dir = tempfile::TempDir::new().unwrap();
    let options = DemoOptions {
        requests: 2_000,
        seed: 5,
        today: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    };
    let (mut store, _) = create_demo(dir.path(), &options).unwrap();
    let clerk = store
        .sign_in("clerk1", citizen_desk::demo::DEMO_PIN)
        .unwrap();
    let codes: Vec<String> = {
        let mut stmt = store
            .connection()
            .prepare(
                "SELECT tracking_code FROM requests WHERE state = 'approved' AND paid = 1 LIMIT 50",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let texts: Vec<String> = codes
        .iter()
        .map(|c| {
            store
                .seal_make(&clerk, &RequestRef::parse(c).unwrap())
                .unwrap()
                .text
        })
        .collect();
    let trust = store.trust_set().unwrap();
    let catalog = store.catalog().clone();
    let now = chrono::Utc::now().timestamp();
    let mut group = c.benchmark_group("own_seal");
    let mut i = 0;
    group.bench_function("decode_only", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            let msg = layers::decode_text(&texts[i], citizen_desk::seal::PREFIX).unwrap();
            black_box(citizen_desk::seal::SealClaims::from_cbor(&msg.payload).ok())
        })
    });
    let mut i = 0;
    group.bench_function("verify", |b| {
        b.iter(|| {
            i = (i + 1) % texts.len();
            let report = verify_seal(&texts[i], &trust, &catalog, now, 30 * 86_400);
            assert!(report.valid);
            black_box(report)
        })
    });
    group.finish();
}

/// What one guess of a PIN costs someone who copied a store: against a
/// sign-in PIN hash (argon2's default cost), and against a stamp key with
/// the desk key as well (argon2id, 64 MiB, eight passes, the desk key as
/// its secret). Without the desk key a stamp key cannot be guessed at all.
fn guessing(c: &mut Criterion) {
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
    let hash = argon2::Argon2::default()
        .hash_password(b"123456", &salt)
        .unwrap()
        .to_string();
    let parsed = PasswordHash::new(&hash).unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let key = citizen_desk::seal::crypto::SigningKey::generate().unwrap();
    let locked =
        citizen_desk::seal::keys::encrypt_secret(&key.to_bytes(), "123456", "kid", dir.path())
            .unwrap();
    let mut group = c.benchmark_group("guessing");
    group.sample_size(10);
    group.bench_function("pin_hash", |b| {
        b.iter(|| {
            black_box(
                argon2::Argon2::default()
                    .verify_password(b"654321", &parsed)
                    .is_err(),
            )
        })
    });
    group.bench_function("stamp_key_with_desk_key", |b| {
        b.iter(|| {
            black_box(
                citizen_desk::seal::keys::decrypt_secret(&locked, "654321", "kid", dir.path())
                    .is_err(),
            )
        })
    });
    group.finish();
    let _ = std::fs::remove_file(citizen_desk::seal::keys::desk_key_path(dir.path()).unwrap());
}

criterion_group!(benches, hcert, own_seals, guessing);
criterion_main!(benches);
