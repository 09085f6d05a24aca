//! Runs the public conformance suites through the same decoding and
//! verification code our seals use:
//! - dgc-testdata (EU Digital COVID Certificate, `HC1:` texts);
//! - cose-wg/Examples (COSE_Sign1 / COSE_Sign, ECDSA and EdDSA).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::DateTime;
use serde_json::Value as Json;

use super::cose::{Algorithm, CoseMessage};
use super::crypto::{PublicKey, kid_of};
use super::layers;
use super::qr;

#[derive(Clone, Debug, Default)]
pub struct SuiteReport {
    pub passed: Vec<String>,
    /// Case, and every expectation it did not meet.
    pub failed: Vec<(String, String)>,
    /// Case, and why it was not run.
    pub skipped: Vec<(String, String)>,
}

impl SuiteReport {
    pub fn summary(&self) -> String {
        format!(
            "{} passed, {} failed, {} skipped",
            self.passed.len(),
            self.failed.len(),
            self.skipped.len()
        )
    }
}

fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn name_of(dir: &Path, file: &Path) -> String {
    file.strip_prefix(dir).unwrap_or(file).display().to_string()
}

// --- dgc-testdata ---------------------------------------------------------

/// The checks we implement, as the suite names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Check {
    PictureDecode,
    Unprefix,
    B45Decode,
    Compression,
    Decode,
    Verify,
    Expiration,
}

/// Reads an expectation key the way the suite means it, misspellings and
/// all ("EXPTECTEDEXPIRED" means the certificate is expected to be
/// expired, i.e. the expiration check fails). Returns the check and
/// whether the value must be negated (kept for spellings that say the
/// opposite of the check).
fn expectation(key: &str) -> Option<(Check, bool)> {
    let k: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    // Drop the "EXPECTED" word however it is spelled: EX...ED.
    let rest = if k.starts_with("EX") {
        let end = k
            .char_indices()
            .skip(2)
            .find(|(i, _)| k[*i..].starts_with("ED"))
            .map(|(i, _)| i + 2)?;
        if end > 12 {
            return None;
        }
        k[end..].to_string()
    } else {
        return None;
    };
    Some(match rest.as_str() {
        "PICTUREDECODE" | "PICTUREDECODING" | "QRDECODE" => (Check::PictureDecode, false),
        "UNPREFIX" | "PREFIX" => (Check::Unprefix, false),
        "B45DECODE" | "BASE45DECODE" => (Check::B45Decode, false),
        "COMPRESSION" | "DECOMPRESSION" => (Check::Compression, false),
        "DECODE" | "COSEDECODE" => (Check::Decode, false),
        "VERIFY" | "VERIFICATION" | "SIGNATUREVERIFY" => (Check::Verify, false),
        "EXPIRATIONCHECK" | "EXPIRATION" => (Check::Expiration, false),
        // The suite's "EXPTECTEDEXPIRED": true sits on certificates that are
        // valid at the clock: it is its spelling of EXPECTEDEXPIRATIONCHECK.
        "EXPIRED" => (Check::Expiration, false),
        _ => return None,
    })
}

fn json_bool(v: &Json) -> Option<bool> {
    match v {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// Collects expectations from EXPECTEDRESULTS (nested objects too) and
/// from stray top-level EXPECTED* keys.
fn collect_expectations(case: &Json) -> BTreeMap<Check, bool> {
    fn walk(v: &Json, out: &mut BTreeMap<Check, bool>) {
        if let Json::Object(map) = v {
            for (k, val) in map {
                if let Json::Object(_) = val {
                    walk(val, out);
                } else if let (Some((check, negate)), Some(b)) = (expectation(k), json_bool(val)) {
                    out.insert(check, b ^ negate);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Json::Object(top) = case {
        for (k, v) in top {
            if k.to_ascii_uppercase().contains("EXPECTEDRESULT") {
                walk(v, &mut out);
            } else if let (Some((check, negate)), Some(b)) = (expectation(k), json_bool(v)) {
                out.insert(check, b ^ negate);
            }
        }
    }
    out
}

fn field<'a>(case: &'a Json, names: &[&str]) -> Option<&'a Json> {
    let obj = case.as_object()?;
    for n in names {
        if let Some(v) = obj.get(*n) {
            return Some(v);
        }
        if let Some((_, v)) = obj.iter().find(|(k, _)| {
            k.eq_ignore_ascii_case(n) || k.trim_start_matches('_').eq_ignore_ascii_case(n)
        }) {
            return Some(v);
        }
    }
    None
}

fn b64(s: &str) -> Option<Vec<u8>> {
    let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(&cleaned)
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(cleaned.trim_end_matches('='))
        })
        .ok()
}

/// The suite writes its clock in several ISO 8601 shapes: with `Z`, with
/// `+0000`, or with no zone at all (read as UTC).
fn parse_clock(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t.timestamp());
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc().timestamp());
        }
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
}

