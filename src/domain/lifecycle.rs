//! The request lifecycle and who may do what: the one place these rules
//! live. The store asks [`check`] before every change and records it with
//! [`apply_step`]; the hub judges pushed changes with [`next_state`] and
//! [`apply_step`]; the command line and the desk app offer what
//! [`available_actions`] lists. Nothing else re-codes a transition.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::request::{Request, Stamp};

/// Where a request is in its life at this desk. The lower-case names are the
/// ones used on the command line and in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Submitted online and paid (or awaiting payment); not yet checked.
    Received,
    /// A clerk checked the document against the request and the person.
    Verified,
    /// Every required supervisor stamp has been applied.
    Approved,
    /// The sealed original has been printed (later prints are copies).
    Printed,
    /// In its envelope, labelled with the delivery conditions and place.
    Enveloped,
    /// Handed to the post in a hand-over batch.
    Dispatched,
    /// Refused by the clerk or supervisor, with a reason.
    Rejected,
    /// Withdrawn by a supervisor, with a reason.
    Cancelled,
    /// The post reported it handed to the citizen (via the hub).
    Delivered,
    /// The post reported it could not deliver and brought it back.
    Returned,
}

impl State {
    pub const ALL: [State; 10] = [
        State::Received,
        State::Verified,
        State::Approved,
        State::Printed,
        State::Enveloped,
        State::Dispatched,
        State::Rejected,
        State::Cancelled,
        State::Delivered,
        State::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Received => "received",
            State::Verified => "verified",
            State::Approved => "approved",
            State::Printed => "printed",
            State::Enveloped => "enveloped",
            State::Dispatched => "dispatched",
            State::Rejected => "rejected",
            State::Cancelled => "cancelled",
            State::Delivered => "delivered",
            State::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        let s = s.trim().to_ascii_lowercase();
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Open requests can still be rejected or cancelled. Once handed to the
    /// post (or closed) a request is out of the desk's hands.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            State::Received | State::Verified | State::Approved | State::Printed | State::Enveloped
        )
    }

    /// Still waiting on the desk's work (checking, stamps, the original):
    /// the states in which a request can be late.
    pub fn awaits_desk(self) -> bool {
        matches!(self, State::Received | State::Verified | State::Approved)
    }

    /// In its envelope at the desk, waiting for the post's hand-over.
    pub fn awaits_post(self) -> bool {
        self == State::Enveloped
    }

    /// The original is printed and the document is still on its way: a
    /// copy may be printed (with a supervisor's authorisation).
    pub fn allows_copy(self) -> bool {
        matches!(self, State::Printed | State::Enveloped | State::Dispatched)
    }

    /// The request has every stamp and its document is not yet with the
    /// citizen: its seal can be issued (for the original or a copy).
    pub fn is_sealable(self) -> bool {
        self == State::Approved || self.allows_copy()
    }

    /// The desk's work is done: the original is printed (and maybe
    /// delivered). What the daily summary counts as finished.
    pub fn is_finished(self) -> bool {
        self.allows_copy() || self == State::Delivered
    }

    /// The states for which `pred` holds, as an SQL list: `('a', 'b')`.
    /// Queries filter by the same predicates as the code.
    pub fn sql_list(pred: fn(State) -> bool) -> String {
        let names: Vec<String> = State::ALL
            .into_iter()
            .filter(|s| pred(*s))
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!("({})", names.join(", "))
    }

    /// The id of the translated label (Arabic in the GUI).
    pub fn label_id(self) -> &'static str {
        match self {
            State::Received => "state-received",
            State::Verified => "state-verified",
            State::Approved => "state-approved",
            State::Printed => "state-printed",
            State::Enveloped => "state-enveloped",
            State::Dispatched => "state-dispatched",
            State::Rejected => "state-rejected",
            State::Cancelled => "state-cancelled",
            State::Delivered => "state-delivered",
            State::Returned => "state-returned",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Clerk,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Clerk, Role::Supervisor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase();
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Role::Clerk => "role-clerk",
            Role::Supervisor => "role-supervisor",
            Role::Admin => "role-admin",
        }
    }

    /// The permission table. Admins run the desk but never touch documents;
    /// supervisors can do everything a clerk can, plus the approvals.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Role::Clerk => matches!(
                action,
                Lookup | Verify | Reject | Print | PrintCopy | Envelope | Dispatch
            ),
            Role::Supervisor => matches!(
                action,
                Lookup
                    | Verify
                    | Reject
                    | Print
                    | PrintCopy
                    | Envelope
                    | Dispatch
                    | Stamp
                    | Cancel
                    | AuthoriseReprint
                    | ReadAudit
            ),
            Role::Admin => matches!(
                action,
                ManageUsers | ManageKeys | ManageSettings | Backup | Restore | ReadAudit
            ),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything a signed-in person can ask the desk to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Lookup,
    Verify,
    Stamp,
    Reject,
    Cancel,
    /// The sealed original (approved → printed).
    Print,
    /// A copy of a printed document; needs a supervisor's authorisation.
    PrintCopy,
    AuthoriseReprint,
    Envelope,
    Dispatch,
    ManageUsers,
    ManageKeys,
    ManageSettings,
    Backup,
    Restore,
    /// Read the audit log (it names citizens and staff).
    ReadAudit,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::Lookup,
        Action::Verify,
        Action::Stamp,
        Action::Reject,
        Action::Cancel,
        Action::Print,
        Action::PrintCopy,
        Action::AuthoriseReprint,
        Action::Envelope,
        Action::Dispatch,
        Action::ManageUsers,
        Action::ManageKeys,
        Action::ManageSettings,
        Action::Backup,
        Action::Restore,
        Action::ReadAudit,
    ];

    /// The actions that act on one request, in the order of its life.
    pub const ON_REQUESTS: [Action; 8] = [
        Action::Verify,
        Action::Stamp,
        Action::Print,
        Action::PrintCopy,
        Action::Envelope,
        Action::Dispatch,
        Action::Reject,
        Action::Cancel,
    ];

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Lookup => "lookup",
            Action::Verify => "verify",
            Action::Stamp => "stamp",
            Action::Reject => "reject",
            Action::Cancel => "cancel",
            Action::Print => "print",
            Action::PrintCopy => "print_copy",
            Action::AuthoriseReprint => "authorise_reprint",
            Action::Envelope => "envelope",
            Action::Dispatch => "dispatch",
            Action::ManageUsers => "manage_users",
            Action::ManageKeys => "manage_keys",
            Action::ManageSettings => "manage_settings",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::ReadAudit => "read_audit",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Action::Lookup => "action-lookup",
            Action::Verify => "action-verify",
            Action::Stamp => "action-stamp",
            Action::Reject => "action-reject",
            Action::Cancel => "action-cancel",
            Action::Print => "action-print",
            Action::PrintCopy => "action-print-copy",
            Action::AuthoriseReprint => "action-authorise-reprint",
            Action::Envelope => "action-envelope",
            Action::Dispatch => "action-dispatch",
            Action::ManageUsers => "action-manage-users",
            Action::ManageKeys => "action-manage-keys",
            Action::ManageSettings => "action-manage-settings",
            Action::Backup => "action-backup",
            Action::Restore => "action-restore",
            Action::ReadAudit => "action-read-audit",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who asks for an action: a signed-in person's name and role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    pub name: &'a str,
    pub role: Role,
}

