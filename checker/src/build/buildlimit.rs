//! Limits on the compiler while it builds the code under test.
//!
//! Code can make rustc work forever, exhaust memory or fill the disk at
//! compile time (a constant evaluated in an endless loop, a type or macro
//! that explodes, a `static` of half a gigabyte), and one such crate would
//! stall the build of a whole batch. The checker therefore names itself as
//! cargo's `RUSTC_WORKSPACE_WRAPPER` (which applies to the shadow
//! workspace's own crates, never to tokio and the other dependencies) and,
//! started that way, runs rustc and stops it when it uses more than
//! [`CPU`] of processor time (per run, and [`SUBMISSION_CPU`] over all
//! runs of one grading slot) or its share of memory (on Linux, read from
//! `/proc`; CPU time does not depend on the machine's load), or [`WALL`]
//! of real time elsewhere; when its outputs grow past the exercise's cap
//! (`footprint`); and, on Linux and macOS, no file it or the linker it
//! starts writes may grow past [`FILE_LIMIT`] (`RLIMIT_FSIZE`). The
//! stopped crate gets a compiler error that says why, its outputs are
//! removed, and the rest of the batch builds on.

use crate::build::footprint;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in cargo's environment to start the checker as the wrapper.
pub const ENV: &str = "CHECKER_RUSTC_LIMITS";
/// Processor time one rustc may use: honest crates here take a few seconds.
/// `CHECKER_BUILD_CPU_SECS` sets another limit (the tests use a short one).
pub const CPU: Duration = Duration::from_secs(120);
pub const CPU_ENV: &str = "CHECKER_BUILD_CPU_SECS";
/// Processor time all rustc runs of one grading slot (a submission) may
/// use together, as a multiple of the limit per run: an honest submission
/// of the whole course takes under a minute.
pub const SUBMISSION_CPU: u32 = 3;
/// Resident memory one rustc may use at most; less when parallel rustcs
/// would not fit the build's memory budget (see [`Plan`]).
pub const MEMORY: u64 = 4 << 30;
/// Set by the checker: the memory one rustc may use, in bytes.
pub const MEMORY_ENV: &str = "CHECKER_RUSTC_MEMORY";
/// The largest file the compiler or linker may write for a crate of the
/// shadow workspace. The largest an honest build writes is 6.8 MiB (an
/// incremental dep-graph of `check`; the largest test binary is 5.3 MiB).
pub const FILE_LIMIT: u64 = 64 << 20;
/// Whether [`FILE_LIMIT`] applies on this platform (see `limit_process`).
pub const FILE_LIMIT_APPLIES: bool = cfg!(any(
    target_os = "macos",
    all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )
));
/// Real time, where processor time cannot be read.
pub const WALL: Duration = Duration::from_secs(600);

/// Set by the `checker` binary for the binaries it starts
/// (`checker-instructor`, `checker-watch`): its own path.
pub const WRAPPER_EXE_ENV: &str = "CHECKER_WRAPPER_EXE";

/// The environment that makes cargo start the checker as the wrapper.
///
/// The wrapper is the `checker` binary in every build, whichever binary
/// starts it: cargo names a workspace member's compiled files after the
/// wrapper's path, so with `checker-instructor` as its own wrapper,
/// `verify` or `grade` after a `check` compiled every slot again under a
/// second name (and kept both). The binaries the checker starts learn its
/// path from [`WRAPPER_EXE_ENV`]; `checker-instructor` started by hand
/// falls back to itself, since its `main` knows the role too. A test
/// binary that runs the engine itself builds without a wrapper.
pub fn cargo_env() -> Vec<(&'static str, std::ffi::OsString)> {
    let Ok(me) = std::env::current_exe() else {
        return Vec::new();
    };
    let given = std::env::var_os(WRAPPER_EXE_ENV)
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    let wrapper = match me.file_stem().and_then(|s| s.to_str()) {
        Some("checker") => Some(me),
        _ if given.is_some() => given,
        Some("checker-instructor") => Some(me),
        _ => None,
    };
    match wrapper {
        Some(exe) => vec![
            ("RUSTC_WORKSPACE_WRAPPER", exe.into_os_string()),
            (ENV, "1".into()),
        ],
        None => Vec::new(),
    }
}

/// How many rustc runs may go at once, and the memory each may use, so
/// that together they fit the build's memory budget: half of the
/// machine's memory on Linux (`/proc/meminfo`), or
/// `CHECKER_BUILD_MEMORY_MIB`. Each rustc gets the budget's share, up to
/// [`MEMORY`]; below [`MEMORY_FLOOR`] a share would stop honest crates,
/// so fewer run at once instead. Where the budget is unknown (macOS,
/// Windows) each rustc gets [`MEMORY`], where memory can be read at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub jobs: usize,
    pub rustc_memory: u64,
}

