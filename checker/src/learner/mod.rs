//! The learner's commands beyond the engine: progress, hints, timelines,
//! `reset` with a backup, the reference solution once earned, and the
//! help text that every command's errors are built from.
//!
//! May use: `run`, `build`, `model`, `report`, `util` (not `instructor`).

pub mod learn;
pub mod reset;
pub mod usage;
