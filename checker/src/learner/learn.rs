//! The learner's loop beyond `check`: progress (`list`), timelines,
//! `reset` with a backup, and the reference `solution` once earned.

use crate::build::shadow::Target;
use crate::learner::reset::{self, Outcome};
use crate::model::course::{self, Exercise, Paths};
use crate::model::results::{ExerciseResult, Status};
use crate::report::terminal;
use crate::run::engine;
use crate::run::options::Options;
use crate::util::exit::CliResult;
use crate::util::layout::{reflow, wrap, wrap_line};
use crate::util::style::Style;
use std::io::{BufRead, IsTerminal, Write};

/// Checks the learner's code for `exercises` (cached when unchanged).
pub fn check_learner(
    paths: &Paths,
    exercises: &[&'static Exercise],
    opts: &Options,
) -> std::io::Result<Vec<ExerciseResult>> {
    let targets: Vec<Target> = exercises
        .iter()
        .map(|e| Target::learner(paths, e))
        .collect();
    engine::run(paths, &targets, opts)
}

/// True when another checker (a `watch`, a `check` in another terminal,
/// the course's test suite) holds the work area, so that a check started
/// now would wait for it.
pub fn work_area_busy(paths: &Paths) -> bool {
    crate::run::worklock::busy(paths).is_some()
}

/// What a check started now would wait for: `Some("waiting for ...")`
/// naming the holder's command and process id, `None` when nothing holds
/// the work area.
pub fn wait_message(paths: &Paths) -> Option<String> {
    crate::run::worklock::busy(paths)
        .map(|holder| format!("waiting for {holder} to finish with the checker's work area…"))
}

/// Says so on stderr when a check has to wait for another checker, so
/// that the wait does not look like a hang.
pub fn announce_wait(paths: &Paths) {
    if let Some(message) = wait_message(paths) {
        eprintln!(
            "{}",
            wrap_line(&message, Style::detect_stderr().width, 2).join("\n")
        );
    }
}

pub fn list(paths: &Paths, opts: &Options, style: Style) -> CliResult {
    announce_wait(paths);
    let results = check_learner(paths, course::EXERCISES, opts)?;
    print!("{}", terminal::render_list(paths, &results, style));
    Ok(if results.iter().all(|r| r.passed()) {
        0
    } else {
        1
    })
}

pub fn timeline(
    paths: &Paths,
    e: &'static Exercise,
    task: u32,
    opts: &Options,
    style: Style,
) -> CliResult {
    let t = e.task(task).ok_or_else(|| no_task(e, task))?;
    announce_wait(paths);
    let results = check_learner(paths, &[e], opts)?;
    let r = &results[0];
    let with_events = |n: u32| {
        r.tasks.iter().find(|x| x.number == n).is_some_and(|x| {
            x.tests
                .iter()
                .any(|test| !test.events.is_empty() || test.expected_events.is_some())
        })
    };
    if r.compile_error.is_some() {
        say(
            &format!(
                "exercise {} does not compile yet: run `{}`",
                e.number(),
                paths.command(&format!("check {}", e.number()))
            ),
            style,
        );
        return Ok(1);
    }
    // The timeline a task's tests expect, from the recorded snapshots:
    // known even before the learner has written a line.
    let expected = |n: u32| -> Vec<(String, String)> {
        r.tasks
            .iter()
            .filter(|x| x.number == n)
            .flat_map(|x| &x.tests)
            .filter_map(|test| {
                let snap = paths
                    .hidden(e)
                    .join("snapshots")
                    .join(format!("{}.snap", test.name));
                Some((test.name.clone(), std::fs::read_to_string(snap).ok()?))
            })
            .collect()
    };
    let result = r.tasks.iter().find(|x| x.number == task);
    let not_started = result.is_some_and(|x| x.status == Status::NotStarted);
    if not_started && !expected(task).is_empty() {
        println!("{}", heading(e, t, style));
        say(
            &format!(
                "\nTask {task} is not started yet: its code still reaches `todo!()`, so there is \
             no timeline of yours to draw. This is what its tests expect:"
            ),
            style,
        );
        for (name, log) in expected(task) {
            println!("\ntest {}", style.bold(&name));
            println!("  {}", style.green("expected timeline:"));
            print!(
                "{}",
                crate::report::timeline::render(&crate::report::timeline::parse(&log), style.width)
            );
        }
        return Ok(1);
    }
    if !with_events(task) {
        let others: Vec<String> = e
            .tasks
            .iter()
            .filter(|x| with_events(x.number) || !expected(x.number).is_empty())
            .map(|x| format!("task {} ({})", x.number, x.item))
            .collect();
        say(
            &format!(
                "The tests of task {task} ({}) record no timeline{}.",
                t.item,
                if others.is_empty() {
                    String::new()
                } else {
                    format!("; these do: {}", others.join(", "))
                }
            ),
            style,
        );
        return Ok(0);
    }
    let result = r
        .tasks
        .iter()
        .find(|x| x.number == task)
        .expect("checked above");
    println!("{}", heading(e, t, style));
    for test in &result.tests {
        if test.events.is_empty() && test.expected_events.is_none() {
            continue;
        }
        println!(
            "\ntest {} — {}",
            style.bold(&test.name),
            test.status.label()
        );
        print!("{}", terminal::timelines(test, style));
        // The exact log, for what the picture had to abbreviate.
        println!("  {}", style.dim("your log:"));
        let width = test.events.iter().map(|e| e.actor.len()).max().unwrap_or(0);
        for e in &test.events {
            let line = format!("t={:>5}ms  {:<width$}  {}", e.at_ms, e.actor, e.what);
            println!("  {}", style.dim(&line));
        }
    }
    Ok(if result.status == Status::Pass { 0 } else { 1 })
}

/// A wrong task number, with the numbers there are.
fn no_task(e: &Exercise, n: u32) -> String {
    let first = e.tasks.iter().map(|t| t.number).min().unwrap_or(1);
    let last = e.tasks.iter().map(|t| t.number).max().unwrap_or(1);
    format!(
        "exercise {} has no task {n}: its tasks are {first} to {last}",
        e.number()
    )
}

/// Where `hint` remembers how many hints of each task a learner has seen,
/// one file per copy of the course: `NN TASK COUNT` per line.
fn hints_seen_file(paths: &Paths) -> std::path::PathBuf {
    paths
        .work()
        .join(format!("hints-{}.txt", paths.learner_slot()))
}

fn read_hints_seen(paths: &Paths) -> Vec<(String, u32, usize)> {
    std::fs::read_to_string(hints_seen_file(paths))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((
                f.next()?.to_string(),
                f.next()?.parse().ok()?,
                f.next()?.parse().ok()?,
            ))
        })
        .collect()
}

