//! What each command accepts, and the help and errors built from that:
//! one table, so that `COMMAND --help`, the check for unexpected
//! arguments and the "did you mean" suggestions cannot disagree.

/// One command of the checker's command line.
pub struct CommandSpec {
    pub name: &'static str,
    /// The arguments, as the usage line shows them.
    pub args: &'static str,
    /// How many values may follow the command: at least, at most.
    pub min: usize,
    pub max: Option<usize>,
    /// The long options it accepts, without `--` (`course` and `help`
    /// are accepted everywhere).
    pub options: &'static [&'static str],
    pub about: &'static str,
}

/// Options that change how tests run, shared by every command that runs
/// them.
const RUN: &[&str] = &["timeout", "jobs", "no-cache"];

pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "check",
        args: "[EXERCISE]",
        min: 0,
        max: Some(1),
        options: &[
            "format",
            "source",
            "stubs",
            "solutions",
            "timeout",
            "jobs",
            "no-cache",
            "share",
            "code",
            "name",
        ],
        about: "Checks every exercise, or one (01, 1 or 01-bounded-send): points per task \
                and what to do next. This is what `cargo run -p checker` does. Run inside an \
                exercise's folder, it checks that exercise; `check all` checks every one \
                from anywhere.",
    },
    CommandSpec {
        name: "list",
        args: "",
        min: 0,
        max: Some(0),
        options: RUN,
        about: "Progress over every exercise and task.",
    },
    CommandSpec {
        name: "watch",
        args: "[--poll]",
        min: 0,
        max: Some(0),
        options: &[
            "poll", "timeout", "jobs", "no-cache", "share", "code", "name",
        ],
        about: "Re-checks an exercise whenever you save it. Keys: q quits, d shows the \
                details (diff and timelines), r checks again, arrows scroll. --poll looks \
                at the files every 200 ms instead of waiting for the system's change \
                events (for network drives and WSL2's /mnt).",
    },
    CommandSpec {
        name: "hint",
        args: "EXERCISE [TASK] [--all]",
        min: 1,
        max: Some(2),
        options: &["all"],
        about: "The next hint for a task, gentle first: run it again for a more explicit \
                one. Without TASK, the first hint of every task; --all shows them all.",
    },
    CommandSpec {
        name: "timeline",
        args: "EXERCISE TASK",
        min: 2,
        max: Some(2),
        options: RUN,
        about: "Draws what the channels did in a task's tests, as lanes in time, with the \
                expected timeline above yours.",
    },
    CommandSpec {
        name: "reset",
        args: "EXERCISE [--yes]",
        min: 1,
        max: Some(1),
        options: &["yes"],
        about: "Puts an exercise back to its stub. Your version is kept as a backup; \
                --yes skips the question.",
    },
    CommandSpec {
        name: "solution",
        args: "EXERCISE [--force]",
        min: 1,
        max: Some(1),
        options: &["force", "timeout", "jobs", "no-cache"],
        about: "Shows the reference solution once every task of the exercise passes; \
                --force shows it now.",
    },
    CommandSpec {
        name: "verify",
        args: "[EXERCISE...] [--runs N]",
        min: 0,
        max: None,
        options: &["runs", "timeout", "jobs"],
        about: "Authors: proves the course. Every hidden test fails on its stub, passes on \
                its solution, and repeats exactly (--runs times, default 3).",
    },
    CommandSpec {
        name: "bless",
        args: "EXERCISE",
        min: 1,
        max: Some(1),
        options: &["timeout", "jobs"],
        about: "Authors: records the snapshots of an exercise from its solution.",
    },
    CommandSpec {
        name: "grade",
        args: "SUBMISSION... [--format F] [--output FILE] [--report F=FILE] [--exercise E] \
               [--partition K/N] [--seed N]",
        min: 1,
        max: None,
        options: &[
            "format",
            "output",
            "report",
            "exercise",
            "partition",
            "seed",
            "timeout",
            "jobs",
        ],
        about: "Instructors: grades learners' copies of the course. --format human, json, \
                junit, gradescope, csv, classroom or html (the class report, one static \
                page); --output writes to a file (classroom appends, for $GITHUB_OUTPUT); \
                --report FORMAT=FILE writes another format from the same run (repeat for \
                several), FORMAT=DIR/ a file per submission (human, gradescope, html); \
                --exercise grades only that exercise (repeat for several); --partition K/N \
                grades only shard K of N (by submission name), to `merge` later; --seed N \
                replays a grading (the hidden tests vary their inputs by a seed drawn per \
                batch and recorded in the report). See checker/README.md, \"Grading\".",
    },
    CommandSpec {
        name: "merge",
        args: "SHARD.json... [--format F] [--output FILE] [--report F=FILE]",
        min: 1,
        max: None,
        options: &["format", "output", "report"],
        about: "Instructors: merges the JSON reports of shards (`grade --partition K/N \
                --report json=FILE`) into one, and writes every format from it exactly as \
                one `grade` of the whole class would (the class report included). \
                Submissions come in order of name.",
    },
    CommandSpec {
        name: "offline",
        args: "--student DIR | DIR",
        min: 0,
        max: Some(1),
        options: &["student"],
        about: "Instructors: writes the student edition (--student DIR, as `export \
                --student` makes it) to DIR with every crate that Linux, macOS and Windows \
                need vendored, and a cargo configuration that uses them, for a workshop \
                without network. Plain `offline DIR` bundles the authors' course: the \
                reference solutions and the fixtures included.",
    },
    CommandSpec {
        name: "export",
        args: "--student DIR",
        min: 0,
        max: Some(0),
        options: &["student"],
        about: "Instructors: writes a copy of the course without solutions to DIR.",
    },
    CommandSpec {
        name: "bench",
        args: "[--cold-runs N] [--runs N] [--batch N]",
        min: 0,
        max: Some(0),
        options: &["cold-runs", "runs", "batch"],
        about: "Times the learner's loop and grading against baselines (BENCHMARKS.md).",
    },
    CommandSpec {
        name: "board",
        args: "[--listen ADDR] [--code CODE]",
        min: 0,
        max: None,
        // The board reads its own options (checker/board/src/main.rs);
        // the checker hands them over untouched.
        options: &[],
        about: "Workshops: the live board. Attendees who run `check` or `watch` with \
                --share ADDR --code CODE --name NAME appear on its page as they work. \
                Built on first use; `board --help` explains its options, and \
                `board --report FILE.html` writes the class report of its journal.",
    },
    CommandSpec {
        name: "help",
        args: "[COMMAND]",
        min: 0,
        max: Some(1),
        options: &[],
        about: "Lists every command, or explains one.",
    },
];

