//! Running the hidden tests: the engine (the one function every front end
//! calls), the verdict cache, one process per test under the watchdog and
//! the sandbox, the result channel, and turning a finished process into a
//! verdict with advice.
//!
//! May use: `build`, `model`, `report`, `util`.

pub mod advice;
pub mod cache;
pub mod channel;
pub mod engine;
pub mod options;
pub mod protocol;
pub mod runner;
pub mod sandbox;
pub mod watchdog;
