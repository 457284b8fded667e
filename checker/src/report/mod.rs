//! Reporters: each renders the engine's results in one format. None of
//! them runs anything or decides a verdict.

pub mod classroom;
pub mod csv;
pub mod gradebook;
pub mod gradescope;
pub mod json;
pub mod junit;
pub mod terminal;

use crate::model::{ExerciseResult, Status, TaskResult};
use crate::style::strip_ansi;

/// What an instructor's tool shows for a task: the compiler's (or the
/// screening's) message when the exercise was not built, else the task's
/// own feedback.
pub fn feedback(e: &ExerciseResult, t: &TaskResult) -> String {
    match &e.compile_error {
        Some(c) => {
            let mut out = strip_ansi(&c.first);
            if let Some(loc) = &c.location {
                out.push_str(&format!("\nat {loc}"));
            }
            out
        }
        None => task_feedback(t),
    }
}

/// The text an instructor's tool shows for a task that did not pass: the
/// first failing test's verdict and explanation, without terminal colour.
pub fn task_feedback(t: &TaskResult) -> String {
    if t.status == Status::Pass {
        return String::new();
    }
    let Some(test) = t.tests.iter().find(|x| x.status != Status::Pass) else {
        return t.status.label().to_string();
    };
    let mut out = format!(
        "{} ({}): {}",
        test.name,
        test.status.label(),
        test.message.trim()
    );
    if let Some(diff) = &test.diff {
        out.push_str("\n\n");
        out.push_str(strip_ansi(diff).trim_end());
    }
    if let Some(loc) = &test.location {
        out.push_str(&format!("\nat {loc}"));
    }
    out
}
