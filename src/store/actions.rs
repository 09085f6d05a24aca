//! What staff do to requests. Each action: check the role (in the core, not
//! the GUI), check the lifecycle, then write the change, its audit row and
//! its outbox row in one transaction. Refusals are audited too.

use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;

use super::audit::append_audit;
use super::outbox::{append_outbox, new_idempotency_key, state_change};
use super::requests::{self, RequestRef};
use super::seals::{seal_claims_for, sign_as};
use super::users::Session;
use super::{Store, meta_get};
use crate::domain::lifecycle::apply_step;
use crate::domain::request::{canonical_content, content_digest};
use crate::domain::{Action, NationalId, Request, State, Step, check};
use crate::error::{Error, Result};
use crate::seal::crypto::SigningKey;

/// One service's day at the desk (see [`Store::daily_summary`]).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ServiceDay {
    pub service: String,
    pub by_state: Vec<(State, u64)>,
    pub submitted_today: u64,
    pub open: u64,
    pub overdue: u64,
    pub finished_today: u64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DailySummary {
    pub day: chrono::NaiveDate,
    pub services: Vec<ServiceDay>,
}

impl DailySummary {
    pub fn overdue(&self) -> u64 {
        self.services.iter().map(|s| s.overdue).sum()
    }
}

/// Which requests `requests` lists.
#[derive(Clone, Debug, Default)]
pub struct RequestFilter {
    pub state: Option<State>,
    pub overdue: bool,
    pub limit: u32,
}

impl Store {
    /// All requests of one person, newest first. Audited even when nothing
    /// is found: looking someone up is itself an access to personal data.
    pub fn lookup(&mut self, session: &Session, id: &NationalId) -> Result<Vec<Request>> {
        self.authorise(session, Action::Lookup, id.as_str())?;
        let found = requests::by_national_id(&self.conn, id)?;
        let now = self.now();
        self.audit_only(
            now,
            session.name(),
            "lookup",
            id.as_str(),
            &format!("{} found", found.len()),
        )?;
        Ok(found)
    }

    /// The lookup query alone, without the role check and audit row that
    /// [`Store::lookup`] adds. For benchmarks: the desk never calls it.
    #[doc(hidden)]
    pub fn lookup_query_unaudited(&self, id: &NationalId) -> Result<Vec<Request>> {
        requests::by_national_id(&self.conn, id)
    }

    /// One request by id or tracking code.
    pub fn show(&mut self, session: &Session, reference: &RequestRef) -> Result<Request> {
        self.authorise(session, Action::Lookup, reference.as_str())?;
        let now = self.now();
        match requests::find(&self.conn, reference)? {
            Some(req) => {
                self.audit_only(
                    now,
                    session.name(),
                    "show",
                    &req.id,
                    req.national_id.as_str(),
                )?;
                Ok(req)
            }
            None => {
                self.audit_only(now, session.name(), "show", reference.as_str(), "not found")?;
                Err(Error::RequestNotFound(reference.as_str().into()))
            }
        }
    }

    /// Requests at this desk, most urgent first.
    pub fn list(&mut self, session: &Session, filter: &RequestFilter) -> Result<Vec<Request>> {
        Ok(self.list_page(session, filter, 0)?.1)
    }

