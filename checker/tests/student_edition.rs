//! The student edition (`export --student DIR`) read from the student's
//! seat: a README made for them with no dead link and no authors' command,
//! the editor settings, no answers anywhere, and the one command it
//! advertises (`cargo run -p checker`) working in a fresh copy.

use crate::common;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn export(to: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["export", "--student"])
        .arg(to)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("student-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The targets of `[text](target)` links in `markdown`, code blocks and
/// code spans left out.
fn links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop code spans: a `](` inside backticks is not a link.
        let plain: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = plain.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            if let Some(end) = rest.find(')') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn every_relative_link_of_every_markdown_file_resolves() {
    let copy = fresh("links");
    export(&copy);
    let mut checked = 0;
    for md in files(&copy)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(&md).unwrap();
        for link in links(&text) {
            if link.contains("://") || link.starts_with('#') || link.starts_with("mailto:") {
                continue;
            }
            let path = link.split('#').next().unwrap();
            let target = md.parent().unwrap().join(path);
            assert!(
                target.exists(),
                "{}: the link `{link}` leads nowhere in the student copy",
                md.strip_prefix(&copy).unwrap().display()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 9,
        "the README links every lesson: {checked} links"
    );
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn the_readme_is_made_for_students() {
    let copy = fresh("readme");
    export(&copy);
    let readme = std::fs::read_to_string(copy.join("README.md")).unwrap();
    let authors = std::fs::read_to_string(common::course().join("README.md")).unwrap();
    assert_ne!(readme, authors);
    for needed in [
        "## Start here",
        "cargo run -p checker",
        "## What is graded, and how to hand in",
        "exercises/*/src/",
        "## Reference solutions",
        "## Course outline",
        "## Editors",
    ] {
        assert!(readme.contains(needed), "the README lacks {needed:?}");
    }
    // Authors' commands, and files this copy does not have.
    for absent in [
        "cargo test",
        "verify",
        "bless",
        "-- bench",
        "-- grade",
        "export",
        "offline",
        "BENCHMARKS",
        ".ci/",
        "checker/README.md",
        "FIGURE",
        "{{",
    ] {
        assert!(!readme.contains(absent), "the README says {absent:?}");
    }
    // The editor settings the README describes are there.
    for settings in [
        ".vscode/settings.json",
        ".helix/languages.toml",
        ".zed/settings.json",
    ] {
        assert!(copy.join(settings).is_file(), "{settings} is missing");
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// Whitespace-normalised lines that say something: no blank, comment-only
/// or short line (`}`, `Ok(())`, `let mut out = Vec::new();` are below 20
/// characters or idioms that any channel code shares).
fn telling_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| l.len() >= 20 && !l.starts_with("//"))
        .collect()
}

/// Answer lines: the telling lines of every reference solution and every
/// fixture (several are complete alternative solutions) that the stubs do
/// not already give the student (signatures, doc comments).
fn answer_lines() -> HashSet<String> {
    let course = common::course();
    let given: HashSet<String> = files(&course.join("checker/stubs"))
        .iter()
        .flat_map(|f| telling_lines(&std::fs::read_to_string(f).unwrap_or_default()))
        .collect();
    let mut answers = HashSet::new();
    for dir in ["solutions", "checker/tests/fixtures"] {
        for f in files(&course.join(dir))
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "rs"))
        {
            let text = std::fs::read_to_string(&f).unwrap();
            answers.extend(
                telling_lines(&text)
                    .into_iter()
                    .filter(|l| !given.contains(l)),
            );
        }
    }
    answers
}

/// Files of `dir` holding a block of answer code: three telling lines in
/// a row that are answer lines. Single lines are not counted: the hidden
/// tests play a solution's collaborators with the calls the API forces
/// (`let (reply, answer) = oneshot::channel();`), and a lesson shows the
/// classic mistake's two lines; every reference solution has blocks of 4
/// to 17 such lines.
fn answer_blocks(dir: &Path, answers: &HashSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    for f in files(dir) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let mut run = Vec::new();
        for line in telling_lines(&text) {
            if answers.contains(&line) {
                run.push(line);
                if run.len() == 3 {
                    found.push(format!("{}: {run:?}", f.display()));
                }
            } else {
                run.clear();
            }
        }
    }
    found
}

#[test]
fn no_answer_and_no_fixture_is_in_the_copy() {
    let copy = fresh("answers");
    export(&copy);
    for f in files(&copy) {
        let rel = f
            .strip_prefix(&copy)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(!rel.contains("fixtures"), "{rel}");
        assert!(
            !rel.starts_with("solutions") || rel.ends_with("solutions/README.md"),
            "{rel}"
        );
    }
    let answers = answer_lines();
    assert!(answers.len() > 100, "{} answer lines", answers.len());
    let found = answer_blocks(&copy, &answers);
    assert!(found.is_empty(), "answers in the student copy:\n{found:#?}");
    // The scan finds an answer that is there: each solution, pasted in.
    for e in checker::model::course::EXERCISES {
        let planted = copy.join("exercises").join(e.dir).join("src/lib.rs");
        std::fs::copy(
            common::course()
                .join("solutions")
                .join(e.dir)
                .join("src/lib.rs"),
            &planted,
        )
        .unwrap();
        assert!(
            !answer_blocks(&copy.join("exercises").join(e.dir), &answers).is_empty(),
            "the scan misses solution {}",
            e.dir
        );
    }
    let _ = std::fs::remove_dir_all(&copy);
}

