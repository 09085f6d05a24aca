//! Staff accounts: PINs hashed with argon2id, lock-out after repeated wrong
//! PINs, and the [`Session`] that proves who is acting. A session can only be
//! made by signing in, so every action in the core knows its actor.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::Store;
use super::audit::append_audit;
use crate::domain::{Action, Role};
use crate::error::{Error, Result};

pub const MIN_PIN_DIGITS: usize = 6;
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
pub const LOCKOUT_MINUTES: i64 = 5;

/// Proof that a user signed in. Only [`Store::sign_in`] makes one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    user_id: i64,
    name: String,
    role: Role,
}

impl Session {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn role(&self) -> Role {
        self.role
    }
    /// Who this session acts as, for the lifecycle's checks.
    pub fn actor(&self) -> crate::domain::Actor<'_> {
        crate::domain::Actor {
            name: &self.name,
            role: self.role,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    pub name: String,
    /// The name printed on documents (a supervisor's stamp line), if set.
    pub full_name: Option<String>,
    pub role: Role,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub failed_attempts: u32,
}

pub fn validate_user_name(name: &str) -> Result<()> {
    let ok = (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok { Ok(()) } else { Err(Error::BadUserName) }
}

/// A full name as printed: 2 to 80 characters, letters, marks, spaces and
/// the punctuation of names; returned trimmed, inner spaces single.
pub fn validate_full_name(full_name: &str) -> Result<String> {
    let clean = full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = clean.chars().count();
    let ok = (2..=80).contains(&chars)
        && clean.chars().all(|c| {
            c.is_alphabetic()
                || c == ' '
                || matches!(c, '.' | '-' | '\'' | 'ـ')
                || crate::documents::text::is_combining_mark(c)
        });
    if ok {
        Ok(clean)
    } else {
        Err(Error::bad_input("err-bad-full-name"))
    }
}

/// PINs are digits only (Arabic-Indic digits are accepted and normalised),
/// at least six of them.
pub fn normalise_pin(pin: &str) -> Result<String> {
    let mut out = String::new();
    for ch in pin.trim().chars() {
        match crate::domain::national_id::ascii_digit(ch) {
            Some(d) => out.push(d),
            None => return Err(Error::WeakPin),
        }
    }
    if out.len() < MIN_PIN_DIGITS {
        return Err(Error::WeakPin);
    }
    Ok(out)
}

pub(crate) fn hash_pin(pin: &str) -> Result<String> {
    let pin = normalise_pin(pin)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Storage(e.to_string()))?;
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Storage(format!("PIN hashing failed: {e}")))
}

/// Whether `pin` is the PIN of the active user `name`.
pub(crate) fn pin_matches_user(conn: &rusqlite::Connection, name: &str, pin: &str) -> Result<bool> {
    Ok(user_row_in(conn, name)?.is_some_and(|u| u.active && pin_matches(pin, &u.pin_hash)))
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    let Ok(pin) = normalise_pin(pin) else {
        return false;
    };
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
    })
}

fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

fn from_ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

struct UserRow {
    id: i64,
    role: Role,
    pin_hash: String,
    failed: u32,
    locked_until: Option<i64>,
    active: bool,
}

/// A user's row, read through `conn` (the store's connection or a
/// transaction on it).
fn user_row_in(conn: &rusqlite::Connection, name: &str) -> Result<Option<UserRow>> {
    let row = conn
        .query_row(
            "SELECT id, role, pin_hash, failed_attempts, locked_until, active FROM users WHERE name = ?1",
            [name],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            },
        )
        .optional()?;
    row.map(|(id, role, pin_hash, failed, locked_until, active)| {
        let role =
            Role::parse(&role).ok_or_else(|| Error::Data(format!("unknown role {role:?}")))?;
        Ok(UserRow {
            id,
            role,
            pin_hash,
            failed,
            locked_until,
            active,
        })
    })
    .transpose()
}

