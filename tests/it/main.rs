//! The integration tests, one crate linked once: real stores in temporary
//! directories, the real binary, a real hub process, real CUPS and
//! PostgreSQL where `.ci/run` provides them, and independent tools
//! (poppler, qpdf, hb-shape, zbarimg; Xvfb, xdotool and ImageMagick for
//! the desk app's pixels) as checkers. Helpers shared by the modules
//! are in `common`.

mod common;
mod shared;

mod cli;
mod conformance_suites;
mod documents;
#[cfg(feature = "gui")]
mod fragments;
mod harfbuzz;
mod hub_net;
mod labels;
mod layers;
mod lifecycle;
mod lifecycle_table;
mod paper;
mod protocol_doc;
mod seal;
mod store;
mod sync;
mod sync_faults;