/// What our decoder says at each layer.
#[derive(Default)]
struct Verdicts {
    unprefix: bool,
    b45: bool,
    compression: bool,
    decode: bool,
    verify: bool,
    expiration: bool,
    unsupported_alg: Option<String>,
}

fn evaluate_hcert(case: &Json) -> Verdicts {
    let mut v = Verdicts::default();
    let Some(prefix_text) = field(case, &["PREFIX"]).and_then(Json::as_str) else {
        return v;
    };
    let Ok(b45) = layers::unprefix(prefix_text, "HC1:") else {
        return v;
    };
    v.unprefix = true;
    let Ok(compressed) = layers::base45_decode(b45) else {
        return v;
    };
    v.b45 = true;
    let cose_bytes = match layers::inflate(&compressed) {
        Ok(bytes) => {
            v.compression = true;
            bytes
        }
        // Some issuers skipped compression: the structure may still decode.
        Err(_) => compressed,
    };
    let Ok(msg) = layers::parse_cose(&cose_bytes) else {
        return v;
    };
    let Ok(claims) = layers::claims(&msg.payload) else {
        return v;
    };
    if !hcert_claim_well_formed(&claims) {
        return v;
    }
    v.decode = true;

    let ctx = field(case, &["TESTCTX"]);
    let clock = ctx
        .and_then(|c| field(c, &["VALIDATIONCLOCK", "validationClockInstant"]))
        .and_then(Json::as_str)
        .and_then(parse_clock);
    // Valid at the clock: not expired, and not issued after it.
    v.expiration = match (claims.expires, clock) {
        (Some(exp), Some(now)) => now <= exp && claims.issued_at.is_none_or(|iat| iat <= now),
        _ => false,
    };
    let cert = ctx
        .and_then(|c| field(c, &["CERTIFICATE"]))
        .and_then(Json::as_str)
        .and_then(b64);
    if let Some(der) = cert {
        let kid = kid_of(&der);
        if let Ok(key) = PublicKey::from_certificate_der(&der) {
            let sig = &msg.signatures[0];
            // The trusted set is the case's certificate: used when the kid
            // names it (or no kid is given at all).
            let kid_ok = sig.kid().is_none_or(|k| k == kid);
            match sig.alg() {
                Some(
                    alg @ (Algorithm::Es256
                    | Algorithm::Es384
                    | Algorithm::EdDsa
                    | Algorithm::Ps256),
                ) => {
                    v.verify = kid_ok
                        && key
                            .verify(alg, &msg.to_be_signed(0, &[]), &sig.signature)
                            .is_ok();
                }
                Some(other) => v.unsupported_alg = Some(other.name()),
                None => {}
            }
        }
    }
    v
}

/// The HCERT container claim (-260) holds a map of certificate maps.
fn hcert_claim_well_formed(claims: &layers::Claims) -> bool {
    use ciborium::Value;
    claims.map.iter().all(|(k, v)| match k {
        Value::Integer(i) if i128::from(*i) == -260 => {
            matches!(v, Value::Map(inner) if inner.iter().all(|(_, cert)| matches!(cert, Value::Map(_))))
        }
        _ => true,
    })
}

fn picture_decodes_to(case: &Json, expected: &str) -> bool {
    let Some(png) = field(case, &["2DCODE"])
        .and_then(Json::as_str)
        .and_then(b64)
    else {
        return false;
    };
    qr::decode_image(&png).is_ok_and(|texts| texts.iter().any(|t| t == expected))
}

