//! The outcome of one test run and its encoding in the result file.
//!
//! The result file is the only channel from a test process to the checker
//! (see the checker's `protocol` module for the reading side).

use crate::json::{self, Object};
use crate::log::Event;

/// How a test ended, as far as the test process can tell. Crashes, exits
/// and timeouts are diagnosed by the checker, which sees the process die.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    /// An expectation of the test did not hold.
    Fail,
    /// The code under test reached `todo!()`.
    Todo,
    /// A panic that is not an expectation of the test.
    Panic,
    /// The paused clock hit the virtual deadline: every task was waiting.
    Deadlock,
    /// The code was polled again and again at one virtual instant: a busy
    /// loop, the same category as one stopped by the CPU-time budget.
    Busy,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Todo => "todo",
            Status::Panic => "panic",
            Status::Deadlock => "deadlock",
            Status::Busy => "busy",
        }
    }
}

/// A panic observed anywhere in the test process.
#[derive(Clone, Debug)]
pub struct PanicRecord {
    pub message: String,
    /// `file:line:column`, absolute as the compiler saw it.
    pub location: Option<String>,
    /// The runtime thread or a tokio worker; "main" for the test itself.
    pub thread: String,
}

pub struct Outcome {
    pub status: Status,
    pub message: String,
    /// A diff of expected against actual, ANSI-coloured.
    pub diff: Option<String>,
    pub location: Option<String>,
    pub panics: Vec<PanicRecord>,
    pub events: Vec<Event>,
    pub expected_events: Option<String>,
    pub virtual_ms: u128,
    pub wall_ms: f64,
    pub busy_ms: f64,
    /// Time the runtime thread slept in the kernel outside the runtime's
    /// own parking (see `blocking`); `None` where it cannot be measured.
    pub blocked_ms: Option<f64>,
    /// The most polls at one virtual instant (see `spin`): how close the
    /// code came to counting as a busy loop.
    pub peak_polls: u32,
}

impl Outcome {
    /// The result file body; `nonce` proves the checker's own harness wrote it.
    pub fn to_json(&self, nonce: &str) -> String {
        let panics = json::array(self.panics.iter().map(|p| {
            Object::new()
                .str("message", &p.message)
                .opt_str("location", p.location.as_deref())
                .str("thread", &p.thread)
                .finish()
        }));
        let events = json::array(self.events.iter().map(|e| {
            Object::new()
                .num("at_ms", e.at_ms as f64)
                .str("actor", &e.actor)
                .str("what", &e.what)
                .finish()
        }));
        Object::new()
            .str("nonce", nonce)
            .str("status", self.status.as_str())
            .str("message", &self.message)
            .opt_str("diff", self.diff.as_deref())
            .opt_str("location", self.location.as_deref())
            .raw("panics", &panics)
            .raw("events", &events)
            .opt_str("expected_events", self.expected_events.as_deref())
            .num("virtual_ms", self.virtual_ms as f64)
            .num("wall_ms", self.wall_ms)
            .num("busy_ms", self.busy_ms)
            .num("peak_polls", f64::from(self.peak_polls))
            .raw_or_null(
                "blocked_ms",
                self.blocked_ms.map(|b| format!("{b:.3}")).as_deref(),
            )
            .finish()
    }
}
