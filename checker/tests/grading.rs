//! Grading as an instructor uses it: a batch of submissions, honest and
//! hostile, graded by the real binary into every output format.
//!
//! Each hostile submission starts from the untouched stub (0 points) and
//! adds one trick; none may gain a point.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Replaces every run of digits after `key` (up to the next quote or
/// comma) with `…`, so timings do not break golden files.
fn redact(text: &str, key: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(key) {
        out.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 's'))
            .unwrap_or(rest.len());
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Standard base64, for reading the Classroom report back.
fn unbase64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let values: Vec<u32> = text
        .bytes()
        .filter(|b| *b != b'=')
        .map(|b| {
            ALPHABET
                .iter()
                .position(|a| *a == b)
                .expect("base64 alphabet") as u32
        })
        .collect();
    let mut out = Vec::new();
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, v)| acc | v << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("course-grading-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// A submission whose exercise 01 holds `src` (a folder with src/lib.rs).
fn submission(root: &Path, name: &str, src: &Path) -> PathBuf {
    let sub = root.join(name);
    copy_dir(&src.join("src"), &sub.join("exercises/01-bounded-send/src"));
    std::fs::copy(
        course().join("exercises/01-bounded-send/Cargo.toml"),
        sub.join("exercises/01-bounded-send/Cargo.toml"),
    )
    .unwrap();
    sub
}

fn grade(args: &[&str], subs: &[PathBuf]) -> String {
    support::grade_with(args, subs, &[])
}

/// `text` without what depends on how this machine contains test
/// processes (`every_grade_format_says_whether_the_run_was_contained`
/// checks that part): golden files hold the same on every machine.
fn machine_free(text: &str) -> String {
    let mut out = text
        .replace(",yes,", ",…,")
        .replace(",no,", ",…,")
        .replace("\"contained\":true", "\"contained\":…")
        .replace("\"contained\":false", "\"contained\":…")
        .replace(
            "name=\"contained\" value=\"true\"",
            "name=\"contained\" value=\"…\"",
        )
        .replace(
            "name=\"contained\" value=\"false\"",
            "name=\"contained\" value=\"…\"",
        );
    let key = "name=\"containment\" value=\"";
    let mut rest = out.as_str();
    let mut done = String::new();
    while let Some(i) = rest.find(key) {
        done.push_str(&rest[..i + key.len()]);
        rest = &rest[i + key.len()..];
        done.push('…');
        rest = &rest[rest.find('"').unwrap_or(rest.len())..];
    }
    done.push_str(rest);
    out = done;
    out
}

/// Splits the CSV gradebook into (submission, total) pairs.
fn totals(csv: &str) -> Vec<(String, u32)> {
    csv.lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[0].to_string(), cells.last().unwrap().parse().unwrap())
        })
        .collect()
}

