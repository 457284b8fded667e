//! `bench`: the learner's loop and grading, timed against baselines.
//!
//! Everything runs in a scratch copy of the course with its own target
//! directory, so a benchmark never disturbs the learner's work or build.
//! Each figure is the median of several runs; the baselines (a plain
//! build of the course's dependencies, a plain `cargo test` rebuild) are
//! measured in the same run, on the same machine, so ratios stay
//! meaningful on machines of any speed. No figure is asserted: shared
//! machines are too noisy for timed tests (see BENCHMARKS.md).

use checker::model::course::Paths;
use checker::util::exit::CliResult;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Settings {
    /// Runs of the cold build (each compiles everything from scratch).
    pub cold_runs: usize,
    /// Runs of every other measurement.
    pub runs: usize,
    /// Submissions in the grading batch.
    pub batch: usize,
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    match xs.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => xs[n / 2],
        n => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Runs `cmd` to completion and returns its wall time; its output is
/// discarded, its failure to start is an error.
fn time(cmd: &mut Command) -> std::io::Result<f64> {
    let start = Instant::now();
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .status()?;
    Ok(secs(start.elapsed()))
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // The scratch copies build into their own target directories.
    for var in checker::build::compile::SCRUBBED_ENV {
        c.env_remove(var);
    }
    c
}

/// Copies the course's source (no target directories, no git data).
fn copy_course(paths: &Paths, to: &Path) -> std::io::Result<()> {
    fn walk(from: &Path, to: &Path) -> std::io::Result<()> {
        let name = from.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if matches!(name, "target" | ".git") {
            return Ok(());
        }
        if from.is_dir() {
            std::fs::create_dir_all(to)?;
            for entry in std::fs::read_dir(from)? {
                let p = entry?.path();
                walk(&p, &to.join(p.file_name().unwrap_or_default()))?;
            }
        } else {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(from, to)?;
        }
        Ok(())
    }
    for entry in [
        "Cargo.toml",
        "Cargo.lock",
        "exercises",
        "solutions",
        "checker",
    ] {
        walk(&paths.root.join(entry), &to.join(entry))?;
    }
    Ok(())
}

/// A crate with only the course's mandatory dependencies, versions pinned
/// by the course's lock file, and one tokio test: the baseline for the cold
/// build and the floor for an edit-and-test cycle.
fn baseline_crate(paths: &Paths, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"deps-only\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
         [dependencies]\n\
         tokio = { version = \"1.54\", default-features = false, features = [\"rt\", \"macros\", \"sync\", \"time\", \"test-util\"] }\n\
         tokio-test = \"0.4\"\ninsta = { version = \"1.49\", default-features = false }\npretty_assertions = \"1.4\"\n\n\
         [profile.dev]\ndebug = false\n",
    )?;
    std::fs::copy(paths.root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let solution =
        std::fs::read_to_string(paths.root.join("solutions/01-bounded-send/src/lib.rs"))?;
    std::fs::write(
        dir.join("src/lib.rs"),
        format!("{solution}\n{BASELINE_TEST}"),
    )?;
    Ok(())
}

const BASELINE_TEST: &str = r#"
#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn kitchen_serves_every_dish() {
        pretty_assertions::assert_eq!(run_kitchen(12, 3).await, (1..=12).collect::<Vec<u32>>());
        let (tx, _rx) = tokio::sync::mpsc::channel(1);
        let mut chef = tokio_test::task::spawn(chef(tx, 2));
        tokio_test::assert_pending!(chef.poll());
        insta::assert_snapshot!("ok", @"ok");
    }
}
"#;

/// Appends a comment so that the file's content (and so its cache key)
/// changes, as a learner's save does.
fn touch_source(file: &Path, n: usize) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new().append(true).open(file)?;
    writeln!(f, "// bench edit {n}")
}

/// Runs `cmd` to completion; the time until a line of its stdout starts
/// with `prefix` (the whole run when none does) and the time to its end.
fn time_to_line(cmd: &mut Command, prefix: &str) -> std::io::Result<(f64, f64)> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .stdin(Stdio::null())
        .spawn()?;
    let mut seen = None;
    for line in BufReader::new(child.stdout.take().expect("piped"))
        .lines()
        .map_while(Result::ok)
    {
        if seen.is_none() && line.starts_with(prefix) {
            seen = Some(secs(start.elapsed()));
        }
    }
    child.wait()?;
    let end = secs(start.elapsed());
    Ok((seen.unwrap_or(end), end))
}

