//! The class at a glance: the score distribution and the heatmap of
//! students × tasks, with each task's pass rate.

use crate::class::{Class, Student};
use crate::columns::{Column, cell, pass_count};
use crate::html::{esc, student_id};
use crate::verdict::{self, look};
use checker::model::results::Status;
use std::fmt::Write;

fn percent(part: usize, whole: usize) -> u64 {
    if whole == 0 {
        0
    } else {
        (100 * part as u64) / whole as u64
    }
}

/// The score distribution: eleven bars (0–9 % ... 90–99 %, 100 %) of
/// the share of points each student earned, as an inline SVG.
pub fn histogram(class: &Class) -> String {
    let mut bins = [0usize; 11];
    for s in &class.students {
        let p = (100 * s.earned).checked_div(s.max).unwrap_or(0) as usize;
        bins[(p / 10).min(10)] += 1;
    }
    let tallest = bins.iter().copied().max().unwrap_or(0).max(1);
    let (bar, gap, height, base) = (44, 6, 140, 170);
    let width = 11 * (bar + gap) + 40;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="histogram" role="img" width="{width}" height="{h}" viewBox="0 0 {width} {h}" xmlns="http://www.w3.org/2000/svg"><title>Score distribution: number of students per band of the points earned</title>"#,
        h = base + 30
    );
    for (i, n) in bins.iter().enumerate() {
        let x = 20 + i * (bar + gap);
        let h = height * n / tallest;
        let label = if i == 10 {
            "100%".to_string()
        } else {
            format!("{}–{}%", i * 10, i * 10 + 9)
        };
        let _ = write!(
            out,
            r##"<g><title>{label}: {n} student(s)</title><rect x="{x}" y="{y}" width="{bar}" height="{h}" fill="#1565c0"/><text x="{cx}" y="{ty}" text-anchor="middle" font-size="12">{n}</text><text x="{cx}" y="{ly}" text-anchor="middle" font-size="10">{label}</text></g>"##,
            y = base - h,
            cx = x + bar / 2,
            ty = base - h - 4,
            ly = base + 14,
        );
    }
    let _ = write!(
        out,
        r##"<line x1="16" y1="{base}" x2="{x2}" y2="{base}" stroke="#555"/></svg>"##,
        x2 = width - 16
    );
    out
}

/// The legend: every verdict's colour, letter, name and meaning.
pub fn legend() -> String {
    let mut out = String::from(r#"<ul class="legend" id="legend">"#);
    for l in verdict::all() {
        let _ = write!(
            out,
            r#"<li data-verdict="{key}"><span class="cell v-{key}">{letter}</span> <b>{label}</b>: {meaning}</li>"#,
            key = l.key,
            letter = l.letter,
            label = l.label,
            meaning = l.meaning
        );
    }
    out.push_str("</ul>");
    out
}

/// Marks the first column of each exercise, where the page draws a
/// dividing line.
fn first(columns: &[Column], i: usize) -> &'static str {
    if i == 0 || columns[i - 1].exercise != columns[i].exercise {
        r#" data-first="1""#
    } else {
        ""
    }
}

/// Where a verdict sorts: passes first, then in the checker's order.
fn rank(key: &str) -> usize {
    Status::from_key(key)
        .and_then(|s| Status::ALL.iter().position(|x| *x == s))
        .unwrap_or(Status::ALL.len())
}

