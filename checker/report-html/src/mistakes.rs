//! Common mistakes per task: failures grouped by verdict and explanation,
//! so an instructor sees "14 students: `run_kitchen` deadlock: a `Sender`
//! still alive" and decides what to teach again.
//!
//! Two failures are the same mistake when they have the same verdict, in
//! the same hidden test, with the same explanation once numbers are set
//! aside (counts and times in a message differ between students who made
//! the same mistake).

use crate::class::{Class, Task};
use crate::columns::{Column, cell};
use crate::html::{clip, esc, student_id};
use crate::verdict::look;
use std::fmt::Write;

/// One mistake and who made it.
#[derive(Debug, PartialEq)]
pub struct Group {
    pub status: String,
    pub test: String,
    /// The first student's explanation, as the checker wrote it.
    pub explanation: String,
    /// Indices into the class's students.
    pub students: Vec<usize>,
}

/// The explanation a task's verdict carries: the message of the task's
/// first failing test, and that test's name.
fn explanation(t: &Task) -> (String, String) {
    match t.first_failure() {
        Some(test) => (test.name.clone(), test.message.trim().to_string()),
        None => (String::new(), String::new()),
    }
}

/// A build that failed costs every task of its exercise; it is one
/// mistake, listed once per exercise rather than once per task.
fn did_not_build(status: &str) -> bool {
    matches!(status, "compile_error" | "rejected")
}

/// Numbers replaced by `#`, so "got 7 of 8 dishes" and "got 5 of 8
/// dishes" are one mistake.
fn shape(text: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Adds student `i`'s mistake to the group with the same key.
fn add(out: &mut Vec<(String, Group)>, i: usize, status: &str, test: String, explanation: String) {
    let key = format!("{status}\u{0}{test}\u{0}{}", shape(&explanation));
    match out.iter_mut().find(|(k, _)| *k == key) {
        Some((_, g)) => g.students.push(i),
        None => out.push((
            key,
            Group {
                status: status.to_string(),
                test,
                explanation,
                students: vec![i],
            },
        )),
    }
}

fn sorted(out: Vec<(String, Group)>) -> Vec<Group> {
    let mut groups: Vec<Group> = out.into_iter().map(|(_, g)| g).collect();
    // Stable: equal counts keep the order of the first student's name.
    groups.sort_by_key(|g| std::cmp::Reverse(g.students.len()));
    groups
}

/// What one task looked like across the class.
pub struct TaskMistakes {
    /// Most common first.
    pub groups: Vec<Group>,
    /// Students who had not started it: not a mistake, counted apart.
    pub untouched: usize,
    /// Students whose exercise did not build (listed per exercise).
    pub unbuilt: usize,
}

/// The mistakes of one task.
pub fn groups(class: &Class, c: &Column) -> TaskMistakes {
    let mut out: Vec<(String, Group)> = Vec::new();
    let (mut untouched, mut unbuilt) = (0, 0);
    for (i, s) in class.students.iter().enumerate() {
        let Some(t) = cell(s, c) else { continue };
        match t.status.as_str() {
            "pass" => {}
            "not_started" => untouched += 1,
            x if did_not_build(x) => unbuilt += 1,
            _ => {
                let (test, explanation) = explanation(t);
                add(&mut out, i, &t.status, test, explanation);
            }
        }
    }
    TaskMistakes {
        groups: sorted(out),
        untouched,
        unbuilt,
    }
}

/// The builds that failed for one exercise, grouped by the first line of
/// the compiler's error (or of the reason for a rejection).
pub fn build_groups(class: &Class, exercise: &str) -> Vec<Group> {
    let mut out: Vec<(String, Group)> = Vec::new();
    for (i, s) in class.students.iter().enumerate() {
        let Some(e) = s.exercises.iter().find(|e| e.dir == exercise) else {
            continue;
        };
        let Some(status) = e.tasks.first().map(|t| t.status.as_str()) else {
            continue;
        };
        if let Some(err) = e.build_error.as_ref().filter(|_| did_not_build(status)) {
            let first = err.message.lines().next().unwrap_or("").trim();
            // The verdict's label already says "rejected".
            let first = first.strip_prefix("rejected: ").unwrap_or(first);
            add(&mut out, i, status, String::new(), first.to_string());
        }
    }
    sorted(out)
}

fn group_item(out: &mut String, class: &Class, g: &Group) {
    let l = look(&g.status);
    let names: Vec<String> = g
        .students
        .iter()
        .map(|i| {
            format!(
                r##"<a href="#{}">{}</a>"##,
                student_id(*i),
                esc(&class.students[*i].name)
            )
        })
        .collect();
    let test = if g.test.is_empty() {
        String::new()
    } else {
        format!(" in <code>{}</code>", esc(&g.test))
    };
    let _ = write!(
        out,
        r#"<li class="mistake"><span class="count">{n} student{s}</span>: <span class="cell v-{key}">{letter}</span> <b>{label}</b>{test}: <span class="why">{why}</span><div class="who">{names}</div></li>"#,
        n = g.students.len(),
        s = if g.students.len() == 1 { "" } else { "s" },
        key = l.key,
        letter = l.letter,
        label = l.label,
        why = esc(&clip(&g.explanation, 400)),
        names = names.join(", ")
    );
}

/// The section: exercises that did not build, then for every task that
/// someone failed, its groups.
pub fn render(class: &Class, columns: &[Column]) -> String {
    let mut out = String::new();
    let mut exercises: Vec<&str> = columns.iter().map(|c| c.exercise.as_str()).collect();
    exercises.dedup();
    let mut unbuilt = String::new();
    for e in exercises {
        let groups = build_groups(class, e);
        if groups.is_empty() {
            continue;
        }
        let _ = write!(
            unbuilt,
            r#"<section class="build-mistakes"><h4>{}</h4><ul>"#,
            esc(e)
        );
        for g in &groups {
            group_item(&mut unbuilt, class, g);
        }
        unbuilt.push_str("</ul></section>");
    }
    if !unbuilt.is_empty() {
        out.push_str(r#"<h3 id="m-builds">Exercises that did not build</h3>"#);
        out.push_str(&unbuilt);
    }
    let mut any = false;
    for c in columns {
        let m = groups(class, c);
        if m.groups.is_empty() {
            continue;
        }
        any = true;
        let _ = write!(
            out,
            r#"<section class="task-mistakes" id="m-{code}"><h3>{code} <code>{item}</code> <span class="dim">{title}</span></h3><ul>"#,
            code = c.code(),
            item = esc(&c.item),
            title = esc(&c.title)
        );
        for g in &m.groups {
            group_item(&mut out, class, g);
        }
        let mut rest = Vec::new();
        if m.untouched > 0 {
            rest.push(format!("{} not started", m.untouched));
        }
        if m.unbuilt > 0 {
            rest.push(format!(
                r##"{} did not build (<a href="#m-builds">above</a>)"##,
                m.unbuilt
            ));
        }
        if !rest.is_empty() {
            let _ = write!(out, r#"<li class="dim">{}</li>"#, rest.join("; "));
        }
        out.push_str("</ul></section>");
    }
    if !any {
        out.push_str("<p>No task failed: every task was passed, not started or not built.</p>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_do_not_split_a_mistake() {
        assert_eq!(shape("got 7 of 8 dishes"), shape("got 15 of 8 dishes"));
        assert_ne!(shape("got 7 dishes"), shape("lost 7 dishes"));
    }
}
