//! The class report as an instructor meets it: the page parsed into a DOM
//! and queried with CSS selectors (dom-tree-rs; `browser.rs` has a real
//! browser render it), checked for what the overview must answer, for
//! every student's detail matching the JSON, for hostile text staying
//! text, and for size at 500 students. `tests/class.json` is a real
//! `grade --format json` report of seven submissions (every task passed;
//! the stubs; partial work with a deadlock and a failure; a busy loop and
//! a build error; a rejected include; a second deadlock; a chef that
//! drops dishes, with its timeline against the expected one), with its
//! timings and paths fixed so the page is reproducible.

use domtree::Selector;
use std::collections::BTreeSet;

fn fixture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/class.json")).unwrap()
}

fn page() -> String {
    checker_report::render(&fixture()).unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn texts(doc: &domtree::Dom, s: &str) -> Vec<String> {
    doc.select(&sel(s)).map(|e| e.text_content()).collect()
}

#[test]
fn the_page_is_golden() {
    insta::assert_snapshot!("class_report", page());
}

#[test]
fn the_heatmap_has_a_row_per_student_and_a_column_per_task() {
    let class = checker_report::class::read(&fixture()).unwrap();
    let doc = domtree::parse(&page());
    let names: BTreeSet<String> = texts(&doc, "#heatmap tbody th").into_iter().collect();
    let want: BTreeSet<String> = class.students.iter().map(|s| s.name.clone()).collect();
    assert_eq!(names, want);
    let tasks: usize = class.students[0]
        .exercises
        .iter()
        .map(|e| e.tasks.len())
        .sum();
    assert_eq!(
        doc.select(&sel("#heatmap thead th[data-sort^=c]")).count(),
        tasks
    );
    for row in doc.select(&sel("#heatmap tbody tr")) {
        assert_eq!(row.select(&sel("td.cell")).count(), tasks);
    }
    // One pass rate per task.
    assert_eq!(doc.select(&sel("#heatmap tfoot td.rate")).count(), tasks);
}

#[test]
fn every_colour_on_the_page_is_explained_in_the_legend() {
    let doc = domtree::parse(&page());
    let legend: BTreeSet<String> = doc
        .select(&sel("#legend li"))
        .filter_map(|li| li.attr("data-verdict").map(str::to_string))
        .collect();
    let used: BTreeSet<String> = doc
        .select(&sel(".cell"))
        .flat_map(|c| {
            c.classes()
                .filter_map(|c| c.strip_prefix("v-").map(str::to_string))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(used.len() >= 7, "the fixture shows many verdicts: {used:?}");
    assert!(
        used.is_subset(&legend),
        "unexplained: {:?}",
        used.difference(&legend)
    );
    for key in [
        "pass",
        "fail",
        "panic",
        "deadlock",
        "blocked",
        "timeout",
        "compile_error",
        "not_started",
        "rejected",
    ] {
        assert!(legend.contains(key), "legend lacks {key}");
    }
}

#[test]
fn every_students_detail_matches_the_json() {
    let class = checker_report::class::read(&fixture()).unwrap();
    let doc = domtree::parse(&page());
    let sections: Vec<_> = doc.select(&sel("details.student")).collect();
    assert_eq!(sections.len(), class.students.len());
    for (s, section) in class.students.iter().zip(sections) {
        assert_eq!(section.attr("data-student"), Some(s.name.as_str()));
        let shown = section
            .select(&sel("summary .points"))
            .next()
            .unwrap()
            .text_content();
        assert_eq!(shown, format!("{}/{}", s.earned, s.max));
        let statuses: Vec<&str> = section
            .select(&sel("tr.task"))
            .map(|r| r.attr("data-status").unwrap())
            .collect();
        let want: Vec<&str> = s
            .exercises
            .iter()
            .flat_map(|e| e.tasks.iter().map(|t| t.status.as_str()))
            .collect();
        assert_eq!(statuses, want, "{}", s.name);
        // Every failing task's explanation is there, word for word (a
        // task not started needs none; a build error is shown once).
        let text = section.text_content();
        for e in &s.exercises {
            for t in e.tasks.iter().filter(|t| t.status != "not_started") {
                if let Some(err) = &e.build_error {
                    assert!(text.contains(err.message.lines().next().unwrap()));
                } else if let Some(test) = t.first_failure() {
                    assert!(
                        text.contains(test.message.trim()),
                        "{}: {} lacks {:?}",
                        s.name,
                        t.item,
                        test.message
                    );
                }
            }
        }
    }
}

#[test]
fn common_mistakes_name_the_students_who_made_them() {
    let doc = domtree::parse(&page());
    // carol and frank both kept a Sender alive in run_kitchen.
    let task = doc.select(&sel("#m-01\\.3 li.mistake")).next().unwrap();
    let text = task.text_content();
    assert!(text.starts_with("2 students"), "{text}");
    assert!(
        text.contains("deadlock") && text.contains("Sender"),
        "{text}"
    );
    let who = texts(&doc, "#m-01\\.3 li.mistake:first-child .who a");
    assert_eq!(who, ["carol", "frank"]);
    // A build that failed is one mistake per exercise, not one per task.
    let builds = texts(&doc, ".build-mistakes li.mistake");
    assert_eq!(builds.len(), 2, "{builds:?}");
}

#[test]
fn the_header_says_how_the_batch_was_graded() {
    let doc = domtree::parse(&page());
    let meta = texts(&doc, "table.meta td").join("\n");
    for want in [
        "0123456789abcdef",
        "2026-11-26T23:40:10Z",
        "unsandboxed",
        "4 s real-time backstop per test",
    ] {
        assert!(meta.contains(want), "{want} missing from {meta}");
    }
    let rejected = texts(&doc, "ul.rejected li").join("\n");
    assert!(rejected.contains("eve") && rejected.contains("include_str!"));
}

#[test]
fn the_header_gives_the_seed_that_replays_the_batch() {
    let with_seed = fixture().replacen("\"meta\":{", "\"meta\":{\"seed\":424242,", 1);
    assert_ne!(with_seed, fixture(), "the fixture has a `meta` object");
    let doc = domtree::parse(&checker_report::render(&with_seed).unwrap());
    let meta = texts(&doc, "table.meta td").join("\n");
    assert!(meta.contains("grade --seed 424242"), "{meta}");
    // A report written before inputs were varied has no such row.
    let doc = domtree::parse(&page());
    assert!(!texts(&doc, "table.meta th").join(" ").contains("varied"));
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let doc = domtree::parse(&page());
    for el in doc.select(&sel("[src], link, [href]")) {
        let target = el.attr("src").or(el.attr("href")).unwrap_or("");
        assert!(
            target.starts_with('#'),
            "{} loads or links {target:?}",
            el.tag_name().unwrap_or_default()
        );
    }
    assert_eq!(doc.select(&sel("script")).count(), 1, "one inline script");
    assert!(doc.select(&sel("script[src]")).next().is_none());
}

#[test]
fn a_failing_timeline_is_drawn_expected_above_the_students() {
    let doc = domtree::parse(&page());
    let gus = doc
        .select(&sel("details[data-student=gus]"))
        .next()
        .unwrap();
    let svg = gus.select(&sel("svg.timeline")).next().expect("a timeline");
    let labels: Vec<String> = svg.select(&sel("text")).map(|t| t.text_content()).collect();
    let expected = labels.iter().position(|l| l == "expected").unwrap();
    let theirs = labels.iter().position(|l| l == "this submission").unwrap();
    assert!(expected < theirs, "{labels:?}");
    assert!(svg.select(&sel("rect")).count() >= 1, "a wait bar");
}

#[test]
fn hostile_text_from_a_submission_stays_text() {
    let json = fixture()
        .replace(
            "\"name\":\"bob\"",
            "\"name\":\"<img src=x onerror=alert(1)><script>alert(2)</script>\"",
        )
        .replace(
            "the kitchen never finished",
            "</pre></details><script>alert(3)</script> the kitchen never finished",
        );
    let html = checker_report::render(&json).unwrap();
    let doc = domtree::parse(&html);
    assert_eq!(doc.select(&sel("script")).count(), 1);
    assert_eq!(doc.select(&sel("img")).count(), 0);
    assert_eq!(
        doc.select(&sel("details.student")).count(),
        7,
        "a message cannot close a section"
    );
    let names = texts(&doc, "#heatmap tbody th");
    assert!(
        names
            .iter()
            .any(|n| n.contains("<script>alert(2)</script>"))
    );
}

/// A class of 500: the fixture's students repeated with new names.
fn big_class(n: usize) -> String {
    let doc = fixture();
    let start = doc.find("\"submissions\":[").unwrap() + "\"submissions\":[".len();
    let end = doc.rfind("]}").unwrap();
    let body = &doc[start..end];
    // Split the six submission objects at their top-level boundaries.
    let mut subs = Vec::new();
    let (mut depth, mut from, mut in_str, mut escaped) = (0, 0, false, false);
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '{' if !in_str => {
                if depth == 0 {
                    from = i;
                }
                depth += 1;
            }
            '}' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    subs.push(&body[from..=i]);
                }
            }
            _ => {}
        }
    }
    assert_eq!(subs.len(), 7);
    let many: Vec<String> = (0..n)
        .map(|i| {
            let s = subs[i % subs.len()];
            let name_at = s.find("\"name\":\"").unwrap() + "\"name\":\"".len();
            let name_end = name_at + s[name_at..].find('"').unwrap();
            format!("{}student{i:03}{}", &s[..name_at], &s[name_end..])
        })
        .collect();
    format!("{}{}{}", &doc[..start], many.join(","), &doc[end..])
}

