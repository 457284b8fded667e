//! Reporters: each renders the engine's results in one format. None of
//! them runs anything or decides a verdict. The learner's reports live
//! here; the grade reports (JUnit, Gradescope, CSV, Classroom, the
//! gradebook) live with `grade` in the instructor's binary
//! (`checker/instructor`), which takes the shared text from here.

pub mod each;
pub mod json;
pub mod share;
pub mod terminal;
pub mod timeline;

use crate::model::results::{ExerciseResult, Status, TaskResult};
use crate::util::style::strip_ansi;
use std::path::PathBuf;

/// The report formats of `grade`.
pub const GRADE_FORMATS: &[&str] = &[
    "human",
    "json",
    "junit",
    "gradescope",
    "csv",
    "classroom",
    "html",
];

/// Reads `--report FORMAT=FILE`, or `FORMAT=DIR/` for a file per
/// submission (see `each`).
pub fn parse_report(spec: &str) -> Result<(String, PathBuf), String> {
    match spec.split_once('=') {
        Some((format, file)) if GRADE_FORMATS.contains(&format) && !file.is_empty() => {
            let path = PathBuf::from(file);
            if each::is_folder(&path) && !each::FORMATS.contains(&format) {
                return Err(format!(
                    "--report {format}=DIR/: only {} are written once per submission \
                     into a folder",
                    each::FORMATS.join(", ")
                ));
            }
            Ok((format.to_string(), path))
        }
        _ => Err(format!(
            "--report needs FORMAT=FILE (or FORMAT=DIR/ for a file per submission) with \
             FORMAT one of {}, not `{spec}`",
            GRADE_FORMATS.join(", ")
        )),
    }
}

/// Seconds from a sum of milliseconds, never `-0`: the sum of no `f64`
/// at all is `-0.0`, which prints as `-0.000` and breaks the JUnit schema.
pub fn seconds(ms: f64) -> f64 {
    if ms > 0.0 { ms / 1000.0 } else { 0.0 }
}

/// What an instructor's tool shows for a task: the compiler's (or the
/// screening's) message when the exercise was not built, else the task's
/// own feedback.
pub fn feedback(e: &ExerciseResult, t: &TaskResult) -> String {
    let mut text = uncapped_feedback(e, t);
    crate::model::cap::text(&mut text, crate::model::cap::FEEDBACK);
    text
}

fn uncapped_feedback(e: &ExerciseResult, t: &TaskResult) -> String {
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
