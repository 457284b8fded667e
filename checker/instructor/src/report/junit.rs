//! JUnit XML, as GitLab CI's unit-test reports and the common GitHub
//! test-report actions read it: a test suite per submission and exercise,
//! a test case per task, and properties saying whether (and how) the
//! code under test was contained.
//!
//! Written by hand: the format needs five escapes, and an XML crate would
//! add to every learner's first build for the benefit of `grade` alone.

use checker::model::grading::Batch;
use checker::model::results::Status;
use checker::report::{feedback, seconds};
use std::fmt::Write;

/// Escapes text for XML attributes and content, dropping the control
/// characters XML 1.0 cannot carry at all.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in checker::util::style::strip_ansi(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

pub fn render(batch: &Batch) -> String {
    let mut suites = String::new();
    let (mut all_tests, mut all_failures, mut all_errors) = (0, 0, 0);
    for g in &batch.graded {
        for e in &g.exercises {
            let tests = e.tasks.len();
            let errors = e
                .tasks
                .iter()
                .filter(|t| matches!(t.status, Status::CompileError | Status::Rejected))
                .count();
            let failures = e.tasks.iter().filter(|t| t.status != Status::Pass).count() - errors;
            let time = seconds(
                e.tasks
                    .iter()
                    .flat_map(|t| &t.tests)
                    .map(|t| t.wall_ms)
                    .sum(),
            );
            all_tests += tests;
            all_failures += failures;
            all_errors += errors;
            let _ = writeln!(
                suites,
                "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" time=\"{time:.3}\">",
                escape(&format!("{} / {}", g.submission.name, e.dir))
            );
            let _ = writeln!(
                suites,
                "    <properties><property name=\"contained\" value=\"{}\"/><property name=\"containment\" value=\"{}\"/></properties>",
                batch.contained,
                escape(&batch.containment)
            );
            for t in &e.tasks {
                let time = seconds(t.tests.iter().map(|x| x.wall_ms).sum());
                let _ = write!(
                    suites,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{time:.3}\"",
                    escape(&format!("{}.{}", g.submission.name, e.dir)),
                    // Stable across runs, so CI keeps each task's history;
                    // the points go in the failure message.
                    escape(&format!(
                        "task {} {} ({} point{})",
                        t.number,
                        t.item,
                        t.points,
                        if t.points == 1 { "" } else { "s" }
                    )),
                );
                if t.status == Status::Pass {
                    suites.push_str("/>\n");
                    continue;
                }
                let tag = if matches!(t.status, Status::CompileError | Status::Rejected) {
                    "error"
                } else {
                    "failure"
                };
                let detail = format!("0/{} points. {}", t.points, feedback(e, t));
                let _ = writeln!(
                    suites,
                    ">\n      <{tag} type=\"{}\" message=\"{}\">{}</{tag}>\n    </testcase>",
                    t.status.key(),
                    escape(detail.lines().next().unwrap_or("")),
                    escape(&detail)
                );
            }
            suites.push_str("  </testsuite>\n");
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tokio channels course\" tests=\"{all_tests}\" failures=\"{all_failures}\" errors=\"{all_errors}\" time=\"{:.3}\">\n{suites}</testsuites>\n",
        seconds(batch.seconds * 1000.0)
    )
}
