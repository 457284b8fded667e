//! The human and JSON reports of a grading batch.

use checker::model::grading::{Batch, Graded};
use checker::model::results::{Status, TaskResult};
use checker::report::json as check_json;
use checker::util::json::{Object, array, strings};
use checker::util::style::Style;
use std::fmt::Write;

pub const SCHEMA: &str = "tokio-channels-course/grade/v1";

pub fn human(batch: &Batch, style: Style) -> String {
    let mut out = format!(
        "{}\n",
        style.dim(&format!("test processes: {}", batch.containment))
    );
    if let Some(seed) = batch.seed {
        let _ = writeln!(
            out,
            "{}",
            style.dim(&format!(
                "varied inputs: seed {seed} (replay with `grade --seed {seed}`)"
            ))
        );
    }
    out.push('\n');
    for g in &batch.graded {
        let _ = writeln!(
            out,
            "{}  {}/{}",
            style.bold(&g.submission.name),
            g.earned(),
            g.max()
        );
        for e in &g.exercises {
            let _ = writeln!(
                out,
                "  {:<20} {:>2}/{:<2} {}",
                e.dir,
                e.earned(),
                e.max(),
                style.dim(&verdicts(&e.tasks))
            );
            if let Some(err) = &e.compile_error {
                let first = checker::util::style::strip_ansi(&err.first);
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

/// Each task's verdict in words, tasks with the same verdict together in
/// course order: `passed 1, 2 · deadlock 3 · not started 4, 5`. A number
/// such as `3:0/2` says that points were lost, not why.
pub fn verdicts(tasks: &[TaskResult]) -> String {
    let mut groups: Vec<(Status, Vec<String>)> = Vec::new();
    for t in tasks {
        match groups.iter_mut().find(|(s, _)| *s == t.status) {
            Some((_, numbers)) => numbers.push(t.number.to_string()),
            None => groups.push((t.status, vec![t.number.to_string()])),
        }
    }
    groups
        .iter()
        .map(|(status, numbers)| format!("{} {}", status.label(), numbers.join(", ")))
        .collect::<Vec<_>>()
        .join(" · ")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn task(number: u32, status: Status) -> TaskResult {
        TaskResult {
            number,
            item: "item",
            title: "title",
            points: 2,
            earned: if status == Status::Pass { 2 } else { 0 },
            status,
            tests: Vec::new(),
        }
    }

    #[test]
    fn a_failing_task_is_named_by_its_verdict() {
        let tasks = [
            task(1, Status::Pass),
            task(2, Status::Pass),
            task(3, Status::Deadlock),
            task(4, Status::NotStarted),
            task(5, Status::NotStarted),
            task(6, Status::Timeout),
        ];
        assert_eq!(
            verdicts(&tasks),
            "passed 1, 2 · deadlock 3 · not started 4, 5 · timed out 6"
        );
    }
}