impl Store {
    /// Adds a user without a session: only for `init` and the demo, on a
    /// store that has no admin yet.
    pub(crate) fn bootstrap_user(
        &mut self,
        name: &str,
        role: Role,
        pin: &str,
        actor: &str,
    ) -> Result<()> {
        validate_user_name(name)?;
        let hash = hash_pin(pin)?;
        let now = self.now();
        let dir = self.data_dir();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
            [name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(Error::UserExists(name.into()));
        }
        tx.execute(
            "INSERT INTO users (name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            (name, role.as_str(), &hash, ts(now)),
        )?;
        append_audit(&tx, now, actor, "user_add", name, role.as_str())?;
        if role == Role::Supervisor {
            // Each supervisor gets a stamp key, locked under their PIN.
            let demo = super::meta_get(&tx, "demo")?.as_deref() == Some("1");
            let key =
                super::seals::create_stamp_key(&tx, &dir, &self.center, name, pin, ts(now), demo)?;
            append_audit(
                &tx,
                now,
                actor,
                "key_created",
                &hex::encode(key.kid()),
                name,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn has_admin(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND active = 1)",
            [],
            |r| r.get(0),
        )?)
    }

    fn user_row(&self, name: &str) -> Result<Option<UserRow>> {
        user_row_in(&self.conn, name)
    }

    /// Checks a PIN. Five wrong PINs in a row lock the user for five
    /// minutes; every attempt, good or bad, is in the audit log.
    pub fn sign_in(&mut self, name: &str, pin: &str) -> Result<Session> {
        let now = self.now();
        // The attempt is counted before the PIN is checked, in one write
        // transaction with the checks: parallel guesses each take a turn,
        // and once MAX_FAILED_ATTEMPTS are counted the rest are refused
        // without a PIN check (a guess that ends later cannot undo a count
        // another made).
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(user) = user_row_in(&tx, name)? else {
            append_audit(&tx, now, name, "sign_in_refused", name, "unknown user")?;
            tx.commit()?;
            return Err(Error::UserNotFound(name.into()));
        };
        if !user.active {
            append_audit(&tx, now, name, "sign_in_refused", name, "inactive")?;
            tx.commit()?;
            return Err(Error::UserInactive(name.into()));
        }
        if let Some(until) = user.locked_until.map(from_ts).filter(|u| *u > now) {
            append_audit(&tx, now, name, "sign_in_refused", name, "locked")?;
            tx.commit()?;
            return Err(Error::Locked { until });
        }
        if user.failed >= MAX_FAILED_ATTEMPTS {
            // The last allowed guesses are still being checked elsewhere.
            let until = now + Duration::minutes(LOCKOUT_MINUTES);
            tx.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = ?2 WHERE id = ?1",
                (user.id, ts(until)),
            )?;
            append_audit(
                &tx,
                now,
                name,
                "sign_in_refused",
                name,
                "too many attempts; locked",
            )?;
            tx.commit()?;
            return Err(Error::Locked { until });
        }
        let counted = user.failed + 1;
        tx.execute(
            "UPDATE users SET failed_attempts = ?2 WHERE id = ?1",
            (user.id, counted),
        )?;
        tx.commit()?;