/// The heatmap: a row per student (by name), a column per task, each cell
/// coloured by verdict and lettered; the last row gives each task's pass
/// rate. `data-` attributes let the page's script sort it; without the
/// script it stays sorted by name.
pub fn heatmap(class: &Class, columns: &[Column]) -> String {
    let mut out = String::new();
    out.push_str(
        r#"<div class="scroll"><table class="heat" id="heatmap"><thead><tr><td colspan="2"></td>"#,
    );
    // A heading per exercise over its tasks.
    let mut i = 0;
    while i < columns.len() {
        let span = columns[i..]
            .iter()
            .take_while(|c| c.exercise == columns[i].exercise)
            .count();
        let _ = write!(
            out,
            r#"<th colspan="{span}" class="exercise" data-first="1" scope="colgroup" title="{title}">{dir}</th>"#,
            title = esc(&columns[i].exercise_title),
            dir = esc(columns[i].exercise.get(..2).unwrap_or(&columns[i].exercise))
        );
        i += span;
    }
    out.push_str("</tr><tr>");
    out.push_str(r#"<th data-sort="name" aria-sort="ascending" scope="col">student</th>"#);
    out.push_str(r#"<th data-sort="total" scope="col">points</th>"#);
    for (i, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            r#"<th data-sort="c{i}" scope="col"{first} title="{code} {item}: {title} ({points} pt)"><span class="code">{code}</span></th>"#,
            first = first(columns, i),
            code = c.code(),
            item = esc(&c.item),
            title = esc(&c.title),
            points = c.points
        );
    }
    out.push_str("</tr></thead><tbody>");
    let mut order: Vec<(usize, &Student)> = class.students.iter().enumerate().collect();
    order.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(&b.0)));
    for (index, s) in order {
        let _ = write!(
            out,
            r#"<tr data-name="{name}" data-total="{earned}""#,
            name = esc(&s.name),
            earned = s.earned
        );
        for (i, c) in columns.iter().enumerate() {
            let key = cell(s, c).map_or("", |t| t.status.as_str());
            let _ = write!(out, r#" data-c{i}="{}""#, rank(key));
        }
        let _ = write!(
            out,
            r##"><th scope="row"><a href="#{id}">{name}</a></th><td class="total">{earned}/{max}</td>"##,
            id = student_id(index),
            name = esc(&s.name),
            earned = s.earned,
            max = s.max
        );
        for (i, c) in columns.iter().enumerate() {
            match cell(s, c) {
                Some(t) => {
                    let l = look(&t.status);
                    let _ = write!(
                        out,
                        r#"<td class="cell v-{key}"{first} title="{student}: {code} {item}: {label}">{letter}</td>"#,
                        key = l.key,
                        first = first(columns, i),
                        student = esc(&s.name),
                        code = c.code(),
                        item = esc(&c.item),
                        label = l.label,
                        letter = l.letter
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        r#"<td class="cell none"{} title="not graded">–</td>"#,
                        first(columns, i)
                    );
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str(r#"</tbody><tfoot><tr><th scope="row">passed</th><td></td>"#);
    for (i, c) in columns.iter().enumerate() {
        let (passed, graded) = pass_count(class, c);
        let _ = write!(
            out,
            r#"<td class="rate"{} title="{passed} of {graded} passed">{}%</td>"#,
            first(columns, i),
            percent(passed, graded)
        );
    }
    out.push_str("</tr></tfoot></table></div>");
    out
}

/// The tasks ordered hardest first: the ones the class most needs help
/// with, with how many passed and how many had not started.
pub fn hardest(class: &Class, columns: &[Column]) -> String {
    let mut rows: Vec<(&Column, usize, usize, usize)> = columns
        .iter()
        .map(|c| {
            let (passed, graded) = pass_count(class, c);
            let untouched = class
                .students
                .iter()
                .filter_map(|s| cell(s, c))
                .filter(|t| t.status == "not_started")
                .count();
            (c, passed, graded, untouched)
        })
        .filter(|(_, passed, graded, _)| passed < graded)
        .collect();
    rows.sort_by(|a, b| {
        let ra = a.1 as f64 / a.2.max(1) as f64;
        let rb = b.1 as f64 / b.2.max(1) as f64;
        ra.total_cmp(&rb)
    });
    if rows.is_empty() {
        return "<p>Every student passed every task.</p>".to_string();
    }
    let mut out = String::from(
        r#"<table class="hardest"><thead><tr><th scope="col">task</th><th scope="col">passed</th><th scope="col">not started</th></tr></thead><tbody>"#,
    );
    for (c, passed, graded, untouched) in rows.iter().take(8) {
        let _ = write!(
            out,
            r##"<tr><td><a href="#{anchor}">{code} <code>{item}</code></a> {title}</td><td>{passed}/{graded} ({pct}%)</td><td>{untouched}</td></tr>"##,
            // Tasks nobody got wrong (only not started or not built) have
            // no mistakes section; the heatmap shows them.
            anchor = if crate::mistakes::groups(class, c).groups.is_empty() {
                "heatmap".to_string()
            } else {
                format!("m-{}", c.code())
            },
            code = c.code(),
            item = esc(&c.item),
            title = esc(&c.title),
            pct = percent(*passed, *graded)
        );
    }
    out.push_str("</tbody></table>");
    out
}
