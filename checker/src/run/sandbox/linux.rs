//! Linux containment: process groups, rlimits, Landlock (`landlock`),
//! capabilities and seccomp (`seccomp`), applied by raw system calls in the
//! child before `exec`.
//!
//! Everything that runs in the child (`pre_exec`) only makes system calls
//! on data prepared by the parent or kept on the stack: between `fork` and
//! `exec` a multi-threaded parent's child may not allocate or take locks.
//! Raw calls instead of the `libc`/`landlock` crates keep the checker's
//! first build small (see BENCHMARKS.md); the constants below come from the
//! kernel's UAPI headers.

use super::{Level, Policy};
use std::ffi::{c_int, c_long, c_void};
use std::os::unix::process::CommandExt;

#[path = "landlock.rs"]
mod landlock;
#[path = "seccomp.rs"]
mod seccomp;

unsafe extern "C" {
    fn syscall(number: c_long, ...) -> c_long;
    fn prctl(option: c_int, ...) -> c_int;
    fn setrlimit(resource: c_int, limit: *const RLimit) -> c_int;
    fn signal(signum: c_int, handler: usize) -> usize;
    fn setsid() -> c_int;
    fn geteuid() -> u32;
    fn getpid() -> c_int;
    fn kill(pid: c_int, sig: c_int) -> c_int;
    fn waitid(idtype: c_int, id: u32, info: *mut c_void, options: c_int) -> c_int;
    fn __errno_location() -> *mut c_int;
    fn open(path: *const std::ffi::c_char, flags: c_int, ...) -> c_int;
}

#[repr(C)]
struct RLimit {
    cur: u64,
    max: u64,
}

// System call numbers that differ between architectures.
#[cfg(target_arch = "x86_64")]
mod nr {
    pub const AUDIT_ARCH: u32 = 0xC000_003E;
    pub const LANDLOCK_CREATE_RULESET: i64 = 444;
    pub const LANDLOCK_ADD_RULE: i64 = 445;
    pub const LANDLOCK_RESTRICT_SELF: i64 = 446;
    pub const CAPSET: i64 = 126;
    pub const SECCOMP: i64 = 317;
    pub const CLONE: u32 = 56;
    pub const CLONE3: u32 = 435;
    pub const PRLIMIT64: u32 = 302;
    pub const KILL: u32 = 62;
    pub const TGKILL: u32 = 234;
    /// Refused outright.
    pub const DENIED: &[u32] = &[
        57,  // fork
        58,  // vfork
        101, // ptrace
        310, // process_vm_readv
        311, // process_vm_writev
        200, // tkill
        129, // rt_sigqueueinfo
        297, // rt_tgsigqueueinfo
        424, // pidfd_send_signal
        434, // pidfd_open
        438, // pidfd_getfd
        272, // unshare
        308, // setns
        165, // mount
        161, // chroot
    ];
}