/// The budget for all rustc runs of a build, in MiB.
pub const BUDGET_ENV: &str = "CHECKER_BUILD_MEMORY_MIB";
/// The least memory one rustc gets: grading all nine reference solutions
/// peaks at 203 MiB of resident memory in any one process.
pub const MEMORY_FLOOR: u64 = 1 << 30;

impl Plan {
    /// The plan for `jobs` parallel rustc runs on this machine.
    pub fn new(jobs: usize) -> Plan {
        let budget = std::env::var(BUDGET_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|mib| *mib > 0)
            .map(|mib| mib << 20)
            .or_else(|| physical_memory().map(|m| m / 2));
        Plan::within(jobs, budget)
    }

    fn within(jobs: usize, budget: Option<u64>) -> Plan {
        let jobs = jobs.max(1);
        let Some(total) = budget else {
            return Plan {
                jobs,
                rustc_memory: MEMORY,
            };
        };
        let jobs = if total / jobs as u64 >= MEMORY_FLOOR {
            jobs
        } else {
            ((total / MEMORY_FLOOR) as usize).clamp(1, jobs)
        };
        Plan {
            jobs,
            rustc_memory: (total / jobs as u64).min(MEMORY),
        }
    }

    /// Cargo's arguments for the plan.
    pub fn cargo_args(&self) -> [String; 2] {
        ["-j".to_string(), self.jobs.to_string()]
    }
}

/// `MemTotal` of `/proc/meminfo`, on Linux.
fn physical_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib << 10)
}

/// Where the wrapper records the processor time of each grading slot.
pub fn ledger_dir(build: &Path) -> PathBuf {
    build.join("checker-cpu")
}

/// What one rustc run may use, from the environment cargo passes on.
struct Limits {
    cpu: Duration,
    /// The submission's budget, when it is what limits this run.
    budget: Option<Duration>,
    memory: u64,
    /// The grading slot's ledger and what its earlier runs used.
    ledger: Option<(PathBuf, Duration)>,
}

impl Limits {
    fn from_env(out_dir: Option<&Path>) -> Limits {
        let per_run = std::env::var(CPU_ENV)
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(CPU, Duration::from_secs_f64);
        let memory = std::env::var(MEMORY_ENV)
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(MEMORY, |m: u64| m.min(MEMORY));
        // `deps/` is in `build/debug/`: the ledger sits beside `debug/`.
        let build = out_dir.and_then(|d| d.parent()?.parent());
        let ledger = grading_slot().zip(build).map(|(slot, build)| {
            let file = ledger_dir(build).join(slot);
            let used = std::fs::read_to_string(&file)
                .unwrap_or_default()
                .lines()
                .filter_map(|l| l.parse::<u64>().ok())
                .map(Duration::from_millis)
                .sum();
            (file, used)
        });
        let budget = per_run * SUBMISSION_CPU;
        let left = ledger
            .as_ref()
            .map_or(budget, |(_, used)| budget.saturating_sub(*used));
        Limits {
            cpu: per_run.min(left),
            budget: (left < per_run).then_some(budget),
            memory,
            ledger,
        }
    }

    /// Adds a run's processor time to the slot's ledger (one line per run,
    /// appended, so parallel runs of a slot do not lose each other's).
    fn record(&self, cpu: Duration) {
        if let Some((file, _)) = &self.ledger {
            let _ = std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")));
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
            {
                let _ = writeln!(f, "{}", cpu.as_millis());
            }
        }
    }
}

/// The grading slot (`g3`) of the crate cargo is building, if it is one.
fn grading_slot() -> Option<String> {
    let package = std::env::var("CARGO_PKG_NAME").ok()?;
    footprint::grading_slot(&package, '-').map(|n| format!("g{n}"))
}

/// What the grading slot of the crate being built holds in the build
/// folder (`out_dir` is `debug/deps`); `None` outside grading.
fn submission_bytes(out_dir: Option<&Path>) -> Option<u64> {
    let debug = out_dir?.parent()?;
    let slot = grading_slot()?;
    Some(footprint::bytes(&footprint::slot_files(debug, &slot)))
}