/// Mirrors `from` into `to`, rewriting only files whose bytes changed and
/// removing what `from` lacks, so that `to`'s build area stays warm.
fn mirror(from: &Path, to: &Path) {
    let wanted: HashSet<PathBuf> = files(from)
        .iter()
        .map(|f| f.strip_prefix(from).unwrap().to_path_buf())
        .collect();
    if to.exists() {
        for f in files(to) {
            let rel = f.strip_prefix(to).unwrap();
            if !rel.starts_with("target") && !wanted.contains(rel) {
                std::fs::remove_file(&f).unwrap();
            }
        }
    }
    for rel in &wanted {
        let bytes = std::fs::read(from.join(rel)).unwrap();
        let dest = to.join(rel);
        if std::fs::read(&dest).ok().as_ref() != Some(&bytes) {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::write(&dest, bytes).unwrap();
        }
    }
}

/// The README's command in a fresh copy, as a student runs it. The copy
/// lives under `target/` (refreshed from a new export each time) so that
/// later runs rebuild incrementally.
#[test]
fn the_advertised_command_works_in_a_fresh_copy() {
    let fresh_export = fresh("run");
    export(&fresh_export);
    let area = common::course().join("target/student-edition");
    let copy = area.join("course");
    mirror(&fresh_export, &copy);
    let _ = std::fs::remove_dir_all(&fresh_export);
    let run_with = |args: &[&str], env: &[(&str, &std::ffi::OsStr)]| {
        let out = Command::new(env!("CARGO"))
            .args(["run", "-q", "-p", "checker", "--"])
            .args(args)
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", area.join("target"))
            // This copy's own checker on this copy (learner/guard.rs).
            .env("CHECKER_SCRATCH_COURSE", &copy)
            .env("NO_COLOR", "1")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("cargo runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let run = |args: &[&str]| run_with(args, &[]);
    common::seed_builds(&copy, &area.join("target"));
    let lock = std::fs::read(copy.join("Cargo.lock")).unwrap();
    let timings = area.join("timings.txt");
    let _ = std::fs::remove_file(&timings);
    let (code, out, err) = run_with(&[], &[("CHECKER_TIMINGS", timings.as_os_str())]);
    assert_eq!(code, Some(1), "the stubs have work to do:\n{out}\n{err}");
    assert!(
        std::fs::read(copy.join("Cargo.lock")).unwrap() == lock,
        "the first run rewrote Cargo.lock: the copy's lock file is not the one cargo wants"
    );
    assert!(out.contains("Start here"), "{out}");
    // The course's total, from the course: it grows with every exercise.
    let total: u32 = checker::model::course::EXERCISES
        .iter()
        .flat_map(|e| e.tasks)
        .map(|t| t.points)
        .sum();
    assert!(out.contains(&format!("Total: 0/{total}")), "{out}");
    // The untouched stubs were answered from their shipped verdicts (the
    // copy's own lock file, without the solutions, keeps them valid):
    // the checker built nothing.
    let marks = std::fs::read_to_string(&timings).unwrap_or_default();
    assert!(marks.contains("verdict:01-bounded-send"), "{marks}");
    assert!(
        !marks
            .lines()
            .any(|l| l.starts_with("staged ") || l.starts_with("rustc:")),
        "the first run built the stubs: {marks}"
    );
    let (code, out, _) = run(&["solution", "01", "--force"]);
    assert_eq!(code, Some(2));
    assert!(out.contains("no reference solutions"), "{out}");
}

/// The Gradescope zip, built as checker/README.md says, opened as
/// Gradescope opens it: the two scripts at the top and executable, the
/// student edition in `course/`, no answer anywhere, and a
/// `run_autograder` that requires containment.
#[test]
fn the_gradescope_zip_holds_the_student_edition() {
    let dir = fresh("zip");
    std::fs::create_dir_all(&dir).unwrap();
    let zip = dir.join("autograder.zip");
    let script = common::course().join("checker/ci/gradescope/make-autograder");
    let out = Command::new(&script)
        .arg(&zip)
        .env("CHECKER", env!("CARGO_BIN_EXE_checker"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Each entry's name and Unix mode, as an unzip that keeps modes sees them.
    let listing = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile\n\
             for i in zipfile.ZipFile(sys.argv[1]).infolist():\n    \
             print(oct(i.external_attr >> 16), i.filename)",
        ])
        .arg(&zip)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    for script in ["setup.sh", "run_autograder"] {
        let line = listing
            .lines()
            .find(|l| l.ends_with(&format!(" {script}")))
            .unwrap_or_else(|| panic!("no {script} at the top:\n{listing}"));
        assert!(line.starts_with("0o100755"), "{line}");
    }
    assert!(listing.contains(" course/exercises/01-bounded-send/src/lib.rs"));
    assert!(listing.contains(" course/checker/hidden/01-bounded-send/tests.rs"));
    let unpacked = dir.join("source");
    let status = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&zip)
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(status.success());
    let course = unpacked.join("course");
    for f in files(&course) {
        let rel = f
            .strip_prefix(&course)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(!rel.contains("fixtures"), "{rel}");
        assert!(
            !rel.starts_with("solutions") || rel.ends_with("README.md"),
            "{rel}"
        );
    }
    let found = answer_blocks(&unpacked, &answer_lines());
    assert!(found.is_empty(), "answers in the autograder:\n{found:#?}");
    let run = std::fs::read_to_string(unpacked.join("run_autograder")).unwrap();
    assert!(run.contains("CHECKER_REQUIRE_CONTAINMENT=$("), "{run}");
    assert!(run.contains("ALLOW_UNCONTAINED=${ALLOW_UNCONTAINED:-no}"));
    let _ = std::fs::remove_dir_all(&dir);
}
