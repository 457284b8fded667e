//! The human and JSON reports of a grading batch.

use crate::grade::{Batch, Graded};
use crate::report::json as check_json;
use crate::style::Style;
use serde_json::json;
use std::fmt::Write;

pub const SCHEMA: &str = "tokio-channels-course/grade/v1";

pub fn human(batch: &Batch, style: Style) -> String {
    let mut out = String::new();
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
                let first = crate::style::strip_ansi(&err.first);
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
                let _ = writeln!(out, "    {}:{}  {}", f.file, f.line, f.construct);
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

fn submission(g: &Graded) -> serde_json::Value {
    json!({
        "name": g.submission.name,
        "path": g.submission.path.display().to_string(),
        "earned": g.earned(),
        "max": g.max(),
        "exercises": g.exercises.iter().map(check_json::exercise).collect::<Vec<_>>(),
        "review": g.review.iter().map(|f| json!({
            "file": f.file,
            "line": f.line,
            "construct": f.construct,
        })).collect::<Vec<_>>(),
        "notes": g.notes,
    })
}

pub fn json(batch: &Batch) -> String {
    let doc = json!({
        "schema": SCHEMA,
        "seconds": batch.seconds,
        "submissions": batch.graded.iter().map(submission).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
