//! The verdict rules for a test that does not finish on its own, from the
//! test process's own accounting rather than the wall clock.
//!
//! * **Busy**: the process used up its CPU-time budget. CPU time is what the
//!   process itself consumed, so a loaded machine delays this verdict but
//!   never changes it.
//! * **Stuck**: the process sleeps in the kernel and its CPU time does not
//!   advance for [`budget::STUCK_MS`]. A process waiting for a CPU on a busy
//!   machine is runnable, not asleep, so load cannot produce this either;
//!   under the paused clock correct code never sleeps that long.
//! * **Backstop**: neither rule could decide (a platform where the checker
//!   cannot read the child's accounting, or a process that keeps trickling
//!   CPU while mostly asleep). The wall-clock limit for this grows with the
//!   machine's load, and it is the only verdict that wall time decides.
//!
//! The rules are pure functions over readings, unit-tested with synthetic
//! figures; the platform code that takes the readings sits at the bottom.
//! The same module explains a blocked runtime thread and an exhausted
//! memory budget, so that every resource verdict is worded in one place.

#[path = "../../harness/src/budget.rs"]
#[allow(dead_code)]
pub mod budget;

use std::time::Duration;

/// One look at a running test process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reading {
    /// Real time since the process started.
    pub wall: Duration,
    /// User plus system CPU time, where the platform tells.
    pub cpu: Option<Duration>,
    /// Whether its main thread is asleep in the kernel, where the platform
    /// tells.
    pub asleep: Option<bool>,
}

/// Why the checker stopped a test process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kill {
    Busy,
    Stuck,
    Backstop,
}

/// CPU time that counts as real work when deciding whether a sleeping
/// process is stuck: a loop of short blocking sleeps uses a trickle of CPU
/// and is as stuck as one long sleep.
const WORK: Duration = Duration::from_millis(100);

/// Follows one process from reading to reading.
#[derive(Debug)]
pub struct Watch {
    backstop: Duration,
    /// Wall and CPU time when the process last did real work.
    active_at: Duration,
    cpu_at: Option<Duration>,
    /// Readings since then, and how many found it asleep.
    readings: u32,
    asleep: u32,
    /// CPU time at the latest reading, and the wall time when it last
    /// changed: for [`Watch::sleeping`].
    cpu_seen: Option<Duration>,
    still_since: Duration,
    sleeping: bool,
}

/// How long a process must sleep without consuming any CPU time before
/// [`Watch::sleeping`] says so (the kernel counts CPU time in ticks of
/// 10 ms, so a computing process shows progress well within this).
const LEND_AFTER: Duration = Duration::from_millis(100);

impl Watch {
    /// `backstop` is the wall-clock limit on a quiet machine (see
    /// [`backstop`] for how load stretches it).
    pub fn new(backstop: Duration) -> Watch {
        Watch {
            backstop,
            active_at: Duration::ZERO,
            cpu_at: None,
            readings: 0,
            asleep: 0,
            cpu_seen: None,
            still_since: Duration::ZERO,
            sleeping: false,
        }
    }

    /// Whether, at the latest reading, the process was asleep and had
    /// consumed no CPU time for a while: it then needs no processor, and
    /// another test may use its slot (see `slots`). Never a verdict.
    pub fn sleeping(&self) -> bool {
        self.sleeping
    }

