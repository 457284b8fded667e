//! Command-line front end: parses arguments and calls the engine and a
//! reporter. Exit status: 0 when everything checked passes, 1 when a task
//! fails, 2 on a usage or environment error.

use crate::build::shadow::Target;
use crate::learner::share::Share;
use crate::model::course::{self, Exercise, Paths};
use crate::report;
use crate::run::engine;
use crate::run::options::Options;
use crate::util::exit::CliResult;
use crate::util::style::Style;
pub use parse::{Command, Source};
use parse::{Global, USAGE, parse, usage_error};

mod parse;
use std::path::PathBuf;

/// The `watch` command, provided by the `checker-watch` binary: with
/// `--poll`, and where to share each check's verdicts.
pub type WatchFn = fn(&Paths, &Options, bool, Option<&Share>, Style) -> CliResult;

/// Runs one of the instructor's and author's commands (`verify`, `grade`,
/// `merge`, `export`, `offline`, `bench`). They live in the
/// `checker-instructor` binary, which installs this before it runs the
/// command line; elsewhere the command is handed to that binary.
pub type InstructorFn = fn(Command, &Paths, &Options, Style) -> CliResult;

static INSTRUCTOR: std::sync::OnceLock<InstructorFn> = std::sync::OnceLock::new();

/// Makes this process run the instructor's commands itself.
pub fn install_instructor(run: InstructorFn) {
    let _ = INSTRUCTOR.set(run);
}

pub fn main() -> i32 {
    main_with(None)
}

/// The command line, with `watch` run by `watch` when given, and handed to
/// the `checker-watch` binary otherwise.
pub fn main_with(watch: Option<WatchFn>) -> i32 {
    let mut opts = Options::default();
    let mut global = Global { course: None };
    crate::util::pipe::exit_quietly_on_closed_stdout();
    // The board reads its own options: they are the instructor's, and
    // the checker need not know them to hand them over.
    if std::env::args_os().nth(1).is_some_and(|a| a == "board") {
        return delegate_board(&Paths::discover()).unwrap_or_else(|e| {
            eprintln!("error: {e}");
            2
        });
    }
    let command = match parse(&mut opts, &mut global) {
        Ok(c) => c,
        Err(e) => {
            eprint!("{}", usage_error(&e, Style::detect_stderr()));
            return 2;
        }
    };
    let paths = match course_paths(global) {
        Ok(paths) => paths,
        Err(message) => {
            error(&message);
            return 2;
        }
    };
    dispatch(command, &paths, &opts, watch).unwrap_or_else(|e| {
        error(&e.to_string());
        2
    })
}

/// An error on stderr, wrapped to the width like every message.
fn error(message: &str) {
    let width = Style::detect_stderr().width;
    for l in format!("error: {message}").lines() {
        for row in crate::util::layout::wrap_line(l, width, 2) {
            eprintln!("{row}");
        }
    }
}

/// This course, or the learner's copy that `--course` names.
fn course_paths(global: Global) -> Result<Paths, String> {
    let mut paths = Paths::discover();
    if let Some(dir) = global.course {
        match std::path::absolute(&dir) {
            Ok(dir) if dir.join("exercises").is_dir() => paths.learner = dir,
            _ => {
                return Err(format!(
                    "{} is not a copy of the course (no exercises/ folder)",
                    dir.display()
                ));
            }
        }
    }
    Ok(paths)
}

/// Runs one parsed command.
fn dispatch(command: Command, paths: &Paths, opts: &Options, watch: Option<WatchFn>) -> CliResult {
    let style = Style::detect();
    if uses_learner_state(&command) {
        crate::learner::guard::allow_learner_state(paths)?;
    }
    match command {
        Command::Help(None) => {
            print!("{}", crate::util::layout::reflow(USAGE, style.width) + "\n");
            Ok(0)
        }
        Command::Help(Some(name)) => {
            let spec = crate::learner::usage::spec(name).expect("parse checked the name");
            print!("{}", crate::learner::usage::command_help(spec, style.width));
            Ok(0)
        }
        Command::Check {
            exercise,
            json,
            source,
            share,
        } => check(paths, exercise, (json, share), source, opts, style),
        Command::Hint {
            exercise,
            task,
            all,
        } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::hint(paths, e, task, all, style)),
        Command::Bless { exercise } => bless(paths, &exercise, opts),
        command @ (Command::Verify { .. }
        | Command::Grade { .. }
        | Command::Merge { .. }
        | Command::Export { .. }
        | Command::Offline { .. }
        | Command::Bench { .. }) => match INSTRUCTOR.get() {
            Some(run) => run(command, paths, opts, style),
            None => delegate_instructor(paths),
        },
        Command::List => crate::learner::learn::list(paths, opts, style),
        Command::Watch { poll, share } => match watch {
            Some(run) => run(paths, opts, poll, share.as_ref(), style),
            None => delegate_watch(paths),
        },
        Command::Timeline { exercise, task } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::timeline(paths, e, task, opts, style)),
        Command::Reset { exercise, yes } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::reset(paths, e, yes, style)),
        Command::Solution { exercise, force } => exercise_arg(&exercise)
            .map_err(Into::into)
            .and_then(|e| crate::learner::learn::solution(paths, e, force, opts, style)),
    }
}

