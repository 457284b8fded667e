//! Turning a finished test process into a verdict.
//!
//! A test passes only if its harness wrote a result file carrying the nonce
//! the runner handed it, and the process then exited cleanly. Anything
//! printed is kept as captured output and never read for verdicts.

use crate::model::course::Paths;
use crate::model::results::{PanicInfo, Status, TestResult};
use crate::report::json::{read_events, read_panics};
use crate::run::runner::Finished;
use crate::run::watchdog;
use crate::util::json::{self, JsonValue, View};
use std::path::Path;

pub fn interpret(paths: &Paths, task: u32, name: &str, nonce: &str, f: Finished) -> TestResult {
    let mut r = TestResult {
        name: name.to_string(),
        task,
        status: Status::Crashed,
        message: String::new(),
        diff: None,
        location: None,
        panics: Vec::new(),
        events: Vec::new(),
        expected_events: None,
        wall_ms: f.wall.as_secs_f64() * 1000.0,
        virtual_ms: 0.0,
        busy_ms: 0.0,
        stdout: f.stdout,
        stderr: f.stderr,
    };
    let result = f
        .result
        .as_deref()
        .and_then(json::parse)
        .filter(|v| View::new(v).get("nonce").str() == Some(nonce));

    match (f.exit, result) {
        (None, _) => {
            let kill = f.killed.unwrap_or(watchdog::Kill::Backstop);
            r.status = kill_status(kill);
            r.message = watchdog::explain(kill);
        }
        (Some(exit), Some(v)) if exit.success() => read_result(paths, &mut r, &v),
        (Some(exit), _) if let Some(kill) = watchdog::killed_by_signal(signal(exit)) => {
            r.status = kill_status(kill);
            r.message = watchdog::explain(kill);
        }
        (Some(exit), _) => {
            r.status = if out_of_memory(&r.stderr.text) {
                Status::OutOfMemory
            } else {
                Status::Crashed
            };
            r.message = crash_message(exit, &r.stderr.text);
        }
    }
    r
}

/// The category of a stopped test: computing too long is a timeout,
/// sleeping in a blocking call is a blocked runtime, however long either
/// took on the clock.
fn kill_status(kill: watchdog::Kill) -> Status {
    match kill {
        watchdog::Kill::Stuck => Status::Blocked,
        watchdog::Kill::Busy | watchdog::Kill::Backstop => Status::Timeout,
    }
}

fn read_result(paths: &Paths, r: &mut TestResult, doc: &JsonValue) {
    let v = View::new(doc);
    r.status = match v.get("status").str() {
        Some("pass") => Status::Pass,
        Some("fail") => Status::Fail,
        Some("todo") => Status::NotStarted,
        Some("panic") => Status::Panic,
        Some("deadlock") => Status::Deadlock,
        // A loop caught spinning at one virtual instant: the same category
        // as one stopped by the CPU-time budget.
        Some("busy") => Status::Timeout,
        _ => Status::Crashed,
    };
    r.message = v.get("message").string();
    r.diff = v.get("diff").opt_string();
    r.location = v.get("location").str().map(|l| relative(paths, l));
    r.expected_events = v.get("expected_events").opt_string();
    r.virtual_ms = v.get("virtual_ms").f64().unwrap_or(0.0);
    r.busy_ms = v.get("busy_ms").f64().unwrap_or(0.0);
    r.panics = read_panics(v.get("panics"), |l| relative(paths, l));
    blame_learner_panic(r);
    diagnose(r, v.get("blocked_ms").f64());
    r.events = read_events(v.get("events"));
}

/// Whether a panic was raised by the hidden test itself (an expectation,
/// a test double's `expect`) rather than by the code under test.
fn raised_by_test(p: &PanicInfo) -> bool {
    p.location.as_deref().is_some_and(|l| {
        let l = l.replace('\\', "/");
        // insta's own assertion panics when a snapshot differs.
        l.contains("checker/hidden/") || l.contains("checker/harness/") || l.contains("/insta-")
    })
}

/// One category per kind of failure: when the code under test panicked
/// (in the test's future or a spawned task, `unwrap` included) and the
/// test then failed because of it, the verdict is "panicked" in every
/// exercise, whether or not the test caught the panic to explain it.
fn blame_learner_panic(r: &mut TestResult) {
    if r.status != Status::Fail {
        return;
    }
    let Some(p) = r.panics.iter().find(|p| !raised_by_test(p)).cloned() else {
        return;
    };
    r.status = Status::Panic;
    if !r.message.contains(&p.message) {
        r.message = format!(
            "your code panicked: {}\nThe test then reported: {}",
            p.message, r.message
        );
    }
    if p.location.is_some() {
        r.location = p.location;
    }
}

