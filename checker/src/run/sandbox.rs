//! Containment of test processes: what a test may touch, and how it ends.
//!
//! Code under test runs inside the test process and can do anything that
//! process can, so the process gets only what a hidden test needs. On Linux
//! the runner applies, in the child between `fork` and `exec` (before any
//! code of the test binary, constructors included, can run):
//!
//! * its own session and process group, killed as a whole when the test
//!   ends or overruns;
//! * resource limits: open files, file size, no core dumps;
//! * Landlock (the kernel's unprivileged file-system sandbox): read and
//!   execute the system's libraries and the test binary, read the
//!   exercise's snapshots, write only a per-test scratch folder; no other
//!   part of `/proc` (so neither its own memory nor another process's
//!   environment), no TCP, no signals to processes outside the sandbox;
//! * when started as root, every capability dropped, so root's privileges
//!   do not leak into the test;
//! * a seccomp filter that refuses new processes (threads are fine), ptrace,
//!   reading other processes' memory, raising limits, new namespaces and
//!   signals to anything but itself. Root is exempt from `RLIMIT_NPROC`,
//!   which is why process creation is refused by seccomp instead.
//!
//! The result travels over a socket on fd 3, which safe Rust cannot open
//! (a socket cannot be reopened through `/proc/self/fd`), so code under
//! test can neither read the nonce nor write a result (see `channel`).
//!
//! Where Landlock or seccomp is missing (other systems, old kernels,
//! containers that forbid them) tests still run, with whatever is
//! available, and reports say "unsandboxed".

use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus};

/// How much of the containment this machine provides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    /// Landlock and seccomp both active.
    Sandboxed { landlock_abi: u32 },
    /// Tests run with process groups and limits only; the reason says why.
    Unsandboxed { reason: String },
}

impl Level {
    /// One line for a report header.
    pub fn describe(&self) -> String {
        match self {
            Level::Sandboxed { landlock_abi } => format!(
                "sandboxed (Landlock ABI {landlock_abi}, seccomp, resource limits, process groups)"
            ),
            Level::Unsandboxed { reason } => format!(
                "unsandboxed ({reason}): test processes can reach whatever the checker can; \
                 see checker/README.md, section Containment"
            ),
        }
    }

    pub fn is_sandboxed(&self) -> bool {
        matches!(self, Level::Sandboxed { .. })
    }
}

/// `CHECKER_SANDBOX=off` turns containment off, for measuring what it
/// costs (`bench`) and for diagnosing a machine where it misbehaves.
pub fn wanted() -> bool {
    std::env::var_os("CHECKER_SANDBOX").is_none_or(|v| v != "off")
}

/// What this process can apply to its test processes.
pub fn level() -> Level {
    static LEVEL: std::sync::OnceLock<Level> = std::sync::OnceLock::new();
    LEVEL
        .get_or_init(|| {
            if !wanted() {
                return Level::Unsandboxed {
                    reason: "turned off by CHECKER_SANDBOX=off".to_string(),
                };
            }
            match imp::probe() {
                Level::Sandboxed { landlock_abi } => match trial() {
                    Ok(()) => Level::Sandboxed { landlock_abi },
                    Err(e) => Level::Unsandboxed {
                        reason: format!("the kernel refused the sandbox: {e}"),
                    },
                },
                unsandboxed => unsandboxed,
            }
        })
        .clone()
}

/// Starts one contained process (this very binary, stopped at once): a
/// container may offer Landlock and seccomp and still refuse a step, and
/// then every test would fail to start. Better to know now and run
/// unsandboxed, saying so.
fn trial() -> std::io::Result<()> {
    let exe = std::env::current_exe()?;
    let mut cmd = std::process::Command::new(&exe);
    cmd.arg("--help")
        .env_clear()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    imp::contain(
        &mut cmd,
        &Policy {
            binary: exe,
            read: Vec::new(),
            write: Vec::new(),
        },
        true,
    )?;
    // `spawn` returns only once `exec` succeeded, so every step of the
    // containment was accepted.
    let mut child = cmd.spawn()?;
    kill(&mut child);
    Ok(())
}

