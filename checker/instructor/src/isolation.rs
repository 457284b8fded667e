//! The task-isolation check of `verify`: a mistake costs exactly its task.
//!
//! For each task, the reference solution gets the stub's bodies of that
//! task's functions back (a "mutant"), and the hidden tests run against it.
//! Only the task itself, the other tasks that grade the same functions, and
//! tasks whose reference code calls those functions may lose points. Any
//! other task that fails leans on code it does not grade: its tests must
//! play that part themselves.
//!
//! Which function belongs to which task is read from the stub's doc
//! comments (`/// Task 2 (and task 3) — ...` right above a `fn`), the same
//! text the learner reads, so the check needs no list of its own.

use checker::build::shadow::Target;
use checker::model::course::{Exercise, Paths};
use checker::model::results::{ExerciseResult, Status};
use checker::model::stubcode::{body_span, calls, task_functions};
use std::collections::{BTreeMap, BTreeSet};

/// One task's mutant: the solution with that task's functions stubbed.
pub struct Mutant {
    pub task: u32,
    /// The functions whose bodies came from the stub.
    pub functions: Vec<String>,
    /// The tasks that may lose points, and why.
    pub allowed: BTreeMap<u32, String>,
    /// `src/lib.rs` of the mutant.
    pub source: String,
}

/// Every task's mutant of exercise `stub`/`solution`, or why it cannot be
/// built.
pub fn mutants(e: &Exercise, stub: &str, solution: &str) -> Result<Vec<Mutant>, String> {
    let owners = task_functions(stub);
    let mut out = Vec::new();
    for task in e.tasks {
        let functions: Vec<String> = owners
            .iter()
            .filter(|(_, tasks)| tasks.contains(&task.number))
            .map(|(f, _)| f.clone())
            .collect();
        if functions.is_empty() {
            return Err(format!(
                "task {}: no function of the stub says `/// Task {}` in its doc comment",
                task.number, task.number
            ));
        }
        // Replace bodies from the end of the file backwards so that earlier
        // spans stay valid.
        let mut spans = Vec::new();
        for f in &functions {
            let sol = body_span(solution, f).ok_or_else(|| {
                format!("task {}: `fn {f}` not found in the solution", task.number)
            })?;
            let stubbed = body_span(stub, f)
                .ok_or_else(|| format!("task {}: `fn {f}` not found in the stub", task.number))?;
            spans.push((sol, &stub[stubbed]));
        }
        spans.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut source = solution.to_string();
        for (range, body) in spans {
            source.replace_range(range, body);
        }

        let mut allowed = BTreeMap::new();
        for f in &functions {
            for t in &owners[f] {
                allowed.entry(*t).or_insert_with(|| format!("grades `{f}`"));
            }
        }
        // Tasks whose reference code calls a stubbed function, transitively.
        let mut reached: BTreeSet<String> = functions.iter().cloned().collect();
        loop {
            let before = reached.len();
            for (caller, tasks) in &owners {
                if reached.contains(caller) {
                    continue;
                }
                let Some(span) = body_span(solution, caller) else {
                    continue;
                };
                if let Some(callee) = reached
                    .iter()
                    .find(|callee| calls(&solution[span.clone()], callee))
                    .cloned()
                {
                    for t in tasks {
                        allowed
                            .entry(*t)
                            .or_insert_with(|| format!("`{caller}` calls `{callee}`"));
                    }
                    reached.insert(caller.clone());
                }
            }
            if reached.len() == before {
                break;
            }
        }
        out.push(Mutant {
            task: task.number,
            functions,
            allowed,
            source,
        });
    }
    Ok(out)
}

/// Writes each mutant of `e` under the checker's work area and returns its
/// build target.
pub fn targets(paths: &Paths, e: &'static Exercise) -> Result<Vec<(Mutant, Target)>, String> {
    let read = |p: std::path::PathBuf| {
        std::fs::read_to_string(&p).map_err(|err| format!("{}: {err}", p.display()))
    };
    let stub = read(paths.stub(e).join("src/lib.rs"))?;
    let solution = read(paths.solution(e).join("src/lib.rs"))?;
    let mut out = Vec::new();
    for m in mutants(e, &stub, &solution)? {
        let dir = paths
            .work()
            .join("isolation")
            .join(format!("{}-t{}", e.number(), m.task));
        checker::util::files::write_bytes_if_changed(&dir.join("src/lib.rs"), m.source.as_bytes())
            .map_err(|err| format!("{}: {err}", dir.display()))?;
        let target = Target {
            exercise: e,
            slot: format!("iso-t{}", m.task),
            source: dir,
        };
        out.push((m, target));
    }
    Ok(out)
}

