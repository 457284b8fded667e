//! Reporters: each renders the engine's results in one format. None of
//! them runs anything or decides a verdict.

pub mod classroom;
pub mod csv;
pub mod gradebook;
pub mod gradescope;
pub mod json;
pub mod junit;
pub mod terminal;
pub mod timeline;

use crate::model::grading::Batch;
use crate::model::results::{ExerciseResult, Status, TaskResult};
use crate::util::style::{Style, strip_ansi};
use std::path::{Path, PathBuf};

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

/// Renders a graded batch in `format` (one of [`GRADE_FORMATS`]; the
/// caller has checked that `gradescope` and `classroom` get one
/// submission).
/// `meta` is how the batch was graded (see `provenance`), which the JSON
/// report records. `html` is drawn by the `checker-report` binary from the
/// JSON report, not here.
pub fn grade_report(format: &str, batch: &Batch, style: Style, meta: &str) -> String {
    match format {
        "json" | "html" => gradebook::json_with_meta(batch, Some(meta)),
        "junit" => junit::render(batch),
        "gradescope" => gradescope::render(&batch.graded[0], batch.seconds),
        "csv" => csv::render(batch),
        "classroom" => classroom::render(&batch.graded[0]),
        _ => gradebook::human(batch, style),
    }
}

/// Writes a report to `path`; `classroom` appends, as `$GITHUB_OUTPUT`
/// expects.
pub fn write_report(format: &str, path: &Path, text: &str) -> std::io::Result<()> {
    if format == "classroom" {
        use std::io::Write;
        return std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?
            .write_all(text.as_bytes());
    }
    std::fs::write(path, text)
}

/// Reads `--report FORMAT=FILE`.
pub fn parse_report(spec: &str) -> Result<(String, PathBuf), String> {
    match spec.split_once('=') {
        Some((format, file)) if GRADE_FORMATS.contains(&format) && !file.is_empty() => {
            Ok((format.to_string(), PathBuf::from(file)))
        }
        _ => Err(format!(
            "--report needs FORMAT=FILE with FORMAT one of {}, not `{spec}`",
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
