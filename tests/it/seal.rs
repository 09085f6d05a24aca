//! The QR seal end to end on real stores: make, print-size PNG, decode with
//! rqrr, verify; and every way a seal must fail.

use crate::common::*;
use chrono::{Duration, Utc};
use citizen_desk::Error;
use citizen_desk::seal::cose::{CoseMessage, encode_sign};
use citizen_desk::seal::layers::{self, encode_text};
use citizen_desk::seal::{Invalid, PREFIX, SealClaims, Warning, qr, verify_seal};
use citizen_desk::store::{MAX_QR_VERSION, RequestRef, Store};

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

fn approved_seal(store: &mut Store, stamps: u32) -> (String, citizen_desk::store::IssuedSeal) {
    let code = find(
        store,
        &format!("state = 'approved' AND paid = 1 AND stamps_required = {stamps}"),
    );
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let seal = store
        .seal_make(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    (code, seal)
}

fn check(store: &Store, text: &str) -> citizen_desk::seal::SealReport {
    verify_seal(
        text,
        &store.trust_set().unwrap(),
        store.catalog(),
        Utc::now().timestamp(),
        30 * DAY,
    )
}

#[test]
fn a_printed_size_qr_decodes_and_verifies() {
    let (_dir, mut store) = demo_store(400);
    for stamps in [1, 2] {
        let (_, seal) = approved_seal(&mut store, stamps);
        assert!(seal.text.starts_with(PREFIX));
        assert!(
            seal.qr_version <= MAX_QR_VERSION,
            "QR version {}",
            seal.qr_version
        );
        // Print size at 150 dpi: 0.5 mm modules are 2.95 px, so 3 px.
        let symbol = qr::encode(&seal.text).unwrap();
        let png = qr::to_png(&symbol, 3);
        let decoded = qr::decode_image(&png).unwrap();
        assert_eq!(decoded, vec![seal.text.clone()]);
        let report = check(&store, &decoded[0]);
        assert!(report.valid, "{:?}", report.invalid);
        assert_eq!(report.claims.as_ref().unwrap(), &seal.claims);
        assert_eq!(report.signers.len() as u32, stamps + 1);
        assert!(report.signers.iter().all(|s| s.verified));
        assert!(
            report
                .warnings
                .iter()
                .any(|w| matches!(w, Warning::DemoKey { .. })),
            "demo keys are flagged"
        );
    }
}

#[test]
fn changing_any_payload_byte_or_field_breaks_the_seal() {
    let (_dir, mut store) = demo_store(300);
    let (_, seal) = approved_seal(&mut store, 1);
    let msg = layers::decode_text(&seal.text, PREFIX).unwrap();
    let sigs: Vec<(Vec<u8>, Vec<u8>)> = msg
        .signatures
        .iter()
        .map(|s| (s.protected_bytes.clone(), s.signature.clone()))
        .collect();
    for i in 0..msg.payload.len() {
        let mut payload = msg.payload.clone();
        payload[i] ^= 0x01;
        let text = encode_text(&encode_sign(&payload, &sigs), PREFIX);
        let report = check(&store, &text);
        assert!(!report.valid, "flipping payload byte {i} went unnoticed");
    }
    // Re-encode the claims with one field changed at a time.
    let claims = SealClaims::from_cbor(&msg.payload).unwrap();
    let mut variants = Vec::new();
    let mut c = claims.clone();
    c.document.national_id = "99999999999".into();
    variants.push(c);
    let mut c = claims.clone();
    c.document.full_name_ar.push('ي');
    variants.push(c);
    let mut c = claims.clone();
    c.expires_at += YEAR;
    variants.push(c);
    for key in claims.document.fields.keys() {
        let mut c = claims.clone();
        c.document.fields.insert(key.clone(), "قيمة أخرى".into());
        variants.push(c);
    }
    for changed in variants {
        let text = encode_text(&encode_sign(&changed.to_cbor(), &sigs), PREFIX);
        let report = check(&store, &text);
        assert!(
            matches!(report.invalid, Some(Invalid::BadSignature { .. })),
            "{:?}",
            report.invalid
        );
        assert_eq!(
            report.claims.as_ref(),
            Some(&changed),
            "the decoded fields are still shown"
        );
    }
    // Changing a signature byte, or a stamp's header, breaks it too.
    let mut bad = sigs.clone();
    bad[0].1[10] ^= 0x80;
    assert!(
        !check(
            &store,
            &encode_text(&encode_sign(&msg.payload, &bad), PREFIX)
        )
        .valid
    );
    let mut bad = sigs.clone();
    let last = bad[0].0.len() - 1;
    bad[0].0[last] ^= 0x01; // the stamp time
    assert!(
        !check(
            &store,
            &encode_text(&encode_sign(&msg.payload, &bad), PREFIX)
        )
        .valid
    );
}

#[test]
fn each_failure_is_named() {
    let (_dir, mut store) = demo_store(300);
    let (_, seal) = approved_seal(&mut store, 2);
    let msg = layers::decode_text(&seal.text, PREFIX).unwrap();
    let sigs: Vec<(Vec<u8>, Vec<u8>)> = msg
        .signatures
        .iter()
        .map(|s| (s.protected_bytes.clone(), s.signature.clone()))
        .collect();
    let now = Utc::now().timestamp();
    let trust = store.trust_set().unwrap();
    let cat = store.catalog().clone();
    let reason = |text: &str, at: i64| verify_seal(text, &trust, &cat, at, 30 * DAY).invalid;

    assert!(matches!(
        reason("HC1:ABC", now),
        Some(Invalid::BadPrefix { .. })
    ));
    assert!(matches!(
        reason("SY1:ZZ", now),
        Some(Invalid::BadBase45 { .. })
    ));
    assert!(matches!(
        reason("SY1:BB8", now),
        Some(Invalid::BadZlib { .. })
    ));
    let not_cose = encode_text(b"\x01\x02\x03", PREFIX);
    assert!(matches!(
        reason(&not_cose, now),
        Some(Invalid::BadCose { .. })
    ));
    // One stamp fewer than the service needs (the center still signed).
    let fewer = encode_text(&encode_sign(&msg.payload, &sigs[1..]), PREFIX);
    assert_eq!(
        reason(&fewer, now),
        Some(Invalid::MissingStamps { have: 1, need: 2 })
    );
    // The same stamp twice does not count twice.
    let twice = vec![sigs[0].clone(), sigs[0].clone(), sigs[2].clone()];
    assert_eq!(
        reason(
            &encode_text(&encode_sign(&msg.payload, &twice), PREFIX),
            now
        ),
        Some(Invalid::MissingStamps { have: 1, need: 2 })
    );
    // No center signature.
    let no_center = encode_text(&encode_sign(&msg.payload, &sigs[..2]), PREFIX);
    assert_eq!(
        reason(&no_center, now),
        Some(Invalid::MissingCenterSignature)
    );
    // Expired, and not yet valid.
    assert!(matches!(
        reason(&seal.text, seal.claims.expires_at + 1),
        Some(Invalid::Expired { .. })
    ));
    assert!(matches!(
        reason(&seal.text, seal.claims.issued_at - DAY),
        Some(Invalid::NotYetValid { .. })
    ));
    // An empty trust list knows no key.
    let empty = citizen_desk::seal::TrustSet::default();
    assert!(matches!(
        verify_seal(&seal.text, &empty, &cat, now, 30 * DAY).invalid,
        Some(Invalid::UnknownKey { .. })
    ));
    // An old trust list warns but does not invalidate.
    let report = verify_seal(&seal.text, &trust, &cat, now + 2 * DAY, DAY);
    assert!(report.valid);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::TrustListOld { .. }))
    );
    for w in &report.warnings {
        assert!(!w.message().text(citizen_desk::i18n::Lang::Ar).is_empty());
    }
}