/// `hint`: hints are revealed one at a time, gentle first, so that a
/// learner who needs a nudge does not read the answer by accident.
/// Without a task, it shows the first hint of every task.
pub fn hint(
    paths: &Paths,
    e: &'static Exercise,
    task: Option<u32>,
    all: bool,
    style: Style,
) -> CliResult {
    let title = |t: &course::Task| heading(e, t, style);
    let Some(n) = task else {
        for t in e.tasks {
            println!("{}", title(t));
            let shown = if all { t.hints.len() } else { 1 };
            for (i, h) in t.hints.iter().take(shown).enumerate() {
                println!("{}", numbered(i + 1, h, style));
            }
            println!();
        }
        if !all {
            println!(
                "{}",
                style.dim(&format!(
                    "More for one task: {}",
                    paths.command(&format!("hint {} TASK", e.number()))
                ))
            );
        }
        return Ok(0);
    };
    let t = e.task(n).ok_or_else(|| no_task(e, n))?;
    let mut seen = read_hints_seen(paths);
    let before = seen
        .iter()
        .find(|(x, k, _)| x == e.number() && *k == n)
        .map_or(0, |(_, _, c)| *c);
    let shown = if all {
        t.hints.len()
    } else {
        (before + 1).min(t.hints.len())
    };
    println!("{}", title(t));
    for (i, h) in t.hints.iter().take(shown).enumerate() {
        println!("{}", numbered(i + 1, h, style));
    }
    if shown == t.hints.len() && !all && t.hints.len() > 1 {
        println!();
        say_dim(
            &format!(
                "That was the last hint ({shown} of {shown}). `{}` compares with the \
                 reference once the exercise passes.",
                paths.command(&format!("solution {}", e.number()))
            ),
            style,
        );
    }
    if shown < t.hints.len() {
        println!();
        say_dim(
            &format!(
                "Hint {shown} of {}. Still stuck? Run `{}` again for a more explicit one.",
                t.hints.len(),
                paths.command(&format!("hint {} {n}", e.number()))
            ),
            style,
        );
    }
    seen.retain(|(x, k, _)| !(x == e.number() && *k == n));
    seen.push((e.number().to_string(), n, shown.max(before)));
    let text: String = seen
        .iter()
        .map(|(x, k, c)| format!("{x} {k} {c}\n"))
        .collect();
    std::fs::create_dir_all(paths.work())?;
    std::fs::write(hints_seen_file(paths), text)?;
    Ok(0)
}