        let right = pin_matches(pin, &user.pin_hash);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if right {
            tx.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
                [user.id],
            )?;
            append_audit(&tx, now, name, "sign_in", name, user.role.as_str())?;
            tx.commit()?;
            return Ok(Session {
                user_id: user.id,
                name: name.into(),
                role: user.role,
            });
        }
        let result = if counted >= MAX_FAILED_ATTEMPTS {
            let until = now + Duration::minutes(LOCKOUT_MINUTES);
            tx.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = ?2 WHERE id = ?1",
                (user.id, ts(until)),
            )?;
            append_audit(&tx, now, name, "sign_in_failed", name, "wrong PIN; locked")?;
            Error::Locked { until }
        } else {
            append_audit(
                &tx,
                now,
                name,
                "sign_in_failed",
                name,
                &format!("wrong PIN {counted}"),
            )?;
            Error::WrongPin {
                attempts_left: MAX_FAILED_ATTEMPTS - counted,
            }
        };
        tx.commit()?;
        Err(result)
    }

    /// Re-checks that the session's user is still active with the same role
    /// (an admin may have changed it since sign-in), then the permission.
    pub(crate) fn authorise(
        &mut self,
        session: &Session,
        action: Action,
        subject: &str,
    ) -> Result<()> {
        let current = self.user_row(&session.name)?;
        let still_valid = current
            .as_ref()
            .is_some_and(|u| u.active && u.role == session.role && u.id == session.user_id);
        if !still_valid {
            self.audit_only(
                self.now(),
                &session.name,
                "refused",
                subject,
                &format!("{action}: session no longer valid"),
            )?;
            return Err(Error::UserInactive(session.name.clone()));
        }
        if !session.role.may(action) {
            self.audit_only(
                self.now(),
                &session.name,
                "refused",
                subject,
                &format!("{action}: role {}", session.role),
            )?;
            return Err(Error::Forbidden {
                role: session.role,
                action,
            });
        }
        Ok(())
    }

    pub fn add_user(&mut self, session: &Session, name: &str, role: Role, pin: &str) -> Result<()> {
        self.authorise(session, Action::ManageUsers, name)?;
        self.bootstrap_user(name, role, pin, &session.name.clone())
    }

    pub fn list_users(&mut self, session: &Session) -> Result<Vec<UserInfo>> {
        self.authorise(session, Action::ManageUsers, "users")?;
        let mut stmt = self.conn.prepare(
            "SELECT name, role, active, locked_until, failed_attempts, full_name FROM users ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let now = self.now();
        let mut users = Vec::new();
        for row in rows {
            let (name, role, active, locked, failed, full_name) = row?;
            users.push(UserInfo {
                name,
                full_name,
                role: Role::parse(&role)
                    .ok_or_else(|| Error::Data(format!("unknown role {role:?}")))?,
                active,
                locked_until: locked.map(from_ts).filter(|u| *u > now),
                failed_attempts: failed,
            });
        }
        Ok(users)
    }

    fn change_user(
        &mut self,
        session: &Session,
        name: &str,
        action: &str,
        sql: &str,
        value: Option<String>,
        new_pin: Option<&str>,
    ) -> Result<()> {
        self.authorise(session, Action::ManageUsers, name)?;
        let target = self
            .user_row(name)?
            .ok_or_else(|| Error::UserNotFound(name.into()))?;
        let now = self.now();
        let dir = self.data_dir();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if action == "user_deactivate" && target.role == Role::Admin {
            let admins: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?1",
                [target.id],
                |r| r.get(0),
            )?;
            if admins == 0 {
                return Err(Error::LastAdmin);
            }
        }
        match value {
            Some(v) => tx.execute(sql, (target.id, v))?,
            None => tx.execute(sql, [target.id])?,
        };
        append_audit(&tx, now, &session.name, action, name, "")?;
        if target.role == Role::Supervisor && matches!(action, "user_reset_pin" | "user_deactivate")
        {
            // A PIN reset means a new stamp key (the old one could only be
            // opened with the old PIN); a deactivated supervisor signs no
            // more. Retired keys still verify what they signed before.
            super::seals::retire_stamp_keys(&tx, name, ts(now))?;
            if let Some(pin) = new_pin {
                let demo = super::meta_get(&tx, "demo")?.as_deref() == Some("1");
                let key = super::seals::create_stamp_key(
                    &tx,
                    &dir,
                    &self.center,
                    name,
                    pin,
                    ts(now),
                    demo,
                )?;
                append_audit(
                    &tx,
                    now,
                    &session.name,
                    "key_created",
                    &hex::encode(key.kid()),
                    name,
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets a new PIN and clears any lock; a supervisor also gets a new
    /// stamp key.
    pub fn reset_pin(&mut self, session: &Session, name: &str, new_pin: &str) -> Result<()> {
        let hash = hash_pin(new_pin)?;
        self.change_user(
            session,
            name,
            "user_reset_pin",
            "UPDATE users SET pin_hash = ?2, failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            Some(hash),
            Some(new_pin),
        )
    }

    /// The name printed for a user on documents (an admin's task): their
    /// full name as on their ID, in Arabic. Login names stay as they are.
    pub fn set_full_name(&mut self, session: &Session, name: &str, full_name: &str) -> Result<()> {
        let full_name = validate_full_name(full_name)?;
        self.change_user(
            session,
            name,
            "user_full_name",
            "UPDATE users SET full_name = ?2 WHERE id = ?1",
            Some(full_name),
            None,
        )
    }

    /// Login name → full name, for every user who has one (documents
    /// print a supervisor's stamp under their full name).
    pub fn full_names(&self) -> Result<std::collections::HashMap<String, String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, full_name FROM users WHERE full_name IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn unlock_user(&mut self, session: &Session, name: &str) -> Result<()> {
        self.change_user(
            session,
            name,
            "user_unlock",
            "UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            None,
            None,
        )
    }

    pub fn deactivate_user(&mut self, session: &Session, name: &str) -> Result<()> {
        // An admin who locks themselves out may leave a desk with no admin.
        if name == session.name() {
            return Err(Error::bad_input("err-deactivate-self"));
        }
        self.change_user(
            session,
            name,
            "user_deactivate",
            "UPDATE users SET active = 0 WHERE id = ?1",
            None,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_digits_and_long_enough() {
        assert_eq!(normalise_pin("١٢٣٤٥٦").unwrap(), "123456");
        assert!(matches!(normalise_pin("12345"), Err(Error::WeakPin)));
        assert!(matches!(normalise_pin("12345a"), Err(Error::WeakPin)));
    }

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let h = hash_pin("123456").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(pin_matches("123456", &h));
        assert!(pin_matches("١٢٣٤٥٦", &h));
        assert!(!pin_matches("123457", &h));
    }

    #[test]
    fn user_names_are_restricted() {
        assert!(validate_user_name("clerk1").is_ok());
        assert!(validate_user_name("").is_err());
        assert!(validate_user_name("a b").is_err());
        assert!(validate_user_name("x:y").is_err());
    }
}

#[cfg(test)]
mod store_tests {
    use std::sync::Arc;

    use super::*;

    const PIN: &str = "123456";

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::initialise(dir.path(), "TRT01", "D01", "admin", PIN).unwrap();
        (dir, store)
    }

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(secs, 0).unwrap()
    }

    fn set_time(store: &mut Store, secs: i64) {
        store.set_clock(Arc::new(move || at(secs)));
    }

    #[test]
    fn full_names_are_names() {
        assert_eq!(
            validate_full_name("  سامِر   الحلبي ").unwrap(),
            "سامِر الحلبي"
        );
        assert_eq!(
            validate_full_name("O'Neil-Smith Jr.").unwrap(),
            "O'Neil-Smith Jr."
        );
        assert_eq!(validate_full_name("عبـد").unwrap(), "عبـد");
        for bad in ["", "س", "Samer 2", "سامر 😀", "a\u{0}b", &"س".repeat(81)] {
            assert!(validate_full_name(bad).is_err(), "{bad:?}");
        }
        assert!(validate_full_name(&"س".repeat(80)).is_ok());
        assert!(validate_full_name("سا").is_ok());
    }

    /// Five wrong PINs lock the user for five minutes, to the second; a
    /// right PIN in that time is refused too; after it, the user signs in
    /// and the count starts again.
    #[test]
    fn wrong_pins_lock_for_five_minutes() {
        let (_dir, mut store) = store();
        let admin = store.sign_in("admin", PIN).unwrap();
        store.add_user(&admin, "clerk1", Role::Clerk, PIN).unwrap();
        set_time(&mut store, 1_800_000_000);
        for left in (1..MAX_FAILED_ATTEMPTS).rev() {
            assert_eq!(
                store.sign_in("clerk1", "999999"),
                Err(Error::WrongPin {
                    attempts_left: left
                })
            );
        }
        let until = at(1_800_000_000 + LOCKOUT_MINUTES * 60);
        assert_eq!(
            store.sign_in("clerk1", "999999"),
            Err(Error::Locked { until })
        );
        set_time(&mut store, 1_800_000_000 + LOCKOUT_MINUTES * 60 - 1);
        assert_eq!(store.sign_in("clerk1", PIN), Err(Error::Locked { until }));
        set_time(&mut store, 1_800_000_000 + LOCKOUT_MINUTES * 60);
        let session = store.sign_in("clerk1", PIN).unwrap();
        assert_eq!((session.name(), session.role()), ("clerk1", Role::Clerk));
        assert_eq!(
            store.sign_in("clerk1", "999999"),
            Err(Error::WrongPin {
                attempts_left: MAX_FAILED_ATTEMPTS - 1
            })
        );
        let locked: Option<i64> = store
            .conn
            .query_row(
                "SELECT locked_until FROM users WHERE name = 'clerk1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(locked, None);
        assert_eq!(
            store.sign_in("nobody", PIN),
            Err(Error::UserNotFound("nobody".into()))
        );
    }

    #[test]
    fn a_store_knows_whether_it_has_an_admin() {
        let dir = tempfile::TempDir::new().unwrap();
        let empty = Store::create(dir.path(), "TRT01", "D01", false).unwrap();
        assert!(!empty.has_admin().unwrap());
        let (_dir, mut store) = store();
        assert!(store.has_admin().unwrap());
        let admin = store.sign_in("admin", PIN).unwrap();
        // Nobody deactivates their own account (so the last admin stays).
        assert_eq!(
            store.deactivate_user(&admin, "admin"),
            Err(Error::bad_input("err-deactivate-self"))
        );
        store.add_user(&admin, "admin2", Role::Admin, PIN).unwrap();
        store.deactivate_user(&admin, "admin2").unwrap();
        assert!(store.has_admin().unwrap());
        // A stale session of the deactivated admin2 cannot remove the last.
        let admin2 = Session {
            name: "admin2".into(),
            ..admin.clone()
        };
        assert!(store.deactivate_user(&admin2, "admin").is_err());
        assert!(store.has_admin().unwrap());
        assert_eq!(
            store.sign_in("admin2", PIN),
            Err(Error::UserInactive("admin2".into()))
        );
    }

    /// A supervisor gets a stamp key with their account, marked demo only
    /// in a demo store; a PIN reset retires it and makes a new one, which
    /// signs the next stamp; the old one signs no more.
    #[test]
    fn a_supervisors_stamp_key_follows_their_pin() {
        let (_dir, mut store) = store();
        let admin = store.sign_in("admin", PIN).unwrap();
        store.add_user(&admin, "clerk1", Role::Clerk, PIN).unwrap();
        store
            .add_user(&admin, "sup1", Role::Supervisor, PIN)
            .unwrap();
        let keys = |store: &Store, owner: &str| -> Vec<(String, bool, Option<i64>)> {
            let mut stmt = store
                .conn
                .prepare("SELECT kid, demo, valid_to FROM keys WHERE owner = ?1 AND role = 'supervisor' ORDER BY valid_from, kid")
                .unwrap();
            stmt.query_map([owner], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert!(keys(&store, "clerk1").is_empty());
        let first = keys(&store, "sup1");
        assert_eq!(first.len(), 1);
        assert!(!first[0].1, "not a demo store");
        assert_eq!(first[0].2, None);
        store.reset_pin(&admin, "sup1", "654321").unwrap();
        let after = keys(&store, "sup1");
        assert_eq!(after.len(), 2);
        let old = after.iter().find(|k| k.0 == first[0].0).unwrap();
        assert!(old.2.is_some(), "the old key is retired");
        let new = after.iter().find(|k| k.0 != first[0].0).unwrap();
        assert_eq!(new.2, None);
        // The new key signs with the new PIN; the old PIN opens nothing.
        let (kid, _) = store.unlock_stamp_key("sup1", "654321").unwrap();
        assert_eq!(hex::encode(kid), new.0);
        assert!(matches!(
            store.unlock_stamp_key("sup1", PIN),
            Err(Error::WrongPin { .. })
        ));
        // A demo store's supervisors get demo keys.
        let demo_dir = tempfile::TempDir::new().unwrap();
        let mut demo = Store::create(demo_dir.path(), "TRT01", "D01", true).unwrap();
        demo.bootstrap_user("sup9", Role::Supervisor, PIN, "test")
            .unwrap();
        assert!(keys(&demo, "sup9")[0].1);
        assert_eq!(
            demo.bootstrap_user("sup9", Role::Clerk, PIN, "test"),
            Err(Error::UserExists("sup9".into()))
        );
    }

    /// A session stops working when its user is deactivated, given another
    /// role, or is no longer the account it signed in as.
    #[test]
    fn sessions_are_checked_again_at_every_action() {
        let (_dir, mut store) = store();
        let admin = store.sign_in("admin", PIN).unwrap();
        store.add_user(&admin, "clerk1", Role::Clerk, PIN).unwrap();
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        assert!(store.authorise(&clerk, Action::Lookup, "x").is_ok());
        // Same name, another account (its row replaced under it).
        store
            .conn
            .execute("UPDATE users SET id = id + 100 WHERE name = 'clerk1'", [])
            .unwrap();
        assert_eq!(
            store.authorise(&clerk, Action::Lookup, "x"),
            Err(Error::UserInactive("clerk1".into()))
        );
        let clerk = store.sign_in("clerk1", PIN).unwrap();
        assert!(store.authorise(&clerk, Action::Lookup, "x").is_ok());
        store
            .conn
            .execute(
                "UPDATE users SET role = 'supervisor' WHERE name = 'clerk1'",
                [],
            )
            .unwrap();
        assert_eq!(
            store.authorise(&clerk, Action::Lookup, "x"),
            Err(Error::UserInactive("clerk1".into()))
        );
        assert_eq!(
            store.authorise(&admin, Action::Lookup, "x"),
            Err(Error::Forbidden {
                role: Role::Admin,
                action: Action::Lookup
            })
        );
        let created: i64 = store
            .conn
            .query_row(
                "SELECT created_at FROM users WHERE name = 'clerk1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(created > 1_700_000_000, "{created}");
    }
}