/// Where one `check 01` after an edit spent its time, from the milestones
/// it wrote (see `util::timings`).
#[derive(Default)]
struct Breakdown {
    startup: f64,
    before_build: f64,
    cargo: f64,
    rustc: f64,
    listing: f64,
    tests: f64,
    after: f64,
}

/// A row of the breakdown: its label, and its part of a [`Breakdown`].
type Part = (&'static str, fn(&Breakdown) -> f64);

impl Breakdown {
    const PARTS: [Part; 7] = [
        ("  of which: process start-up", |b| b.startup),
        ("  of which: lock, cache keys, staging", |b| b.before_build),
        ("  of which: cargo's own work", |b| b.cargo),
        (
            "  of which: rustc (the learner's crate, then the tests)",
            |b| b.rustc,
        ),
        ("  of which: listing the tests", |b| b.listing),
        ("  of which: running the tests (sandboxed)", |b| b.tests),
        ("  of which: report, cache, exit", |b| b.after),
    ];

    /// `marks` from a run started at `started` (epoch seconds) that took
    /// `total` seconds.
    fn of(marks: &[(String, f64, f64)], started: f64, total: f64) -> Breakdown {
        let at = |name: &str| marks.iter().find(|(w, ..)| w == name).map(|(_, t, _)| *t);
        let (Some(main), Some(staged), Some(built), Some(listed), Some(tested)) = (
            at("main"),
            at("staged"),
            at("built"),
            at("listed"),
            at("tested"),
        ) else {
            return Breakdown::default();
        };
        let rustc: f64 = marks
            .iter()
            .filter(|(w, ..)| w.starts_with("rustc:"))
            .map(|(_, a, b)| b - a)
            .sum();
        Breakdown {
            startup: main - started,
            before_build: staged - main,
            cargo: (built - staged - rustc).max(0.0),
            rustc,
            listing: listed - built,
            tests: tested - listed,
            after: (started + total - tested).max(0.0),
        }
    }
}

struct Row {
    what: &'static str,
    seconds: f64,
    baseline: Option<(&'static str, f64)>,
    target: &'static str,
}

pub fn bench(paths: &Paths, s: &Settings) -> CliResult {
    let scratch = std::env::temp_dir().join(format!("course-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let course = scratch.join("course");
    let deps = scratch.join("deps-only");
    copy_course(paths, &course)?;
    baseline_crate(paths, &deps)?;
    let say = |m: &str| eprintln!("bench: {m}");
    let mut rows = Vec::new();

    // 1. cold: empty target directories, the course and the floor in
    //    turns: `cargo run -p checker` to the first exercise's verdict on
    //    stdout and to its end, beside `cargo test` of the floor crate.
    //    The course is copied with its untouched stubs, as a newcomer has
    //    it (their verdicts are shipped, see `run::pristine`); a second
    //    cold run has exercise 01 edited, so that it must be built.
    let (mut first, mut whole, mut base) = (Vec::new(), Vec::new(), Vec::new());
    let (mut edited_first, mut edited_whole) = (Vec::new(), Vec::new());
    let lib = course.join("exercises/01-bounded-send/src/lib.rs");
    let stub = std::fs::read(&lib)?;
    for i in 0..s.cold_runs {
        say(&format!("cold run {}/{}", i + 1, s.cold_runs));
        let _ = std::fs::remove_dir_all(course.join("target"));
        let _ = std::fs::remove_dir_all(deps.join("target"));
        base.push(time(cargo().args(["test", "-q"]).current_dir(&deps))?);
        let checker_run = || {
            time_to_line(
                cargo()
                    .args(["run", "-q", "-p", "checker"])
                    .current_dir(&course),
                "Exercise ",
            )
        };
        let (to_first, to_end) = checker_run()?;
        first.push(to_first);
        whole.push(to_end);
        // That run built nothing, but its build script started the
        // dependencies' build in the background: let it end before the
        // next measurement, by waiting for cargo's lock on that build.
        time(&mut checker::build::prewarm::command(
            &course,
            cargo().get_program(),
        ))?;
        let _ = std::fs::remove_dir_all(course.join("target"));
        touch_source(&lib, i)?;
        let (to_first, to_end) = checker_run()?;
        std::fs::write(&lib, &stub)?;
        edited_first.push(to_first);
        edited_whole.push(to_end);
    }
    let base = median(base);
    let floor = Some(("floor `cargo test` from an empty target/", base));
    rows.push(Row {
        what: "cold: empty target/ → verdict of the current exercise",
        seconds: median(first),
        baseline: floor,
        target: "≤ 1.3× floor",
    });
    rows.push(Row {
        what: "cold: empty target/ → whole course checked",
        seconds: median(whole),
        baseline: floor,
        target: "≤ 1.6× floor",
    });
    rows.push(Row {
        what: "cold, exercise 01 edited → its verdict",
        seconds: median(edited_first),
        baseline: floor,
        target: "≤ 1.3× floor",
    });
    rows.push(Row {
        what: "cold, exercise 01 edited → whole course checked",
        seconds: median(edited_whole),
        baseline: floor,
        target: "≤ 1.6× floor",
    });

    // 2. warm, nothing changed.
    say("warm runs");
    let warm: Vec<f64> = (0..s.runs)
        .map(|_| {
            time(
                cargo()
                    .args(["run", "-q", "-p", "checker"])
                    .current_dir(&course),
            )
        })
        .collect::<Result<_, _>>()?;
    rows.push(Row {
        what: "warm, nothing changed (whole course)",
        seconds: median(warm),
        baseline: None,
        target: "≤ 0.5 s",
    });

    // 3. edit exercise 01, then its verdict; the floor is a plain
    //    `cargo test` rebuild of a small crate with the same dependencies.
    say("edit runs");
    let _ = time(cargo().args(["test", "-q"]).current_dir(&deps))?;
    let lib = course.join("exercises/01-bounded-send/src/lib.rs");
    let checker_bin = course.join("target/debug/checker");
    let mut edit = Vec::new();
    let mut floor = Vec::new();
    let mut parts: Vec<Breakdown> = Vec::new();
    let timings = scratch.join("timings.txt");
    for i in 0..s.runs {
        touch_source(&lib, i)?;
        let _ = std::fs::remove_file(&timings);
        let started = checker::util::timings::now();
        edit.push(time(
            Command::new(&checker_bin)
                .args(["check", "01"])
                .env(checker::util::timings::ENV, &timings),
        )?);
        let text = std::fs::read_to_string(&timings).unwrap_or_default();
        parts.push(Breakdown::of(
            &checker::util::timings::read(&text),
            started,
            edit[i],
        ));
        touch_source(&deps.join("src/lib.rs"), i)?;
        floor.push(time(cargo().args(["test", "-q"]).current_dir(&deps))?);
    }
    let floor = median(floor);
    rows.push(Row {
        what: "edit exercise 01 → verdict (check 01)",
        seconds: median(edit),
        baseline: Some(("cargo test rebuild, same deps", floor)),
        target: "≤ 1.0× floor",
    });
    for (what, pick) in Breakdown::PARTS {
        rows.push(Row {
            what,
            seconds: median(parts.iter().map(pick).collect()),
            baseline: None,
            target: "",
        });
    }
    rows.push(Row {
        what: "edit exercise 01 → verdict (watch)",
        seconds: watch_latency(&checker_bin, &course, &lib, s.runs)?,
        baseline: Some(("cargo test rebuild, same deps", floor)),
        target: "≤ 0.5 s",
    });
    say("quitting watch during a check");
    // Its tests sleep on the runtime's thread until the checker stops them
    // (2 s asleep each), so they are still running when `q` comes. A busy
    // loop no longer would be: the harness stops it within a quarter of a
    // second of processor time (`budget::POLL_CPU_MS`).
    let blocked = paths
        .root
        .join("checker/tests/fixtures/01-bounded-send/blocked-forever/src/lib.rs");
    if blocked.is_file() {
        let saved = std::fs::read(&lib)?;
        let quit: Vec<f64> = (0..s.runs)
            .map(|_| {
                // Each run starts from code that passes, so that saving the
                // blocked kitchen is a change.
                std::fs::write(&lib, &saved)?;
                watch_quit_latency(&checker_bin, &course, &lib, &blocked)
            })
            .collect::<Result<_, _>>()?;
        std::fs::write(&lib, saved)?;
        rows.push(Row {
            what: "q → exit while a blocked kitchen is checked (watch)",
            seconds: median(quit),
            baseline: None,
            target: "≤ 1 s",
        });
    }

    // 3b. the same edit while an editor's `cargo check` works on the
    //     workspace: separate target directories mean no lock to wait on.
    say("edit runs beside cargo check");
    let mut beside = Vec::new();
    for i in 0..s.runs {
        let mut check = cargo()
            .args(["check", "--workspace", "-q"])
            .current_dir(&course)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        touch_source(&course.join("solutions/01-bounded-send/src/lib.rs"), i)?;
        touch_source(&lib, 1000 + i)?;
        beside.push(time(Command::new(&checker_bin).args(["check", "01"]))?);
        let _ = check.wait();
    }
    rows.push(Row {
        what: "edit → verdict while `cargo check` runs",
        seconds: median(beside),
        baseline: Some(("cargo test rebuild, same deps", floor)),
        target: "no lock wait",
    });

    // 4. all hidden tests with everything built (no verdict cache).
    say("hidden tests");
    let _ = time(Command::new(&checker_bin).args(["check", "--solutions", "--no-cache"]))?;
    let hidden: Vec<f64> = (0..s.runs)
        .map(|_| time(Command::new(&checker_bin).args(["check", "--solutions", "--no-cache"])))
        .collect::<Result<_, _>>()?;
    let hidden = median(hidden);
    rows.push(Row {
        what: "all hidden tests, built (--no-cache)",
        seconds: hidden,
        baseline: None,
        target: "≤ 1 s",
    });
    // The same without containment: what the sandbox costs per test.
    let loose: Vec<f64> = (0..s.runs)
        .map(|_| {
            time(
                Command::new(&checker_bin)
                    .args(["check", "--solutions", "--no-cache"])
                    .env("CHECKER_SANDBOX", "off"),
            )
        })
        .collect::<Result<_, _>>()?;
    rows.push(Row {
        what: "all hidden tests, built, sandboxed",
        seconds: hidden,
        baseline: Some(("the same, CHECKER_SANDBOX=off", median(loose))),
        target: "≤ 1.2× unsandboxed",
    });

    // 5. grading: a warm-up submission, then a batch.
    say("grading");
    let subs = scratch.join("submissions");
    let make = |name: &str, from: &str| -> std::io::Result<PathBuf> {
        let dir = subs.join(name);
        for e in checker::model::course::EXERCISES {
            let src = paths.root.join(from).join(e.dir).join("src/lib.rs");
            let to = dir.join("exercises").join(e.dir).join("src");
            std::fs::create_dir_all(&to)?;
            std::fs::copy(src, to.join("lib.rs"))?;
        }
        Ok(dir)
    };
    let first = make("first", "solutions")?;
    // Uncontained, so that the batch below compiles every submission: a
    // contained batch keeps the builds of slots whose code is unchanged,
    // and this one's first slot would hold the same code (see `fresh`).
    let _ = time(
        Command::new(&checker_bin)
            .arg("grade")
            .arg(&first)
            .env("CHECKER_SANDBOX", "off"),
    )?;
    let batch: Vec<PathBuf> = (0..s.batch)
        .map(|i| {
            make(
                &format!("s{i:02}"),
                if i % 2 == 0 {
                    "solutions"
                } else {
                    "checker/stubs"
                },
            )
        })
        .collect::<Result<_, _>>()?;
    let graded = |what: &'static str, target: &'static str| -> std::io::Result<Row> {
        let whole = time(Command::new(&checker_bin).arg("grade").args(&batch))?;
        Ok(Row {
            what,
            seconds: whole / s.batch.max(1) as f64,
            baseline: None,
            target,
        })
    };
    rows.push(graded("grading, per submission (warm batch)", "≤ 10 s")?);
    if checker::run::sandbox::level().is_sandboxed() {
        rows.push(graded(
            "grading the same batch again, per submission (contained: builds kept)",
            "",
        )?);
    }
    // What containment costs: the same batch with and without it, taken
    // in turns. An uncontained batch removes every slot's build and marks
    // the work area, so the contained batch after it compiles every
    // submission too (see `fresh`); the compiler's caches are as warm for
    // both after the batches above.
    say("grading with and without containment");
    let (mut boxed, mut loose) = (Vec::new(), Vec::new());
    for _ in 0..s.runs.clamp(1, 3) {
        loose.push(time(
            Command::new(&checker_bin)
                .arg("grade")
                .args(&batch)
                .env("CHECKER_SANDBOX", "off"),
        )?);
        boxed.push(time(Command::new(&checker_bin).arg("grade").args(&batch))?);
    }
    let per = |xs: Vec<f64>| median(xs) / s.batch.max(1) as f64;
    rows.push(Row {
        what: "grading, per submission, sandboxed",
        seconds: per(boxed),
        baseline: Some(("the same batch, CHECKER_SANDBOX=off", per(loose))),
        target: "≤ 1.2× unsandboxed",
    });

    println!("{}", render(&rows, s));
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(0)
}

/// Median time from saving exercise 01 to `watch` printing its verdict.
fn watch_latency(checker: &Path, course: &Path, lib: &Path, runs: usize) -> std::io::Result<f64> {
    let mut child = Command::new(checker)
        .arg("--course")
        .arg(course)
        .arg("watch")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let (tx, rx) = std::sync::mpsc::channel::<(Instant, String)>();
    let out = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), line));
        }
    });
    let wait_for = |needle: &str| -> Option<Instant> {
        loop {
            let (at, line) = rx.recv_timeout(Duration::from_secs(120)).ok()?;
            if line.contains(needle) {
                return Some(at);
            }
        }
    };
    // The first verdict (without a terminal, watch prints each one).
    wait_for("checked in");
    // Let the first screen settle before the first save.
    std::thread::sleep(Duration::from_millis(300));
    let mut times = Vec::new();
    for i in 0..runs {
        let saved = Instant::now();
        touch_source(lib, 2000 + i)?;
        if let Some(at) = wait_for("checked in") {
            times.push(secs(at.duration_since(saved)));
        }
        std::thread::sleep(Duration::from_millis(300));
        while rx.try_recv().is_ok() {}
    }
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"q");
    }
    let _ = child.wait();
    Ok(median(times))
}