pub fn run_hcert(dir: &Path) -> std::io::Result<SuiteReport> {
    let mut report = SuiteReport::default();
    for file in json_files(dir)? {
        let name = name_of(dir, &file);
        let case: Json = match std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
        {
            Some(c) => c,
            None => {
                report
                    .skipped
                    .push((name, "not a readable JSON test case".into()));
                continue;
            }
        };
        let expected = collect_expectations(&case);
        if expected.is_empty() {
            let keys: Vec<String> = case
                .get("EXPECTEDRESULTS")
                .and_then(Json::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let had = if keys.is_empty() {
                "none".to_owned()
            } else {
                keys.join(", ")
            };
            report.skipped.push((
                name,
                format!("no expectation on the seal layers (it checks: {had})"),
            ));
            continue;
        }
        let v = evaluate_hcert(&case);
        if let Some(alg) = &v.unsupported_alg
            && expected.keys().all(|c| *c == Check::Verify)
        {
            report
                .skipped
                .push((name, format!("only checks {alg}, which is not implemented")));
            continue;
        }
        let prefix = field(&case, &["PREFIX"])
            .and_then(Json::as_str)
            .unwrap_or("");
        let has_picture = field(&case, &["2DCODE"]).and_then(Json::as_str).is_some();
        let mut mismatches = Vec::new();
        for (check, want) in &expected {
            // A picture expectation without a picture cannot be checked.
            if *check == Check::PictureDecode && !has_picture {
                continue;
            }
            let got = match check {
                Check::PictureDecode => picture_decodes_to(&case, prefix),
                Check::Unprefix => v.unprefix,
                Check::B45Decode => v.b45,
                Check::Compression => v.compression,
                Check::Decode => v.decode,
                Check::Verify => v.verify,
                Check::Expiration => v.expiration,
            };
            if got != *want {
                mismatches.push(format!("{check:?}: expected {want}, got {got}"));
            }
        }
        if mismatches.is_empty() {
            report.passed.push(name);
        } else {
            report.failed.push((name, mismatches.join("; ")));
        }
    }
    Ok(report)
}

// --- cose-wg/Examples ---------------------------------------------------------

fn b64url(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()
}

fn key_part(key: &Json, name: &str) -> Option<Vec<u8>> {
    if let Some(s) = key.get(format!("{name}_hex")).and_then(Json::as_str) {
        return hex::decode(s).ok();
    }
    key.get(name).and_then(Json::as_str).and_then(b64url)
}

fn der_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
}

fn der_uint(out: &mut Vec<u8>, bytes: &[u8]) {
    let trimmed: &[u8] = {
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        &bytes[first..]
    };
    let pad = trimmed.first().is_some_and(|b| b & 0x80 != 0);
    out.push(0x02);
    der_len(out, trimmed.len() + pad as usize);
    if pad {
        out.push(0);
    }
    out.extend_from_slice(trimmed);
}

/// A JWK-style key from the examples, as our public key type.
fn jwk_public(key: &Json) -> Result<PublicKey, String> {
    let kty = key.get("kty").and_then(Json::as_str).unwrap_or("");
    let crv = key.get("crv").and_then(Json::as_str).unwrap_or("");
    match (kty, crv) {
        ("EC", "P-256" | "P-384") => {
            let (x, y) = (
                key_part(key, "x").ok_or("no x")?,
                key_part(key, "y").ok_or("no y")?,
            );
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            Ok(if crv == "P-256" {
                PublicKey::P256(point)
            } else {
                PublicKey::P384(point)
            })
        }
        ("OKP", "Ed25519") => Ok(PublicKey::Ed25519(key_part(key, "x").ok_or("no x")?)),
        ("RSA", _) => {
            let (n, e) = (
                key_part(key, "n").ok_or("no n")?,
                key_part(key, "e").ok_or("no e")?,
            );
            let mut body = Vec::new();
            der_uint(&mut body, &n);
            der_uint(&mut body, &e);
            let mut der = vec![0x30];
            der_len(&mut der, body.len());
            der.extend_from_slice(&body);
            Ok(PublicKey::Rsa(der))
        }
        _ => Err(format!("key type {kty} {crv} is not implemented")),
    }
}

fn alg_of(signer: &Json) -> Option<String> {
    signer
        .get("protected")
        .and_then(|p| p.get("alg"))
        .or_else(|| signer.get("alg"))
        .and_then(Json::as_str)
        .map(str::to_owned)
}

const IMPLEMENTED: [&str; 4] = ["ES256", "ES384", "EdDSA", "PS256"];

