//! The request lifecycle and who may do what. Every action in the desk goes
//! through [`Role::may`] and [`next_state`]; the GUI and CLI only ask.

use std::fmt;

use serde::{Deserialize, Serialize};

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
        State::ALL
            .into_iter()
            .find(|st| st.as_str() == s.trim().to_ascii_lowercase())
    }

    /// Open requests can still be rejected or cancelled. Once handed to the
    /// post (or closed) a request is out of the desk's hands.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            State::Received | State::Verified | State::Approved | State::Printed | State::Enveloped
        )
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
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
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
                Lookup | Verify | Reject | Print | Envelope | Dispatch
            ),
            Role::Supervisor => matches!(
                action,
                Lookup
                    | Verify
                    | Reject
                    | Print
                    | Envelope
                    | Dispatch
                    | Stamp
                    | Cancel
                    | AuthoriseReprint
            ),
            Role::Admin => matches!(
                action,
                ManageUsers | ManageKeys | ManageSettings | Backup | Restore
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
    Print,
    AuthoriseReprint,
    Envelope,
    Dispatch,
    ManageUsers,
    ManageKeys,
    ManageSettings,
    Backup,
    Restore,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::Lookup,
        Action::Verify,
        Action::Stamp,
        Action::Reject,
        Action::Cancel,
        Action::Print,
        Action::AuthoriseReprint,
        Action::Envelope,
        Action::Dispatch,
        Action::ManageUsers,
        Action::ManageKeys,
        Action::ManageSettings,
        Action::Backup,
        Action::Restore,
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
            Action::AuthoriseReprint => "authorise_reprint",
            Action::Envelope => "envelope",
            Action::Dispatch => "dispatch",
            Action::ManageUsers => "manage_users",
            Action::ManageKeys => "manage_keys",
            Action::ManageSettings => "manage_settings",
            Action::Backup => "backup",
            Action::Restore => "restore",
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
            Action::AuthoriseReprint => "action-authorise-reprint",
            Action::Envelope => "action-envelope",
            Action::Dispatch => "action-dispatch",
            Action::ManageUsers => "action-manage-users",
            Action::ManageKeys => "action-manage-keys",
            Action::ManageSettings => "action-manage-settings",
            Action::Backup => "action-backup",
            Action::Restore => "action-restore",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
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

/// The state a request moves to when `action` is applied in `state`, or
/// `None` when the lifecycle does not allow it. Stamps are special: see
/// [`state_after_stamp`]; prints of an already printed request are copies
/// and leave the state as it is.
/// What the post may report about a request: only a dispatched one can be
/// delivered or returned.
pub fn post_outcome_allowed(state: State, outcome: State) -> bool {
    state == State::Dispatched && matches!(outcome, State::Delivered | State::Returned)
}

pub fn next_state(state: State, action: Action) -> Option<State> {
    use State::*;
    match (action, state) {
        (Action::Verify, Received) => Some(Verified),
        (Action::Stamp, Verified) => Some(Verified),
        (Action::Print, Approved) => Some(Printed),
        (Action::Print, Printed | Enveloped | Dispatched) => Some(state),
        (Action::Envelope, Printed) => Some(Enveloped),
        (Action::Dispatch, Enveloped) => Some(Dispatched),
        (Action::Reject, s) if s.is_open() => Some(Rejected),
        (Action::Cancel, s) if s.is_open() => Some(Cancelled),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn happy_path_is_allowed_in_order_only() {
        let path = [
            (State::Received, Action::Verify, State::Verified),
            (State::Approved, Action::Print, State::Printed),
            (State::Printed, Action::Envelope, State::Enveloped),
            (State::Enveloped, Action::Dispatch, State::Dispatched),
        ];
        for (from, action, to) in path {
            assert_eq!(next_state(from, action), Some(to));
        }
        assert_eq!(next_state(State::Received, Action::Print), None);
        assert_eq!(next_state(State::Verified, Action::Print), None);
        assert_eq!(next_state(State::Received, Action::Envelope), None);
        assert_eq!(next_state(State::Approved, Action::Dispatch), None);
        assert_eq!(next_state(State::Verified, Action::Verify), None);
    }

    #[test]
    fn closed_requests_cannot_be_rejected_or_cancelled() {
        for s in [State::Dispatched, State::Rejected, State::Cancelled] {
            assert_eq!(next_state(s, Action::Reject), None);
            assert_eq!(next_state(s, Action::Cancel), None);
        }
        for s in [
            State::Received,
            State::Verified,
            State::Approved,
            State::Printed,
            State::Enveloped,
        ] {
            assert_eq!(next_state(s, Action::Reject), Some(State::Rejected));
            assert_eq!(next_state(s, Action::Cancel), Some(State::Cancelled));
        }
    }

    #[test]
    fn stamps_approve_only_when_complete() {
        assert_eq!(state_after_stamp(1, 2), State::Verified);
        assert_eq!(state_after_stamp(2, 2), State::Approved);
        assert_eq!(state_after_stamp(1, 1), State::Approved);
    }

    #[test]
    fn permission_table() {
        assert!(Role::Clerk.may(Action::Verify));
        assert!(!Role::Clerk.may(Action::Stamp));
        assert!(!Role::Clerk.may(Action::Cancel));
        assert!(!Role::Clerk.may(Action::AuthoriseReprint));
        assert!(Role::Supervisor.may(Action::Stamp));
        assert!(Role::Supervisor.may(Action::Verify));
        assert!(!Role::Supervisor.may(Action::ManageUsers));
        assert!(Role::Admin.may(Action::ManageUsers));
        for a in [
            Action::Lookup,
            Action::Verify,
            Action::Stamp,
            Action::Print,
            Action::Reject,
        ] {
            assert!(!Role::Admin.may(a), "admin must not {a}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(State::parse("nope"), None);
    }
}
