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
        // Beside the stubs' folders: their shipped verdicts.
        if !ex.is_dir() {
            continue;
        }
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

/// Gives a copy of the course a head start on its two builds: this tree's
/// compiled registry crates (tokio, insta, proc-macro2...) are copied into
/// `target/debug` (where cargo builds the copy's checker) and into the
/// copy's shadow build (`copy/target/checker/build/debug`), each only if
/// that build has no crates yet. Workspace members are never copied: the
/// copy builds them from its own sources. Cargo takes a copied crate only
/// when its fingerprint matches what it would build, so a file that does
/// not fit costs a compile, never a different result.
pub fn seed_builds(copy: &Path, target: &Path) {
    let packages = registry_packages();
    let built = Path::new(env!("CARGO_BIN_EXE_checker")).parent().unwrap();
    // The shadow build lives in each course's work area.
    let shadow = |root: &Path| {
        let paths = checker::model::course::Paths {
            root: root.to_path_buf(),
            learner: root.to_path_buf(),
        };
        paths.work().join("build/debug")
    };
    for (from, to) in [
        (built.to_path_buf(), target.join("debug")),
        (shadow(&course()), shadow(copy)),
    ] {
        if to.join("deps").exists() {
            continue;
        }
        for sub in ["deps", "build", ".fingerprint"] {
            let Ok(entries) = std::fs::read_dir(from.join(sub)) else {
                continue;
            };
            std::fs::create_dir_all(to.join(sub)).unwrap();
            for e in entries.flatten() {
                if from_registry(&e.file_name().to_string_lossy(), &packages) {
                    copy_all(&e.path(), &to.join(sub).join(e.file_name()));
                }
            }
        }
    }
}

/// Copies a file, or a folder with everything in it. Compiled crates are
/// hard-linked instead where the file system allows it: they are most of
/// the bytes (two seeded copies held 700 MB on CI), and rustc replaces
/// them with a new file rather than writing into the old one, so a
/// rebuild in the copy never reaches the original. Dep-info files, which
/// rustc rewrites in place, and cargo's own records are copied.
fn copy_all(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            copy_all(&e.path(), &to.join(e.file_name()));
        }
        return;
    }
    let replaced_whole = from
        .extension()
        .is_some_and(|e| ["rlib", "rmeta", "so", "dylib", "dll"].contains(&&*e.to_string_lossy()));
    if !(replaced_whole && std::fs::hard_link(from, to).is_ok()) {
        std::fs::copy(from, to).unwrap();
        // Cargo judges a crate stale when something it depends on looks
        // newer than it. A copy stamped with the time of copying would make
        // crates copied later (a build script's output, `proc-macro2`) look
        // newer than those that use them, and the copy would rebuild most of
        // its dependencies: keep each file's own time.
        let modified = std::fs::metadata(from).and_then(|m| m.modified()).unwrap();
        let file = std::fs::File::options().write(true).open(to).unwrap();
        file.set_modified(modified).unwrap();
    }
}

/// The names of the course's registry packages, from its lock file, as
/// cargo spells them in folder names and as rustc does in file names.
fn registry_packages() -> std::collections::HashSet<String> {
    let lock = std::fs::read_to_string(course().join("Cargo.lock")).unwrap();
    let mut out = std::collections::HashSet::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"').to_string());
        } else if line.starts_with("source = \"registry+")
            && let Some(n) = name.take()
        {
            out.insert(n.replace('-', "_"));
            out.insert(n);
        }
    }
    out
}

/// Whether a build entry (`libtokio-<hash>.rlib`, `tokio-<hash>.d`, the
/// folder `proc-macro2-<hash>`) belongs to one of `packages`.
fn from_registry(entry: &str, packages: &std::collections::HashSet<String>) -> bool {
    let stem = entry.split('.').next().unwrap_or(entry);
    let Some((base, _hash)) = stem.rsplit_once('-') else {
        return false;
    };
    packages.contains(base)
        || base
            .strip_prefix("lib")
            .is_some_and(|b| packages.contains(b))
}
