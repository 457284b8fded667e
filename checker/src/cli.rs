//! Command-line front end: parses arguments and calls the engine and a
//! reporter. Exit status: 0 when everything checked passes, 1 when a task
//! fails, 2 on a usage or environment error.

use crate::course::{self, Exercise, Paths};
use crate::engine::{self, Options};
use crate::report;
use crate::shadow::Target;
use crate::style::Style;
use crate::verify;
use lexopt::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

const USAGE: &str = "\
Checks your solutions to the tokio channels course.

Usage: cargo run -p checker [-- COMMAND]

Commands:
  check [EXERCISE]        check every exercise, or one (01, 1 or 01-bounded-send)
                          (this is the default)
  list                    progress over every exercise and task
  watch [--poll]          re-check an exercise whenever you save it (q quits)
  hint EXERCISE [TASK] [--all]
                          the next hint for a task (gentle first; run it
                          again for a more explicit one), or all of them
  timeline EXERCISE TASK  draw what the channels did in a task's tests
  reset EXERCISE [--yes]  put an exercise back to its stub (keeps a backup)
  solution EXERCISE [--force]
                          show the reference solution once the exercise passes
  verify [EXERCISE...] [--runs N]
                          prove the course: every hidden test fails on its stub,
                          passes on its solution, and repeats exactly
  bless EXERCISE          authors: record the snapshots from the solution
  grade SUBMISSION...     instructors: grade learners' copies of the course
                          (see checker/README.md, \"Grading\")
  export --student DIR    instructors: a copy of the course without solutions
  bench [--cold-runs N] [--runs N] [--batch N]
                          time the learner's loop and grading (BENCHMARKS.md)

Options for every command:
  --course DIR            check the learner's copy of the course in DIR
                          (default: this course)

Options for check:
  --format human|json     output format (json: see checker/README.md)
  --source DIR            check the code in DIR/src/lib.rs instead of
                          exercises/EXERCISE (needs one EXERCISE)
  --stubs, --solutions    check the pristine stubs or the reference solutions
  --no-cache              run everything, even what has not changed
  --timeout SECS          real time one test may take (default 4)
  --jobs N                tests run at once (default: number of cores)

Options for grade:
  --format human|json|junit|gradescope|csv|classroom
  --output FILE           write the report to FILE (classroom: appends, for
                          $GITHUB_OUTPUT)
  --exercise EXERCISE     grade only this exercise (repeat for several)
";

/// Which implementation `check` looks at.
#[derive(Clone, Debug)]
enum Source {
    /// `exercises/`: the learner's work (the default).
    Learner,
    /// `checker/stubs/`: what a learner starts from.
    Stubs,
    /// `solutions/`: the reference solutions.
    Solutions,
    /// One folder holding `src/lib.rs`.
    Dir(PathBuf),
}

enum Command {
    Check {
        exercise: Option<String>,
        json: bool,
        source: Source,
    },
    Hint {
        exercise: String,
        task: Option<u32>,
        all: bool,
    },
    Verify {
        exercises: Vec<String>,
        runs: usize,
    },
    Bless {
        exercise: String,
    },
    Grade {
        submissions: Vec<PathBuf>,
        exercises: Vec<String>,
        format: String,
        output: Option<PathBuf>,
    },
    Export {
        to: PathBuf,
    },
    List,
    Bench {
        cold_runs: usize,
        runs: usize,
        batch: usize,
    },
    Watch {
        poll: bool,
    },
    Timeline {
        exercise: String,
        task: u32,
    },
    Reset {
        exercise: String,
        yes: bool,
    },
    Solution {
        exercise: String,
        force: bool,
    },
    Help,
}

/// Settings that apply to every command.
struct Global {
    course: Option<PathBuf>,
}

fn parse(opts: &mut Options, global: &mut Global) -> Result<Command, lexopt::Error> {
    let mut parser = lexopt::Parser::from_env();
    let (mut yes, mut force, mut poll, mut all) = (false, false, false, false);
    let (mut cold_runs, mut batch) = (1, 10);
    let mut command: Option<String> = None;
    let mut positional: Vec<String> = Vec::new();
    let mut format = String::from("human");
    let mut output: Option<PathBuf> = None;
    let mut student: Option<PathBuf> = None;
    let mut only: Vec<String> = Vec::new();
    let mut source = Source::Learner;
    let mut runs: Option<usize> = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("format") => {
                format = parser.value()?.string()?;
            }
            Long("source") => source = Source::Dir(PathBuf::from(parser.value()?)),
            Long("stubs") => source = Source::Stubs,
            Long("output") => output = Some(PathBuf::from(parser.value()?)),
            Long("student") => student = Some(PathBuf::from(parser.value()?)),
            Long("exercise") => only.push(parser.value()?.string()?),
            Long("solutions") => source = Source::Solutions,
            Long("timeout") => opts.deadline = Duration::from_secs_f64(parser.value()?.parse()?),
            Long("jobs") => opts.jobs = parser.value()?.parse()?,
            Long("runs") => runs = Some(parser.value()?.parse()?),
            Long("course") => global.course = Some(PathBuf::from(parser.value()?)),
            Long("yes") | Short('y') => yes = true,
            Long("force") => force = true,
            Long("poll") => poll = true,
            Long("all") => all = true,
            Long("no-cache") => opts.cache = false,
            Long("cold-runs") => cold_runs = parser.value()?.parse()?,
            Long("batch") => batch = parser.value()?.parse()?,
            Short('h') | Long("help") => return Ok(Command::Help),
            Value(v) if command.is_none() => command = Some(v.string()?),
            Value(v) => positional.push(v.string()?),
            _ => return Err(arg.unexpected()),
        }
    }
    let json = match (command.as_deref(), format.as_str()) {
        (_, "human") => false,
        (_, "json") => true,
        (Some("grade"), "junit" | "gradescope" | "csv" | "classroom") => false,
        (Some("grade"), _) => {
            return Err(format!(
                "unknown format `{format}` (human, json, junit, gradescope, csv or classroom)"
            )
            .into());
        }
        _ => return Err(format!("unknown format `{format}` (human or json)").into()),
    };
    let mut positional = positional.into_iter();
    let need = |what: &str, v: Option<String>| {
        v.ok_or_else(|| lexopt::Error::from(format!("missing {what}")))
    };
    Ok(match command.as_deref() {
        None => Command::Check {
            exercise: None,
            json,
            source,
        },
        Some("check") => Command::Check {
            exercise: positional.next(),
            json,
            source,
        },
        Some("hint") => Command::Hint {
            exercise: need("EXERCISE", positional.next())?,
            task: positional
                .next()
                .map(|t| {
                    t.parse()
                        .map_err(|_| format!("TASK must be a number, not `{t}`"))
                })
                .transpose()?,
            all,
        },
        Some("verify") => Command::Verify {
            exercises: positional.collect(),
            runs: runs.unwrap_or(3),
        },
        Some("bless") => Command::Bless {
            exercise: need("EXERCISE", positional.next())?,
        },
        Some("help") => Command::Help,
        Some("grade") => {
            let submissions: Vec<PathBuf> = positional.map(PathBuf::from).collect();
            if submissions.is_empty() {
                return Err("grade needs at least one SUBMISSION folder".into());
            }
            Command::Grade {
                submissions,
                exercises: only,
                format,
                output,
            }
        }
        Some("list") => Command::List,
        Some("bench") => Command::Bench {
            cold_runs,
            // Five is enough for a stable median of the quick figures.
            runs: runs.unwrap_or(5),
            batch,
        },
        Some("watch") => Command::Watch { poll },
        Some("timeline") => Command::Timeline {
            exercise: need("EXERCISE", positional.next())?,
            task: need("TASK", positional.next())?
                .parse()
                .map_err(|_| "TASK must be a number")?,
        },
        Some("reset") => Command::Reset {
            exercise: need("EXERCISE", positional.next())?,
            yes,
        },
        Some("solution") => Command::Solution {
            exercise: need("EXERCISE", positional.next())?,
            force,
        },
        Some("export") => Command::Export {
            to: student.ok_or_else(|| lexopt::Error::from("export needs --student DIR"))?,
        },
        // `cargo run -p checker -- 01` reads naturally too.
        Some(other) if course::find(other).is_some() => Command::Check {
            exercise: Some(other.to_string()),
            json,
            source,
        },
        Some(other) => return Err(format!("unknown command `{other}`").into()),
    })
}

