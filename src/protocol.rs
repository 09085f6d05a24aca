//! The desk–hub protocol, version 1: JSON over HTTP. The README's
//! "Protocol, version 1" section describes it for operators and other
//! implementations; its table of pushed changes is generated from these
//! types and a test keeps the two equal.
//!
//! A leaf of the program: it knows the domain's types and nothing else,
//! so the desk's store and the hub both speak it without knowing each
//! other.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Request, Role, State, Step};

/// Every request body carries this; the hub answers 400 to others.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest request body the hub reads (a push of 500 changes is about
/// 300 KB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Changes per push, and requests per pull page.
pub const PUSH_BATCH: usize = 500;
pub const PULL_PAGE: u32 = 500;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EnrollRequest {
    pub protocol: u32,
    pub code: String,
    /// The desk's own code within its center (e.g. D01).
    pub desk: String,
    /// The desk's trust list (the signed export): the hub keeps it, pins
    /// the root that signed it, and checks this desk's seals with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_list: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct EnrollResponse {
    pub token: String,
    pub center: String,
    pub desk_id: i64,
    /// The highest document number the hub has seen from this desk code
    /// (its last part): the desk numbers on after it, so a desk restored
    /// from an older backup never gives a number twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_seq: Option<u64>,
    /// The key the hub signs payment facts with (base64 of its P-256
    /// point): the desk pins it and believes no payment without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_key: Option<String>,
}

/// The newest entry of the desk's hash-chained audit log.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// One outbox row as pushed: its idempotency key, the request it is
/// about (none for a hand-over batch) and the change. On the wire:
/// `{key, request_id, kind, payload}`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct PushChange {
    pub key: String,
    pub request_id: Option<String>,
    #[serde(flatten)]
    pub change: Change,
}

/// What a desk tells the hub it did, by `kind`, with its `payload`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Change {
    /// A lifecycle step taken at the desk: verify, stamp, print the
    /// original, envelope, dispatch, reject, cancel.
    StateChange(StateChange),
    /// A copy of a printed document, authorised by a supervisor; the
    /// state does not change.
    CopyPrinted(CopyPrinted),
    /// Envelopes handed to the post together, under one batch name.
    HandoverBatch(HandoverBatch),
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StateChange {
    /// The action (under `action`) and the facts it records.
    #[serde(flatten)]
    pub step: Step,
    pub from: State,
    pub to: State,
    /// The user who acted, and their role at the desk.
    pub actor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(with = "rfc3339_seconds")]
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CopyPrinted {
    /// The state the request was in at the desk (desks before this
    /// version wrote it as `from`).
    #[serde(alias = "from")]
    pub state: State,
    pub actor: String,
    pub authorised_by: String,
    #[serde(with = "rfc3339_seconds")]
    pub at: DateTime<Utc>,
    pub document_number: String,
    /// The SHA-256 of the copy's seal text; none for a copy of a request
    /// stamped before seals existed.
    #[serde(default)]
    pub seal_sha256: Option<String>,
    /// The copy's seal text, which the hub checks as it checks an
    /// original's (desks before this version sent only its SHA-256).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seal: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct HandoverBatch {
    pub batch: String,
    #[serde(with = "rfc3339_seconds")]
    pub at: DateTime<Utc>,
    pub clerk: String,
    pub tracking_codes: Vec<String>,
}

impl Change {
    /// The name the wire gives this change (`kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            Change::StateChange(_) => "state_change",
            Change::CopyPrinted(_) => "copy_printed",
            Change::HandoverBatch(_) => "handover_batch",
        }
    }

    /// Whether the change carries a seal for the hub to check.
    pub fn carries_seal(&self) -> bool {
        match self {
            Change::StateChange(s) => matches!(&s.step, Step::Print { seal: Some(_), .. }),
            Change::CopyPrinted(c) => c.seal.is_some(),
            Change::HandoverBatch(_) => false,
        }
    }

    /// The id of the translated name of this change (the outbox list).
    pub fn label_id(&self) -> &'static str {
        match self {
            Change::StateChange(s) => s.step.action().label_id(),
            Change::CopyPrinted(_) => crate::domain::Action::PrintCopy.label_id(),
            Change::HandoverBatch(_) => "change-handover-batch",
        }
    }
}

