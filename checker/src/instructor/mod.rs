//! The instructor's and the author's commands: grading submissions (with
//! provenance), the student copy and the offline bundle, `verify` with its
//! task-isolation and mutant checks, and the benchmark.
//!
//! May use: `run`, `build`, `model`, `report`, `util` (not `learner`).

pub mod bench;
pub mod export;
pub mod grade;
pub mod isolation;
pub mod mutants;
pub mod offline;
pub mod provenance;
pub mod shard;
pub mod verify;