#[test]
fn a_class_of_500_stays_a_page_one_can_mail() {
    let html = checker_report::render(&big_class(500)).unwrap();
    let doc = domtree::parse(&html);
    assert_eq!(doc.select(&sel("#heatmap tbody tr")).count(), 500);
    let mib = html.len() as f64 / (1024.0 * 1024.0);
    eprintln!("500 students: {mib:.1} MiB");
    // Email attachments and LMS uploads commonly stop at 10-25 MiB.
    assert!(mib < 10.0, "{mib:.1} MiB");
}

/// Hardest tasks count failures among the students who tried a task:
/// bob (never started) and eve (rejected) do not make a task hard, the
/// kitchen's deadlocks do, and tasks with as many failures share a rank.
#[test]
fn the_hardest_tasks_are_ranked_among_those_who_tried_with_ties_as_ties() {
    let doc = domtree::parse(&page());
    let rows: Vec<Vec<String>> = doc
        .select(&sel("table.hardest tbody tr"))
        .map(|r| r.select(&sel("td")).map(|c| c.text_content()).collect())
        .collect();
    assert!(!rows.is_empty());
    // 01.3: carol and frank deadlock, dave's busy loop times out.
    assert_eq!(rows[0][0], "1", "{rows:?}");
    assert!(rows[0][1].starts_with("01.3"), "{rows:?}");
    assert!(rows[0][2].starts_with("3/"), "{rows:?}");
    assert!(rows[0][2].contains("2 deadlock"), "{rows:?}");
    // Every other failing task failed once: one shared rank, marked.
    for r in &rows[1..] {
        assert_eq!(r[0], "2=", "{rows:?}");
        assert!(r[2].starts_with("1/"), "{rows:?}");
    }
    // No task is listed for untouched or unbuilt work alone: each row's
    // failures are verdicts of students who tried.
    let class = checker_report::class::read(&fixture()).unwrap();
    let columns = checker_report::columns::columns(&class);
    let ranked = checker_report::overview::ranking(&class, &columns);
    assert_eq!(ranked.len(), rows.len(), "a tie was cut");
    for (_, c, t) in &ranked {
        let tried = class
            .students
            .iter()
            .filter_map(|s| checker_report::columns::cell(s, c))
            .filter(|t| {
                !matches!(
                    t.status.as_str(),
                    "not_started" | "compile_error" | "rejected"
                )
            })
            .count();
        assert_eq!(t.tried(), tried, "{}", c.code());
    }
}

/// Sorting a task's column (the first click sorts ascending by the row's
/// `data-` key) puts the students who failed it first, then builds that
/// failed, then not started, then passes.
#[test]
fn sorting_a_task_column_puts_failures_first() {
    let doc = domtree::parse(&page());
    // Column 2 is 01.3.
    let mut rows: Vec<(usize, String)> = doc
        .select(&sel("#heatmap tbody tr"))
        .map(|r| {
            (
                r.attr("data-c2").unwrap().parse().unwrap(),
                r.attr("data-name").unwrap().to_string(),
            )
        })
        .collect();
    rows.sort();
    let names: Vec<&str> = rows.iter().map(|(_, n)| n.as_str()).collect();
    let first: BTreeSet<&str> = names[..3].iter().copied().collect();
    assert_eq!(
        first,
        BTreeSet::from(["carol", "dave", "frank"]),
        "{names:?}"
    );
    assert_eq!(names[3], "eve", "rejected before not started: {names:?}");
    assert_eq!(names[4], "bob", "not started before passes: {names:?}");
}
