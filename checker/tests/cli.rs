//! The checker's front end as a learner and an author use it: the real
//! binary, its exit status and its report.

use crate::common;
use std::process::Command;

fn checker(args: &[&str]) -> (i32, String) {
    checker_with_env(args, &[])
}

/// [`checker`] with `env` set too.
fn checker_with_env(args: &[&str], env: &[(&str, &std::path::Path)]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        // Whatever the caller's environment says, verdicts must not move.
        .env("INSTA_FORCE_PASS", "1")
        .env("INSTA_UPDATE", "always")
        .env("RUST_BACKTRACE", "1")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("the checker runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn untouched_stubs_score_zero_and_point_to_the_first_task() {
    let (code, report) = checker(&["check", "--stubs"]);
    assert_eq!(code, 1, "stubs must not pass:\n{report}");
    assert!(report.contains("Total: 0/"), "{report}");
    assert!(report.contains("Start here:"), "{report}");
    assert!(
        !report.contains("panicked"),
        "stubs read as not started, not as crashes:\n{report}"
    );
    insta::assert_snapshot!("report_stubs", report);
}

#[test]
fn reference_solutions_score_full_marks() {
    let (code, report) = checker(&["check", "--solutions"]);
    assert_eq!(code, 0, "solutions must pass:\n{report}");
    assert!(report.contains("Every exercise passes"), "{report}");
    insta::assert_snapshot!("report_solutions", report);
}

#[test]
fn json_report_follows_the_documented_schema() {
    let (code, text) = checker(&["check", "01", "--solutions", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["schema"], "tokio-channels-course/check/v1");
    assert_eq!(doc["earned"], doc["max"]);
    let ex = &doc["exercises"][0];
    assert_eq!(ex["exercise"], "01-bounded-send");
    for task in ex["tasks"].as_array().unwrap() {
        assert_eq!(task["status"], "pass");
        for field in ["task", "item", "title", "points", "earned", "tests"] {
            assert!(!task[field].is_null(), "task lacks {field}: {task}");
        }
        for test in task["tests"].as_array().unwrap() {
            for field in [
                "name",
                "status",
                "message",
                "wall_ms",
                "virtual_ms",
                "stdout",
                "stderr",
                "events",
            ] {
                assert!(!test[field].is_null(), "test lacks {field}: {test}");
            }
        }
    }
}

#[test]
fn a_compile_error_names_the_file_and_line() {
    let (code, report) = checker(&[
        "check",
        "01",
        "--source",
        "tests/fixtures/01-bounded-send/syntax-error",
    ]);
    assert_eq!(code, 1);
    assert!(report.contains("does not compile"), "{report}");
    assert!(
        report.contains("error: expected"),
        "the compiler's first error, in full:\n{report}"
    );
    assert!(
        report.contains("syntax-error/src/lib.rs:20"),
        "file and line:\n{report}"
    );
}

#[test]
fn hints_are_listed_gentle_first() {
    // A scratch copy: `--all` marks every hint as seen, which is the
    // learner's progress in their own course.
    let copy = common::scratch("hints");
    let (code, text) = common::checker_with(&copy, &["hint", "01", "2", "--all"], &[]);
    assert_eq!(code, 0);
    assert!(text.contains("task 2: chef"), "{text}");
    assert!(text.contains("  1. ") && text.contains("  2. "), "{text}");
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn unknown_exercise_is_a_usage_error() {
    let copy = common::scratch("unknown");
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&copy)
        .args(["check", "99"])
        .output()
        .expect("the checker runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("99"), "{err}");
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn verify_proves_every_hidden_test() {
    // What a learner's `check` compiled, the instructor's commands reuse:
    // cargo names a workspace member's build after the compiler wrapper's
    // path, so the checker is the wrapper of every build, whichever binary
    // runs it (`buildlimit::cargo_env`).
    // Exercise 01's stub and solution are compiled afresh (what their
    // builds left removed, under the work area's lock), then checked.
    let paths = checker::model::course::Paths::discover();
    {
        let _lock = checker::run::worklock::lock(&paths).unwrap();
        let e = checker::model::course::find("01").unwrap();
        for (slot, source) in [("stub", paths.stub(e)), ("solution", paths.solution(e))] {
            let target = checker::build::shadow::Target {
                exercise: e,
                slot: slot.to_string(),
                source,
            };
            let files = checker::build::footprint::target_files(&paths, &target);
            checker::build::footprint::remove(&files);
        }
    }
    for which in ["--stubs", "--solutions"] {
        let (code, report) = checker(&["check", "01", which, "--no-cache"]);
        assert!(code <= 1, "{report}");
    }
    let spans = std::env::temp_dir().join(format!("verify-spans-{}", std::process::id()));
    let _ = std::fs::remove_file(&spans);
    let (code, report) = checker_with_env(
        &["verify", "--runs", "2"],
        &[(checker::util::timings::ENV, &spans)],
    );
    let compiled = std::fs::read_to_string(&spans).unwrap_or_default();
    let _ = std::fs::remove_file(&spans);
    let again: Vec<&str> = compiled
        .lines()
        .filter(|l| l.starts_with("rustc:h_stub_01 ") || l.starts_with("rustc:h_solution_01 "))
        .collect();
    assert!(
        again.is_empty(),
        "verify compiled again what check had just compiled: {again:?}"
    );
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("the course is sound"), "{report}");
    // The task-isolation check ran for every exercise.
    assert_eq!(
        report
            .matches("isolation: each task's functions stubbed")
            .count(),
        checker::model::course::EXERCISES.len(),
        "{report}"
    );
}

#[test]
fn megabytes_of_output_are_truncated_in_reports() {
    let source = "tests/fixtures/01-bounded-send/noisy-output";
    let (_, text) = checker(&["check", "01", "--source", source, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let chef = &doc["exercises"][0]["tasks"][1];
    let noisy = chef["tests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["stdout"]["dropped_bytes"].as_u64().unwrap_or(0) > 1_000_000)
        .expect("a chef test that printed megabytes");
    assert!(noisy["stdout"]["text"].as_str().unwrap().len() <= 16 * 1024);

    let (_, report) = checker(&["check", "01", "--source", source]);
    assert!(report.contains("more bytes not kept"), "{report}");
    assert!(
        report.lines().count() < 80,
        "the report stays readable:\n{report}"
    );
}