#[test]
fn hostile_submissions_gain_nothing_and_honest_ones_get_their_points() {
    let root = fresh_dir("batch");
    let stub = course().join("checker/stubs/01-bounded-send");
    let fixtures = course().join("checker/tests/fixtures/01-bounded-send");
    let marker = root.join("build-script-ran");

    let mut subs = vec![
        submission(&root, "honest", &course().join("solutions/01-bounded-send")),
        submission(&root, "untouched", &stub),
        submission(&root, "partial", &fixtures.join("mistake-kept-sender")),
        submission(&root, "fake-output", &fixtures.join("fake-output")),
        submission(&root, "exit-early", &fixtures.join("exit-early")),
        submission(&root, "broken", &fixtures.join("syntax-error")),
    ];

    // Edits the hidden tests and snapshots in its own copy of the course.
    let s = submission(&root, "edited-tests", &stub);
    let hidden = s.join("checker/hidden/01-bounded-send");
    std::fs::create_dir_all(hidden.join("snapshots")).unwrap();
    std::fs::write(hidden.join("tests.rs"), "harness::tests! {}\n").unwrap();
    std::fs::write(
        hidden.join("snapshots/chef_backpressure_timeline.snap"),
        "---\n---\n",
    )
    .unwrap();
    subs.push(s);

    // A build script that would run on the grader's machine.
    let s = submission(&root, "build-script", &stub);
    std::fs::write(
        s.join("exercises/01-bounded-send/build.rs"),
        format!(
            "fn main() {{ std::fs::write({:?}, \"ran\").unwrap(); }}\n",
            marker
        ),
    )
    .unwrap();
    subs.push(s);

    // A manifest that points the library at the reference solution.
    let s = submission(&root, "cargo-toml", &stub);
    let manifest = s.join("exercises/01-bounded-send/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap().replace(
        "name = \"bounded_send\"",
        &format!(
            "name = \"bounded_send\"\npath = {:?}",
            course().join("solutions/01-bounded-send/src/lib.rs")
        ),
    );
    std::fs::write(&manifest, text).unwrap();
    subs.push(s);

    // Compiles the reference solution in through include!.
    let s = submission(&root, "include-solution", &stub);
    std::fs::write(
        s.join("exercises/01-bounded-send/src/lib.rs"),
        format!(
            "include!({:?});\n",
            course().join("solutions/01-bounded-send/src/lib.rs")
        ),
    )
    .unwrap();
    subs.push(s);

    // The whole src/ folder is a link to the reference solution.
    let s = root.join("linked-src");
    std::fs::create_dir_all(s.join("exercises/01-bounded-send")).unwrap();
    #[cfg(unix)]
    use std::os::unix::fs::symlink;
    #[cfg(windows)]
    use std::os::windows::fs::symlink_dir as symlink;
    symlink(
        course().join("solutions/01-bounded-send/src"),
        s.join("exercises/01-bounded-send/src"),
    )
    .unwrap();
    subs.push(s);

    let snapshot_before = std::fs::read_to_string(
        course().join("checker/hidden/01-bounded-send/snapshots/chef_backpressure_timeline.snap"),
    )
    .unwrap();

    let csv = grade(&["--exercise", "01", "--format", "csv"], &subs);
    let expected: Vec<(String, u32)> = [
        ("honest", 10),
        ("untouched", 0),
        ("partial", 8),
        ("fake-output", 0),
        ("exit-early", 0),
        ("broken", 0),
        ("edited-tests", 0),
        ("build-script", 0),
        ("cargo-toml", 0),
        ("include-solution", 0),
        ("linked-src", 0),
    ]
    .iter()
    .map(|(n, p)| (n.to_string(), *p))
    .collect();
    assert_eq!(totals(&csv), expected, "gradebook:\n{csv}");
    assert!(csv.starts_with("submission,01.1 runner (/1),"), "{csv}");
    let widths: Vec<usize> = csv.lines().map(|l| l.split(',').count()).collect();
    assert!(
        // submission, six tasks, contained, total
        widths.iter().all(|w| *w == 1 + 6 + 2),
        "one column per graded task: {widths:?}\n{csv}"
    );
    assert!(
        !marker.exists(),
        "a submission's build.rs ran on the grader's machine"
    );
    insta::assert_snapshot!("gradebook_csv", machine_free(&csv));
    let snapshot_after = std::fs::read_to_string(
        course().join("checker/hidden/01-bounded-send/snapshots/chef_backpressure_timeline.snap"),
    )
    .unwrap();
    assert_eq!(
        snapshot_before, snapshot_after,
        "grading must never write snapshots"
    );

    // The same batch as JSON: the include! trick is named, and listed for review.
    let json = grade(&["--exercise", "01", "--format", "json"], &subs);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["schema"], "tokio-channels-course/grade/v1");
    let inc = &doc["submissions"][9];
    assert_eq!(inc["name"], "include-solution");
    assert_eq!(inc["exercises"][0]["tasks"][0]["status"], "rejected");
    assert!(
        inc["review"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["construct"].as_str().unwrap().starts_with("include!"))
    );
    let exit = &doc["submissions"][4];
    assert!(
        exit["review"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["construct"].as_str().unwrap().contains("process::exit"))
    );

    // JUnit: well-formed XML, a test case per task, failures where tasks fail.
    let xml = grade(&["--exercise", "01", "--format", "junit"], &subs[..3]);
    let tree = roxmltree::Document::parse(&xml).expect("JUnit report is well-formed XML");
    let cases: Vec<_> = tree
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 18, "3 submissions x 6 tasks");
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|x| x.has_tag_name("failure")))
        .count();
    assert_eq!(
        failed,
        6 + 1,
        "untouched fails all six tasks, partial fails one"
    );
    let suites = tree.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("18"));
    insta::assert_snapshot!("junit_report", machine_free(&redact(&xml, "time=\"")));

    let _ = std::fs::remove_dir_all(&root);
}