/// Every long option, with its value's name (empty for a flag) and what
/// it does; `help COMMAND` lists the ones the command accepts.
pub const OPTIONS: &[(&str, &str, &str)] = &[
    (
        "course",
        "DIR",
        "check the learner's copy of the course in DIR",
    ),
    ("format", "FORMAT", "output format (check: human or json)"),
    (
        "source",
        "DIR",
        "check the code in DIR/src/lib.rs (one EXERCISE)",
    ),
    ("stubs", "", "check the pristine stubs"),
    ("solutions", "", "check the reference solutions"),
    ("no-cache", "", "run everything, even what has not changed"),
    (
        "timeout",
        "SECS",
        "real-time backstop per test (default 30; CPU and sleep budgets decide first)",
    ),
    (
        "jobs",
        "N",
        "tests run at once, and crates compiled at once (default: number of cores)",
    ),
    ("runs", "N", "how many times to run"),
    ("poll", "", "look at the files every 200 ms"),
    ("all", "", "every hint at once"),
    ("yes", "", "do not ask first (also -y)"),
    ("force", "", "show it even before the exercise passes"),
    ("output", "FILE", "write the report to FILE"),
    (
        "report",
        "FORMAT=FILE",
        "also write FORMAT to FILE, from the same run",
    ),
    ("exercise", "EXERCISE", "only this exercise (repeatable)"),
    (
        "partition",
        "K/N",
        "grade only shard K of N (by submission name)",
    ),
    (
        "seed",
        "N",
        "the seed of the inputs graded tests vary (default: drawn per batch)",
    ),
    ("student", "DIR", "where to write the student copy"),
    ("cold-runs", "N", "how many cold builds to time"),
    ("batch", "N", "submissions in the grading batch"),
    (
        "share",
        "ADDRESS",
        "workshops: send each check's verdicts (never code) to the board at ADDRESS",
    ),
    (
        "code",
        "CODE",
        "the join code the board printed (with --share)",
    ),
    (
        "name",
        "NAME",
        "the name the board shows for you (with --share)",
    ),
];

/// Whether the long option `name` (without `--`) takes a value.
pub fn takes_value(name: &str) -> bool {
    OPTIONS
        .iter()
        .any(|(n, value, _)| *n == name && !value.is_empty())
}

pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The help of one command: usage, what it does, its options.
pub fn command_help(c: &CommandSpec, width: usize) -> String {
    let line = format!("cargo run -p checker -- {} {}", c.name, c.args);
    let mut out = format!("Usage: {}\n\n", line.trim_end());
    out.push_str(&crate::util::layout::wrap(c.about, 0, width));
    out.push_str("\n\nOptions:\n");
    let mut rows: Vec<(String, &str)> = Vec::new();
    for name in c.options.iter().chain(&["course"]) {
        if let Some((_, value, what)) = OPTIONS.iter().find(|(n, _, _)| n == name) {
            let flag = if value.is_empty() {
                format!("--{name}")
            } else {
                format!("--{name} {value}")
            };
            rows.push((flag, what));
        }
    }
    rows.push(("-h, --help".to_string(), "this help"));
    let column = rows.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
    for (flag, what) in rows {
        let what = crate::util::layout::wrap(what, column + 4, width);
        out.push_str(&format!("  {flag:<column$}  {}\n", what.trim_start()));
    }
    out
}

/// The known word closest to `word`, if it is close enough to be a typo:
/// at most one edit for short words, two for longer ones.
pub fn suggest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if word.chars().count() <= 4 { 1 } else { 2 };
    known
        .into_iter()
        .map(|k| (edit_distance(word, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edits (insert, delete, replace, or swap two neighbours) that turn `a`
/// into `b`: optimal string alignment distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_get_the_closest_command() {
        let names = || COMMANDS.iter().map(|c| c.name);
        assert_eq!(suggest("hnit", names()), Some("hint"));
        assert_eq!(suggest("chekc", names()), Some("check"));
        assert_eq!(suggest("wach", names()), Some("watch"));
        assert_eq!(suggest("lsit", names()), Some("list"));
        assert_eq!(suggest("xyzzy", names()), None);
    }

    #[test]
    fn every_command_the_help_names_can_be_explained() {
        for name in [
            "verify", "bless", "grade", "merge", "export", "offline", "bench", "board",
        ] {
            assert!(spec(name).is_some(), "`help {name}` has nothing to say");
        }
    }

    #[test]
    fn every_option_a_command_accepts_is_described() {
        for c in COMMANDS {
            for o in c.options {
                assert!(
                    OPTIONS.iter().any(|(n, _, _)| n == o),
                    "--{o} of {} has no description",
                    c.name
                );
            }
        }
    }
}
