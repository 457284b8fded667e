//! The course checker: runs hidden tests against a learner's code and
//! reports per-task verdicts, points and what to do next.
//!
//! The code is arranged in layers, one folder each. A layer may use the
//! layers below it and never one above (`tests/layers.rs` holds the rule):
//!
//! ```text
//!   cli                       arguments → one command of a layer below
//!   learner                   the learner's commands
//!   run                       the engine: build, then one test per process,
//!                             contained, watched, verdicts from result files
//!   build                     the shadow workspace, screening, compiling
//!   report                    renderers: results in, text out, nothing run
//!   model                     the course and the shape of results
//!   util                      small tools with no knowledge of the course
//! ```
//!
//! The instructor's and author's commands (grade and its reporters, merge,
//! verify, export, offline, bench) sit above all of these in a crate of
//! their own, `checker/instructor`, whose binary installs them into `cli`
//! (`cli::install_instructor`); the `checker` binary hands those commands
//! to it. No learner compiles them before a first verdict.
//!
//! Reports sit low on purpose: like cargo-nextest's reporters they only
//! render the model, so anything that has results (the engine's verdict
//! cache, a learner's command, a grade) may render them.

pub mod build;
pub mod cli;
pub mod learner;
pub mod model;
pub mod report;
pub mod run;
pub mod util;
