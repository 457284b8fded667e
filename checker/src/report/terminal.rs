//! The human report: a table of tasks with points, then what to do next,
//! laid out for the width in the [`Style`] (the terminal's, or a fixed one).
//! Every line carries a [`Rank`], so that a small screen (`watch`) drops
//! the least important first and keeps the verdict and what to do; every
//! path is written relative to the folder the command runs in.

use crate::model::course::{self, Paths};
use crate::model::results::{ExerciseResult, Status, TaskResult, TestResult};
use crate::util::layout::{Page, Rank};
use crate::util::style::Style;
use std::fmt::Write;

pub use crate::util::layout::wrap;

/// The whole report for a `check` run.
pub fn render(paths: &Paths, results: &[ExerciseResult], style: Style) -> String {
    let mut out: String = results
        .iter()
        .map(|r| render_exercise(paths, r, style))
        .collect();
    out.push_str(&render_footer(paths, results, style));
    out
}

/// The table of one exercise, as [`render`] shows it: printed on its own
/// as soon as the exercise's verdict is known (see `engine::run_streaming`).
pub fn render_exercise(paths: &Paths, r: &ExerciseResult, style: Style) -> String {
    let mut page = Page::new();
    exercise_table(&mut page, paths, r, style);
    page.text(style.width)
}

/// What [`render`] shows below the exercises' tables: the total and what
/// to do next.
pub fn render_footer(paths: &Paths, results: &[ExerciseResult], style: Style) -> String {
    let mut page = Page::new();
    let (earned, max, done, tasks) = totals(results);
    page.push(
        Rank::Verdict,
        &format!(
            "{} {earned}/{max} points, {done} of {tasks} tasks done",
            style.bold("Total:"),
        ),
    );
    page.blank();
    next_step(&mut page, paths, results, style, false);
    page.text(style.width)
}

/// The report of one exercise for a small screen (`watch`): its table and
/// the first failure in a few lines, without the diff and timelines.
pub fn render_brief(paths: &Paths, result: &ExerciseResult, style: Style) -> String {
    brief(paths, std::slice::from_ref(result), 0, style).text(style.width)
}

/// The short page of `results[focus]`, ranked for a small screen; when
/// every exercise of `results` passes, the course is done and it says so.
pub fn brief(paths: &Paths, results: &[ExerciseResult], focus: usize, style: Style) -> Page {
    let mut page = Page::new();
    let Some(r) = results.get(focus) else {
        return page;
    };
    exercise_table(&mut page, paths, r, style);
    if results.len() > 1 && results.iter().all(|r| r.passed()) {
        finished(&mut page, paths, r, results.len(), style);
    } else {
        next_step(&mut page, paths, std::slice::from_ref(r), style, true);
    }
    page
}

