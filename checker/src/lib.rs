//! The course checker: runs hidden tests against a learner's code and
//! reports per-task verdicts, points and what to do next.
//!
//! Layers, from the bottom: `course` (what exists), `shadow` and `compile`
//! (building code under test beside pristine hidden tests), `runner` and
//! `protocol` (one test per process, verdicts from result files only),
//! `engine` (the one function the front ends call), `report` (rendering),
//! `verify` (the course's proof of its own integrity). `cli` parses
//! arguments and wires a command to these.

pub mod advice;
pub mod bench;
pub mod buildlimit;
pub mod cache;
pub mod cancel;
pub mod cap;
pub mod channel;
pub mod cli;
pub mod compile;
pub mod course;
pub mod depinfo;
pub mod engine;
pub mod export;
pub mod files;
pub mod fresh;
pub mod grade;
pub mod integrity;
pub mod isolation;
pub mod json;
pub mod learn;
pub mod mismatch;
pub mod missing;
pub mod model;
pub mod offline;
pub mod pipe;
pub mod protocol;
pub mod provenance;
pub mod report;
pub mod reset;
pub mod review;
pub mod runner;
pub mod sandbox;
pub mod screen;
pub mod shadow;
pub mod style;
pub mod termsize;
pub mod timeline;
pub mod usage;
pub mod verify;
pub mod watchdog;
