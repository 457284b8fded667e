//! Running one hidden test in its own process, under the watchdog.
//!
//! Each test gets a fresh process so that an `exit`, an abort, a stack
//! overflow or a runaway loop can only cost that one test its verdict. The
//! runner captures output (capped), stops the process when the `watchdog`
//! says so, and hands what it saw to `protocol` to turn into a result.

use crate::build::integrity::Stamp;
use crate::model::results::Captured;
use crate::run::channel::Channel;
use crate::run::sandbox::{self, Policy};
use crate::run::slots::Held;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
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
    /// The watchdog's wall-clock backstop on a quiet machine.
    pub deadline: Duration,
    /// Lets insta write snapshots (authors' `bless`); never for checks.
    pub bless: bool,
    /// The binary as built; checked before the run (see `integrity`).
    pub stamp: Stamp,
    /// The graded run's seed (see the harness's `vary`); `None` runs the
    /// published inputs.
    pub seed: Option<u64>,
}

/// What happened to the process.
pub struct Finished {
    /// `None` when the runner stopped it.
    pub exit: Option<ExitStatus>,
    pub wall: Duration,
    pub stdout: Captured,
    pub stderr: Captured,
    /// The result file's content, if the harness wrote one.
    pub result: Option<String>,
    /// Why the watchdog stopped it, when it did.
    pub killed: Option<crate::run::watchdog::Kill>,
}

/// Runs one test and waits for it, at most until `job.deadline`. `slot`
/// is told whenever the test falls asleep or computes again.
pub fn run(job: &Job, slot: &mut Held) -> std::io::Result<Finished> {
    job.stamp.verify(&job.binary)?;
    // A fresh scratch folder: the test's working directory and TMPDIR,
    // and the only place it may write (see `sandbox`).
    let scratch = sandbox::scratch(&job.result_file.with_extension("scratch"))?;
    let mut cmd = Command::new(&job.binary);
    // The name (and the seed) go on stdin, which the harness reads before
    // the code under test starts: the command line and the first
    // environment stay readable to it all its life (exercise 09's names
    // say which mutant runs; any test's name says which answer to give).
    cmd.arg("--run").arg("-").stdin(Stdio::piped());
    cmd
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
        .env("TMPDIR", &scratch)
        // A fixed working directory inside the checker's area, whatever
        // directory the checker was started from.
        .current_dir(&scratch);
    let out = Sink::attach(&job.result_file.with_extension("stdout"))?;
    let err = Sink::attach(&job.result_file.with_extension("stderr"))?;
    cmd.stdout(out.stdio()?).stderr(err.stdio()?);
    let mut write = vec![scratch.clone()];
    if job.bless {
        // Landlock grants rights on folders that exist: make it first.
        std::fs::create_dir_all(&job.snapshot_dir)?;
        write.push(job.snapshot_dir.clone());
    }
    sandbox::contain(
        &mut cmd,
        &Policy {
            binary: job.binary.clone(),
            read: vec![job.snapshot_dir.clone()],
            write,
        },
    )?;
    // After the sandbox: its step before exec uses descriptors opened in
    // this process (Landlock's rules), which moving the channel's sockets
    // onto descriptors 3 and 4 could otherwise overwrite.
    let mut channel = Channel::attach(&mut cmd, &job.result_file, &job.nonce)?;
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    if let Some(stdin) = child.stdin.as_mut() {
        // Two short lines fit in any pipe's buffer: this never waits for
        // the child. A child that died at once is the harness's report
        // missing, not an error here.
        let seed = job.seed.map_or("-".to_string(), |s| s.to_string());
        let _ = write!(stdin, "{}\n{seed}\n", job.test);
    }
    channel.spawned(&mut child)?;
    let out = out.spawned(child.stdout.take());
    let err = err.spawned(child.stderr.take());

    let mut watch = crate::run::watchdog::Watch::new(job.deadline);
    let mut killed = None;
    let exit = loop {
        if let Some(status) = sandbox::try_wait(&mut child)? {
            break Some(status);
        }
        let reading = crate::run::watchdog::read(&child, start.elapsed());
        killed = watch.observe(reading, crate::run::watchdog::load());
        slot.sleeping(watch.sleeping());
        // The learner quit `watch`: stop at once, the verdict is not wanted.
        if killed.is_some() || crate::util::cancel::cancelled() {
            sandbox::kill(&mut child);
            break None;
        }
        std::thread::sleep(poll_interval(start.elapsed()));
    };
    let wall = start.elapsed();
    // Whatever the test started is gone with its process group, so the
    // pipes end at once; a grace period bounds the wait where containment
    // is missing and a child that escaped still holds them.
    let grace = drain_grace(job.deadline);
    let finished = Finished {
        exit,
        wall,
        stdout: out.take(grace),
        stderr: err.take(grace),
        result: channel.outcome(grace),
        killed,
    };
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(finished)
}

