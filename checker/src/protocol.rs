//! Turning a finished test process into a verdict.
//!
//! A test passes only if its harness wrote a result file carrying the nonce
//! the runner handed it, and the process then exited cleanly. Anything
//! printed is kept as captured output and never read for verdicts.

use crate::course::Paths;
use crate::model::{Event, PanicInfo, Status, TestResult};
use crate::runner::Finished;
use serde_json::Value;
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
        .and_then(|text| serde_json::from_str::<Value>(text).ok())
        .filter(|v| v["nonce"] == nonce);

    match (f.exit, result) {
        (None, _) => {
            r.status = Status::Timeout;
            r.message = format!(
                "still running after {:.1} s of real time. Under the checker's paused clock, \
                 sleeping and waiting cost no time at all, so something kept the thread busy: \
                 a loop that never awaits, or a blocking call such as `std::thread::sleep` or \
                 `blocking_recv` inside async code (use `tokio::time::sleep` / `.recv().await`).",
                f.wall.as_secs_f64()
            );
        }
        (Some(exit), Some(v)) if exit.success() => read_result(paths, &mut r, &v),
        (Some(exit), _) => {
            r.status = Status::Crashed;
            r.message = crash_message(exit, &r.stderr.text);
        }
    }
    r
}

fn read_result(paths: &Paths, r: &mut TestResult, v: &Value) {
    r.status = match v["status"].as_str() {
        Some("pass") => Status::Pass,
        Some("fail") => Status::Fail,
        Some("todo") => Status::NotStarted,
        Some("panic") => Status::Panic,
        Some("deadlock") => Status::Deadlock,
        _ => Status::Crashed,
    };
    let text = |key: &str| v[key].as_str().map(str::to_string);
    r.message = text("message").unwrap_or_default();
    r.diff = text("diff");
    r.location = text("location").map(|l| relative(paths, &l));
    r.expected_events = text("expected_events");
    r.virtual_ms = v["virtual_ms"].as_f64().unwrap_or(0.0);
    r.busy_ms = v["busy_ms"].as_f64().unwrap_or(0.0);
    r.panics = v["panics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| PanicInfo {
            message: p["message"].as_str().unwrap_or_default().to_string(),
            location: p["location"].as_str().map(|l| relative(paths, l)),
            thread: p["thread"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    r.events = v["events"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| Event {
            at_ms: e["at_ms"].as_f64().unwrap_or(0.0) as u64,
            actor: e["actor"].as_str().unwrap_or_default().to_string(),
            what: e["what"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
}

fn relative(paths: &Paths, location: &str) -> String {
    let root = format!("{}/", paths.root.display());
    location.strip_prefix(&root).unwrap_or(location).to_string()
}

/// Why a process ended without a result, in words a learner can act on.
fn crash_message(exit: std::process::ExitStatus, stderr: &str) -> String {
    if stderr.contains("has overflowed its stack") {
        return "the test process overflowed its stack: unbounded recursion? \
                (an `async fn` that awaits itself needs `Box::pin`)"
            .to_string();
    }
    if stderr.contains("memory allocation of") {
        return "the test process ran out of memory: something grows without bound \
                (an unbounded channel filled in a loop?)"
            .to_string();
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
