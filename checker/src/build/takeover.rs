//! Taking the dependencies' build over from the background.
//!
//! The checker's build script starts the course's dependencies compiling
//! in the background with one job (`prewarm`), so that a first run, which
//! needs only the checker, is not slowed down by them. A check that does
//! need them should not wait for that one job: before it builds, it stops
//! the background build and lets its own cargo, with every job, go on
//! from the crates already finished. Cargo records a crate only once it
//! is complete, so nothing half-built is ever used.

use crate::build::prewarm::PID_FILE;
use crate::model::course::Paths;
use std::path::Path;
use std::time::{Duration, Instant};

/// Stops the background build of `paths`' work area if it still runs.
pub fn take_over(paths: &Paths) {
    let work = paths.work();
    take_over_in(
        &work.join("prewarm").join(PID_FILE),
        &work.join("build/debug/.cargo-lock"),
        Duration::from_secs(5),
    );
}

/// [`take_over`] with its files: the process id the build script wrote,
/// and cargo's lock on the build that process works in. Waits at most
/// `patience` for the lock to be free; cargo waits for it anyway.
fn take_over_in(pid_file: &Path, lock: &Path, patience: Duration) {
    let Ok(text) = std::fs::read_to_string(pid_file) else {
        return;
    };
    let _ = std::fs::remove_file(pid_file);
    let Ok(pid) = text.trim().parse::<u32>() else {
        return;
    };
    // Only while the lock is held: nothing but that build works in this
    // folder (checks hold the work area's lock), so the process id is
    // still the build's and not a process that took the number over once
    // it had ended.
    if !held(lock) {
        return;
    }
    stop_group(pid);
    let end = Instant::now() + patience;
    while held(lock) && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether another process holds cargo's lock on `lock`.
fn held(lock: &Path) -> bool {
    let Ok(file) = std::fs::File::open(lock) else {
        return false;
    };
    matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock))
}

/// SIGTERM to the process group `pid` leads: cargo and its compilers.
#[cfg(unix)]
fn stop_group(pid: u32) {
    unsafe extern "C" {
        fn kill(pid: i32, sig: i32) -> i32;
    }
    const SIGTERM: i32 = 15;
    let Ok(pid) = i32::try_from(pid) else {
        return;
    };
    if pid > 1 {
        // SAFETY: takes no pointers; the group is the background build's
        // (see `take_over_in`).
        unsafe {
            kill(-pid, SIGTERM);
        }
    }
}

/// The background build writes no process id here (see `prewarm`).
#[cfg(not(unix))]
fn stop_group(_pid: u32) {}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::process::CommandExt;
    use std::process::{Child, Command};

    /// A process in a group of its own that would run for a minute, with
    /// its id in a pid file, and a lock file; all under a fresh folder.
    fn background(name: &str) -> (Child, std::path::PathBuf, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("takeover-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new("sleep")
            .arg("60")
            .process_group(0)
            .spawn()
            .unwrap();
        std::fs::write(dir.join("pid"), child.id().to_string()).unwrap();
        std::fs::write(dir.join(".cargo-lock"), "").unwrap();
        (child, dir.join("pid"), dir.join(".cargo-lock"))
    }

    fn ended_within(child: &mut Child, limit: Duration) -> bool {
        let end = Instant::now() + limit;
        while Instant::now() < end {
            if child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn a_build_holding_the_lock_is_stopped() {
        let (mut child, pid, lock) = background("held");
        let holder = std::fs::File::open(&lock).unwrap();
        holder.lock().unwrap();
        take_over_in(&pid, &lock, Duration::from_millis(50));
        assert!(ended_within(&mut child, Duration::from_secs(5)));
        assert!(!pid.exists(), "the pid file is used once");
        let _ = std::fs::remove_dir_all(lock.parent().unwrap());
    }

    #[test]
    fn without_the_lock_the_process_id_is_not_trusted() {
        let (mut child, pid, lock) = background("free");
        take_over_in(&pid, &lock, Duration::from_millis(50));
        assert!(
            !ended_within(&mut child, Duration::from_millis(300)),
            "a process that may only have taken the build's id over was stopped"
        );
        assert!(!pid.exists());
        let _ = child.kill();
        let _ = child.wait();
        let _ = std::fs::remove_dir_all(lock.parent().unwrap());
    }
}
