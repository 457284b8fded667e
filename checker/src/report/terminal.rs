//! The human report: a table of tasks with points, then what to do next.

use crate::course::{self, Paths};
use crate::model::{ExerciseResult, Status, TaskResult, TestResult};
use crate::style::Style;
use std::fmt::Write;

/// Widest line the report aims for, so it reads in an 80-column terminal.
const WIDTH: usize = 78;

/// The whole report for a `check` run.
pub fn render(paths: &Paths, results: &[ExerciseResult], style: Style) -> String {
    let mut out = String::new();
    for r in results {
        exercise_table(&mut out, r, style);
    }
    let (earned, max, done, tasks) = totals(results);
    let _ = writeln!(
        out,
        "{} {earned}/{max} points, {done} of {tasks} tasks done",
        style.bold("Total:"),
    );
    out.push('\n');
    next_step(&mut out, paths, results, style);
    out
}

/// Points earned, points available, tasks done, tasks in all.
fn totals(results: &[ExerciseResult]) -> (u32, u32, usize, usize) {
    let tasks: Vec<&TaskResult> = results.iter().flat_map(|r| &r.tasks).collect();
    (
        results.iter().map(|r| r.earned()).sum(),
        results.iter().map(|r| r.max()).sum(),
        tasks.iter().filter(|t| t.status == Status::Pass).count(),
        tasks.len(),
    )
}

fn symbol(status: Status, style: Style) -> String {
    match status {
        Status::Pass => style.green("✓"),
        Status::NotStarted => style.dim("·"),
        _ => style.red("✗"),
    }
}

fn exercise_table(out: &mut String, r: &ExerciseResult, style: Style) {
    let head = format!("Exercise {} · {}", &r.dir[..2], r.title);
    let score = format!("{}/{}", r.earned(), r.max());
    let pad = WIDTH.saturating_sub(head.chars().count() + score.len());
    let _ = writeln!(out, "{}{}{}", style.bold(&head), " ".repeat(pad), score);
    if let Some(e) = &r.compile_error {
        let at = e.location.as_deref().unwrap_or(&r.source);
        let _ = writeln!(out, "  {} does not compile: {at}", style.red("✗"));
    }
    if let Some(w) = r.warnings.first() {
        // Not a verdict, but often the cause of one: an ignored `send`
        // result, an unused value.
        let what = crate::style::strip_ansi(&w.message);
        let first = what
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("warning: ");
        let more = if r.warnings.len() > 1 {
            format!(" (+{} more)", r.warnings.len() - 1)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {} compiler warning{more}: {first}, at {}",
            style.yellow("!"),
            w.location.as_deref().unwrap_or("?")
        );
    }
    for t in &r.tasks {
        let status = if t.status == Status::Pass {
            ""
        } else {
            t.status.label()
        };
        let line = format!(
            "  {} {} {:<16} {:<36} {:>2}/{:<2} {}",
            symbol(t.status, style),
            t.number,
            t.item,
            clip(t.title, 36),
            t.earned,
            t.points,
            style.dim(status),
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out.push('\n');
}

/// Where the learner should look next: the first task that does not pass.
fn next_step(out: &mut String, paths: &Paths, results: &[ExerciseResult], style: Style) {
    let first = results.iter().find_map(|r| {
        r.tasks
            .iter()
            .find(|t| t.status != Status::Pass)
            .map(|t| (r, t))
    });
    let Some((r, t)) = first else {
        let _ = writeln!(out, "{}", style.green("Every task passes. Well done!"));
        return;
    };
    let file = format!("{}/src/lib.rs", r.source);
    let at = item_line(paths, &file, t.item)
        .map(|l| format!("{file}:{l}"))
        .unwrap_or(file.clone());
    let nothing_done = results.iter().all(|r| r.earned() == 0)
        && results.iter().all(|r| r.compile_error.is_none());
    if nothing_done && t.status == Status::NotStarted {
        let _ = writeln!(
            out,
            "{} read exercises/{}/README.md, then start with\n  exercise {}, task {} ({}) in {at}",
            style.bold("Start here:"),
            r.dir,
            &r.dir[..2],
            t.number,
            t.item
        );
        hint_line(out, paths, r, t, style);
        return;
    }
    if let Some(e) = &r.compile_error {
        // Name the task whose code holds the error, not the first task.
        let line = e
            .location
            .as_deref()
            .and_then(|l| l.rsplit(':').nth(1))
            .and_then(|l| l.parse::<usize>().ok());
        let task = line.and_then(|line| {
            r.tasks
                .iter()
                .filter_map(|t| item_line(paths, &file, t.item).map(|at| (at, t)))
                .filter(|(at, _)| *at <= line)
                .max_by_key(|(at, _)| *at)
                .map(|(_, t)| t)
        });
        let in_task = task
            .map(|t| format!(" (in task {}, {})", t.number, t.item))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} exercise {} does not compile{in_task}.\n  None of its tasks can run until it does. First error{}:\n",
            style.bold("Next:"),
            &r.dir[..2],
            if e.error_count > 1 {
                format!(" (of {})", e.error_count)
            } else {
                String::new()
            }
        );
        out.push_str(&indent(&style.ansi(e.first.trim_end()), 4));
        out.push('\n');
        return;
    }
    let _ = writeln!(
        out,
        "{} exercise {}, task {} ({}): {}",
        style.bold("Next:"),
        &r.dir[..2],
        t.number,
        t.item,
        t.title
    );
    let _ = writeln!(out, "  edit {at}");
    if let Some(test) = t.tests.iter().find(|x| x.status != Status::Pass) {
        test_details(out, test, style);
    }
    hint_line(out, paths, r, t, style);
}