    /// The verdict after this reading: `None` lets the process run on.
    /// `load` is the number of runnable processes per CPU, if known.
    pub fn observe(&mut self, r: Reading, load: Option<f64>) -> Option<Kill> {
        if r.cpu != self.cpu_seen {
            self.cpu_seen = r.cpu;
            self.still_since = r.wall;
        }
        self.sleeping = r.asleep == Some(true)
            && r.cpu.is_some()
            && r.wall.saturating_sub(self.still_since) >= LEND_AFTER;
        let cpu_budget = Duration::from_millis(budget::CPU_MS);
        if r.cpu.is_some_and(|cpu| cpu >= cpu_budget) {
            return Some(Kill::Busy);
        }
        let worked = match (r.cpu, self.cpu_at) {
            (Some(now), Some(then)) => now.saturating_sub(then) >= WORK,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if worked {
            self.active_at = r.wall;
            self.cpu_at = r.cpu;
            self.readings = 0;
            self.asleep = 0;
        }
        self.readings += 1;
        self.asleep += u32::from(r.asleep == Some(true));
        // Mostly asleep, not waiting for a CPU: a process that is runnable
        // but not scheduled (a loaded machine) is not asleep.
        let mostly_asleep = r.asleep == Some(true) && self.asleep * 2 > self.readings;
        let idle_for = r.wall.saturating_sub(self.active_at);
        if mostly_asleep && r.cpu.is_some() && idle_for >= stuck_after() {
            return Some(Kill::Stuck);
        }
        if r.wall >= backstop(self.backstop, load) {
            return Some(Kill::Backstop);
        }
        None
    }
}

fn stuck_after() -> Duration {
    Duration::from_millis(budget::STUCK_MS)
}

/// The wall-clock backstop, stretched by load: with more runnable
/// processes than CPUs, each gets a share of a CPU, and a test that would
/// finish in `base` on a quiet machine takes `load` times longer.
pub fn backstop(base: Duration, load: Option<f64>) -> Duration {
    base.mul_f64(load.unwrap_or(1.0).clamp(1.0, 16.0))
}

/// What ended a process that died without a result, if it was one of our
/// budgets: the kernel's CPU-time limit (SIGXCPU on Linux and macOS).
pub fn killed_by_signal(signal: Option<i32>) -> Option<Kill> {
    const SIGXCPU: i32 = 24;
    (signal == Some(SIGXCPU)).then_some(Kill::Busy)
}

/// The explanation of a stopped test, in the pattern's terms. It names
/// budgets, never measured figures, so that it reads the same on every
/// machine.
pub fn explain(kill: Kill) -> String {
    let cpu_s = budget::CPU_MS as f64 / 1000.0;
    let stuck_s = budget::STUCK_MS as f64 / 1000.0;
    match kill {
        Kill::Busy => format!(
            "used up its CPU-time budget ({cpu_s:.0} s of computing) without finishing, and \
             was stopped. Under the checker's paused clock waiting costs nothing, so correct \
             code needs a few milliseconds: the thread was busy computing the whole time, in \
             a loop that never reaches an `.await` that waits. Look for a call that returns at \
             once every time round: `try_recv`, a `recv()` or `changed()` that keeps returning \
             its closed error, a `select!` branch that is always ready, a fired `Sleep` \
             selected again without `reset`. Wait instead (`recv().await`), and switch off or \
             leave on a closed channel. `tokio::task::yield_now().await` does not fix it: the \
             paused clock moves only when every task waits, and a task that yields is ready \
             again at once."
        ),
        Kill::Stuck => format!(
            "sat in blocking calls for {stuck_s:.0} s, computing almost nothing, and was stopped: \
             `std::thread::sleep`, a `std::sync` lock or a `std::sync::mpsc` `recv` on the \
             runtime's only thread stops every other task, so none can run to wake it (tokio's \
             own `blocking_recv` would panic there instead). On a thread of your own \
             (`spawn_blocking`, `std::thread`), something it waits for never came: a channel \
             whose other end is still alive, or a loop with no way out. Inside async code use \
             `tokio::time::sleep(..).await` and tokio's channels with `.await`."
        ),
        Kill::Backstop => "was still running at the checker's last-resort time limit, and was \
             stopped. Under the checker's paused clock waiting costs no real time, so this is \
             not slow code waiting: a loop that never awaits, or a blocking call such as \
             `std::thread::sleep` or a `std::sync::mpsc` `recv` inside async code (use \
             `tokio::time::sleep(..).await` / tokio's `recv().await`)."
            .to_string(),
    }
}

/// Whether a test blocked its runtime thread. `blocked_ms` is the time the
/// thread slept in the kernel outside the runtime's parking, measured by
/// the harness where it can (Linux); elsewhere the runtime's busy time,
/// which a busy machine can stretch, is all there is.
pub fn runtime_blocked(blocked_ms: Option<f64>, busy_ms: f64) -> bool {
    match blocked_ms {
        Some(slept) => slept >= budget::SLEPT_MS,
        None => busy_ms >= budget::BLOCKED_MS,
    }
}

/// The explanation of a blocked runtime thread; `measured` tells whether
/// the harness measured sleep time (see [`runtime_blocked`]).
pub fn explain_blocked(virtual_ms: f64, measured: bool) -> String {
    let limit = if measured {
        budget::SLEPT_MS
    } else {
        budget::BLOCKED_MS
    };
    format!(
        "the code blocked the runtime's only thread: it sat in a blocking call for more than \
         {limit:.0} ms of real time while the paused clock advanced {virtual_ms:.0} ms. A blocked \
         thread stops every other task: nothing else can run until it returns. Replace \
         `std::thread::sleep` with `tokio::time::sleep(..).await` and a `std::sync::mpsc` \
         channel with a tokio one (`recv().await`), and move slow computations or blocking \
         library calls to `tokio::task::spawn_blocking`."
    )
}

/// The size of the allocation that failed, from the standard library's
/// `memory allocation of N bytes failed`, if stderr reports one.
pub fn failed_allocation(stderr: &str) -> Option<u64> {
    let rest = stderr.split("memory allocation of ").nth(1)?;
    let (n, tail) = rest.split_once(' ')?;
    tail.starts_with("bytes failed").then(|| n.parse().ok())?
}

/// The explanation of an exhausted memory budget, told apart by the size
/// of the request that failed: one request for most of the budget is a
/// size computed wrong; a modest one means memory grew until it ran out.
pub fn explain_memory(failed: u64) -> String {
    let mib = |b: u64| b as f64 / (1u64 << 20) as f64;
    let budget = budget::MEMORY_BYTES as u64;
    if failed > budget / 2 {
        format!(
            "the test process hit its memory limit ({:.0} MiB): one allocation asked for \
             {:.0} MiB at once. A size computed from a wrong number (a huge \
             `Vec::with_capacity`, `vec![x; n]`, or a channel created with an enormous \
             capacity)?",
            mib(budget),
            mib(failed)
        )
    } else {
        format!(
            "the test process hit its memory limit ({:.0} MiB) and was stopped: something \
             grows without bound, such as an unbounded channel filled in a loop that no \
             consumer drains, or a buffer that is never emptied. Bounded channels make the \
             producer wait instead.",
            mib(budget)
        )
    }
}

/// Takes readings of a child process on the platforms that offer them.
pub fn read(child: &std::process::Child, wall: Duration) -> Reading {
    let (cpu, asleep) = platform::read(child);
    Reading { wall, cpu, asleep }
}

/// Runnable processes per CPU, where the platform tells (Linux).
pub fn load() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let one_minute: f64 = text.split_whitespace().next()?.parse().ok()?;
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    Some(one_minute / cpus as f64)
}

