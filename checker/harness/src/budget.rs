//! The resource budgets of one test process, shared by the harness (which
//! enforces them from inside) and the checker (which enforces them from
//! outside and explains them). One file, so the two never disagree.
//!
//! Every budget is counted in the process's own accounting (bytes it
//! allocated, CPU time it used, time its runtime thread slept in the
//! kernel), never in wall-clock time: a busy machine stretches wall time,
//! not these.

/// Bytes the test process may have allocated at once. A tokio test needs a
/// few MiB; a quarter of a GiB is reached only by something that grows
/// without bound, and is reached in well under a second.
pub const MEMORY_BYTES: usize = 256 << 20;

/// CPU time (user plus system) a test process may use. Correct tests use a
/// few milliseconds: waiting costs nothing under the paused clock.
pub const CPU_MS: u64 = 2_000;

/// CPU time in user space the runtime thread may spend inside one poll,
/// never returning to the runtime, before the test counts as a busy loop
/// (Linux, where the harness can read the thread's CPU time; elsewhere
/// [`CPU_MS`] stops such a loop). A loop that never reaches an `.await` is
/// never polled again, so the harness's count of polls at one instant
/// cannot see it; without this it would burn the whole CPU-time budget.
/// Every reference solution and honest fixture spends at most about 2 ms
/// in all its polls together (`busy_ms` in the result files), so a quarter
/// of a second leaves a hundredfold margin.
///
/// The kernel's time is left out, because it stretches on a busy machine:
/// filling a buffer that grows without bound is almost all page faults
/// (256 MiB: 0.15 s of system time and 0.01 s of user time, quiet), and
/// such a buffer must reach [`MEMORY_BYTES`] before this limit on a loaded
/// machine as on a quiet one. A loop that spends its time in the kernel
/// is stopped by [`CPU_MS`], as a busy loop too.
pub const POLL_CPU_MS: u64 = 250;

/// Real time the runtime thread may spend asleep in the kernel while the
/// runtime is not parked (a blocking call inside async code) before the
/// test counts as blocking the runtime (Linux, where it is measured).
/// Correct code measures 0; the margin below a blocking fixture's 120 ms
/// absorbs what the sampler misses on a loaded machine.
pub const SLEPT_MS: f64 = 50.0;

/// Elsewhere: real time the runtime may spend polling before the test
/// counts as blocking it. A loaded machine can stretch this measure.
pub const BLOCKED_MS: f64 = 75.0;

/// Real time a test process may sleep in the kernel without using any CPU
/// before the checker stops it as blocked for good.
pub const STUCK_MS: u64 = 2_000;
