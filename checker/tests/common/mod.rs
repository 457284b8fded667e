//! Helpers shared by the integration tests that drive the checker as a
//! learner would, on scratch copies of the course.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The course this checker belongs to.
pub fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A learner's copy whose exercises are the untouched stubs, in a folder
/// of its own for this test process and `name`.
pub fn scratch(name: &str) -> PathBuf {
    // The process id padded to a fixed width: wrapped lines that name the
    // copy then break at the same place in every run (snapshots).
    let dir = std::env::temp_dir().join(format!("course-loop-{:07}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for entry in std::fs::read_dir(course().join("checker/stubs")).unwrap() {
        let ex = entry.unwrap().path();
        let to = dir
            .join("exercises")
            .join(ex.file_name().unwrap())
            .join("src");
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(ex.join("src/lib.rs"), to.join("lib.rs")).unwrap();
    }
    dir
}

/// Puts `from` in place of an exercise's `src/lib.rs`.
pub fn put(copy: &Path, exercise: &str, from: &Path) {
    std::fs::copy(
        from,
        copy.join("exercises").join(exercise).join("src/lib.rs"),
    )
    .unwrap();
}

/// A fixture's `src/lib.rs` of exercise 01.
pub fn fixture_01(name: &str) -> PathBuf {
    course()
        .join("checker/tests/fixtures/01-bounded-send")
        .join(name)
        .join("src/lib.rs")
}

/// Runs the checker on `copy` without a terminal, with `env` set; the exit
/// code and stdout, the copy's path shown as <COPY>.
pub fn checker_with(copy: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_checker"));
    cmd.arg("--course")
        .arg(copy)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the checker runs");
    // The scratch copy's path changes from run to run; snapshots show it
    // as <COPY>.
    let text = String::from_utf8_lossy(&out.stdout).replace(&copy.display().to_string(), "<COPY>");
    (out.status.code().unwrap_or(-1), text)
}
