//! The learner's loop, driven as a learner would: list, hint, timeline,
//! reset and solution, each on a scratch copy of the course made
//! from the pristine stubs (never on the real `exercises/`).

use std::path::Path;
use std::time::Duration;

use crate::common;
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

/// The milestones a checker run wrote with `CHECKER_TIMINGS` (see
/// `util/timings.rs`), in the order they started.
fn milestones(copy: &Path, args: &[&str]) -> Vec<(String, f64, f64)> {
    let file = copy.join("timings.txt");
    let _ = std::fs::remove_file(&file);
    let (_, _) = common::checker_with(copy, args, &[("CHECKER_TIMINGS", file.to_str().unwrap())]);
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let mut marks = checker::util::timings::read(&text);
    marks.sort_by(|a, b| a.1.total_cmp(&b.1));
    marks
}

/// Code no earlier run has seen, so that no cached verdict answers for it.
fn unseen(copy: &Path, exercise: &str) {
    let lib = copy.join("exercises").join(exercise).join("src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str(&format!(
        "\n// {} {:?}\n",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::write(lib, text).unwrap();
}

/// On a first run the exercise the learner is on (the first one that
/// needs building) is compiled alone, before any other, and its verdict
/// is out before the rest of the course is checked.
#[test]
fn the_current_exercise_is_built_and_reported_first() {
    let copy = scratch("first-verdict");
    for e in ["01-bounded-send", "02-clone-senders", "03-oneshot-reply"] {
        unseen(&copy, e);
    }
    let marks = milestones(&copy, &["check"]);
    let ends_of = |krate: &str| {
        marks
            .iter()
            .filter(|(w, ..)| w == &format!("rustc:{krate}") || w.contains(krate))
            .map(|(_, a, b)| (*a, *b))
            .collect::<Vec<_>>()
    };
    let first: Vec<_> = ends_of("bounded_send")
        .into_iter()
        .chain(ends_of("_01"))
        .collect();
    let later: Vec<_> = ["clone_senders", "_02", "oneshot_reply", "_03"]
        .iter()
        .flat_map(|k| ends_of(k))
        .collect();
    assert!(
        !first.is_empty() && !later.is_empty(),
        "the compiler runs of 01, 02 and 03 are in the milestones: {marks:?}"
    );
    let first_done = first.iter().map(|(_, b)| *b).fold(0.0, f64::max);
    let later_start = later.iter().map(|(a, _)| *a).fold(f64::MAX, f64::min);
    assert!(
        first_done <= later_start,
        "exercise 01 builds alone before 02 and 03 start: {marks:?}"
    );
    let verdict = |dir: &str| {
        marks
            .iter()
            .position(|(w, ..)| w == &format!("verdict:{dir}"))
            .unwrap_or_else(|| panic!("no verdict of {dir}: {marks:?}"))
    };
    assert!(verdict("01-bounded-send") < verdict("02-clone-senders"));
    let _ = std::fs::remove_dir_all(&copy);
}

/// A second copy of the course with the same code gets the first copy's
/// verdicts without compiling anything; other code is compiled.
#[test]
fn the_same_code_in_another_copy_is_not_built_again() {
    let one = scratch("shared-one");
    let two = scratch("shared-two");
    for copy in [&one, &two] {
        put(
            copy,
            "01-bounded-send",
            &course().join("solutions/01-bounded-send/src/lib.rs"),
        );
    }
    // The same unseen text in both copies.
    let lib = |c: &Path| c.join("exercises/01-bounded-send/src/lib.rs");
    unseen(&one, "01-bounded-send");
    std::fs::copy(lib(&one), lib(&two)).unwrap();

    let (code, first) = checker(&one, &["check", "01"]);
    assert_eq!(code, 0, "{first}");
    let marks = milestones(&two, &["check", "01"]);
    assert!(
        !marks
            .iter()
            .any(|(w, ..)| w.starts_with("rustc:") || w == "staged"),
        "the second copy's same code was built again: {marks:?}"
    );
    let (_, second) = checker(&two, &["check", "01"]);
    // Up to what to do next, which names the copy.
    let table = |t: &str| t.split("Next:").next().unwrap_or_default().to_string();
    assert_eq!(
        table(&first),
        table(&second),
        "the shared verdict reads the same"
    );

    unseen(&two, "01-bounded-send");
    let marks = milestones(&two, &["check", "01"]);
    assert!(
        marks.iter().any(|(w, ..)| w == "rustc:bounded_send"),
        "changed code is compiled: {marks:?}"
    );
    let _ = std::fs::remove_dir_all(&one);
    let _ = std::fs::remove_dir_all(&two);
}

/// A verdict that names its copy (an empty `lib.rs` is explained with the
/// command that restores it, `--course` and all) is never shown in
/// another copy: each copy's learner reads their own command.
#[test]
fn a_verdict_naming_its_copy_stays_in_that_copy() {
    let one = scratch("own-one");
    let two = scratch("own-two");
    for copy in [&one, &two] {
        std::fs::write(copy.join("exercises/01-bounded-send/src/lib.rs"), "\n").unwrap();
    }
    let (_, first) = checker(&one, &["check", "01"]);
    assert!(first.contains("reset 01"), "{first}");
    let (_, second) = common::checker_with(&two, &["check", "01"], &[]);
    let one_name = one.file_name().unwrap().to_string_lossy().into_owned();
    // The output wraps long paths; compare without line breaks.
    let flat = second.replace(['\n', ' '], "");
    assert!(
        !flat.contains(&one_name),
        "the second copy was told the first copy's command:\n{second}"
    );
    let _ = std::fs::remove_dir_all(&one);
    let _ = std::fs::remove_dir_all(&two);
}

/// A newcomer's first run: every exercise is the untouched stub, and its
/// verdict is shown from `checker/stubs/verdicts.json` without compiling
/// anything, reading exactly as a real run of the stubs does. The first
/// edit builds its own exercise and no other.
#[test]
fn untouched_stubs_are_answered_without_building() {
    let copy = scratch("untouched");
    let marks = milestones(&copy, &["check"]);
    assert!(
        !marks
            .iter()
            .any(|(w, ..)| w.starts_with("rustc:") || w == "staged"),
        "untouched stubs were built: {marks:?}"
    );
    for e in checker::model::course::EXERCISES {
        assert!(
            marks
                .iter()
                .any(|(w, ..)| w == &format!("verdict:{}", e.dir)),
            "no verdict of {}: {marks:?}",
            e.dir
        );
    }
    let (code, shown) = checker(&copy, &["check"]);
    let (real_code, real) = checker(&copy, &["check", "--no-cache"]);
    assert_eq!(
        (code, shown),
        (real_code, real),
        "the record reads as a real run"
    );

    unseen(&copy, "01-bounded-send");
    let marks = milestones(&copy, &["check"]);
    let compiled: Vec<&str> = marks
        .iter()
        .filter_map(|(w, ..)| w.strip_prefix("rustc:"))
        .collect();
    assert!(
        compiled.contains(&"bounded_send"),
        "the edited exercise is built: {marks:?}"
    );
    // (The shared harness library may be rebuilt when this tree's was.)
    for e in &checker::model::course::EXERCISES[1..] {
        let krate = e.dir[3..].replace('-', "_");
        let harness = format!("_{}", &e.dir[..2]);
        assert!(
            !compiled
                .iter()
                .any(|c| c.contains(&krate) || c.ends_with(&harness)),
            "{} is built, but only 01 was edited: {compiled:?}",
            e.dir
        );
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// Each copy of the course gets its own slot in the shared build; the
/// ones used longest ago are removed after a build, so the build folder
/// stays bounded however many copies are checked (`build::prune`).
#[test]
fn the_copies_used_longest_ago_leave_the_build() {
    use checker::build::prune::KEPT_SLOTS;
    let paths = checker::model::course::Paths {
        root: course(),
        learner: course(),
    };
    let work = paths.work();
    // Copies used days ago, the oldest first; they stand for the scratch
    // copies of earlier test runs.
    let old: Vec<String> = (0..=KEPT_SLOTS).map(|i| format!("c-01d{i:05}")).collect();
    for (i, slot) in old.iter().enumerate() {
        std::fs::create_dir_all(work.join("staged").join(slot).join("01-bounded-send/src"))
            .unwrap();
        std::fs::create_dir_all(work.join("ws").join(slot)).unwrap();
        std::fs::create_dir_all(work.join("slots")).unwrap();
        let mark = std::fs::File::create(work.join("slots").join(slot)).unwrap();
        let days = (KEPT_SLOTS + 10 - i) as u64;
        mark.set_modified(std::time::SystemTime::now() - Duration::from_secs(days * 86_400))
            .unwrap();
    }
    let copy = scratch("prune");
    put(
        &copy,
        "01-bounded-send",
        &course().join("solutions/01-bounded-send/src/lib.rs"),
    );
    // A run that builds nothing leaves nothing to prune, and the same code
    // in another copy would come from the shared verdict cache.
    unseen(&copy, "01-bounded-send");
    let marks = milestones(&copy, &["check", "01"]);
    assert!(
        marks.iter().any(|(w, ..)| w == "rustc:bounded_send"),
        "the check built nothing: {marks:?}"
    );
    let (code, _) = checker(&copy, &["check", "01"]);
    assert_eq!(code, 0);

    // Counted while no checker runs: each one prunes before it lets go.
    let _lock = checker::run::engine::lock(&paths).unwrap();
    let oldest = &old[0];
    for gone in [
        work.join("staged").join(oldest),
        work.join("ws").join(oldest),
        work.join("slots").join(oldest),
    ] {
        assert!(!gone.exists(), "{} is still there", gone.display());
    }
    let slots = std::fs::read_dir(work.join("staged"))
        .unwrap()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("c-") || name.starts_with("x-")
        })
        .count();
    assert!(slots <= KEPT_SLOTS, "{slots} copy slots are kept");
    for slot in &old {
        for dir in ["staged", "ws", "slots"] {
            let _ = std::fs::remove_dir_all(work.join(dir).join(slot));
            let _ = std::fs::remove_file(work.join(dir).join(slot));
        }
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// A loop with no `.await` in it (the busy-loop fixture's runner spins on
/// `try_recv`) is never polled again, so no count of polls sees it. On
/// Linux the harness stops it inside that poll once it has computed for
/// `budget::POLL_CPU_MS`, instead of letting each test burn the 2 s
/// CPU-time budget: the explanation says so, and names the busy loop as
/// every other spin's does. (Elsewhere the watchdog stops it at the budget,
/// in the same category.)
#[cfg(target_os = "linux")]
#[test]
fn a_loop_that_never_awaits_is_stopped_inside_its_poll() {
    let copy = scratch("never-awaits");
    put(&copy, "01-bounded-send", &common::fixture_01("busy-loop"));
    let (code, out) = checker(&copy, &["check", "01", "--no-cache", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("the report is JSON");
    let tasks = doc["exercises"][0]["tasks"].as_array().unwrap();
    let spinning: Vec<&serde_json::Value> = tasks
        .iter()
        .filter(|t| t["task"] == 1 || t["task"] == 3)
        .flat_map(|t| t["tests"].as_array().unwrap())
        .collect();
    assert!(!spinning.is_empty(), "tasks 1 and 3 have tests: {out}");
    let poll_ms = checker::run::watchdog::budget::POLL_CPU_MS;
    for test in spinning {
        let message = test["message"].as_str().unwrap();
        assert_eq!(test["status"], "timeout", "{test}");
        assert!(
            message.contains(&format!(
                "computed for {poll_ms} ms of processor time inside one poll"
            )) && message.contains("busy loop")
                && message.contains("try_recv"),
            "{} was not stopped inside its poll: {message}",
            test["name"]
        );
    }
    // The chef's tasks never call the runner: they pass.
    assert!(
        tasks
            .iter()
            .filter(|t| t["task"] == 2 || t["task"] == 4)
            .all(|t| t["status"] == "pass"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}
