//! Catches a busy loop within milliseconds, in every exercise.
//!
//! Under the paused clock time moves only when every task waits, so a loop
//! that never waits shows up as polls piling up at one virtual instant:
//! the task wakes itself (tokio's cooperative budget makes channel calls
//! answer `Pending` every 128 steps and wake the task at once) and is
//! polled again, and again. Correct code is polled about a hundred times at
//! one instant at most; a spin passes [`LIMIT`] within about a fifth of a
//! second of CPU time (36–205 ms over the spinning fixtures), long before
//! the CPU-time budget (2 s) would stop it. The runner counts the test's
//! own future; spawned tasks are counted through the runtime's task-poll
//! hook, which tokio offers only with `--cfg tokio_unstable` (the checker
//! always builds hidden tests so).
//!
//! Only the test knows which calls its scenario makes ready at once (a
//! channel it closed, a bell it dropped), so it names them with
//! [`on_spin`], as it explains a stall with `on_stall`; the explanation
//! names those that hold when the spin is caught.

use std::cell::{Cell, RefCell};
use std::task::Waker;
use tokio::time::Instant;

/// Polls at one virtual instant before the code counts as spinning.
///
/// Measured (`peak_polls` in each result file: the most polls at one
/// instant, the test's future and its spawned tasks together) over
/// `check --solutions --no-cache` and two runs of the fixture corpus
/// (`cargo test -p checker --test fixtures`): every reference solution
/// peaks at 13, every honest fixture (alternatives, and mistakes that do
/// not spin) at 107. The high is exercise 07's task-3 tests, which hold
/// the clock while real threads work, so a whole run is one instant; it
/// varies with the threads' timing, bounded by the 60 results read.
/// Outside them the high is 13. The limit leaves a ninefold margin. A
/// spin costs time per poll (each goes round up to 128 times before
/// tokio's budget stops it): 06's keeper spinning on a dropped bell took
/// 353 ms of CPU to reach 2,000 polls, so the limit is no higher.
pub const LIMIT: u32 = 1_000;

type Explain = Box<dyn Fn() -> Option<String>>;

thread_local! {
    static INSTANT: Cell<Option<Instant>> = const { Cell::new(None) };
    static POLLS: Cell<u32> = const { Cell::new(0) };
    static PEAK: Cell<u32> = const { Cell::new(0) };
    static SPINNING: Cell<bool> = const { Cell::new(false) };
    /// The test's own future, woken to end the test from a task hook.
    static TEST: RefCell<Option<Waker>> = const { RefCell::new(None) };
    static EXPLAINERS: RefCell<Vec<Explain>> = const { RefCell::new(Vec::new()) };
}

/// Names a call that the test's scenario makes ready at once, for the
/// explanation of a busy loop: return `Some` only while it is so (the
/// hatch is closed, the bell's `Sender` dropped), in the pattern's terms,
/// with the way to stop going round on it.
pub fn on_spin(explain: impl Fn() -> Option<String> + 'static) {
    EXPLAINERS.with(|e| e.borrow_mut().push(Box::new(explain)));
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
    PEAK.set(PEAK.get().max(POLLS.get()));
    POLLS.get() > LIMIT
}

/// The most polls seen at one virtual instant so far.
pub(crate) fn peak() -> u32 {
    PEAK.get()
}

/// Called before each poll of the test's own future, with its waker.
/// Returns the explanation once the code spins.
pub fn before_test_poll(waker: &Waker) -> Option<String> {
    crate::blocking::step();
    TEST.with(|t| *t.borrow_mut() = Some(waker.clone()));
    if count() {
        SPINNING.set(true);
    }
    SPINNING
        .get()
        .then(|| explain(&format!("it was polled more than {LIMIT} times at the same instant of the paused clock, waking itself up each time")))
}

/// Called before each poll of a spawned task (the runtime's hook). Never
/// panics inside the runtime: it only marks the spin and wakes the test,
/// whose next poll ends it.
#[cfg_attr(not(tokio_unstable), allow(dead_code))]
pub fn before_task_poll() {
    crate::blocking::step();
    if count() && !SPINNING.get() {
        SPINNING.set(true);
        if let Some(w) = TEST.with(|t| t.borrow().clone()) {
            w.wake();
        }
    }
}

/// The explanation of a busy loop seen as `evidence`: the calls the test
/// names as ready at once, or, when it names none, the usual suspects.
pub(crate) fn explain(evidence: &str) -> String {
    let named: Vec<String> = EXPLAINERS.with(|e| e.borrow().iter().filter_map(|f| f()).collect());
    let what = if named.is_empty() {
        "Look for a call that returns at once every time round the loop: `try_recv` \
         (`Empty` is no reason to go round again); a `recv()` that keeps returning `None` or \
         `Err(Closed)`; a `changed()` that keeps returning `Err` once the `Sender` is gone; a \
         `select!` branch that is always ready (or `else => continue`); a fired `Sleep` \
         selected again without `reset`. Wait instead, and switch the branch off or leave the \
         loop when its channel is closed."
            .to_string()
    } else {
        named.join(" ")
    };
    format!(
        "the code never waits: {evidence}, a busy loop. {what} \
         (`tokio::task::yield_now()` does not help: the paused clock moves only when every \
         task waits.)"
    )
}
