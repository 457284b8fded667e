//! The whole page: one self-contained HTML file with its style and a small
//! sorting script inline, nothing loaded from anywhere (a class may be
//! graded offline, and the file is mailed or attached to an LMS).
//! Everything is drawn on the server side of the file: with scripts off
//! the page reads the same, only without sorting.

use crate::class::Class;
use crate::html::esc;
use crate::{columns, mistakes, overview, student, verdict};
use std::fmt::Write;

const STYLE: &str = r#"
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0.6rem 1rem; color: #212121; overflow-wrap: anywhere; }
h1 { font-size: 1.3rem; margin: 0 0 0.15rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
p.lead { margin: 0 0 0.5rem; }
.dim { color: #666; } code { font-size: 0.92em; }
table.meta td, table.meta th { text-align: left; padding: 0.1rem 0.8rem 0.1rem 0; vertical-align: top; }
table.meta th { overflow-wrap: normal; white-space: nowrap; }
.warn { background: #fff3e0; border-left: 4px solid #ef6c00; padding: 0.1rem 0.4rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table.heat { border-collapse: separate; border-spacing: 0; font-size: 11px; line-height: 17px; }
table.heat th, table.heat td { border: 0 solid #fff; border-width: 0 1px 1px 0; padding: 0 2px; text-align: center; }
table.heat thead th { background: #eceff1; cursor: pointer; white-space: nowrap; font-weight: 600; }
table.heat th.task { width: 22px; min-width: 22px; padding: 0; font-weight: normal; }
table.heat th.name { position: sticky; left: 0; z-index: 1; background: #fff; text-align: left; white-space: nowrap; font-weight: normal; max-width: 13em; overflow: hidden; text-overflow: ellipsis; }
table.heat thead th.name { background: #eceff1; }
table.heat td.corner { position: sticky; left: 0; z-index: 1; background: #fff; }
table.heat th.name a.own { margin-left: 0.3em; font-size: 10px; }
table.heat td.total { font-variant-numeric: tabular-nums; white-space: nowrap; }
.cell { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 2px; }
table.heat td.cell { display: table-cell; width: 22px; min-width: 22px; padding: 0; border-radius: 0; }
td.none { color: #999; }
table.heat [data-first] { border-left: 2px solid #78909c; }
table.heat th.exercise { background: #cfd8dc; cursor: default; }
table.heat td.rate { font-size: 9px; color: #333; padding: 0; }
ul.legend { list-style: none; padding: 0; margin: 0.4rem 0; font-size: 0.85em; display: flex; flex-wrap: wrap; gap: 0.1rem 1rem; }
ul.legend li { margin: 0; }
table.hardest { border-collapse: collapse; }
table.hardest td, table.hardest th { padding: 0.15rem 0.8rem 0.15rem 0; text-align: left; vertical-align: top; overflow-wrap: normal; }
li.mistake { margin: 0.35rem 0; } .count { font-weight: bold; } .who { font-size: 0.9em; margin-left: 1.5rem; }
details.student { border: 1px solid #ddd; border-radius: 4px; margin: 0.4rem 0; padding: 0.3rem 0.6rem; }
details.student summary { cursor: pointer; } .points { font-variant-numeric: tabular-nums; color: #333; }
.flag { background: #ffeb3b; padding: 0 0.3rem; border-radius: 2px; font-size: 0.85em; }
table.tasks td { vertical-align: top; padding: 0.2rem 0.5rem 0.2rem 0; }
table.tasks td:nth-child(2) { white-space: nowrap; }
pre { background: #f5f5f5; padding: 0.4rem; overflow-x: auto; max-height: 24rem; white-space: pre-wrap; }
svg { max-width: 100%; height: auto; }
svg text { font-family: system-ui, sans-serif; }
.scroll svg { max-width: none; }
@media (max-width: 700px) {
  body { margin: 0.5rem; }
  table.tasks td:nth-child(2) { white-space: normal; }
  table.heat th.name { max-width: 8em; }
  table.hardest thead { display: none; }
  table.hardest tr { display: block; padding: 0.3rem 0; border-bottom: 1px solid #eee; }
  table.hardest td { display: inline; padding: 0 0.4rem 0 0; }
  table.hardest td.apart { display: block; color: #666; }
}
"#;

/// Sorts the heatmap by the clicked column; rows carry their keys in
/// `data-` attributes, so the script reads no cell text and writes none.
const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById('heatmap');
  if (!table) return;
  var body = table.tBodies[0];
  table.querySelectorAll('th[data-sort]').forEach(function (th) {
    th.tabIndex = 0;
    th.title = (th.title ? th.title + ' ' : '') + '(click to sort)';
    function sort() {
      var key = th.getAttribute('data-sort');
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th[aria-sort]').forEach(function (o) { o.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.dataset[key], y = b.dataset[key];
        var c = key === 'name' ? x.localeCompare(y) : Number(x) - Number(y);
        if (c === 0) c = a.dataset.name.localeCompare(b.dataset.name);
        return ascending ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
  });
})();
"#;

fn verdict_style() -> String {
    let mut out = String::new();
    for l in verdict::all() {
        let _ = writeln!(
            out,
            ".v-{} {{ background: {}; color: {}; }}",
            l.key, l.background, l.foreground
        );
    }
    out
}

fn metadata(class: &Class) -> String {
    let m = &class.meta;
    let missing = r#"<span class="dim">not recorded</span>"#.to_string();
    let or_missing = |v: &Option<String>| v.as_deref().map(esc).unwrap_or_else(|| missing.clone());
    let version = match (&m.course_commit, m.course_modified) {
        (Some(c), Some(true)) => format!(
            "<code>{}</code> with uncommitted changes to the checker",
            esc(c)
        ),
        (Some(c), _) => format!("<code>{}</code>", esc(c)),
        (None, _) => missing.clone(),
    };
    let containment = match m.containment.as_deref() {
        None => format!(r#"<span class="warn">{missing}: assume the tests ran unsandboxed</span>"#),
        Some(c) if c.starts_with("unsandboxed") => {
            format!(r#"<span class="warn">{}</span>"#, esc(c))
        }
        Some(c) => esc(c),
    };
    let deadline = match (m.timeout_s, m.jobs) {
        (Some(t), Some(j)) => {
            format!("{t} s real-time backstop per test, {j} test processes at once")
        }
        (Some(t), None) => format!("{t} s real-time backstop per test"),
        _ => missing.clone(),
    };
    let mut out = String::from(r#"<table class="meta"><tbody>"#);
    // Reports written before inputs were varied have no seed: no row.
    let seed = m.seed.map(|s| {
        (
            "varied inputs",
            format!("seed {s} (replay with <code>grade --seed {s}</code>)"),
        )
    });
    for (k, v) in [
        ("course version", version),
        ("checker", or_missing(&m.checker_version)),
        ("graded at", or_missing(&m.graded_at)),
        ("command", or_missing(&m.command)),
        ("limits", deadline),
        ("containment", containment),
        (
            "batch",
            format!(
                "{} submission(s) in {:.1} s",
                class.students.len(),
                class.seconds
            ),
        ),
    ]
    .into_iter()
    .chain(seed)
    {
        let _ = write!(out, r#"<tr><th scope="row">{k}</th><td>{v}</td></tr>"#);
    }
    out.push_str("</tbody></table>");
    out
}

/// Every exercise that was rejected instead of built, with the reason:
/// a rejection is an accusation, so it is listed where nobody misses it.
fn rejected(class: &Class) -> String {
    let mut rows = String::new();
    for (i, s) in class.students.iter().enumerate() {
        for e in &s.exercises {
            if e.tasks.iter().any(|t| t.status == "rejected") {
                let reason = e
                    .build_error
                    .as_ref()
                    .map(|b| b.message.lines().next().unwrap_or("").to_string())
                    .unwrap_or_default();
                let _ = write!(
                    rows,
                    r##"<li><a href="#{id}">{name}</a> <code>{dir}</code>: {reason}{at}</li>"##,
                    id = crate::html::student_id(i),
                    name = esc(&s.name),
                    dir = esc(&e.dir),
                    reason = esc(&crate::html::clip(&reason, 300)),
                    at = e
                        .build_error
                        .as_ref()
                        .and_then(|b| b.location.as_deref())
                        .map(|l| format!(" <span class=\"dim\">at <code>{}</code></span>", esc(l)))
                        .unwrap_or_default()
                );
            }
        }
    }
    if rows.is_empty() {
        "<p>Nothing was rejected.</p>".to_string()
    } else {
        format!(r#"<ul class="rejected">{rows}</ul>"#)
    }
}

/// The class report as one file, each student's detail in a section of it.
pub fn render(class: &Class) -> String {
    render_with(class, None)
}

/// The class report; with `own_pages` (a file name per student, in the
/// class's order), each student's row also links their own page, the one
/// that can be handed to that student (see `student::page`).
pub fn render_with(class: &Class, own_pages: Option<&[String]>) -> String {
    let columns = columns::columns(class);
    let mut out = String::new();
    let rejected_count: usize = class
        .students
        .iter()
        .flat_map(|s| &s.exercises)
        .filter(|e| e.tasks.iter().any(|t| t.status == "rejected"))
        .count();
    let _ = write!(
        out,
        r##"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {n} submissions</title>
<style>{STYLE}{verdicts}</style></head><body>
<h1>Class report</h1>
<p class="lead dim">tokio channels course · {n} submission(s) · {tasks} task(s){when} · <a href="#about">how this was graded</a>{rejected}</p>
"##,
        n = class.students.len(),
        tasks = columns.len(),
        when = class
            .meta
            .graded_at
            .as_deref()
            .map(|t| format!(" · graded {}", esc(t)))
            .unwrap_or_default(),
        rejected = if rejected_count > 0 {
            format!(
                r##" · <a class="warn" href="#rejected">{rejected_count} exercise(s) rejected</a>"##
            )
        } else {
            String::new()
        },
        verdicts = verdict_style()
    );
    // The grid comes first: it is what the instructor opens the page for.
    let links = |i: usize| match own_pages {
        Some(pages) => format!(
            r#" <a class="own" href="{}" title="the page to hand to this student">page</a>"#,
            esc(&pages[i])
        ),
        None => String::new(),
    };
    out.push_str(r#"<section id="overview">"#);
    out.push_str(&overview::heatmap(class, &columns, &links));
    out.push_str(&overview::legend());
    out.push_str(r#"<p class="dim">Rows by name; with scripts on, click a column heading to sort by it (a task: failures first). Hover a cell for its task and verdict; a name opens the student's detail below.</p>"#);
    out.push_str(r#"<h2 id="hardest">Hardest tasks</h2><p class="dim">Ranked by failures among the students who tried the task; not started and not built are counted apart.</p>"#);
    out.push_str(&overview::hardest(class, &columns));
    out.push_str(r#"<h2>Scores</h2>"#);
    out.push_str(&overview::histogram(class));
    out.push_str("</section>");

    out.push_str(r#"<section id="mistakes"><h2>Common mistakes per task</h2><p class="dim">Failures grouped by verdict, hidden test and explanation: what to teach again.</p>"#);
    out.push_str(&mistakes::render(class, &columns));
    out.push_str("</section>");

    out.push_str(r#"<section id="students"><h2>Students</h2>"#);
    for (i, s) in class.students.iter().enumerate() {
        out.push_str(&student::render(i, s));
    }
    out.push_str("</section>");

    out.push_str(r#"<section id="about"><h2>How this was graded</h2>"#);
    out.push_str(&metadata(class));
    out.push_str(r#"<h3 id="rejected">Rejected</h3>"#);
    out.push_str(&rejected(class));
    out.push_str("</section>");
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

/// One student's own page, to hand to that student: their verdicts,
/// explanations, diffs and timelines, and how they were graded; nothing
/// about any other student (no class grid, no statistics, no names).
pub fn student_page(class: &Class, index: usize) -> String {
    let s = &class.students[index];
    let m = &class.meta;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{name}: {earned}/{max}</title>
<style>{STYLE}{verdicts}</style></head><body>
<h1>{name}: {earned}/{max} points</h1>
<p class="lead dim">tokio channels course{when}{commit}</p>
<ul class="legend">"#,
        name = esc(&s.name),
        earned = s.earned,
        max = s.max,
        verdicts = verdict_style(),
        when = m
            .graded_at
            .as_deref()
            .map(|t| format!(" · graded {}", esc(t)))
            .unwrap_or_default(),
        commit = m
            .course_commit
            .as_deref()
            .map(|c| format!(" · course <code>{}</code>", esc(c.get(..12).unwrap_or(c))))
            .unwrap_or_default(),
    );
    for l in verdict::all() {
        let _ = write!(
            out,
            r#"<li><span class="cell v-{}">{}</span> {}</li>"#,
            l.key, l.letter, l.label
        );
    }
    out.push_str("</ul>");
    // The student's section, open: it is the whole page.
    out.push_str(&student::render(index, s).replacen("<details ", "<details open ", 1));
    out.push_str("\n</body></html>\n");
    out
}