/// The folder rustc writes to and the `-<hash>` its outputs carry.
fn outputs(args: &[OsString]) -> (Option<PathBuf>, Option<String>) {
    let mut out_dir = None;
    let mut hash = None;
    for (i, a) in args.iter().enumerate() {
        let a = a.to_string_lossy();
        let next = || args.get(i + 1).map(|n| n.to_string_lossy().into_owned());
        if a == "--out-dir" {
            out_dir = next().map(PathBuf::from);
        } else if let Some(d) = a.strip_prefix("--out-dir=") {
            out_dir = Some(PathBuf::from(d));
        }
        let codegen = if a == "-C" {
            next()
        } else {
            a.strip_prefix("-C").map(str::to_string)
        };
        if let Some(h) = codegen
            .as_deref()
            .and_then(|c| c.strip_prefix("extra-filename=-"))
        {
            hash = Some(h.to_string());
        }
    }
    (out_dir, hash)
}

/// Limits this process and everything it starts (rustc, the linker)
/// inherit: no file written past `file` bytes (Linux x86_64 and aarch64,
/// macOS), and no more than `memory` bytes of data (Linux: unlike the
/// resident memory read every 0.2 s, a hard limit also stops a short
/// spike). Past the file limit a write fails with "File too large"
/// (EFBIG), which rustc and the linker report as an error, instead of
/// killing them with SIGXFSZ (an ignored signal stays ignored across
/// `exec`). Past the data limit an allocation fails, which rustc reports.
fn limit_process(file: u64, memory: u64) {
    #[cfg(any(
        target_os = "macos",
        all(
            target_os = "linux",
            any(target_arch = "x86_64", target_arch = "aarch64")
        )
    ))]
    {
        // The numbers are the same on Linux (x86_64, aarch64) and macOS.
        const RLIMIT_FSIZE: rlimit::Resource = 1;
        const SIGXFSZ: std::ffi::c_int = 25;
        rlimit::set(RLIMIT_FSIZE, file);
        rlimit::ignore(SIGXFSZ);
        #[cfg(target_os = "linux")]
        {
            const RLIMIT_DATA: rlimit::Resource = 2;
            rlimit::set(RLIMIT_DATA, memory);
        }
    }
    let _ = (file, memory);
}

#[cfg(any(
    target_os = "macos",
    all(
        target_os = "linux",
        any(target_arch = "x86_64", target_arch = "aarch64")
    )
))]
mod rlimit {
    use std::ffi::c_int;

    pub type Resource = c_int;

    #[repr(C)]
    struct RLimit {
        cur: u64,
        max: u64,
    }

    unsafe extern "C" {
        fn setrlimit(resource: c_int, limit: *const RLimit) -> c_int;
        fn signal(signum: c_int, handler: usize) -> usize;
    }

    /// Soft and hard limit: rustc cannot raise it again.
    pub fn set(resource: Resource, value: u64) {
        let limit = RLimit {
            cur: value,
            max: value,
        };
        // SAFETY: a plain system call on a value on the stack.
        unsafe {
            setrlimit(resource, &limit);
        }
    }

    pub fn ignore(sig: c_int) {
        const SIG_IGN: usize = 1;
        // SAFETY: a plain system call; no handler runs.
        unsafe {
            signal(sig, SIG_IGN);
        }
    }
}

/// How rustc's messages say that a write failed with EFBIG (rustc's own
/// files, LLVM's object files, the linker's output).
const TOO_LARGE: &[&[u8]] = &[b"os error 27", b"File too large", b"file too large"];
/// How rustc says that an allocation failed (in constant evaluation, or
/// anywhere else).
const NO_MEMORY: &[&[u8]] = &[
    b"more memory than available to compiler",
    b"memory allocation of",
];

/// Whether rustc's messages (read in chunks) say a limit was reached.
#[derive(Default)]
struct Signs {
    too_large: bool,
    no_memory: bool,
    /// The end of the last chunk, for a phrase cut in two.
    tail: Vec<u8>,
}

impl Signs {
    fn read(&mut self, chunk: &[u8]) {
        self.tail.extend_from_slice(chunk);
        let seen = |phrases: &[&[u8]]| {
            phrases
                .iter()
                .any(|p| self.tail.windows(p.len()).any(|w| w == *p))
        };
        self.too_large |= seen(TOO_LARGE);
        self.no_memory |= seen(NO_MEMORY);
        let keep = self.tail.len().saturating_sub(64);
        self.tail.drain(..keep);
    }
}

