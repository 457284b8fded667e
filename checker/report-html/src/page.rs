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
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; color: #212121; max-width: 1400px; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
.dim { color: #666; } code { font-size: 0.92em; }
table.meta td, table.meta th { text-align: left; padding: 0.1rem 0.8rem 0.1rem 0; vertical-align: top; }
.warn { background: #fff3e0; border-left: 4px solid #ef6c00; padding: 0.3rem 0.6rem; }
.scroll { overflow-x: auto; }
table.heat { border-collapse: collapse; font-size: 12px; }
table.heat th, table.heat td { border: 1px solid #fff; padding: 2px 4px; text-align: center; }
table.heat thead th { background: #eceff1; cursor: pointer; white-space: nowrap; }
table.heat tbody th { text-align: left; white-space: nowrap; font-weight: normal; }
table.heat td.total { font-variant-numeric: tabular-nums; }
.cell { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 2px; }
table.heat td.cell { display: table-cell; min-width: 1.6em; }
td.none { color: #999; }
table.heat [data-first] { border-left: 3px solid #90a4ae; }
table.heat th.exercise { background: #cfd8dc; cursor: default; }
td.rate { font-size: 11px; color: #333; }
ul.legend { list-style: none; padding: 0; columns: 2; max-width: 900px; }
ul.legend li { margin: 0.15rem 0; }
table.hardest td, table.hardest th { padding: 0.15rem 0.8rem 0.15rem 0; text-align: left; }
li.mistake { margin: 0.35rem 0; } .count { font-weight: bold; } .who { font-size: 0.9em; margin-left: 1.5rem; }
details.student { border: 1px solid #ddd; border-radius: 4px; margin: 0.4rem 0; padding: 0.3rem 0.6rem; }
details.student summary { cursor: pointer; } .points { font-variant-numeric: tabular-nums; color: #333; }
.flag { background: #ffeb3b; padding: 0 0.3rem; border-radius: 2px; font-size: 0.85em; }
table.tasks td { vertical-align: top; padding: 0.2rem 0.5rem 0.2rem 0; }
table.tasks td:nth-child(2) { white-space: nowrap; }
pre { background: #f5f5f5; padding: 0.4rem; overflow-x: auto; max-height: 24rem; white-space: pre-wrap; }
svg text { font-family: system-ui, sans-serif; }
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
        (Some(t), Some(j)) => format!("{t} s of real time per test, {j} test processes at once"),
        (Some(t), None) => format!("{t} s of real time per test"),
        _ => missing.clone(),
    };
    let mut out = String::from(r#"<table class="meta"><tbody>"#);
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
    ] {
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

pub fn render(class: &Class) -> String {
    let columns = columns::columns(class);
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {n} submissions</title>
<style>{STYLE}{verdicts}</style></head><body>
<h1>Class report</h1>
<p class="dim">tokio channels course · {n} submission(s) · {tasks} task(s)</p>
"#,
        n = class.students.len(),
        tasks = columns.len(),
        verdicts = verdict_style()
    );
    out.push_str(r#"<section id="about"><h2>How this was graded</h2>"#);
    out.push_str(&metadata(class));
    out.push_str(r#"<h3>Rejected</h3>"#);
    out.push_str(&rejected(class));
    out.push_str("</section>");

    out.push_str(r#"<section id="overview"><h2>Overview</h2><h3>Scores</h3>"#);
    out.push_str(&overview::histogram(class));
    out.push_str(r#"<h3>Every student, every task</h3><p class="dim">Rows by name; with scripts on, click a column heading to sort by it. Each cell links its colour to a letter: see the legend below.</p>"#);
    out.push_str(&overview::heatmap(class, &columns));
    out.push_str(&overview::legend());
    out.push_str(r#"<h3>Hardest tasks</h3>"#);
    out.push_str(&overview::hardest(class, &columns));
    out.push_str("</section>");

    out.push_str(r#"<section id="mistakes"><h2>Common mistakes per task</h2><p class="dim">Failures grouped by verdict, hidden test and explanation: what to teach again.</p>"#);
    out.push_str(&mistakes::render(class, &columns));
    out.push_str("</section>");

    out.push_str(r#"<section id="students"><h2>Students</h2>"#);
    for (i, s) in class.students.iter().enumerate() {
        out.push_str(&student::render(i, s));
    }
    out.push_str("</section>");
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}
