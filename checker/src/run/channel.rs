//! The checker's end of a test's result channel (the harness's end is
//! `checker/harness/src/report.rs`).
//!
//! On Unix: a socket pair. The child gets one end as descriptor 3 and the
//! runner writes the test's nonce into its own end at once; the harness
//! reads it only after the test has finished and answers with its outcome
//! on the same socket. Safe code under test cannot open the socket, and the
//! nonce sits in the kernel, not in the process's memory, while the test
//! runs. Elsewhere: the nonce on stdin and the outcome in a result file.

#[cfg(unix)]
use std::io::Read;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::mpsc;
use std::time::Duration;

/// Largest outcome accepted; beyond it the report counts as missing.
#[cfg(unix)]
const RESULT_CAP: usize = 32 << 20;

pub struct Channel {
    #[cfg(unix)]
    ours: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    theirs: Option<std::os::unix::net::UnixStream>,
    file: PathBuf,
    nonce: String,
    reader: Option<mpsc::Receiver<Option<String>>>,
}

impl Channel {
    /// Adds `--result ...` to `cmd` and prepares the child's end. The
    /// runner pipes the child's stdin and writes its own lines first.
    pub fn attach(cmd: &mut Command, result_file: &Path, nonce: &str) -> std::io::Result<Channel> {
        let _ = std::fs::remove_file(result_file);
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            use std::os::unix::process::CommandExt;
            let (mut ours, theirs) = std::os::unix::net::UnixStream::pair()?;
            writeln!(ours, "{nonce}")?;
            let fd = theirs.as_raw_fd();
            cmd.arg("--result").arg("fd:3");
            // SAFETY: runs in the child before exec and only makes
            // async-signal-safe calls on a descriptor the child inherited.
            unsafe {
                cmd.pre_exec(move || to_fd3(fd));
            }
            Ok(Channel {
                ours,
                theirs: Some(theirs),
                file: result_file.to_path_buf(),
                nonce: nonce.to_string(),
                reader: None,
            })
        }
        #[cfg(not(unix))]
        {
            cmd.arg("--result").arg(result_file);
            Ok(Channel {
                file: result_file.to_path_buf(),
                nonce: nonce.to_string(),
                reader: None,
            })
        }
    }

    /// Call right after spawning: hands over the nonce (stdin variant) and
    /// starts reading the outcome, so that a large report never blocks the
    /// child on a full socket.
    pub fn spawned(&mut self, child: &mut Child) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            // The runner's lines are written: the harness reads to the end.
            drop(child.stdin.take());
            // Only the child may hold its end now: EOF then means it ended.
            self.theirs = None;
            let mut socket = self.ours.try_clone()?;
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut body = Vec::new();
                let ok = (&mut socket)
                    .take(RESULT_CAP as u64 + 1)
                    .read_to_end(&mut body)
                    .is_ok();
                let text = (ok && body.len() <= RESULT_CAP && !body.is_empty())
                    .then(|| String::from_utf8_lossy(&body).into_owned());
                let _ = tx.send(text);
            });
            self.reader = Some(rx);
        }
        #[cfg(not(unix))]
        if let Some(mut stdin) = child.stdin.take() {
            let _ = writeln!(stdin, "{}", self.nonce);
        }
        Ok(())
    }

    /// The outcome the harness reported, if it reported one, waiting at
    /// most `grace` once the process has ended.
    pub fn outcome(self, grace: Duration) -> Option<String> {
        match self.reader {
            Some(rx) => rx.recv_timeout(grace).ok().flatten(),
            None => {
                let _ = (&self.nonce, grace);
                std::fs::read_to_string(&self.file).ok()
            }
        }
    }
}

/// Puts `fd` on descriptor 3, without close-on-exec.
#[cfg(unix)]
fn to_fd3(fd: i32) -> std::io::Result<()> {
    unsafe extern "C" {
        fn dup2(old: i32, new: i32) -> i32;
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
    }
    const F_SETFD: i32 = 2;
    // SAFETY: plain descriptor calls, no pointers.
    let ret = unsafe {
        if fd == 3 {
            fcntl(3, F_SETFD, 0)
        } else {
            dup2(fd, 3)
        }
    };
    if ret < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}
