//! Builds that grow without bound: a few bytes of source declaring a huge
//! `static` or `const` once grew `target/checker` by gigabytes per
//! exercise (it lands in `.rmeta`, object files, incremental files, the
//! `.rlib` and the test binary) and stayed there.
//!
//! One batch: honest controls first and last, and between them the full
//! solution plus one huge array each (a `static` of ones, of zeros, a
//! `const`, one inside a function the hidden tests call, and one just under
//! the per-file limit, which only the per-exercise cap stops). Each hostile
//! submission would score 10 if it were built: it must be rejected with a
//! reason that names the cause, the controls must keep their exact marks,
//! and the work area must grow by less than one exercise's cap
//! ([`checker::build::footprint::EXERCISE_CAP`]), measured before and after.
//!
//! Also what one batch keeps for the next (`build::fresh`): under
//! containment, the builds of slots whose code did not change; after an
//! uncontained batch, nothing.
//!
//! Its own test binary, its tests one at a time: another batch running
//! beside it would change what the work area holds.

mod support;

use checker::build::buildlimit::{FILE_LIMIT, FILE_LIMIT_APPLIES};
use checker::build::footprint::{EXERCISE_CAP, SUBMISSION_CAP};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One batch at a time in this binary: the first test measures what a
/// batch leaves in the work area.
static SERIAL: Mutex<()> = Mutex::new(());

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn solution() -> String {
    std::fs::read_to_string(course().join("solutions/01-bounded-send/src/lib.rs")).unwrap()
}

/// A submission whose exercise 01 `src/lib.rs` is `text`.
fn make(root: &Path, name: &str, text: String) -> PathBuf {
    let sub = root.join(name);
    let src = sub.join("exercises/01-bounded-send/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lib.rs"), text).unwrap();
    sub
}

/// Bytes of every file below `dir` (hard links counted each time; links
/// not followed).
fn bytes_below(dir: &Path) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let Ok(m) = e.path().symlink_metadata() else {
                continue;
            };
            if m.is_dir() {
                todo.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}

/// `grade`, with every submission compiled from its sources, as the
/// budgets under test need: a contained batch keeps the builds of slots
/// whose code has not changed since the batch before (`build::fresh`).
fn grade_afresh(args: &[&str], subs: &[PathBuf], env: &[(&str, &str)]) -> String {
    {
        let paths = checker::model::course::Paths::discover();
        let _lock = checker::run::worklock::lock(&paths).unwrap();
        checker::build::fresh::clear_slot_builds(&paths);
    }
    support::grade_with(args, subs, env)
}

/// Grades exercise 01 with `--jobs 2` and a memory budget that gives each
/// compiler run 4 GiB, whatever the machine: these attacks must meet the
/// file-size limit, not the memory limit.
fn grade(subs: &[PathBuf]) -> serde_json::Value {
    let json = grade_afresh(
        &["--exercise", "01", "--format", "json", "--jobs", "2"],
        subs,
        &[
            ("CHECKER_BUILD_CPU_SECS", "60"),
            ("CHECKER_BUILD_MEMORY_MIB", "8192"),
        ],
    );
    serde_json::from_str(&json).unwrap()
}

