//! How a grading batch was made: which course (commit), which checker,
//! when, with which command and limits, and what contained the tests.
//!
//! A grade is only as trustworthy as the instructor's knowledge of how it
//! was produced, so the JSON report records it (`meta`) and the class
//! report shows it. Everything here is read from the grader's side, never
//! from a submission.

use crate::model::course::Paths;
use crate::run::options::Options;
use crate::util::clock::rfc3339;
use crate::util::json::Object;
use std::process::Command;
use std::time::SystemTime;

/// What contained the test processes of this run (see `sandbox`).
pub fn containment() -> String {
    crate::run::sandbox::level().describe()
}

/// The `meta` object of a `grade/v1` report.
pub fn record(paths: &Paths, opts: &Options) -> String {
    let commit = git(paths, &["rev-parse", "HEAD"]);
    // Uncommitted changes to the hidden tests or the checker mean the
    // commit alone does not say what graded the batch.
    let modified = commit.as_ref().and(
        git(
            paths,
            &[
                "status",
                "--porcelain",
                "--",
                "checker",
                "Cargo.toml",
                "Cargo.lock",
            ],
        )
        .map(|s| !s.is_empty()),
    );
    let command: Vec<String> = std::env::args().skip(1).collect();
    let mut object = Object::new()
        .str_or_null("course_commit", commit.as_deref())
        .str("checker_version", env!("CARGO_PKG_VERSION"))
        .str("graded_at", &rfc3339(SystemTime::now()))
        .str("command", &summarize(&command))
        .num("timeout_s", opts.deadline.as_secs_f64())
        .int("jobs", opts.jobs as u64)
        .str("containment", &containment());
    if let Some(m) = modified {
        object = object.bool("course_modified", m);
    }
    object.finish()
}

fn git(paths: &Paths, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(&paths.root)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The command line, with submission folders counted rather than listed:
/// a class of 500 would otherwise fill the report's header.
fn summarize(args: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut folders = 0;
    let mut takes_value = false;
    for a in args {
        if takes_value {
            out.push(a.clone());
            takes_value = false;
        } else if a.starts_with("--") {
            takes_value = !a.contains('=')
                && matches!(
                    a.as_str(),
                    "--format" | "--output" | "--exercise" | "--timeout" | "--jobs" | "--course"
                );
            out.push(a.clone());
        } else if out.first().is_some_and(|c| c == "grade") {
            folders += 1;
        } else {
            out.push(a.clone());
        }
    }
    if folders > 0 {
        out.insert(
            1.min(out.len()),
            format!("<{folders} submission folder(s)>"),
        );
    }
    format!("checker {}", out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submission_folders_are_counted_not_listed() {
        let args: Vec<String> = ["grade", "a", "b", "--format", "html", "--output", "x.html"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            summarize(&args),
            "checker grade <2 submission folder(s)> --format html --output x.html"
        );
    }
}
