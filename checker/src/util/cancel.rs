//! Stopping every running test from another thread: `watch` quits on `q`
//! in the middle of a check without leaving a test process behind (a busy
//! loop would otherwise run on until its deadline, with no one to kill it).

use std::sync::atomic::{AtomicBool, Ordering};

static CANCELLED: AtomicBool = AtomicBool::new(false);

/// Kills the test processes that run now and any that start later in this
/// process: for a front end that is about to exit.
pub fn cancel_all() {
    CANCELLED.store(true, Ordering::SeqCst);
}

/// True once [`cancel_all`] was called.
pub fn cancelled() -> bool {
    CANCELLED.load(Ordering::SeqCst)
}
