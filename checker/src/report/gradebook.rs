//! The human and JSON reports of a grading batch.

use crate::model::grading::{Batch, Graded};
use crate::report::json as check_json;
use crate::util::json::{Object, array, strings};
use crate::util::style::Style;
use std::fmt::Write;

pub const SCHEMA: &str = "tokio-channels-course/grade/v1";

pub fn human(batch: &Batch, style: Style) -> String {
    let mut out = format!(
        "{}\n\n",
        style.dim(&format!("test processes: {}", batch.containment))
    );
    for g in &batch.graded {
        let _ = writeln!(
            out,
            "{}  {}/{}",
            style.bold(&g.submission.name),
            g.earned(),
            g.max()
        );
        for e in &g.exercises {
            let tasks: Vec<String> = e
                .tasks
                .iter()
                .map(|t| format!("{}:{}/{}", t.number, t.earned, t.points))
                .collect();
            let _ = writeln!(
                out,
                "  {:<20} {:>2}/{:<2} {}",
                e.dir,
                e.earned(),
                e.max(),
                style.dim(&tasks.join(" "))
            );
            if let Some(err) = &e.compile_error {
                let first = crate::util::style::strip_ansi(&err.first);
                let _ = writeln!(
                    out,
                    "      {} {}",
                    style.red(first.lines().next().unwrap_or("")),
                    err.location.as_deref().unwrap_or("")
                );
            }
        }
        for n in &g.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        if !g.review.is_empty() {
            let _ = writeln!(out, "  for review (not scored):");
            for f in &g.review {
                if f.file.is_empty() {
                    // The note that the list was cut.
                    let _ = writeln!(out, "    {}", f.construct);
                } else {
                    let _ = writeln!(out, "    {}:{}  {}", f.file, f.line, f.construct);
                }
            }
        }
        out.push('\n');
    }
    let n = batch.graded.len().max(1);
    let _ = writeln!(
        out,
        "graded {} submission(s) in {:.1} s ({:.1} s each, {:.0} per minute)",
        batch.graded.len(),
        batch.seconds,
        batch.seconds / n as f64,
        60.0 * n as f64 / batch.seconds.max(0.001)
    );
    out
}

fn submission(g: &Graded) -> String {
    let review = array(g.review.iter().map(|f| {
        Object::new()
            .str("file", &f.file)
            .int("line", f.line as u64)
            .str("construct", &f.construct)
            .finish()
    }));
    Object::new()
        .str("name", &g.submission.name)
        .str("path", &g.submission.path.display().to_string())
        .int("earned", g.earned().into())
        .int("max", g.max().into())
        .raw(
            "exercises",
            &array(g.exercises.iter().map(|e| check_json::exercise(e, false))),
        )
        .raw("review", &review)
        .raw("notes", &strings(g.notes.iter().map(String::as_str)))
        .finish()
}

pub fn json(batch: &Batch) -> String {
    json_with_meta(batch, None)
}

/// The JSON report with `meta`: how the batch was graded (see
/// `provenance`), which the class report shows.
pub fn json_with_meta(batch: &Batch, meta: Option<&str>) -> String {
    Object::new()
        .str("schema", SCHEMA)
        .raw_or_null("meta", meta)
        .num("seconds", batch.seconds)
        .str("containment", &batch.containment)
        .raw("submissions", &array(batch.graded.iter().map(submission)))
        .finish()
        + "\n"
}