    /// One page of the requests `filter` finds, most urgent first: the
    /// `filter.limit` requests after the first `offset`, and how many it
    /// finds in all (the clerk's worklist pages through the whole store).
    pub fn list_page(
        &mut self,
        session: &Session,
        filter: &RequestFilter,
        offset: u64,
    ) -> Result<(u64, Vec<Request>)> {
        self.authorise(session, Action::Lookup, "requests")?;
        let now = self.now();
        let mut condition = String::from(" WHERE 1 = 1");
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        if let Some(state) = filter.state {
            condition.push_str(" AND r.state = ?");
            args.push(state.as_str().to_owned().into());
        }
        if filter.overdue {
            condition.push_str(&format!(
                " AND r.state IN {} AND r.due_at < ?",
                State::sql_list(State::awaits_desk)
            ));
            args.push(now.timestamp().into());
        }
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM requests r{condition}"))?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        let sql = format!(
            "{}{condition} ORDER BY r.due_at, r.id LIMIT ? OFFSET ?",
            requests::SELECT
        );
        args.push(i64::from(filter.limit.max(1)).into());
        args.push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        let found = {
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), requests::map_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let detail = format!(
            "state={} overdue={} limit={} offset={offset} -> {} of {total}",
            filter.state.map(State::as_str).unwrap_or("any"),
            filter.overdue,
            filter.limit,
            found.len()
        );
        self.audit_only(now, session.name(), "list", "requests", &detail)?;
        Ok((total.max(0) as u64, found))
    }

    /// A supervisor's queue: verified requests waiting for their stamp
    /// (not ones they verified, not ones they stamped already), oldest
    /// verification first, with how many there are in all.
    pub fn stamp_queue(&mut self, session: &Session, limit: u32) -> Result<(u64, Vec<Request>)> {
        self.authorise(session, Action::Stamp, "stamp queue")?;
        let me = session.name();
        let waiting = "r.state = 'verified' AND coalesce(r.verified_by, '') <> ?1
             AND NOT EXISTS (SELECT 1 FROM stamps s WHERE s.request_id = r.id AND s.supervisor = ?1)";
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM requests r WHERE {waiting}"),
            [me],
            |r| r.get(0),
        )?;
        let total = total.max(0) as u64;
        let found = {
            let sql = format!(
                "{} WHERE {waiting} ORDER BY r.verified_at, r.id LIMIT ?2",
                requests::SELECT
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                rusqlite::params![me, i64::from(limit.max(1))],
                requests::map_row,
            )?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        };
        let now = self.now();
        let detail = format!("{total} waiting, {} shown", found.len());
        self.audit_only(now, me, "list", "stamp queue", &detail)?;
        Ok((total, found))
    }

    /// The desk's day by service: requests submitted today, open now,
    /// overdue now, and finished today (printed or further), with the
    /// counts by state. Counts only, no personal data: not audited.
    pub fn daily_summary(
        &mut self,
        session: &Session,
        day: chrono::NaiveDate,
    ) -> Result<DailySummary> {
        self.authorise(session, Action::Lookup, "summary")?;
        let start = crate::domain::calendar::damascus_midnight(day).timestamp();
        let end =
            crate::domain::calendar::damascus_midnight(day + chrono::Days::new(1)).timestamp();
        let now = self.now().timestamp();
        // Rows by service and state; which states count as open, overdue
        // or finished is the lifecycle's to say.
        let mut stmt = self.conn.prepare_cached(
            "SELECT service, state, count(*),
                    sum(submitted_at >= ?1 AND submitted_at < ?2),
                    sum(due_at < ?3),
                    sum(updated_at >= ?1 AND updated_at < ?2)
             FROM requests GROUP BY service, state ORDER BY service",
        )?;
        let rows = stmt.query_map(rusqlite::params![start, end, now], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)? as u64,
                r.get::<_, i64>(3)? as u64,
                r.get::<_, i64>(4)? as u64,
                r.get::<_, i64>(5)? as u64,
            ))
        })?;
        let mut summary = DailySummary {
            day,
            services: Vec::new(),
        };
        for row in rows {
            let (service, state, count, submitted, past_due, changed_today) = row?;
            let Some(state) = State::parse(&state) else {
                continue;
            };
            if summary.services.last().is_none_or(|s| s.service != service) {
                summary.services.push(ServiceDay {
                    service,
                    ..ServiceDay::default()
                });
            }
            if let Some(s) = summary.services.last_mut() {
                s.by_state.push((state, count));
                s.submitted_today += submitted;
                if state.awaits_desk() {
                    s.open += count;
                    s.overdue += past_due;
                }
                if state.is_finished() {
                    s.finished_today += changed_today;
                }
            }
        }
        Ok(summary)
    }

    /// Counts by state (no personal data, so not audited).
    pub fn count_by_state(&self) -> Result<Vec<(State, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT state, count(*) FROM requests GROUP BY state")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (s, n) = row?;
            if let Some(state) = State::parse(&s) {
                out.push((state, n));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Records a refusal in the audit log and returns it as the error.
    pub(crate) fn refuse(
        &mut self,
        session: &Session,
        subject: &str,
        action: Action,
        err: Error,
    ) -> Error {
        let now = self.now();
        let detail = format!("{action}: {err}");
        match self.audit_only(now, session.name(), "refused", subject, &detail) {
            Ok(()) => err,
            Err(audit_err) => audit_err,
        }
    }

    /// The shared shape of every lifecycle step at the desk: the session
    /// and role, the lifecycle's [`check`], the step `build` makes (with
    /// what it needs besides the request in `ctx`), then the request, its
    /// audit row and its outbox row in one transaction. Refusals are
    /// audited.
    fn change<F>(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        action: Action,
        stamp_key: Option<(Vec<u8>, SigningKey)>,
        build: F,
    ) -> Result<Request>
    where
        F: FnOnce(&Request, &mut StepContext) -> Result<Step>,
    {
        self.authorise(session, action, reference.as_str())?;
        let now = self.now();
        let key = new_idempotency_key(&self.center, &self.desk)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read inside the write transaction: two processes on one desk never
        // hand out the same document number.
        let document_seq = meta_get(&tx, "document_seq")?;
        let Some(mut req) = requests::find(&tx, reference)? else {
            drop(tx);
            return Err(Error::RequestNotFound(reference.as_str().into()));
        };
        let before = req.state;
        let seal_payload: Option<Vec<u8>> = tx
            .prepare_cached("SELECT seal_payload FROM requests WHERE id = ?1")?
            .query_row([&req.id], |r| r.get(0))?;
        let mut ctx = StepContext {
            now,
            actor: session.name().to_owned(),
            center: self.center.clone(),
            desk: self.desk.clone(),
            next_document_seq: document_seq
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0)
                + 1,
            used_document_seq: false,
            frozen_content: None,
            detail: String::new(),
            catalog: self.catalog.clone(),
            seal_payload,
            new_seal_payload: None,
            stamp_key,
            stamp_signature: None,
        };
        let actor = session.actor();
        let step = check(&req, actor, action)
            .map_err(Error::from)
            .and_then(|_| build(&req, &mut ctx))
            .and_then(|step| {
                apply_step(&mut req, &step, session.name(), now)?;
                Ok(step)
            });
        let step = match step {
            Ok(step) => step,
            Err(err) => {
                drop(tx);
                let id = req.id.clone();
                return Err(self.refuse(session, &id, action, err));
            }
        };
        tx.prepare_cached(
            "UPDATE requests SET state = ?2, document_number = ?3, verified_by = ?4, verified_at = ?5,
                content_digest = ?6, reason = ?7, printed_count = ?8, updated_at = ?9,
                frozen_content = coalesce(?10, frozen_content),
                seal_payload = coalesce(?11, seal_payload)
             WHERE id = ?1",
        )?
        .execute(rusqlite::params![
            req.id,
            req.state.as_str(),
            req.document_number,
            req.verified_by,
            req.verified_at.map(|t| t.timestamp()),
            req.content_digest,
            req.reason,
            req.printed_count,
            now.timestamp(),
            ctx.frozen_content,
            ctx.new_seal_payload,
        ])?;
        if let Step::Stamp {} = step {
            let signature = ctx.stamp_signature.take();
            tx.prepare_cached(
                "INSERT INTO stamps (request_id, supervisor, stamped_at, kid, protected, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(rusqlite::params![
                req.id,
                session.name(),
                now.timestamp(),
                signature.as_ref().map(|s| s.kid.clone()),
                signature.as_ref().map(|s| s.protected.clone()),
                signature.map(|s| s.signature),
            ])?;
        }
        if ctx.used_document_seq {
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'document_seq'",
                [ctx.next_document_seq.to_string()],
            )?;
        }
        let detail = format!("{} -> {}{}", before, req.state, ctx.detail);
        append_audit(&tx, now, session.name(), action.as_str(), &req.id, &detail)?;
        let change = state_change(step, before, req.state, session.actor(), now);
        append_outbox(&tx, &key, now, Some(&req.id), &change)?;
        tx.commit()?;
        Ok(req)
    }

    /// Clerk confirms the document matches the request and the person.
    /// Assigns the document number and freezes the document content.
    pub fn verify(&mut self, session: &Session, reference: &RequestRef) -> Result<Request> {
        self.verify_confirming(session, reference, &[])
    }

    /// Verify, writing into the audit entry what the clerk confirmed
    /// against the person and the papers (the desk app's checklist:
    /// identity, document, data, payment).
    pub fn verify_confirming(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        confirmed: &[&str],
    ) -> Result<Request> {
        let note = if confirmed.is_empty() {
            String::new()
        } else {
            format!(" confirmed: {}", confirmed.join(","))
        };
        self.change(session, reference, Action::Verify, None, |req, ctx| {
            ctx.detail.push_str(&note);
            let number = format!("{}-{}-{:07}", ctx.center, ctx.desk, ctx.next_document_seq);
            ctx.used_document_seq = true;
            let content = canonical_content(req, &number);
            let step = Step::Verify {
                document_number: number,
                content_digest: content_digest(&content),
            };
            ctx.frozen_content = Some(content);
            // The seal payload is frozen now too, from the verified record:
            // every stamp signs it.
            let service = ctx
                .catalog
                .service(&req.service)
                .ok_or_else(|| Error::Data(format!("unknown service {}", req.service)))?;
            let mut verified = req.clone();
            apply_step(&mut verified, &step, &ctx.actor, ctx.now)?;
            ctx.new_seal_payload = seal_claims_for(&verified, service).map(|c| c.to_cbor());
            Ok(step)
        })
    }

    /// A supervisor's stamp approval, signed with their stamp key (unlocked
    /// by their PIN for this moment only). The last required stamp approves.
    pub fn stamp(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        pin: &str,
    ) -> Result<Request> {
        self.authorise(session, Action::Stamp, reference.as_str())?;
        let key = match self.unlock_stamp_key(session.name(), pin) {
            Ok(key) => key,
            Err(err) => return Err(self.refuse(session, reference.as_str(), Action::Stamp, err)),
        };
        self.stamp_with(session, reference, key)
    }

    /// A supervisor's stamp on several requests with one PIN: the stamp key
    /// is opened once (argon2 at 64 MiB costs about a third of a second),
    /// then each request is stamped, checked and audited on its own, as
    /// [`Store::stamp`] does. A request the rules refuse (stamped already,
    /// verified by this supervisor, changed meanwhile) is refused alone;
    /// the others go on. A wrong PIN stamps nothing.
    pub fn stamp_several(
        &mut self,
        session: &Session,
        references: &[RequestRef],
        pin: &str,
    ) -> Result<Vec<(RequestRef, Result<Request>)>> {
        let Some(first) = references.first() else {
            return Ok(Vec::new());
        };
        self.authorise(session, Action::Stamp, first.as_str())?;
        let key = match self.unlock_stamp_key(session.name(), pin) {
            Ok(key) => key,
            Err(err) => return Err(self.refuse(session, first.as_str(), Action::Stamp, err)),
        };
        let outcomes = references
            .iter()
            .map(|reference| {
                let outcome = self.stamp_with(session, reference, key.clone());
                (reference.clone(), outcome)
            })
            .collect();
        Ok(outcomes)
    }

    /// The stamp itself, with the supervisor's key already open.
    fn stamp_with(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        key: (Vec<u8>, SigningKey),
    ) -> Result<Request> {
        self.change(session, reference, Action::Stamp, Some(key), |req, ctx| {
            let payload = match ctx.seal_payload.clone() {
                Some(p) => p,
                // Verified before the seal existed: freeze the payload now.
                None => {
                    let service = ctx
                        .catalog
                        .service(&req.service)
                        .ok_or_else(|| Error::Data(format!("unknown service {}", req.service)))?;
                    let p = seal_claims_for(req, service)
                        .map(|c| c.to_cbor())
                        .ok_or_else(|| {
                            Error::Data("verified request without document data".into())
                        })?;
                    ctx.new_seal_payload = Some(p.clone());
                    p
                }
            };
            if let Some((kid, key)) = &ctx.stamp_key {
                let (protected, signature) = sign_as(
                    key,
                    kid,
                    &ctx.actor,
                    "supervisor",
                    ctx.now.timestamp(),
                    &payload,
                );
                ctx.stamp_signature = Some(StampSignature {
                    kid: hex::encode(kid),
                    protected,
                    signature,
                });
            }
            let after = req.stamps.len() + 1;
            ctx.detail = format!(" ({after}/{} stamps)", req.stamps_required);
            Ok(Step::Stamp {})
        })
    }

    pub fn reject(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        reason: &str,
    ) -> Result<Request> {
        self.close(session, reference, Action::Reject, reason)
    }

    pub fn cancel(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        reason: &str,
    ) -> Result<Request> {
        self.close(session, reference, Action::Cancel, reason)
    }

    fn close(
        &mut self,
        session: &Session,
        reference: &RequestRef,
        action: Action,
        reason: &str,
    ) -> Result<Request> {
        let reason = reason.trim().to_owned();
        if reason.is_empty() {
            return Err(Error::ReasonRequired);
        }
        self.change(session, reference, action, None, move |_, ctx| {
            ctx.detail = format!(": {reason}");
            Ok(if action == Action::Cancel {
                Step::Cancel { reason }
            } else {
                Step::Reject { reason }
            })
        })
    }

    /// The frozen canonical content of a verified request (what is sealed
    /// and printed).
    pub fn frozen_content(&self, request_id: &str) -> Result<Option<String>> {
        requests::frozen_content(&self.conn, request_id)
    }
}