/// Refines the harness's verdict with what only the checker knows about:
/// a blocked runtime thread, and advice for well-known panics.
fn diagnose(r: &mut TestResult, blocked_ms: Option<f64>) {
    let blockable = matches!(r.status, Status::Pass | Status::Fail | Status::Deadlock);
    if blockable && watchdog::runtime_blocked(blocked_ms, r.busy_ms) {
        let before = if r.status == Status::Pass {
            String::new()
        } else {
            format!(
                " (The test also reported: {})",
                r.message.lines().next().unwrap_or("")
            )
        };
        r.status = Status::Blocked;
        let measured = blocked_ms.is_some();
        r.message = format!(
            "{}{before}",
            watchdog::explain_blocked(r.virtual_ms, measured)
        );
    }
    if r.status == Status::Panic {
        let advice = r
            .panics
            .iter()
            .map(|p| p.message.as_str())
            .chain([r.message.as_str()])
            .find_map(crate::run::advice::for_panic);
        if let Some(advice) = advice {
            r.message = format!("{}\nLikely cause: {advice}", r.message);
        }
    }
}

fn relative(paths: &Paths, location: &str) -> String {
    paths.relativize(location)
}

fn out_of_memory(stderr: &str) -> bool {
    watchdog::failed_allocation(stderr).is_some()
}

/// Why a process ended without a result, in words a learner can act on.
fn crash_message(exit: std::process::ExitStatus, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "the test process overflowed its stack: unbounded recursion? \
                (an `async fn` that awaits itself needs `Box::pin`)"
            .to_string();
    }
    if let Some(size) = watchdog::failed_allocation(stderr) {
        return watchdog::explain_memory(size);
    }
    if let Some(code) = exit.code() {
        return format!(
            "the test process exited with code {code} before the test finished: \
             does the code call `std::process::exit`? Return a value or an error instead."
        );
    }
    match signal(exit) {
        Some(6) => "the test process aborted (SIGABRT): `std::process::abort`, a panic while \
                    panicking, or a failed allocation"
            .to_string(),
        Some(9) => "the test process was killed (SIGKILL), most likely for using too much memory"
            .to_string(),
        Some(11) => "the test process crashed with a segmentation fault (SIGSEGV)".to_string(),
        Some(n) => format!("the test process was killed by signal {n}"),
        None => "the test process ended without reporting a result".to_string(),
    }
}

#[cfg(unix)]
fn signal(exit: std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    exit.signal()
}

#[cfg(not(unix))]
fn signal(_: std::process::ExitStatus) -> Option<i32> {
    None
}

/// The per-run nonce: unpredictable enough that no code under test forges
/// it by accident, without pulling in a random-number crate.
pub fn nonce(salt: &Path) -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write(salt.as_os_str().as_encoded_bytes());
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    format!("{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::results::Captured;

    fn failed_after(panics: &[(&str, &str)]) -> TestResult {
        TestResult {
            name: "t".to_string(),
            task: 1,
            status: Status::Fail,
            message: "the keeper stopped answering".to_string(),
            diff: None,
            location: Some("checker/hidden/03-oneshot-reply/tests.rs:9:5".to_string()),
            panics: panics
                .iter()
                .map(|(message, location)| PanicInfo {
                    message: message.to_string(),
                    location: Some(location.to_string()),
                    thread: "main".to_string(),
                })
                .collect(),
            events: Vec::new(),
            expected_events: None,
            wall_ms: 0.0,
            virtual_ms: 0.0,
            busy_ms: 0.0,
            stdout: Captured::default(),
            stderr: Captured::default(),
        }
    }

    #[test]
    fn a_panic_in_learner_code_is_panicked_even_if_the_test_explained_it() {
        let mut r = failed_after(&[
            (
                "called `Result::unwrap()` on an `Err` value: 7",
                "exercises/03-oneshot-reply/src/lib.rs:80:30",
            ),
            (
                "the keeper stopped answering",
                "checker/hidden/03-oneshot-reply/tests.rs:9:5",
            ),
        ]);
        blame_learner_panic(&mut r);
        assert_eq!(r.status, Status::Panic);
        assert!(
            r.message
                .starts_with("your code panicked: called `Result::unwrap()`")
        );
        assert!(
            r.message
                .contains("The test then reported: the keeper stopped answering")
        );
        assert_eq!(
            r.location.as_deref(),
            Some("exercises/03-oneshot-reply/src/lib.rs:80:30")
        );
    }

    #[test]
    fn a_failed_expectation_alone_stays_failed() {
        let mut r = failed_after(&[(
            "the keeper stopped answering",
            "checker/hidden/03-oneshot-reply/tests.rs:9:5",
        )]);
        blame_learner_panic(&mut r);
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.message, "the keeper stopped answering");
    }
}