#[test]
fn huge_statics_are_rejected_and_leave_nothing_behind() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::env::temp_dir().join(format!("course-bigbuild-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let with = |extra: &str| format!("{}\n{extra}\n", solution());
    // Under the per-file limit: no single file trips it (the rlib holds
    // the array twice, in its metadata and its object file), yet the
    // exercise's artefacts (rlib, rmeta, the test binary and its link
    // beside it) add up to more than its cap.
    let under = FILE_LIMIT * 15 / 32;
    assert!(2 * under < FILE_LIMIT && 5 * under > EXERCISE_CAP);

    let honest_first = make(&root, "honest-first", solution());
    let honest_last = make(&root, "honest-last", solution());
    let hostile: Vec<(&str, String)> = vec![
        (
            "static-ones",
            with("pub static BIG: [u8; 512 << 20] = [1; 512 << 20];"),
        ),
        (
            "static-zeros",
            with("pub static BIG: [u8; 512 << 20] = [0; 512 << 20];"),
        ),
        (
            "const-array",
            with(
                "pub const BIG: [u8; 512 << 20] = [1; 512 << 20];\n\
                 pub fn big() -> &'static [u8] { &BIG }",
            ),
        ),
        // Private, and only reached through a task the hidden tests call.
        (
            "in-a-task",
            solution().replacen(
                "pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {",
                "pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {\n\
                 static BIG: [u8; 512 << 20] = [7; 512 << 20];\n\
                 std::hint::black_box(&BIG);",
                1,
            ),
        ),
        (
            "under-the-file-limit",
            solution().replacen(
                "pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {",
                &format!(
                    "pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {{\n\
                     static BIG: [u8; {under}] = [7; {under}];\n\
                     std::hint::black_box(&BIG);"
                ),
                1,
            ),
        ),
    ];
    for (name, text) in &hostile {
        assert_ne!(text, &solution(), "{name} changes the solution");
    }

    // A first batch of the control alone builds whatever the batch shares
    // (dependencies), so that the second one measures only the submissions.
    let warm = grade(std::slice::from_ref(&honest_first));
    assert_eq!(warm["submissions"][0]["earned"], 10, "{warm}");

    let work = course().join("target/checker");
    let before = bytes_below(&work);
    let mut subs = vec![honest_first.clone()];
    for (name, text) in &hostile {
        subs.push(make(&root, name, text.clone()));
    }
    subs.push(honest_last);
    let doc = grade(&subs);
    let after = bytes_below(&work);
    eprintln!(
        "target/checker: {} MiB before the batch, {} MiB after",
        before >> 20,
        after >> 20
    );

    let graded = doc["submissions"].as_array().unwrap();
    assert_eq!(graded.len(), subs.len());
    for g in graded {
        let name = g["name"].as_str().unwrap();
        let ex = &g["exercises"][0];
        if name.starts_with("honest") {
            assert_eq!(g["earned"], 10, "{name}: {ex}");
            continue;
        }
        assert_eq!(g["earned"], 0, "{name}: {ex}");
        let status = ex["tasks"][0]["status"].as_str().unwrap();
        assert!(
            matches!(status, "rejected" | "compile_error"),
            "{name}: {status}"
        );
        let why = ex["compile_error"]["message"].as_str().unwrap_or_default();
        assert!(why.contains("a huge static or array?"), "{name}: {ex}");
        // The file-size limit stopped the compiler, not a later check
        // (elsewhere the caps do).
        if name != "under-the-file-limit" && FILE_LIMIT_APPLIES {
            let limit = format!("the build wrote a file over {} MiB", FILE_LIMIT >> 20);
            assert!(why.contains(&limit), "{name}: {why}");
        }
    }
    let under = graded
        .iter()
        .find(|g| g["name"] == "under-the-file-limit")
        .unwrap();
    assert_eq!(
        under["exercises"][0]["tasks"][0]["status"], "rejected",
        "{under}"
    );

    // What the batch left: the controls' few MiB, nothing of the attacks.
    let grown = after.saturating_sub(before);
    assert!(
        grown < EXERCISE_CAP,
        "target/checker grew by {} MiB (from {} to {} MiB)",
        grown >> 20,
        before >> 20,
        after >> 20
    );

    let _ = std::fs::remove_dir_all(&root);
}

/// Processor time is budgeted per submission, not only per compiler run:
/// a build that never ends, in each of five exercises, stops at three
/// runs' worth of processor time in all, and the last exercises are
/// stopped at once. The controls in the same batch are built and score
/// every point.
#[test]
fn a_submission_has_one_processor_time_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::env::temp_dir().join(format!("course-cpubudget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dirs: Vec<String> = {
        let mut d: Vec<String> = std::fs::read_dir(course().join("solutions"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        d.sort();
        d.truncate(5);
        d
    };
    let submission = |name: &str, text: &dyn Fn(&str) -> String| {
        let sub = root.join(name);
        for dir in &dirs {
            let src = sub.join("exercises").join(dir).join("src");
            std::fs::create_dir_all(&src).unwrap();
            std::fs::write(src.join("lib.rs"), text(dir)).unwrap();
        }
        sub
    };
    let read = |path: PathBuf| std::fs::read_to_string(path).unwrap();
    let honest = |dir: &str| read(course().join("solutions").join(dir).join("src/lib.rs"));
    let endless = |dir: &str| {
        format!(
            "{}\nmacro_rules! d {{ () => {{}}; (x $($t:tt)*) => {{ d!($($t)*); d!($($t)*); }} }}\nd!({});\n",
            read(course().join("checker/stubs").join(dir).join("src/lib.rs")),
            "x ".repeat(40)
        )
    };
    let subs = [
        submission("honest-first", &honest),
        submission("endless-everywhere", &endless),
        submission("honest-last", &honest),
    ];
    let mut args = vec!["--format", "json"];
    for d in &dirs {
        args.extend(["--exercise", &d[..2]]);
    }
    let json = grade_afresh(&args, &subs, &[("CHECKER_BUILD_CPU_SECS", "3")]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for g in doc["submissions"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        if name.starts_with("honest") {
            assert_eq!(g["earned"], g["max"], "{name}: {g}");
            continue;
        }
        assert_eq!(g["earned"], 0, "{g}");
        let why: Vec<&str> = g["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["compile_error"]["message"].as_str().unwrap())
            .collect();
        assert!(why.iter().all(|w| w.contains("processor time")), "{why:#?}");
        assert!(
            why.iter()
                .any(|w| w.contains("the 9 s of processor time one submission's build may use")),
            "{why:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// The compiler runs of a build share one memory budget: with 2 GiB for
/// `--jobs 4`, two rustc run at once with 1 GiB each, so a constant that
/// needs 1.5 GiB to evaluate (nothing of it reaches the disk) stops its
/// crate with a reason, while the honest controls build and score. With
/// the machine's budget (half its memory) the same submission builds and
/// scores 10.
#[test]
fn compilers_share_one_memory_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::env::temp_dir().join(format!("course-membudget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let subs = [
        make(&root, "honest-first", solution()),
        make(
            &root,
            "memory-hog",
            format!(
                "{}\nconst _: () = {{ let v = [1u8; 1536 << 20]; assert!(v[5] == 1); }};\n",
                solution()
            ),
        ),
        make(&root, "honest-last", solution()),
    ];
    let json = grade_afresh(
        &["--exercise", "01", "--format", "json", "--jobs", "4"],
        &subs,
        &[("CHECKER_BUILD_MEMORY_MIB", "2048")],
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for g in doc["submissions"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        let ex = &g["exercises"][0];
        if name.starts_with("honest") {
            assert_eq!(g["earned"], 10, "{name}: {ex}");
            continue;
        }
        assert_eq!(g["earned"], 0, "{ex}");
        let why = ex["compile_error"]["message"].as_str().unwrap_or_default();
        assert!(
            why.contains("the 1024 MiB of memory one compiler run may use"),
            "{ex}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// What one submission holds in the build folder while the batch builds is
/// bounded too, not only per exercise: a 30 MiB `static` in seven
/// exercises keeps each exercise under its cap (about 95 MiB: the rlib
/// holds the array twice, the metadata once), yet together they pass the
/// submission's cap, and the crates that cross it are refused.
#[test]
fn a_submission_has_one_disk_budget() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::env::temp_dir().join(format!("course-diskbudget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let mut dirs: Vec<String> = std::fs::read_dir(course().join("solutions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    dirs.truncate(7);
    let array = FILE_LIMIT * 15 / 32;
    assert!(7 * 3 * array > SUBMISSION_CAP && 3 * array + (16 << 20) < EXERCISE_CAP);
    let submission = |name: &str, extra: &str| {
        let sub = root.join(name);
        for dir in &dirs {
            let src = sub.join("exercises").join(dir).join("src");
            std::fs::create_dir_all(&src).unwrap();
            let lib =
                std::fs::read_to_string(course().join("solutions").join(dir).join("src/lib.rs"));
            std::fs::write(src.join("lib.rs"), format!("{}\n{extra}\n", lib.unwrap())).unwrap();
        }
        sub
    };
    let subs = [
        submission("honest-first", ""),
        submission(
            "spread-out",
            &format!("pub static BIG: [u8; {array}] = [7; {array}];"),
        ),
        submission("honest-last", ""),
    ];
    let mut args = vec!["--format", "json", "--jobs", "2"];
    for d in &dirs {
        args.extend(["--exercise", &d[..2]]);
    }
    let json = grade_afresh(&args, &subs, &[("CHECKER_BUILD_MEMORY_MIB", "8192")]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for g in doc["submissions"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        if name.starts_with("honest") {
            assert_eq!(g["earned"], g["max"], "{name}: {g}");
            continue;
        }
        let refused = g["exercises"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["compile_error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("MiB one submission may hold in the build folder"))
            })
            .count();
        assert!(refused > 0, "{g}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// The test binaries compiled by one `grade` run, as the compiler wrapper
/// recorded them (`CHECKER_TIMINGS`): `h_g0_01` for slot g0's exercise 01.
fn compiled(
    args: &[&str],
    subs: &[PathBuf],
    env: &[(&str, &str)],
) -> (serde_json::Value, Vec<String>) {
    let spans = std::env::temp_dir().join(format!("kept-spans-{}", std::process::id()));
    let _ = std::fs::remove_file(&spans);
    let mut env = env.to_vec();
    let file = spans.display().to_string();
    env.push((checker::util::timings::ENV, &file));
    let doc = serde_json::from_str(&support::grade_with(args, subs, &env)).unwrap();
    let mut crates: Vec<String> = std::fs::read_to_string(&spans)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("rustc:h_g"))
        .filter_map(|l| l.split(' ').next())
        .map(|c| format!("h_g{c}"))
        .collect();
    crates.sort();
    let _ = std::fs::remove_file(&spans);
    (doc, crates)
}

fn earned(doc: &serde_json::Value) -> Vec<u64> {
    doc["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["earned"].as_u64().unwrap())
        .collect()
}

/// Under containment a batch keeps the builds it can trust: grading the
/// same submissions again compiles nothing, and a changed submission alone
/// is compiled. After an uncontained batch, whose test processes could
/// rewrite any slot's test binary (here the first slot's is rewritten, as
/// such a process would), the next contained batch compiles every
/// submission again and scores them as before.
#[test]
fn a_contained_batch_keeps_only_builds_it_can_trust() {
    if !checker::run::sandbox::level().is_sandboxed() {
        eprintln!(
            "SKIPPED: no containment on this machine ({}), so every batch compiles afresh",
            checker::run::sandbox::level().describe()
        );
        return;
    }
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let root = std::env::temp_dir().join(format!("course-kept-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let stub =
        std::fs::read_to_string(course().join("checker/stubs/01-bounded-send/src/lib.rs")).unwrap();
    let honest = make(&root, "honest", solution());
    let stubbed = make(&root, "stubbed", stub);
    let changed = make(&root, "changed", solution() + "\n// edited\n");
    let args = ["--exercise", "01", "--format", "json"];
    let off = [("CHECKER_SANDBOX", "off")];
    let both = ["h_g0_01".to_string(), "h_g1_01".to_string()];

    // From slots an uncontained batch used: everything compiled.
    let (doc, _) = compiled(&args, &[honest.clone(), stubbed.clone()], &off);
    assert_eq!(earned(&doc), [10, 0], "{doc}");
    let (doc, built) = compiled(&args, &[honest.clone(), stubbed.clone()], &[]);
    assert_eq!(earned(&doc), [10, 0], "{doc}");
    assert_eq!(built, both, "after an uncontained batch");

    // The same code again: nothing compiled, the same marks.
    let (doc, built) = compiled(&args, &[honest.clone(), stubbed.clone()], &[]);
    assert_eq!(earned(&doc), [10, 0], "{doc}");
    assert!(built.is_empty(), "compiled again: {built:?}");

    // One slot's code changed: that slot alone.
    let (doc, built) = compiled(&args, &[honest.clone(), changed.clone()], &[]);
    assert_eq!(earned(&doc), [10, 10], "{doc}");
    assert_eq!(built, ["h_g1_01"], "only the changed submission");

    // A smaller batch: the slot it does not use loses its build, so the
    // work area holds one batch's worth at most.
    let debug = course().join("target/checker/build/debug");
    assert!(debug.join("h-g1-01").is_file());
    let (doc, built) = compiled(&args, std::slice::from_ref(&honest), &[]);
    assert_eq!(earned(&doc), [10], "{doc}");
    assert!(built.is_empty(), "compiled again: {built:?}");
    assert!(!debug.join("h-g1-01").exists(), "slot g1 kept its build");

    // An uncontained batch, then what one of its test processes could do:
    // rewrite slot g0's test binary so that no test of it passes.
    let (doc, built) = compiled(&args, &[honest.clone(), changed.clone()], &off);
    assert_eq!(earned(&doc), [10, 10], "{doc}");
    assert_eq!(built, both, "an uncontained batch trusts no earlier build");
    let binary = debug.join("h-g0-01");
    assert!(binary.is_file(), "{}", binary.display());
    std::fs::write(&binary, b"#!/bin/sh\nexit 1\n").unwrap();
    let (doc, built) = compiled(&args, &[honest.clone(), changed.clone()], &[]);
    assert_eq!(
        earned(&doc),
        [10, 10],
        "the rewritten binary was used: {doc}"
    );
    assert_eq!(built, both, "after an uncontained batch");
    let _ = std::fs::remove_dir_all(&root);
}