/// Why the lifecycle refuses an action on a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The role may never do this.
    Forbidden { role: Role, action: Action },
    /// Not from the state the request is in.
    InvalidTransition { state: State, action: Action },
    /// The supervisor who verified a request cannot stamp it.
    TwoPersonRule,
    /// This supervisor has stamped it already.
    AlreadyStamped(String),
    /// Nothing is printed for an unpaid request.
    Unpaid,
}

/// What a stamp does to a verified request: it stays verified until the
/// last required stamp, which approves it.
pub fn state_after_stamp(stamps_after: u32, required: u32) -> State {
    if stamps_after >= required {
        State::Approved
    } else {
        State::Verified
    }
}

/// What the post may report about a request: only a dispatched one can be
/// delivered or returned.
pub fn post_outcome_allowed(state: State, outcome: State) -> bool {
    state == State::Dispatched && matches!(outcome, State::Delivered | State::Returned)
}

/// The state `action` moves `req` to, or `None` when the lifecycle does
/// not allow it from where the request is. A stamp approves only when it
/// is the last one required; a copy leaves the state as it is.
pub fn next_state(req: &Request, action: Action) -> Option<State> {
    use State::*;
    let state = req.state;
    match (action, state) {
        (Action::Verify, Received) => Some(Verified),
        (Action::Stamp, Verified) => Some(state_after_stamp(
            req.stamps.len() as u32 + 1,
            req.stamps_required,
        )),
        (Action::Print, Approved) => Some(Printed),
        (Action::PrintCopy, s) if s.allows_copy() => Some(s),
        (Action::Envelope, Printed) => Some(Enveloped),
        (Action::Dispatch, s) if s.awaits_post() => Some(Dispatched),
        (Action::Reject, s) if s.is_open() => Some(Rejected),
        (Action::Cancel, s) if s.is_open() => Some(Cancelled),
        _ => None,
    }
}