fn hint_line(out: &mut String, paths: &Paths, r: &ExerciseResult, t: &TaskResult, style: Style) {
    let has_hint = course::find(r.dir)
        .and_then(|e| e.task(t.number))
        .is_some_and(|task| !task.hints.is_empty());
    if has_hint {
        let _ = writeln!(
            out,
            "  {} {}",
            style.dim("stuck?"),
            paths.command(&format!("hint {} {}", &r.dir[..2], t.number))
        );
    }
}

/// A test's timelines: the expected one above the learner's when the
/// test compared them, otherwise the learner's alone.
pub fn timelines(test: &TestResult, style: Style) -> String {
    let mut out = String::new();
    match &test.expected_events {
        Some(expected) => {
            let expected = crate::timeline::parse(expected);
            let (want, got) = crate::timeline::render_pair(&expected, &test.events, WIDTH);
            let _ = writeln!(out, "  {}", style.green("expected timeline:"));
            out.push_str(&want);
            let _ = writeln!(out, "  {}", style.red("your timeline:"));
            out.push_str(&got);
        }
        None => {
            let _ = writeln!(out, "  {}", style.dim("timeline:"));
            out.push_str(&crate::timeline::render(&test.events, WIDTH));
        }
    }
    out
}

/// Progress over the whole course, one line per exercise.
pub fn render_list(paths: &Paths, results: &[ExerciseResult], style: Style) -> String {
    let mut out = String::new();
    let (earned, max, done, tasks) = totals(results);
    let _ = writeln!(
        out,
        "{} {earned}/{max} points, {done} of {tasks} tasks\n",
        style.bold("Progress:"),
    );
    for r in results {
        let marks: String = r.tasks.iter().map(|t| symbol(t.status, style)).collect();
        let status = if r.passed() {
            style.green("✓")
        } else if r.earned() > 0 || r.compile_error.is_some() {
            style.yellow("▸")
        } else {
            style.dim("·")
        };
        let name = format!("{} {}", &r.dir[..2], r.title);
        let _ = writeln!(
            out,
            "  {status} {:<48} {:>2}/{:<2}  {marks}",
            clip(&name, 48),
            r.earned(),
            r.max()
        );
    }
    out.push('\n');
    next_step(&mut out, paths, results, style);
    out
}