impl PushChange {
    /// The content an idempotency key stands for: the same key must always
    /// come with the same change. SHA-256 of the canonical JSON of kind,
    /// request and payload (serde_json writes a struct's fields in their
    /// declared order, and payloads hold no maps, so equal changes give
    /// equal bytes).
    pub fn content_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        // Plain structs of strings, numbers and times: writing them to JSON
        // cannot fail.
        let bytes = serde_json::to_vec(&(&self.request_id, &self.change)).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PushRequest {
    pub protocol: u32,
    pub audit_head: Option<AuditHead>,
    /// The desk's audit entry at the head the hub last took from it, as
    /// the desk's log holds it now: a log rewritten since (hashes
    /// recomputed) no longer matches what the hub kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_link: Option<AuditHead>,
    /// The desk's trust list as it is now (the signed export), with every
    /// push that carries a seal: signed by the root the hub pinned at
    /// enrolment, it brings the hub the desk's new stamp keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust_list: Option<String>,
    pub changes: Vec<PushChange>,
}

/// A push as the hub reads it: each change on its own, so that one it
/// cannot read (from a newer desk, or a damaged row) is answered rejected
/// by itself and the rest of the desk's queue goes on.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct IncomingPush {
    pub protocol: u32,
    pub audit_head: Option<AuditHead>,
    #[serde(default)]
    pub audit_link: Option<AuditHead>,
    #[serde(default)]
    pub trust_list: Option<String>,
    pub changes: Vec<Incoming>,
}

/// One pushed change: one of the protocol's, or one that does not read as
/// one but names its key (a change with no key makes the whole push a bad
/// request: there would be nothing to answer it by).
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    Change(PushChange),
    Unreadable {
        key: String,
        request_id: Option<String>,
        /// Why it does not read (serde's words, for the operator's log).
        detail: String,
        /// The change as it came.
        raw: serde_json::Value,
    },
}

impl Incoming {
    pub fn key(&self) -> &str {
        match self {
            Incoming::Change(c) => &c.key,
            Incoming::Unreadable { key, .. } => key,
        }
    }
}

impl<'de> Deserialize<'de> for Incoming {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Incoming, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        match PushChange::deserialize(&raw) {
            Ok(change) => Ok(Incoming::Change(change)),
            Err(e) => {
                let key = raw
                    .get("key")
                    .and_then(serde_json::Value::as_str)
                    .ok_or_else(|| serde::de::Error::custom(format!("a change with no key: {e}")))?
                    .to_owned();
                let request_id = raw
                    .get("request_id")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned);
                Ok(Incoming::Unreadable {
                    key,
                    request_id,
                    detail: e.to_string(),
                    raw,
                })
            }
        }
    }
}

