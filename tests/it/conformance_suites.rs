//! The public conformance suites (copied into tests/conformance with their
//! licences) run through the seal's own decoder and verifier, plus the
//! RFC 9285 Base45 vectors, and the CLI runner's exit codes.

use std::path::PathBuf;

use citizen_desk::seal::{base45, conformance};

fn suite(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(name)
}

#[test]
fn hcert_suite_agrees_on_every_applicable_case() {
    let report = conformance::run_hcert(&suite("hcert")).unwrap();
    for (case, why) in &report.failed {
        eprintln!("FAIL {case}: {why}");
    }
    assert!(report.failed.is_empty(), "{}", report.summary());
    assert!(report.passed.len() >= 370, "{}", report.summary());
    // Skips are only cases that check nothing on the seal layers.
    assert!(
        report
            .skipped
            .iter()
            .all(|(_, why)| why.starts_with("no expectation")),
        "{:?}",
        report.skipped
    );
}

#[test]
fn cose_wg_examples_agree_and_only_unimplemented_ones_are_skipped() {
    let report = conformance::run_cose(&suite("cose")).unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(report.passed.len() >= 26, "{}", report.summary());
    for (case, why) in &report.skipped {
        assert!(
            why.contains("ES512")
                || why.contains("Ed448")
                || why.contains("not a signature example"),
            "{case}: {why}"
        );
    }
}

#[test]
fn base45_rfc9285_vectors() {
    for (plain, encoded) in [
        ("AB", "BB8"),
        ("Hello!!", "%69 VD92EX0"),
        ("base-45", "UJCLQE7W581"),
        ("ietf!", "QED8WEX0"),
    ] {
        assert_eq!(base45::encode(plain.as_bytes()), encoded);
        assert_eq!(base45::decode(encoded).unwrap(), plain.as_bytes());
    }
    for bad in ["GGW", "ZZ", "A", "AAAA", "aa", "BB8="] {
        assert!(base45::decode(bad).is_err(), "{bad:?} must not decode");
    }
}

#[test]
fn cli_runner_prints_the_count_line_and_fails_on_a_mismatch() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = crate::common::cli(
        dir.path(),
        &["conformance", "cose", suite("cose").to_str().unwrap()],
        None,
        None,
    );
    assert_eq!(
        crate::common::exit_code(&out),
        0,
        "{}",
        crate::common::stdout(&out)
    );
    let last = crate::common::stdout(&out)
        .lines()
        .last()
        .unwrap_or("")
        .to_owned();
    assert!(
        last.ends_with("skipped") && last.contains(" passed, 0 failed, "),
        "{last}"
    );

    // A case whose expectation our verifier contradicts makes the run fail.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    let mut case: serde_json::Value = serde_json::from_slice(
        &std::fs::read(suite("cose").join("sign1-tests/sign-pass-01.json")).unwrap(),
    )
    .unwrap();
    case["fail"] = serde_json::Value::Bool(true);
    std::fs::write(broken.join("case.json"), case.to_string()).unwrap();
    let out = crate::common::cli(
        dir.path(),
        &["conformance", "cose", broken.to_str().unwrap()],
        None,
        None,
    );
    assert_eq!(crate::common::exit_code(&out), 1);
    assert!(crate::common::stdout(&out).contains("0 passed, 1 failed, 0 skipped"));
}
