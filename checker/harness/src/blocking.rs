//! Measures how long the runtime thread slept in the kernel while the
//! runtime was not parked: the time a blocking call (`std::thread::sleep`,
//! a `std::sync` lock or channel) held the runtime's only thread.
//!
//! Wall time spent inside polls is not evidence: on a busy machine a
//! correct poll is stretched by the time the thread waits for a CPU. That
//! thread is runnable (`R`), though, while a thread in a blocking call
//! sleeps (`S`, `D`). So a sampler thread reads the runtime thread's
//! scheduler state from `/proc` about every millisecond, and adds up the
//! runs of samples that found it asleep outside the runtime's own parking
//! (which tokio's park/unpark hooks announce): a run counts from the sample
//! before it (the sleep began after that one) to its last sample. A run of
//! a single sample counts for nothing: a thread can sleep for a few
//! microseconds anywhere (a page fault, a contended lock), and on a loaded
//! machine, where the sampler runs seldom, one unlucky sample must not
//! stand for a long gap. A blocking call of tens of milliseconds is seen
//! by several samples in a row, quiet or loaded. Under the paused clock,
//! correct code never sleeps in the kernel outside a park.
//!
//! Linux only: elsewhere [`start`] returns `None` and the checker falls back
//! to the runtime's busy time (see the checker's `watchdog`).

use std::sync::atomic::{AtomicBool, Ordering};

static PARKED: AtomicBool = AtomicBool::new(false);

/// Tokio's `on_thread_park` hook: the runtime is about to sleep by design.
pub fn parked() {
    PARKED.store(true, Ordering::SeqCst);
}

/// Tokio's `on_thread_unpark` hook.
pub fn unparked() {
    PARKED.store(false, Ordering::SeqCst);
}

#[cfg(target_os = "linux")]
pub use linux::{Sampler, start};

#[cfg(target_os = "linux")]
mod linux {
    use super::PARKED;
    use std::fs::File;
    use std::os::unix::fs::FileExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    const PERIOD: Duration = Duration::from_millis(1);

    pub struct Sampler {
        stop: Arc<AtomicBool>,
        thread: std::thread::JoinHandle<Duration>,
    }

    /// Starts sampling the calling thread; `None` if `/proc` is unreadable.
    pub fn start() -> Option<Sampler> {
        // "/proc/thread-self" links to "PID/task/TID" of the caller.
        let me = std::fs::read_link("/proc/thread-self").ok()?;
        let stat = File::open(std::path::Path::new("/proc").join(me).join("stat")).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("harness-sampler".into())
            .spawn(move || sample(&stat, &flag))
            .ok()?;
        Some(Sampler { stop, thread })
    }

    impl Sampler {
        /// Stops sampling; the time the thread was found blocked, in ms.
        pub fn finish(self) -> Option<f64> {
            self.stop.store(true, Ordering::SeqCst);
            let blocked = self.thread.join().ok()?;
            Some(blocked.as_secs_f64() * 1000.0)
        }
    }

    fn sample(stat: &File, stop: &AtomicBool) -> Duration {
        // A fixed buffer and `read_at`: the loop never allocates, so it
        // never contends with the runtime thread for the allocator.
        let mut buf = [0u8; 512];
        let mut blocked = Duration::ZERO;
        let mut previous = Instant::now();
        // The current run of asleep samples: when the sample before it was
        // taken, when its latest was, and how long it is.
        let mut run: Option<(Instant, Instant, u32)> = None;
        let close = |run: Option<(Instant, Instant, u32)>| match run {
            Some((from, to, len)) if len >= 2 => to - from,
            _ => Duration::ZERO,
        };
        while !stop.load(Ordering::SeqCst) {
            std::thread::sleep(PERIOD);
            let Ok(n) = stat.read_at(&mut buf, 0) else {
                break;
            };
            // Once asked to stop, the runtime thread may be asleep in
            // `finish`, waiting for this thread: not the code under test.
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let now = Instant::now();
            if asleep(&buf[..n]) && !PARKED.load(Ordering::SeqCst) {
                run = Some(match run {
                    Some((from, _, len)) => (from, now, len + 1),
                    None => (previous, now, 1),
                });
            } else {
                blocked += close(run.take());
            }
            previous = now;
        }
        blocked + close(run)
    }

    /// Whether a `/proc/.../stat` line shows a thread asleep in the kernel.
    /// The state follows the command name, which is in parentheses and may
    /// itself contain spaces and parentheses.
    pub(super) fn asleep(stat: &[u8]) -> bool {
        let Some(close) = stat.iter().rposition(|b| *b == b')') else {
            return false;
        };
        matches!(stat.get(close + 2), Some(b'S' | b'D'))
    }
}

/// Elsewhere there is no per-thread scheduler state to read.
#[cfg(not(target_os = "linux"))]
pub struct Sampler;

#[cfg(not(target_os = "linux"))]
pub fn start() -> Option<Sampler> {
    None
}

#[cfg(not(target_os = "linux"))]
impl Sampler {
    pub fn finish(self) -> Option<f64> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn reads_the_state_after_a_tricky_command_name() {
        assert!(linux::asleep(b"12 (a) b) S 1 2 3"));
        assert!(linux::asleep(b"12 (x) D 1"));
        assert!(!linux::asleep(b"12 (sleep S) R 1 2"));
        assert!(!linux::asleep(b"garbage"));
    }

    // One test: the parked flag is process-wide, so these steps must not
    // run in parallel with each other.
    #[test]
    fn a_blocking_sleep_counts_but_spinning_and_parking_do_not() {
        use std::time::{Duration, Instant};
        unparked();
        let s = start().expect("/proc is readable on Linux");
        std::thread::sleep(Duration::from_millis(120));
        let slept = s.finish().unwrap();
        // Loose: on a loaded machine the sampler misses the edges of a run.
        assert!(slept >= 30.0, "slept 120 ms, measured {slept} ms");

        let s = start().unwrap();
        let t = Instant::now();
        let mut x = 0u64;
        while t.elapsed() < Duration::from_millis(120) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        let spun = s.finish().unwrap();
        assert!(spun < 20.0, "spinning is not sleeping, measured {spun} ms");

        let s = start().unwrap();
        parked();
        std::thread::sleep(Duration::from_millis(100));
        unparked();
        let parked_ms = s.finish().unwrap();
        assert!(
            parked_ms < 20.0,
            "a parked runtime may sleep, measured {parked_ms} ms"
        );
    }
}
