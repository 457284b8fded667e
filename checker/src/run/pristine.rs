//! The verdicts of the untouched stubs, shipped with the course.
//!
//! A newcomer's first `cargo run -p checker` finds every exercise exactly
//! as it was shipped, and that verdict is known before anything compiles:
//! every hidden test reaches `todo!()` (`verify` proves that each one fails
//! on its stub). `checker/stubs/verdicts.json` holds it as a real run of
//! the stubs produced it, so a first run says where to start without first
//! compiling tokio and nine test crates. Those compile in the background
//! (`build::prewarm`) while the learner reads the lesson; the first edit
//! then builds only its own exercise.
//!
//! A record stands in for a build only when the exercise's `src/` is
//! byte for byte the stub's and its fingerprint (the stub, the hidden
//! tests and snapshots, the harness, the registry crates in the lock
//! file) still matches;
//! otherwise the exercise is built as always. Only a learner's own check
//! uses records: grading, `verify` and `--no-cache` always build and run.
//! `verify` compares every record with its own run of the stubs and
//! rewrites a stale one.

use crate::build::shadow::Target;
use crate::model::course::{Exercise, Paths};
use crate::model::results::ExerciseResult;
use crate::run::options::Options;
use crate::util::files::walk_all;
use crate::util::json::{self, View};
use std::path::{Path, PathBuf};

/// The record file, in the checker's folder.
pub fn file(paths: &Paths) -> PathBuf {
    paths.checker().join("stubs/verdicts.json")
}

/// The untouched stub's verdict for `t`, when one is shipped and still
/// true, and `t` is a learner's check of the untouched stub.
pub fn load(paths: &Paths, t: &Target, opts: &Options) -> Option<ExerciseResult> {
    if !opts.cache || opts.bless || opts.seed.is_some() || !t.edited() {
        return None;
    }
    if !untouched(&t.source, &paths.stub(t.exercise)) {
        return None;
    }
    let text = std::fs::read_to_string(file(paths)).ok()?;
    let doc = json::parse(&text)?;
    let entry = View::new(&doc).get("exercises").get(t.exercise.dir);
    if entry.get("fingerprint").str()? != fingerprint(paths, t.exercise) {
        return None;
    }
    let mut r = crate::report::json::read_exercise(t.exercise, entry.get("result"))?;
    let shown = paths.display(&t.source);
    let home = home(t.exercise);
    if shown != home {
        r.relocate(
            &format!("{home}/src/"),
            &format!(
                "{}{}",
                Path::new(&shown).join("src").display(),
                std::path::MAIN_SEPARATOR
            ),
        );
    }
    r.source = shown;
    Some(r)
}

/// Where an exercise's code sits in a learner's copy, as reports show it.
fn home(e: &Exercise) -> String {
    format!("exercises/{}", e.dir)
}

/// Whether `dir/src` holds exactly the stub's files, byte for byte: the
/// build takes nothing else from an exercise's folder (see
/// `build::shadow`).
fn untouched(dir: &Path, stub: &Path) -> bool {
    crate::util::files::same_files(&dir.join("src"), &stub.join("src"))
}

/// Everything a stub's verdict depends on besides the checker itself:
/// the stub, the hidden tests and their snapshots, the harness, and the
/// registry crates' versions. A hash that is the same on every platform and
/// toolchain (FNV-1a over relative paths with `/` and contents with LF
/// line ends), since the record travels with the course. Changes in the
/// checker's own judging are caught by `verify`, which reruns the stubs.
pub fn fingerprint(paths: &Paths, e: &Exercise) -> String {
    let mut h = Fnv::default();
    let harness = paths.checker().join("harness");
    let trees = [
        ("stub", paths.stub(e)),
        ("hidden", paths.hidden(e)),
        ("harness", harness.join("src")),
    ];
    for (name, root) in &trees {
        for f in walk_all(root) {
            let rel = f.strip_prefix(root).unwrap_or(&f);
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            h.text(&format!("{name}/{}", rel.join("/")));
            h.content(&std::fs::read(&f).unwrap_or_default());
        }
    }
    h.text("harness/Cargo.toml");
    h.content(&std::fs::read(harness.join("Cargo.toml")).unwrap_or_default());
    h.text("Cargo.lock");
    h.content(registry_packages(&paths.root.join("Cargo.lock")).as_bytes());
    format!("{:016x}", h.0)
}