#[test]
fn revoked_keys_fail_and_retired_keys_keep_their_old_signatures() {
    let (_dir, mut store) = demo_store(400);
    let (_, before_reset) = approved_seal(&mut store, 1);
    let admin = store.sign_in("admin", PIN).unwrap();
    // A PIN reset retires supervisor1's stamp key and makes a new one.
    store.reset_pin(&admin, "supervisor1", "55667788").unwrap();
    store.reset_pin(&admin, "supervisor2", "55667788").unwrap();
    assert!(
        check(&store, &before_reset.text).valid,
        "what the old key signed stays valid"
    );
    let keys = store.trust_list(&admin).unwrap();
    let sup1: Vec<_> = keys.iter().filter(|k| k.owner == "supervisor1").collect();
    assert_eq!(sup1.len(), 2);
    assert_eq!(sup1.iter().filter(|k| k.valid_to.is_none()).count(), 1);

    // New stamps use the new key (unlocked by the new PIN only).
    let clerk = store.sign_in("clerk2", PIN).unwrap();
    let code = find(
        &store,
        "state = 'received' AND paid = 1 AND stamps_required = 1",
    );
    store
        .verify(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    let sup = store.sign_in("supervisor1", "55667788").unwrap();
    assert!(
        store
            .stamp(&sup, &RequestRef::parse(&code).unwrap(), PIN)
            .is_err(),
        "the old PIN opens nothing"
    );
    store
        .stamp(&sup, &RequestRef::parse(&code).unwrap(), "55667788")
        .unwrap();
    let fresh = store
        .seal_make(&clerk, &RequestRef::parse(&code).unwrap())
        .unwrap();
    assert!(check(&store, &fresh.text).valid);

    // Revoking the center key invalidates everything it signed.
    let center_kid = keys
        .iter()
        .find(|k| k.role == citizen_desk::seal::KeyRole::Center && k.valid_to.is_none())
        .unwrap()
        .kid
        .clone();
    store
        .trust_revoke(&admin, &center_kid, "laptop stolen")
        .unwrap();
    let report = check(&store, &fresh.text);
    assert!(
        matches!(report.invalid, Some(Invalid::RevokedKey { .. })),
        "{:?}",
        report.invalid
    );
    assert!(matches!(
        store.trust_revoke(&admin, "0000000000000000", "x"),
        Err(Error::BadInput(_))
    ));
}

#[test]
fn rotation_distributes_the_next_key_before_it_signs() {
    let (_dir, mut store) = demo_store(300);
    let admin = store.sign_in("admin", PIN).unwrap();
    let next = store
        .trust_rotate(&admin, Utc::now() + Duration::days(7))
        .unwrap();
    let keys = store.trust_list(&admin).unwrap();
    assert!(keys.iter().any(|k| k.kid == next.kid));
    // Until the activation day the current key still signs.
    let (_, seal) = approved_seal(&mut store, 1);
    let msg = layers::decode_text(&seal.text, PREFIX).unwrap();
    let center_sig = msg.signatures.last().unwrap();
    assert_ne!(hex::encode(center_sig.kid().unwrap()), next.kid);
    assert!(check(&store, &seal.text).valid);
    // After it, the new key signs.
    store.set_clock(std::sync::Arc::new(|| Utc::now() + Duration::days(8)));
    let (_, later) = approved_seal(&mut store, 1);
    let msg = layers::decode_text(&later.text, PREFIX).unwrap();
    assert_eq!(
        hex::encode(msg.signatures.last().unwrap().kid().unwrap()),
        next.kid
    );
}

#[test]
fn seal_make_refuses_what_must_not_be_sealed() {
    let (_dir, mut store) = demo_store(1500);
    let clerk = store.sign_in("clerk1", PIN).unwrap();
    let admin = store.sign_in("admin", PIN).unwrap();
    let verified = find(&store, "state = 'verified'");
    assert!(matches!(
        store.seal_make(&clerk, &RequestRef::parse(&verified).unwrap()),
        Err(Error::InvalidTransition { .. })
    ));
    let unpaid = find(&store, "state = 'approved' AND paid = 0");
    assert!(matches!(
        store.seal_make(&clerk, &RequestRef::parse(&unpaid).unwrap()),
        Err(Error::Unpaid)
    ));
    let approved = find(&store, "state = 'approved' AND paid = 1");
    assert!(matches!(
        store.seal_make(&admin, &RequestRef::parse(&approved).unwrap()),
        Err(Error::Forbidden { .. })
    ));
    let before = state_of(&store, &approved);
    store
        .seal_make(&clerk, &RequestRef::parse(&approved).unwrap())
        .unwrap();
    assert_eq!(
        state_of(&store, &approved),
        before,
        "making a seal changes no state"
    );
    let last = &store.audit_rows(1).unwrap()[0];
    assert_eq!(last.action, "seal_issued");
}

#[test]
fn every_service_fits_its_qr_budget_with_long_names() {
    let (_dir, mut store) = demo_store(2);
    let catalog = store.catalog().clone();
    let sup1 = store.sign_in("supervisor1", PIN).unwrap();
    let _ = sup1;
    // Worst case: long Arabic names and field values, all stamps, center.
    let long = "عبد الرحمن محمد الخطيب الحسيني".to_owned();
    for service in &catalog.services {
        let claims = SealClaims {
            issuer: "TRT01".into(),
            issued_at: 1_800_000_000,
            expires_at: 1_800_000_000 + 365 * DAY,
            document: citizen_desk::seal::SealDocument {
                document_number: "TRT01-D01-9999999".into(),
                service: service.code.clone(),
                national_id: "14409999999".into(),
                full_name_ar: long.clone(),
                fields: service
                    .fields
                    .iter()
                    .map(|f| (f.key.clone(), long.clone()))
                    .collect(),
                content_digest: "ab".repeat(32),
            },
        };
        let payload = claims.to_cbor();
        let key = citizen_desk::seal::crypto::SigningKey::generate().unwrap();
        let kid = key.kid();
        let mut sigs = Vec::new();
        for i in 0..service.required_stamps {
            let protected = citizen_desk::seal::cose::encode_signer_header(
                &kid,
                &format!("supervisor{i}xxxxxxx"),
                "supervisor",
                1_800_000_000,
            );
            sigs.push((protected, vec![0u8; 64]));
        }
        sigs.push((
            citizen_desk::seal::cose::encode_signer_header(&kid, "TRT01", "center", 1_800_000_000),
            vec![0u8; 64],
        ));
        let text = encode_text(&encode_sign(&payload, &sigs), PREFIX);
        let version = qr::encode(&text).unwrap().version;
        assert!(
            version <= MAX_QR_VERSION,
            "{}: QR version {version} > {MAX_QR_VERSION}",
            service.code
        );
        assert!(
            CoseMessage::parse(
                &layers::inflate(&citizen_desk::seal::base45::decode(&text[4..]).unwrap()).unwrap()
            )
            .is_ok()
        );
    }
}

#[test]
fn garbage_never_panics() {
    let (_dir, store) = demo_store(2);
    let trust = store.trust_set().unwrap();
    let mut x: u64 = 0x1234_5678;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet: Vec<char> = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
        .chars()
        .collect();
    for len in 0..300 {
        let body: String = (0..len).map(|_| alphabet[(next() % 45) as usize]).collect();
        let report = verify_seal(&format!("SY1:{body}"), &trust, store.catalog(), 0, 0);
        assert!(!report.valid);
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let text = encode_text(&bytes, PREFIX);
        assert!(!verify_seal(&text, &trust, store.catalog(), 0, 0).valid);
        let _ = CoseMessage::parse(&bytes);
        let _ = qr::decode_image(&bytes);
    }
}

#[test]
fn the_cli_verifies_text_images_and_a_bank_trust_file() {
    let (dir, mut store) = demo_store(300);
    let (_, seal) = approved_seal(&mut store, 2);
    let admin = store.sign_in("admin", PIN).unwrap();
    let exported = store.trust_export(&admin).unwrap();
    drop(store);
    let png = dir.path().join("seal.png");
    let code = find(
        &Store::open(dir.path()).unwrap(),
        "state = 'approved' AND paid = 1 AND stamps_required = 1",
    );
    let out = cli(
        dir.path(),
        &[
            "--user",
            "clerk1",
            "seal",
            "make",
            &code,
            "--qr",
            png.to_str().unwrap(),
        ],
        Some(PIN),
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stderr(&out));
    let out = cli(
        dir.path(),
        &["--json", "seal", "verify", "--image", png.to_str().unwrap()],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}", stdout(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert!(v["claims"]["document"]["national_id"].is_string());

    // A bank: no desk store at all, only the exported trust list file.
    let bank = tempfile::TempDir::new().unwrap();
    let trust_file = bank.path().join("trust.json");
    std::fs::write(&trust_file, exported).unwrap();
    let out = cli(
        bank.path(),
        &[
            "seal",
            "verify",
            &seal.text,
            "--trust",
            trust_file.to_str().unwrap(),
        ],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("صالح"));
    // Exit 1 for any invalid seal, garbage included; 2 for unusable arguments.
    let out = cli(
        bank.path(),
        &[
            "seal",
            "verify",
            "hello",
            "--trust",
            trust_file.to_str().unwrap(),
        ],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 1);
    let out = cli(
        bank.path(),
        &[
            "seal",
            "verify",
            "--image",
            "/no/such.png",
            "--trust",
            trust_file.to_str().unwrap(),
        ],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 2);
    let out = cli(bank.path(), &["seal", "verify", &seal.text], None, None);
    assert_eq!(exit_code(&out), 2, "no trust list: {}", stderr(&out));
    let mut tampered = seal.text.clone();
    tampered.pop();
    tampered.push(if seal.text.ends_with('A') { 'B' } else { 'A' });
    let out = cli(
        bank.path(),
        &[
            "seal",
            "verify",
            &tampered,
            "--trust",
            trust_file.to_str().unwrap(),
        ],
        None,
        None,
    );
    assert_eq!(exit_code(&out), 1);
}

#[test]
fn trust_lists_import_only_from_a_trusted_or_named_root() {
    let (_a_dir, mut a) = demo_store(300);
    let (_b_dir, mut b) = demo_store(20);
    let admin_a = a.sign_in("admin", PIN).unwrap();
    let admin_b = b.sign_in("admin", PIN).unwrap();
    let file = a.trust_export(&admin_a).unwrap();
    let root_a = a.trust_set().unwrap().root_kid.unwrap();
    assert!(
        matches!(
            b.trust_import(&admin_b, &file, None),
            Err(Error::BadInput(_))
        ),
        "unknown root refused"
    );
    let report = b.trust_import(&admin_b, &file, Some(&root_a)).unwrap();
    assert!(report.added >= 4, "{report:?}");
    let again = b.trust_import(&admin_b, &file, None).unwrap();
    assert_eq!(
        (again.added, again.updated),
        (0, 0),
        "now the root is known; nothing new"
    );
    let clerk = a.sign_in("clerk1", PIN).unwrap();
    assert!(matches!(
        a.trust_export(&clerk),
        Err(Error::Forbidden { .. })
    ));
    // B now verifies A's seals offline.
    let (_, seal) = approved_seal(&mut a, 1);
    assert!(check(&b, &seal.text).valid);
}

#[test]
fn a_photographed_jpeg_of_the_seal_still_reads() {
    let (_dir, mut store) = demo_store(300);
    let (_, seal) = approved_seal(&mut store, 2);
    let symbol = qr::encode(&seal.text).unwrap();
    let png = qr::to_png(&symbol, 4);
    let img = image::load_from_memory(&png).unwrap().to_luma8();
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 70)
        .encode_image(&img)
        .unwrap();
    let texts = qr::decode_image(jpeg.get_ref()).unwrap();
    assert!(check(&store, &texts[0]).valid);
}