/// What a step's builder may read and set besides the request itself.
struct StepContext {
    now: DateTime<Utc>,
    actor: String,
    center: String,
    desk: String,
    next_document_seq: u64,
    used_document_seq: bool,
    frozen_content: Option<String>,
    detail: String,
    catalog: std::sync::Arc<crate::domain::Catalog>,
    seal_payload: Option<Vec<u8>>,
    new_seal_payload: Option<Vec<u8>>,
    stamp_key: Option<(Vec<u8>, SigningKey)>,
    stamp_signature: Option<StampSignature>,
}

/// A supervisor's signature over the seal payload, made as they stamp.
struct StampSignature {
    /// The key's id, hex.
    kid: String,
    protected: Vec<u8>,
    signature: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{DemoOptions, create_demo};

    const PIN: &str = "123456";

    fn demo(n: u64) -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let (store, _) = create_demo(
            dir.path(),
            &DemoOptions {
                requests: n,
                seed: 11,
                today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            },
        )
        .unwrap();
        (dir, store)
    }

    fn one(store: &Store, sql: &str) -> String {
        store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn code(store: &Store, condition: &str) -> RequestRef {
        RequestRef::parse(&one(
            store,
            &format!("SELECT tracking_code FROM requests WHERE {condition} ORDER BY id LIMIT 1"),
        ))
        .unwrap()
    }

    fn last_audit(store: &Store) -> (String, String, String) {
        store
            .conn
            .query_row(
                "SELECT actor, action, detail FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    }

    #[test]
    fn verify_numbers_documents_in_order_and_freezes_them() {
        let (_dir, mut store) = demo(120);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let seq: u64 = one(&store, "SELECT value FROM meta WHERE key = 'document_seq'")
            .parse()
            .unwrap();
        let first = store
            .verify_confirming(
                &clerk,
                &code(&store, "state = 'received'"),
                &["identity", "payment"],
            )
            .unwrap();
        let second = store
            .verify(&clerk, &code(&store, "state = 'received'"))
            .unwrap();
        assert_eq!(
            first.document_number.as_deref(),
            Some(format!("TRT01-D01-{:07}", seq + 1).as_str())
        );
        assert_eq!(
            second.document_number.as_deref(),
            Some(format!("TRT01-D01-{:07}", seq + 2).as_str())
        );
        assert_eq!(second.verified_by.as_deref(), Some("clerk1"));
        let frozen = store.frozen_content(&first.id).unwrap().unwrap();
        assert_eq!(
            first.content_digest.as_deref(),
            Some(content_digest(&frozen).as_str())
        );
        let payload: Option<Vec<u8>> = store
            .conn
            .query_row(
                "SELECT seal_payload FROM requests WHERE id = ?1",
                [&first.id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(payload.is_some_and(|p| !p.is_empty()));
        let (actor, action, detail) = last_audit(&store);
        assert_eq!((actor.as_str(), action.as_str()), ("clerk1", "verify"));
        assert_eq!(detail, "received -> verified");
        let detail_of_first: String = store
            .conn
            .query_row(
                "SELECT detail FROM audit WHERE action = 'verify' AND subject = ?1",
                [&first.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            detail_of_first,
            "received -> verified confirmed: identity,payment"
        );
    }

    #[test]
    fn a_refused_step_changes_nothing_and_is_audited() {
        let (_dir, mut store) = demo(80);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let r = code(&store, "state = 'dispatched'");
        let outbox = store.outbox_len().unwrap();
        let err = store.reject(&clerk, &r, "late").unwrap_err();
        assert!(matches!(
            err,
            Error::InvalidTransition {
                state: State::Dispatched,
                action: Action::Reject
            }
        ));
        let (actor, action, detail) = last_audit(&store);
        assert_eq!((actor.as_str(), action.as_str()), ("clerk1", "refused"));
        assert!(detail.starts_with("reject: "), "{detail}");
        assert_eq!(store.outbox_len().unwrap(), outbox);
        assert!(matches!(
            store.reject(&clerk, &code(&store, "state = 'received'"), "   "),
            Err(Error::ReasonRequired)
        ));
        assert!(matches!(
            store.verify(&clerk, &RequestRef::Id("no-such-request".into())),
            Err(Error::RequestNotFound(_))
        ));
    }

    #[test]
    fn a_stamp_is_signed_counted_and_approves_when_complete() {
        let (_dir, mut store) = demo(150);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let r = code(&store, "state = 'received' AND stamps_required = 2");
        store.verify(&clerk, &r).unwrap();
        let s1 = store.sign_in("supervisor1", PIN).unwrap();
        let s2 = store.sign_in("supervisor2", PIN).unwrap();
        let after = store.stamp(&s1, &r, PIN).unwrap();
        assert_eq!((after.state, after.stamps.len()), (State::Verified, 1));
        assert_eq!(last_audit(&store).2, "verified -> verified (1/2 stamps)");
        let signed: bool = store
            .conn
            .query_row(
                "SELECT signature IS NOT NULL AND kid IS NOT NULL FROM stamps
                 WHERE request_id = ?1 AND supervisor = 'supervisor1'",
                [&after.id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(signed);
        assert!(matches!(
            store.stamp(&s2, &r, "654321"),
            Err(Error::WrongPin { .. })
        ));
        let done = store.stamp(&s2, &r, PIN).unwrap();
        assert_eq!((done.state, done.stamps.len()), (State::Approved, 2));
        let pending = store.outbox_pending(10).unwrap();
        let last = pending.last().unwrap();
        assert!(matches!(
            &last.change,
            crate::protocol::Change::StateChange(s) if s.step == Step::Stamp {} && s.to == State::Approved
        ));
    }

    #[test]
    fn several_stamps_take_one_pin_and_each_is_judged_alone() {
        let (_dir, mut store) = demo(150);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let sup = store.sign_in("supervisor1", PIN).unwrap();
        let mut refs = Vec::new();
        for _ in 0..3 {
            let r = code(
                &store,
                "state = 'received' AND paid = 1 AND stamps_required = 2",
            );
            store.verify(&clerk, &r).unwrap();
            refs.push(r);
        }
        let before = store.outbox_len().unwrap();
        // A wrong PIN stamps nothing at all.
        assert!(matches!(
            store.stamp_several(&sup, &refs, "654321"),
            Err(Error::WrongPin { .. })
        ));
        assert_eq!(store.outbox_len().unwrap(), before);
        // The middle one already carries this supervisor's stamp.
        store.stamp(&sup, &refs[1], PIN).unwrap();
        let outcomes = store.stamp_several(&sup, &refs, PIN).unwrap();
        assert_eq!(outcomes.len(), 3);
        assert_eq!(outcomes[0].1.as_ref().unwrap().stamps.len(), 1);
        assert!(
            matches!(outcomes[1].1, Err(Error::AlreadyStamped(_))),
            "{:?}",
            outcomes[1].1
        );
        assert_eq!(outcomes[2].1.as_ref().unwrap().stamps.len(), 1);
        // Two stamps from the batch and one before it, each in the outbox.
        assert_eq!(store.outbox_len().unwrap(), before + 3);
        // A clerk may not stamp, one request or several.
        assert!(matches!(
            store.stamp_several(&clerk, &refs, PIN),
            Err(Error::Forbidden { .. })
        ));
        assert!(store.stamp_several(&sup, &[], PIN).unwrap().is_empty());
    }

    #[test]
    fn a_requests_history_is_its_steps_and_refusals_not_its_readings() {
        let (_dir, mut store) = demo(60);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let sup = store.sign_in("supervisor1", PIN).unwrap();
        let r = code(
            &store,
            "state = 'received' AND paid = 1 AND stamps_required = 2",
        );
        store.verify(&clerk, &r).unwrap();
        let _ = store.stamp(&sup, &r, "654321");
        let req = store.stamp(&sup, &r, PIN).unwrap();
        store.show(&clerk, &r).unwrap();
        let steps: Vec<(String, String)> = store
            .request_history(&clerk, &req)
            .unwrap()
            .into_iter()
            .map(|e| (e.actor, e.action))
            .collect();
        let expected = [
            ("clerk1", "verify"),
            ("supervisor1", "refused"),
            ("supervisor1", "stamp"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(steps, expected);
        // Another request's history is its own.
        let other = store
            .show(&clerk, &code(&store, "state = 'received'"))
            .unwrap();
        assert!(store.request_history(&clerk, &other).unwrap().is_empty());
    }

    #[test]
    fn cancel_is_a_supervisors_and_keeps_the_reason() {
        let (_dir, mut store) = demo(60);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let sup = store.sign_in("supervisor1", PIN).unwrap();
        let r = code(&store, "state = 'approved'");
        assert!(matches!(
            store.cancel(&clerk, &r, "x"),
            Err(Error::Forbidden {
                role: crate::domain::Role::Clerk,
                action: Action::Cancel
            })
        ));
        let req = store.cancel(&sup, &r, "  بطلب المواطن ").unwrap();
        assert_eq!(req.state, State::Cancelled);
        assert_eq!(req.reason.as_deref(), Some("بطلب المواطن"));
        assert_eq!(last_audit(&store).2, "approved -> cancelled: بطلب المواطن");
    }

    #[test]
    fn lists_filter_by_state_and_lateness() {
        let (_dir, mut store) = demo(300);
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        let now = store.now();
        let overdue = store
            .list(
                &clerk,
                &RequestFilter {
                    state: None,
                    overdue: true,
                    limit: 1000,
                },
            )
            .unwrap();
        let in_sql: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM requests
                 WHERE state IN ('received', 'verified', 'approved') AND due_at < ?1",
                [now.timestamp()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(overdue.len() as i64, in_sql);
        assert!(overdue.iter().all(|r| r.is_overdue(now)));
        assert!(overdue.windows(2).all(|w| w[0].due_at <= w[1].due_at));
        let approved = store
            .list(
                &clerk,
                &RequestFilter {
                    state: Some(State::Approved),
                    overdue: false,
                    limit: 3,
                },
            )
            .unwrap();
        assert_eq!(approved.len(), 3);
        assert!(approved.iter().all(|r| r.state == State::Approved));
        let summary = store
            .daily_summary(&clerk, crate::domain::calendar::damascus_date(now))
            .unwrap();
        assert_eq!(summary.overdue(), in_sql as u64);
        let open: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM requests WHERE state IN ('received', 'verified', 'approved')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            summary.services.iter().map(|s| s.open).sum::<u64>(),
            open as u64
        );
    }
}