/// The registry crates of a lock file: what the hidden tests run on. The
/// workspace's own entries are left out, because a student copy's lock
/// file leaves out the solutions (`export`) and the verdict of a stub
/// does not depend on them.
fn registry_packages(lock: &Path) -> String {
    let text = std::fs::read_to_string(lock)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    text.split("\n[[package]]\n")
        .skip(1)
        .filter(|block| block.lines().any(|l| l.starts_with("source = ")))
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n[[package]]\n")
}

/// FNV-1a, 64 bits: small, and the same everywhere (std's hasher is not
/// promised to stay the same between Rust versions).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b);
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn text(&mut self, s: &str) {
        s.bytes().for_each(|b| self.byte(b));
        self.byte(0);
    }

    /// A file's bytes with CRLF read as LF (a Windows checkout converts
    /// line ends), then its length, so that files cannot run together.
    fn content(&mut self, bytes: &[u8]) {
        let mut n = 0u64;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            self.byte(b);
            n += 1;
        }
        n.to_le_bytes().iter().for_each(|&b| self.byte(b));
    }
}

/// The record of `r`, a run of `e`'s stub with the published inputs:
/// its paths as in a learner's copy, and without the timings that differ
/// from run to run (a record stands for a run that did not happen).
fn entry(paths: &Paths, e: &Exercise, r: &ExerciseResult) -> String {
    let mut r = r.clone();
    let stub = paths.display(&paths.stub(e)).replace('\\', "/");
    r.relocate(&stub, &home(e));
    r.source = home(e);
    for t in r.tasks.iter_mut().flat_map(|t| t.tests.iter_mut()) {
        t.wall_ms = 0.0;
        t.busy_ms = 0.0;
    }
    json::Object::new()
        .str("fingerprint", &fingerprint(paths, e))
        .raw("result", &crate::report::json::exercise(&r, true))
        .finish()
}

