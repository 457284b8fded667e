//! The checker's end of a test's result channel (the harness's end is
//! `checker/harness/src/report.rs`).
//!
//! On Unix: a socket pair. The child gets one end as descriptor 3 and the
//! runner writes the test's nonce into its own end at once; the harness
//! reads it only after the test has finished and answers with its outcome
//! on the same socket. Safe code under test cannot open the socket, and the
//! nonce sits in the kernel, not in the process's memory, while the test
//! runs. Elsewhere: the nonce on stdin and the outcome in a result file.
//!
//! On Unix a second socket pair, descriptor 4 in the child, carries a
//! test's questions about its own threads to the checker (see `observer`).

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
    /// Our end of the observer socket: served from `spawned` on, shut
    /// down in `outcome` so that its thread ends even if something of the
    /// test's outlived it holding the other end.
    #[cfg(unix)]
    observer: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    observer_theirs: Option<std::os::unix::net::UnixStream>,
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
            let (observer, observer_theirs) = std::os::unix::net::UnixStream::pair()?;
            let fds = (theirs.as_raw_fd(), observer_theirs.as_raw_fd());
            cmd.arg("--result").arg("fd:3");
            cmd.arg("--observer").arg("fd:4");
            // SAFETY: runs in the child before exec and only makes
            // async-signal-safe calls on descriptors the child inherited.
            unsafe {
                cmd.pre_exec(move || to_fds_3_and_4(fds.0, fds.1));
            }
            Ok(Channel {
                ours,
                theirs: Some(theirs),
                observer,
                observer_theirs: Some(observer_theirs),
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
            self.observer_theirs = None;
            let observer = self.observer.try_clone()?;
            let pid = child.id();
            std::thread::spawn(move || crate::run::observer::serve(observer, pid));
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
        #[cfg(unix)]
        let _ = self.observer.shutdown(std::net::Shutdown::Both);
        match self.reader {
            Some(rx) => rx.recv_timeout(grace).ok().flatten(),
            None => {
                let _ = (&self.nonce, grace);
                std::fs::read_to_string(&self.file).ok()
            }
        }
    }
}

/// Puts `result` on descriptor 3 and `observer` on 4, both without
/// close-on-exec. Each is first copied above 4, so that neither can be
/// overwritten by the other's move whatever numbers they had.
#[cfg(unix)]
fn to_fds_3_and_4(result: i32, observer: i32) -> std::io::Result<()> {
    unsafe extern "C" {
        fn dup2(old: i32, new: i32) -> i32;
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
        fn close(fd: i32) -> i32;
    }
    const F_DUPFD: i32 = 0;
    let check = |ret: i32| {
        if ret < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(ret)
        }
    };
    // SAFETY: plain descriptor calls, no pointers.
    unsafe {
        let result = check(fcntl(result, F_DUPFD, 5))?;
        let observer = check(fcntl(observer, F_DUPFD, 5))?;
        check(dup2(result, 3))?;
        check(dup2(observer, 4))?;
        close(result);
        close(observer);
    }
    Ok(())
}
