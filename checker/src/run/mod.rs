//! Running the hidden tests: the engine (the one function every front end
//! calls), the verdict cache, one process per test under the watchdog and
//! the sandbox, the result channel, and turning a finished process into a
//! verdict with advice (a panic named with the function and task it is in).
//!
//! May use: `build`, `model`, `report`, `util`.

pub mod advice;
pub mod cache;
pub mod channel;
pub mod engine;
pub mod observer;
pub mod options;
pub mod owner;
pub mod pristine;
pub mod protocol;
pub mod runner;
pub mod sandbox;
pub mod slots;
pub mod watchdog;
pub mod worklock;