/// Grading from inside a submission must not pick up its cargo settings.
#[test]
fn a_submissions_cargo_config_does_not_apply() {
    let root = fresh_dir("cargo-config");
    let sub = submission(
        &root,
        "configured",
        &course().join("solutions/01-bounded-send"),
    );
    std::fs::create_dir_all(sub.join(".cargo")).unwrap();
    std::fs::write(
        sub.join(".cargo/config.toml"),
        "[build]\nrustc-wrapper = \"/bin/false\"\n",
    )
    .unwrap();
    // The class report is drawn by a binary of its own, built on first
    // use: that build must not take the submission's configuration either.
    let page = root.join("class.html");
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["grade", "--exercise", "01", "--format", "csv", "."])
        .arg("--report")
        .arg(format!("html={}", page.display()))
        .current_dir(&sub)
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert_eq!(totals(&csv), vec![("configured".to_string(), 10)], "{csv}");
    assert!(
        out.status.success() && page.is_file(),
        "no class report: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn gradescope_and_classroom_reports_carry_points_per_task() {
    let root = fresh_dir("single");
    let fixtures = course().join("checker/tests/fixtures/01-bounded-send");
    let sub = submission(&root, "partial", &fixtures.join("mistake-kept-sender"));

    let text = grade(
        &["--exercise", "01", "--format", "gradescope"],
        std::slice::from_ref(&sub),
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["score"], 8);
    assert_eq!(doc["max_score"], 10);
    assert!(doc["execution_time"].is_u64());
    assert!(doc["output"].is_string());
    let tests = doc["tests"].as_array().unwrap();
    assert_eq!(tests.len(), 6);
    for t in tests {
        for field in [
            "name",
            "number",
            "score",
            "max_score",
            "status",
            "output",
            "visibility",
        ] {
            assert!(!t[field].is_null(), "gradescope test lacks {field}: {t}");
        }
    }
    // How this machine contains test processes is not part of the golden
    // file (every_grade_format_says_whether_the_run_was_contained checks it).
    let machine = doc["output"].as_str().unwrap().lines().last().unwrap();
    assert!(machine.starts_with("test processes: "), "{machine}");
    let text = text
        .replace(&machine.replace('"', "\\\""), "test processes: …")
        .replace("\"contained\":true", "\"contained\":…")
        .replace("\"contained\":false", "\"contained\":…");
    insta::assert_snapshot!("gradescope_results", redact(&text, "\"execution_time\":"));
    let kitchen = tests.iter().find(|t| t["number"] == "01.3").unwrap();
    assert_eq!(kitchen["status"], "failed");
    assert!(
        kitchen["output"].as_str().unwrap().contains("deadlock"),
        "{kitchen}"
    );

    let text = grade(
        &["--exercise", "01", "--format", "classroom"],
        std::slice::from_ref(&sub),
    );
    let line = text.trim();
    assert!(line.starts_with("result="), "{line}");
    let decoded = String::from_utf8(unbase64(line.trim_start_matches("result="))).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&decoded).expect("base64 of JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["max_score"], 10);
    let scores: Vec<u64> = doc["tests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_u64().unwrap())
        .collect();
    assert_eq!(scores, vec![1, 2, 0, 2, 1, 2]);
    insta::assert_snapshot!(
        "classroom_result",
        machine_free(&redact(&decoded, "\"execution_time\":\""))
    );

    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn student_copy_has_no_solutions_and_still_checks() {
    let root = fresh_dir("export");
    let copy = root.join("student");
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["export", "--student"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(copy.join("exercises/01-bounded-send/src/lib.rs").is_file());
    assert!(
        copy.join("checker/hidden/01-bounded-send/tests.rs")
            .is_file()
    );
    assert!(
        !copy.join("solutions/01-bounded-send").exists(),
        "solutions leaked"
    );
    assert!(
        !copy.join("checker/tests").exists(),
        "fixtures hold solutions"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Every grade format says whether the code under test was contained, and
/// agrees with the others; with containment required and unavailable,
/// nothing is graded and the reason is given.
#[test]
fn every_grade_format_says_whether_the_run_was_contained() {
    let root = fresh_dir("contained");
    let sub = submission(
        &root,
        "stub",
        &course().join("checker/stubs/01-bounded-send"),
    );
    let runs = [("off", Some(false)), ("default", None)];
    for (mode, expected) in runs {
        let files = ["junit", "csv", "classroom"].map(|f| (f, root.join(format!("{mode}.{f}"))));
        let mut args = vec!["--exercise", "01", "--format", "gradescope"];
        let reports: Vec<String> = files
            .iter()
            .map(|(f, p)| format!("{f}={}", p.display()))
            .collect();
        for r in &reports {
            args.extend(["--report", r.as_str()]);
        }
        let env: &[(&str, &str)] = if mode == "off" {
            &[("CHECKER_SANDBOX", "off")]
        } else {
            &[]
        };
        let text = support::grade_with(&args, std::slice::from_ref(&sub), env);
        let gradescope: serde_json::Value = serde_json::from_str(&text).unwrap();
        let contained = gradescope["extra_data"]["contained"].as_bool().unwrap();
        if let Some(expected) = expected {
            assert_eq!(contained, expected, "{mode}");
        }
        let output = gradescope["output"].as_str().unwrap();
        let line = if contained {
            "test processes: sandboxed"
        } else {
            "test processes: unsandboxed"
        };
        assert!(output.contains(line), "{mode}: {output}");
        let read =
            |f: &str| std::fs::read_to_string(&files.iter().find(|x| x.0 == f).unwrap().1).unwrap();
        let junit = read("junit");
        let doc = roxmltree::Document::parse(&junit).unwrap();
        let suites: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .collect();
        assert!(!suites.is_empty());
        for s in suites {
            let prop = s
                .descendants()
                .find(|n| n.has_tag_name("property") && n.attribute("name") == Some("contained"))
                .expect("a contained property");
            assert_eq!(
                prop.attribute("value"),
                Some(if contained { "true" } else { "false" })
            );
        }
        let csv = read("csv");
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
        let col = header
            .iter()
            .position(|h| *h == "contained")
            .expect("a contained column");
        assert_eq!(row[col], if contained { "yes" } else { "no" }, "{csv}");
        let classroom = read("classroom");
        let encoded = classroom.trim().strip_prefix("result=").unwrap();
        let result: serde_json::Value = serde_json::from_slice(&unbase64(encoded)).unwrap();
        assert_eq!(result["contained"], contained, "{mode}");
    }

    // Required and unavailable: refused before anything is built.
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["grade", "--exercise", "01", "--format", "gradescope"])
        .arg(&sub)
        .env("CHECKER_SANDBOX", "off")
        .env("CHECKER_REQUIRE_CONTAINMENT", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing graded");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("containment unavailable"), "{err}");
    let _ = std::fs::remove_dir_all(&root);
}

/// The honest control of every exercise at once: a submission holding the
/// reference solutions of the whole course gets every point, 09 (whose
/// tests use insta's snapshot macros) included.
#[test]
fn the_whole_course_of_solutions_gets_every_point() {
    let root = std::env::temp_dir().join(format!("grade-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let sub = root.join("all-solutions");
    for e in checker::model::course::EXERCISES {
        copy_dir(
            &course().join("solutions").join(e.dir).join("src"),
            &sub.join("exercises").join(e.dir).join("src"),
        );
    }
    let out = grade(&["--format", "csv"], std::slice::from_ref(&sub));
    let total: u32 = checker::model::course::EXERCISES
        .iter()
        .flat_map(|e| e.tasks)
        .map(|t| t.points)
        .sum();
    let row = out
        .lines()
        .find(|l| l.starts_with("all-solutions"))
        .unwrap_or_else(|| panic!("no row for the submission:\n{out}"));
    assert!(
        row.contains(&format!(",{total},")) || row.ends_with(&format!(",{total}")),
        "every exercise's reference solution earns every point ({total}):\n{out}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
