//! A witness outside the test process: the checker tells a test whether
//! one of the process's threads is asleep in the kernel.
//!
//! Some guarantees are about a thread *waiting*: 07's bookkeeper must wait
//! while the belt is full. Seen from inside the process, a thread that
//! waits and a thread the machine has not run for a while look the same,
//! however long one watches; the kernel knows which is which. The process
//! cannot ask the kernel itself: under the checker's sandbox `/proc` is
//! out of reach, and opening it would open the process's own memory too.
//! So the checker, which started the process, answers. On Unix it passes
//! one end of a socket pair as descriptor 4 (`--observer fd:4`); the
//! harness sends a thread's kernel id, the checker reads that thread's
//! state (`/proc/PID/task/TID/stat` on Linux, `proc_pidinfo` on macOS) and
//! answers with the id and one byte. As with the result channel (see
//! `report`), safe code under test has no way to reach descriptor 4: it
//! can neither ask nor answer.
//!
//! Without the checker's socket (an author at a shell, Windows, a platform
//! whose threads the checker cannot read) [`asleep`] says `None`, and a
//! test falls back to what it can see from inside.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// The argument value that selects the socket on descriptor 4.
#[cfg(unix)]
const SOCKET_ARG: &str = "fd:4";

/// The socket, and whether anything but the checker has answered on it.
struct Witness {
    socket: Mutex<std::fs::File>,
    tampered: AtomicBool,
}

static WITNESS: OnceLock<Witness> = OnceLock::new();

/// Takes hold of the socket named by `--observer`. Call it before any code
/// under test runs.
pub fn open(arg: Option<&str>) {
    #[cfg(unix)]
    if arg == Some(SOCKET_ARG) {
        use std::os::fd::FromRawFd;
        // SAFETY: the checker opened descriptor 4 for this process and
        // nothing else in the harness uses it; we own it from here.
        let file = unsafe { std::fs::File::from_raw_fd(4) };
        // A program the code under test might exec must not inherit it.
        crate::report::cloexec(4);
        let _ = WITNESS.set(Witness {
            socket: Mutex::new(file),
            tampered: AtomicBool::new(false),
        });
    }
    #[cfg(not(unix))]
    let _ = arg;
}

/// The calling thread's id as the kernel knows it, to ask [`asleep`]
/// about later from another thread. `None` where it has no such id the
/// checker could look up.
pub fn current_thread() -> Option<u64> {
    sys::current_thread()
}

/// Whether `thread` (from [`current_thread`]) is asleep in the kernel
/// right now, as the checker sees it from outside the process: waiting
/// for a lock, a condition, a timer or input, not running and not ready
/// to run. `None` when nobody can tell (no checker, a platform it cannot
/// read, a thread that has ended).
///
/// The checker's answer repeats the question. An answer to some other
/// question means that something else wrote to the socket (where a
/// platform lets code reopen a descriptor by path): from then on every
/// answer is "not asleep", so a test that waits for a thread to sleep
/// waits for it to finish instead, and a forged "asleep" can never hurry
/// a test along.
pub fn asleep(thread: u64) -> Option<bool> {
    ask(WITNESS.get()?, thread)
}

fn ask(witness: &Witness, thread: u64) -> Option<bool> {
    use std::io::{Read, Write};
    let mut socket = witness.socket.lock().unwrap_or_else(|p| p.into_inner());
    if witness.tampered.load(Ordering::SeqCst) {
        return Some(false);
    }
    socket.write_all(&thread.to_le_bytes()).ok()?;
    let mut answer = [0u8; 9];
    socket.read_exact(&mut answer).ok()?;
    if answer[..8] != thread.to_le_bytes() {
        witness.tampered.store(true, Ordering::SeqCst);
        return Some(false);
    }
    match answer[8] {
        b'S' => Some(true),
        b'R' => Some(false),
        _ => None,
    }
}

#[cfg(target_os = "linux")]
mod sys {
    unsafe extern "C" {
        fn syscall(number: i64, ...) -> i64;
    }

    /// `gettid`, through `syscall`: the libc wrapper is missing from C
    /// libraries older than glibc 2.30.
    pub fn current_thread() -> Option<u64> {
        #[cfg(target_arch = "x86_64")]
        const GETTID: i64 = 186;
        #[cfg(target_arch = "aarch64")]
        const GETTID: i64 = 178;
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        return None;
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        {
            // SAFETY: gettid takes no arguments and cannot fail.
            let id = unsafe { syscall(GETTID) };
            u64::try_from(id).ok()
        }
    }
}

#[cfg(target_os = "macos")]
mod sys {
    unsafe extern "C" {
        fn pthread_threadid_np(thread: usize, id: *mut u64) -> i32;
    }

    /// The thread's system-wide unique id, which `proc_pidinfo` looks up.
    pub fn current_thread() -> Option<u64> {
        let mut id = 0u64;
        // SAFETY: a null thread means the calling one; `id` is a valid
        // place for the answer.
        let ret = unsafe { pthread_threadid_np(0, &mut id) };
        (ret == 0).then_some(id)
    }
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod sys {
    pub fn current_thread() -> Option<u64> {
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::fd::{FromRawFd, IntoRawFd};
    use std::os::unix::net::UnixStream;

    /// A witness whose other end answers each question with `answer`
    /// applied to it.
    fn witness_answering(answer: fn([u8; 8]) -> Vec<u8>) -> Witness {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        std::thread::spawn(move || {
            let mut question = [0u8; 8];
            while theirs.read_exact(&mut question).is_ok() {
                if theirs.write_all(&answer(question)).is_err() {
                    break;
                }
            }
        });
        Witness {
            // SAFETY: the descriptor was just taken out of its owner.
            socket: Mutex::new(unsafe { std::fs::File::from_raw_fd(ours.into_raw_fd()) }),
            tampered: AtomicBool::new(false),
        }
    }

    #[test]
    fn the_checkers_answer_to_this_question_is_believed() {
        let w = witness_answering(|q| [&q[..], b"S"].concat());
        assert_eq!(ask(&w, 7), Some(true));
        let w = witness_answering(|q| [&q[..], b"R"].concat());
        assert_eq!(ask(&w, 7), Some(false));
        let w = witness_answering(|q| [&q[..], b"?"].concat());
        assert_eq!(ask(&w, 7), None);
    }

    #[test]
    fn an_answer_to_another_question_means_never_asleep_again() {
        // Answers as if asked about thread 0, as a forger who wrote its own
        // question would make the checker do.
        let w = witness_answering(|_| [&[0u8; 8][..], b"S"].concat());
        assert_eq!(ask(&w, 7), Some(false));
        assert!(w.tampered.load(Ordering::SeqCst));
        assert_eq!(
            ask(&w, 0),
            Some(false),
            "believed the socket after tampering"
        );
    }
}
