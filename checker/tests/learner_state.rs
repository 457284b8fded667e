//! `cargo test` leaves the learner's progress alone: the hints they have
//! seen (`target/checker/hints-learner.txt`), the cached verdicts and
//! timelines of their code (`target/checker/cache/learner-*.json`) and
//! their work (`exercises/*/src`) are byte-identical after the suite.
//!
//! Why this covers the whole suite, whatever order cargo runs its test
//! binaries in: cargo starts every integration-test process with
//! `CARGO_BIN_EXE_<name>` set, and every process a test starts inherits it.
//! A checker that sees it refuses every command that reads or writes the
//! learner's state on its own course (`checker/src/learner/guard.rs`); a
//! test has to name a scratch copy (`--course`). So any test that forgot
//! fails loudly instead of changing the learner's files, and this test
//! shows the refusal leaves them byte-identical.

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every learner file named above, with its bytes (`None`: absent).
fn learner_files(course: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let work = course.join("target/checker");
    let mut files = vec![work.join("hints-learner.txt")];
    for dir in [work.join("cache"), course.join("exercises")] {
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = entry.path();
                let in_cache = p.parent().and_then(Path::file_name) == Some("cache".as_ref());
                let learners = p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("learner-"));
                // `cache/shared/` holds verdicts by content, for any copy
                // with the same code: not one learner's state.
                let shared = in_cache && p.file_name() == Some("shared".as_ref());
                if p.is_dir() && !shared {
                    stack.push(p);
                } else if shared {
                } else if !in_cache || learners {
                    files.push(p);
                }
            }
        }
    }
    files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).ok();
            (f, bytes)
        })
        .collect()
}

/// The learner's commands, each of which reads or writes their state.
const LEARNER_COMMANDS: &[&[&str]] = &[
    &["hint", "01", "2", "--all"],
    &["hint", "01"],
    &["check"],
    &["check", "01"],
    &["list"],
    &["timeline", "01", "2"],
    &["reset", "01", "--yes"],
    &["solution", "01", "--force"],
    &["watch", "--poll"],
];

fn run(args: &[&str], env: &[(&str, &Path)]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, *v)))
        .stdin(Stdio::null())
        .output()
        .expect("the checker runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_test_cannot_touch_the_learners_progress() {
    // The premise: cargo marks this process (and so its children) as a test.
    assert!(
        std::env::vars().any(|(k, _)| k.starts_with("CARGO_BIN_EXE_")),
        "cargo no longer sets CARGO_BIN_EXE_* for test processes: the guard is blind"
    );
    let course = common::course();
    let before = learner_files(&course);
    let elsewhere = std::env::temp_dir();
    for args in LEARNER_COMMANDS {
        for env in [&[][..], &[("CHECKER_SCRATCH_COURSE", elsewhere.as_path())]] {
            let (code, err) = run(args, env);
            assert_eq!(code, Some(2), "{args:?} ran on the learner's course: {err}");
            assert!(
                err.contains("a test started this checker on the learner's own course"),
                "{args:?}: {err}"
            );
            assert!(err.contains("--course SCRATCH"), "says what to do: {err}");
        }
    }
    let after = learner_files(&course);
    for (file, bytes) in &before {
        assert!(
            after.get(file) == Some(bytes),
            "{} changed under the test suite",
            file.display()
        );
    }
    assert_eq!(before.len(), after.len(), "files appeared or went");
}

/// The guard is narrow: the same commands on a scratch copy run, and the
/// copy's hints are its own.
#[test]
fn a_scratch_copy_is_the_tests_own() {
    let copy = common::scratch("own-state");
    let (code, text) = common::checker_with(&copy, &["hint", "01", "2"], &[]);
    assert_eq!(code, 0, "{text}");
    let (_, again) = common::checker_with(&copy, &["hint", "01", "2"], &[]);
    assert_ne!(text, again, "the copy remembers the hint it showed");
    let _ = std::fs::remove_dir_all(&copy);
}