/// Puts `stubs`, runs of the stubs with the published inputs, into the
/// record file, keeping the records of exercises not among them, and
/// writes it when that changes it. Returns whether it was rewritten.
pub fn refresh(paths: &Paths, stubs: &[(&Exercise, &ExerciseResult)]) -> std::io::Result<bool> {
    let path = file(paths);
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let doc = json::parse(&old);
    let kept = |e: &Exercise| {
        let v = View::new(doc.as_ref()?).get("exercises").get(e.dir);
        v.is_object().then(|| v.raw())
    };
    let mut entries = Vec::new();
    for e in crate::model::course::EXERCISES {
        let record = match stubs.iter().find(|(s, _)| s.dir == e.dir) {
            Some((e, r)) => Some(entry(paths, e, r)),
            None => kept(e),
        };
        if let Some(record) = record {
            let mut key = String::new();
            json::write_string(&mut key, e.dir);
            entries.push(format!("{key}:{record}"));
        }
    }
    let text = format!(
        "{{\"about\":\"The verdicts of the untouched stubs, written by `cargo run -p checker -- verify` (checker/src/run/pristine.rs).\",\n\"exercises\":{{\n{}\n}}}}\n",
        entries.join(",\n")
    );
    // Compared as documents: a kept record comes back with its keys in
    // another order.
    if doc.is_some() && json::parse(&text) == doc {
        return Ok(false);
    }
    std::fs::write(&path, text)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::course;
    use crate::model::results::{Captured, PanicInfo, Status, TestResult};

    #[test]
    fn fnv_reads_crlf_as_lf_and_tells_files_apart() {
        let hash = |parts: &[&[u8]]| {
            let mut h = Fnv::default();
            parts.iter().for_each(|p| h.content(p));
            h.0
        };
        assert_eq!(hash(&[b"a\r\nb\r\n"]), hash(&[b"a\nb\n"]));
        assert_ne!(hash(&[b"ab", b""]), hash(&[b"a", b"b"]));
        assert_ne!(hash(&[b"a\rb"]), hash(&[b"a\nb"]));
    }

    /// A course with exercise 01's stub, hidden tests and harness, in a
    /// folder of its own.
    fn course(name: &str) -> Paths {
        let root = std::env::temp_dir().join(format!("pristine-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let write = |rel: &str, text: &str| {
            let f = root.join(rel);
            std::fs::create_dir_all(f.parent().unwrap()).unwrap();
            std::fs::write(f, text).unwrap();
        };
        write(
            "checker/stubs/01-bounded-send/src/lib.rs",
            "pub fn runner() { todo!() }\n",
        );
        write("checker/stubs/01-bounded-send/Cargo.toml", "[package]\n");
        write("checker/hidden/01-bounded-send/tests.rs", "// the tests\n");
        write("checker/harness/src/lib.rs", "// the harness\n");
        write("checker/harness/Cargo.toml", "[package]\n");
        write(
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"tokio\"\nversion = \"1.0.0\"\n\
             source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
             [[package]]\nname = \"l-solution\"\nversion = \"0.0.0\"\n",
        );
        write(
            "exercises/01-bounded-send/src/lib.rs",
            "pub fn runner() { todo!() }\n",
        );
        Paths {
            learner: root.clone(),
            root,
        }
    }

    /// A run of the stub as `verify` sees it: every test reaches `todo!()`
    /// in the stub's own folder.
    fn stub_run(paths: &Paths) -> ExerciseResult {
        let e = course::find("01").unwrap();
        let at = format!("{}/src/lib.rs:1:19", paths.display(&paths.stub(e)));
        let mut r = ExerciseResult::with_tasks(e, |t| {
            let test = TestResult {
                name: format!("t{}", t.number),
                task: t.number,
                status: Status::NotStarted,
                message: "not yet implemented".to_string(),
                diff: None,
                location: Some(at.clone()),
                panics: vec![PanicInfo {
                    message: "not yet implemented".to_string(),
                    location: Some(at.clone()),
                    thread: "main".to_string(),
                }],
                events: Vec::new(),
                expected_events: None,
                wall_ms: 3.5,
                virtual_ms: 0.0,
                busy_ms: 0.25,
                stdout: Captured::default(),
                stderr: Captured::default(),
            };
            Some((Status::NotStarted, vec![test]))
        });
        r.source = paths.display(&paths.stub(e));
        r
    }

    fn learner(paths: &Paths) -> Target {
        Target::learner(paths, course::find("01").unwrap())
    }

    fn recorded(name: &str) -> (Paths, ExerciseResult) {
        let paths = course(name);
        let run = stub_run(&paths);
        let e = course::find("01").unwrap();
        assert!(
            refresh(&paths, &[(e, &run)]).unwrap(),
            "a new record is written"
        );
        assert!(
            !refresh(&paths, &[(e, &run)]).unwrap(),
            "the same record is not rewritten"
        );
        (paths, run)
    }

    #[test]
    fn an_untouched_stub_gets_the_recorded_run_in_the_learners_terms() {
        let (paths, run) = recorded("untouched");
        let got = load(&paths, &learner(&paths), &Options::default()).expect("the record is used");
        assert_eq!(got.source, "exercises/01-bounded-send");
        let test = &got.tasks[0].tests[0];
        assert_eq!(
            test.location.as_deref(),
            Some("exercises/01-bounded-send/src/lib.rs:1:19")
        );
        assert_eq!(test.panics[0].location, test.location);
        assert_eq!(
            (test.wall_ms, test.busy_ms),
            (0.0, 0.0),
            "no timing is made up"
        );
        assert_eq!(
            got.tasks
                .iter()
                .map(|t| (t.number, t.status, t.earned))
                .collect::<Vec<_>>(),
            run.tasks
                .iter()
                .map(|t| (t.number, t.status, t.earned))
                .collect::<Vec<_>>()
        );
        let _ = std::fs::remove_dir_all(&paths.root);
    }

    #[test]
    fn a_record_stands_in_for_nothing_else() {
        let (paths, _) = recorded("nothing-else");
        let e = course::find("01").unwrap();
        let opts = Options::default();
        let used = |paths: &Paths, t: &Target, opts: &Options| load(paths, t, opts).is_some();
        assert!(used(&paths, &learner(&paths), &opts));

        // Not for grading, verify, --no-cache, bless or a graded seed.
        let slot = |slot: &str| Target {
            exercise: e,
            slot: slot.to_string(),
            source: paths.exercise(e),
        };
        for s in ["g0", "stub", "solution", "fx-a"] {
            assert!(!used(&paths, &slot(s), &opts), "slot {s}");
        }
        for o in [
            Options {
                cache: false,
                ..Options::default()
            },
            Options {
                bless: true,
                ..Options::default()
            },
            Options {
                seed: Some(7),
                ..Options::default()
            },
        ] {
            assert!(!used(&paths, &learner(&paths), &o), "{o:?}");
        }

        // Not for code that differs from the stub by a byte, or holds a
        // file more.
        let lib = paths.exercise(e).join("src/lib.rs");
        std::fs::write(&lib, "pub fn runner() { todo!() } \n").unwrap();
        assert!(!used(&paths, &learner(&paths), &opts));
        std::fs::copy(paths.stub(e).join("src/lib.rs"), &lib).unwrap();
        std::fs::write(paths.exercise(e).join("src/extra.rs"), "").unwrap();
        assert!(!used(&paths, &learner(&paths), &opts));
        std::fs::remove_file(paths.exercise(e).join("src/extra.rs")).unwrap();
        assert!(used(&paths, &learner(&paths), &opts));

        // Not once anything it was recorded from has changed.
        for f in [
            "checker/hidden/01-bounded-send/tests.rs",
            "checker/harness/src/lib.rs",
        ] {
            let f = paths.root.join(f);
            let before = std::fs::read(&f).unwrap();
            std::fs::write(&f, b"// changed\n").unwrap();
            assert!(
                !used(&paths, &learner(&paths), &opts),
                "{} changed",
                f.display()
            );
            std::fs::write(&f, before).unwrap();
        }
        // Another version of a registry crate, but not a workspace member
        // more or less (a student copy's lock file has no solutions).
        let lock = paths.root.join("Cargo.lock");
        let before = std::fs::read_to_string(&lock).unwrap();
        std::fs::write(&lock, before.replace("1.0.0", "1.0.1")).unwrap();
        assert!(
            !used(&paths, &learner(&paths), &opts),
            "tokio's version changed"
        );
        let without = &before[..before.rfind("\n[[package]]").unwrap()];
        std::fs::write(&lock, format!("{without}\n")).unwrap();
        assert!(
            used(&paths, &learner(&paths), &opts),
            "a workspace member left out"
        );
        std::fs::write(&lock, before).unwrap();
        // A snapshot added to the hidden tests.
        let snap = paths.hidden(e).join("snapshots/a.snap");
        std::fs::create_dir_all(snap.parent().unwrap()).unwrap();
        std::fs::write(&snap, "x").unwrap();
        assert!(!used(&paths, &learner(&paths), &opts));
        std::fs::remove_file(&snap).unwrap();
        assert!(used(&paths, &learner(&paths), &opts));
        let _ = std::fs::remove_dir_all(&paths.root);
    }

    #[test]
    fn another_folder_of_stub_code_is_shown_as_that_folder() {
        let (paths, _) = recorded("elsewhere");
        let e = course::find("01").unwrap();
        let other = paths.root.join("elsewhere/copy");
        std::fs::create_dir_all(other.join("src")).unwrap();
        std::fs::copy(paths.stub(e).join("src/lib.rs"), other.join("src/lib.rs")).unwrap();
        let t = Target {
            exercise: e,
            slot: "x-elsewhere".to_string(),
            source: other.clone(),
        };
        let got = load(&paths, &t, &Options::default()).expect("the record is used");
        let shown = Path::new("elsewhere/copy").join("src").join("lib.rs");
        assert_eq!(
            got.source,
            Path::new("elsewhere/copy").display().to_string()
        );
        assert_eq!(
            got.tasks[0].tests[0].location.as_deref(),
            Some(format!("{}:1:19", shown.display()).as_str())
        );
        let _ = std::fs::remove_dir_all(&paths.root);
    }
}
