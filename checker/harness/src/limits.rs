//! Resource limits the kernel enforces on the test process, set before any
//! code under test runs. They back up the harness's own budgets (see
//! `budget`): the counting allocator refuses memory first, and the checker
//! stops a test that used up its CPU time; these limits hold even if both
//! of those are bypassed.
//!
//! | platform | memory | CPU time |
//! |---|---|---|
//! | Linux | `RLIMIT_AS` 1 GiB | `RLIMIT_CPU` (SIGXCPU), one second past the budget |
//! | macOS | none (macOS does not enforce `RLIMIT_AS`) | `RLIMIT_CPU` at the budget: the checker cannot read a macOS child's CPU time, so the kernel is the only enforcer there |
//! | Windows | Job Object process memory 1 GiB | Job Object user time, one second past the budget |

use crate::budget::CPU_MS;

/// Address space (Linux) or committed memory (Windows) a test process may
/// use: the backstop behind the allocator's much smaller budget.
#[cfg(any(target_os = "linux", windows))]
const ADDRESS_SPACE: u64 = 1 << 30;

/// Whole seconds of CPU time after which the kernel stops the process.
fn cpu_seconds() -> u64 {
    let budget = CPU_MS.div_ceil(1000);
    // Where the checker watches CPU time itself, it stops the test first
    // and the kernel's limit is only a net.
    if cfg!(any(target_os = "linux", windows)) {
        budget + 1
    } else {
        budget
    }
}

#[cfg(unix)]
pub fn apply() {
    #[repr(C)]
    struct RLimit {
        cur: u64,
        max: u64,
    }
    // Resource numbers: RLIMIT_CPU is 0 on Linux and macOS; RLIMIT_AS is 9
    // on Linux (every architecture Rust supports there).
    const RLIMIT_CPU: i32 = 0;
    #[cfg(target_os = "linux")]
    const RLIMIT_AS: i32 = 9;
    unsafe extern "C" {
        fn setrlimit(resource: i32, limit: *const RLimit) -> i32;
    }
    let set = |resource: i32, cur: u64, max: u64| {
        let limit = RLimit { cur, max };
        // SAFETY: setrlimit only reads the struct, which lives across the
        // call and has the layout of `struct rlimit` (two 64-bit integers
        // on 64-bit Linux and on macOS). Failure leaves the process
        // unlimited, which the checker's own watch still covers.
        let _ = unsafe { setrlimit(resource, &limit) };
    };
    // SIGXCPU at the soft limit ends the process (its default action); the
    // hard limit one second later is SIGKILL, in case SIGXCPU was ignored.
    set(RLIMIT_CPU, cpu_seconds(), cpu_seconds() + 1);
    #[cfg(target_os = "linux")]
    set(RLIMIT_AS, ADDRESS_SPACE, ADDRESS_SPACE);
}

#[cfg(windows)]
pub fn apply() {
    use windows_sys::Win32::System::JobObjects::{
        AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_PROCESS_MEMORY,
        JOB_OBJECT_LIMIT_PROCESS_TIME, JOBOBJECT_EXTENDED_LIMIT_INFORMATION,
        JobObjectExtendedLimitInformation, SetInformationJobObject,
    };
    use windows_sys::Win32::System::Threading::GetCurrentProcess;
    // SAFETY: plain Win32 calls with valid arguments: a null name and
    // security descriptor, a zero-initialised limit structure (all-zero is
    // a valid value of this C struct) of the size we pass, and the
    // pseudo-handle of this process. A failure leaves the process
    // unlimited, which the checker's own watch still covers. The job
    // handle is never closed: the job must outlive this function.
    unsafe {
        let job = CreateJobObjectW(std::ptr::null(), std::ptr::null());
        if job.is_null() {
            return;
        }
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
        info.BasicLimitInformation.LimitFlags =
            JOB_OBJECT_LIMIT_PROCESS_MEMORY | JOB_OBJECT_LIMIT_PROCESS_TIME;
        // In units of 100 ns.
        info.BasicLimitInformation.PerProcessUserTimeLimit = (cpu_seconds() * 10_000_000) as i64;
        info.ProcessMemoryLimit = ADDRESS_SPACE as usize;
        let ok = SetInformationJobObject(
            job,
            JobObjectExtendedLimitInformation,
            (&raw const info).cast(),
            std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
        );
        if ok != 0 {
            let _ = AssignProcessToJobObject(job, GetCurrentProcess());
        }
    }
}

#[cfg(not(any(unix, windows)))]
pub fn apply() {}
