//! `grade --format html` end to end: the real checker grades two
//! submissions of exercise 01 (the reference solution and the untouched
//! stub), hands the batch to this crate's binary, and the page shows both
//! with the scores the JSON report gives.

use domtree::Selector;
use std::path::{Path, PathBuf};
use std::process::Command;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn submission(root: &Path, name: &str, lib: &Path) -> PathBuf {
    let src = root.join(name).join("exercises/01-bounded-send/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::copy(lib, src.join("lib.rs")).unwrap();
    root.join(name)
}

fn checker(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .current_dir(course())
        .args(["run", "-q", "--locked", "-p", "checker", "--"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn grade_writes_the_class_report() {
    let dir = std::env::temp_dir().join(format!("grade-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let course = course();
    let ann = submission(
        &dir,
        "ann",
        &course.join("solutions/01-bounded-send/src/lib.rs"),
    );
    let ben = submission(
        &dir,
        "ben",
        &course.join("checker/stubs/01-bounded-send/src/lib.rs"),
    );
    let page = dir.join("class.html");
    let out = checker(&[
        "grade".as_ref(),
        ann.as_os_str(),
        ben.as_os_str(),
        "--exercise".as_ref(),
        "01".as_ref(),
        "--format".as_ref(),
        "html".as_ref(),
        "--output".as_ref(),
        page.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let doc = domtree::parse(&html);
    let rows: Vec<(String, String)> = doc
        .select(&Selector::parse("#heatmap tbody tr").unwrap())
        .map(|r| {
            (
                r.attr("data-name").unwrap().to_string(),
                r.attr("data-total").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("ann".to_string(), "10".to_string()),
            ("ben".into(), "0".into())
        ]
    );
    // The header names the course commit the checker graded with (or says
    // it was not recorded outside a git checkout), and the containment.
    let meta: String = doc
        .select(&Selector::parse("table.meta").unwrap())
        .map(|t| t.text_content())
        .collect();
    assert!(
        meta.contains("containment") && meta.contains("graded at"),
        "{meta}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