/// What is wrong with one mutant's results: tasks that lost points without
/// leave, and a task that kept them with its own code stubbed.
pub fn judge(e: &Exercise, m: &Mutant, r: &ExerciseResult) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(err) = &r.compile_error {
        problems.push(format!(
            "{} isolation of task {}: the mutant does not compile: {}",
            e.dir,
            m.task,
            checker::util::style::strip_ansi(&err.first)
        ));
        return problems;
    }
    for task in &r.tasks {
        let lost = task.status != Status::Pass;
        if task.number == m.task && !lost {
            problems.push(format!(
                "{} isolation: task {} keeps its points with its own functions ({}) stubbed: its \
                 tests do not exercise its code",
                e.dir,
                m.task,
                m.functions.join(", ")
            ));
        }
        if lost && !m.allowed.contains_key(&task.number) {
            let why: Vec<String> = task
                .tests
                .iter()
                .filter(|t| t.status != Status::Pass)
                .map(|t| format!("{} {}", t.name, t.status.label()))
                .collect();
            problems.push(format!(
                "{} isolation: with task {}'s functions ({}) stubbed in the reference solution, \
                 task {} loses its points ({}): its tests lean on code they do not grade; let the \
                 test play that part",
                e.dir,
                m.task,
                m.functions.join(", "),
                task.number,
                why.join("; ")
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = r#"
/// Task 1 — the waiter.
///
/// Task 3: a later paragraph names no owner.
pub async fn waiter(mut belt: Receiver<u32>) -> Vec<u32> {
    todo!()
}

/// Task 3 — the kitchen.
pub async fn run_kitchen(dishes: u32) -> Vec<u32> {
    todo!()
}

impl Pantry {
    /// Task 2 (and task 4) — counts.
    pub async fn count(&self, item: &str) -> Result<u32, E> {
        todo!()
    }
}
"#;

    const SOLUTION: &str = r##"
pub async fn waiter(mut belt: Receiver<u32>) -> Vec<u32> {
    let s = "a } brace in a string"; let c = '}'; let l: &'static str = "";
    // a } in a comment
    while let Some(d) = belt.recv().await { v.push(d) }
    v
}
pub async fn run_kitchen(dishes: u32) -> Vec<u32> {
    tokio::spawn(waiter(rx)).await.unwrap()
}
impl Pantry {
    pub async fn count(&self, item: &str) -> Result<u32, E> { Ok(r#"}"#.len() as u32) }
}
"##;

    #[test]
    fn reads_the_tasks_of_each_function_from_the_doc_comments() {
        let f = task_functions(STUB);
        assert_eq!(f["waiter"], BTreeSet::from([1]));
        assert_eq!(f["run_kitchen"], BTreeSet::from([3]));
        assert_eq!(f["count"], BTreeSet::from([2, 4]));
    }

    #[test]
    fn finds_a_body_past_braces_in_strings_chars_and_comments() {
        let span = body_span(SOLUTION, "waiter").unwrap();
        assert!(SOLUTION[span.clone()].ends_with("v\n}"));
        let span = body_span(SOLUTION, "count").unwrap();
        assert_eq!(&SOLUTION[span], "{ Ok(r#\"}\"#.len() as u32) }");
    }

    #[test]
    fn a_mutant_stubs_one_task_and_allows_its_callers() {
        let e = checker::model::course::find("01").unwrap();
        let stub = STUB.replace("Task 2 (and task 4)", "Task 5");
        let ms = mutants(
            &Exercise {
                tasks: &e.tasks[..1],
                ..*e
            },
            &stub,
            SOLUTION,
        )
        .unwrap();
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].functions, vec!["waiter".to_string()]);
        assert!(ms[0].source.contains("Vec<u32> {\n    todo!()\n}"));
        assert!(ms[0].source.contains("tokio::spawn(waiter(rx))"));
        assert_eq!(
            ms[0].allowed.keys().copied().collect::<Vec<_>>(),
            vec![1, 3]
        );
    }

    fn result(statuses: &[Status]) -> ExerciseResult {
        let e = checker::model::course::find("01").unwrap();
        let mut statuses = statuses.iter();
        ExerciseResult::with_tasks(e, |_| Some((*statuses.next()?, Vec::new())))
    }

    fn mutant_of_task_1() -> Mutant {
        Mutant {
            task: 1,
            functions: vec!["runner".to_string()],
            allowed: BTreeMap::from([(1, String::new()), (3, String::new())]),
            source: String::new(),
        }
    }

    #[test]
    fn a_caller_may_lose_points_with_the_stubbed_task() {
        use Status::*;
        let e = checker::model::course::find("01").unwrap();
        let r = result(&[NotStarted, Pass, Deadlock, Pass, Pass, Pass]);
        assert_eq!(judge(e, &mutant_of_task_1(), &r), Vec::<String>::new());
    }

    #[test]
    fn another_task_losing_points_is_a_problem() {
        use Status::*;
        let e = checker::model::course::find("01").unwrap();
        let r = result(&[NotStarted, Fail, Pass, Pass, Pass, Pass]);
        let problems = judge(e, &mutant_of_task_1(), &r);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("task 2 loses its points"),
            "{problems:?}"
        );
    }

    #[test]
    fn a_task_passing_with_its_own_code_stubbed_is_a_problem() {
        let e = checker::model::course::find("01").unwrap();
        let r = result(&[Status::Pass; 6]);
        let problems = judge(e, &mutant_of_task_1(), &r);
        assert!(
            problems.iter().any(|p| p.contains("keeps its points")),
            "{problems:?}"
        );
    }
}
