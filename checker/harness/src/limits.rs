//! Resource limits for the test process, set before any code under test
//! runs: a learner's unbounded loop filling an unbounded channel must end
//! as a clear "out of memory" verdict, not by swapping the machine.

/// Address space a test process may use. Generous: a tokio test needs a
/// few tens of MiB; the limit exists only to stop runaway growth.
const ADDRESS_SPACE: u64 = 1 << 30;

#[cfg(target_os = "linux")]
pub fn apply() {
    #[repr(C)]
    struct RLimit {
        cur: u64,
        max: u64,
    }
    // RLIMIT_AS on Linux, on every architecture Rust supports there.
    const RLIMIT_AS: i32 = 9;
    unsafe extern "C" {
        fn setrlimit(resource: i32, limit: *const RLimit) -> i32;
    }
    let limit = RLimit {
        cur: ADDRESS_SPACE,
        max: ADDRESS_SPACE,
    };
    // SAFETY: setrlimit only reads the struct, which lives across the call
    // and has the layout of `struct rlimit` (two 64-bit integers on Linux).
    // Failure leaves the process unlimited, which is safe.
    let _ = unsafe { setrlimit(RLIMIT_AS, &limit) };
}

#[cfg(not(target_os = "linux"))]
pub fn apply() {}