/// [`as_wrapper`], noting the compiler run in the timings file as
/// `rustc:NAME` (`rustc:-` for cargo's questions to the compiler). Every
/// binary that [`cargo_env`] may name calls this first.
pub fn as_wrapper_timed() -> Option<i32> {
    let began = crate::util::timings::now();
    let status = as_wrapper()?;
    let args: Vec<String> = std::env::args().collect();
    let name = args
        .iter()
        .position(|a| a == "--crate-name")
        .and_then(|i| args.get(i + 1))
        .map_or("-", String::as_str);
    crate::util::timings::span(&format!("rustc:{name}"), began, crate::util::timings::now());
    Some(status)
}

/// When cargo started this process as the wrapper (`checker RUSTC ARGS...`
/// with [`ENV`] set), runs rustc under the limits and returns the exit
/// status to end with.
pub fn as_wrapper() -> Option<i32> {
    std::env::var_os(ENV)?;
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.is_empty() {
        return None;
    }
    let rustc = args.remove(0);
    let (out_dir, hash) = outputs(&args);
    let limits = Limits::from_env(out_dir.as_deref());
    let crate_files = || match (&out_dir, &hash) {
        (Some(dir), Some(hash)) => footprint::crate_files(dir, hash),
        _ => Vec::new(),
    };
    limit_process(FILE_LIMIT, limits.memory);
    let mut child = match Command::new(&rustc)
        .args(args)
        .env_remove(ENV)
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("checker: could not start {}: {e}", rustc.to_string_lossy());
            return Some(101);
        }
    };
    // rustc's diagnostics pass through unchanged; the end of its stderr
    // tells that it is done, without polling. They also say when a write
    // failed at the file-size limit.
    let mut from = child.stderr.take().expect("piped");
    let (done_tx, done) = std::sync::mpsc::channel::<()>();
    let copier = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut to = std::io::stderr();
        let mut signs = Signs::default();
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
            signs.read(&buf[..n]);
        }
        let _ = done_tx.send(());
        signs
    });
    let start = Instant::now();
    let pid = child.id();
    let mut last = None;
    let over = loop {
        if let Ok(Some(status)) = child.try_wait() {
            let signs = copier.join().unwrap_or_default();
            let too_large = signs.too_large;
            limits.record(last.unwrap_or_default());
            let files = crate_files();
            let size = footprint::bytes(&files);
            if status.success() && size <= footprint::EXERCISE_CAP {
                let Some(held) = submission_bytes(out_dir.as_deref()) else {
                    return Some(0);
                };
                if held <= footprint::SUBMISSION_CAP {
                    return Some(0);
                }
                footprint::remove(&files);
                report(&format!(
                    "this submission's crates wrote {} MiB in all, over the {} MiB one \
                     submission may hold in the build folder (a huge static or array?)",
                    held.div_ceil(1 << 20),
                    footprint::SUBMISSION_CAP >> 20
                ));
                return Some(101);
            }
            if too_large || size > footprint::EXERCISE_CAP {
                footprint::remove(&files);
                report(&too_big(too_large, size));
                return Some(101);
            }
            if signs.no_memory && !status.success() {
                report(&format!(
                    "the compiler ran out of the {} MiB of memory one compiler run may use \
                     in this build (a huge constant or array?)",
                    limits.memory >> 20
                ));
                return Some(101);
            }
            return Some(status.code().unwrap_or(101));
        }
        let used = usage(pid);
        last = used.map(|(cpu, _)| cpu).or(last);
        if let Some(why) = exceeded(used, &limits, start.elapsed()) {
            break why;
        }
        let size = footprint::bytes(&crate_files());
        if size > footprint::EXERCISE_CAP {
            break format!("writing {} MiB of output", size.div_ceil(1 << 20));
        }
        let _ = done.recv_timeout(Duration::from_millis(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = copier.join();
    limits.record(last.unwrap_or_default());
    footprint::remove(&crate_files());
    report(&format!(
        "the compiler was stopped after {over}: the code makes the build endless or \
         too large (an endless constant evaluation, a type or macro that keeps growing, \
         a huge static or array?)"
    ));
    Some(101)
}

/// Why a finished build of a crate is refused for its size.
fn too_big(file: bool, size: u64) -> String {
    if file {
        format!(
            "the build wrote a file over {} MiB (a huge static or array?)",
            FILE_LIMIT >> 20
        )
    } else {
        format!(
            "the build wrote {} MiB for this crate, over the {} MiB an exercise may \
             leave (a huge static or array?)",
            size.div_ceil(1 << 20),
            footprint::EXERCISE_CAP >> 20
        )
    }
}

/// The error code of the wrapper's own diagnostics. rustc escapes
/// whatever the code under test makes it print, so only the wrapper can
/// emit a diagnostic with this code; it is shown before rustc's own errors
/// (see `compile`), which only tell what failed ("File too large").
pub const LIMIT_CODE: &str = "checker-build-limit";

/// A diagnostic in rustc's JSON form: cargo reports it as this crate's
/// compiler error, and the checker shows it like any other. `text` holds
/// no quotes or backslashes.
fn report(text: &str) {
    eprintln!(
        "{{\"$message_type\":\"diagnostic\",\"message\":\"{text}\",\
         \"code\":{{\"code\":\"{LIMIT_CODE}\",\"explanation\":null}},\
         \"level\":\"error\",\"spans\":[],\"children\":[],\"rendered\":\"error: {text}\\n\"}}"
    );
}

/// Which limit a rustc using `used` (processor time and memory, where
/// they can be read) has gone past, if any.
fn exceeded(used: Option<(Duration, u64)>, limits: &Limits, elapsed: Duration) -> Option<String> {
    match used {
        Some((cpu, _)) if cpu > limits.cpu => Some(match limits.budget {
            Some(b) => format!(
                "its submission's crates used up the {} s of processor time one \
                 submission's build may use",
                b.as_secs()
            ),
            None => format!("using {} s of processor time", cpu.as_secs()),
        }),
        Some((_, rss)) if rss > limits.memory => Some(format!("using {} MiB of memory", rss >> 20)),
        Some(_) => None,
        None if elapsed > WALL => Some(format!("using {} s of real time", elapsed.as_secs())),
        None => None,
    }
}

/// Processor time and resident memory of a process, on Linux.
fn usage(pid: u32) -> Option<(Duration, u64)> {
    let stat = crate::util::procstat::Stat::read(&pid.to_string())?;
    // The kernel's USER_HZ is 100 on every Linux architecture Rust targets.
    let cpu = Duration::from_millis((stat.number(14)? + stat.number(15)?) * 10);
    // 4 KiB pages (larger pages only make the limit looser).
    let rss = stat.number(24)? * 4096;
    Some((cpu, rss))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_rustcs_fit_the_memory_budget() {
        const G: u64 = 1 << 30;
        // Enough memory: every job, each up to the per-run limit.
        assert_eq!(Plan::within(2, Some(64 * G)).rustc_memory, MEMORY);
        // 16 cores, 8 GiB budget: 16 jobs cannot have 1 GiB each.
        let p = Plan::within(16, Some(8 * G));
        assert_eq!(
            p,
            Plan {
                jobs: 8,
                rustc_memory: G
            }
        );
        assert!(p.jobs as u64 * p.rustc_memory <= 8 * G);
        let p = Plan::within(4, Some(6 * G));
        assert_eq!(p.jobs, 4);
        assert!(p.jobs as u64 * p.rustc_memory <= 6 * G);
        // Tiny budgets: one rustc with all of it.
        assert_eq!(
            Plan::within(8, Some(G / 2)),
            Plan {
                jobs: 1,
                rustc_memory: G / 2
            }
        );
        assert_eq!(
            Plan::within(0, None),
            Plan {
                jobs: 1,
                rustc_memory: MEMORY
            }
        );
        if cfg!(target_os = "linux") {
            assert!(physical_memory().unwrap() > G / 4);
        }
    }

    #[test]
    fn the_outputs_are_read_from_the_arguments() {
        let args: Vec<OsString> = [
            "--crate-name",
            "x",
            "-C",
            "incremental=/t/inc",
            "-Cincremental=/t/i2",
            "--out-dir",
            "/t/deps",
            "-C",
            "extra-filename=-0123abcd",
            "-C",
            "debuginfo=0",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let (dir, hash) = outputs(&args);
        assert_eq!(dir.as_deref(), Some(Path::new("/t/deps")));
        assert_eq!(hash.as_deref(), Some("0123abcd"));
    }

    #[test]
    fn reads_this_process_usage_on_linux() {
        if cfg!(target_os = "linux") {
            let (_, rss) = usage(std::process::id()).expect("/proc is readable");
            assert!(rss > 1 << 20, "{rss}");
        }
        let limits = Limits {
            cpu: CPU,
            budget: None,
            memory: MEMORY,
            ledger: None,
        };
        assert_eq!(exceeded(None, &limits, Duration::ZERO), None);
        assert!(
            exceeded(None, &limits, WALL * 2)
                .unwrap()
                .contains("real time")
        );
        let over = Some((CPU * 2, 0));
        assert!(
            exceeded(over, &limits, Duration::ZERO)
                .unwrap()
                .contains("processor")
        );
    }
}
