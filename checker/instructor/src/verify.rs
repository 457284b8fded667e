//! `verify`: the course's proof of its own integrity.
//!
//! For every exercise, every hidden test must fail on the pristine stub and
//! pass on the reference solution, with identical outcomes over repeated
//! runs. A test that passes on a stub cannot tell a learner anything; a
//! test whose outcome changes between runs cannot be trusted to grade.

use checker::build::shadow::Target;
use checker::model::course::{Exercise, Paths};
use checker::model::results::{ExerciseResult, Status, TestResult};
use checker::run::engine;
use checker::run::options::Options;
use checker::util::files::differs;
use checker::util::style::Style;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The seeds of the graded runs `verify` also proves, besides the
/// published inputs: fixed, so that verify's verdict repeats. Chosen to
/// land on different values of the tests' ranges.
pub const SEEDS: [u64; 3] = [1, 424_242, 987_654_321];

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

/// What is wrong with the results of `runs` repeated runs of `targets`
/// (each a stub or a solution), each problem naming its test.
pub fn analyze(targets: &[Target], runs: &[Vec<ExerciseResult>]) -> Vec<String> {
    let mut problems = Vec::new();
    // (exercise, slot, test) -> the fingerprint of each run
    let mut seen: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for results in runs {
        for (t, r) in targets.iter().zip(results) {
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
    let Some(last) = runs.last() else {
        return problems;
    };
    for (t, r) in targets.iter().zip(last) {
        let e = t.exercise;
        if let Some(err) = &r.compile_error {
            problems.push(format!(
                "{} {}: does not compile: {}",
                e.dir,
                t.slot,
                checker::util::style::strip_ansi(&err.first)
            ));
            continue;
        }
        for task in &r.tasks {
            if task.tests.is_empty() {
                problems.push(format!(
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
                    problems.push(format!(
                        "{} task {} test {}: {what}",
                        e.dir, task.number, test.name
                    ));
                }
            }
        }
    }
    for ((dir, slot, test), prints) in &seen {
        if prints.iter().any(|p| p != &prints[0]) {
            problems.push(format!(
                "{dir} test {test}: different outcomes on the {slot} over {} runs (flaky)",
                prints.len()
            ));
        }
        if prints.len() != runs.len() {
            problems.push(format!(
                "{dir} test {test}: missing from some runs on the {slot}"
            ));
        }
    }
    problems
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

    let fresh = Options {
        // Every run must really run: a cached verdict proves nothing.
        cache: false,
        ..opts.clone()
    };
    let mut runs_results = Vec::new();
    for _ in 0..runs.max(1) {
        runs_results.push(engine::run(paths, &targets, &fresh)?);
    }
    f.problems = analyze(&targets, &runs_results);
    // What a learner's first run shows for the untouched stubs (see
    // `run::pristine`) is this run of them, kept in the course.
    let stubs: Vec<_> = targets
        .iter()
        .zip(runs_results.first().into_iter().flatten())
        .filter(|(t, _)| t.slot == "stub")
        .map(|(t, r)| (t.exercise, r))
        .collect();
    if checker::run::pristine::refresh(paths, &stubs)? {
        f.problems.push(format!(
            "{} did not hold this run's verdicts of the untouched stubs, which a learner's \
             first run shows without building: verify has rewritten it; commit the new file",
            paths.display(&checker::run::pristine::file(paths))
        ));
    }
    // Graded runs draw varied inputs from a seed (the harness's `vary`):
    // a test must fail on its stub and pass on its solution with those
    // too, not only with the published ones.
    for seed in SEEDS {
        let seeded = Options {
            seed: Some(seed),
            ..fresh.clone()
        };
        let results = engine::run(paths, &targets, &seeded)?;
        f.problems.extend(
            analyze(&targets, &[results])
                .into_iter()
                .map(|p| format!("{p} (with seed {seed})")),
        );
    }
    let isolation = isolation(paths, exercises, &fresh)?;
    f.problems
        .extend(isolation.iter().flat_map(|(_, p)| p.clone()));
    let mutants = crate::mutants::check(paths, exercises, &fresh)?;
    f.problems
        .extend(mutants.iter().flat_map(|(_, p)| p.clone()));

    for e in exercises {
        let count: usize = targets
            .iter()
            .zip(runs_results.last().into_iter().flatten())
            .filter(|(t, _)| t.exercise.dir == e.dir && t.slot == "solution")
            .map(|(_, r)| r.tasks.iter().map(|t| t.tests.len()).sum::<usize>())
            .sum();
        let ok = !f.problems.iter().any(|p| p.starts_with(e.dir));
        let _ = writeln!(
            f.report,
            "{} {}: {count} hidden tests over {} tasks; stub fails all, solution passes all, {} identical runs and {} seeded",
            if ok {
                style.green("✓")
            } else {
                style.red("✗")
            },
            e.dir,
            e.tasks.len(),
            runs.max(1),
            SEEDS.len()
        );
        if let Some((checked, _)) = isolation.iter().find(|(dir, _)| dir.starts_with(e.dir)) {
            let _ = writeln!(
                f.report,
                "  {}",
                style.dim(checked.trim_start_matches(e.dir).trim())
            );
        }
        if let Some((checked, _)) = mutants.iter().find(|(dir, _)| dir.starts_with(e.dir)) {
            let _ = writeln!(
                f.report,
                "  {}",
                style.dim(checked.trim_start_matches(e.dir).trim())
            );
        }
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

/// Runs every task's isolation mutant (see `isolation`) in one engine run.
/// Returns, per exercise, a summary line (starting with the exercise's
/// folder) and the problems found.
fn isolation(
    paths: &Paths,
    exercises: &[&'static Exercise],
    opts: &Options,
) -> std::io::Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    let mut mutants = Vec::new();
    for e in exercises {
        match crate::isolation::targets(paths, e) {
            Ok(ms) => mutants.extend(ms),
            Err(why) => out.push((
                format!("{} isolation: not checked", e.dir),
                vec![format!("{} isolation: {why}", e.dir)],
            )),
        }
    }
    let targets: Vec<Target> = mutants.iter().map(|(_, t)| t.clone()).collect();
    let results = engine::run(paths, &targets, opts)?;
    for e in exercises {
        let mine: Vec<_> = mutants
            .iter()
            .zip(&results)
            .filter(|((_, t), _)| t.exercise.dir == e.dir)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let problems: Vec<String> = mine
            .iter()
            .flat_map(|((m, _), r)| crate::isolation::judge(e, m, r))
            .collect();
        out.push((
            format!(
                "{} isolation: each task's functions stubbed in turn in the reference solution; \
                 {}",
                e.dir,
                if problems.is_empty() {
                    "only that task and its callers lose points"
                } else {
                    "other tasks lose points too"
                }
            ),
            problems,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use checker::model::course;
    use checker::model::results::Captured;

    fn test(name: &str, status: Status, message: &str) -> TestResult {
        TestResult {
            name: name.to_string(),
            task: 1,
            status,
            message: message.to_string(),
            diff: None,
            location: None,
            panics: Vec::new(),
            events: Vec::new(),
            expected_events: None,
            wall_ms: 1.0,
            virtual_ms: 0.0,
            busy_ms: 0.0,
            stdout: Captured::default(),
            stderr: Captured::default(),
        }
    }

    /// Exercise 01's results: task 1 holds `tests`, every other task one
    /// test of its own with the status a sound course gives on this slot.
    fn result(tests: &[TestResult], others: Status) -> ExerciseResult {
        ExerciseResult::with_tasks(course::find("01").unwrap(), |t| {
            Some((
                Status::Fail,
                if t.number == 1 {
                    tests.to_vec()
                } else {
                    vec![test(&format!("other{}", t.number), others, "")]
                },
            ))
        })
    }

    fn targets() -> Vec<Target> {
        let e = course::find("01").unwrap();
        ["stub", "solution"]
            .iter()
            .map(|slot| Target {
                exercise: e,
                slot: slot.to_string(),
                source: Default::default(),
            })
            .collect()
    }

    #[test]
    fn a_sound_exercise_has_no_problems() {
        let run = vec![
            result(&[test("a", Status::NotStarted, "")], Status::NotStarted),
            result(&[test("a", Status::Pass, "")], Status::Pass),
        ];
        assert_eq!(
            analyze(&targets(), &[run.clone(), run]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_test_weakened_to_pass_on_the_stub_is_named() {
        let run = vec![
            result(&[test("weak", Status::Pass, "")], Status::NotStarted),
            result(&[test("weak", Status::Pass, "")], Status::Pass),
        ];
        let problems = analyze(&targets(), &[run]);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("test weak: passes on the stub")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_test_failing_on_the_solution_is_named() {
        let run = vec![
            result(&[test("strict", Status::Fail, "")], Status::NotStarted),
            result(&[test("strict", Status::Fail, "expected 3")], Status::Pass),
        ];
        let problems = analyze(&targets(), &[run]);
        assert!(
            problems
                .iter()
                .any(|p| p
                    .contains("test strict: fails on the reference solution: failed expected 3")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_test_that_changes_between_runs_is_flaky() {
        let first = vec![
            result(&[test("f", Status::Fail, "")], Status::NotStarted),
            result(&[test("f", Status::Pass, "")], Status::Pass),
        ];
        let second = vec![
            result(&[test("f", Status::Deadlock, "")], Status::NotStarted),
            result(&[test("f", Status::Pass, "")], Status::Pass),
        ];
        let problems = analyze(&targets(), &[first, second]);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("test f: different outcomes on the stub")),
            "{problems:?}"
        );
    }
}
