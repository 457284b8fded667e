//! The JSON report, for editors and tools. Its schema is versioned and
//! documented in `checker/README.md`; change `SCHEMA` when a field changes
//! meaning or disappears (adding fields is compatible).

use crate::model::{Captured, ExerciseResult, TaskResult, TestResult};
use crate::style::strip_ansi;
use serde_json::{Value, json};

pub const SCHEMA: &str = "tokio-channels-course/check/v1";

pub fn render(results: &[ExerciseResult]) -> String {
    let earned: u32 = results.iter().map(|r| r.earned()).sum();
    let max: u32 = results.iter().map(|r| r.max()).sum();
    let doc = json!({
        "schema": SCHEMA,
        "earned": earned,
        "max": max,
        "passed": results.iter().all(|r| r.passed()),
        "exercises": results.iter().map(exercise).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

pub fn exercise(r: &ExerciseResult) -> Value {
    json!({
        "exercise": r.dir,
        "title": r.title,
        "source": r.source,
        "earned": r.earned(),
        "max": r.max(),
        "compile_error": r.compile_error.as_ref().map(|e| json!({
            "message": strip_ansi(&e.first),
            "location": e.location,
            "error_count": e.error_count,
        })),
        "tasks": r.tasks.iter().map(task).collect::<Vec<_>>(),
    })
}

fn task(t: &TaskResult) -> Value {
    json!({
        "task": t.number,
        "item": t.item,
        "title": t.title,
        "points": t.points,
        "earned": t.earned,
        "status": t.status.key(),
        "tests": t.tests.iter().map(test).collect::<Vec<_>>(),
    })
}

fn captured(c: &Captured) -> Value {
    json!({ "text": c.text, "dropped_bytes": c.dropped_bytes })
}

pub fn test(t: &TestResult) -> Value {
    json!({
        "name": t.name,
        "status": t.status.key(),
        "message": t.message,
        "diff": t.diff.as_deref().map(strip_ansi),
        "location": t.location,
        "wall_ms": t.wall_ms,
        "virtual_ms": t.virtual_ms,
        "busy_ms": t.busy_ms,
        "stdout": captured(&t.stdout),
        "stderr": captured(&t.stderr),
        "panics": t.panics.iter().map(|p| json!({
            "message": p.message,
            "location": p.location,
            "thread": p.thread,
        })).collect::<Vec<_>>(),
        "events": t.events.iter().map(|e| json!({
            "at_ms": e.at_ms,
            "actor": e.actor,
            "what": e.what,
        })).collect::<Vec<_>>(),
        "expected_events": t.expected_events,
    })
}
