//! Reading and writing request rows. One query shape serves every read so
//! the lookup stays a single indexed statement (stamps come along through
//! a correlated sub-select rather than a second round trip).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};

use crate::domain::tracking::normalise_tracking_code;
use crate::domain::{
    Channel, CitizenName, Delivery, DeliveryPlace, NationalId, Payment, Request, Sex, Stamp, State,
};
use crate::error::{Error, Result};

/// How staff name a request on the command line: its id or its tracking code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestRef {
    Id(String),
    Tracking(String),
}

impl RequestRef {
    pub fn parse(input: &str) -> Result<RequestRef> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::bad_input("err-request-ref-empty"));
        }
        Ok(match normalise_tracking_code(trimmed) {
            Some(code) => RequestRef::Tracking(code),
            None => RequestRef::Id(trimmed.to_owned()),
        })
    }

    pub fn as_str(&self) -> &str {
        match self {
            RequestRef::Id(s) | RequestRef::Tracking(s) => s,
        }
    }
}

pub(crate) const SELECT: &str = "SELECT r.id, r.tracking_code, r.center, r.national_id,
    r.first_name, r.father_name, r.mother_name, r.family_name, r.governorate, r.service,
    r.submitted_at, r.channel, r.paid, r.bank, r.fee_syp, r.delivery_kind, r.delivery_place, r.phone,
    r.document, r.state, r.stamps_required, r.document_number, r.verified_by, r.verified_at,
    r.content_digest, r.reason, r.printed_count, r.due_at, r.updated_at,
    (SELECT group_concat(s.supervisor || ' ' || s.stamped_at, ',') FROM stamps s WHERE s.request_id = r.id),
    r.sex
    FROM requests r";

fn time(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn bad_row(what: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("stored {what} {value:?} is not valid").into(),
    )
}

pub(crate) fn map_row(r: &Row<'_>) -> rusqlite::Result<Request> {
    let national_id: String = r.get(3)?;
    let channel: String = r.get(11)?;
    let delivery_kind: String = r.get(15)?;
    let delivery_place: String = r.get(16)?;
    let document: String = r.get(18)?;
    let state: String = r.get(19)?;
    let stamps: Option<String> = r.get(29)?;
    let sex: Option<String> = r.get(30)?;
    let sex = match sex.as_deref() {
        None => None,
        Some(s) => Some(Sex::parse(s).ok_or_else(|| bad_row("sex", s))?),
    };
    let mut stamps: Vec<Stamp> = stamps
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| {
            let (who, at) = s.split_once(' ')?;
            Some(Stamp {
                supervisor: who.to_owned(),
                stamped_at: time(at.parse().ok()?),
            })
        })
        .collect();
    stamps.sort_by(|a, b| {
        a.stamped_at
            .cmp(&b.stamped_at)
            .then_with(|| a.supervisor.cmp(&b.supervisor))
    });
    Ok(Request {
        id: r.get(0)?,
        sex,
        tracking_code: r.get(1)?,
        center: r.get(2)?,
        national_id: NationalId::parse(&national_id)
            .map_err(|_| bad_row("national ID", &national_id))?,
        name: CitizenName {
            first: r.get(4)?,
            father: r.get(5)?,
            mother: r.get(6)?,
            family: r.get(7)?,
        },
        governorate: r.get(8)?,
        service: r.get(9)?,
        submitted_at: time(r.get(10)?),
        channel: Channel::parse(&channel).ok_or_else(|| bad_row("channel", &channel))?,
        payment: Payment {
            paid: r.get(12)?,
            bank: r.get(13)?,
            fee_syp: r.get(14)?,
        },
        delivery: Delivery {
            place: match delivery_kind.as_str() {
                "address" => DeliveryPlace::Address {
                    address: delivery_place,
                },
                _ => DeliveryPlace::Center {
                    center: delivery_place,
                },
            },
            phone: r.get(17)?,
        },
        document: serde_json::from_str::<BTreeMap<String, String>>(&document)
            .map_err(|_| bad_row("document", &document))?,
        state: State::parse(&state).ok_or_else(|| bad_row("state", &state))?,
        stamps,
        stamps_required: r.get(20)?,
        document_number: r.get(21)?,
        verified_by: r.get(22)?,
        verified_at: r.get::<_, Option<i64>>(23)?.map(time),
        content_digest: r.get(24)?,
        reason: r.get(25)?,
        printed_count: r.get(26)?,
        due_at: time(r.get(27)?),
        updated_at: time(r.get(28)?),
    })
}

pub(crate) fn find(conn: &Connection, reference: &RequestRef) -> Result<Option<Request>> {
    let sql = match reference {
        RequestRef::Id(_) => format!("{SELECT} WHERE r.id = ?1"),
        RequestRef::Tracking(_) => format!("{SELECT} WHERE r.tracking_code = ?1"),
    };
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([reference.as_str()], map_row)
        .optional()?)
}

