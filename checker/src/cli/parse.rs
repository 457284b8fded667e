//! Reading the command line: the help text, the commands and their
//! arguments, and usage errors that fit on a small screen.

use crate::learner::share::Share;
use crate::learner::usage;
use crate::model::course;
use crate::report;
use crate::run::options::Options;
use crate::util::style::Style;
use lexopt::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

/// The whole help: short enough for a 24-row terminal and no wider than
/// 60 columns; each command's options are under `help COMMAND`.
pub(super) const USAGE: &str = "\
Checks your solutions to the tokio channels course.

Usage: cargo run -p checker [-- COMMAND] [--course DIR]

  check [EXERCISE]   check every exercise (the default)
                     or one: 01, 1 or 01-bounded-send;
                     inside an exercise's folder, that
                     one (`check all`: every one)
  list               progress over every exercise and task
  watch              re-check an exercise on every save
  hint EXERCISE [TASK]
                     the next hint, gentle first
  timeline EXERCISE TASK
                     draw what the channels did in a task
  reset EXERCISE     put an exercise back to its stub
  solution EXERCISE  the reference, once it passes

For authors and instructors: verify, bless, grade, merge,
export, offline, bench, board.
Workshops: check and watch take --share (README.md).

More on a command and its options:
  cargo run -p checker -- help COMMAND
";

/// Which implementation `check` looks at.
#[derive(Clone, Debug)]
pub enum Source {
    /// `exercises/`: the learner's work (the default).
    Learner,
    /// `checker/stubs/`: what a learner starts from.
    Stubs,
    /// `solutions/`: the reference solutions.
    Solutions,
    /// One folder holding `src/lib.rs`.
    Dir(PathBuf),
}

