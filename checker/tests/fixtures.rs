//! Every fixture under `checker/tests/fixtures/<exercise>/<name>/` gets
//! exactly the verdicts its `expect.json` states: alternative solutions get
//! full marks, each mistake loses exactly the tasks it breaks with a
//! message naming the cause (`messages`) and without advice the code
//! already follows (`absent`), and hostile code gains nothing.
//!
//! All fixtures go through one engine run, as a batch of submissions would,
//! so they share one build.

use checker::build::shadow::Target;
use checker::model::course::{self, Paths};
use checker::run::engine;
use checker::run::options::Options;
use serde_json::Value;

struct Fixture {
    target: Target,
    expect: Value,
}

fn fixtures(paths: &Paths) -> Vec<Fixture> {
    let mut out = Vec::new();
    for e in course::EXERCISES {
        let dir = paths.checker().join("tests/fixtures").join(e.dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<_> = entries.flatten().map(|d| d.path()).collect();
        names.sort();
        for path in names {
            let Ok(text) = std::fs::read_to_string(path.join("expect.json")) else {
                continue;
            };
            let expect: Value = serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("{}: bad expect.json: {err}", path.display()));
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            out.push(Fixture {
                target: Target {
                    exercise: e,
                    slot: format!("fx-{name}"),
                    source: path,
                },
                expect,
            });
        }
    }
    out
}

#[test]
fn every_fixture_gets_the_verdicts_it_expects() {
    let paths = Paths::discover();
    let fixtures = fixtures(&paths);
    assert!(
        fixtures.len() >= 10,
        "expected the course's fixtures, found {}",
        fixtures.len()
    );
    let targets: Vec<Target> = fixtures.iter().map(|f| f.target.clone()).collect();
    let mut problems = Vec::new();
    // The published inputs (check), then a graded run's varied ones: an
    // honest fixture keeps exactly its verdicts under both.
    for seed in [None, Some(20_261_204)] {
        let opts = Options {
            cache: false,
            seed,
            ..Options::default()
        };
        let results = engine::run(&paths, &targets, &opts).expect("the engine runs");
        if seed.is_none() {
            record_verdicts(&fixtures, &results);
        }
        let before = problems.len();
        check(&fixtures, &results, &mut problems);
        for p in &mut problems[before..] {
            if let Some(seed) = seed {
                *p = format!("{p} (seed {seed})");
            }
        }
    }
    assert!(
        problems.is_empty(),
        "fixture verdicts differ:\n{}",
        problems.join("\n")
    );
}

/// What differs between the fixtures' verdicts and their `expect.json`.
fn check(
    fixtures: &[Fixture],
    results: &[checker::model::results::ExerciseResult],
    problems: &mut Vec<String>,
) {
    for (f, r) in fixtures.iter().zip(results) {
        let name = format!(
            "{}/{}",
            f.target.exercise.dir,
            f.target.source.file_name().unwrap().to_string_lossy()
        );
        let expected_tasks = f.expect["tasks"]
            .as_object()
            .expect("expect.json lists tasks");
        assert_eq!(
            expected_tasks.len(),
            r.tasks.len(),
            "{name}: expect.json must list every task of the exercise"
        );
        for task in &r.tasks {
            let key = task.number.to_string();
            let want = expected_tasks[&key].as_str().unwrap_or("?");
            if task.status.key() != want {
                let why: Vec<String> = task
                    .tests
                    .iter()
                    .filter(|t| t.status.key() != "pass")
                    .map(|t| format!("{} {}: {}", t.name, t.status.key(), t.message))
                    .collect();
                problems.push(format!(
                    "{name} task {key}: expected {want}, got {} {why:?} {:?}",
                    task.status.key(),
                    r.compile_error.as_ref().map(|e| &e.first)
                ));
            }
            for needle in f.expect["messages"][&key].as_array().into_iter().flatten() {
                let needle = needle.as_str().unwrap_or_default();
                let found = task
                    .tests
                    .iter()
                    .filter(|t| t.status.key() != "pass")
                    .any(|t| t.message.contains(needle));
                if !found {
                    problems.push(format!(
                        "{name} task {key}: no failing test's message mentions {needle:?}"
                    ));
                }
            }
        }
        // Advice the code already follows must not be given: the test's
        // precondition holds there, and the failure lies elsewhere.
        for (key, needles) in f.expect["absent"].as_object().into_iter().flatten() {
            for needle in needles.as_array().into_iter().flatten() {
                let needle = needle.as_str().unwrap_or_default();
                let told = r
                    .tasks
                    .iter()
                    .filter(|t| t.number.to_string() == *key)
                    .flat_map(|t| &t.tests)
                    .any(|t| t.message.contains(needle));
                if told {
                    problems.push(format!(
                        "{name} task {key}: a message says {needle:?}, which the code already does"
                    ));
                }
            }
        }
        // A build error is told in terms of the learner's code: never a
        // location in, or a suggestion to edit, the hidden tests.
        if let Some(e) = &r.compile_error
            && (e.first.contains("checker/hidden/")
                || e.location
                    .as_deref()
                    .is_some_and(|l| l.contains("checker/hidden/")))
        {
            problems.push(format!(
                "{name}: the build error points into the hidden tests: {:?} at {:?}",
                e.first, e.location
            ));
        }
        // A build error's explanation must say what the fixture says it does.
        for needle in f.expect["compile_error"].as_array().into_iter().flatten() {
            let needle = needle.as_str().unwrap_or_default();
            let text = r.compile_error.as_ref().map(|e| e.first.as_str());
            if !text.is_some_and(|t| t.contains(needle)) {
                problems.push(format!(
                    "{name}: the build error does not mention {needle:?}: {text:?}"
                ));
            }
        }
        if r.earned() > 0
            && f.expect["tasks"]
                .as_object()
                .unwrap()
                .values()
                .all(|v| v != "pass")
        {
            problems.push(format!(
                "{name}: earned {} points but should earn none",
                r.earned()
            ));
        }
    }
}

/// With `CHECKER_FIXTURE_VERDICTS=FILE`, writes every test's category and
/// explanation to FILE, one line each, so that `.ci/same-verdicts` can show
/// that a loaded machine gives the very same verdicts as a quiet one.
fn record_verdicts(fixtures: &[Fixture], results: &[checker::model::results::ExerciseResult]) {
    let Some(file) = std::env::var_os("CHECKER_FIXTURE_VERDICTS") else {
        return;
    };
    let mut lines = Vec::new();
    for (f, r) in fixtures.iter().zip(results) {
        for test in r.tasks.iter().flat_map(|t| &t.tests) {
            lines.push(format!(
                "{}/{} {} {}: {}",
                f.target.exercise.dir,
                f.target.source.file_name().unwrap().to_string_lossy(),
                test.name,
                test.status.key(),
                test.message.replace('\n', " / ")
            ));
        }
    }
    lines.sort();
    std::fs::write(&file, lines.join("\n") + "\n").expect("writes the verdict file");
}
