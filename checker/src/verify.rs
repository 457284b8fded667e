//! `verify`: the course's proof of its own integrity.
//!
//! For every exercise, every hidden test must fail on the pristine stub and
//! pass on the reference solution, with identical outcomes over repeated
//! runs. A test that passes on a stub cannot tell a learner anything; a
//! test whose outcome changes between runs cannot be trusted to grade.

use crate::course::{Exercise, Paths};
use crate::engine::{self, Options};
use crate::files::differs;
use crate::model::{ExerciseResult, Status, TestResult};
use crate::shadow::Target;
use crate::style::Style;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What `verify` found wrong, by exercise and test.
#[derive(Debug, Default)]
pub struct Findings {
    pub problems: Vec<String>,
    pub report: String,
}

/// One test's outcome reduced to what must repeat exactly.
fn fingerprint(t: &TestResult) -> String {
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| format!("{}|{}|{}", e.at_ms, e.actor, e.what))
        .collect();
    format!("{:?}|{}|{}", t.status, t.message, events.join(";"))
}

pub fn verify(
    paths: &Paths,
    exercises: &[&'static Exercise],
    runs: usize,
    opts: &Options,
    style: Style,
) -> std::io::Result<Findings> {
    let mut f = Findings::default();
    let missing: Vec<&str> = exercises
        .iter()
        .filter(|e| !paths.solution(e).join("src/lib.rs").exists())
        .map(|e| e.dir)
        .collect();
    if !missing.is_empty() {
        f.problems.push(format!(
            "verify proves each hidden test against the reference solutions, and this copy of \
             the course has none for {} (a student copy leaves them out). Run verify in the \
             authors' copy of the course.",
            missing.join(", ")
        ));
        return Ok(f);
    }
    let mut targets = Vec::new();
    for e in exercises {
        for (slot, source) in [("stub", paths.stub(e)), ("solution", paths.solution(e))] {
            targets.push(Target {
                exercise: e,
                slot: slot.to_string(),
                source,
            });
        }
    }

    // (exercise, slot, test) -> the fingerprint of each run
    let mut seen: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    let mut last: Vec<ExerciseResult> = Vec::new();
    for _ in 0..runs.max(1) {
        // Every run must really run: a cached verdict proves nothing.
        let fresh = Options {
            cache: false,
            ..opts.clone()
        };
        last = engine::run(paths, &targets, &fresh)?;
        for (t, r) in targets.iter().zip(&last) {
            for test in r.tasks.iter().flat_map(|task| &task.tests) {
                seen.entry((
                    t.exercise.dir.to_string(),
                    t.slot.clone(),
                    test.name.clone(),
                ))
                .or_default()
                .push(fingerprint(test));
            }
        }
    }

    for (t, r) in targets.iter().zip(&last) {
        let e = t.exercise;
        if let Some(err) = &r.compile_error {
            f.problems.push(format!(
                "{} {}: does not compile: {}",
                e.dir,
                t.slot,
                crate::style::strip_ansi(&err.first)
            ));
            continue;
        }
        for task in &r.tasks {
            if task.tests.is_empty() {
                f.problems.push(format!(
                    "{} task {}: has no hidden test",
                    e.dir, task.number
                ));
            }
            for test in &task.tests {
                let bad = match t.slot.as_str() {
                    "stub" => test.status == Status::Pass,
                    _ => test.status != Status::Pass,
                };
                if bad {
                    let what = if t.slot == "stub" {
                        "passes on the stub: it cannot tell a solution from a `todo!()`".to_string()
                    } else {
                        format!(
                            "fails on the reference solution: {} {}",
                            test.status.label(),
                            test.message
                        )
                    };
                    f.problems.push(format!(
                        "{} task {} test {}: {what}",
                        e.dir, task.number, test.name
                    ));
                }
            }
        }
    }
    for ((dir, slot, test), prints) in &seen {
        if prints.iter().any(|p| p != &prints[0]) {
            f.problems.push(format!(
                "{dir} test {test}: different outcomes on the {slot} over {} runs (flaky)",
                prints.len()
            ));
        }
        if prints.len() != runs.max(1) {
            f.problems.push(format!(
                "{dir} test {test}: missing from some runs on the {slot}"
            ));
        }
    }

    for e in exercises {
        let count = seen
            .keys()
            .filter(|(d, s, _)| d == e.dir && s == "solution")
            .count();
        let ok = !f.problems.iter().any(|p| p.starts_with(e.dir));
        let _ = writeln!(
            f.report,
            "{} {}: {count} hidden tests over {} tasks; stub fails all, solution passes all, {} identical runs",
            if ok {
                style.green("✓")
            } else {
                style.red("✗")
            },
            e.dir,
            e.tasks.len(),
            runs.max(1)
        );
        if differs(&paths.exercise(e).join("src"), &paths.stub(e).join("src")) {
            let _ = writeln!(
                f.report,
                "  {}",
                style.dim(&format!(
                    "note: exercises/{}/src differs from the pristine stub in checker/stubs (your work in progress?)",
                    e.dir
                ))
            );
        }
    }
    Ok(f)
}
