//! Sync: the desk's outbox drained to the central hub, and the center's
//! requests pulled from it, with exactly-once effect.
//!
//! - [`client`]: the desk side (enrol, push, pull, background loop).
//! - [`hub`]: the reference hub server and its store.
//! - [`tls`]: TLS for both ends (pins, CA, the hub's certificate).
//!
//! The messages themselves are in [`crate::protocol`].

pub mod client;
pub mod hub;
pub mod tls;