/// The `watch` command, provided by the `checker-watch` binary.
pub type WatchFn = fn(&Paths, &Options, bool, Style) -> CliResult;

pub fn main() -> i32 {
    main_with(None)
}

/// The command line, with `watch` run by `watch` when given, and handed to
/// the `checker-watch` binary otherwise.
pub fn main_with(watch: Option<WatchFn>) -> i32 {
    let mut opts = Options::default();
    let mut global = Global { course: None };
    let command = match parse(&mut opts, &mut global) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return 2;
        }
    };
    let mut paths = Paths::discover();
    if let Some(dir) = global.course {
        match std::path::absolute(&dir) {
            Ok(dir) if dir.join("exercises").is_dir() => paths.learner = dir,
            _ => {
                eprintln!(
                    "error: {} is not a copy of the course (no exercises/ folder)",
                    dir.display()
                );
                return 2;
            }
        }
    }
    let style = Style::detect();
    let result = match command {
        Command::Help => {
            print!("{USAGE}");
            Ok(0)
        }
        Command::Check {
            exercise,
            json,
            source,
        } => check(&paths, exercise, json, source, &opts, style),
        Command::Hint {
            exercise,
            task,
            all,
        } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learn::hint(&paths, e, task, all, style)),
        Command::Verify { exercises, runs } => verify_cmd(&paths, &exercises, runs, &opts, style),
        Command::Bless { exercise } => bless(&paths, &exercise, &opts),
        Command::Grade {
            submissions,
            exercises,
            format,
            output,
        } => grade_cmd(&paths, &submissions, &exercises, &format, output, &opts),
        Command::Export { to } => export(&paths, &to),
        Command::List => crate::learn::list(&paths, &opts, style),
        Command::Bench {
            cold_runs,
            runs,
            batch,
        } => crate::bench::bench(
            &paths,
            &crate::bench::Settings {
                cold_runs,
                runs,
                batch,
            },
        ),
        Command::Watch { poll } => match watch {
            Some(run) => run(&paths, &opts, poll, style),
            None => delegate_watch(&paths),
        },
        Command::Timeline { exercise, task } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learn::timeline(&paths, e, task, &opts, style)),
        Command::Reset { exercise, yes } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learn::reset(&paths, e, yes, style)),
        Command::Solution { exercise, force } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learn::solution(&paths, e, force, &opts, style)),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        2
    })
}