/// The details of `results[focus]` for a screen: the whole report of that
/// exercise, ranked.
pub fn details(paths: &Paths, result: &ExerciseResult, style: Style) -> Page {
    let mut page = Page::new();
    exercise_table(&mut page, paths, result, style);
    next_step(&mut page, paths, std::slice::from_ref(result), style, false);
    page
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

fn exercise_table(page: &mut Page, paths: &Paths, r: &ExerciseResult, style: Style) {
    let head = format!("Exercise {} · {}", &r.dir[..2], r.title);
    let score = format!("{}/{}", r.earned(), r.max());
    let head = clip(&head, style.width.saturating_sub(score.len() + 1));
    let pad = style
        .width
        .saturating_sub(head.chars().count() + score.len());
    page.push(
        Rank::Verdict,
        &format!("{}{}{}", style.bold(&head), " ".repeat(pad), score),
    );
    if let Some(e) = &r.compile_error {
        let lib = format!("{}/src/lib.rs", r.source);
        let at = from_here(paths, e.location.as_deref().unwrap_or(&lib));
        page.push_hang(
            Rank::Verdict,
            &format!("  {} does not compile: {at}", style.red("✗")),
            4,
        );
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
        let at = from_here(paths, w.location.as_deref().unwrap_or("?"));
        page.push_hang(
            Rank::Detail,
            &format!(
                "  {} compiler warning{more}: {first}, at {at}",
                style.yellow("!")
            ),
            4,
        );
    }
    let first_failure = r.tasks.iter().position(|t| t.status != Status::Pass);
    for (i, t) in r.tasks.iter().enumerate() {
        // The first failure is the verdict; the other rows are the
        // explanation's to give way to (after a build error, they all say
        // the same).
        let rank = if Some(i) == first_failure {
            Rank::Verdict
        } else {
            Rank::Detail
        };
        page.push(rank, &task_row(r, t, style));
    }
    page.blank();
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
    page: &mut Page,
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
            finished(page, paths, last, results.len(), style);
        }
        return;
    };
    let file = format!("{}/src/lib.rs", r.source);
    let at = item_line(paths, &file, t.item)
        .map(|l| format!("{file}:{l}"))
        .unwrap_or(file.clone());
    let at = from_here(paths, &at);
    let nothing_done = results.iter().all(|r| r.earned() == 0)
        && results.iter().all(|r| r.compile_error.is_none());
    if nothing_done && t.status == Status::NotStarted {
        page.push_hang(
            Rank::Action,
            &format!(
                "{} exercise {}, task {} ({})",
                style.bold("Start here:"),
                &r.dir[..2],
                t.number,
                t.item
            ),
            2,
        );
        let readme = from_here(paths, &format!("exercises/{}/README.md", r.dir));
        page.push(Rank::Context, &format!("  read {readme}, then"));
        page.push(Rank::Action, &format!("  edit {at}"));
        hint_line(page, paths, r, t, style);
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
        page.push_hang(
            Rank::Action,
            &format!(
                "{} exercise {} does not compile{in_task}.",
                style.bold("Next:"),
                &r.dir[..2]
            ),
            2,
        );
        // Without a location the message is the checker's own (a missing
        // file, say), not the compiler's.
        if let Some(loc) = &e.location {
            page.push(Rank::Action, &format!("  fix {}", from_here(paths, loc)));
            page.push(
                Rank::Context,
                &format!(
                    "  None of its tasks can run until it does. First error{}:",
                    if e.error_count > 1 {
                        format!(" (of {})", e.error_count)
                    } else {
                        String::new()
                    }
                ),
            );
        }
        page.blank();
        let text = here_text(paths, &style.ansi(e.first.trim_end()));
        for (i, l) in text.lines().enumerate() {
            let plain = crate::util::style::strip_ansi(l);
            let plain = plain.trim_start();
            let rank = if plain.contains("`cargo run -p checker") {
                Rank::Action
            } else if i == 0 || plain.starts_with("help:") || plain.starts_with("-->") {
                Rank::Context
            } else {
                Rank::Detail
            };
            let line = if l.is_empty() {
                String::new()
            } else {
                format!("    {l}")
            };
            page.push(rank, &line);
        }
        return;
    }
    let next = format!(
        "{} exercise {}, task {} ({}): {}",
        style.bold("Next:"),
        &r.dir[..2],
        t.number,
        t.item,
        t.title
    );
    page.push_hang(Rank::Action, &next, 2);
    page.push(Rank::Action, &format!("  edit {at}"));
    if let Some(test) = t.tests.iter().find(|x| x.status != Status::Pass) {
        if brief {
            brief_details(page, paths, test, style);
        } else {
            test_details(page, paths, test, style);
        }
    }
    hint_line(page, paths, r, t, style);
}

/// What to do once the exercises checked all pass: compare with the
/// reference, then go on to the next exercise of the course, if any.
fn finished(
    page: &mut Page,
    paths: &Paths,
    last: &ExerciseResult,
    results_len: usize,
    style: Style,
) {
    if results_len > 1 {
        page.push(
            Rank::Verdict,
            &style.green("Every exercise passes. Well done!"),
        );
        page.push(
            Rank::Action,
            &format!(
                "  compare with the reference solutions: `{}`",
                paths.command("solution EXERCISE")
            ),
        );
        return;
    }
    let all = course::EXERCISES;
    let next = all
        .iter()
        .position(|e| e.dir == last.dir)
        .and_then(|i| all.get(i + 1));
    let n = &last.dir[..2];
    page.push(
        Rank::Verdict,
        &style.green(&format!("Exercise {n} passes. Well done!")),
    );
    match next {
        Some(e) => {
            page.push_hang(
                Rank::Action,
                &format!(
                    "{} exercise {} · {}",
                    style.bold("Next:"),
                    e.number(),
                    e.title
                ),
                2,
            );
            let readme = from_here(paths, &format!("exercises/{}/README.md", e.dir));
            page.push(Rank::Action, &format!("  read {readme}"));
        }
        None => page.push(Rank::Context, "That was the last exercise of the course."),
    }
    page.push(
        Rank::Context,
        &format!(
            "  compare with the reference: `{}`",
            paths.command(&format!("solution {n}"))
        ),
    );
}

