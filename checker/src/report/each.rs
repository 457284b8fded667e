//! Feedback per student from one batch: a format written once per
//! submission into a folder (`--report gradescope=DIR/`), each file about
//! that submission alone, so that it can be handed to its student.
//!
//! The files are named after the submissions, made safe for every file
//! system: a submission's name is the name of a folder the instructor was
//! given, and may hold anything a file name can.

use crate::model::grading::{Batch, Graded};
use crate::report::{gradebook, gradescope, seconds};
use crate::util::style::Style;
use std::path::Path;

/// The formats that can be written once per submission; `html` is drawn
/// by the class report's own binary.
pub const FORMATS: &[&str] = &["human", "gradescope", "html"];

/// A report path that names a folder: it ends with a slash or is one.
pub fn is_folder(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || path.is_dir()
}

/// A file name stem per submission name, in order: letters, digits, `-`,
/// `_` and `.` kept, anything else `_`, never hidden, at most 80
/// characters, and distinct even where a file system ignores case.
pub fn file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut stem: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(80)
            .collect();
        if stem.starts_with('.') {
            stem.replace_range(..1, "_");
        }
        if stem.is_empty() {
            stem = "submission".to_string();
        }
        let taken = |s: &str| out.iter().any(|o| o.eq_ignore_ascii_case(s));
        let mut unique = stem.clone();
        let mut n = 2;
        while taken(&unique) {
            unique = format!("{stem}-{n}");
            n += 1;
        }
        out.push(unique);
    }
    out
}

/// The batch of one submission, as if it had been graded alone: its own
/// time is what its tests took.
fn alone(batch: &Batch, g: &Graded) -> Batch {
    let ms = g
        .exercises
        .iter()
        .flat_map(|e| &e.tasks)
        .flat_map(|t| &t.tests)
        .map(|t| t.wall_ms)
        .sum();
    Batch {
        graded: vec![g.clone()],
        seconds: seconds(ms),
        containment: batch.containment.clone(),
        seed: batch.seed,
        contained: batch.contained,
    }
}

/// One (file name, text) per submission, in `format` (`human` or
/// `gradescope`).
pub fn render(format: &str, batch: &Batch) -> Vec<(String, String)> {
    let stems = file_stems(batch.graded.iter().map(|g| g.submission.name.as_str()));
    batch
        .graded
        .iter()
        .zip(stems)
        .map(|(g, stem)| {
            let one = alone(batch, g);
            match format {
                "gradescope" => (
                    format!("{stem}.json"),
                    gradescope::render(&one.graded[0], &one),
                ),
                _ => (
                    format!("{stem}.txt"),
                    gradebook::human(&one, Style::plain()),
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(
            file_stems(["ann", "../etc", "a b\u{1b}", "Ann", "ann", "", "é"]),
            ["ann", "_._etc", "a_b_", "Ann-2", "ann-3", "submission", "é"]
        );
    }
}
