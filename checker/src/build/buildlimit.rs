//! Limits on the compiler while it builds the code under test.
//!
//! Code can make rustc work forever or exhaust memory at compile time (a
//! constant evaluated in an endless loop, a type or macro that explodes),
//! and one such crate would stall the build of a whole batch. The checker
//! therefore names itself as cargo's `RUSTC_WORKSPACE_WRAPPER` (which
//! applies to the shadow workspace's own crates, never to tokio and the
//! other dependencies) and, started that way, runs rustc and stops it when
//! it uses more than [`CPU`] of processor time or [`MEMORY`] of memory (on
//! Linux, read from `/proc`; CPU time does not depend on the machine's
//! load), or [`WALL`] of real time elsewhere. The stopped crate gets a
//! compiler error that says why; the rest of the batch builds on.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Set in cargo's environment to start the checker as the wrapper.
pub const ENV: &str = "CHECKER_RUSTC_LIMITS";
/// Processor time one rustc may use: honest crates here take a few seconds.
/// `CHECKER_BUILD_CPU_SECS` sets another limit (the tests use a short one).
pub const CPU: Duration = Duration::from_secs(120);
pub const CPU_ENV: &str = "CHECKER_BUILD_CPU_SECS";
/// Resident memory one rustc may use.
pub const MEMORY: u64 = 4 << 30;
/// Real time, where processor time cannot be read.
pub const WALL: Duration = Duration::from_secs(600);

/// The environment that makes cargo start the checker as the wrapper:
/// only from the `checker` binary itself, whose `main` knows the role
/// (not from a test binary or `checker-watch` that use the library).
pub fn cargo_env() -> Vec<(&'static str, std::ffi::OsString)> {
    match std::env::current_exe() {
        Ok(exe) if exe.file_stem().is_some_and(|s| s == "checker") => vec![
            ("RUSTC_WORKSPACE_WRAPPER", exe.into_os_string()),
            (ENV, "1".into()),
        ],
        _ => Vec::new(),
    }
}

/// When cargo started this process as the wrapper (`checker RUSTC ARGS...`
/// with [`ENV`] set), runs rustc under the limits and returns the exit
/// status to end with.
pub fn as_wrapper() -> Option<i32> {
    std::env::var_os(ENV)?;
    let mut args = std::env::args_os().skip(1);
    let rustc = args.next()?;
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
    // tells that it is done, without polling.
    let mut from = child.stderr.take().expect("piped");
    let (done_tx, done) = std::sync::mpsc::channel::<()>();
    let copier = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        let mut to = std::io::stderr();
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 || to.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = done_tx.send(());
    });
    let start = Instant::now();
    let pid = child.id();
    let over = loop {
        if let Ok(Some(status)) = child.try_wait() {
            let _ = copier.join();
            return Some(status.code().unwrap_or(101));
        }
        if let Some(why) = exceeded(pid, start.elapsed()) {
            break why;
        }
        let _ = done.recv_timeout(Duration::from_millis(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = copier.join();
    // A diagnostic in rustc's JSON form: cargo reports it as this crate's
    // compiler error, and the checker shows it like any other.
    let text = format!(
        "the compiler was stopped after using {over}: the code makes the build endless or \
         too large (an endless constant evaluation, a type or macro that keeps growing)"
    );
    eprintln!(
        "{{\"$message_type\":\"diagnostic\",\"message\":\"{text}\",\"code\":null,\
         \"level\":\"error\",\"spans\":[],\"children\":[],\"rendered\":\"error: {text}\\n\"}}"
    );
    Some(101)
}

/// Which limit process `pid` has gone past, if any.
fn exceeded(pid: u32, elapsed: Duration) -> Option<String> {
    let limit = std::env::var(CPU_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(CPU, Duration::from_secs_f64);
    match usage(pid) {
        Some((cpu, _)) if cpu > limit => Some(format!("{} s of processor time", cpu.as_secs())),
        Some((_, rss)) if rss > MEMORY => Some(format!("{} MiB of memory", rss >> 20)),
        Some(_) => None,
        None if elapsed > WALL => Some(format!("{} s of real time", elapsed.as_secs())),
        None => None,
    }
}

/// Processor time and resident memory of a process, on Linux.
fn usage(pid: u32) -> Option<(Duration, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14, stime 15, rss (pages) 24.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i - 3)?.parse::<u64>().ok();
    // The kernel's USER_HZ is 100 on every Linux architecture Rust targets.
    let cpu = Duration::from_millis((ticks(14)? + ticks(15)?) * 10);
    // 4 KiB pages (larger pages only make the limit looser).
    let rss = ticks(24)? * 4096;
    Some((cpu, rss))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_usage_on_linux() {
        if cfg!(target_os = "linux") {
            let (_, rss) = usage(std::process::id()).expect("/proc is readable");
            assert!(rss > 1 << 20, "{rss}");
        }
        assert_eq!(exceeded(u32::MAX, Duration::ZERO), None);
        assert!(exceeded(u32::MAX, WALL * 2).unwrap().contains("real time"));
    }
}
