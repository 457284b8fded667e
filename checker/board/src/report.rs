//! The end of a workshop: the journal drawn as the class report
//! (`checker-report`), one row per attendee with their latest verdicts.

use crate::journal;
use crate::payload;
use checker::util::json::{Object, array, strings};
use std::path::Path;

/// The class report page for the journal at `path`.
pub fn class_report(path: &Path) -> Result<String, String> {
    let (posts, _) =
        journal::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let room = journal::replay(&posts);
    let first = posts.first().map_or(0, |(at, _)| *at);
    let last = posts.last().map_or(0, |(at, _)| *at);
    let students = array(room.attendees.values().map(|a| {
        let earned: u32 = a.exercises.values().map(|e| e.earned).sum();
        let max: u32 = a.exercises.values().map(|e| e.exercise.max_points()).sum();
        Object::new()
            .str("name", &a.name)
            .str("path", "")
            .int("earned", earned.into())
            .int("max", max.into())
            .raw(
                "exercises",
                &array(a.exercises.values().map(payload::exercise_json)),
            )
            .raw("review", "[]")
            .raw(
                "notes",
                &strings([format!(
                    "{} change(s) of verdict shared with the workshop board",
                    a.checks
                )
                .as_str()]),
            )
            .finish()
    }));
    let doc = Object::new()
        .str("schema", "tokio-channels-course/grade/v1")
        .raw(
            "meta",
            &Object::new()
                .str(
                    "command",
                    "checker board --report (from the workshop journal)",
                )
                .finish(),
        )
        .num("seconds", (last.saturating_sub(first)) as f64 / 1000.0)
        .raw("submissions", &students)
        .finish();
    checker_report::render(&doc)
}
