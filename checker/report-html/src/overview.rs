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

/// Where a verdict sorts when its task's column is sorted (the first
/// click sorts ascending): failures first, worst kind first in the
/// checker's order, then builds that failed, then not started, then
/// passes, then not graded. The instructor sorts a task to see who failed
/// it.
pub fn sort_rank(key: &str) -> usize {
    let n = Status::ALL.len();
    let position = Status::from_key(key).and_then(|s| Status::ALL.iter().position(|x| *x == s));
    match key {
        "" => 4 * n,
        "pass" => 3 * n,
        "not_started" => 2 * n,
        "compile_error" | "rejected" => n + position.unwrap_or(0),
        _ => position.unwrap_or(n),
    }
}

/// The heatmap: a row per student (by name), a column per task grouped
/// under its exercise, each cell coloured by verdict and lettered; the
/// last row gives each task's pass rate. Cells are small enough that the
/// whole course (42 tasks) fits a laptop's width beside the names; on a
/// narrower screen the grid scrolls inside its box with the names column
/// held in place. `data-` attributes let the page's script sort it;
/// without the script it stays sorted by name.
pub fn heatmap(class: &Class, columns: &[Column], links: &dyn Fn(usize) -> String) -> String {
    let mut out = String::new();
    out.push_str(
        r#"<div class="scroll grid"><table class="heat" id="heatmap"><thead><tr><td class="corner" colspan="2"></td>"#,
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
            r#"<th colspan="{span}" class="exercise" data-first="1" scope="colgroup" title="{dir}: {title}">{short}</th>"#,
            dir = esc(&columns[i].exercise),
            title = esc(&columns[i].exercise_title),
            short = esc(columns[i].exercise.get(..2).unwrap_or(&columns[i].exercise))
        );
        i += span;
    }
    out.push_str("</tr><tr>");
    out.push_str(
        r#"<th class="name" data-sort="name" aria-sort="ascending" scope="col">student</th>"#,
    );
    out.push_str(r#"<th data-sort="total" scope="col">points</th>"#);
    for (i, c) in columns.iter().enumerate() {
        // The exercise's heading above says which exercise; the cell
        // shows the task's number, its title the rest.
        let _ = write!(
            out,
            r#"<th class="task" data-sort="c{i}" scope="col"{first} title="{code} {item}: {title} ({points} pt)" aria-label="{code}">{n}</th>"#,
            first = first(columns, i),
            code = c.code(),
            n = c.number,
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
            let _ = write!(out, r#" data-c{i}="{}""#, sort_rank(key));
        }
        let _ = write!(
            out,
            r##"><th class="name" scope="row" title="{name}"><a href="#{id}">{name}</a>{own}</th><td class="total">{earned}/{max}</td>"##,
            id = student_id(index),
            name = esc(&s.name),
            own = links(index),
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
    out.push_str(r#"</tbody><tfoot><tr><th class="name" scope="row">% passed</th><td></td>"#);
    for (i, c) in columns.iter().enumerate() {
        let (passed, graded) = pass_count(class, c);
        let _ = write!(
            out,
            r#"<td class="rate"{} title="{code}: {passed} of {graded} passed">{}</td>"#,
            first(columns, i),
            percent(passed, graded),
            code = c.code()
        );
    }
    out.push_str("</tr></tfoot></table></div>");
    out
}

/// How the class did on one task, counted apart by kind: only students
/// who tried the task (passed or failed it) rank it, so untouched work and
/// an exercise that did not build never make a task look hard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub passed: usize,
    /// Verdict key and how many students got it, most first.
    pub failed: Vec<(String, usize)>,
    pub not_started: usize,
    pub unbuilt: usize,
}

impl Tally {
    pub fn failures(&self) -> usize {
        self.failed.iter().map(|(_, n)| n).sum()
    }

    /// Students who tried the task: it passed or it failed.
    pub fn tried(&self) -> usize {
        self.passed + self.failures()
    }
}

pub fn tally(class: &Class, c: &Column) -> Tally {
    let mut t = Tally::default();
    for task in class.students.iter().filter_map(|s| cell(s, c)) {
        match task.status.as_str() {
            "pass" => t.passed += 1,
            "not_started" => t.not_started += 1,
            "compile_error" | "rejected" => t.unbuilt += 1,
            other => match t.failed.iter_mut().find(|(k, _)| k == other) {
                Some((_, n)) => *n += 1,
                None => t.failed.push((other.to_string(), 1)),
            },
        }
    }
    t.failed
        .sort_by(|a, b| b.1.cmp(&a.1).then(sort_rank(&a.0).cmp(&sort_rank(&b.0))));
    t
}

/// Tasks with failures, most failures first, each with its rank: tasks
/// with as many failures share a rank (competition ranking, 1, 2, 2, 4),
/// and ties keep course order.
pub fn ranking<'a>(class: &Class, columns: &'a [Column]) -> Vec<(usize, &'a Column, Tally)> {
    let mut rows: Vec<(&Column, Tally)> = columns
        .iter()
        .map(|c| (c, tally(class, c)))
        .filter(|(_, t)| t.failures() > 0)
        .collect();
    rows.sort_by_key(|(_, t)| std::cmp::Reverse(t.failures()));
    let counts: Vec<usize> = rows.iter().map(|(_, t)| t.failures()).collect();
    rows.into_iter()
        .map(|(c, t)| {
            let rank = 1 + counts.iter().filter(|n| **n > t.failures()).count();
            (rank, c, t)
        })
        .collect()
}

/// Shown at most, unless the last shown task ties with the next ones:
/// a tie is never cut.
const HARDEST: usize = 8;

/// The tasks the class most needs help with: ranked by how many of the
/// students who tried them failed, with those who had not started or
/// whose exercise did not build counted apart.
pub fn hardest(class: &Class, columns: &[Column]) -> String {
    let ranked = ranking(class, columns);
    if ranked.is_empty() {
        return "<p>No task failed for a student who tried it.</p>".to_string();
    }
    let cut = ranked
        .get(HARDEST.saturating_sub(1))
        .map_or(ranked.len(), |(rank, _, _)| {
            ranked.iter().take_while(|(r, _, _)| r <= rank).count()
        });
    let mut out = String::from(
        r#"<table class="hardest"><thead><tr><th scope="col">rank</th><th scope="col">task</th><th scope="col">failed, of those who tried</th><th scope="col">counted apart</th></tr></thead><tbody>"#,
    );
    for (rank, c, t) in &ranked[..cut] {
        let tied = ranked.iter().filter(|(r, _, _)| r == rank).count() > 1;
        let verdicts: Vec<String> = t
            .failed
            .iter()
            .map(|(key, n)| {
                let l = look(key);
                format!(
                    r#"<span class="cell v-{k}">{letter}</span> {n} {label}"#,
                    k = l.key,
                    letter = l.letter,
                    label = l.label
                )
            })
            .collect();
        let _ = write!(
            out,
            r##"<tr data-rank="{rank}"><td>{rank}{tie}</td><td><a href="#m-{code}">{code} <code>{item}</code></a> {title}</td><td><b>{failed}/{tried}</b> ({pct}%): {verdicts}</td><td class="apart">{untouched} not started · {unbuilt} not built</td></tr>"##,
            tie = if tied {
                r#"<span title="tied">=</span>"#
            } else {
                ""
            },
            code = c.code(),
            item = esc(&c.item),
            title = esc(&c.title),
            failed = t.failures(),
            tried = t.tried(),
            pct = percent(t.failures(), t.tried()),
            verdicts = verdicts.join(", "),
            untouched = t.not_started,
            unbuilt = t.unbuilt,
        );
    }
    out.push_str("</tbody></table>");
    if cut < ranked.len() {
        let _ = write!(
            out,
            r##"<p class="dim">{} more task(s) with fewer failures: see <a href="#mistakes">common mistakes</a>.</p>"##,
            ranked.len() - cut
        );
    }
    out
}