#[cfg(target_arch = "aarch64")]
mod nr {
    pub const AUDIT_ARCH: u32 = 0xC000_00B7;
    pub const LANDLOCK_CREATE_RULESET: i64 = 444;
    pub const LANDLOCK_ADD_RULE: i64 = 445;
    pub const LANDLOCK_RESTRICT_SELF: i64 = 446;
    pub const CAPSET: i64 = 91;
    pub const SECCOMP: i64 = 277;
    pub const CLONE: u32 = 220;
    pub const CLONE3: u32 = 435;
    pub const PRLIMIT64: u32 = 261;
    pub const KILL: u32 = 129;
    pub const TGKILL: u32 = 131;
    pub const DENIED: &[u32] = &[
        117, // ptrace
        270, // process_vm_readv
        271, // process_vm_writev
        130, // tkill
        138, // rt_sigqueueinfo
        240, // rt_tgsigqueueinfo
        424, // pidfd_send_signal
        434, // pidfd_open
        438, // pidfd_getfd
        97,  // unshare
        268, // setns
        40,  // mount
        51,  // chroot
    ];
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod nr {
    // No seccomp filter written for this architecture: `probe` reports
    // the machine unsandboxed.
    pub const AUDIT_ARCH: u32 = 0;
    pub const LANDLOCK_CREATE_RULESET: i64 = -1;
    pub const LANDLOCK_ADD_RULE: i64 = -1;
    pub const LANDLOCK_RESTRICT_SELF: i64 = -1;
    pub const CAPSET: i64 = -1;
    pub const SECCOMP: i64 = -1;
    pub const CLONE: u32 = u32::MAX;
    pub const CLONE3: u32 = u32::MAX;
    pub const PRLIMIT64: u32 = u32::MAX;
    pub const KILL: u32 = u32::MAX;
    pub const TGKILL: u32 = u32::MAX;
    pub const DENIED: &[u32] = &[];
}

pub fn probe() -> Level {
    if nr::AUDIT_ARCH == 0 {
        return Level::Unsandboxed {
            reason: "no seccomp filter for this processor architecture".to_string(),
        };
    }
    let abi = landlock::abi();
    if abi == 0 {
        return Level::Unsandboxed {
            reason: "this kernel does not offer Landlock (Linux 5.13 or later, with \
                     `lsm=landlock` enabled), or a container forbids it"
                .to_string(),
        };
    }
    // PR_GET_SECCOMP fails with EINVAL on kernels built without seccomp.
    // SAFETY: takes no pointers.
    if unsafe { prctl(21) } < 0 {
        return Level::Unsandboxed {
            reason: "this kernel has no seccomp".to_string(),
        };
    }
    Level::Sandboxed { landlock_abi: abi }
}

/// Everything the child needs, prepared before `fork`.
struct Plan {
    full: bool,
    abi: u32,
    rules: Vec<landlock::Rule>,
}

pub fn contain(
    cmd: &mut std::process::Command,
    policy: &Policy,
    full: bool,
) -> std::io::Result<()> {
    let abi = if full { landlock::abi() } else { 0 };
    let plan = Plan {
        full: full && abi > 0,
        abi,
        rules: if full {
            landlock::rules(policy, abi)
        } else {
            Vec::new()
        },
    };
    // SAFETY: the closure runs in the child between fork and exec. It makes
    // only async-signal-safe system calls on memory prepared before the
    // fork (`plan`) or kept on its own stack, and allocates nothing.
    unsafe {
        cmd.pre_exec(move || apply(&plan));
    }
    Ok(())
}

fn last_error() -> std::io::Error {
    std::io::Error::last_os_error()
}

fn check(ret: c_long) -> std::io::Result<c_long> {
    if ret < 0 { Err(last_error()) } else { Ok(ret) }
}

/// Runs in the child. Order matters: limits and the session first, then
/// Landlock (which needs no-new-privileges), then capabilities, then the
/// seccomp filter, which refuses calls the steps before it make.
fn apply(plan: &Plan) -> std::io::Result<()> {
    // SAFETY (whole function): plain system calls; every pointer refers to
    // a live stack value or to `plan`, which outlives the call.
    unsafe {
        // Own session and process group: the runner kills the group.
        if setsid() < 0 {
            return Err(last_error());
        }
        for (resource, value) in LIMITS {
            let limit = RLimit {
                cur: *value,
                max: *value,
            };
            if setrlimit(*resource, &limit) < 0 {
                return Err(last_error());
            }
        }
        // A write past RLIMIT_FSIZE fails with EFBIG instead of killing
        // the test with SIGXFSZ (an ignored signal stays ignored across
        // exec): output beyond the limit is then a panic in `print!` that
        // names the cause, not a crash.
        const SIGXFSZ: c_int = 25;
        const SIG_IGN: usize = 1;
        signal(SIGXFSZ, SIG_IGN);
        if !plan.full {
            return Ok(());
        }
        // PR_SET_NO_NEW_PRIVS: exec can never gain privileges again.
        check(prctl(38, 1usize, 0usize, 0usize, 0usize) as c_long)?;
        landlock::restrict(&plan.rules, plan.abi)?;
        if geteuid() == 0 {
            drop_capabilities()?;
        }
        seccomp::install()?;
    }
    Ok(())
}

/// Resource limits, soft and hard (a test cannot raise a hard limit).
const LIMITS: &[(c_int, u64)] = &[
    // RLIMIT_NOFILE: a test needs a handful of descriptors.
    (7, 256),
    // RLIMIT_FSIZE: no file in the scratch folder beyond 16 MiB.
    (1, 16 << 20),
    // RLIMIT_CORE: no core dumps.
    (4, 0),
];

unsafe fn drop_capabilities() -> std::io::Result<()> {
    // PR_CAPBSET_DROP every capability, so that an exec as uid 0 cannot
    // regain them; the kernel answers EINVAL past the last one it knows.
    for cap in 0..64usize {
        // SAFETY: takes no pointers.
        if unsafe { prctl(24, cap, 0usize, 0usize, 0usize) } < 0 {
            break;
        }
    }
    // PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL.
    // SAFETY: takes no pointers.
    let _ = unsafe { prctl(47, 4usize, 0usize, 0usize, 0usize) };
    #[repr(C)]
    struct Header {
        version: u32,
        pid: c_int,
    }
    #[repr(C)]
    struct Data {
        effective: u32,
        permitted: u32,
        inheritable: u32,
    }
    let header = Header {
        version: 0x2008_0522,
        pid: 0,
    };
    let data = [
        Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        },
        Data {
            effective: 0,
            permitted: 0,
            inheritable: 0,
        },
    ];
    // SAFETY: version 3 reads one header and two data structs, all live.
    check(unsafe {
        syscall(
            nr::CAPSET as c_long,
            &header as *const Header,
            data.as_ptr(),
        )
    })?;
    Ok(())
}

pub fn kill_group(pid: u32) {
    if pid == 0 || pid > i32::MAX as u32 {
        return;
    }
    // SAFETY: takes no pointers. SIGKILL to the group `pid` leads.
    unsafe {
        kill(-(pid as c_int), 9);
    }
}

pub fn has_exited(pid: u32) -> std::io::Result<Option<bool>> {
    // siginfo_t is 128 bytes; si_signo (the first int) is 0 while the
    // child is still running (WNOHANG), SIGCHLD once it has ended.
    let mut info = [0u64; 16];
    const P_PID: c_int = 1;
    const WNOHANG: c_int = 1;
    const WEXITED: c_int = 4;
    const WNOWAIT: c_int = 0x0100_0000;
    loop {
        // SAFETY: `info` is 128 writable bytes, the size of siginfo_t.
        let ret = unsafe {
            waitid(
                P_PID,
                pid,
                info.as_mut_ptr().cast(),
                WEXITED | WNOHANG | WNOWAIT,
            )
        };
        if ret == 0 {
            return Ok(Some(info[0] as u32 != 0));
        }
        // SAFETY: reading errno of this thread.
        if unsafe { *__errno_location() } != 4 {
            return Err(last_error());
        }
    }
}