/// "Exercise 01 task 2: chef (...)", wrapped to the width, in bold.
fn heading(e: &Exercise, t: &course::Task, style: Style) -> String {
    let text = format!(
        "Exercise {} task {}: {} ({})",
        e.number(),
        t.number,
        t.item,
        t.title
    );
    wrap(&text, 0, style.width)
        .lines()
        .map(|l| style.bold(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints prose wrapped to the width, each line keeping its indentation.
fn say(text: &str, style: Style) {
    println!("{}", reflow(text, style.width));
}

/// Prints prose wrapped to the width, dimmed.
fn say_dim(text: &str, style: Style) {
    let text = wrap(text, 0, style.width);
    for l in text.lines() {
        println!("{}", style.dim(l));
    }
}

/// A numbered hint, wrapped to the width with its text aligned.
fn numbered(n: usize, hint: &str, style: Style) -> String {
    let text = wrap(hint, 5, style.width);
    format!("  {n}. {}", text.trim_start())
}

/// Asks a yes/no question on the terminal; `false` unless answered yes.
fn confirm(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let read = std::io::stdin().lock().read_line(&mut answer);
    if !answer.ends_with('\n') || read.is_err() {
        // Ctrl-D (end of input) leaves the cursor on the prompt line.
        eprintln!();
    }
    matches!(answer.trim(), "y" | "Y" | "yes")
}

pub fn reset(paths: &Paths, e: &'static Exercise, yes: bool, style: Style) -> CliResult {
    // Paths as typed from the folder the command runs in.
    let shown = |p: &std::path::Path| terminal::from_here(paths, &paths.display(p));
    let src = shown(&paths.exercise(e).join("src"));
    if !yes {
        if !std::io::stdin().is_terminal() {
            let text = format!(
                "reset asks before it replaces {src}; without a terminal to ask on, confirm \
                 with `--yes` (your version is kept as a backup either way)."
            );
            eprintln!("{}", wrap(&text, 0, Style::detect_stderr().width));
            return Ok(2);
        }
        let question = format!("Replace {src} with the stub? Your version is kept as a backup.");
        if !confirm(&wrap(&question, 0, style.width)) {
            println!("Nothing changed.");
            return Ok(1);
        }
    }
    match reset::reset(paths, e)? {
        Outcome::Unchanged => say(
            &format!("{src} already holds the stub: nothing to reset."),
            style,
        ),
        Outcome::Reset { backup, restored } => {
            let what = restored.join(" and ");
            let dir = shown(&paths.exercise(e));
            say(
                &format!(
                    "{} {dir}: {what} restored from the stub.",
                    style.green("Reset:")
                ),
                style,
            );
            // Each path on a line of its own, whole, to be copied.
            if let Some(backup) = backup {
                let backup = shown(&backup);
                println!("Your version is kept in");
                say(&format!("  {backup}/"), style);
                println!("To get it back:");
                say(&format!("  cp -r {backup}/. {dir}/"), style);
            } else {
                say(
                    "There was nothing of yours to keep: no backup was needed.",
                    style,
                );
            }
        }
    }
    Ok(0)
}

pub fn solution(
    paths: &Paths,
    e: &'static Exercise,
    force: bool,
    opts: &Options,
    style: Style,
) -> CliResult {
    let file = paths.solution(e).join("src/lib.rs");
    if !file.is_file() {
        say(
            "This copy of the course has no reference solutions (it is a student copy). \
             Your instructor has them.",
            style,
        );
        return Ok(2);
    }
    if !force {
        let r = &check_learner(paths, &[e], opts)?[0];
        if !r.passed() {
            say(
                &format!(
                    "Exercise {} is at {}/{} points. The reference solution is shown once \
                     every task passes, so that it does not spoil the puzzle; `solution {} \
                     --force` shows it now.",
                    e.number(),
                    r.earned(),
                    r.max(),
                    e.number()
                ),
                style,
            );
            return Ok(1);
        }
    }
    let text = std::fs::read_to_string(&file)?;
    let title = format!(
        "Reference solution of exercise {} ({})",
        e.number(),
        paths.display(&file)
    );
    println!("{}", style.bold(&wrap(&title, 0, style.width)));
    say(&format!("\n{}\n", e.compare), style);
    println!("{}", style.dim(&"─".repeat(style.width)));
    print!("{text}");
    Ok(0)
}