/// The commands that read or write the learner's progress or work.
fn uses_learner_state(command: &Command) -> bool {
    matches!(
        command,
        Command::Check {
            source: Source::Learner,
            ..
        } | Command::Hint { .. }
            | Command::List
            | Command::Watch { .. }
            | Command::Timeline { .. }
            | Command::Reset { .. }
            | Command::Solution { .. }
    )
}

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
    (json, share): (bool, Option<Share>),
    source: Source,
    opts: &Options,
    style: Style,
) -> CliResult {
    // Run from inside an exercise's folder, `check` means that exercise.
    let here = match (&exercise, &source) {
        (None, Source::Learner) => exercise_here(paths),
        _ => None,
    };
    let exercises: Vec<&'static Exercise> = match (&exercise, here) {
        (Some(name), _) if name == "all" => course::EXERCISES.to_vec(),
        (Some(name), _) => vec![exercise_arg(name)?],
        (None, Some(e)) => vec![e],
        (None, None) => course::EXERCISES.to_vec(),
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
    crate::learner::learn::announce_wait(paths);
    let results = if json {
        engine::run(paths, &targets, opts)?
    } else {
        // Each exercise's table as soon as its verdict is in: on a first
        // run, the exercise the learner is on comes first, while the rest
        // of the course still builds.
        engine::run_streaming(paths, &targets, opts, &mut |_, r| {
            use std::io::Write;
            print!("{}", report::terminal::render_exercise(paths, r, style));
            let _ = std::io::stdout().flush();
        })?
    };
    if json {
        print!("{}", report::json::render(&results));
    } else {
        print!(
            "{}",
            report::terminal::render_footer(paths, &results, style)
        );
        if let Some(e) = here {
            let note = format!(
                "Checked exercise {} only, the folder you are in. Every exercise: `{}`",
                e.number(),
                paths.command("check all")
            );
            println!(
                "\n{}",
                style.dim(&crate::util::layout::wrap(&note, 0, style.width))
            );
        }
    }
    // The verdict is on screen first; the board may take a moment.
    if let Some(share) = share {
        use std::io::Write;
        let _ = std::io::stdout().flush();
        if let Some(notice) = share.start(paths, &results).wait() {
            eprintln!("{notice}");
        }
    }
    Ok(if results.iter().all(|r| r.passed()) {
        0
    } else {
        1
    })
}

/// The exercise whose folder (or a folder below it) the command runs in,
/// if it runs inside the learner's copy of one.
fn exercise_here(paths: &Paths) -> Option<&'static Exercise> {
    let here = std::env::current_dir().ok()?;
    let course = std::fs::canonicalize(&paths.learner).unwrap_or(paths.learner.clone());
    let mut parts = here.strip_prefix(&course).ok()?.components();
    if parts.next()?.as_os_str() != "exercises" {
        return None;
    }
    let dir = parts.next()?.as_os_str().to_str()?;
    course::EXERCISES.iter().copied().find(|e| e.dir == dir)
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
    format!("x-{name}-{}", crate::util::files::path_tag(dir))
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

/// Runs `board` in the `checker-board` binary (crate `checker/board`),
/// building it on first use: only instructors run it, so no learner
/// compiles its HTTP server.
fn delegate_board(paths: &Paths) -> CliResult {
    let first = "board: building the workshop board (first use only)...";
    delegate("checker-board", first, paths, 2)
}

/// Runs this command line in `package`'s binary (from its `skip`-th
/// argument on), building it on first use (see [`run_package`]).
fn delegate(package: &str, first: &str, paths: &Paths, skip: usize) -> CliResult {
    run_package(package, first, paths, std::env::args_os().skip(skip))
}

/// Runs `package`'s binary with `args`, building it on first use (saying
/// `first` then): what only instructors or workshops need stays out of
/// every learner's first build. Cargo builds it from the course's root,
/// never from the current folder, which may be a submission with a
/// `.cargo/config.toml` of its own; the binary then runs here, where the
/// command line's folders mean what they say. Its exit status.
pub fn run_package(
    package: &str,
    first: &str,
    paths: &Paths,
    args: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> CliResult {
    use crate::util::json::{View, parse};
    if !paths.root.join("target/debug").join(package).exists() {
        eprintln!("{first}");
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = std::process::Command::new(cargo)
        .args(["build", "-q", "--message-format", "json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(paths.root.join("Cargo.toml"))
        .args(["-p", package])
        .current_dir(&paths.root)
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !built.status.success() {
        return Ok(built.status.code().unwrap_or(1));
    }
    let stdout = String::from_utf8_lossy(&built.stdout);
    let exe = stdout.lines().find_map(|line| {
        let doc = parse(line)?;
        let msg = View::new(&doc);
        (msg.get("target").get("name").str() == Some(package))
            .then(|| msg.get("executable").str().map(std::path::PathBuf::from))
            .flatten()
    });
    let Some(exe) = exe else {
        return Err(format!("cargo built {package} but named no binary").into());
    };
    let mut cmd = std::process::Command::new(exe);
    cmd.args(args);
    // Its builds name this binary as the compiler wrapper, as this one's
    // do, so that both share every compiled slot (`buildlimit::cargo_env`).
    if let Ok(me) = std::env::current_exe() {
        cmd.env(crate::build::buildlimit::WRAPPER_EXE_ENV, me);
    }
    let status = cmd.status()?;
    Ok(status.code().unwrap_or(1))
}

/// Runs the instructor's and author's commands in the `checker-instructor`
/// binary: grading's tokenizer, the reporters, `verify` and the rest stay
/// out of every learner's first build.
fn delegate_instructor(paths: &Paths) -> CliResult {
    let first = "building the instructor's commands (first use only)...";
    delegate("checker-instructor", first, paths, 1)
}

/// Runs `watch` in the `checker-watch` binary, building it on first use:
/// the file watcher's dependencies stay out of every learner's first build.
fn delegate_watch(paths: &Paths) -> CliResult {
    let first = "watch: building the file watcher (first use only)...";
    delegate("checker-watch", first, paths, 1)
}
