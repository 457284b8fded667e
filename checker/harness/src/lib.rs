//! Runtime support for the checker's hidden tests.
//!
//! The checker compiles every exercise's hidden tests into a small binary
//! whose `main` is [`main`]. The binary runs exactly one test per process
//! (`--run -`, its name read from stdin) so that an `exit`, an abort or a
//! runaway loop in the code under test can only ever take down its own
//! test. It reports the outcome
//! by writing a result file that the checker authenticates with a nonce it
//! passed on stdin; nothing the code under test prints can become a result.
//!
//! Tests run on a current-thread runtime with a paused clock: sleeps cost no
//! wall time, interleavings repeat exactly, and a deadlock shows up as the
//! clock jumping straight to the test's virtual deadline.

mod alloc;
mod blocking;
#[allow(dead_code)] // the checker uses every budget, the harness some
mod budget;
mod expect;
// Shared with the checker, which uses more of it than the harness does.
#[allow(dead_code)]
mod json;
mod limits;
mod log;
pub mod observe;
mod outcome;
mod report;
mod run;
mod spin;
mod stall;
pub mod vary;

pub use expect::{busy, expect_eq_impl, fail, snapshot};
pub use log::Log;
pub use run::main;
pub use spin::on_spin;
pub use stall::on_stall;

/// What a hidden test file needs, in one `use harness::prelude::*;`.
pub mod prelude {
    pub use crate::{Log, busy, expect_eq, fail, on_spin, on_stall, snapshot, vary};
    pub use std::time::Duration;
    pub use tokio::sync::{broadcast, mpsc, oneshot, watch};
    pub use tokio::time::{Instant, advance, sleep, timeout};
    pub use tokio_test::task::spawn as mock_task;
    pub use tokio_test::{
        assert_pending, assert_ready, assert_ready_eq, assert_ready_err, assert_ready_ok,
    };
}

/// The future a hidden test returns. Not `Send`: tests run on one thread.
pub type TestFuture = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// One hidden test, tied to the task whose points it guards.
pub struct Test {
    /// The task number, as in the exercise's lesson.
    pub task: u32,
    /// Unique within the exercise; used on the command line.
    pub name: &'static str,
    /// Starts the test.
    pub run: fn() -> TestFuture,
}

/// Declares the tests of one exercise: `tests! { 1 => name, 2 => other }`.
///
/// Expands to `pub static TESTS`, which the generated `main` hands to
/// [`main`].
#[macro_export]
macro_rules! tests {
    ($($task:literal => $name:ident),* $(,)?) => {
        pub static TESTS: &[$crate::Test] = &[
            $($crate::Test {
                task: $task,
                name: stringify!($name),
                run: || ::std::boxed::Box::pin($name()),
            }),*
        ];
    };
}

/// Compares two values; on a mismatch the test fails with `why` as the
/// explanation and a diff of expected against actual.
///
/// `expect_eq!(actual, expected, "why {}", args)`.
#[macro_export]
macro_rules! expect_eq {
    ($actual:expr, $expected:expr, $($why:tt)+) => {
        $crate::expect_eq_impl(&$actual, &$expected, || format!($($why)+))
    };
}
