//! Running one hidden test in its own process, under a wall-clock deadline.
//!
//! Each test gets a fresh process so that an `exit`, an abort, a stack
//! overflow or a runaway loop can only cost that one test its verdict. The
//! runner captures output (capped), kills the process at the deadline, and
//! hands what it saw to `protocol` to turn into a result.

use crate::model::Captured;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How much of each output stream a result keeps.
pub const OUTPUT_CAP: usize = 16 * 1024;

/// Everything the runner needs to start one test process.
pub struct Job {
    pub binary: PathBuf,
    pub test: String,
    pub snapshot_dir: PathBuf,
    pub insta_root: PathBuf,
    pub result_file: PathBuf,
    pub nonce: String,
    pub deadline: Duration,
    /// Lets insta write snapshots (authors' `bless`); never for checks.
    pub bless: bool,
}

/// What happened to the process.
pub struct Finished {
    /// `None` when the runner killed it at the deadline.
    pub exit: Option<ExitStatus>,
    pub wall: Duration,
    pub stdout: Captured,
    pub stderr: Captured,
    /// The result file's content, if the harness wrote one.
    pub result: Option<String>,
    /// CPU time the process had used when it was killed at the deadline,
    /// where the system tells (Linux): it separates a busy loop from a
    /// thread stuck in a blocking call.
    pub cpu_at_kill: Option<Duration>,
}

/// Runs one test and waits for it, at most until `job.deadline`.
pub fn run(job: &Job) -> std::io::Result<Finished> {
    let _ = std::fs::remove_file(&job.result_file);
    let mut cmd = Command::new(&job.binary);
    cmd.arg("--run")
        .arg(&job.test)
        .arg("--result")
        .arg(&job.result_file)
        // A clean environment: the caller's INSTA_*, RUST_BACKTRACE or CI
        // settings must not change a verdict.
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CHECKER_SNAPSHOT_DIR", &job.snapshot_dir)
        .env("INSTA_WORKSPACE_ROOT", &job.insta_root)
        .env("INSTA_UPDATE", if job.bless { "always" } else { "no" })
        .env("INSTA_OUTPUT", "none")
        .env("CI", "true")
        .env("RUST_BACKTRACE", "0")
        // A fixed working directory inside the checker's area, whatever
        // directory the checker was started from.
        .current_dir(job.result_file.parent().unwrap_or(Path::new("/")))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // The harness reads this before running any code under test.
        let _ = writeln!(stdin, "{}", job.nonce);
    }
    let out = capture(child.stdout.take().expect("piped"));
    let err = capture(child.stderr.take().expect("piped"));

    let mut cpu_at_kill = None;
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if start.elapsed() >= job.deadline || crate::cancel::cancelled() {
            cpu_at_kill = cpu_time(child.id());
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(poll_interval(start.elapsed()));
    };
    let wall = start.elapsed();
    Ok(Finished {
        exit,
        wall,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        result: std::fs::read_to_string(&job.result_file).ok(),
        cpu_at_kill,
    })
}

/// User plus system CPU time of a process, from `/proc/PID/stat`.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may
    // contain spaces: utime and stime are the 12th and 13th of those.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, which is 100 on every mainstream platform.
    Some(Duration::from_millis(ticks * 10))
}

/// Checks often at first (most tests take a few milliseconds), then less.
fn poll_interval(elapsed: Duration) -> Duration {
    if elapsed < Duration::from_millis(50) {
        Duration::from_micros(500)
    } else {
        Duration::from_millis(10)
    }
}

/// Reads a stream to its end on a thread, keeping at most [`OUTPUT_CAP`]
/// bytes: a test that prints megabytes must neither block on a full pipe
/// nor flood the report.
fn capture(mut stream: impl Read + Send + 'static) -> std::thread::JoinHandle<Captured> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut dropped = 0u64;
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = OUTPUT_CAP.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    dropped += n.saturating_sub(room) as u64;
                }
            }
        }
        Captured {
            text: String::from_utf8_lossy(&kept).into_owned(),
            dropped_bytes: dropped,
        }
    })
}

/// Lists the tests of a harness binary as `(task, name)`.
pub fn list(binary: &Path) -> std::io::Result<Vec<(u32, String)>> {
    let out = Command::new(binary)
        .arg("--list")
        .env_clear()
        .stdin(Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .lines()
        .filter_map(|l| {
            let (task, name) = l.split_once('\t')?;
            Some((task.parse().ok()?, name.to_string()))
        })
        .collect())
}
