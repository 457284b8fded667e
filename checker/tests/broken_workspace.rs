//! A learner deletes files: `src/lib.rs`, the whole exercise folder, or
//! the contents of `lib.rs`. The README's first command must still work in
//! that copy (cargo must not refuse to load the workspace), say what is
//! missing and how to get it back, and `reset` must restore a complete
//! exercise, naming a backup only when it made one.
//!
//! Runs real `cargo run -p checker` in a scratch copy of the course kept
//! under `target/`, so that later runs rebuild incrementally.

use crate::common;
use std::path::{Path, PathBuf};
use std::process::Command;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Copies the course as a fresh clone has it: no build output, no VCS.
/// The copy's own build area survives from run to run, and files that did
/// not change keep their timestamps, so cargo rebuilds only what changed.
fn copy_course(to: &Path) {
    let _ = std::fs::remove_dir_all(to.join("exercises"));
    copy_tree(&course(), to);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if ["target", ".git", "backups"].contains(&name.to_str().unwrap_or("")) {
            continue;
        }
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name));
        } else if kind.is_file() {
            let bytes = std::fs::read(entry.path()).unwrap();
            if std::fs::read(to.join(&name)).ok().as_ref() != Some(&bytes) {
                std::fs::write(to.join(&name), bytes).unwrap();
            }
        }
    }
}

/// `cargo run -q -p checker -- ARGS` in `copy`, as a learner types it.
fn cargo_run(copy: &Path, target: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .args(["run", "-q", "-p", "checker", "--"])
        .args(args)
        .current_dir(copy)
        .env("CARGO_TARGET_DIR", target)
        // This copy's own checker, on this copy: the learner's state it
        // touches is the copy's (see checker/src/learner/guard.rs).
        .env("CHECKER_SCRATCH_COURSE", copy)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cargo runs");
    // Paths in messages use the platform's separator; compare in one form.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace('\\', "/");
    assert!(
        !text.contains("failed to load manifest"),
        "cargo refused to start:\n{text}"
    );
    (out.status.success(), text)
}

#[test]
fn deleted_files_leave_the_checker_working_and_reset_restores_them() {
    let area = course().join("target/broken-workspace");
    let copy = area.join("course");
    let target = area.join("target");
    copy_course(&copy);
    common::seed_builds(&copy, &target);
    let ex = |dir: &str| copy.join("exercises").join(dir);
    std::fs::remove_file(ex("01-bounded-send/src/lib.rs")).unwrap();
    std::fs::remove_dir_all(ex("02-clone-senders")).unwrap();
    std::fs::write(ex("03-oneshot-reply/src/lib.rs"), "\n").unwrap();

    // The README's first command: every exercise is reported, the first
    // problem with its cause and its remedy.
    let (_, text) = cargo_run(&copy, &target, &[]);
    assert!(
        text.contains("exercises/01-bounded-send/src/lib.rs is missing"),
        "{text}"
    );
    assert!(
        text.contains("reset 01"),
        "says how to get it back:\n{text}"
    );
    // The other exercises are still checked.
    assert!(text.contains("Exercise 04"), "{text}");
    let (_, text) = cargo_run(&copy, &target, &["check", "02"]);
    assert!(
        text.contains("the exercise folder exercises/02-clone-senders is missing"),
        "{text}"
    );
    let (_, text) = cargo_run(&copy, &target, &["check", "03"]);
    assert!(
        text.contains("exercises/03-oneshot-reply/src/lib.rs is empty"),
        "{text}"
    );

    let stub = |dir: &str, file: &str| {
        std::fs::read_to_string(course().join("checker/stubs").join(dir).join(file)).unwrap()
    };
    let (ok, text) = cargo_run(&copy, &target, &["reset", "02", "--yes"]);
    assert!(ok, "{text}");
    assert!(text.contains("Cargo.toml and src/ restored"), "{text}");
    assert!(text.contains("no backup was needed"), "{text}");
    assert!(
        !text.contains("kept in"),
        "claims a backup it did not make:\n{text}"
    );
    for file in ["Cargo.toml", "src/lib.rs"] {
        assert_eq!(
            std::fs::read_to_string(ex("02-clone-senders").join(file)).unwrap(),
            stub("02-clone-senders", file),
            "{file} restored"
        );
    }
    assert!(!ex("02-clone-senders/backups").exists());

    let (ok, text) = cargo_run(&copy, &target, &["reset", "01", "--yes"]);
    assert!(ok, "{text}");
    assert!(text.contains("no backup was needed"), "{text}");

    // An emptied file is still the learner's: kept before it is replaced.
    let (ok, text) = cargo_run(&copy, &target, &["reset", "03", "--yes"]);
    assert!(ok, "{text}");
    // The backup's path stands on the line after "Your version is kept
    // in", so that no width ever cuts it.
    let line = text
        .lines()
        .skip_while(|l| !l.starts_with("Your version is kept in"))
        .nth(1)
        .unwrap_or_else(|| panic!("names its backup:\n{text}"));
    let backup = copy.join(line.trim().trim_end_matches('/'));
    assert_eq!(
        std::fs::read_to_string(backup.join("src/lib.rs")).unwrap(),
        "\n"
    );

    let (_, text) = cargo_run(&copy, &target, &[]);
    assert!(!text.contains("is missing"), "{text}");
    assert!(!text.contains("is empty"), "{text}");
    assert!(!text.contains("does not compile"), "{text}");
}

/// The workspace's promise, checked on its manifests: exercises join by a
/// glob (a deleted folder simply is not a member) and each names its
/// `[lib] path` (a deleted `lib.rs` does not stop cargo from loading it).
#[test]
fn exercises_join_the_workspace_so_that_cargo_survives_a_missing_file() {
    let root = std::fs::read_to_string(course().join("Cargo.toml")).unwrap();
    assert!(root.contains("\"exercises/*\""), "{root}");
    for entry in std::fs::read_dir(course().join("exercises")).unwrap() {
        let dir = entry.unwrap().path();
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("path = \"src/lib.rs\""),
            "{} must name its [lib] path",
            dir.display()
        );
    }
}
