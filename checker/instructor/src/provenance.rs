//! How a grading batch was made: which course (commit), which checker,
//! when, with which command and limits, and what contained the tests.
//!
//! A grade is only as trustworthy as the instructor's knowledge of how it
//! was produced, so the JSON report records it (`meta`) and the class
//! report shows it. Everything here is read from the grader's side, never
//! from a submission.

use checker::model::course::Paths;
use checker::run::options::Options;
use checker::util::clock::rfc3339;
use checker::util::json::Object;
use std::process::Command;
use std::time::SystemTime;

/// What contained the test processes of this run (see `sandbox`).
pub fn containment() -> String {
    checker::run::sandbox::level().describe()
}

/// The `meta` object of a `grade/v1` report; `command` is the command
/// line as [`summarize`] shows it.
pub fn record(paths: &Paths, opts: &Options, command: &str) -> String {
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
    let mut object = Object::new()
        .str_or_null("course_commit", commit.as_deref())
        .str("checker_version", env!("CARGO_PKG_VERSION"))
        .str("graded_at", &rfc3339(SystemTime::now()))
        .str("command", command)
        .num("timeout_s", opts.deadline.as_secs_f64())
        .int("jobs", opts.jobs as u64)
        .raw_or_null("seed", opts.seed.map(|s| s.to_string()).as_deref())
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

/// The command line (`args` without the program), with the command's
/// own arguments (submission folders, shard files) counted rather than
/// listed: a class of 500 would otherwise fill the report's header.
/// `takes_value` says which long options (without `--`) take the next
/// argument as their value; the command line's own option table knows.
pub fn summarize(args: &[String], takes_value: &dyn Fn(&str) -> bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut command: Option<usize> = None;
    let mut counted = 0;
    let mut value_next = false;
    for a in args {
        if value_next {
            out.push(a.clone());
            value_next = false;
        } else if let Some(name) = a.strip_prefix("--") {
            value_next = !name.contains('=') && takes_value(name);
            out.push(a.clone());
        } else if a.starts_with('-') {
            out.push(a.clone());
        } else if command.is_none() {
            command = Some(out.len());
            out.push(a.clone());
        } else {
            counted += 1;
        }
    }
    if counted > 0 {
        let what = match command.map(|i| out[i].as_str()) {
            Some("merge") => "shard report(s)",
            Some("grade") => "submission folder(s)",
            _ => "argument(s)",
        };
        let at = command.map_or(0, |i| i + 1);
        out.insert(at, format!("<{counted} {what}>"));
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
        let takes_value = |o: &str| matches!(o, "format" | "output");
        assert_eq!(
            summarize(&args, &takes_value),
            "checker grade <2 submission folder(s)> --format html --output x.html"
        );
    }
}
