//! Expectations that fail with an explanation and a diff.
//!
//! A failed expectation stores what the learner needs (why, and a diff of
//! expected against actual) before it panics, so the runner can report it
//! as a failure of the test rather than as a crash of the code under test.

use std::cell::RefCell;
use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;

/// A failed expectation, as the runner reports it.
#[derive(Clone, Debug)]
pub(crate) struct Failure {
    pub why: String,
    pub diff: Option<String>,
    pub expected_events: Option<String>,
    /// A busy loop the test saw itself (see [`busy`]), not a wrong result.
    pub busy: bool,
}

thread_local! {
    static FAILURE: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

pub(crate) fn take_failure() -> Option<Failure> {
    FAILURE.with(|f| f.borrow_mut().take())
}

#[track_caller]
fn record(failure: Failure) -> ! {
    let why = failure.why.clone();
    FAILURE.with(|f| *f.borrow_mut() = Some(failure));
    panic!("{why}");
}

/// Fails the test with an explanation and no diff.
#[track_caller]
pub fn fail(why: impl Into<String>) -> ! {
    record(Failure {
        why: why.into(),
        diff: None,
        expected_events: None,
        busy: false,
    })
}

/// Ends the test as a busy loop that the test saw itself at the poll level
/// (say, a poll of a mock task that used up tokio's cooperative budget):
/// the same category and explanation as one the poll counter catches, with
/// `evidence` saying what the test saw and the calls named by `on_spin`.
#[track_caller]
pub fn busy(evidence: &str) -> ! {
    record(Failure {
        why: crate::spin::explain(evidence),
        diff: None,
        expected_events: None,
        busy: true,
    })
}

/// The body of [`expect_eq!`](crate::expect_eq).
#[track_caller]
pub fn expect_eq_impl<T: PartialEq + Debug>(
    actual: &T,
    expected: &T,
    why: impl FnOnce() -> String,
) {
    if actual != expected {
        let diff = pretty_assertions::Comparison::new(expected, actual).to_string();
        record(Failure {
            why: why(),
            diff: Some(label_sides(&diff)),
            expected_events: None,
            busy: false,
        });
    }
}

/// Compares `actual` with the recorded snapshot `name` of this exercise.
///
/// insta is the authority; the checker runs it with updates off, so a
/// mismatch never writes a file. On a mismatch the test fails with `why`
/// and a diff of the recorded snapshot against `actual`.
#[track_caller]
pub fn snapshot(name: &str, actual: &str, why: &str) {
    let dir = PathBuf::from(
        std::env::var_os("CHECKER_SNAPSHOT_DIR").expect("the checker sets CHECKER_SNAPSHOT_DIR"),
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(&dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        settings.bind(|| insta::assert_snapshot!(name, actual));
    }));
    if let Err(payload) = outcome {
        let Some(expected) = recorded(&dir.join(format!("{name}.snap"))) else {
            // Nothing recorded yet: an authoring problem, not the learner's.
            resume_unwind(payload);
        };
        let diff = pretty_assertions::StrComparison::new(&expected, actual).to_string();
        record(Failure {
            why: why.to_string(),
            diff: Some(label_sides(&diff)),
            expected_events: Some(expected),
            busy: false,
        });
    }
}

/// Names the two sides of a pretty_assertions diff for a learner: the
/// left side is always the expected value. The header arrives coloured, so
/// it is recognised without its escape codes.
fn label_sides(diff: &str) -> String {
    let (head, rest) = diff.split_once('\n').unwrap_or((diff, ""));
    let plain: String = {
        let mut out = String::new();
        let mut in_escape = false;
        for c in head.chars() {
            match c {
                '\x1b' => in_escape = true,
                c if in_escape && c.is_ascii_alphabetic() => in_escape = false,
                c if !in_escape => out.push(c),
                _ => {}
            }
        }
        out
    };
    if plain.trim() != "Diff < left / right > :" {
        return diff.to_string();
    }
    format!("\x1b[1mDiff\x1b[0m \x1b[31m< expected\x1b[0m / \x1b[32myour code >\x1b[0m :\n{rest}")
}

/// The body of an insta `.snap` file: everything after its header.
fn recorded(path: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.strip_prefix("---\n")?;
    let (_, body) = body.split_once("\n---\n")?;
    Some(body.trim_end().to_string() + "\n")
}
