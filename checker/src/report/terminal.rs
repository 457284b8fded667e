//! The human report: a table of tasks with points, then what to do next,
//! laid out for the width in the [`Style`] (the terminal's, or a fixed one).

use crate::model::course::{self, Paths};
use crate::model::results::{ExerciseResult, Status, TaskResult, TestResult};
use crate::util::style::Style;
use std::fmt::Write;

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
    next_step(&mut out, paths, results, style, false);
    out
}

/// The report of one exercise for a small screen (`watch`): its table and
/// the first failure in a few lines, without the diff and timelines.
pub fn render_brief(paths: &Paths, result: &ExerciseResult, style: Style) -> String {
    let mut out = String::new();
    exercise_table(&mut out, result, style);
    next_step(&mut out, paths, std::slice::from_ref(result), style, true);
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
    let head = clip(&head, style.width.saturating_sub(score.len() + 1));
    let pad = style
        .width
        .saturating_sub(head.chars().count() + score.len());
    let _ = writeln!(out, "{}{}{}", style.bold(&head), " ".repeat(pad), score);
    if let Some(e) = &r.compile_error {
        let at = e.location.as_deref().unwrap_or(&r.source);
        let _ = writeln!(out, "  {} does not compile: {at}", style.red("✗"));
    }
    if let Some(w) = r.warnings.first() {
        // Not a verdict, but often the cause of one: an ignored `send`
        // result, an unused value.
        let what = crate::util::style::strip_ansi(&w.message);
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
        let text = format!(
            "compiler warning{more}: {first}, at {}",
            w.location.as_deref().unwrap_or("?")
        );
        let text = wrap(&text, 4, style.width);
        let _ = writeln!(out, "  {} {}", style.yellow("!"), text.trim_start());
    }
    for t in &r.tasks {
        let _ = writeln!(out, "{}", task_row(r, t, style));
    }
    out.push('\n');
}

/// One row of an exercise's task table, as wide as the style allows: the
/// title column takes what the fixed columns leave.
pub fn task_row(r: &ExerciseResult, t: &TaskResult, style: Style) -> String {
    let status = if t.status == Status::Pass {
        ""
    } else {
        t.status.label()
    };
    // Columns line up across exercises unless a name is unusually long.
    let item = r.tasks.iter().map(|t| t.item.len()).max().unwrap_or(0);
    let item = item.max(15) + 1;
    // Room for the verdicts this table shows, and no more: on a narrow
    // terminal every column counts.
    let widest_status = r
        .tasks
        .iter()
        .filter(|t| t.status != Status::Pass)
        .map(|t| t.status.label().len() + 1)
        .max()
        .unwrap_or(0);
    // "  ✓ 1 " + item + " " + title + " " + "10/10" + " status"
    let fixed = 6 + item + 1 + 1 + 5 + widest_status;
    let title = style.width.saturating_sub(fixed).clamp(8, 40);
    let line = format!(
        "  {} {} {:<item$} {:<title$} {:>2}/{:<2} {}",
        symbol(t.status, style),
        t.number,
        clip(t.item, item),
        clip(t.title, title),
        t.earned,
        t.points,
        style.dim(status),
    );
    line.trim_end().to_string()
}

/// Where the learner should look next: the first task that does not pass.
fn next_step(
    out: &mut String,
    paths: &Paths,
    results: &[ExerciseResult],
    style: Style,
    brief: bool,
) {
    let first = results.iter().find_map(|r| {
        r.tasks
            .iter()
            .find(|t| t.status != Status::Pass)
            .map(|t| (r, t))
    });
    let Some((r, t)) = first else {
        if let Some(last) = results.last() {
            finished(out, paths, last, results.len(), style);
        }
        return;
    };
    let file = format!("{}/src/lib.rs", r.source);
    let at = item_line(paths, &file, t.item)
        .map(|l| format!("{}:{l}", from_here(paths, &file)))
        .unwrap_or(from_here(paths, &file));
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
    let next = format!(
        "exercise {}, task {} ({}): {}",
        &r.dir[..2],
        t.number,
        t.item,
        t.title
    );
    let next = wrap(&next, 2, style.width.saturating_sub(6));
    let _ = writeln!(out, "{} {}", style.bold("Next:"), next.trim_start());
    let _ = writeln!(out, "  edit {at}");
    if let Some(test) = t.tests.iter().find(|x| x.status != Status::Pass) {
        if brief {
            brief_details(out, test, style);
        } else {
            test_details(out, test, style);
        }
    }
    hint_line(out, paths, r, t, style);
}