pub type CliResult = Result<i32, Box<dyn std::error::Error>>;

pub fn exercise_arg(name: &str) -> Result<&'static Exercise, String> {
    course::find(name).ok_or_else(|| {
        let known: Vec<&str> = course::EXERCISES.iter().map(|e| e.dir).collect();
        format!(
            "no exercise `{name}`; the exercises are: {}",
            known.join(", ")
        )
    })
}

fn check(
    paths: &Paths,
    exercise: Option<String>,
    json: bool,
    source: Source,
    opts: &Options,
    style: Style,
) -> CliResult {
    let exercises: Vec<&'static Exercise> = match &exercise {
        Some(name) => vec![exercise_arg(name)?],
        None => course::EXERCISES.to_vec(),
    };
    let learner_slot = paths.learner_slot();
    let each = |slot: &str, dir: fn(&Paths, &Exercise) -> PathBuf| -> Vec<Target> {
        exercises
            .iter()
            .map(|e| Target {
                exercise: e,
                slot: slot.to_string(),
                source: dir(paths, e),
            })
            .collect()
    };
    let targets: Vec<Target> = match source {
        Source::Dir(dir) => {
            let [e] = exercises.as_slice() else {
                return Err("--source needs exactly one EXERCISE".into());
            };
            let dir = std::path::absolute(&dir)?;
            if !dir.join("src/lib.rs").is_file() {
                return Err(format!("{} has no src/lib.rs", dir.display()).into());
            }
            vec![Target {
                exercise: e,
                slot: source_slot(&dir),
                source: dir,
            }]
        }
        Source::Learner => each(&learner_slot, Paths::exercise),
        Source::Stubs => each("stub", Paths::stub),
        Source::Solutions => each("solution", Paths::solution),
    };
    crate::learn::announce_wait(paths);
    let results = engine::run(paths, &targets, opts)?;
    if json {
        print!("{}", report::json::render(&results));
    } else {
        print!("{}", report::terminal::render(paths, &results, style));
    }
    Ok(if results.iter().all(|r| r.passed()) {
        0
    } else {
        1
    })
}

/// A slot name for an arbitrary folder: readable, and distinct for
/// distinct folders so that two sources never share build artefacts.
fn source_slot(dir: &std::path::Path) -> String {
    let name: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(24)
        .collect();
    format!("x-{name}-{}", crate::files::path_tag(dir))
}

