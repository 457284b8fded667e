//! How a grading batch was made: which course (commit), which checker,
//! when, with which command and limits, and what contained the tests.
//!
//! A grade is only as trustworthy as the instructor's knowledge of how it
//! was produced, so the JSON report records it (`meta`) and the class
//! report shows it. Everything here is read from the grader's side, never
//! from a submission.

use crate::course::Paths;
use crate::engine::Options;
use crate::json::Object;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

/// What contained the test processes of this run (see `sandbox`).
pub fn containment() -> String {
    crate::sandbox::level().describe()
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

/// `2026-11-26T23:40:10Z`: UTC, to the second. (`reset` names its backup
/// folders from it too.)
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        let t = UNIX_EPOCH + Duration::from_secs(1_795_736_410);
        assert_eq!(rfc3339(t), "2026-11-26T23:40:10Z");
        // A leap day.
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(t), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn civil_dates_are_right_around_leap_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_417), (2025, 11, 25));
    }

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
