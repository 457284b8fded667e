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
  offline DIR             instructors: a copy of the course with every crate
                          vendored, for a room without network
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
  --timeout SECS          last-resort real-time limit per test (default 30)
  --jobs N                tests run at once (default: number of cores)

Options for grade:
  --format human|json|junit|gradescope|csv|classroom|html
                          (html: the class report, one static page)
  --output FILE           write the report to FILE (classroom: appends, for
                          $GITHUB_OUTPUT)
  --report FORMAT=FILE    also write a report in FORMAT to FILE, from the same
                          run (repeat for several)
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
        /// `--report FORMAT=FILE`: more reports from the same run.
        reports: Vec<(String, PathBuf)>,
    },
    Export {
        to: PathBuf,
    },
    Offline {
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
    /// The whole help, or one command's.
    Help(Option<&'static str>),
}

/// Settings that apply to every command.
struct Global {
    course: Option<PathBuf>,
}

/// A usage mistake: what was wrong, and the command it concerns (whose
/// usage line the error shows), if known.
struct UsageError {
    message: String,
    command: Option<&'static str>,
    suggestion: Option<String>,
}

impl UsageError {
    fn new(message: impl Into<String>, command: Option<&'static str>) -> UsageError {
        UsageError {
            message: message.into(),
            command,
            suggestion: None,
        }
    }
}

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> UsageError {
        UsageError::new(e.to_string(), None)
    }
}

/// `TASK`, the same words wherever a task number is expected.
fn task_number(command: &'static str, text: &str) -> Result<u32, UsageError> {
    text.parse().map_err(|_| {
        UsageError::new(
            format!("TASK must be a task's number, like 2, not `{text}`"),
            Some(command),
        )
    })
}