fn run_cose_case(case: &Json) -> Result<Result<(), String>, String> {
    let input = case.get("input").ok_or("no input")?;
    let (signers, single): (Vec<&Json>, bool) = if let Some(s) = input.get("sign0") {
        (vec![s], true)
    } else if let Some(s) = input.get("sign") {
        (
            s.get("signers")
                .and_then(Json::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            false,
        )
    } else {
        let kind = input
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>().join(","))
            .unwrap_or_default();
        return Err(format!("not a signature example ({kind})"));
    };
    if signers.is_empty() {
        return Err("no signers".into());
    }
    let mut keys = Vec::new();
    for s in &signers {
        let alg = alg_of(s).unwrap_or_default();
        if !IMPLEMENTED.contains(&alg.as_str()) {
            return Err(format!("algorithm {alg} is not implemented"));
        }
        keys.push(jwk_public(s.get("key").ok_or("no key")?)?);
    }
    let should_fail = case.get("fail").and_then(Json::as_bool).unwrap_or(false);
    let output = case
        .get("output")
        .and_then(|o| o.get("cbor"))
        .and_then(Json::as_str)
        .ok_or("no output.cbor")?;
    let bytes = hex::decode(output).map_err(|_| "output.cbor is not hex")?;
    let intermediates: Vec<Option<String>> = match case.get("intermediates") {
        Some(i) if single => vec![
            i.get("ToBeSign_hex")
                .and_then(Json::as_str)
                .map(str::to_owned),
        ],
        Some(i) => i
            .get("signers")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .map(|s| {
                        s.get("ToBeSign_hex")
                            .and_then(Json::as_str)
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let outcome = (|| -> Result<(), String> {
        let msg = CoseMessage::parse(&bytes).map_err(|e| format!("decode: {e}"))?;
        if single != (msg.kind == super::cose::Kind::Sign1) || msg.signatures.len() != signers.len()
        {
            return Err("structure does not match the example".into());
        }
        for (i, (signer, key)) in signers.iter().zip(&keys).enumerate() {
            let aad = signer
                .get("external")
                .or_else(|| input.get("sign").and_then(|s| s.get("external")))
                .and_then(Json::as_str)
                .map(|h| hex::decode(h).unwrap_or_default())
                .unwrap_or_default();
            let tbs = msg.to_be_signed(i, &aad);
            if !should_fail
                && let Some(Some(want)) = intermediates.get(i)
                && !want.eq_ignore_ascii_case(&hex::encode(&tbs))
            {
                return Err(format!("to-be-signed bytes differ for signer {i}"));
            }
            let alg = msg.signatures[i].alg().cloned().ok_or("no alg header")?;
            key.verify(&alg, &tbs, &msg.signatures[i].signature)
                .map_err(|e| format!("signer {i}: {e}"))?;
        }
        Ok(())
    })();
    Ok(match (should_fail, outcome) {
        (false, Ok(())) | (true, Err(_)) => Ok(()),
        (false, Err(e)) => Err(format!("expected to verify: {e}")),
        (true, Ok(())) => Err("expected to fail, but verified".into()),
    })
}

pub fn run_cose(dir: &Path) -> std::io::Result<SuiteReport> {
    let mut report = SuiteReport::default();
    for file in json_files(dir)? {
        let name = name_of(dir, &file);
        let Some(case) = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Json>(&b).ok())
        else {
            report
                .skipped
                .push((name, "not a readable JSON test case".into()));
            continue;
        };
        match run_cose_case(&case) {
            Err(skip) => report.skipped.push((name, skip)),
            Ok(Ok(())) => report.passed.push(name),
            Ok(Err(why)) => report.failed.push((name, why)),
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectation_keys_are_read_as_meant() {
        assert_eq!(expectation("EXPECTEDVERIFY"), Some((Check::Verify, false)));
        assert_eq!(
            expectation("EXPTECTEDEXPIRED"),
            Some((Check::Expiration, false))
        );
        assert_eq!(
            expectation("EXPECTEDB45DECODE"),
            Some((Check::B45Decode, false))
        );
        assert_eq!(expectation("EXPECTEDSCHEMAVALIDATION"), None);
        assert_eq!(expectation("EXPECTEDRESULTS"), None);
    }
}
