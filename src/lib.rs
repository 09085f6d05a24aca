//! citizen-desk: the GUI-free core of the desk software for Syria's
//! electronic citizen service centers.
//!
//! - [`domain`]: national IDs, the service catalog, the request lifecycle,
//!   roles and deadlines: pure rules.
//! - [`store`]: the SQLite desk store, users and sessions, the hash-chained
//!   audit log, the outbox, backup and restore.
//! - [`demo`]: realistic, deterministic demo data.
//! - [`i18n`]: Arabic and English strings from `assets/i18n/*.ftl`.
//!
//! - [`seal`]: the signed QR seal.
//! - [`documents`]: Arabic A4 documents, labels and manifests (PDF, PNG).
//! - [`sync`]: the outbox drained to the central hub, and the hub itself.
//!
//! The GUI sits on top of these.

pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod store;

pub use error::{Error, Result};
pub mod cli;
pub mod documents;
pub mod seal;
pub mod sync;
