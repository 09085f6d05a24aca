//! Sync: the desk's outbox drained to the central hub, and the center's
//! requests pulled from it, with exactly-once effect.
//!
//! - [`protocol`]: the versioned JSON messages.
//! - [`client`]: the desk side (enrol, push, pull, background loop).
//! - [`hub`]: the reference hub server and its store.

pub mod client;
pub mod hub;
pub mod protocol;