pub enum Command {
    Check {
        exercise: Option<String>,
        json: bool,
        source: Source,
        share: Option<Share>,
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
        /// `--partition K/N`: only shard K of N.
        partition: Option<(u64, u64)>,
    },
    Merge {
        shards: Vec<PathBuf>,
        format: String,
        output: Option<PathBuf>,
        reports: Vec<(String, PathBuf)>,
    },
    Export {
        to: PathBuf,
    },
    Offline {
        to: PathBuf,
        /// The student edition (`--student DIR`), not the authors' course.
        student: bool,
    },
    List,
    Bench {
        cold_runs: usize,
        runs: usize,
        batch: usize,
    },
    Watch {
        poll: bool,
        share: Option<Share>,
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
pub(super) struct Global {
    pub(super) course: Option<PathBuf>,
}

/// A usage mistake: what was wrong, and the command it concerns (whose
/// usage line the error shows), if known.
pub(super) struct UsageError {
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

/// Every argument as given, before any is checked against its command.
struct Raw {
    yes: bool,
    force: bool,
    poll: bool,
    all: bool,
    help: bool,
    cold_runs: usize,
    batch: usize,
    command: Option<String>,
    positional: Vec<String>,
    format: String,
    output: Option<PathBuf>,
    reports: Vec<(String, PathBuf)>,
    student: Option<PathBuf>,
    only: Vec<String>,
    source: Source,
    runs: Option<usize>,
    /// `--share`, `--code`, `--name`, as given.
    share: [Option<String>; 3],
    partition: Option<(u64, u64)>,
    /// The long names of the options given, to check against the command.
    given: Vec<&'static str>,
}

/// The command line read into [`Raw`]; options that apply to every command
/// go straight into `opts` and `global`.
fn read(opts: &mut Options, global: &mut Global) -> Result<Raw, UsageError> {
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
    let mut share: [Option<String>; 3] = [None, None, None];
    let mut partition: Option<(u64, u64)> = None;
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
            Long("share") => "share",
            Long("code") => "code",
            Long("name") => "name",
            Long("partition") => "partition",
            Long("seed") => "seed",
            Short('h') | Long("help") => "help",
            Value(_) => "",
            Long(other) => {
                let mut e = UsageError::new(format!("unknown option `--{other}`"), None);
                e.suggestion = usage::suggest(other, usage::OPTIONS.iter().map(|(n, _, _)| *n))
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
            Long("partition") => {
                partition = Some(
                    parse_partition(&parser.value()?.string()?)
                        .map_err(|e| UsageError::new(e, Some("grade")))?,
                )
            }
            Long("seed") => opts.seed = Some(parser.value()?.parse()?),
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
            Long("share") => share[0] = Some(parser.value()?.string()?),
            Long("code") => share[1] = Some(parser.value()?.string()?),
            Long("name") => share[2] = Some(parser.value()?.string()?),
            Short('h') | Long("help") => help = true,
            Value(v) if command.is_none() => command = Some(v.string()?),
            Value(v) => positional.push(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(Raw {
        yes,
        force,
        poll,
        all,
        help,
        cold_runs,
        batch,
        command,
        positional,
        format,
        output,
        reports,
        student,
        only,
        source,
        runs,
        share,
        partition,
        given,
    })
}

pub(super) fn parse(opts: &mut Options, global: &mut Global) -> Result<Command, UsageError> {
    let Raw {
        yes,
        force,
        poll,
        all,
        help,
        cold_runs,
        batch,
        mut command,
        mut positional,
        format,
        output,
        reports,
        student,
        only,
        source,
        runs,
        share,
        partition,
        given,
    } = read(opts, global)?;
    // `cargo run -p checker -- 01` reads naturally too: `check 01`.
    if let Some(name) = command.clone()
        && usage::spec(&name).is_none()
        && course::find(&name).is_some()
    {
        command = Some("check".to_string());
        positional.insert(0, name);
    }
    let spec = match command.as_deref() {
        None => usage::spec("check").expect("check is a command"),
        Some(name) => usage::spec(name)
            .ok_or_else(|| no_such_command(format!("unknown command `{name}`"), name))?,
    };
    let name = spec.name;
    if help {
        return Ok(Command::Help(command.is_some().then_some(name)));
    }
    if name == "help" {
        let about = match positional.first() {
            Some(topic) => Some(usage::spec(topic).map(|c| c.name).ok_or_else(|| {
                no_such_command(format!("no command `{topic}` to explain"), topic)
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
            "SHARD.json" => "at least one SHARD.json (written by `grade --report json=FILE`)",
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
        ("grade" | "merge", "junit" | "gradescope" | "csv" | "classroom" | "html") => false,
        ("grade" | "merge", _) => {
            return Err(UsageError::new(
                format!(
                    "unknown format `{format}` (human, json, junit, gradescope, csv, classroom or html)"
                ),
                Some(name),
            ));
        }
        _ => {
            return Err(UsageError::new(
                format!("unknown format `{format}` (human or json)"),
                Some(name),
            ));
        }
    };
    let share = share_of(share, name)?;
    let mut positional = positional.into_iter();
    let mut next = || positional.next().unwrap_or_default();
    Ok(match name {
        "check" => Command::Check {
            exercise: Some(next()).filter(|e| !e.is_empty()),
            json,
            source,
            share,
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
            partition,
        },
        "merge" => Command::Merge {
            shards: std::iter::from_fn(|| Some(next()))
                .take_while(|e| !e.is_empty())
                .map(PathBuf::from)
                .collect(),
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
        "watch" => Command::Watch { poll, share },
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
        "offline" => match (student, next()) {
            (Some(to), extra) if extra.is_empty() => Command::Offline { to, student: true },
            (None, to) if !to.is_empty() => Command::Offline {
                to: to.into(),
                student: false,
            },
            _ => {
                return Err(UsageError::new(
                    "`offline` needs --student DIR (the student edition) or DIR (the authors' \
                     course, answers included), not both",
                    Some("offline"),
                ));
            }
        },
        "export" => Command::Export {
            to: student
                .ok_or_else(|| UsageError::new("`export` needs --student DIR", Some("export")))?,
        },
        _ => return Ok(Command::Help(None)),
    })
}

/// `--share ADDRESS --code CODE --name NAME`: all three or none.
fn share_of(
    given: [Option<String>; 3],
    command: &'static str,
) -> Result<Option<Share>, UsageError> {
    match given {
        [None, None, None] => Ok(None),
        [Some(address), Some(code), Some(name)] => Share::new(&address, &code, &name)
            .map(Some)
            .map_err(|e| UsageError::new(e, Some(command))),
        _ => Err(UsageError::new(
            "sharing with the board needs all three: --share ADDRESS --code CODE --name NAME",
            Some(command),
        )),
    }
}

/// A usage error in a few lines: what was wrong, the likely intent, the
/// command's usage, and where the full help is. Never the whole help:
/// it would push the error off a small screen.
pub(super) fn usage_error(e: &UsageError, style: Style) -> String {
    let mut out = format!("{} {}\n", style.red("error:"), e.message);
    if let Some(s) = &e.suggestion {
        out.push_str(&format!("  did you mean `{s}`?\n"));
    }
    let shown = e.command.or(e
        .suggestion
        .as_deref()
        .and_then(|s| usage::spec(s).map(|c| c.name)));
    if let Some(c) = shown.and_then(usage::spec) {
        let line = format!("cargo run -p checker -- {} {}", c.name, c.args);
        out.push_str(&format!("  usage: {}\n", line.trim_end()));
    }
    let help = match e.command {
        Some(c) => format!("cargo run -p checker -- {c} --help"),
        None => "cargo run -p checker -- help".to_string(),
    };
    out.push_str(&format!("For more, run `{help}`.\n"));
    // Wrapped like every message: a long path or command is never cut.
    out.lines()
        .map(|l| crate::util::layout::wrap_line(l, style.width, 4).join("\n") + "\n")
        .collect()
}

/// `message` about `name`, which is no command, with the closest command
/// as a suggestion.
fn no_such_command(message: String, name: &str) -> UsageError {
    let mut e = UsageError::new(message, None);
    e.suggestion = usage::suggest(name, usage::COMMANDS.iter().map(|c| c.name)).map(str::to_string);
    e
}

/// Reads `K/N`: shard K (from 1) of N.
fn parse_partition(spec: &str) -> Result<(u64, u64), String> {
    let bad = || format!("--partition needs K/N with 1 <= K <= N, like 2/4, not `{spec}`");
    let (k, n) = spec.split_once('/').ok_or_else(bad)?;
    let (k, n): (u64, u64) = (
        k.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_read_strictly() {
        assert_eq!(parse_partition("2/4"), Ok((2, 4)));
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "1/4/2"] {
            assert!(parse_partition(bad).is_err(), "{bad}");
        }
    }
}
