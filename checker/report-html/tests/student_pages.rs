//! Feedback per student from one batch, from the student's seat: the
//! class report written to a folder links every student to a page of
//! their own, and that page, handed to its student, says nothing about
//! anyone else.

use domtree::Selector;
use std::collections::BTreeSet;
use std::process::Command;

/// The words of a page's text: a name counts only as a whole word (`eve`
/// is not in "every").
fn words(html: &str) -> BTreeSet<String> {
    let doc = domtree::parse(html);
    let text: String = doc.roots().map(|r| r.text_content()).collect();
    let title = Selector::parse("[title]").unwrap();
    let titles: String = doc
        .select(&title)
        .filter_map(|e| e.attr("title"))
        .collect::<Vec<_>>()
        .join(" ");
    format!("{text} {titles}")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn each_student_gets_a_page_that_names_nobody_else() {
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/class.json");
    let class = checker_report::class::read(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let names: Vec<String> = class.students.iter().map(|s| s.name.clone()).collect();
    let dir = std::env::temp_dir().join(format!("class-pages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_checker-report"))
        .arg(fixture)
        .arg("--output")
        .arg(format!("{}/", dir.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The class report links each student's row to their page.
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    let doc = domtree::parse(&index);
    let rows = Selector::parse("#heatmap tbody tr").unwrap();
    let own = Selector::parse("a.own").unwrap();
    let mut linked = BTreeSet::new();
    for row in doc.select(&rows) {
        let name = row.attr("data-name").unwrap().to_string();
        let href = row
            .select(&own)
            .next()
            .unwrap_or_else(|| panic!("{name} has no page link"))
            .attr("href")
            .unwrap()
            .to_string();
        assert!(dir.join(&href).is_file(), "{href} is missing");
        linked.insert((name, href));
    }
    assert_eq!(linked.len(), names.len());

    for (name, href) in &linked {
        let page = std::fs::read_to_string(dir.join(href)).unwrap();
        let seen = words(&page);
        assert!(seen.contains(&name.to_lowercase()), "{href} lacks {name}");
        for other in names.iter().filter(|n| *n != name) {
            assert!(
                !seen.contains(&other.to_lowercase()),
                "{name}'s page {href} names {other}"
            );
        }
        // Nothing of the class: no grid, no statistics, no other sections.
        let doc = domtree::parse(&page);
        for part in ["#heatmap", "table.hardest", "#mistakes", "svg.histogram"] {
            let s = Selector::parse(part).unwrap();
            assert!(doc.select(&s).next().is_none(), "{href} holds {part}");
        }
        let details = Selector::parse("details.student[open]").unwrap();
        assert_eq!(doc.select(&details).count(), 1, "{href}");
    }
    // The words test can fail: the class page names everybody.
    let all = words(&index);
    assert!(names.iter().all(|n| all.contains(&n.to_lowercase())));
    let _ = std::fs::remove_dir_all(&dir);
}
