//! The learner's loop, driven as a learner would: list, hint, timeline,
//! reset and solution, each on a scratch copy of the course made
//! from the pristine stubs (never on the real `exercises/`).

use std::path::Path;
use std::time::Duration;

mod common;
use common::{course, put, scratch};

fn checker(copy: &Path, args: &[&str]) -> (i32, String) {
    common::checker_with(copy, args, &[])
}

#[test]
fn list_shows_progress_over_the_course() {
    let copy = scratch("list");
    put(
        &copy,
        "01-bounded-send",
        &course().join("solutions/01-bounded-send/src/lib.rs"),
    );
    let (code, text) = checker(&copy, &["list"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("list_after_exercise_01", text);
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn hints_go_from_gentle_to_explicit() {
    let copy = scratch("hint");
    let (code, text) = checker(&copy, &["hint", "01"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("hint_01", text);

    // One hint per call, gentle first, until all are shown.
    let (_, first) = checker(&copy, &["hint", "01", "2"]);
    assert!(
        first.contains("  1. ") && !first.contains("  2. "),
        "{first}"
    );
    assert!(first.contains("Hint 1 of 3"), "{first}");
    let (_, second) = checker(&copy, &["hint", "01", "2"]);
    assert!(
        second.contains("  2. ") && !second.contains("  3. "),
        "{second}"
    );
    let (_, third) = checker(&copy, &["hint", "01", "2"]);
    assert!(
        third.contains("  3. ") && !third.contains("Still stuck"),
        "{third}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn timeline_shows_backpressure_and_the_expected_picture_on_failure() {
    let copy = scratch("timeline");
    put(
        &copy,
        "01-bounded-send",
        &course().join("solutions/01-bounded-send/src/lib.rs"),
    );
    let (code, text) = checker(&copy, &["timeline", "01", "2"]);
    assert_eq!(code, 0, "{text}");
    insta::assert_snapshot!("timeline_01_2_solution", text);

    let mistake =
        course().join("checker/tests/fixtures/01-bounded-send/mistake-try-send-chef/src/lib.rs");
    put(&copy, "01-bounded-send", &mistake);
    let (code, text) = checker(&copy, &["timeline", "01", "2"]);
    assert_eq!(code, 1);
    let expected = text
        .find("expected timeline")
        .expect("expected timeline shown");
    let yours = text
        .find("your timeline")
        .expect("learner's timeline shown");
    assert!(expected < yours, "expected above the learner's:\n{text}");

    let (_, text) = checker(&copy, &["timeline", "01", "5"]);
    assert!(
        text.contains("record no timeline; these do: task 2 (chef)"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn reset_keeps_a_backup_and_asks_first() {
    let copy = scratch("reset");
    let work = "// my work in progress\n";
    let lib = copy.join("exercises/01-bounded-send/src/lib.rs");
    std::fs::write(&lib, work).unwrap();

    // No terminal to ask on and no --yes: nothing may change.
    let (code, _) = checker(&copy, &["reset", "01"]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), work);

    let (code, text) = checker(&copy, &["reset", "01", "--yes"]);
    assert_eq!(code, 0, "{text}");
    let stub =
        std::fs::read_to_string(course().join("checker/stubs/01-bounded-send/src/lib.rs")).unwrap();
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), stub);
    // The backup's path has a line of its own, whole.
    let line = text
        .lines()
        .skip_while(|l| *l != "Your version is kept in")
        .nth(1)
        .expect(&text);
    let backup = copy.join(line.trim().trim_end_matches('/'));
    assert_eq!(
        std::fs::read_to_string(backup.join("src/lib.rs")).unwrap(),
        work,
        "{text}"
    );

    let (_, text) = checker(&copy, &["reset", "01", "--yes"]);
    assert!(text.contains("already holds the stub"), "{text}");
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn solution_waits_until_the_exercise_passes() {
    let copy = scratch("solution");
    let (code, text) = checker(&copy, &["solution", "01"]);
    assert_eq!(code, 1);
    // Wrapped to the width: read it as one line.
    let prose = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(prose.contains("once every task passes"), "{text}");
    assert!(
        !text.contains("pub async fn runner"),
        "solution leaked:\n{text}"
    );

    let (code, text) = checker(&copy, &["solution", "01", "--force"]);
    assert_eq!(code, 0);
    assert!(text.contains("pub async fn runner"));

    put(
        &copy,
        "01-bounded-send",
        &course().join("checker/tests/fixtures/01-bounded-send/alt-solution/src/lib.rs"),
    );
    let (code, text) = checker(&copy, &["solution", "01"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("Look at where the chef waits"), "{text}");
    let _ = std::fs::remove_dir_all(&copy);
}

/// A file put back with an old modification time (`mv`, `cp -p`, an
/// unpacked archive) must be judged by its content, not by its timestamp.
#[test]
fn a_file_restored_with_an_old_timestamp_is_checked_again() {
    let copy = scratch("mtime");
    let lib = copy.join("exercises/01-bounded-send/src/lib.rs");
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    let put_old = |from: &Path| {
        std::fs::copy(from, &lib).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&lib)
            .unwrap()
            .set_modified(old)
            .unwrap();
    };
    let good = course().join("solutions/01-bounded-send/src/lib.rs");
    let mistake =
        course().join("checker/tests/fixtures/01-bounded-send/mistake-kept-sender/src/lib.rs");

    put_old(&good);
    let (_, text) = checker(&copy, &["check", "01"]);
    assert!(text.contains("Total: 10/10"), "{text}");
    put(&copy, "01-bounded-send", &mistake);
    let (_, text) = checker(&copy, &["check", "01"]);
    assert!(text.contains("Total: 8/10"), "{text}");
    put_old(&good);
    let (_, text) = checker(&copy, &["check", "01"]);
    assert!(
        text.contains("Total: 10/10"),
        "the old build was graded again:\n{text}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}

/// Compiler warnings in the learner's code are not verdicts, but they are
/// often the clue (an ignored `send` result), so the report shows them.
#[test]
fn compiler_warnings_in_the_learners_code_are_shown() {
    let copy = scratch("warnings");
    let solution =
        std::fs::read_to_string(course().join("solutions/01-bounded-send/src/lib.rs")).unwrap();
    let ignored = solution.replacen(
        "        if belt.send(dish).await.is_err() {\n            return;\n        }",
        "        belt.send(dish).await;",
        1,
    );
    assert_ne!(
        ignored, solution,
        "the solution changed shape; update this test"
    );
    std::fs::write(copy.join("exercises/01-bounded-send/src/lib.rs"), ignored).unwrap();
    let (_, text) = checker(&copy, &["check", "01"]);
    // Wrapped to the report's width: read it as one line.
    let text = text.replace("\n    ", " ");
    assert!(
        text.contains("compiler warning: unused `Result` that must be used, at exercises/01-bounded-send/src/lib.rs:"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}