/// Where a test's stdout or stderr goes. On Linux a file of its own: a
/// write to a file never waits for a reader, so a test that prints
/// megabytes is never taken for a blocked runtime because a busy machine
/// drained its pipe late (the file is bounded by the sandbox's
/// `RLIMIT_FSIZE`, and a write past it fails instead of killing the
/// test). Elsewhere a pipe drained on a thread, which bounds what is kept.
enum Sink {
    File(std::path::PathBuf),
    Pipe,
    Reading(Capture),
}

impl Sink {
    fn attach(path: &Path) -> std::io::Result<Sink> {
        if cfg!(target_os = "linux") {
            std::fs::File::create(path)?;
            Ok(Sink::File(path.to_path_buf()))
        } else {
            Ok(Sink::Pipe)
        }
    }

    fn stdio(&self) -> std::io::Result<Stdio> {
        Ok(match self {
            Sink::File(path) => Stdio::from(std::fs::OpenOptions::new().append(true).open(path)?),
            _ => Stdio::piped(),
        })
    }

    fn spawned(self, pipe: Option<impl Read + Send + 'static>) -> Sink {
        match (self, pipe) {
            (Sink::Pipe, Some(p)) => Sink::Reading(capture(p)),
            (other, _) => other,
        }
    }

    /// What the test printed: at most [`OUTPUT_CAP`] bytes, and a count of
    /// the rest.
    fn take(self, grace: Duration) -> Captured {
        match self {
            Sink::File(path) => {
                let read = || -> std::io::Result<Captured> {
                    let file = std::fs::File::open(&path)?;
                    let len = file.metadata()?.len();
                    let mut kept = Vec::new();
                    file.take(OUTPUT_CAP as u64).read_to_end(&mut kept)?;
                    Ok(Captured {
                        dropped_bytes: len.saturating_sub(kept.len() as u64),
                        text: String::from_utf8_lossy(&kept).into_owned(),
                    })
                };
                let captured = read().unwrap_or_default();
                let _ = std::fs::remove_file(&path);
                captured
            }
            Sink::Reading(c) => c.take(grace),
            Sink::Pipe => Captured::default(),
        }
    }
}

/// How long the runner waits for a finished test's pipes and report.
fn drain_grace(deadline: Duration) -> Duration {
    (deadline / 4).clamp(Duration::from_millis(100), Duration::from_secs(1))
}

/// Checks often at first (most tests take a few milliseconds), then less.
fn poll_interval(elapsed: Duration) -> Duration {
    if elapsed < Duration::from_millis(50) {
        Duration::from_micros(500)
    } else {
        Duration::from_millis(10)
    }
}

/// Output being read on a thread; [`Capture::take`] returns what arrived
/// by a deadline, so a pipe held open by another process cannot stall the
/// runner.
struct Capture {
    buf: Arc<Mutex<Captured>>,
    done: mpsc::Receiver<()>,
}

impl Capture {
    fn take(self, grace: Duration) -> Captured {
        let _ = self.done.recv_timeout(grace);
        let mut c = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        std::mem::take(&mut *c)
    }
}

/// Reads a stream to its end on a thread, keeping at most [`OUTPUT_CAP`]
/// bytes: a test that prints megabytes must neither block on a full pipe
/// nor flood the report.
fn capture(mut stream: impl Read + Send + 'static) -> Capture {
    let buf = Arc::new(Mutex::new(Captured::default()));
    let (tx, done) = mpsc::channel();
    let shared = Arc::clone(&buf);
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = OUTPUT_CAP.saturating_sub(kept.len());
                    let mut c = shared.lock().unwrap_or_else(|p| p.into_inner());
                    if room > 0 {
                        kept.extend_from_slice(&chunk[..n.min(room)]);
                        c.text = String::from_utf8_lossy(&kept).into_owned();
                    }
                    c.dropped_bytes += n.saturating_sub(room) as u64;
                }
            }
        }
        let _ = tx.send(());
    });
    Capture { buf, done }
}

/// Lists the tests of a harness binary as `(task, name)`, contained like a
/// test and killed at `deadline`: code that runs before `main` or spins
/// cannot stall the run (a binary that does not answer lists no tests,
/// and its tasks fail).
pub fn list(binary: &Path, deadline: Duration) -> std::io::Result<Vec<(u32, String)>> {
    let mut cmd = Command::new(binary);
    cmd.arg("--list")
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    sandbox::contain(
        &mut cmd,
        &Policy {
            binary: binary.to_path_buf(),
            read: Vec::new(),
            write: Vec::new(),
        },
    )?;
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let out = capture(child.stdout.take().expect("piped"));
    loop {
        if sandbox::try_wait(&mut child)?.is_some() {
            break;
        }
        if start.elapsed() >= deadline {
            sandbox::kill(&mut child);
            return Ok(Vec::new());
        }
        std::thread::sleep(poll_interval(start.elapsed()));
    }
    let text = out.take(drain_grace(deadline)).text;
    Ok(text
        .lines()
        .filter_map(|l| {
            let (task, name) = l.split_once('\t')?;
            Some((task.parse().ok()?, name.to_string()))
        })
        .collect())
}