/// Whether `actor` may take `action` on `req` now, and the state it
/// leads to. Checked in this order: the role, the state, then the rules
/// about the person (two-person rule, one stamp each) and the payment.
pub fn check(req: &Request, actor: Actor<'_>, action: Action) -> Result<State, Refusal> {
    if !actor.role.may(action) {
        return Err(Refusal::Forbidden {
            role: actor.role,
            action,
        });
    }
    let to = next_state(req, action).ok_or(Refusal::InvalidTransition {
        state: req.state,
        action,
    })?;
    match action {
        Action::Stamp if req.verified_by.as_deref() == Some(actor.name) => {
            Err(Refusal::TwoPersonRule)
        }
        Action::Stamp if req.stamps.iter().any(|s| s.supervisor == actor.name) => {
            Err(Refusal::AlreadyStamped(actor.name.to_owned()))
        }
        Action::Print | Action::PrintCopy if !req.payment.paid => Err(Refusal::Unpaid),
        _ => Ok(to),
    }
}

/// The actions someone with `role` can take on `req` now, in the order of
/// the request's life: what the desk offers. Who exactly acts can still
/// matter (the two-person rule, one stamp per supervisor): [`check`] says.
pub fn available_actions(req: &Request, role: Role) -> Vec<Action> {
    Action::ON_REQUESTS
        .into_iter()
        .filter(|a| match check(req, Actor { name: "", role }, *a) {
            Ok(_) => true,
            // Someone else of this role could still do it.
            Err(Refusal::TwoPersonRule | Refusal::AlreadyStamped(_)) => true,
            Err(_) => false,
        })
        .collect()
}

/// One lifecycle step with the facts it records: what the desk writes
/// into its outbox and the hub applies to its own record. Serialised with
/// its action's name under `action`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    /// The document number given and the digest of the content frozen.
    Verify {
        document_number: String,
        content_digest: String,
    },
    /// One supervisor's stamp (the actor's).
    Stamp {},
    /// The sealed original, with its seal's text and that text's SHA-256
    /// (desks before the hub checked seals sent only the SHA-256).
    Print {
        document_number: String,
        seal_sha256: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seal: Option<String>,
    },
    Envelope {
        tracking_code: String,
    },
    /// One envelope of a hand-over batch.
    Dispatch {
        batch: String,
        tracking_code: String,
    },
    Reject {
        reason: String,
    },
    Cancel {
        reason: String,
    },
}