fn verify_cmd(
    paths: &Paths,
    names: &[String],
    runs: usize,
    opts: &Options,
    style: Style,
) -> CliResult {
    let exercises: Vec<&'static Exercise> = if names.is_empty() {
        course::EXERCISES.to_vec()
    } else {
        names
            .iter()
            .map(|n| exercise_arg(n))
            .collect::<Result<_, _>>()?
    };
    let findings = verify::verify(paths, &exercises, runs, opts, style)?;
    print!("{}", findings.report);
    if findings.problems.is_empty() {
        println!("{}", style.green("verify: the course is sound."));
        Ok(0)
    } else {
        println!("\n{} problem(s):", findings.problems.len());
        for p in &findings.problems {
            println!("  {} {p}", style.red("✗"));
        }
        Ok(1)
    }
}

fn bless(paths: &Paths, exercise: &str, opts: &Options) -> CliResult {
    let e = exercise_arg(exercise)?;
    let target = Target {
        exercise: e,
        slot: "solution".to_string(),
        source: paths.solution(e),
    };
    let opts = Options {
        bless: true,
        ..opts.clone()
    };
    let results = engine::run(paths, &[target], &opts)?;
    print!(
        "{}",
        report::terminal::render(paths, &results, Style::plain())
    );
    println!(
        "snapshots of {} recorded from the solution in {}",
        e.dir,
        paths.display(&paths.hidden(e).join("snapshots"))
    );
    Ok(0)
}

fn grade_cmd(
    paths: &Paths,
    submissions: &[PathBuf],
    only: &[String],
    format: &str,
    output: Option<PathBuf>,
    opts: &Options,
) -> CliResult {
    use crate::grade::{self, Submission};
    let subs: Vec<Submission> = submissions
        .iter()
        .map(|p| {
            if p.join("exercises").is_dir() {
                Submission::from_path(p)
            } else {
                Err(std::io::Error::other(format!(
                    "{} is not a copy of the course (it has no exercises/ folder)",
                    p.display()
                )))
            }
        })
        .collect::<Result<_, _>>()?;
    let one = || -> Result<(), String> {
        if subs.len() == 1 {
            Ok(())
        } else {
            Err(format!(
                "--format {format} describes one submission; grade them one at a time"
            ))
        }
    };
    if matches!(format, "gradescope" | "classroom") {
        one()?;
    }
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!("grading {} submission(s)...", subs.len());
    }
    let exercises: Vec<&'static Exercise> = only
        .iter()
        .map(|n| exercise_arg(n))
        .collect::<Result<_, _>>()?;
    let batch = grade::grade(paths, &subs, &exercises, opts)?;
    let text = match format {
        "json" => report::gradebook::json(&batch),
        "junit" => report::junit::render(&batch),
        "gradescope" => report::gradescope::render(&batch.graded[0], batch.seconds),
        "csv" => report::csv::render(&batch),
        "classroom" => report::classroom::render(&batch.graded[0]),
        _ => report::gradebook::human(
            &batch,
            if output.is_some() {
                Style::plain()
            } else {
                Style::detect()
            },
        ),
    };
    match output {
        Some(path) if format == "classroom" => {
            use std::io::Write;
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?
                .write_all(text.as_bytes())?;
        }
        Some(path) => std::fs::write(path, text)?,
        None => print!("{text}"),
    }
    // Grading succeeded whatever the scores are: a low score is not an error.
    Ok(0)
}

fn export(paths: &Paths, to: &std::path::Path) -> CliResult {
    let copied = crate::export::student_copy(paths, to)?;
    println!(
        "wrote a student copy of the course to {} ({copied} files; no solutions, no fixtures)",
        to.display()
    );
    Ok(0)
}

/// Runs `watch` in the `checker-watch` binary, building it on first use:
/// the file watcher's dependencies stay out of every learner's first build.
fn delegate_watch(paths: &Paths) -> CliResult {
    let built = paths.root.join("target/debug/checker-watch");
    if !built.exists() {
        eprintln!("watch: building the file watcher (first use only)...");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["run", "-q", "--manifest-path"])
        .arg(paths.root.join("Cargo.toml"))
        .args(["-p", "checker-watch", "--"])
        .args(std::env::args_os().skip(1))
        .status()?;
    Ok(status.code().unwrap_or(1))
}
