//! The course checker: runs hidden tests against a learner's code and
//! reports per-task verdicts, points and what to do next.
//!
//! The code is arranged in layers, one folder each. A layer may use the
//! layers below it and never one above (`tests/layers.rs` holds the rule):
//!
//! ```text
//!   cli                       arguments → one command of a layer below
//!   learner     instructor    the two audiences' commands (siblings: neither
//!                             uses the other)
//!   run                       the engine: build, then one test per process,
//!                             contained, watched, verdicts from result files
//!   build                     the shadow workspace, screening, compiling
//!   report                    renderers: results in, text out, nothing run
//!   model                     the course and the shape of results
//!   util                      small tools with no knowledge of the course
//! ```
//!
//! Reports sit low on purpose: like cargo-nextest's reporters they only
//! render the model, so anything that has results (the engine's verdict
//! cache, a learner's command, a grade) may render them.

pub mod build;
pub mod cli;
pub mod instructor;
pub mod learner;
pub mod model;
pub mod report;
pub mod run;
pub mod util;