impl Step {
    pub fn action(&self) -> Action {
        match self {
            Step::Verify { .. } => Action::Verify,
            Step::Stamp {} => Action::Stamp,
            Step::Print { .. } => Action::Print,
            Step::Envelope { .. } => Action::Envelope,
            Step::Dispatch { .. } => Action::Dispatch,
            Step::Reject { .. } => Action::Reject,
            Step::Cancel { .. } => Action::Cancel,
        }
    }
}

/// Applies `step` to the record of `req`, taken by `actor` at `at`: the
/// new state (from [`next_state`]) and the facts the step records. The
/// desk and the hub both keep their records with this.
pub fn apply_step(
    req: &mut Request,
    step: &Step,
    actor: &str,
    at: DateTime<Utc>,
) -> Result<State, Refusal> {
    let action = step.action();
    let to = next_state(req, action).ok_or(Refusal::InvalidTransition {
        state: req.state,
        action,
    })?;
    match step {
        Step::Verify {
            document_number,
            content_digest,
        } => {
            req.document_number = Some(document_number.clone());
            req.content_digest = Some(content_digest.clone());
            req.verified_by = Some(actor.to_owned());
            req.verified_at = Some(at);
        }
        Step::Stamp {} => req.stamps.push(Stamp {
            supervisor: actor.to_owned(),
            stamped_at: at,
        }),
        Step::Print { .. } => req.printed_count += 1,
        Step::Reject { reason } | Step::Cancel { reason } => req.reason = Some(reason.clone()),
        Step::Envelope { .. } | Step::Dispatch { .. } => {}
    }
    req.state = to;
    req.updated_at = at;
    Ok(to)
}

