//! Output that fits the reader: every learner's command laid out at 60
//! and 100 columns and without a terminal (snapshots), and the command
//! line's manners: typos, extra arguments, a closed pipe.

use crate::common;
use common::{checker_with, fixture_01, put, scratch};
use std::process::{Command, Stdio};

/// `COLUMNS` stands in for a terminal's width (the checker honours it as
/// `ls` does); `None` is no terminal at all, the fixed width.
const WIDTHS: [Option<usize>; 3] = [Some(60), Some(100), None];

/// The learner's commands on a copy with a wrong chef in exercise 01.
const COMMANDS: &[(&str, &[&str])] = &[
    ("check", &["check", "01"]),
    ("list", &["list"]),
    ("hint", &["hint", "01", "2", "--all"]),
    ("hints", &["hint", "01"]),
    ("timeline", &["timeline", "01", "2"]),
    ("solution", &["solution", "01"]),
    ("help", &["help", "hint"]),
];

#[test]
fn every_command_fits_60_and_100_columns_and_a_pipe() {
    let copy = scratch("widths");
    put(
        &copy,
        "01-bounded-send",
        &fixture_01("mistake-try-send-chef"),
    );
    for (name, args) in COMMANDS {
        let mut all = String::new();
        for width in WIDTHS {
            let columns = width.map(|w| w.to_string());
            let env: Vec<(&str, &str)> = columns.iter().map(|c| ("COLUMNS", c.as_str())).collect();
            let (_, text) = checker_with(&copy, args, &env);
            let limit = width.unwrap_or(80);
            for line in text.lines() {
                // A command naming the scratch copy is as long as its path;
                // a learner's copy is the course itself, without one.
                if line.contains("<COPY>") {
                    continue;
                }
                assert!(
                    line.chars().count() < limit,
                    "`{}` at {width:?} columns wrote a line of {}:\n{line}",
                    args.join(" "),
                    line.chars().count()
                );
            }
            let label = width.map_or("no terminal".to_string(), |w| format!("{w} columns"));
            all.push_str(&format!("===== {label} =====\n{text}\n"));
        }
        insta::assert_snapshot!(format!("{name}_at_each_width"), all);
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// The stub's timeline is not an error: the task is not started yet, and
/// the expected timeline shows what to aim for.
#[test]
fn a_stub_timeline_shows_what_is_expected() {
    let copy = scratch("stub-timeline");
    let (code, text) = checker_with(&copy, &["timeline", "01", "2"], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("not started yet"), "{text}");
    assert!(text.contains("expected timeline"), "{text}");
    assert!(text.contains("chef") && text.contains("waits"), "{text}");
    // And the other task points there, not away from it.
    let (_, other) = checker_with(&copy, &["timeline", "01", "1"], &[]);
    if other.contains("record no timeline") {
        assert!(other.contains("task 2 (chef)"), "{other}");
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// Runs the checker on a scratch copy (a learner's command that got as far
/// as recording a hint would otherwise change the learner's progress).
fn run(args: &[&str]) -> (i32, String, String) {
    let copy = scratch(&format!("manners-{}", args.join("-")));
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("--course")
        .arg(&copy)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("the checker runs");
    let _ = std::fs::remove_dir_all(&copy);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_typo_gets_a_suggestion_not_the_whole_help() {
    let (code, out, err) = run(&["hnit", "01", "2"]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("unknown command `hnit`"), "{err}");
    assert!(err.contains("did you mean `hint`?"), "{err}");
    assert!(err.contains("help"), "{err}");
    // Short enough to stay on a small screen with its prompt.
    assert!(err.lines().count() <= 5, "{err}");

    let (code, _, err) = run(&["solution", "01", "--forse"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `--force`?"), "{err}");
}

#[test]
fn help_after_a_command_explains_that_command() {
    let (code, out, _) = run(&["hint", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("Usage: cargo run -p checker -- hint EXERCISE"),
        "{out}"
    );
    assert!(out.contains("--all"), "{out}");
    assert!(!out.contains("grade"), "the global help:\n{out}");
    let (_, same, _) = run(&["help", "hint"]);
    assert_eq!(out, same);
}

#[test]
fn extra_arguments_are_errors() {
    for args in [
        &["check", "01", "02", "03"][..],
        &["reset", "01", "02", "--yes"],
        &["watch", "02"],
        &["hint", "01", "2", "3"],
        &["list", "01"],
        &["timeline", "01", "2", "3"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?} was accepted:\n{out}{err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(
            err.contains("usage: cargo run -p checker --"),
            "{args:?}: {err}"
        );
    }
    // An option of another command is refused too.
    let (code, _, err) = run(&["check", "--all"]);
    assert_eq!(code, 2);
    assert!(err.contains("`check` does not take --all"), "{err}");
}

#[test]
fn the_same_mistake_is_worded_the_same_everywhere() {
    let (_, _, hint) = run(&["hint", "01", "abc"]);
    let (_, _, timeline) = run(&["timeline", "01", "abc"]);
    let first = |s: &str| s.lines().next().unwrap_or("").to_string();
    assert_eq!(first(&hint), first(&timeline));
    assert!(hint.contains("`abc`"), "{hint}");
}

/// A task number that does not exist names the ones that do.
#[test]
fn a_wrong_task_number_names_the_valid_range() {
    let tasks = checker::model::course::find("01").unwrap().tasks.len();
    for args in [&["hint", "01", "99"][..], &["timeline", "01", "99"]] {
        let (code, _, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(&format!("no task 99: its tasks are 1 to {tasks}")),
            "{args:?}: {err}"
        );
    }
}

/// The whole help fits a 24-row terminal with its prompt, no wider than
/// 60 columns; the rest is under `help COMMAND`, which it names.
#[test]
fn the_help_fits_a_24_row_screen() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.lines().count() < 24,
        "{} lines:\n{out}",
        out.lines().count()
    );
    for l in out.lines() {
        assert!(l.chars().count() <= 58, "too wide for 60 columns: {l}");
    }
    assert!(out.contains("help COMMAND"), "{out}");
    let (_, check, _) = run(&["help", "check"]);
    assert!(check.contains("--format"), "{check}");
}

/// `checker solution 01 | head -1`: the reader goes away; the checker
/// ends quietly, without a panic message.
#[test]
fn a_closed_pipe_ends_the_checker_quietly() {
    for args in [
        &["solution", "01", "--force"][..],
        &["help"],
        &["hint", "01", "--all"],
    ] {
        // A pipe whose reader is gone before the checker starts, so that
        // its first write fails, however short the output.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let copy = scratch("closed-pipe");
        let out = Command::new(env!("CARGO_BIN_EXE_checker"))
            .arg("--course")
            .arg(&copy)
            .args(args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
        let _ = std::fs::remove_dir_all(&copy);
    }
}

/// Run from inside an exercise folder, the file to edit is named from
/// there, so that it can be clicked or typed as printed.
#[test]
fn paths_are_relative_to_the_current_folder() {
    let copy = scratch("inside");
    put(
        &copy,
        "01-bounded-send",
        &fixture_01("mistake-try-send-chef"),
    );
    let inside = copy.join("exercises/01-bounded-send");
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["--course"])
        .arg(&copy)
        .args(["check", "01"])
        .current_dir(&inside)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  edit src/lib.rs:"), "{text}");
    let _ = std::fs::remove_dir_all(&copy);
}

/// `check` alone, run inside an exercise's folder, checks that exercise,
/// says how to check them all, and writes every path from that folder:
/// the exercise's own files below it, the next exercise's up and over.
#[test]
fn check_inside_an_exercise_checks_that_exercise() {
    let copy = scratch("inside-all");
    put(
        &copy,
        "01-bounded-send",
        &common::course().join("solutions/01-bounded-send/src/lib.rs"),
    );
    let inside = copy.join("exercises/01-bounded-send");
    let check = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_checker"))
            .args(["--course"])
            .arg(&copy)
            .args(args)
            .current_dir(&inside)
            .env("NO_COLOR", "1")
            .env_remove("COLUMNS")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, text) = check(&["check"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Exercise 01"), "{text}");
    assert!(!text.contains("Exercise 02"), "{text}");
    let prose = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(prose.contains("check all`"), "{text}");
    assert!(
        text.contains("read ../../exercises/02-clone-senders/README.md"),
        "{text}"
    );
    // No path written from the course root instead of this folder.
    for l in text.lines() {
        let l = l.replace("../../exercises/", "");
        assert!(
            !l.contains(" exercises/"),
            "a path from the root: {l}\n{text}"
        );
    }
    let (code, all) = check(&["check", "all"]);
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("Exercise 02"), "{all}");
    assert!(
        all.contains("edit ../02-clone-senders/src/lib.rs:")
            || all.contains("edit ../../exercises/02-clone-senders/src/lib.rs:"),
        "{all}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}

/// A `check` that has to wait for another checker says so, naming the
/// process that holds the work area (here: this test), instead of sitting
/// on a blank screen or blaming "another terminal" that does not exist.
#[test]
fn a_check_waiting_for_another_checker_says_so() {
    let copy = scratch("waiting");
    let paths = checker::model::course::Paths::discover();
    let lock = checker::run::worklock::lock(&paths).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["--course"])
        .arg(&copy)
        .args(["check", "01"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    // The notice is wrapped to the width: read it whole, line by line.
    let mut notice = String::new();
    for _ in 0..6 {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut err, &mut line).unwrap();
        notice.push_str(&line);
        if line.is_empty() || notice.contains("work area") {
            break;
        }
    }
    drop(lock);
    let status = child.wait().unwrap();
    let first = notice.split_whitespace().collect::<Vec<_>>().join(" ");
    let holder = format!("waiting for process {} (`suite", std::process::id());
    assert!(first.starts_with(&holder), "{notice}");
    assert!(
        first.contains("to finish with the checker's work area"),
        "{notice}"
    );
    assert_eq!(status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&copy);
}