fn hint_line(page: &mut Page, paths: &Paths, r: &ExerciseResult, t: &TaskResult, style: Style) {
    let has_hint = course::find(r.dir)
        .and_then(|e| e.task(t.number))
        .is_some_and(|task| !task.hints.is_empty());
    if has_hint {
        page.push(
            Rank::Detail,
            &format!(
                "  {} {}",
                style.dim("stuck?"),
                paths.command(&format!("hint {} {}", &r.dir[..2], t.number))
            ),
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
    let mut page = Page::new();
    let (earned, max, done, tasks) = totals(results);
    page.push(
        Rank::Verdict,
        &format!(
            "{} {earned}/{max} points, {done} of {tasks} tasks",
            style.bold("Progress:"),
        ),
    );
    page.blank();
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
        page.push(
            Rank::Detail,
            &format!(
                "  {status} {:<name_width$} {:>2}/{:<2}  {marks}",
                clip(&name, name_width),
                r.earned(),
                r.max()
            ),
        );
    }
    page.blank();
    next_step(&mut page, paths, results, style, false);
    page.text(style.width)
}

/// The details of one failing test: what went wrong, the diff, where.
fn test_details(page: &mut Page, paths: &Paths, test: &TestResult, style: Style) {
    test_summary(page, test, style, usize::MAX);
    test_evidence(page, paths, test, style);
}

/// The first lines of a failing test's details, for a small screen.
fn brief_details(page: &mut Page, paths: &Paths, test: &TestResult, style: Style) {
    /// Enough for the cause in most messages; the rest is one key away.
    const MESSAGE_LINES: usize = 4;
    if test_summary(page, test, style, MESSAGE_LINES) {
        page.push(
            Rank::Marker,
            &format!(
                "    {}",
                style.dim("… (d: all of it, the diff and the timelines)")
            ),
        );
    }
    if let Some(loc) = learner_location(test) {
        page.push(Rank::Context, &format!("    at {}", from_here(paths, loc)));
    }
}

/// The first lines of a failing test: its name and verdict, and what went
/// wrong in the pattern's terms, at most `lines` lines of it (as given,
/// before wrapping); whether some were left out.
fn test_summary(page: &mut Page, test: &TestResult, style: Style, lines: usize) -> bool {
    page.push_hang(
        Rank::Context,
        &format!(
            "  test {} {}",
            style.bold(&test.name),
            style.red(test.status.label())
        ),
        4,
    );
    let message = match test.status {
        Status::NotStarted => {
            "not started: the code still reaches `todo!()`. Replace it with your solution."
                .to_string()
        }
        _ => test.message.clone(),
    };
    let message: Vec<&str> = message.trim_end().lines().collect();
    for (i, l) in message.iter().take(lines).enumerate() {
        let rank = if i == 0 { Rank::Context } else { Rank::Detail };
        page.push_hang(rank, &format!("    {}", l.trim_start()), 4);
    }
    message.len() > lines
}

/// Where a test failed, when that is in the learner's code: a failed
/// expectation is located in the hidden test, which does not help.
fn learner_location(test: &TestResult) -> Option<&str> {
    test.location
        .as_deref()
        .filter(|l| !l.starts_with("checker/hidden/"))
}

/// The evidence behind a verdict: the diff, the timelines, where it
/// happened, and what the code printed.
fn test_evidence(page: &mut Page, paths: &Paths, test: &TestResult, style: Style) {
    // A test that reached `todo!()` may also have failed on the way; the
    // diff of a function that was never written only distracts.
    let started = test.status != Status::NotStarted;
    if let Some(diff) = test.diff.as_ref().filter(|_| started) {
        page.blank();
        page.push(Rank::Detail, &indent(style.ansi(diff).trim_end(), 4));
    }
    if started && test.expected_events.is_some() {
        page.blank();
        page.push(Rank::Detail, timelines(test, style).trim_end());
    }
    if let Some(loc) = learner_location(test) {
        page.push(Rank::Context, &format!("    at {}", from_here(paths, loc)));
    }
    let spawned: Vec<_> = test
        .panics
        .iter()
        .filter(|p| p.thread.starts_with("spawned"))
        .collect();
    if test.status != Status::NotStarted && !spawned.is_empty() {
        let p = spawned[0];
        page.push_hang(
            Rank::Detail,
            &format!(
                "    a task spawned by your code panicked: {} ({})",
                p.message.lines().next().unwrap_or(""),
                here_text(paths, p.location.as_deref().unwrap_or("unknown location"))
            ),
            6,
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
        page.push(
            Rank::Detail,
            &format!(
                "    your code printed ({name}{}):",
                if lines.len() > shown.len() || c.dropped_bytes > 0 {
                    ", first lines"
                } else {
                    ""
                }
            ),
        );
        for l in shown {
            // Wrapped like the rest, so a long line is shown whole.
            page.push_hang(Rank::Detail, &format!("      {}", style.dim(l)), 8);
        }
        let more = lines.len() - shown.len();
        if more > 0 || c.dropped_bytes > 0 {
            page.push(
                Rank::Detail,
                &format!(
                    "      {}",
                    style.dim(&format!(
                        "... {more} more lines, {} more bytes not kept",
                        c.dropped_bytes
                    ))
                ),
            );
        }
    }
}

/// Where the current folder is inside the learner's copy of the course,
/// when it is inside one of its exercises (`exercises/01-bounded-send`).
fn inside_exercises(paths: &Paths) -> Option<std::path::PathBuf> {
    let here = std::env::current_dir().ok()?;
    let course = std::fs::canonicalize(&paths.learner).unwrap_or(paths.learner.clone());
    let inside = here.strip_prefix(&course).ok()?;
    inside
        .starts_with("exercises")
        .then(|| inside.to_path_buf())
}

/// `rel` (a path in the learner's copy) as the learner can click or type
/// it: relative to the current folder when that is inside an exercise,
/// relative to the course otherwise (where every command runs from).
pub fn from_here(paths: &Paths, rel: &str) -> String {
    match inside_exercises(paths) {
        Some(inside) => relative_to(&inside, rel),
        None => rel.to_string(),
    }
}

fn relative_to(inside: &std::path::Path, rel: &str) -> String {
    let target = std::path::Path::new(rel);
    if !target.starts_with("exercises") {
        return rel.to_string();
    }
    if let Ok(below) = target.strip_prefix(inside) {
        return below.display().to_string();
    }
    let up = "../".repeat(inside.components().count());
    format!("{up}{rel}")
}

/// `text` (a compiler message, a panic location) with every path into the
/// learner's exercises written [`from_here`].
fn here_text(paths: &Paths, text: &str) -> String {
    let Some(inside) = inside_exercises(paths) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("exercises/") {
        let starts_word = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || "`'\"(".contains(c));
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .find(|c: char| c.is_whitespace() || "`'\")".contains(c))
            .unwrap_or(rest.len());
        if starts_word {
            out.push_str(&relative_to(&inside, &rest[..end]));
        } else {
            out.push_str(&rest[..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The 1-based line where `fn item` is defined; for `Type::method`, the
/// method's `fn` after the type's `impl`.
fn item_line(paths: &Paths, file: &str, item: &str) -> Option<usize> {
    let text = std::fs::read_to_string(paths.learner.join(file))
        .or_else(|_| std::fs::read_to_string(paths.root.join(file)))
        .ok()?;
    let (owner, name) = match item.rsplit_once("::") {
        Some((owner, name)) => (Some(owner), name),
        None => (None, item),
    };
    let from = match owner {
        Some(owner) => text.lines().position(|l| {
            let l = l.trim_start();
            l.starts_with("impl")
                && l.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .any(|w| w == owner)
        })?,
        None => 0,
    };
    let needles = [format!("fn {name}("), format!("fn {name}<")];
    text.lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| needles.iter().any(|n| l.contains(n.as_str())))
        .map(|(i, _)| i + 1)
}

/// `s` cut to `n` characters, with an ellipsis when cut: for table cells
/// only, never for what a learner must read whole.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_text_are_written_from_the_exercise_folder() {
        let inside = std::path::Path::new("exercises/01-bounded-send");
        assert_eq!(
            relative_to(inside, "exercises/01-bounded-send/src/lib.rs:12"),
            "src/lib.rs:12"
        );
        assert_eq!(
            relative_to(inside, "exercises/02-clone-senders/README.md"),
            "../../exercises/02-clone-senders/README.md"
        );
        assert_eq!(relative_to(inside, "checker/x.rs"), "checker/x.rs");
    }
}
