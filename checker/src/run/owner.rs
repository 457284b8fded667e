//! Where a panic happened, in the learner's terms: the function, the task
//! that owns it, and the task to fix first.
//!
//! A later task's tests often run an earlier task's code (08's closing
//! time goes through the expediter's one-order-at-a-time loop). When that
//! code panics, the later task fails too, and its test can only say what it
//! saw ("the expediter panicked: return the report instead"). The panic's
//! location and the stub's task comments tell the rest: which function
//! panicked, whose it is, and that the same panic already fails an earlier
//! task, which is the one to fix.

use crate::build::shadow::Target;
use crate::model::course::Paths;
use crate::model::results::{ExerciseResult, Status, TestResult};
use crate::model::stubcode::{body_span, calls, enclosing_fn, task_functions};
use std::collections::{BTreeMap, BTreeSet};

/// Names, in the message of a test that panicked in another task's code
/// (or at a line where an earlier task's test panicked too), where in the
/// learner's code the panic happened, whose code that is, and which task
/// to fix first.
pub fn explain_panics(paths: &Paths, t: &Target, r: &mut ExerciseResult) {
    let staged = t.staged(paths);
    let prefix = format!("{}/", paths.display(&staged));
    let Ok(stub) = std::fs::read_to_string(paths.stub(t.exercise).join("src/lib.rs")) else {
        return;
    };
    let owners = task_functions(&stub);
    // The first test (by task) that panicked at each line.
    let mut first: BTreeMap<String, (u32, String)> = BTreeMap::new();
    for test in r.tasks.iter().flat_map(|t| &t.tests) {
        if let Some((file, line)) = learner_line(test, &prefix) {
            first
                .entry(format!("{file}:{line}"))
                .and_modify(|e| {
                    if test.task < e.0 {
                        *e = (test.task, test.name.clone());
                    }
                })
                .or_insert((test.task, test.name.clone()));
        }
    }
    for test in r.tasks.iter_mut().flat_map(|t| &mut t.tests) {
        let Some((file, line)) = learner_line(test, &prefix) else {
            continue;
        };
        let Ok(src) = std::fs::read_to_string(staged.join(file)) else {
            continue;
        };
        let Some(name) = enclosing_fn(&src, line) else {
            continue;
        };
        let (shown, tasks) = ownership(&src, &name, &owners);
        let why = if let Some((task, other)) = first.get(&format!("{file}:{line}"))
            && *task < test.task
        {
            format!(" — the same panic fails task {task}'s test `{other}`: fix task {task} first")
        } else if let Some(&owner) = tasks.iter().next()
            && !tasks.contains(&test.task)
        {
            format!(" — that is task {owner}'s code: fix task {owner} first")
        } else {
            // The test's own task's code: its location is shown already.
            continue;
        };
        let message = test
            .panics
            .iter()
            .find(|p| p.location == test.location)
            .map(|p| p.message.clone())
            .unwrap_or_default();
        let head =
            format!("your code panicked in {shown} at {prefix}{file}:{line}: {message}{why}.");
        let rest = test
            .message
            .strip_prefix(&format!("your code panicked: {message}"))
            .or_else(|| test.message.strip_prefix(&message))
            .map(|r| r.trim_start_matches('\n'))
            .unwrap_or(&test.message);
        test.message = if rest.trim().is_empty() {
            head
        } else {
            format!("{head}\n{rest}")
        };
    }
}

/// The file (under the staged copy) and line of a panicked test's panic,
/// when it lies in the learner's code.
fn learner_line<'a>(test: &'a TestResult, prefix: &str) -> Option<(&'a str, usize)> {
    if test.status != Status::Panic {
        return None;
    }
    let rest = test.location.as_deref()?.strip_prefix(prefix)?;
    let mut parts = rest.rsplitn(3, ':');
    let _column = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    file.starts_with("src/").then_some((file, line))
}

/// `fn name` with the tasks that own it: its own, or, for a helper the
/// stub does not declare, those of the task functions that call it.
fn ownership(
    src: &str,
    name: &str,
    owners: &BTreeMap<String, BTreeSet<u32>>,
) -> (String, BTreeSet<u32>) {
    if let Some(tasks) = owners.get(name) {
        return (
            format!("`fn {name}` ({})", tasks_text(tasks)),
            tasks.clone(),
        );
    }
    let callers: Vec<(&String, &BTreeSet<u32>)> = owners
        .iter()
        .filter(|(f, _)| body_span(src, f).is_some_and(|b| calls(&src[b], name)))
        .collect();
    let tasks: BTreeSet<u32> = callers
        .iter()
        .flat_map(|(_, t)| t.iter().copied())
        .collect();
    if callers.is_empty() {
        return (format!("`fn {name}`"), tasks);
    }
    let names: Vec<String> = callers.iter().map(|(f, _)| format!("`fn {f}`")).collect();
    (
        format!(
            "`fn {name}` (called from {}, {})",
            names.join(" and "),
            tasks_text(&tasks)
        ),
        tasks,
    )
}

fn tasks_text(tasks: &BTreeSet<u32>) -> String {
    let n: Vec<String> = tasks.iter().map(u32::to_string).collect();
    match n.as_slice() {
        [one] => format!("task {one}"),
        [init @ .., last] => format!("tasks {} and {last}", init.join(", ")),
        [] => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
/// Task 4 (and task 5) — the expediter.
pub async fn run_expediter() {
    serve();
}

fn serve() {
    None::<u32>.unwrap();
}
";

    #[test]
    fn a_helper_is_owned_by_the_task_functions_that_call_it() {
        let owners = task_functions(SRC);
        let (shown, tasks) = ownership(SRC, "serve", &owners);
        assert_eq!(
            shown,
            "`fn serve` (called from `fn run_expediter`, tasks 4 and 5)"
        );
        assert_eq!(tasks, BTreeSet::from([4, 5]));
        let (shown, _) = ownership(SRC, "run_expediter", &owners);
        assert_eq!(shown, "`fn run_expediter` (tasks 4 and 5)");
    }
}