/// Records a copy printed of `req` (the state stays as it is).
pub fn apply_copy(req: &mut Request, at: DateTime<Utc>) -> Result<State, Refusal> {
    let state = next_state(req, Action::PrintCopy).ok_or(Refusal::InvalidTransition {
        state: req.state,
        action: Action::PrintCopy,
    })?;
    req.printed_count += 1;
    req.updated_at = at;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::request::test_request;

    fn in_state(state: State) -> Request {
        let mut r = test_request();
        r.state = state;
        r
    }

    fn next(state: State, action: Action) -> Option<State> {
        next_state(&in_state(state), action)
    }

    #[test]
    fn happy_path_is_allowed_in_order_only() {
        let path = [
            (State::Received, Action::Verify, State::Verified),
            (State::Approved, Action::Print, State::Printed),
            (State::Printed, Action::Envelope, State::Enveloped),
            (State::Enveloped, Action::Dispatch, State::Dispatched),
        ];
        for (from, action, to) in path {
            assert_eq!(next(from, action), Some(to));
        }
        assert_eq!(next(State::Received, Action::Print), None);
        assert_eq!(next(State::Verified, Action::Print), None);
        assert_eq!(next(State::Received, Action::Envelope), None);
        assert_eq!(next(State::Approved, Action::Dispatch), None);
        assert_eq!(next(State::Verified, Action::Verify), None);
        assert_eq!(next(State::Received, Action::Stamp), None);
        assert_eq!(next(State::Approved, Action::Stamp), None);
    }

    /// Every (state, action) pair against the table written out by hand:
    /// a change to `next_state` that is not also made here fails.
    #[test]
    fn the_whole_transition_table() {
        use Action as A;
        use State::*;
        let table: &[(State, &[(Action, State)])] = &[
            (
                Received,
                &[
                    (A::Verify, Verified),
                    (A::Reject, Rejected),
                    (A::Cancel, Cancelled),
                ],
            ),
            (
                Verified,
                &[
                    (A::Stamp, Approved),
                    (A::Reject, Rejected),
                    (A::Cancel, Cancelled),
                ],
            ),
            (
                Approved,
                &[
                    (A::Print, Printed),
                    (A::Reject, Rejected),
                    (A::Cancel, Cancelled),
                ],
            ),
            (
                Printed,
                &[
                    (A::PrintCopy, Printed),
                    (A::Envelope, Enveloped),
                    (A::Reject, Rejected),
                    (A::Cancel, Cancelled),
                ],
            ),
            (
                Enveloped,
                &[
                    (A::PrintCopy, Enveloped),
                    (A::Dispatch, Dispatched),
                    (A::Reject, Rejected),
                    (A::Cancel, Cancelled),
                ],
            ),
            (Dispatched, &[(A::PrintCopy, Dispatched)]),
            (Rejected, &[]),
            (Cancelled, &[]),
            (Delivered, &[]),
            (Returned, &[]),
        ];
        for (state, allowed) in table {
            for action in Action::ALL {
                // One stamp of one required approves.
                let mut req = in_state(*state);
                req.stamps_required = 1;
                let want = allowed.iter().find(|(a, _)| *a == action).map(|(_, s)| *s);
                assert_eq!(next_state(&req, action), want, "{state} {action}");
            }
        }
    }

    #[test]
    fn stamps_approve_only_when_complete() {
        assert_eq!(state_after_stamp(1, 2), State::Verified);
        assert_eq!(state_after_stamp(2, 2), State::Approved);
        assert_eq!(state_after_stamp(1, 1), State::Approved);
        assert_eq!(state_after_stamp(3, 2), State::Approved);
        let mut req = in_state(State::Verified);
        req.stamps_required = 2;
        assert_eq!(next_state(&req, Action::Stamp), Some(State::Verified));
        req.stamps.push(Stamp {
            supervisor: "a".into(),
            stamped_at: req.submitted_at,
        });
        assert_eq!(next_state(&req, Action::Stamp), Some(State::Approved));
    }

    #[test]
    fn state_predicates() {
        use State::*;
        let of = |pred: fn(State) -> bool| -> Vec<State> {
            State::ALL.into_iter().filter(|s| pred(*s)).collect()
        };
        assert_eq!(
            of(State::is_open),
            [Received, Verified, Approved, Printed, Enveloped]
        );
        assert_eq!(of(State::awaits_desk), [Received, Verified, Approved]);
        assert_eq!(of(State::awaits_post), [Enveloped]);
        assert_eq!(of(State::allows_copy), [Printed, Enveloped, Dispatched]);
        assert_eq!(
            of(State::is_sealable),
            [Approved, Printed, Enveloped, Dispatched]
        );
        assert_eq!(
            of(State::is_finished),
            [Printed, Enveloped, Dispatched, Delivered]
        );
        assert_eq!(
            State::sql_list(State::awaits_desk),
            "('received', 'verified', 'approved')"
        );
    }

    #[test]
    fn post_reports_only_for_dispatched_requests() {
        for state in State::ALL {
            for outcome in State::ALL {
                let want = state == State::Dispatched
                    && matches!(outcome, State::Delivered | State::Returned);
                assert_eq!(
                    post_outcome_allowed(state, outcome),
                    want,
                    "{state} {outcome}"
                );
            }
        }
    }

    #[test]
    fn check_refuses_in_order_role_state_person_payment() {
        let clerk = Actor {
            name: "clerk1",
            role: Role::Clerk,
        };
        let sup = Actor {
            name: "sup1",
            role: Role::Supervisor,
        };
        let mut req = in_state(State::Verified);
        req.verified_by = Some("sup1".into());
        assert_eq!(
            check(&req, clerk, Action::Stamp),
            Err(Refusal::Forbidden {
                role: Role::Clerk,
                action: Action::Stamp
            })
        );
        assert_eq!(check(&req, sup, Action::Stamp), Err(Refusal::TwoPersonRule));
        req.verified_by = Some("clerk1".into());
        req.stamps.push(Stamp {
            supervisor: "sup1".into(),
            stamped_at: req.submitted_at,
        });
        assert_eq!(
            check(&req, sup, Action::Stamp),
            Err(Refusal::AlreadyStamped("sup1".into()))
        );
        let other = Actor {
            name: "sup2",
            ..sup
        };
        assert_eq!(check(&req, other, Action::Stamp), Ok(State::Approved));
        assert_eq!(
            check(&req, other, Action::Print),
            Err(Refusal::InvalidTransition {
                state: State::Verified,
                action: Action::Print
            })
        );
        let mut approved = in_state(State::Approved);
        approved.payment.paid = false;
        assert_eq!(check(&approved, clerk, Action::Print), Err(Refusal::Unpaid));
        approved.payment.paid = true;
        assert_eq!(check(&approved, clerk, Action::Print), Ok(State::Printed));
        let mut printed = in_state(State::Printed);
        printed.payment.paid = false;
        assert_eq!(
            check(&printed, clerk, Action::PrintCopy),
            Err(Refusal::Unpaid)
        );
    }

    #[test]
    fn available_actions_by_role() {
        use Action as A;
        let approved = in_state(State::Approved);
        assert_eq!(
            available_actions(&approved, Role::Clerk),
            [A::Print, A::Reject]
        );
        assert_eq!(
            available_actions(&approved, Role::Supervisor),
            [A::Print, A::Reject, A::Cancel]
        );
        assert!(available_actions(&approved, Role::Admin).is_empty());
        // Someone verified it: another supervisor can still stamp.
        let mut verified = in_state(State::Verified);
        verified.verified_by = Some("sup1".into());
        assert_eq!(
            available_actions(&verified, Role::Supervisor),
            [A::Stamp, A::Reject, A::Cancel]
        );
        assert_eq!(available_actions(&verified, Role::Clerk), [A::Reject]);
        let mut unpaid = in_state(State::Approved);
        unpaid.payment.paid = false;
        assert_eq!(available_actions(&unpaid, Role::Clerk), [A::Reject]);
        assert!(available_actions(&in_state(State::Delivered), Role::Supervisor).is_empty());
        assert_eq!(
            available_actions(&in_state(State::Dispatched), Role::Clerk),
            [A::PrintCopy]
        );
    }

    #[test]
    fn steps_record_their_facts() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut req = in_state(State::Received);
        req.stamps_required = 2;
        let verify = Step::Verify {
            document_number: "TRT01-D01-0000001".into(),
            content_digest: "ab".repeat(32),
        };
        assert_eq!(
            apply_step(&mut req, &verify, "clerk1", at),
            Ok(State::Verified)
        );
        assert_eq!(req.document_number.as_deref(), Some("TRT01-D01-0000001"));
        assert_eq!(req.verified_by.as_deref(), Some("clerk1"));
        assert_eq!((req.verified_at, req.updated_at), (Some(at), at));
        assert_eq!(
            apply_step(&mut req, &verify, "clerk1", at),
            Err(Refusal::InvalidTransition {
                state: State::Verified,
                action: Action::Verify
            })
        );
        assert_eq!(
            apply_step(&mut req, &Step::Stamp {}, "s1", at),
            Ok(State::Verified)
        );
        assert_eq!(
            apply_step(&mut req, &Step::Stamp {}, "s2", at),
            Ok(State::Approved)
        );
        let who: Vec<&str> = req.stamps.iter().map(|s| s.supervisor.as_str()).collect();
        assert_eq!(who, ["s1", "s2"]);
        let print = Step::Print {
            document_number: "TRT01-D01-0000001".into(),
            seal_sha256: "cd".repeat(32),
            seal: None,
        };
        assert_eq!(
            apply_step(&mut req, &print, "clerk1", at),
            Ok(State::Printed)
        );
        assert_eq!(req.printed_count, 1);
        assert_eq!(apply_copy(&mut req, at), Ok(State::Printed));
        assert_eq!(apply_copy(&mut req, at), Ok(State::Printed));
        assert_eq!(req.printed_count, 3);
        let cancel = Step::Cancel {
            reason: "withdrawn".into(),
        };
        assert_eq!(
            apply_step(&mut req, &cancel, "s1", at),
            Ok(State::Cancelled)
        );
        assert_eq!(req.reason.as_deref(), Some("withdrawn"));
        assert_eq!(
            apply_copy(&mut req, at),
            Err(Refusal::InvalidTransition {
                state: State::Cancelled,
                action: Action::PrintCopy
            })
        );
        assert_eq!(req.printed_count, 3);
    }

    #[test]
    fn permission_table() {
        use Action as A;
        let clerk = [
            A::Lookup,
            A::Verify,
            A::Reject,
            A::Print,
            A::PrintCopy,
            A::Envelope,
            A::Dispatch,
        ];
        let supervisor = [
            A::Lookup,
            A::Verify,
            A::Reject,
            A::Print,
            A::PrintCopy,
            A::Envelope,
            A::Dispatch,
            A::Stamp,
            A::Cancel,
            A::AuthoriseReprint,
            A::ReadAudit,
        ];
        let admin = [
            A::ManageUsers,
            A::ManageKeys,
            A::ManageSettings,
            A::Backup,
            A::Restore,
            A::ReadAudit,
        ];
        for action in Action::ALL {
            assert_eq!(Role::Clerk.may(action), clerk.contains(&action), "{action}");
            assert_eq!(
                Role::Supervisor.may(action),
                supervisor.contains(&action),
                "{action}"
            );
            assert_eq!(Role::Admin.may(action), admin.contains(&action), "{action}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
            assert_eq!(
                State::parse(&format!(" {} ", s.as_str().to_uppercase())),
                Some(s)
            );
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(Role::parse(&r.as_str().to_uppercase()), Some(r));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
        }
        let labels: std::collections::HashSet<_> =
            Action::ALL.iter().map(|a| a.label_id()).collect();
        assert_eq!(labels.len(), Action::ALL.len());
        assert_eq!(State::parse("nope"), None);
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Action::parse("Verify"), None);
    }

    /// Every state, role and action has a name in both languages (an id
    /// with no translation would show as the id itself), and prints as its
    /// command-line name.
    #[test]
    fn every_name_is_translated_and_displayed() {
        use crate::i18n::{Lang, tr};
        let ids: Vec<(&str, String)> = State::ALL
            .iter()
            .map(|s| (s.label_id(), s.to_string()))
            .chain(Role::ALL.iter().map(|r| (r.label_id(), r.to_string())))
            .chain(Action::ALL.iter().map(|a| (a.label_id(), a.to_string())))
            .collect();
        for (id, _) in &ids {
            for lang in Lang::ALL {
                let text = tr(lang, id, &[]);
                assert!(!text.is_empty() && text != *id, "{id} in {lang:?}");
            }
        }
        for s in State::ALL {
            assert_eq!(s.to_string(), s.as_str());
        }
        for r in Role::ALL {
            assert_eq!(r.to_string(), r.as_str());
        }
        for a in Action::ALL {
            assert_eq!(a.to_string(), a.as_str());
        }
        assert_eq!(tr(Lang::En, Role::Supervisor.label_id(), &[]), "supervisor");
    }

    #[test]
    fn steps_serialise_under_their_action() {
        let step = Step::Envelope {
            tracking_code: "RR123456785SY".into(),
        };
        let v = serde_json::to_value(&step).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"action": "envelope", "tracking_code": "RR123456785SY"})
        );
        assert_eq!(serde_json::from_value::<Step>(v).unwrap(), step);
        assert_eq!(
            serde_json::from_value::<Step>(serde_json::json!({"action": "stamp"})).unwrap(),
            Step::Stamp {}
        );
        for step in [Step::Stamp {}, Step::Reject { reason: "r".into() }] {
            assert_eq!(
                serde_json::to_value(&step).unwrap()["action"],
                step.action().as_str()
            );
        }
    }
}
