//! Explanations for a stalled test, supplied by the test itself.
//!
//! When the paused clock reaches a test's virtual deadline, every task was
//! waiting and nothing could wake them. Only the test knows which channel
//! it owns, so it registers closures that describe what is still open
//! (`2 Senders still alive`); the runner calls them to explain the stall.

use std::cell::RefCell;

type Explain = Box<dyn Fn() -> Option<String>>;

thread_local! {
    static EXPLAINERS: RefCell<Vec<Explain>> = const { RefCell::new(Vec::new()) };
}

/// Registers an explanation used if this test stalls. Return `None` when
/// the state you inspect is not the cause.
pub fn on_stall(explain: impl Fn() -> Option<String> + 'static) {
    EXPLAINERS.with(|e| e.borrow_mut().push(Box::new(explain)));
}

/// The explanations that apply now.
pub(crate) fn explanations() -> Vec<String> {
    EXPLAINERS.with(|e| e.borrow().iter().filter_map(|f| f()).collect())
}
