//! An event log on the virtual clock: who did what, when.
//!
//! Hidden tests record what the pattern guarantees (a waiter takes dish 3 at
//! t=400ms) and snapshot the rendered log. Every log is also kept for the
//! result file, so that a failing test can show the learner's timeline next
//! to the expected one.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;
use tokio::time::Instant;

/// One entry of a [`Log`].
#[derive(Clone, Debug)]
pub struct Event {
    /// Milliseconds of virtual time since the log was created.
    pub at_ms: u128,
    /// The lane: "chef", "waiter", "subscriber 2"...
    pub actor: String,
    pub what: String,
}

/// A shared, cloneable event log. Create it inside the test (it reads the
/// paused clock).
#[derive(Clone)]
pub struct Log {
    start: Instant,
    events: Rc<RefCell<Vec<Event>>>,
}

thread_local! {
    static LOGS: RefCell<Vec<Rc<RefCell<Vec<Event>>>>> = const { RefCell::new(Vec::new()) };
}

impl Log {
    #[allow(clippy::new_without_default)] // reads the runtime's clock: not a plain default
    pub fn new() -> Self {
        let events = Rc::new(RefCell::new(Vec::new()));
        LOGS.with(|logs| logs.borrow_mut().push(events.clone()));
        Log {
            start: Instant::now(),
            events,
        }
    }

    /// Records that `actor` did `what`, now.
    pub fn event(&self, actor: &str, what: impl Into<String>) {
        self.events.borrow_mut().push(Event {
            at_ms: self.start.elapsed().as_millis(),
            actor: actor.to_string(),
            what: what.into(),
        });
    }

    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events.borrow().clone()
    }

    /// One line per event: `t=  200ms  waiter  takes dish 1`.
    pub fn render(&self) -> String {
        render(&self.events.borrow())
    }
}

/// Renders events with the actor column padded to the widest actor.
pub fn render(events: &[Event]) -> String {
    let width = events.iter().map(|e| e.actor.len()).max().unwrap_or(0);
    let mut out = String::new();
    for e in events {
        let _ = writeln!(out, "t={:>5}ms  {:<width$}  {}", e.at_ms, e.actor, e.what);
    }
    out
}

/// Every event recorded by any log of this test, in log order.
pub(crate) fn all_events() -> Vec<Event> {
    LOGS.with(|logs| {
        logs.borrow()
            .iter()
            .flat_map(|l| l.borrow().clone())
            .collect()
    })
}