/// Time from `q` to the end of `watch` (the `checker` process the learner
/// started) while the hidden tests of `stuck` (code whose tests run until
/// the checker stops them) run: only cancelling them ends watch quickly.
fn watch_quit_latency(
    checker: &Path,
    course: &Path,
    lib: &Path,
    stuck: &Path,
) -> std::io::Result<f64> {
    let mut child = Command::new(checker)
        .arg("--course")
        .arg(course)
        .args(["watch", "--timeout", "60"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    for stream in [
        Box::new(child.stdout.take().expect("piped")) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().expect("piped")),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let wait_for = |needle: &str| loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(line) if line.contains(needle) => return,
            Ok(_) => {}
            Err(_) => return,
        }
    };
    wait_for("checked in");
    std::fs::copy(stuck, lib)?;
    wait_for("checking 01");
    // The build of the saved code comes first (a fraction of a second);
    // then the tests run, each for about two seconds.
    std::thread::sleep(Duration::from_secs(1));
    let asked = Instant::now();
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(b"q");
    }
    let _ = child.wait();
    Ok(secs(asked.elapsed()))
}

fn render(rows: &[Row], s: &Settings) -> String {
    let mut out = String::from(
        "| measurement | median | baseline | ratio | target |
|---|---|---|---|---|
",
    );
    for r in rows {
        let (base, ratio) = match r.baseline {
            Some((what, b)) => (
                format!("{b:.2} s ({what})"),
                format!("{:.2}×", r.seconds / b),
            ),
            None => ("—".to_string(), "—".to_string()),
        };
        out.push_str(&format!(
            "| {} | {:.3} s | {base} | {ratio} | {} |\n",
            r.what, r.seconds, r.target
        ));
    }
    out.push_str(&format!(
        "\n{} cold run(s), {} run(s) of every other measurement, a grading batch of {}; {} cores.\n",
        s.cold_runs,
        s.runs,
        s.batch,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    ));
    out
}
