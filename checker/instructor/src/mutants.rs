//! The mutant check of `verify`, for exercises whose tasks are tests
//! (exercise 09): each hidden mutant of the given component is caught by
//! its own task's reference test and by no other task's.
//!
//! `verify`'s main pass already shows that the reference tests catch every
//! graded mutant (those runs pass on the solution) and that the stub's
//! tests catch none (they fail on the stub). This adds the other half of
//! "blame the right task": the hidden `CROSS` list runs every task's
//! reference test against every *other* task's mutants, and each of those
//! runs must end with the mutant surviving (`fail`). A reference test that
//! catches another task's mutant checks more than its own behaviour, and a
//! learner who copied its idea would be told the wrong thing. It also
//! checks that the component the learner reads is the one the solution
//! was proved with.

use checker::build::shadow::{CROSS_SLOT, Target};
use checker::model::course::{Exercise, Paths};
use checker::model::results::Status;
use checker::run::engine;
use checker::run::options::Options;

/// Per exercise with a component: a summary line (starting with the
/// exercise's folder) and the problems found.
pub fn check(
    paths: &Paths,
    exercises: &[&'static Exercise],
    opts: &Options,
) -> std::io::Result<Vec<(String, Vec<String>)>> {
    let with: Vec<&'static Exercise> = exercises
        .iter()
        .copied()
        .filter(|e| e.component.is_some())
        .collect();
    let targets: Vec<Target> = with
        .iter()
        .map(|e| Target {
            exercise: e,
            slot: CROSS_SLOT.to_string(),
            source: paths.solution(e),
        })
        .collect();
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let results = engine::run(paths, &targets, opts)?;
    let mut out = Vec::new();
    for (e, r) in with.iter().zip(&results) {
        let mut problems = Vec::new();
        if let Some(c) = &e.component {
            let given = std::fs::read(paths.exercise(e).join("src").join(c.file)).ok();
            let proved = std::fs::read(paths.solution(e).join("src").join(c.file)).ok();
            if given.is_none() || given != proved {
                problems.push(format!(
                    "{} mutants: src/{} of the exercise and of the solution differ; the learner \
                     must read the component the reference tests were proved with",
                    e.dir, c.file
                ));
            }
        }
        if let Some(err) = &r.compile_error {
            problems.push(format!(
                "{} mutants: the cross runs do not build: {}",
                e.dir, err.first
            ));
        }
        let tests: Vec<_> = r.tasks.iter().flat_map(|t| &t.tests).collect();
        for t in &tests {
            match t.status {
                Status::Fail => {}
                Status::Pass => problems.push(format!(
                    "{} mutants: the reference test of task {} catches `{}`, which is another \
                     task's mutant: that test checks more than its own behaviour",
                    e.dir, t.task, t.name
                )),
                other => problems.push(format!(
                    "{} mutants: cross run `{}` ended as {other:?} on the solution, not as a \
                     surviving mutant: {}",
                    e.dir, t.name, t.message
                )),
            }
        }
        out.push((
            format!(
                "{} mutants: every task's reference test ran against the other tasks' mutants \
                 ({} runs); none caught one",
                e.dir,
                tests.len()
            ),
            problems,
        ));
    }
    Ok(out)
}