pub(crate) fn by_national_id(conn: &Connection, id: &NationalId) -> Result<Vec<Request>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.national_id = ?1 ORDER BY r.submitted_at DESC"
    ))?;
    let rows = stmt.query_map([id.as_str()], map_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn delivery_columns(d: &Delivery) -> (&'static str, &str) {
    match &d.place {
        DeliveryPlace::Address { address } => ("address", address),
        DeliveryPlace::Center { center } => ("center", center),
    }
}

/// A whole request as loaded in bulk (demo data, and later requests pulled
/// from the hub), with what verification froze and the stamps' signatures.
pub(crate) struct NewRow {
    pub req: Request,
    /// The canonical content, when the request is already verified.
    pub frozen_content: Option<String>,
    pub seal_payload: Option<Vec<u8>>,
    /// (kid hex, protected header, signature), one per entry of `req.stamps`.
    pub stamp_signatures: Vec<(String, Vec<u8>, Vec<u8>)>,
    /// The desk holding the envelope, for an enveloped request made here
    /// (None for rows that sync brought from the hub).
    pub enveloped_at_desk: Option<String>,
    /// Where the hub (or the demo's stand-in) signed its payment facts.
    pub payment_proof: Option<super::payments::PaymentProof>,
}

pub(crate) fn insert(conn: &Connection, row: &NewRow) -> Result<()> {
    let req = &row.req;
    let frozen_content = row.frozen_content.as_deref();
    let (kind, place) = delivery_columns(&req.delivery);
    let document =
        serde_json::to_string(&req.document).map_err(|e| Error::Storage(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO requests (id, tracking_code, center, national_id, first_name, father_name, mother_name,
            family_name, governorate, service, submitted_at, channel, paid, bank, fee_syp, delivery_kind,
            delivery_place, phone, document, state, stamps_required, document_number, verified_by, verified_at,
            frozen_content, content_digest, reason, printed_count, due_at, updated_at, seal_payload,
            enveloped_at_desk, payment_page, payment_index, sex)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
            ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35)",
    )?
    .execute(rusqlite::params![
        req.id,
        req.tracking_code,
        req.center,
        req.national_id.as_str(),
        req.name.first,
        req.name.father,
        req.name.mother,
        req.name.family,
        req.governorate,
        req.service,
        req.submitted_at.timestamp(),
        req.channel.as_str(),
        req.payment.paid,
        req.payment.bank,
        req.payment.fee_syp,
        kind,
        place,
        req.delivery.phone,
        document,
        req.state.as_str(),
        req.stamps_required,
        req.document_number,
        req.verified_by,
        req.verified_at.map(|t| t.timestamp()),
        frozen_content,
        req.content_digest,
        req.reason,
        req.printed_count,
        req.due_at.timestamp(),
        req.updated_at.timestamp(),
        row.seal_payload,
        row.enveloped_at_desk,
        row.payment_proof.map(|p| p.page),
        row.payment_proof.map(|p| p.index),
        req.sex.map(Sex::as_str),
    ])?;
    let mut stamp = conn.prepare_cached(
        "INSERT INTO stamps (request_id, supervisor, stamped_at, kid, protected, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, s) in req.stamps.iter().enumerate() {
        let sig = row.stamp_signatures.get(i);
        stamp.execute(rusqlite::params![
            req.id,
            s.supervisor,
            s.stamped_at.timestamp(),
            sig.map(|x| &x.0),
            sig.map(|x| &x.1),
            sig.map(|x| &x.2),
        ])?;
    }
    Ok(())
}

/// The frozen canonical content of a verified request, if any.
pub(crate) fn frozen_content(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT frozen_content FROM requests WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Rows and signed payment pages going into a store in one transaction.
pub(crate) struct BulkLoad<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl BulkLoad<'_> {
    pub fn row(&mut self, row: &NewRow) -> Result<()> {
        insert(self.tx, row)
    }

    /// Keeps a signed page of payment facts; returns its id.
    pub fn payment_page(&mut self, signer: &str, digests: &[u8], signature: &[u8]) -> Result<i64> {
        super::payments::insert_page(self.tx, signer, digests, signature)
    }
}

impl super::Store {
    /// Loads many requests in one transaction (the demo's million rows):
    /// all of them or none. `fill` gets a [`BulkLoad`] and returns the
    /// last document sequence number it used.
    pub(crate) fn bulk_load<F>(&mut self, fill: F) -> Result<()>
    where
        F: FnOnce(&mut BulkLoad<'_>) -> Result<u64>,
    {
        // A large page cache keeps the random-order index inserts in memory.
        self.conn.execute_batch("PRAGMA cache_size = -262144")?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let doc_seq = fill(&mut BulkLoad { tx: &tx })?;
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'document_seq'",
            [doc_seq.to_string()],
        )?;
        tx.commit()?;
        self.conn.execute_batch("PRAGMA cache_size = -2000")?;
        Ok(())
    }
}
