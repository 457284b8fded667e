//! The course model: what the course contains (exercises, tasks, points,
//! hints, the stubs' task ownership) and the shape of results (a test's
//! status, an exercise's result, a grading batch), with the caps on the
//! text a result may carry.
//!
//! Every other layer speaks in these types; none of them is made by
//! parsing human-readable output.
//!
//! May use: `util`.

pub mod cap;
pub mod course;
pub mod grading;
pub mod results;
pub mod stubcode;