/// What one test process may read, execute and write.
pub struct Policy {
    /// The test binary.
    pub binary: PathBuf,
    /// Read-only folders the test needs (its snapshots).
    pub read: Vec<PathBuf>,
    /// Folders the test may write (its scratch folder; snapshots for `bless`).
    pub write: Vec<PathBuf>,
}

/// Applies containment to `cmd`'s child. Process groups and limits apply
/// whatever the level; Landlock and seccomp only when [`level`] says so.
pub fn contain(cmd: &mut std::process::Command, policy: &Policy) -> std::io::Result<()> {
    imp::contain(cmd, policy, level().is_sandboxed())
}

/// Whether the test process has ended; if so, first kills whatever it left
/// behind in its process group, then reaps it. The group is killed before
/// the reaping because until then the process's pid, which names the
/// group, cannot be reused by an unrelated process.
pub fn try_wait(child: &mut Child) -> std::io::Result<Option<ExitStatus>> {
    match imp::has_exited(child.id())? {
        Some(false) => Ok(None),
        Some(true) => {
            imp::kill_group(child.id());
            child.wait().map(Some)
        }
        None => child.try_wait(),
    }
}

/// Kills the test process and its whole process group, and reaps it.
pub fn kill(child: &mut Child) {
    imp::kill_group(child.id());
    let _ = child.kill();
    let _ = child.wait();
}

/// A fresh, empty scratch folder for one test.
pub fn scratch(dir: &Path) -> std::io::Result<PathBuf> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    Ok(dir.to_path_buf())
}

#[cfg(target_os = "linux")]
#[path = "sandbox/linux.rs"]
mod imp;

#[cfg(not(target_os = "linux"))]
mod imp {
    //! Elsewhere: no containment beyond what `std` offers.
    use super::{Level, Policy};

    pub fn probe() -> Level {
        Level::Unsandboxed {
            reason: "containment needs Linux".to_string(),
        }
    }

    pub fn contain(
        _cmd: &mut std::process::Command,
        _policy: &Policy,
        _full: bool,
    ) -> std::io::Result<()> {
        Ok(())
    }

    pub fn kill_group(_pid: u32) {}

    /// Unknown here: the caller falls back to `try_wait`.
    pub fn has_exited(_pid: u32) -> std::io::Result<Option<bool>> {
        Ok(None)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    /// Runs `script` with the system shell under `policy`-style containment
    /// (the shell as the binary, `scratch` writable) and says whether it
    /// succeeded. Only shell built-ins are used: the sandbox refuses forks.
    fn allowed(scratch: &Path, script: &str) -> bool {
        let sh = std::fs::canonicalize("/bin/sh").unwrap();
        let mut cmd = Command::new(&sh);
        cmd.arg("-c")
            .arg(script)
            .current_dir(scratch)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        contain(
            &mut cmd,
            &Policy {
                binary: sh,
                read: Vec::new(),
                write: vec![scratch.to_path_buf()],
            },
        )
        .unwrap();
        let mut child = cmd.spawn().unwrap();
        let status = loop {
            if let Some(s) = try_wait(&mut child).unwrap() {
                break s;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        status.success()
    }

    #[test]
    fn a_contained_process_writes_its_scratch_folder_and_nothing_else() {
        if !level().is_sandboxed() {
            eprintln!("SKIPPED: {}", level().describe());
            return;
        }
        let base = std::env::temp_dir().join(format!("sandbox-test-{}", std::process::id()));
        let scratch = scratch(&base.join("scratch")).unwrap();
        let outside = base.join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s\n").unwrap();

        assert!(allowed(&scratch, "echo ok > mine && read x < mine"));
        assert!(!allowed(
            &scratch,
            &format!("echo x > {}/new", outside.display())
        ));
        assert!(!allowed(
            &scratch,
            &format!("read x < {}/secret", outside.display())
        ));
        // Another process's environment, and its own memory.
        assert!(!allowed(&scratch, "read x < /proc/1/environ"));
        assert!(!allowed(&scratch, "read x < /proc/self/mem"));
        // No new processes: `true` here is the program, not the built-in.
        assert!(!allowed(&scratch, "/bin/true && exit 0; exit 1"));
        assert!(!outside.join("new").exists());
        let _ = std::fs::remove_dir_all(&base);
    }
}
