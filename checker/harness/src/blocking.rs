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
//! The same samples also read the thread's CPU time in user space, which
//! catches a loop that never returns from its poll (no `.await` at all
//! inside it): the runtime counts no polls then, so `spin` cannot see it.
//! When the thread has computed for `budget::POLL_CPU_MS` since the latest
//! poll began, the sampler reports a busy loop at once, instead of letting
//! it burn the whole CPU-time budget. Only user time counts: the kernel's
//! share is mostly page faults, and those of a buffer growing without bound
//! (0.15 s of it for 256 MiB when quiet) stretch on a machine whose other
//! processes fault too. Counted in, they let the busy-loop verdict beat the
//! memory budget on a loaded machine and lose to it on a quiet one.
//!
//! Linux only: elsewhere [`start`] returns `None` and the checker falls back
//! to the runtime's busy time and to the CPU-time budget (see the checker's
//! `watchdog`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static PARKED: AtomicBool = AtomicBool::new(false);

/// Counts the runtime's steps: every poll of the test's future or of a
/// spawned task, and every park and unpark. While it stands still the
/// runtime thread is inside one poll.
static STEPS: AtomicU64 = AtomicU64::new(0);

/// Tokio's `on_thread_park` hook: the runtime is about to sleep by design.
pub fn parked() {
    PARKED.store(true, Ordering::SeqCst);
    step();
}

/// Tokio's `on_thread_unpark` hook.
pub fn unparked() {
    PARKED.store(false, Ordering::SeqCst);
    step();
}

/// A poll is about to begin.
pub fn step() {
    STEPS.fetch_add(1, Ordering::Relaxed);
}

#[cfg(target_os = "linux")]
pub use linux::{Sampler, start};

#[cfg(target_os = "linux")]
mod linux {
    use super::{PARKED, STEPS};
    use crate::budget::POLL_CPU_MS;
    use std::fs::File;
    use std::os::unix::fs::FileExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    const PERIOD: Duration = Duration::from_millis(1);

    /// Clock ticks per second, the unit of `/proc`'s CPU times: `USER_HZ`,
    /// 100 on every mainstream platform (the checker's watchdog reads its
    /// test processes' CPU time in the same unit).
    const USER_HZ: u64 = 100;

    /// [`POLL_CPU_MS`] in clock ticks.
    const LIMIT_TICKS: u64 = POLL_CPU_MS * USER_HZ / 1000;
    const _: () = assert!(LIMIT_TICKS * 1000 / USER_HZ == POLL_CPU_MS && LIMIT_TICKS > 0);

    /// Watches one poll's CPU time: told the step count and the thread's
    /// CPU time at each sample, it says when the thread has computed for
    /// `limit` (in the same unit as the CPU time) without the runtime
    /// taking a step.
    #[derive(Debug)]
    pub(super) struct OnePoll {
        limit: u64,
        /// The step count seen last, and the CPU time when it was first
        /// seen.
        since: Option<(u64, u64)>,
    }

    impl OnePoll {
        pub(super) fn new(limit: u64) -> OnePoll {
            OnePoll { limit, since: None }
        }

        /// True once the thread has computed for `limit` inside one step.
        pub(super) fn observe(&mut self, steps: u64, cpu: u64) -> bool {
            match self.since {
                Some((seen, from)) if seen == steps => cpu.saturating_sub(from) >= self.limit,
                _ => {
                    self.since = Some((steps, cpu));
                    false
                }
            }
        }
    }

    pub struct Sampler {
        stop: Arc<AtomicBool>,
        thread: std::thread::JoinHandle<Duration>,
    }

