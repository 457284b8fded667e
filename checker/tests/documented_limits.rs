//! The limits the documentation states are the limits the code enforces:
//! every sentence that gives the CPU-time budget (of a test, or of one
//! poll) or the real-time backstop
//! in the READMEs, the CI templates or the command-line help is read and
//! its figure compared with the constant it describes. A changed budget
//! fails this test until every page that states it is changed too.

use std::path::{Path, PathBuf};
use std::process::Command;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every text an instructor or learner reads a limit in, with its name.
fn documents() -> Vec<(String, String)> {
    let root = course();
    let mut files = vec![root.join("README.md"), root.join("checker/README.md")];
    let mut stack = vec![root.join("checker/ci")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    let mut out: Vec<(String, String)> = files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f.strip_prefix(&root).unwrap().display().to_string(), text)
        })
        .collect();
    for args in [&["help"][..], &["help", "grade"], &["help", "check"]] {
        let run = Command::new(env!("CARGO_BIN_EXE_checker"))
            .args(args)
            .output()
            .unwrap();
        assert!(run.status.success());
        let text = String::from_utf8(run.stdout).unwrap();
        out.push((format!("checker {}", args.join(" ")), text));
    }
    out
}

/// Text joined across line breaks and comment markers, so that a sentence
/// wrapped in a YAML comment or a Markdown paragraph reads whole.
fn flat(text: &str) -> String {
    text.lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every number that `before` and `after` surround in `text`.
fn figures(text: &str, before: &str, after: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(before) {
        rest = &rest[i + before.len()..];
        let number: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if !number.is_empty() && rest[number.len()..].starts_with(after) {
            out.push(number);
        }
    }
    out
}

#[test]
fn every_documented_limit_is_the_one_the_code_enforces() {
    let cpu = checker::run::watchdog::budget::CPU_MS as f64 / 1000.0;
    let one_poll = checker::run::watchdog::budget::POLL_CPU_MS as f64;
    let backstop = checker::run::options::Options::default()
        .deadline
        .as_secs_f64();
    // (text before the figure, text after it, the constant, whether some
    // document must say it): the ways the pages state each limit.
    let rules: &[(&str, &str, f64, bool)] = &[
        ("CPU-time budget (", " s", cpu, true),
        ("CPU time, ", " s", cpu, true),
        (
            "for ",
            " ms in user space (`budget::POLL_CPU_MS`)",
            one_poll,
            true,
        ),
        ("`--timeout`, default ", " s", backstop, true),
        ("(default ", ", fractions allowed)", backstop, true),
        ("real-time limit per test (default ", ")", backstop, false),
        ("real-time backstop per test (default ", ";", backstop, true),
        // The stale sentence this test was written against: any such
        // figure must be the backstop.
        ("killed after ", " s of real time", backstop, false),
    ];
    let docs = documents();
    let mut wrong = Vec::new();
    for (before, after, value, required) in rules {
        let mut seen = 0;
        for (name, text) in &docs {
            for figure in figures(&flat(text), before, after) {
                seen += 1;
                if figure.parse::<f64>().ok() != Some(*value) {
                    wrong.push(format!(
                        "{name}: `{before}{figure}{after}`, but the code says {value}"
                    ));
                }
            }
        }
        assert!(
            seen > 0 || !required,
            "no document states `{before}N{after}` any more: update the rule"
        );
    }
    assert!(wrong.is_empty(), "stale limits:\n{}", wrong.join("\n"));
}

#[test]
fn the_classroom_template_states_both_limits() {
    let text = std::fs::read_to_string(course().join("checker/ci/github-classroom.yml")).unwrap();
    let text = flat(&text);
    assert_eq!(figures(&text, "CPU-time budget (", " s").len(), 1);
    assert_eq!(figures(&text, "`--timeout`, default ", " s").len(), 1);
}
