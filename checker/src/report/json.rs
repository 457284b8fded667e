//! The JSON report, for editors and tools. Its schema is versioned and
//! documented in `checker/README.md`; change `SCHEMA` when a field changes
//! meaning or disappears (adding fields is compatible).
//!
//! The verdict cache stores exercises in this same shape (with terminal
//! colour kept), so there is one encoding of a result, not two.

use crate::model::results::{Captured, ExerciseResult, TaskResult, TestResult};
use crate::util::json::{Object, array};
use crate::util::style::strip_ansi;

pub const SCHEMA: &str = "tokio-channels-course/check/v1";

pub fn render(results: &[ExerciseResult]) -> String {
    let earned: u32 = results.iter().map(|r| r.earned()).sum();
    let max: u32 = results.iter().map(|r| r.max()).sum();
    Object::new()
        .str("schema", SCHEMA)
        .int("earned", earned.into())
        .int("max", max.into())
        .bool("passed", results.iter().all(|r| r.passed()))
        .raw(
            "exercises",
            &array(results.iter().map(|r| exercise(r, false))),
        )
        .finish()
        + "\n"
}

/// One exercise's result; `keep_ansi` keeps the terminal colour of
/// compiler output and diffs (for the cache), reports drop it.
pub fn exercise(r: &ExerciseResult, keep_ansi: bool) -> String {
    let text = |s: &str| {
        if keep_ansi {
            s.to_string()
        } else {
            strip_ansi(s)
        }
    };
    let compile_error = r.compile_error.as_ref().map(|e| {
        Object::new()
            .str("message", &text(&e.first))
            .str_or_null("location", e.location.as_deref())
            .int("error_count", e.error_count as u64)
            .finish()
    });
    Object::new()
        .str("exercise", r.dir)
        .str("title", r.title)
        .str("source", &r.source)
        .int("earned", r.earned().into())
        .int("max", r.max().into())
        .raw_or_null("compile_error", compile_error.as_deref())
        .raw(
            "warnings",
            &array(r.warnings.iter().map(|w| {
                Object::new()
                    .str("message", &text(&w.message))
                    .str_or_null("location", w.location.as_deref())
                    .finish()
            })),
        )
        .raw("tasks", &array(r.tasks.iter().map(|t| task(t, keep_ansi))))
        .finish()
}

fn task(t: &TaskResult, keep_ansi: bool) -> String {
    Object::new()
        .int("task", t.number.into())
        .str("item", t.item)
        .str("title", t.title)
        .int("points", t.points.into())
        .int("earned", t.earned.into())
        .str("status", t.status.key())
        .raw("tests", &array(t.tests.iter().map(|x| test(x, keep_ansi))))
        .finish()
}

fn captured(c: &Captured) -> String {
    Object::new()
        .str("text", &c.text)
        .int("dropped_bytes", c.dropped_bytes)
        .finish()
}

fn test(t: &TestResult, keep_ansi: bool) -> String {
    let diff = t.diff.as_deref().map(|d| {
        if keep_ansi {
            d.to_string()
        } else {
            strip_ansi(d)
        }
    });
    let panics = array(t.panics.iter().map(|p| {
        Object::new()
            .str("message", &p.message)
            .str_or_null("location", p.location.as_deref())
            .str("thread", &p.thread)
            .finish()
    }));
    let events = array(t.events.iter().map(|e| {
        Object::new()
            .int("at_ms", e.at_ms)
            .str("actor", &e.actor)
            .str("what", &e.what)
            .finish()
    }));
    Object::new()
        .str("name", &t.name)
        .str("status", t.status.key())
        .str("message", &t.message)
        .str_or_null("diff", diff.as_deref())
        .str_or_null("location", t.location.as_deref())
        .num("wall_ms", t.wall_ms)
        .num("virtual_ms", t.virtual_ms)
        .num("busy_ms", t.busy_ms)
        .raw("stdout", &captured(&t.stdout))
        .raw("stderr", &captured(&t.stderr))
        .raw("panics", &panics)
        .raw("events", &events)
        .str_or_null("expected_events", t.expected_events.as_deref())
        .finish()
}
