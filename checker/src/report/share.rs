//! What `check --share` and `watch --share` send to the workshop board:
//! the verdicts of a check and nothing else.
//!
//! The document (`share/v1`, documented in `checker/README.md`) is the
//! check/v1 JSON cut down to what the board draws: per exercise its
//! score, the first line of a compile error, and per task its verdict
//! with each test's name, verdict and message. Never source code (the
//! compiler's rendered error quotes it, so only its first line goes),
//! never paths (no `source`, no `location`; the course folder is cut out
//! of every message), never captured output, never environment. The same
//! field names as check/v1, so a check/v1 exercise is also a valid
//! share/v1 exercise and the board reads both alike.

use crate::model::results::ExerciseResult;
use crate::util::json::{Object, array};
use crate::util::style::strip_ansi;

pub const SCHEMA: &str = "tokio-channels-course/share/v1";

/// The longest message sent, in characters: the board shows a line of it.
pub const MESSAGE_CHARS: usize = 300;

/// Who shares, and with which room.
#[derive(Clone, Debug, PartialEq)]
pub struct Sender<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// The learner's copy of the course: cut out of every message, so a
    /// home folder's name never leaves the machine.
    pub course: &'a str,
}

/// The share/v1 document for `results`.
pub fn render(who: &Sender, results: &[ExerciseResult]) -> String {
    let text = |s: &str| scrub(s, who.course);
    let exercises = array(results.iter().map(|r| {
        let compile_error = r.compile_error.as_ref().map(|e| {
            let first = strip_ansi(&e.first);
            let line = first.lines().next().unwrap_or("");
            Object::new().str("message", &text(line)).finish()
        });
        let tasks = array(r.tasks.iter().map(|t| {
            let tests = array(t.tests.iter().map(|x| {
                Object::new()
                    .str("name", &x.name)
                    .str("status", x.status.key())
                    .str("message", &text(&x.message))
                    .finish()
            }));
            Object::new()
                .int("task", t.number.into())
                .str("item", t.item)
                .str("title", t.title)
                .int("points", t.points.into())
                .int("earned", t.earned.into())
                .str("status", t.status.key())
                .raw("tests", &tests)
                .finish()
        }));
        Object::new()
            .str("exercise", r.dir)
            .str("title", r.title)
            .int("earned", r.earned().into())
            .int("max", r.max().into())
            .raw_or_null("compile_error", compile_error.as_deref())
            .raw("tasks", &tasks)
            .finish()
    }));
    Object::new()
        .str("schema", SCHEMA)
        .str("code", who.code)
        .str("name", who.name)
        .raw("exercises", &exercises)
        .finish()
}

/// `message` without colour, without the course folder, at most
/// [`MESSAGE_CHARS`] characters.
fn scrub(message: &str, course: &str) -> String {
    let plain = strip_ansi(message);
    let plain = if course.len() > 1 {
        plain.replace(course.trim_end_matches('/'), "<course>")
    } else {
        plain
    };
    let mut out: String = plain.chars().take(MESSAGE_CHARS).collect();
    if plain.chars().count() > MESSAGE_CHARS {
        out.pop();
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::results::{
        Captured, CompileError, ExerciseResult, Status, TaskResult, TestResult,
    };

    fn result() -> ExerciseResult {
        let test = TestResult {
            name: "waiter_takes_every_dish".into(),
            task: 1,
            status: Status::Fail,
            message:
                "\u{1b}[31mexpected 3 dishes\u{1b}[0m, see /home/ann/course/exercises/01/src/lib.rs"
                    .into(),
            diff: Some("SECRET-DIFF".into()),
            location: Some("/home/ann/course/exercises/01/src/lib.rs:3:1".into()),
            panics: Vec::new(),
            events: Vec::new(),
            expected_events: None,
            stdout: Captured {
                text: "SECRET-OUTPUT".into(),
                dropped_bytes: 0,
            },
            stderr: Captured::default(),
            wall_ms: 1.0,
            virtual_ms: 0.0,
            busy_ms: 0.0,
        };
        ExerciseResult {
            dir: "01-bounded-send",
            title: "bounded send",
            source: "/home/ann/course/exercises/01-bounded-send".into(),
            compile_error: Some(CompileError {
                first:
                    "error[E0308]: mismatched types\n  --> src/lib.rs:3\n3 | let SECRET_CODE = 1;"
                        .into(),
                location: Some("src/lib.rs:3".into()),
                error_count: 1,
            }),
            warnings: Vec::new(),
            tasks: vec![TaskResult {
                number: 1,
                item: "waiter",
                title: "receive",
                points: 1,
                earned: 0,
                status: Status::Fail,
                tests: vec![test],
            }],
        }
    }

    #[test]
    fn only_verdicts_leave_the_machine() {
        let who = Sender {
            code: "K7QX2M",
            name: "ann",
            course: "/home/ann/course",
        };
        let doc = render(&who, &[result()]);
        for secret in ["SECRET", "/home/ann", "src/lib.rs:3", "\u{1b}"] {
            assert!(!doc.contains(secret), "{secret} was shared: {doc}");
        }
        let v = crate::util::json::parse(&doc).expect("valid JSON");
        let v = crate::util::json::View::new(&v);
        assert_eq!(v.get("schema").str(), Some(SCHEMA));
        let ex = v.get("exercises").items().next().unwrap();
        assert_eq!(
            ex.get("compile_error").get("message").str(),
            Some("error[E0308]: mismatched types")
        );
        let t = ex.get("tasks").items().next().unwrap();
        assert_eq!(t.get("status").str(), Some("fail"));
        let msg = t
            .get("tests")
            .items()
            .next()
            .unwrap()
            .get("message")
            .string();
        assert_eq!(
            msg,
            "expected 3 dishes, see <course>/exercises/01/src/lib.rs"
        );
    }

    #[test]
    fn long_messages_are_clipped() {
        let long = "x".repeat(1000);
        assert_eq!(scrub(&long, "").chars().count(), MESSAGE_CHARS);
    }
}
