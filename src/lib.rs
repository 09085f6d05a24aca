//! citizen-desk: the GUI-free core of the desk software for Syria's
//! electronic citizen service centers.
//!
//! - [`domain`]: national IDs, the service catalog, the request lifecycle,
//!   roles and deadlines: pure rules.
//! - [`store`]: the SQLite desk store, users and sessions, the hash-chained
//!   audit log, the outbox, backup and restore.
//! - [`sample`]: realistic, deterministic sample citizens and requests.
//! - [`demo`]: a demo desk store filled with them.
//! - [`i18n`]: Arabic and English strings from `assets/i18n/*.ftl`.
//! - [`protocol`]: the messages between a desk and the hub.
//! - [`seal`]: the signed QR seal.
//! - [`documents`]: Arabic A4 documents, labels and manifests (PDF, PNG).
//! - [`sync`]: the outbox drained to the central hub, and the hub itself.
//! - [`cli`]: the command line.
//!
//! Layers point down only, in this order (a test in `tests/it/layers.rs`
//! fails on a use that points up): `i18n` ← `domain` ← `sample` ← `protocol` ←
//! `error` ← `files` ← `seal` ← `documents` ← `store` ← `sync` ← `demo` ←
//! `cli` (with `sample` just above `domain`); the desk app (`src/gui`, in
//! the binary) sits on top.

pub mod cli;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod error;
pub mod files;
pub mod i18n;
pub mod protocol;
pub mod sample;
pub mod seal;
pub mod store;
pub mod sync;

pub use error::{Error, Result};