/// The details of one failing test: what went wrong, the diff, where.
pub fn test_details(out: &mut String, test: &TestResult, style: Style) {
    let _ = writeln!(
        out,
        "  test {} {}",
        style.bold(&test.name),
        style.red(test.status.label())
    );
    let message = match test.status {
        Status::NotStarted => {
            "not started: the code still reaches `todo!()`. Replace it with your solution."
                .to_string()
        }
        _ => test.message.clone(),
    };
    if !message.is_empty() {
        out.push_str(&wrap(message.trim_end(), 4));
        out.push('\n');
    }
    // A test that reached `todo!()` may also have failed on the way; the
    // diff of a function that was never written only distracts.
    let started = test.status != Status::NotStarted;
    if let Some(diff) = test.diff.as_ref().filter(|_| started) {
        out.push('\n');
        out.push_str(&indent(style.ansi(diff).trim_end(), 4));
        out.push('\n');
    }
    if started && test.expected_events.is_some() {
        out.push('\n');
        out.push_str(&timelines(test, style));
    }
    // A failed expectation is located in the hidden test; only locations
    // in the learner's code help.
    if let Some(loc) = test
        .location
        .as_ref()
        .filter(|l| !l.starts_with("checker/hidden/"))
    {
        let _ = writeln!(out, "    at {loc}");
    }
    let spawned: Vec<_> = test
        .panics
        .iter()
        .filter(|p| p.thread.starts_with("spawned"))
        .collect();
    if test.status != Status::NotStarted && !spawned.is_empty() {
        let p = spawned[0];
        let _ = writeln!(
            out,
            "    a task spawned by your code panicked: {} ({})",
            p.message.lines().next().unwrap_or(""),
            p.location.as_deref().unwrap_or("unknown location")
        );
    }
    for (name, c) in [("stdout", &test.stdout), ("stderr", &test.stderr)] {
        if name == "stderr" && test.status == Status::NotStarted {
            // The harness keeps panics out of stderr: what is left there is
            // the code's own `eprintln!`s (or the runtime's last words), and
            // a test that failed or was killed while printing a lot is
            // often explained by its first lines.
            continue;
        }
        if c.text.trim().is_empty() {
            continue;
        }
        let lines: Vec<&str> = c.text.lines().collect();
        let shown = &lines[..lines.len().min(12)];
        let _ = writeln!(
            out,
            "    your code printed ({name}{}):",
            if lines.len() > shown.len() || c.dropped_bytes > 0 {
                ", first lines"
            } else {
                ""
            }
        );
        for l in shown {
            let l: String = l.chars().take(WIDTH - 6).collect();
            let _ = writeln!(out, "      {}", style.dim(&l));
        }
        let more = lines.len() - shown.len();
        if more > 0 || c.dropped_bytes > 0 {
            let _ = writeln!(
                out,
                "      {}",
                style.dim(&format!(
                    "... {more} more lines, {} more bytes not kept",
                    c.dropped_bytes
                ))
            );
        }
    }
}

/// The 1-based line where `fn item` (or `struct item`...) is defined.
fn item_line(paths: &Paths, file: &str, item: &str) -> Option<usize> {
    let text = std::fs::read_to_string(paths.learner.join(file))
        .or_else(|_| std::fs::read_to_string(paths.root.join(file)))
        .ok()?;
    let needles = [format!("fn {item}("), format!("fn {item}<")];
    text.lines()
        .position(|l| needles.iter().any(|n| l.contains(n.as_str())))
        .map(|i| i + 1)
}

/// Word-wraps prose to the report width, indented by `n` spaces; lines
/// that hold code-like text without spaces are left whole.
fn wrap(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && n + line.chars().count() + 1 + word.chars().count() > WIDTH {
                lines.push(format!("{pad}{line}"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(if line.is_empty() {
            String::new()
        } else {
            format!("{pad}{line}")
        });
    }
    lines.join("\n")
}

/// `s` cut to `n` characters, with an ellipsis when cut.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    s.chars().take(n - 1).chain(['…']).collect()
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
