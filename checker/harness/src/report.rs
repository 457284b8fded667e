//! The result channel: how a finished test hands its outcome to the checker.
//!
//! On Unix the checker passes one end of a socket pair as file descriptor
//! 3 (`--result fd:3`). The nonce waits in that socket until the test has
//! finished; only then does the harness read it, write the outcome with it
//! and leave at once with `_exit`, so no destructor, thread-local `Drop` or
//! `atexit` handler of the code under test runs afterwards. Safe Rust has
//! no way to reach descriptor 3: a socket cannot be reopened through
//! `/proc/self/fd`, and turning a number into a `File` takes `unsafe`,
//! which learner crates forbid. Under the checker's sandbox the process's
//! own memory (`/proc/self/mem`) is out of reach too.
//!
//! Elsewhere (`--result FILE`) the nonce comes on stdin, read before the
//! test starts, and the outcome goes to FILE: weaker, and reported as
//! unsandboxed by the checker.

use crate::outcome::Outcome;
use std::io::BufRead;
#[cfg(unix)]
use std::io::{Read, Write};

/// The argument value that selects the socket on descriptor 3.
#[cfg(unix)]
const SOCKET_ARG: &str = "fd:3";

pub enum Channel {
    #[cfg(unix)]
    Socket(std::fs::File),
    File {
        path: String,
        nonce: String,
    },
}

impl Channel {
    /// Takes hold of the channel named by `--result`. Call it before any
    /// code under test runs.
    pub fn open(arg: &str) -> Channel {
        #[cfg(unix)]
        if arg == SOCKET_ARG {
            use std::os::fd::FromRawFd;
            // SAFETY: the checker opened descriptor 3 for this process and
            // nothing else in the harness uses it; we own it from here.
            let file = unsafe { std::fs::File::from_raw_fd(3) };
            // Close-on-exec: a program the code under test might exec must
            // not inherit the channel.
            sys::cloexec(3);
            return Channel::Socket(file);
        }
        let mut nonce = String::new();
        let _ = std::io::stdin().lock().read_line(&mut nonce);
        Channel::File {
            path: arg.to_string(),
            nonce: nonce.trim().to_string(),
        }
    }

    /// Reports `outcome` and ends the process at once, with status 0 when
    /// the report was delivered.
    pub fn finish(self, outcome: &Outcome) -> ! {
        let delivered = match self {
            #[cfg(unix)]
            Channel::Socket(mut socket) => {
                let nonce = read_line(&mut socket);
                let body = outcome.to_json(nonce.trim());
                socket.write_all(body.as_bytes()).is_ok()
            }
            Channel::File { path, nonce } => std::fs::write(&path, outcome.to_json(&nonce)).is_ok(),
        };
        sys::leave(if delivered { 0 } else { 3 })
    }
}

/// The channel while the test runs: held here rather than on `main`'s
/// stack, so that the sampler's thread can end a test that never returns
/// from its poll (see `blocking`).
static HELD: std::sync::Mutex<Option<Channel>> = std::sync::Mutex::new(None);

/// Keeps `channel` for [`finish_held`].
pub fn hold(channel: Channel) {
    *HELD.lock().unwrap_or_else(|e| e.into_inner()) = Some(channel);
}

/// Reports `outcome` over the held channel and ends the process. The lock
/// is held until the process ends, so when two threads finish at once the
/// second waits here for the end and reports nothing.
pub fn finish_held(outcome: &Outcome) -> ! {
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    match held.take() {
        Some(channel) => channel.finish(outcome),
        // Only a finish in progress on another thread takes the channel.
        None => loop {
            std::thread::park();
        },
    }
}

/// Reads up to a newline, byte by byte: the checker writes one short line.
#[cfg(unix)]
fn read_line(r: &mut impl Read) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while line.len() < 256 {
        match r.read(&mut byte) {
            Ok(1) if byte[0] != b'\n' => line.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&line).into_owned()
}

#[cfg(unix)]
pub(crate) use sys::cloexec;

#[cfg(unix)]
mod sys {
    unsafe extern "C" {
        fn fcntl(fd: i32, cmd: i32, ...) -> i32;
        fn _exit(status: i32) -> !;
    }

    pub fn cloexec(fd: i32) {
        const F_SETFD: i32 = 2;
        const FD_CLOEXEC: i32 = 1;
        // SAFETY: sets a flag on a descriptor; takes no pointers.
        unsafe {
            fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }

    /// Ends the process without running exit handlers or destructors.
    pub fn leave(status: i32) -> ! {
        // SAFETY: `_exit` ends the process; no Rust invariant outlives it.
        unsafe { _exit(status) }
    }
}

#[cfg(not(unix))]
mod sys {
    pub fn leave(status: i32) -> ! {
        std::process::exit(status)
    }
}
