//! A citizen's request as the desk holds it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lifecycle::State;
use super::national_id::NationalId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitizenName {
    pub first: String,
    pub father: String,
    pub mother: String,
    pub family: String,
}

impl CitizenName {
    /// The usual Syrian written form: first, father's, family name.
    pub fn full(&self) -> String {
        format!("{} {} {}", self.first, self.father, self.family)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    App,
    Web,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::App => "app",
            Channel::Web => "web",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "app" => Some(Channel::App),
            "web" => Some(Channel::Web),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub paid: bool,
    /// Bank code from the catalog, when paid.
    pub bank: Option<String>,
    pub fee_syp: u32,
}

/// The citizen's sex, as the civil registry records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    pub fn parse(s: &str) -> Option<Sex> {
        match s {
            "male" => Some(Sex::Male),
            "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeliveryPlace {
    /// The citizen's detailed address.
    Address { address: String },
    /// A delivery center where the citizen collects the envelope.
    Center { center: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    #[serde(flatten)]
    pub place: DeliveryPlace,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub supervisor: String,
    pub stamped_at: DateTime<Utc>,
}

/// Whether `id` is a request id as the portal assigns them: a UUID in
/// its usual text form (8-4-4-4-12 lower-case hex digits). Ids reach file
/// names (`documents/{id}.pdf`), so anything else, such as `../x` or an
/// absolute path from a hostile hub, is refused where requests come in.
pub fn is_request_id(id: &str) -> bool {
    id.len() == 36
        && id.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Globally unique id, assigned where the request was submitted.
    pub id: String,
    /// The citizen's sex as the civil registry records it: the document's
    /// sentences agree with it. None for requests from before it was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Short code printed on the envelope.
    pub tracking_code: String,
    pub center: String,
    pub national_id: NationalId,
    pub name: CitizenName,
    /// Governorate code from the catalog.
    pub governorate: String,
    /// Service code from the catalog.
    pub service: String,
    pub submitted_at: DateTime<Utc>,
    pub channel: Channel,
    pub payment: Payment,
    pub delivery: Delivery,
    /// The document's data as issued by the authority, by field key.
    pub document: BTreeMap<String, String>,
    pub state: State,
    pub stamps: Vec<Stamp>,
    pub stamps_required: u32,
    /// Assigned when the request is verified: center-desk-sequence.
    pub document_number: Option<String>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    /// SHA-256 (hex) of the canonical document content frozen at verification.
    pub content_digest: Option<String>,
    pub reason: Option<String>,
    pub printed_count: u32,
    pub due_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Request {
    /// Late and still waiting on the desk (not yet in its envelope).
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.state.awaits_desk() && now > self.due_at
    }
}

/// The canonical document content: what the seal's digest covers and what
/// every print is rendered from. Frozen when the request is verified.
/// Keys are sorted by construction (BTreeMap), whatever serde features the
/// build enables, so the same request always gives the same bytes.
pub fn canonical_content(req: &Request, document_number: &str) -> String {
    use serde_json::Value;
    let mut name = BTreeMap::new();
    name.insert("family", Value::from(req.name.family.as_str()));
    name.insert("father", Value::from(req.name.father.as_str()));
    name.insert("first", Value::from(req.name.first.as_str()));
    name.insert("mother", Value::from(req.name.mother.as_str()));
    let document: BTreeMap<&str, Value> = req
        .document
        .iter()
        .map(|(k, v)| (k.as_str(), Value::from(v.as_str())))
        .collect();
    let mut top: BTreeMap<&str, Value> = BTreeMap::new();
    top.insert("center", Value::from(req.center.as_str()));
    top.insert(
        "document",
        serde_json::to_value(document).unwrap_or_default(),
    );
    top.insert("document_number", Value::from(document_number));
    top.insert("governorate", Value::from(req.governorate.as_str()));
    top.insert("name", serde_json::to_value(name).unwrap_or_default());
    top.insert("national_id", Value::from(req.national_id.as_str()));
    top.insert("request_id", Value::from(req.id.as_str()));
    top.insert("service", Value::from(req.service.as_str()));
    serde_json::to_string(&top).unwrap_or_default()
}

/// SHA-256 of the canonical content, lower-case hex.
pub fn content_digest(content: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(content.as_bytes()))
}

/// A plain received, paid request for the domain's unit tests.
#[cfg(test)]
pub(crate) fn test_request() -> Request {
    let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
    Request {
        id: "req-1".into(),
        sex: Some(Sex::Male),
        tracking_code: "RR123456785SY".into(),
        center: "TRT01".into(),
        national_id: NationalId::parse("01010000428").expect("a valid test ID"),
        name: CitizenName {
            first: "أحمد".into(),
            father: "محمد".into(),
            mother: "فاطمة".into(),
            family: "الحلبي".into(),
        },
        governorate: "TRT".into(),
        service: "civil-extract-individual".into(),
        submitted_at: at,
        channel: Channel::App,
        payment: Payment {
            paid: true,
            bank: Some("CBS".into()),
            fee_syp: 500,
        },
        delivery: Delivery {
            place: DeliveryPlace::Address {
                address: "طرطوس".into(),
            },
            phone: "+963944123456".into(),
        },
        document: BTreeMap::new(),
        state: State::Received,
        stamps: Vec::new(),
        stamps_required: 2,
        document_number: None,
        verified_by: None,
        verified_at: None,
        content_digest: None,
        reason: None,
        printed_count: 0,
        due_at: at,
        updated_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_uuids_and_nothing_else() {
        assert!(is_request_id("0b7c4f2e-9a1d-4c3b-8e2f-5a6b7c8d9e0f"));
        for bad in [
            "",
            "/etc/passwd",
            "../../../../tmp/x",
            "0b7c4f2e-9a1d-4c3b-8e2f-5a6b7c8d9e0",
            "0b7c4f2e-9a1d-4c3b-8e2f-5a6b7c8d9e0f0",
            "0b7c4f2e_9a1d-4c3b-8e2f-5a6b7c8d9e0f",
            "0B7C4F2E-9A1D-4C3B-8E2F-5A6B7C8D9E0F",
            "0b7c4f2e-9a1d-4c3b-8e2f-5a6b7c8d9e/f",
        ] {
            assert!(!is_request_id(bad), "{bad}");
        }
    }
}