    /// Starts sampling the calling thread; `None` if `/proc` is unreadable.
    /// `on_busy_poll`, if given, is called on the sampler's thread once a
    /// poll has computed for [`POLL_CPU_MS`] (see [`OnePoll`]); it is
    /// expected to end the process.
    pub fn start(on_busy_poll: Option<fn()>) -> Option<Sampler> {
        // "/proc/thread-self" links to "PID/task/TID" of the caller.
        let me = std::fs::read_link("/proc/thread-self").ok()?;
        let stat = File::open(std::path::Path::new("/proc").join(me).join("stat")).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("harness-sampler".into())
            .spawn(move || sample(&stat, &flag, on_busy_poll))
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

    fn sample(stat: &File, stop: &AtomicBool, on_busy_poll: Option<fn()>) -> Duration {
        // A fixed buffer and `read_at`: the loop never allocates, so it
        // never contends with the runtime thread for the allocator.
        let mut buf = [0u8; 512];
        let mut one_poll = OnePoll::new(LIMIT_TICKS);
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
            if let Some(report) = on_busy_poll
                && let Some(cpu) = user_ticks(&buf[..n])
                && one_poll.observe(STEPS.load(Ordering::Relaxed), cpu)
            {
                report();
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

    /// The fields of a `/proc/.../stat` line after the command name, which
    /// is in parentheses and may itself contain spaces and parentheses.
    fn after_name(stat: &[u8]) -> Option<&[u8]> {
        let close = stat.iter().rposition(|b| *b == b')')?;
        stat.get(close + 2..)
    }

    /// The thread's CPU time in user space from a `/proc/.../stat` line,
    /// in clock ticks: field 14, the 12th after the command name.
    pub(super) fn user_ticks(stat: &[u8]) -> Option<u64> {
        let rest = std::str::from_utf8(after_name(stat)?).ok()?;
        rest.split_ascii_whitespace().nth(11)?.parse().ok()
    }

    /// Whether a `/proc/.../stat` line shows a thread asleep in the kernel.
    /// The state follows the command name, which is in parentheses and may
    /// itself contain spaces and parentheses.
    pub(super) fn asleep(stat: &[u8]) -> bool {
        matches!(
            after_name(stat).and_then(|rest| rest.first()),
            Some(b'S' | b'D')
        )
    }
}

/// Elsewhere there is no per-thread scheduler state to read.
#[cfg(not(target_os = "linux"))]
pub struct Sampler;

#[cfg(not(target_os = "linux"))]
pub fn start(_on_busy_poll: Option<fn()>) -> Option<Sampler> {
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

    #[test]
    fn reads_the_user_time_after_a_tricky_command_name() {
        // Field 14 (utime, 31) and not 15 (stime, 4); the name holds ") 7 8".
        let line = b"12 (a) 7 8) R 1 12 12 0 -1 4194304 100 0 0 0 31 4 0 0 20 0 1 0";
        assert_eq!(linux::user_ticks(line), Some(31));
        assert_eq!(linux::user_ticks(b"12 (short) R 1 2"), None);
        assert_eq!(linux::user_ticks(b"garbage"), None);
    }

    #[test]
    fn one_poll_counts_only_while_the_runtime_takes_no_step() {
        let mut poll = linux::OnePoll::new(25);
        assert!(!poll.observe(1, 100));
        assert!(!poll.observe(1, 124));
        // A step restarts the count from the CPU time it was seen at.
        assert!(!poll.observe(2, 130));
        assert!(!poll.observe(2, 154));
        assert!(poll.observe(2, 155));
        // Many short polls never add up.
        let mut poll = linux::OnePoll::new(25);
        assert!((0..1000).all(|i| !poll.observe(i, i * 10)));
    }

    /// The end to end proof: a loop that never awaits, on a sampled
    /// thread, is reported within a fraction of the CPU-time budget.
    #[test]
    fn a_poll_that_computes_for_the_limit_is_reported() {
        use std::sync::atomic::AtomicBool;
        use std::time::{Duration, Instant};
        static REPORTED: AtomicBool = AtomicBool::new(false);
        let s = start(Some(|| REPORTED.store(true, Ordering::SeqCst))).unwrap();
        step();
        let t = Instant::now();
        let mut x = 0u64;
        // Stops at the report, or after 10 s of wall time at the latest.
        while !REPORTED.load(Ordering::SeqCst) && t.elapsed() < Duration::from_secs(10) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        let _ = s.finish();
        assert!(
            REPORTED.load(Ordering::SeqCst),
            "a poll that computed for 10 s was not reported"
        );
    }

    // One test: the parked flag is process-wide, so these steps must not
    // run in parallel with each other.
    #[test]
    fn a_blocking_sleep_counts_but_spinning_and_parking_do_not() {
        use std::time::{Duration, Instant};
        unparked();
        let s = start(None).expect("/proc is readable on Linux");
        std::thread::sleep(Duration::from_millis(120));
        let slept = s.finish().unwrap();
        // Loose: on a loaded machine the sampler misses the edges of a run.
        assert!(slept >= 30.0, "slept 120 ms, measured {slept} ms");

        let s = start(None).unwrap();
        let t = Instant::now();
        let mut x = 0u64;
        while t.elapsed() < Duration::from_millis(120) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        let spun = s.finish().unwrap();
        assert!(spun < 20.0, "spinning is not sleeping, measured {spun} ms");

        let s = start(None).unwrap();
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
