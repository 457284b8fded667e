//! Catches a busy loop within milliseconds, in every exercise.
//!
//! Under the paused clock time moves only when every task waits, so a loop
//! that never waits shows up as polls piling up at one virtual instant:
//! the task wakes itself (tokio's cooperative budget makes channel calls
//! answer `Pending` every 128 steps and wake the task at once) and is
//! polled again, and again. Correct code is polled a few hundred times at
//! one instant at most; a spin passes [`LIMIT`] within milliseconds, long
//! before the CPU-time budget would stop it. The runner counts the test's
//! own future; spawned tasks are counted through the runtime's task-poll
//! hook, which tokio offers only with `--cfg tokio_unstable` (the checker
//! always builds hidden tests so).

use std::cell::{Cell, RefCell};
use std::task::Waker;
use tokio::time::Instant;

/// Polls at one virtual instant before the code counts as spinning: far
/// above what any reference solution needs (see `verify`), far below what
/// costs noticeable time.
pub const LIMIT: u32 = 20_000;

thread_local! {
    static INSTANT: Cell<Option<Instant>> = const { Cell::new(None) };
    static POLLS: Cell<u32> = const { Cell::new(0) };
    static SPINNING: Cell<bool> = const { Cell::new(false) };
    /// The test's own future, woken to end the test from a task hook.
    static TEST: RefCell<Option<Waker>> = const { RefCell::new(None) };
}

/// Counts one poll at the current virtual instant; true once over the
/// limit.
fn count() -> bool {
    let now = Instant::now();
    if INSTANT.get() == Some(now) {
        POLLS.set(POLLS.get().saturating_add(1));
    } else {
        INSTANT.set(Some(now));
        POLLS.set(1);
    }
    POLLS.get() > LIMIT
}

/// Called before each poll of the test's own future, with its waker.
/// Returns the explanation once the code spins.
pub fn before_test_poll(waker: &Waker) -> Option<String> {
    TEST.with(|t| *t.borrow_mut() = Some(waker.clone()));
    if count() {
        SPINNING.set(true);
    }
    SPINNING.get().then(explain)
}

/// Called before each poll of a spawned task (the runtime's hook). Never
/// panics inside the runtime: it only marks the spin and wakes the test,
/// whose next poll ends it.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
pub fn before_task_poll() {
    if count() && !SPINNING.get() {
        SPINNING.set(true);
        if let Some(w) = TEST.with(|t| t.borrow().clone()) {
            w.wake();
        }
    }
}

fn explain() -> String {
    format!(
        "the code never waits: it was polled more than {LIMIT} times at the same instant of \
         the paused clock, waking itself up each time, a busy loop. Look for a call that \
         returns at once every time round the loop: `try_recv`; a `recv()` that keeps \
         returning `None` or `Err(Closed)`; a `changed()` that keeps returning `Err` once the \
         `Sender` is gone; a `select!` branch that is always ready (or `else => continue`); \
         a fired `Sleep` selected again without `reset`. Wait instead, and switch the branch \
         off or leave the loop when its channel is closed. `tokio::task::yield_now()` does \
         not help: the paused clock moves only when every task waits."
    )
}
