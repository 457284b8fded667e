//! The grade reporters: each renders a graded batch in one format that an
//! instructor's tools read. None of them runs anything or decides a
//! verdict; the text they share with the learner's reports (feedback per
//! task, seconds) comes from `checker::report`.

pub mod classroom;
pub mod csv;
pub mod each;
pub mod gradebook;
pub mod gradescope;
pub mod junit;

use checker::model::grading::Batch;
use checker::util::style::Style;
use std::path::Path;

/// Renders a graded batch in `format` (one of [`checker::report::GRADE_FORMATS`]; the
/// caller has checked that `gradescope` and `classroom` get one
/// submission).
/// `meta` is how the batch was graded (see `provenance`), which the JSON
/// report records. `html` is drawn by the `checker-report` binary from the
/// JSON report, not here.
pub fn grade_report(format: &str, batch: &Batch, style: Style, meta: &str) -> String {
    match format {
        "json" | "html" => gradebook::json_with_meta(batch, Some(meta)),
        "junit" => junit::render(batch),
        "gradescope" => gradescope::render(&batch.graded[0], batch),
        "csv" => csv::render(batch),
        "classroom" => classroom::render(&batch.graded[0], batch.contained),
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