// ---- hostile files ----

/// Runs `citizen-desk seal verify ARGS` under GNU time and returns its
/// output, the processor time it used and its own peak resident memory in
/// MB. (A child's rusage seen from here would count this test process's
/// memory too: the child starts as a copy of it. GNU time's child starts
/// as a copy of GNU time.) None, loudly, where GNU time is missing
/// outside CI.
fn verify_measured(args: &[&str]) -> Option<(String, std::time::Duration, u64, i32)> {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "GNU time is missing in CI"
        );
        eprintln!("SKIPPED: GNU time (/usr/bin/time) is not installed");
        return None;
    }
    let dir = tempfile::TempDir::new().unwrap();
    let out = std::process::Command::new(time)
        .args(["-f", "measured: %M %U %S"])
        .arg(env!("CARGO_BIN_EXE_citizen-desk"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--lang", "en", "seal", "verify"])
        .args(args)
        .env_remove("CITIZEN_DESK_DATA_DIR")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let line = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("measured: "))
        .expect("GNU time's line");
    let fields: Vec<&str> = line.split_whitespace().collect();
    let kb: u64 = fields[0].parse().unwrap();
    let secs: f64 = fields[1].parse::<f64>().unwrap() + fields[2].parse::<f64>().unwrap();
    let text = format!("{}{stderr}", String::from_utf8_lossy(&out.stdout));
    Some((
        text,
        std::time::Duration::from_secs_f64(secs),
        kb / 1024,
        out.status.code().unwrap_or(-1),
    ))
}

