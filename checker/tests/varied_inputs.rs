//! Graded runs vary what the published hidden tests fix (the harness's
//! `vary`), and a test process cannot tell which test it runs.
//!
//! The hidden tests are public in every student copy. Two attacks, each
//! in a batch with honest controls that must keep exact marks:
//!
//! * `varied/memorised.rs` answers exercise 01's `run_kitchen` and `offer`
//!   from a table of the published tests' inputs. With the published
//!   inputs (`check`) it earns tasks 3 and 5; graded with a seed it earns
//!   nothing for them.
//! * `varied/probe.rs` looks for the running test's name in its command
//!   line, its environment (`/proc/self/environ` too), stdin and its
//!   working directory, with and without the sandbox; it must find none.

use crate::support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(course().join(rel)).unwrap()
}

/// `text` without the item that starts at `start` (up to its closing
/// brace at the start of a line).
fn without(text: &str, start: &str) -> String {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not found"));
    let end = i + text[i..].find("\n}\n").unwrap() + 3;
    format!("{}{}", &text[..i], &text[end..])
}

fn memorised() -> String {
    let stub = read("checker/stubs/01-bounded-send/src/lib.rs");
    let stub = without(&stub, "pub async fn run_kitchen(");
    let stub = without(&stub, "pub fn offer(");
    stub + &read("checker/tests/varied/memorised.rs")
}

/// The names of exercise 01's hidden tests, from its `tests!` list.
fn test_names() -> Vec<String> {
    let tests = read("checker/hidden/01-bounded-send/tests.rs");
    let list = &tests[tests.find("harness::tests! {").unwrap()..];
    let list = &list[..list.find('}').unwrap()];
    list.lines()
        .filter_map(|l| l.split_once("=>"))
        .map(|(_, name)| name.trim().trim_end_matches(',').to_string())
        .collect()
}

fn probe() -> String {
    let names: Vec<String> = test_names().iter().map(|n| format!("{n:?}")).collect();
    assert!(names.len() > 10, "{names:?}");
    read("checker/stubs/01-bounded-send/src/lib.rs").replace("todo!()", "{ probe(); todo!() }")
        + &read("checker/tests/varied/probe.rs").replace("__NAMES__", &names.join(", "))
}

fn submission(root: &Path, name: &str, lib: &str) -> PathBuf {
    let sub = root.join(name);
    let src = sub.join("exercises/01-bounded-send/src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    sub
}

/// Each submission's task verdicts (`task number -> status`) in a grade
/// report, and every test's message.
fn tasks(doc: &Value, name: &str) -> (Vec<(u64, String)>, Vec<String>) {
    let g = doc["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("{name} not graded"));
    let tasks = g["exercises"][0]["tasks"].as_array().unwrap();
    let verdicts = tasks
        .iter()
        .map(|t| {
            (
                t["task"].as_u64().unwrap(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let messages = tasks
        .iter()
        .flat_map(|t| t["tests"].as_array().unwrap())
        .map(|t| format!("{}: {}", t["name"], t["message"]))
        .collect();
    (verdicts, messages)
}

fn earned(doc: &Value, name: &str) -> u64 {
    let g = doc["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap();
    g["earned"].as_u64().unwrap()
}

#[test]
fn memorised_answers_earn_only_the_published_inputs() {
    let root = std::env::temp_dir().join(format!("course-varied-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let memo = submission(&root, "memorised", &memorised());

    // With the published inputs the memorised answers hold.
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(["check", "01", "--format", "json", "--no-cache", "--source"])
        .arg(memo.join("exercises/01-bounded-send"))
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let published: Vec<(u64, String)> = doc["exercises"][0]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["task"].as_u64().unwrap(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for task in [3, 5] {
        assert!(
            published.contains(&(task, "pass".to_string())),
            "with the published inputs the memorised answers pass task {task}: {published:?}"
        );
    }

    // Graded with a seed they do not, and honest code keeps every point.
    let honest = read("solutions/01-bounded-send/src/lib.rs");
    let alt = read("checker/tests/fixtures/01-bounded-send/alt-solution/src/lib.rs");
    let subs = vec![
        submission(&root, "honest-first", &honest),
        memo,
        submission(&root, "honest-alt", &alt),
    ];
    for seed in ["1", "77"] {
        let human = root.join(format!("human-{seed}.txt"));
        let doc: Value = serde_json::from_str(&support::grade_with(
            &[
                "--exercise",
                "01",
                "--format",
                "json",
                "--seed",
                seed,
                "--report",
                &format!("human={}", human.display()),
            ],
            &subs,
            &[],
        ))
        .unwrap();
        // The seed is recorded where an instructor looks for it.
        assert_eq!(
            doc["meta"]["seed"].as_u64(),
            seed.parse().ok(),
            "{}",
            doc["meta"]
        );
        let human = std::fs::read_to_string(human).unwrap();
        assert!(human.contains(&format!("grade --seed {seed}")), "{human}");
        for name in ["honest-first", "honest-alt"] {
            assert_eq!(
                earned(&doc, name),
                10,
                "seed {seed}: {:?}",
                tasks(&doc, name)
            );
        }
        let (verdicts, messages) = tasks(&doc, "memorised");
        assert_eq!(
            earned(&doc, "memorised"),
            0,
            "seed {seed}: {verdicts:?} {messages:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_test_process_cannot_learn_which_test_it_runs() {
    let root = std::env::temp_dir().join(format!("course-probe-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let honest = read("solutions/01-bounded-send/src/lib.rs");
    let subs = vec![
        submission(&root, "honest-first", &honest),
        submission(&root, "probe", &probe()),
        submission(&root, "honest-last", &honest),
    ];
    // Without the sandbox `/proc/self/environ` is readable: the name must
    // not be in it either.
    for sandbox in ["on", "off"] {
        let doc: Value = serde_json::from_str(&support::grade_with(
            &["--exercise", "01", "--format", "json"],
            &subs,
            &[("CHECKER_SANDBOX", sandbox)],
        ))
        .unwrap();
        assert!(
            doc["meta"]["seed"].as_u64().is_some(),
            "a drawn seed is recorded"
        );
        for name in ["honest-first", "honest-last"] {
            assert_eq!(earned(&doc, name), 10, "sandbox {sandbox}: {name}");
        }
        let (verdicts, messages) = tasks(&doc, "probe");
        assert_eq!(earned(&doc, "probe"), 0, "{verdicts:?}");
        for m in &messages {
            assert!(
                !m.contains("LEAKED") && !m.contains("PROBE BROKEN"),
                "sandbox {sandbox}: {m}"
            );
        }
        // The probe ran to its end in every test and found nothing.
        assert!(
            messages.iter().all(|m| m.contains("not yet implemented")),
            "sandbox {sandbox}: {messages:#?}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