fn parse(opts: &mut Options, global: &mut Global) -> Result<Command, UsageError> {
    let mut parser = lexopt::Parser::from_env();
    let (mut yes, mut force, mut poll, mut all, mut help) = (false, false, false, false, false);
    let (mut cold_runs, mut batch) = (1, 10);
    let mut command: Option<String> = None;
    let mut positional: Vec<String> = Vec::new();
    let mut format = String::from("human");
    let mut output: Option<PathBuf> = None;
    let mut reports: Vec<(String, PathBuf)> = Vec::new();
    let mut student: Option<PathBuf> = None;
    let mut only: Vec<String> = Vec::new();
    let mut source = Source::Learner;
    let mut runs: Option<usize> = None;
    // The long names of the options given, to check against the command.
    let mut given: Vec<&'static str> = Vec::new();
    while let Some(arg) = parser.next()? {
        let name: &'static str = match &arg {
            Long("format") => "format",
            Long("source") => "source",
            Long("stubs") => "stubs",
            Long("output") => "output",
            Long("student") => "student",
            Long("exercise") => "exercise",
            Long("solutions") => "solutions",
            Long("timeout") => "timeout",
            Long("jobs") => "jobs",
            Long("runs") => "runs",
            Long("course") => "course",
            Long("yes") | Short('y') => "yes",
            Long("force") => "force",
            Long("poll") => "poll",
            Long("all") => "all",
            Long("no-cache") => "no-cache",
            Long("cold-runs") => "cold-runs",
            Long("batch") => "batch",
            Long("report") => "report",
            Short('h') | Long("help") => "help",
            Value(_) => "",
            Long(other) => {
                let mut e = UsageError::new(format!("unknown option `--{other}`"), None);
                e.suggestion =
                    crate::usage::suggest(other, crate::usage::OPTIONS.iter().map(|(n, _, _)| *n))
                        .map(|n| format!("--{n}"));
                return Err(e);
            }
            Short(c) => return Err(UsageError::new(format!("unknown option `-{c}`"), None)),
        };
        if !name.is_empty() {
            given.push(name);
        }
        match arg {
            Long("format") => format = parser.value()?.string()?,
            Long("source") => source = Source::Dir(PathBuf::from(parser.value()?)),
            Long("stubs") => source = Source::Stubs,
            Long("output") => output = Some(PathBuf::from(parser.value()?)),
            Long("report") => reports.push(
                report::parse_report(&parser.value()?.string()?)
                    .map_err(|e| UsageError::new(e, Some("grade")))?,
            ),
            Long("student") => student = Some(PathBuf::from(parser.value()?)),
            Long("exercise") => only.push(parser.value()?.string()?),
            Long("solutions") => source = Source::Solutions,
            Long("timeout") => {
                opts.deadline = Duration::from_secs_f64(parser.value()?.parse()?);
            }
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
            Short('h') | Long("help") => help = true,
            Value(v) if command.is_none() => command = Some(v.string()?),
            Value(v) => positional.push(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    // `cargo run -p checker -- 01` reads naturally too: `check 01`.
    if let Some(name) = command.clone()
        && crate::usage::spec(&name).is_none()
        && course::find(&name).is_some()
    {
        command = Some("check".to_string());
        positional.insert(0, name);
    }
    let spec = match command.as_deref() {
        None => crate::usage::spec("check").expect("check is a command"),
        Some(name) => crate::usage::spec(name).ok_or_else(|| {
            let mut e = UsageError::new(format!("unknown command `{name}`"), None);
            e.suggestion =
                crate::usage::suggest(name, crate::usage::COMMANDS.iter().map(|c| c.name))
                    .map(str::to_string);
            e
        })?,
    };
    let name = spec.name;
    if help {
        return Ok(Command::Help(command.is_some().then_some(name)));
    }
    if name == "help" {
        let about = match positional.first() {
            Some(topic) => Some(crate::usage::spec(topic).map(|c| c.name).ok_or_else(|| {
                let mut e = UsageError::new(format!("no command `{topic}` to explain"), None);
                e.suggestion =
                    crate::usage::suggest(topic, crate::usage::COMMANDS.iter().map(|c| c.name))
                        .map(str::to_string);
                e
            })?),
            None => None,
        };
        if positional.len() > 1 {
            return Err(UsageError::new(
                format!("unexpected argument `{}`", positional[1]),
                Some("help"),
            ));
        }
        return Ok(Command::Help(about));
    }
    if let Some(o) = given
        .iter()
        .find(|o| **o != "course" && !spec.options.contains(o))
    {
        let shown = if *o == "yes" { "--yes (-y)" } else { o };
        let shown = if shown.starts_with("--") {
            shown.to_string()
        } else {
            format!("--{shown}")
        };
        return Err(UsageError::new(
            format!("`{name}` does not take {shown}"),
            Some(name),
        ));
    }
    if positional.len() < spec.min {
        let what = spec
            .args
            .split_whitespace()
            .filter(|a| !a.starts_with('['))
            .nth(positional.len())
            .unwrap_or("more arguments")
            .trim_end_matches("...");
        let what = match what {
            "EXERCISE" => "an EXERCISE (01, 1 or 01-bounded-send)",
            "TASK" => "a TASK number, like 2",
            "SUBMISSION" => "at least one SUBMISSION folder",
            other => other,
        };
        return Err(UsageError::new(
            format!("`{name}` needs {what}"),
            Some(name),
        ));
    }
    if let Some(max) = spec.max
        && positional.len() > max
    {
        let extra: Vec<String> = positional[max..].iter().map(|a| format!("`{a}`")).collect();
        let message = match (name, max) {
            ("check", _) => format!(
                "`check` takes one EXERCISE, not {}: run `check` alone for every exercise",
                positional.len()
            ),
            _ => format!(
                "unexpected argument{} {} after `{name}`",
                if extra.len() > 1 { "s" } else { "" },
                extra.join(" ")
            ),
        };
        return Err(UsageError::new(message, Some(name)));
    }
    let json = match (name, format.as_str()) {
        (_, "human") => false,
        (_, "json") => true,
        ("grade", "junit" | "gradescope" | "csv" | "classroom" | "html") => false,
        ("grade", _) => {
            return Err(UsageError::new(
                format!(
                    "unknown format `{format}` (human, json, junit, gradescope, csv, classroom or html)"
                ),
                Some("grade"),
            ));
        }
        _ => {
            return Err(UsageError::new(
                format!("unknown format `{format}` (human or json)"),
                Some(name),
            ));
        }
    };
    let mut positional = positional.into_iter();
    let mut next = || positional.next().unwrap_or_default();
    Ok(match name {
        "check" => Command::Check {
            exercise: Some(next()).filter(|e| !e.is_empty()),
            json,
            source,
        },
        "hint" => Command::Hint {
            exercise: next(),
            task: Some(next())
                .filter(|t| !t.is_empty())
                .map(|t| task_number("hint", &t))
                .transpose()?,
            all,
        },
        "verify" => Command::Verify {
            exercises: std::iter::from_fn(|| Some(next()))
                .take_while(|e| !e.is_empty())
                .collect(),
            runs: runs.unwrap_or(3),
        },
        "bless" => Command::Bless { exercise: next() },
        "grade" => Command::Grade {
            submissions: std::iter::from_fn(|| Some(next()))
                .take_while(|e| !e.is_empty())
                .map(PathBuf::from)
                .collect(),
            exercises: only,
            format,
            output,
            reports,
        },
        "list" => Command::List,
        "bench" => Command::Bench {
            cold_runs,
            // Five is enough for a stable median of the quick figures.
            runs: runs.unwrap_or(5),
            batch,
        },
        "watch" => Command::Watch { poll },
        "timeline" => Command::Timeline {
            exercise: next(),
            task: task_number("timeline", &next())?,
        },
        "reset" => Command::Reset {
            exercise: next(),
            yes,
        },
        "solution" => Command::Solution {
            exercise: next(),
            force,
        },
        "offline" => Command::Offline { to: next().into() },
        "export" => Command::Export {
            to: student
                .ok_or_else(|| UsageError::new("`export` needs --student DIR", Some("export")))?,
        },
        _ => return Ok(Command::Help(None)),
    })
}

/// A usage error in a few lines: what was wrong, the likely intent, the
/// command's usage, and where the full help is. Never the whole help:
/// it would push the error off a small screen.
fn usage_error(e: &UsageError, style: Style) -> String {
    let mut out = format!("{} {}\n", style.red("error:"), e.message);
    if let Some(s) = &e.suggestion {
        out.push_str(&format!("  did you mean `{s}`?\n"));
    }
    let shown = e.command.or(e
        .suggestion
        .as_deref()
        .and_then(|s| crate::usage::spec(s).map(|c| c.name)));
    if let Some(c) = shown.and_then(crate::usage::spec) {
        let line = format!("cargo run -p checker -- {} {}", c.name, c.args);
        out.push_str(&format!("  usage: {}\n", line.trim_end()));
    }
    let help = match e.command {
        Some(c) => format!("cargo run -p checker -- {c} --help"),
        None => "cargo run -p checker -- help".to_string(),
    };
    out.push_str(&format!("For more, run `{help}`.\n"));
    out
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
    crate::pipe::exit_quietly_on_closed_stdout();
    let command = match parse(&mut opts, &mut global) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", usage_error(&e, Style::detect_stderr()));
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
        Command::Help(None) => {
            print!("{USAGE}");
            Ok(0)
        }
        Command::Help(Some(name)) => {
            let spec = crate::usage::spec(name).expect("parse checked the name");
            print!("{}", crate::usage::command_help(spec, style.width));
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
            reports,
        } => grade_cmd(
            &paths,
            &submissions,
            &exercises,
            (&format, output),
            &reports,
            &opts,
        ),
        Command::Export { to } => export(&paths, &to),
        Command::Offline { to } => offline(&paths, &to),
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
    (format, output): (&str, Option<PathBuf>),
    reports: &[(String, PathBuf)],
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
            Err(
                "gradescope and classroom reports describe one submission; grade them one \
                 at a time"
                    .to_string(),
            )
        }
    };
    let formats = std::iter::once(format).chain(reports.iter().map(|(f, _)| f.as_str()));
    if formats
        .clone()
        .any(|f| matches!(f, "gradescope" | "classroom"))
    {
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
    // How the batch was graded, for the JSON report and the class report.
    let meta = crate::provenance::record(paths, opts);
    let style = if output.is_some() {
        Style::plain()
    } else {
        Style::detect()
    };
    if format == "html" {
        class_report(
            paths,
            &report::gradebook::json_with_meta(&batch, Some(&meta)),
            output.as_deref(),
        )?;
    } else {
        let text = report::grade_report(format, &batch, style, &meta);
        match output {
            Some(path) => report::write_report(format, &path, &text)?,
            None => print!("{text}"),
        }
    }
    for (format, path) in reports {
        if format == "html" {
            class_report(
                paths,
                &report::gradebook::json_with_meta(&batch, Some(&meta)),
                Some(path),
            )?;
            continue;
        }
        let text = report::grade_report(format, &batch, Style::plain(), &meta);
        report::write_report(format, path, &text)?;
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

/// Draws the class report: the batch's JSON goes to the `checker-report`
/// binary (crate `checker/report-html`), built on first use like `watch`,
/// so no learner compiles the HTML writer before a first verdict.
fn class_report(paths: &Paths, json: &str, output: Option<&std::path::Path>) -> CliResult {
    let saved = paths.work().join("class-report.json");
    std::fs::create_dir_all(paths.work())?;
    std::fs::write(&saved, json)?;
    if !paths.root.join("target/debug/checker-report").exists() {
        eprintln!("grade: building the class report writer (first use only)...");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.args(["run", "-q", "--manifest-path"])
        .arg(paths.root.join("Cargo.toml"))
        .args(["-p", "checker-report", "--"])
        .arg(&saved);
    if let Some(out) = output {
        cmd.arg("--output").arg(std::path::absolute(out)?);
    }
    let status = cmd.status()?;
    if status.success() {
        Ok(0)
    } else {
        Err(std::io::Error::other("the class report could not be written").into())
    }
}

fn offline(paths: &Paths, to: &std::path::Path) -> CliResult {
    let (files, bytes) = crate::offline::bundle(paths, to)?;
    println!(
        "wrote an offline copy of the course to {} ({files} course files, {:.1} MiB with the \
         vendored crates). Copy the folder to the workshop machines; there, `cargo run -p \
         checker` and `cargo test` need no network.",
        to.display(),
        bytes as f64 / (1u64 << 20) as f64
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
