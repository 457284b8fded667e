//! One student's page section: every task with its verdict and
//! explanation, the compiler's error for an exercise that did not build,
//! the notes and review list of the grading, and the timelines of failing
//! tasks as pictures.
//!
//! Sections are `<details>` elements, closed: a class of 500 stays a page
//! one can scroll, and they open without any script.

use crate::class::{Exercise, Student, Task};
use crate::html::{clip, esc, student_id};
use crate::timeline_svg;
use crate::verdict::look;
use std::fmt::Write;

/// Longest message or diff shown; the checker caps them too, but a report
/// from an older checker may not have.
const MAX_TEXT: usize = 4000;

pub fn render(index: usize, s: &Student) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<details class="student" id="{id}" data-student="{name}"><summary><span class="name">{name}</span> <span class="points">{earned}/{max}</span>{flags}</summary>"#,
        id = student_id(index),
        name = esc(&s.name),
        earned = s.earned,
        max = s.max,
        flags = if s.review.is_empty() {
            String::new()
        } else {
            format!(
                r#" <span class="flag">{} for review</span>"#,
                s.review.len()
            )
        }
    );
    if !s.notes.is_empty() {
        out.push_str(r#"<ul class="notes">"#);
        for n in &s.notes {
            let _ = write!(out, "<li>note: {}</li>", esc(n));
        }
        out.push_str("</ul>");
    }
    if !s.review.is_empty() {
        out.push_str(r#"<div class="review"><b>For review (not scored):</b><ul>"#);
        for f in &s.review {
            let _ = write!(
                out,
                "<li><code>{}:{}</code> {}</li>",
                esc(&f.file),
                f.line,
                esc(&f.construct)
            );
        }
        out.push_str("</ul></div>");
    }
    for e in &s.exercises {
        exercise(&mut out, e);
    }
    out.push_str("</details>");
    out
}

fn exercise(out: &mut String, e: &Exercise) {
    let _ = write!(
        out,
        r#"<h4>{dir} <span class="dim">{title}</span> <span class="points">{earned}/{max}</span></h4>"#,
        dir = esc(&e.dir),
        title = esc(&e.title),
        earned = e.earned,
        max = e.max
    );
    if let Some(err) = &e.build_error {
        let _ = write!(
            out,
            r#"<pre class="build-error">{}</pre>"#,
            esc(&clip(&err.message, MAX_TEXT))
        );
        if let Some(loc) = &err.location {
            let _ = write!(out, r#"<p class="dim">at <code>{}</code></p>"#, esc(loc));
        }
    }
    out.push_str(r#"<table class="tasks"><tbody>"#);
    for t in &e.tasks {
        task(out, e, t);
    }
    out.push_str("</tbody></table>");
}

fn task(out: &mut String, e: &Exercise, t: &Task) {
    let l = look(&t.status);
    let _ = write!(
        out,
        r#"<tr class="task" data-status="{key}"><td><span class="cell v-{key}">{letter}</span></td><td>{code}.{n} <code>{item}</code></td><td>{earned}/{points}</td><td><b>{label}</b>"#,
        key = l.key,
        letter = l.letter,
        code = esc(e.dir.get(..2).unwrap_or(&e.dir)),
        n = t.number,
        item = esc(&t.item),
        earned = t.earned,
        points = t.points,
        label = l.label
    );
    // "Not started" needs no explanation, and a build error is shown
    // once for the exercise, not once per task.
    if e.build_error.is_none()
        && t.status != "pass"
        && t.status != "not_started"
        && let Some(test) = t.first_failure()
    {
        let _ = write!(
            out,
            r#" in <code>{}</code>: <span class="why">{}</span>"#,
            esc(&test.name),
            esc(&clip(test.message.trim(), MAX_TEXT))
        );
        if let Some(loc) = &test.location {
            let _ = write!(
                out,
                r#" <span class="dim">at <code>{}</code></span>"#,
                esc(loc)
            );
        }
        if let Some(diff) = &test.diff {
            let _ = write!(
                out,
                r#"<pre class="diff">{}</pre>"#,
                esc(&clip(diff.trim_end(), MAX_TEXT))
            );
        }
        let expected = test
            .expected_events
            .as_deref()
            .map(checker::report::timeline::parse);
        if let Some(svg) = timeline_svg::render(expected.as_deref(), &test.events) {
            out.push_str(r#"<div class="scroll">"#);
            out.push_str(&svg);
            out.push_str("</div>");
        }
    }
    out.push_str("</td></tr>");
}
