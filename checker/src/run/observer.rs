//! The checker's side of the observer socket (the harness's side is
//! `checker/harness/src/observe.rs`): answers a running test's questions
//! about its own threads.
//!
//! A test asks whether one of its threads is asleep in the kernel, which
//! the process cannot see for itself under the sandbox. The question is 8
//! bytes, a thread id in little-endian order; the answer repeats them
//! (the harness checks that it answers its own question) and adds one
//! byte:
//! `S` asleep (waiting, not running and not ready to run), `R` anything
//! else, `?` cannot tell (no such thread in this process, or a platform
//! whose threads the checker cannot read). Only the test's own threads
//! can be named: the lookup goes through the child's process id.

#[cfg(unix)]
use std::io::{Read, Write};

/// Answers questions on `socket` about the threads of process `pid` until
/// the test's end of the socket closes.
#[cfg(unix)]
pub fn serve(mut socket: std::os::unix::net::UnixStream, pid: u32) {
    let mut question = [0u8; 8];
    while socket.read_exact(&mut question).is_ok() {
        let mut answer = [0u8; 9];
        answer[..8].copy_from_slice(&question);
        answer[8] = state(pid, u64::from_le_bytes(question));
        if socket.write_all(&answer).is_err() {
            break;
        }
    }
}

/// Linux: the state letter in `/proc/PID/task/TID/stat`. `S` is an
/// interruptible sleep: a futex, `nanosleep`, a read.
#[cfg(target_os = "linux")]
fn state(pid: u32, thread: u64) -> u8 {
    let Some(stat) = crate::util::procstat::Stat::read(&format!("{pid}/task/{thread}")) else {
        return b'?';
    };
    match stat.field(3).and_then(|s| s.bytes().next()) {
        Some(b'S') => b'S',
        Some(_) => b'R',
        None => b'?',
    }
}

/// macOS: the thread's run state from `proc_pidinfo`, looked up by its
/// unique id. Type-checked only: no Mac was at hand to run it. Any
/// failure answers `?`, and the test falls back to what it sees itself.
#[cfg(target_os = "macos")]
fn state(pid: u32, thread: u64) -> u8 {
    #[repr(C)]
    struct ThreadInfo {
        user_time: u64,
        system_time: u64,
        cpu_usage: i32,
        policy: i32,
        run_state: i32,
        flags: i32,
        sleep_time: i32,
        curpri: i32,
        priority: i32,
        maxpriority: i32,
        name: [u8; 64],
    }
    unsafe extern "C" {
        fn proc_pidinfo(pid: i32, flavor: i32, arg: u64, buffer: *mut ThreadInfo, size: i32)
        -> i32;
    }
    // `<sys/proc_info.h>`: look a thread up by its 64-bit id.
    const PROC_PIDTHREADID64INFO: i32 = 15;
    const TH_STATE_WAITING: i32 = 3;
    let Ok(pid) = i32::try_from(pid) else {
        return b'?';
    };
    let size = std::mem::size_of::<ThreadInfo>() as i32;
    // SAFETY: all-zero bytes are a valid `ThreadInfo`.
    let mut info: ThreadInfo = unsafe { std::mem::zeroed() };
    // SAFETY: the buffer is valid for `size` bytes.
    let got = unsafe { proc_pidinfo(pid, PROC_PIDTHREADID64INFO, thread, &mut info, size) };
    if got != size {
        b'?'
    } else if info.run_state == TH_STATE_WAITING {
        b'S'
    } else {
        b'R'
    }
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "macos"))))]
fn state(_pid: u32, _thread: u64) -> u8 {
    b'?'
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn a_thread_waiting_on_a_channel_is_asleep_and_a_spinning_one_is_not() {
        fn tid() -> u64 {
            // The thread's own entry under /proc/thread-self.
            let link = std::fs::read_link("/proc/thread-self").unwrap();
            link.file_name().unwrap().to_str().unwrap().parse().unwrap()
        }
        let pid = std::process::id();
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        let (_release, held) = std::sync::mpsc::channel::<()>();
        let sleeper = std::thread::spawn(move || {
            tx.send(tid()).unwrap();
            let _ = held.recv();
        });
        let sleeping = rx.recv().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let spin = stop.clone();
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        let spinner = std::thread::spawn(move || {
            tx.send(tid()).unwrap();
            while !spin.load(std::sync::atomic::Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        let spinning = rx.recv().unwrap();
        // The sleeper reaches its wait soon after it sent its id.
        let asleep = (0..10_000).any(|_| {
            std::thread::yield_now();
            state(pid, sleeping) == b'S'
        });
        assert!(asleep, "the thread blocked in recv never read as asleep");
        assert_eq!(
            state(pid, spinning),
            b'R',
            "a spinning thread read as asleep"
        );
        assert_eq!(state(pid, u64::MAX), b'?', "a thread of nobody");
        assert_eq!(state(pid, 1), b'?', "another process's thread");
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        drop(_release);
        sleeper.join().unwrap();
        spinner.join().unwrap();
    }
}