/// A PDF whose one object stream inflates to `mib` MiB of spaces: a few
/// hundred KB on disk.
fn pdf_bomb(mib: usize) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..mib {
        z.write_all(&chunk).unwrap();
    }
    let packed = z.finish().unwrap();
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let objstm = pdf.len();
    pdf.extend_from_slice(
        format!(
            "1 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
            packed.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(&packed);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!(
            "xref\n0 2\n0000000000 65535 f \n{objstm:010} 00000 n \ntrailer\n<< /Size 3 /Root 2 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    pdf
}

/// A PNG that claims 30,000 × 30,000 grey pixels (900 MB decoded) in a
/// few hundred bytes.
fn png_bomb() -> Vec<u8> {
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let side: u32 = 30_000;
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    // The first rows only: enough for a decoder without limits to set
    // out allocating the whole picture.
    z.write_all(&vec![0u8; 64 * (side as usize + 1)]).unwrap();
    let idat = z.finish().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[cfg(unix)]
#[test]
fn a_pdf_bomb_and_a_png_bomb_are_refused_quickly_and_in_little_memory() {
    let (dir, mut store) = demo_store(5);
    let admin = store.sign_in("admin", PIN).unwrap();
    let trust = dir.path().join("trust.json");
    std::fs::write(&trust, store.trust_export(&admin).unwrap()).unwrap();
    let trust = trust.to_str().unwrap();
    let pdf = dir.path().join("bomb.pdf");
    std::fs::write(&pdf, pdf_bomb(1024)).unwrap();
    assert!(std::fs::metadata(&pdf).unwrap().len() < 4 * 1024 * 1024);
    let Some((text, took, mb, code)) =
        verify_measured(&["--trust", trust, "--pdf", pdf.to_str().unwrap()])
    else {
        return;
    };
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("not a citizen-desk seal"), "{text}");
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    assert!(mb < 256, "{mb} MB for a PDF bomb");

    let png = dir.path().join("bomb.png");
    std::fs::write(&png, png_bomb()).unwrap();
    let Some((text, took, mb, code)) =
        verify_measured(&["--trust", trust, "--image", png.to_str().unwrap()])
    else {
        return;
    };
    assert_ne!(code, 0, "{text}");
    assert!(text.contains("too large to read"), "{text}");
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    assert!(mb < 256, "{mb} MB for a PNG bomb");
}
