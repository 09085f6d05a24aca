//! Sync: the desk's outbox drained to the central hub, and the center's
//! requests pulled from it, with exactly-once effect.
//!
//! - [`client`]: the desk side (enrol, push, pull, background loop).
//! - [`hub`]: the reference hub server and its store.
//!
//! The messages themselves are in [`crate::protocol`].

pub mod client;
pub mod hub;