impl From<&PushRequest> for IncomingPush {
    fn from(push: &PushRequest) -> IncomingPush {
        IncomingPush {
            protocol: push.protocol,
            audit_head: push.audit_head.clone(),
            audit_link: push.audit_link.clone(),
            trust_list: push.trust_list.clone(),
            changes: push.changes.iter().cloned().map(Incoming::Change).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Applied now.
    Applied,
    /// Applied by an earlier push with this key: nothing done again.
    Duplicate,
    /// Not applied: the hub's record does not allow it.
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Applied, Outcome::Duplicate, Outcome::Rejected]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ChangeResult {
    pub key: String,
    pub outcome: Outcome,
    /// The state the hub holds for the request after this change.
    pub hub_state: Option<State>,
    /// Why it was rejected: a sentence in Arabic, then English.
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PushResponse {
    pub results: Vec<ChangeResult>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PullRequest {
    pub protocol: u32,
    /// The hub sequence number of the last request this desk stored.
    pub cursor: i64,
    pub limit: u32,
    /// The trust list version this desk holds (0 for none).
    pub trust_version: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PulledRequest {
    pub seq: i64,
    pub request: Request,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PullResponse {
    pub requests: Vec<PulledRequest>,
    pub next_cursor: i64,
    pub more: bool,
    /// A newer signed trust list (the export document), when there is one.
    pub trust: Option<TrustUpdate>,
    /// A new bearer token for this desk, when the hub's operator rotated
    /// it: the desk keeps it and uses it from its next request on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_token: Option<String>,
    /// The hub's signature over the payment facts of this page's requests
    /// (see `seal::payment`); none on an empty page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<SignedPayments>,
}

/// One signature over the payment facts of a page's requests, in order.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SignedPayments {
    /// The hub's payment key (base64 of its P-256 point).
    pub key: String,
    /// ES256, r || s, base64.
    pub signature: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TrustUpdate {
    pub version: i64,
    pub document: String,
}

/// Every 4xx/5xx answer: a stable code and a sentence for the operator.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

/// Times on the wire: RFC 3339 in UTC to the second (`2026-12-03T09:54:00Z`);
/// any RFC 3339 time is read.
pub mod rfc3339_seconds {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

// Who the hub is (enrolment). The TLS code that uses them is in
// `sync::tls`.

/// The SHA-256 of a hub certificate's public key (SubjectPublicKeyInfo):
/// what a desk pins at enrolment.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Reads `sha256:` followed by 64 hex digits; spaces, colons and dashes
    /// between them are allowed (as an operator may copy or dictate it),
    /// and the prefix may be left out.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let text = text.trim();
        let text = text
            .get(..7)
            .filter(|p| p.eq_ignore_ascii_case("sha256:"))
            .map_or(text, |_| &text[7..]);
        let hex_digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | ':' | '-'))
            .collect();
        if hex_digits.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(&hex_digits, &mut out).ok()?;
        Some(Fingerprint(out))
    }
}

impl std::fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sha256:{}", hex::encode(self.0))
    }
}

impl std::fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// How a desk decides it is talking to its hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HubTrust {
    /// Plain HTTP to a loopback address (no TLS at all).
    Loopback,
    /// TLS, and the server's key must have this fingerprint.
    Pin(Fingerprint),
    /// TLS checked against this CA certificate (PEM).
    Ca(String),
}

impl HubTrust {
    /// How the store keeps it: `loopback`, `pin:sha256:…` or `ca:` + PEM.
    pub fn to_stored(&self) -> String {
        match self {
            HubTrust::Loopback => "loopback".into(),
            HubTrust::Pin(f) => format!("pin:{f}"),
            HubTrust::Ca(pem) => format!("ca:{pem}"),
        }
    }

