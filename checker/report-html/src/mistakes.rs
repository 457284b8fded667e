//! Common mistakes per task: failures grouped by verdict and explanation,
//! so an instructor sees "14 students: `run_kitchen` deadlock: a `Sender`
//! still alive" and decides what to teach again.
//!
//! Two failures are the same mistake when they have the same verdict, in
//! the same hidden test, with the same explanation once numbers are set
//! aside (counts and times in a message differ between students who made
//! the same mistake).

use crate::class::{Class, Task};
use crate::html::{clip, esc, student_id};
use crate::overview::{Column, cell};
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

/// The explanation a task's verdict carries: the compiler's (or the
/// screening's) first line for a build that failed, else the message of
/// the task's first failing test.
fn explanation(class: &Class, student: usize, c: &Column, t: &Task) -> (String, String) {
    let e = class.students[student]
        .exercises
        .iter()
        .find(|e| e.dir == c.exercise);
    if let Some(err) = e.and_then(|e| e.build_error.as_ref()) {
        let first = err.message.lines().next().unwrap_or("").trim().to_string();
        return (String::new(), first);
    }
    match t.first_failure() {
        Some(test) => (test.name.clone(), test.message.trim().to_string()),
        None => (String::new(), String::new()),
    }
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

/// The mistakes of one task, most common first. Students who had not
/// started the task are not a mistake and are counted apart.
pub fn groups(class: &Class, c: &Column) -> (Vec<Group>, usize) {
    let mut out: Vec<(String, Group)> = Vec::new();
    let mut untouched = 0;
    for (i, s) in class.students.iter().enumerate() {
        let Some(t) = cell(s, c) else { continue };
        match t.status.as_str() {
            "pass" => continue,
            "not_started" => {
                untouched += 1;
                continue;
            }
            _ => {}
        }
        let (test, explanation) = explanation(class, i, c, t);
        let key = format!("{}\u{0}{}\u{0}{}", t.status, test, shape(&explanation));
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.students.push(i),
            None => out.push((
                key,
                Group {
                    status: t.status.clone(),
                    test,
                    explanation,
                    students: vec![i],
                },
            )),
        }
    }
    let mut groups: Vec<Group> = out.into_iter().map(|(_, g)| g).collect();
    // Stable: equal counts keep the order of the first student's name.
    groups.sort_by_key(|g| std::cmp::Reverse(g.students.len()));
    (groups, untouched)
}

/// The section: for every task that someone failed, its groups.
pub fn render(class: &Class, columns: &[Column]) -> String {
    let mut out = String::new();
    let mut any = false;
    for c in columns {
        let (groups, untouched) = groups(class, c);
        if groups.is_empty() {
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
        for g in &groups {
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
        if untouched > 0 {
            let _ = write!(out, r#"<li class="dim">{untouched} not started</li>"#);
        }
        out.push_str("</ul></section>");
    }
    if !any {
        out.push_str("<p>No mistakes: every task was passed or not started.</p>");
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