/// What to do once the exercises checked all pass: compare with the
/// reference, then go on to the next exercise of the course, if any.
fn finished(
    out: &mut String,
    paths: &Paths,
    last: &ExerciseResult,
    results_len: usize,
    style: Style,
) {
    if results_len > 1 {
        let _ = writeln!(
            out,
            "{}\n  compare with the reference solutions: {}",
            style.green("Every exercise passes. Well done!"),
            paths.command("solution EXERCISE")
        );
        return;
    }
    let all = course::EXERCISES;
    let next = all
        .iter()
        .position(|e| e.dir == last.dir)
        .and_then(|i| all.get(i + 1));
    let n = &last.dir[..2];
    let _ = writeln!(
        out,
        "{}",
        style.green(&format!("Exercise {n} passes. Well done!"))
    );
    let _ = writeln!(
        out,
        "  compare with the reference: {}",
        paths.command(&format!("solution {n}"))
    );
    match next {
        Some(e) => {
            let _ = writeln!(
                out,
                "  {} exercise {} ({}): read exercises/{}/README.md",
                style.bold("Next:"),
                e.number(),
                e.title,
                e.dir
            );
        }
        None => {
            let _ = writeln!(out, "  That was the last exercise of the course.");
        }
    }
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
    let width = style.width;
    let mut out = String::new();
    match &test.expected_events {
        Some(expected) => {
            let expected = crate::report::timeline::parse(expected);
            let (want, got) = crate::report::timeline::render_pair(&expected, &test.events, width);
            let _ = writeln!(out, "  {}", style.green("expected timeline:"));
            out.push_str(&want);
            let _ = writeln!(out, "  {}", style.red("your timeline:"));
            out.push_str(&got);
        }
        None => {
            let _ = writeln!(out, "  {}", style.dim("timeline:"));
            out.push_str(&crate::report::timeline::render(&test.events, width));
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
        // "  ▸ " + name + " " + "10/10" + "  " + one mark per task
        let room = style.width.saturating_sub(4 + 1 + 5 + 2 + r.tasks.len());
        let name_width = room.clamp(12, 48);
        let _ = writeln!(
            out,
            "  {status} {:<name_width$} {:>2}/{:<2}  {marks}",
            clip(&name, name_width),
            r.earned(),
            r.max()
        );
    }
    out.push('\n');
    next_step(&mut out, paths, results, style, false);
    out
}

/// The details of one failing test: what went wrong, the diff, where.
pub fn test_details(out: &mut String, test: &TestResult, style: Style) {
    test_summary(out, test, style);
    test_evidence(out, test, style);
}

/// The first lines of a failing test's details, for a small screen.
fn brief_details(out: &mut String, test: &TestResult, style: Style) {
    /// Enough for the cause in most messages; the rest is one key away.
    const MESSAGE_LINES: usize = 4;
    let mut summary = String::new();
    test_summary(&mut summary, test, style);
    let lines: Vec<&str> = summary.lines().collect();
    for l in lines.iter().take(MESSAGE_LINES + 1) {
        let _ = writeln!(out, "{l}");
    }
    if lines.len() > MESSAGE_LINES + 1 {
        let _ = writeln!(
            out,
            "    {}",
            style.dim("… (d: all of it, the diff and the timelines)")
        );
    }
    if let Some(loc) = test
        .location
        .as_ref()
        .filter(|l| !l.starts_with("checker/hidden/"))
    {
        let _ = writeln!(out, "    at {loc}");
    }
}

/// The first lines of a failing test: its name and verdict, and what went
/// wrong in the pattern's terms.
pub fn test_summary(out: &mut String, test: &TestResult, style: Style) {
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
        out.push_str(&wrap(message.trim_end(), 4, style.width));
        out.push('\n');
    }
}

/// The evidence behind a verdict: the diff, the timelines, where it
/// happened, and what the code printed.
pub fn test_evidence(out: &mut String, test: &TestResult, style: Style) {
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
            let l: String = l.chars().take(style.width.saturating_sub(6)).collect();
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

/// `rel` (a path in the learner's copy) as the learner can click or type
/// it: relative to the current folder when that is inside an exercise,
/// relative to the course otherwise (where every command runs from).
pub fn from_here(paths: &Paths, rel: &str) -> String {
    let here = std::env::current_dir().ok();
    let course = std::fs::canonicalize(&paths.learner).unwrap_or(paths.learner.clone());
    let Some(inside) = here
        .as_ref()
        .and_then(|h| h.strip_prefix(&course).ok())
        .filter(|inside| inside.starts_with("exercises"))
    else {
        return rel.to_string();
    };
    let target = std::path::Path::new(rel);
    if let Ok(below) = target.strip_prefix(inside) {
        return below.display().to_string();
    }
    let up = "../".repeat(inside.components().count());
    format!("{up}{rel}")
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

/// Word-wraps prose to `width` columns, indented by `n` spaces; a word
/// longer than a line (a path, a type) is left whole rather than broken.
pub fn wrap(text: &str, n: usize, width: usize) -> String {
    let pad = " ".repeat(n);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && n + line.chars().count() + 1 + word.chars().count() > width {
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
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    s.chars().take(n.saturating_sub(1)).chain(['…']).collect()
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