    pub fn from_stored(text: &str) -> Option<HubTrust> {
        if text == "loopback" {
            Some(HubTrust::Loopback)
        } else if let Some(pin) = text.strip_prefix("pin:") {
            Fingerprint::parse(pin).map(HubTrust::Pin)
        } else {
            text.strip_prefix("ca:").map(|pem| HubTrust::Ca(pem.into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_read_as_operators_write_them() {
        let f = Fingerprint([0xab; 32]);
        let shown = f.to_string();
        assert_eq!(shown.len(), 7 + 64);
        assert_eq!(Fingerprint::parse(&shown), Some(f));
        assert_eq!(Fingerprint::parse(&shown.to_uppercase()), Some(f));
        assert_eq!(Fingerprint::parse(&shown[7..]), Some(f));
        let grouped: Vec<String> = shown.as_bytes()[7..]
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        assert_eq!(Fingerprint::parse(&grouped.join(" ")), Some(f));
        assert_eq!(Fingerprint::parse(&grouped.join(":")), Some(f));
        assert_eq!(Fingerprint::parse(&shown[..70]), None);
        assert_eq!(Fingerprint::parse(&format!("{shown}0")), None);
        assert_eq!(Fingerprint::parse(&shown.replace('a', "g")), None);
    }

    #[test]
    fn trust_is_stored_and_read_back() {
        for t in [
            HubTrust::Loopback,
            HubTrust::Pin(Fingerprint([7; 32])),
            HubTrust::Ca("-----BEGIN CERTIFICATE-----\n…".into()),
        ] {
            assert_eq!(HubTrust::from_stored(&t.to_stored()), Some(t));
        }
        assert_eq!(HubTrust::from_stored("pin:nonsense"), None);
        assert_eq!(HubTrust::from_stored("plain"), None);
    }

    use serde_json::json;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T09:54:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_state_change_on_the_wire() {
        let change = PushChange {
            key: "TRT01-D01-ab".into(),
            request_id: Some("r1".into()),
            change: Change::StateChange(StateChange {
                step: Step::Reject {
                    reason: "ناقص".into(),
                },
                from: State::Received,
                to: State::Rejected,
                actor: "clerk1".into(),
                role: Some(Role::Clerk),
                at: at(),
            }),
        };
        let wire = serde_json::to_value(&change).unwrap();
        assert_eq!(
            wire,
            json!({
                "key": "TRT01-D01-ab", "request_id": "r1", "kind": "state_change",
                "payload": {"action": "reject", "reason": "ناقص", "from": "received",
                            "to": "rejected", "actor": "clerk1", "role": "clerk",
                            "at": "2026-12-01T09:54:00Z"}
            })
        );
        assert_eq!(serde_json::from_value::<PushChange>(wire).unwrap(), change);
    }

    /// Outbox rows written before the changes were typed still parse (a
    /// desk upgraded with rows queued pushes them as they are).
    #[test]
    fn payloads_of_earlier_desks_parse() {
        let verify = json!({"key": "k", "kind": "state_change", "request_id": "r1", "payload": {
            "request_id": "r1", "action": "verify", "from": "received", "to": "verified",
            "actor": "clerk1", "role": "clerk", "at": "2026-12-01T09:54:00Z",
            "document_number": "TRT01-D01-0000001", "content_digest": "ab", "reason": null,
            "stamps": 0}});
        let parsed: PushChange = serde_json::from_value(verify).unwrap();
        let Change::StateChange(s) = &parsed.change else {
            panic!("{parsed:?}")
        };
        assert_eq!(
            s.step,
            Step::Verify {
                document_number: "TRT01-D01-0000001".into(),
                content_digest: "ab".into()
            }
        );
        let stamp = json!({"key": "k", "kind": "state_change", "request_id": "r1", "payload": {
            "request_id": "r1", "action": "stamp", "from": "verified", "to": "approved",
            "actor": "sup1", "role": "supervisor", "at": "2026-12-01T09:54:00Z",
            "document_number": "TRT01-D01-0000001", "content_digest": "ab", "reason": null,
            "stamps": 2}});
        let parsed: PushChange = serde_json::from_value(stamp).unwrap();
        assert!(matches!(&parsed.change, Change::StateChange(s) if s.step == Step::Stamp {}));
        let copy = json!({"key": "k", "kind": "copy_printed", "request_id": "r1", "payload": {
            "request_id": "r1", "action": "print", "from": "enveloped", "to": "enveloped",
            "copy": true, "actor": "clerk1", "authorised_by": "sup1",
            "at": "2026-12-01T09:54:00Z", "document_number": "TRT01-D01-0000001",
            "seal_sha256": "cd"}});
        let parsed: PushChange = serde_json::from_value(copy).unwrap();
        assert!(
            matches!(&parsed.change, Change::CopyPrinted(c) if c.state == State::Enveloped && c.authorised_by == "sup1")
        );
        let dispatch = json!({"key": "k", "kind": "state_change", "request_id": "r1", "payload": {
            "request_id": "r1", "action": "dispatch", "from": "enveloped", "to": "dispatched",
            "actor": "clerk1", "at": "2026-12-01T09:54:00Z", "batch": "TRT01-D01-B20261201-0001",
            "tracking_code": "RR123456785SY"}});
        let parsed: PushChange = serde_json::from_value(dispatch).unwrap();
        assert!(matches!(&parsed.change, Change::StateChange(s) if s.role.is_none()));
    }

    #[test]
    fn malformed_changes_do_not_parse() {
        for bad in [
            // A reject without its reason.
            json!({"key": "k", "kind": "state_change", "request_id": "r", "payload": {
                "action": "reject", "from": "received", "to": "rejected", "actor": "a",
                "at": "2026-12-01T09:54:00Z"}}),
            // An action the protocol does not know.
            json!({"key": "k", "kind": "state_change", "request_id": "r", "payload": {
                "action": "teleport", "from": "received", "to": "rejected", "actor": "a",
                "at": "2026-12-01T09:54:00Z"}}),
            json!({"key": "k", "kind": "state_change", "request_id": "r", "payload": {
                "action": "stamp", "from": "verified", "to": "approved", "actor": "a",
                "at": "yesterday"}}),
            json!({"key": "k", "kind": "gift", "request_id": "r", "payload": {}}),
            json!({"key": "k", "kind": "handover_batch", "request_id": null, "payload": {}}),
        ] {
            assert!(
                serde_json::from_value::<PushChange>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    /// The hub reads a push change by change: an unreadable one names its
    /// key and is kept as it came; one without a key spoils the push.
    #[test]
    fn a_push_is_read_change_by_change() {
        let push: IncomingPush = serde_json::from_value(json!({
        "protocol": 1, "audit_head": null, "changes": [
            {"key": "k1", "kind": "handover_batch", "request_id": null, "payload": {
                "batch": "B1", "at": "2026-12-01T09:54:00Z", "clerk": "c", "tracking_codes": []}},
            {"key": "k2", "kind": "teleport", "request_id": "r9", "payload": {}},
        ]}))
        .unwrap();
        assert!(matches!(&push.changes[0], Incoming::Change(c) if c.key == "k1"));
        match &push.changes[1] {
            Incoming::Unreadable {
                key,
                request_id,
                detail,
                raw,
            } => {
                assert_eq!((key.as_str(), request_id.as_deref()), ("k2", Some("r9")));
                assert!(detail.contains("teleport"), "{detail}");
                assert_eq!(raw["kind"], "teleport");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(push.changes[1].key(), "k2");
        let no_key = serde_json::from_value::<IncomingPush>(json!({
            "protocol": 1, "audit_head": null, "changes": [{"kind": "teleport"}]}));
        assert!(no_key.is_err());
    }

    #[test]
    fn the_content_hash_follows_the_content() {
        let batch = |codes: &[&str]| PushChange {
            key: "k".into(),
            request_id: None,
            change: Change::HandoverBatch(HandoverBatch {
                batch: "B1".into(),
                at: at(),
                clerk: "clerk1".into(),
                tracking_codes: codes.iter().map(|c| c.to_string()).collect(),
            }),
        };
        let a = batch(&["RR1"]);
        assert_eq!(a.content_hash(), batch(&["RR1"]).content_hash());
        assert_ne!(a.content_hash(), batch(&["RR2"]).content_hash());
        let mut other_key = batch(&["RR1"]);
        other_key.key = "k2".into();
        assert_eq!(
            a.content_hash(),
            other_key.content_hash(),
            "the key is not content"
        );
        assert_eq!(a.content_hash().len(), 64);
    }

    #[test]
    fn outcomes_round_trip() {
        for o in [Outcome::Applied, Outcome::Duplicate, Outcome::Rejected] {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        assert_eq!(Outcome::parse("Applied"), None);
    }
}