#[cfg(target_os = "linux")]
mod platform {
    use std::time::Duration;

    /// CPU time and sleep state from `/proc/PID/stat`.
    pub fn read(child: &std::process::Child) -> (Option<Duration>, Option<bool>) {
        let Some(stat) = crate::util::procstat::Stat::read(&child.id().to_string()) else {
            return (None, None);
        };
        let asleep = stat.field(3).map(|s| matches!(s, "S" | "D"));
        // Linux reports in USER_HZ, which is 100 on every mainstream platform.
        let cpu = stat
            .number(14)
            .zip(stat.number(15))
            .map(|(u, s)| Duration::from_millis((u + s) * 10));
        (cpu, asleep)
    }
}

#[cfg(windows)]
mod platform {
    use std::os::windows::io::AsRawHandle;
    use std::time::Duration;
    use windows_sys::Win32::Foundation::FILETIME;
    use windows_sys::Win32::System::Threading::GetProcessTimes;

    /// CPU time from `GetProcessTimes`; Windows has no cheap sleep state.
    pub fn read(child: &std::process::Child) -> (Option<Duration>, Option<bool>) {
        let zero = FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        };
        let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: the handle is the child's, open while `child` lives; the
        // four out-pointers point to live FILETIMEs.
        let ok = unsafe {
            GetProcessTimes(
                child.as_raw_handle(),
                &mut created,
                &mut exited,
                &mut kernel,
                &mut user,
            )
        };
        if ok == 0 {
            return (None, None);
        }
        let ticks = |t: FILETIME| (u64::from(t.dwHighDateTime) << 32) | u64::from(t.dwLowDateTime);
        // FILETIME counts 100 ns intervals.
        let cpu = Duration::from_nanos((ticks(kernel) + ticks(user)) * 100);
        (Some(cpu), None)
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
mod platform {
    /// macOS and others: the checker reads nothing, and relies on the
    /// kernel's CPU limit in the child (see the harness's `limits`).
    pub fn read(_: &std::process::Child) -> (Option<std::time::Duration>, Option<bool>) {
        (None, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn reading(wall: u64, cpu: u64, asleep: bool) -> Reading {
        Reading {
            wall: ms(wall),
            cpu: Some(ms(cpu)),
            asleep: Some(asleep),
        }
    }

    const BASE: Duration = Duration::from_secs(30);

    #[test]
    fn a_busy_loop_is_stopped_when_its_cpu_budget_is_spent_whatever_the_wall_time() {
        // Quiet: CPU keeps pace with the wall clock.
        let mut w = Watch::new(BASE);
        assert_eq!(w.observe(reading(1000, 990, false), Some(0.2)), None);
        assert_eq!(
            w.observe(reading(2010, 2000, false), Some(0.2)),
            Some(Kill::Busy)
        );
        // Loaded: a fifth of a CPU, so five times the wall time, same verdict.
        let mut w = Watch::new(BASE);
        assert_eq!(w.observe(reading(5000, 990, false), Some(2.5)), None);
        assert_eq!(
            w.observe(reading(10_000, 2000, false), Some(2.5)),
            Some(Kill::Busy)
        );
    }

    #[test]
    fn only_a_process_asleep_without_cpu_time_for_a_while_is_sleeping() {
        let mut w = Watch::new(BASE);
        w.observe(reading(10, 10, true), None);
        w.observe(reading(60, 10, true), None);
        assert!(!w.sleeping(), "asleep, but only for 50 ms");
        w.observe(reading(120, 10, true), None);
        assert!(w.sleeping(), "asleep with no CPU time for 110 ms");
        // One tick of CPU time: it computed, whatever its main thread's state.
        w.observe(reading(130, 20, true), None);
        assert!(!w.sleeping());
        // Runnable (waiting for a processor on a busy machine) is not asleep.
        w.observe(reading(400, 20, false), None);
        assert!(!w.sleeping());
        // Unknown CPU time (macOS): never lent.
        let mut w = Watch::new(BASE);
        let blind = |wall| Reading {
            wall: ms(wall),
            cpu: None,
            asleep: Some(true),
        };
        w.observe(blind(10), None);
        w.observe(blind(500), None);
        assert!(!w.sleeping());
    }

    #[test]
    fn a_process_asleep_without_cpu_is_stuck_after_the_window() {
        let mut w = Watch::new(BASE);
        assert_eq!(w.observe(reading(10, 10, true), None), None);
        assert_eq!(w.observe(reading(1000, 10, true), None), None);
        assert_eq!(w.observe(reading(2009, 10, true), None), None);
        assert_eq!(w.observe(reading(2011, 10, true), None), Some(Kill::Stuck));
    }

    #[test]
    fn slow_but_progressing_runs_on_however_long_the_wall_time() {
        // A heavily loaded machine: runnable, CPU creeping up, far past
        // the quiet backstop.
        let mut w = Watch::new(BASE);
        for step in 1..=100u64 {
            let r = reading(step * 1000, step * 15, false);
            assert_eq!(w.observe(r, Some(8.0)), None, "at {step} s");
        }
    }

    #[test]
    fn waiting_for_a_cpu_is_not_sleeping() {
        // Runnable but not scheduled: CPU does not move, state is R.
        let mut w = Watch::new(BASE);
        for step in 1..=20u64 {
            assert_eq!(w.observe(reading(step * 500, 40, false), Some(4.0)), None);
        }
    }

    #[test]
    fn sleeps_between_real_work_are_not_stuck() {
        let mut w = Watch::new(BASE);
        let mut cpu = 0;
        for step in 1..=10u64 {
            assert_eq!(w.observe(reading(step * 1500 - 750, cpu, true), None), None);
            cpu += 150;
            assert_eq!(w.observe(reading(step * 1500, cpu, true), None), None);
        }
    }

    #[test]
    fn a_trickle_of_cpu_between_blocking_sleeps_is_still_stuck() {
        // Short naps on the thread: mostly asleep, sometimes caught running,
        // a few milliseconds of CPU now and then.
        let mut w = Watch::new(BASE);
        let mut verdict = None;
        for step in 1..=300u64 {
            let r = reading(step * 10, 10 + step / 10, step % 4 != 0);
            verdict = w.observe(r, None);
            if verdict.is_some() {
                assert!(step * 10 >= 2000, "stopped too early, at {step}");
                break;
            }
        }
        assert_eq!(verdict, Some(Kill::Stuck));
    }

    #[test]
    fn runnable_most_of_the_time_is_not_stuck() {
        // Waiting for a CPU, now and then caught in a short sleep.
        let mut w = Watch::new(BASE);
        for step in 1..=1000u64 {
            let r = reading(step * 10, 40, step % 3 == 0);
            assert_eq!(w.observe(r, Some(4.0)), None, "at step {step}");
        }
    }

    #[test]
    fn without_readings_only_the_backstop_decides_and_it_grows_with_load() {
        let blind = |wall| Reading {
            wall: ms(wall),
            cpu: None,
            asleep: None,
        };
        let mut w = Watch::new(BASE);
        assert_eq!(w.observe(blind(29_000), Some(0.5)), None);
        assert_eq!(w.observe(blind(30_000), Some(0.5)), Some(Kill::Backstop));
        let mut w = Watch::new(BASE);
        assert_eq!(w.observe(blind(30_000), Some(2.0)), None);
        assert_eq!(w.observe(blind(60_000), Some(2.0)), Some(Kill::Backstop));
        assert_eq!(backstop(BASE, Some(1000.0)), BASE * 16, "capped");
    }

    #[test]
    fn the_kernel_cpu_limit_means_busy() {
        assert_eq!(killed_by_signal(Some(24)), Some(Kill::Busy));
        assert_eq!(killed_by_signal(Some(9)), None);
        assert_eq!(killed_by_signal(None), None);
    }

    #[test]
    fn explanations_name_budgets_not_measurements() {
        assert!(explain(Kill::Busy).contains("busy computing"));
        assert!(explain(Kill::Busy).contains("2 s"));
        assert!(explain(Kill::Stuck).contains("blocking call"));
        assert!(explain_blocked(5.0, true).contains("more than 50 ms"));
        assert!(explain_blocked(5.0, false).contains("more than 75 ms"));
    }

    #[test]
    fn the_runtime_is_blocked_by_sleep_time_where_measured_else_by_busy_time() {
        // Loaded machine, correct code: busy time stretched, no sleeping.
        assert!(!runtime_blocked(Some(0.0), 400.0));
        // A blocking sleep: asleep most of the busy time.
        assert!(runtime_blocked(Some(230.0), 240.0));
        assert!(
            runtime_blocked(Some(70.0), 0.0),
            "sleep outside the worker's polls"
        );
        // No measurement (not Linux): busy time decides.
        assert!(runtime_blocked(None, 80.0));
        assert!(!runtime_blocked(None, 5.0));
    }

    #[test]
    fn one_huge_allocation_is_told_apart_from_growth() {
        let stderr = "noise\nmemory allocation of 4294967296 bytes failed\n";
        assert_eq!(failed_allocation(stderr), Some(4 << 30));
        assert!(explain_memory(4 << 30).contains("one allocation asked for 4096 MiB"));
        let growth = explain_memory(64 << 20);
        assert!(growth.contains("grows without bound"));
        assert!(growth.contains("memory limit (256 MiB)"));
        assert_eq!(failed_allocation("memory allocation of lots failed"), None);
        assert_eq!(failed_allocation("all fine"), None);
    }
}
