//! Linux containment: process groups, rlimits, Landlock, capabilities and
//! seccomp, applied by raw system calls in the child before `exec`.
//!
//! Everything that runs in the child (`pre_exec`) only makes system calls
//! on data prepared by the parent or kept on the stack: between `fork` and
//! `exec` a multi-threaded parent's child may not allocate or take locks.
//! Raw calls instead of the `libc`/`landlock` crates keep the checker's
//! first build small (see BENCHMARKS.md); the constants below come from the
//! kernel's UAPI headers.

use super::{Level, Policy};
use std::ffi::{c_int, c_long, c_void};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;

unsafe extern "C" {
    fn syscall(number: c_long, ...) -> c_long;
    fn prctl(option: c_int, ...) -> c_int;
    fn setrlimit(resource: c_int, limit: *const RLimit) -> c_int;
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

// Landlock file-system rights (linux/landlock.h).
const FS_EXECUTE: u64 = 1 << 0;
const FS_READ_FILE: u64 = 1 << 2;
const FS_READ_DIR: u64 = 1 << 3;
const FS_WRITE_FILE: u64 = 1 << 1;
const FS_TRUNCATE: u64 = 1 << 14;
const LANDLOCK_RULE_PATH_BENEATH: c_int = 1;
const LANDLOCK_CREATE_RULESET_VERSION: u32 = 1;

#[repr(C)]
struct RulesetAttr {
    handled_access_fs: u64,
    handled_access_net: u64,
    scoped: u64,
}

#[repr(C, packed)]
struct PathBeneath {
    allowed_access: u64,
    parent_fd: i32,
}

/// Every file-system right the kernel's Landlock ABI knows.
fn fs_rights(abi: u32) -> u64 {
    match abi {
        1 => (1 << 13) - 1,
        2 => (1 << 14) - 1,
        3 | 4 => (1 << 15) - 1,
        _ => (1 << 16) - 1,
    }
}

fn landlock_abi() -> u32 {
    // SAFETY: with a null attribute and the VERSION flag the call only
    // returns the ABI version (or an error); it reads no memory.
    let v = unsafe {
        syscall(
            nr::LANDLOCK_CREATE_RULESET as c_long,
            std::ptr::null::<c_void>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    if v < 1 { 0 } else { v as u32 }
}

pub fn probe() -> Level {
    if nr::AUDIT_ARCH == 0 {
        return Level::Unsandboxed {
            reason: "no seccomp filter for this processor architecture".to_string(),
        };
    }
    let abi = landlock_abi();
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

/// A Landlock rule prepared in the parent: an `O_PATH` handle and rights.
struct Rule {
    fd: OwnedFd,
    access: u64,
}

fn open_path(path: &std::path::Path) -> Option<OwnedFd> {
    use std::os::unix::fs::OpenOptionsExt;
    const O_PATH: i32 = 0o10000000;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_PATH)
        .open(path)
        .ok()
        .map(OwnedFd::from)
}

fn rules(policy: &Policy, abi: u32) -> Vec<Rule> {
    let all = fs_rights(abi);
    let read = FS_READ_FILE | FS_READ_DIR;
    let mut out = Vec::new();
    let mut add = |path: &std::path::Path, access: u64| {
        if let Some(fd) = open_path(path) {
            // Rights on a file (not a folder) are limited to the file ones.
            let access = if path.is_dir() {
                access
            } else {
                access & (FS_EXECUTE | FS_READ_FILE | FS_WRITE_FILE | FS_TRUNCATE)
            };
            out.push(Rule {
                fd,
                access: access & all,
            });
        }
    };
    // The dynamic loader and the C library (the binary links them), and
    // the rest of /usr: nothing there is private, and it holds no writable
    // place.
    for dir in ["/usr", "/lib", "/lib64", "/lib32"] {
        add(std::path::Path::new(dir), read | FS_EXECUTE);
    }
    add(std::path::Path::new("/etc/ld.so.cache"), FS_READ_FILE);
    add(
        std::path::Path::new("/dev/null"),
        FS_READ_FILE | FS_WRITE_FILE,
    );
    add(std::path::Path::new("/dev/urandom"), FS_READ_FILE);
    add(&policy.binary, FS_READ_FILE | FS_EXECUTE);
    for dir in &policy.read {
        add(dir, read);
    }
    for dir in &policy.write {
        add(dir, all);
    }
    out
}

/// Everything the child needs, prepared before `fork`.
struct Plan {
    full: bool,
    abi: u32,
    rules: Vec<Rule>,
}

pub fn contain(
    cmd: &mut std::process::Command,
    policy: &Policy,
    full: bool,
) -> std::io::Result<()> {
    let abi = if full { landlock_abi() } else { 0 };
    let plan = Plan {
        full: full && abi > 0,
        abi,
        rules: if full { rules(policy, abi) } else { Vec::new() },
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
        if !plan.full {
            return Ok(());
        }
        // PR_SET_NO_NEW_PRIVS: exec can never gain privileges again.
        check(prctl(38, 1usize, 0usize, 0usize, 0usize) as c_long)?;
        landlock(plan)?;
        if geteuid() == 0 {
            drop_capabilities()?;
        }
        seccomp()?;
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

unsafe fn landlock(plan: &Plan) -> std::io::Result<()> {
    let attr = RulesetAttr {
        handled_access_fs: fs_rights(plan.abi),
        // TCP bind and connect, none allowed (ABI 4).
        handled_access_net: if plan.abi >= 4 { 3 } else { 0 },
        // Abstract UNIX sockets and signals outside the sandbox (ABI 6).
        scoped: if plan.abi >= 6 { 3 } else { 0 },
    };
    let size = match plan.abi {
        1..=3 => 8,
        4 | 5 => 16,
        _ => 24,
    };
    // SAFETY: `attr` is live and at least `size` bytes long.
    let ruleset = check(unsafe {
        syscall(
            nr::LANDLOCK_CREATE_RULESET as c_long,
            &attr as *const RulesetAttr,
            size as usize,
            0u32,
        )
    })? as c_int;
    for rule in &plan.rules {
        let beneath = PathBeneath {
            allowed_access: rule.access,
            parent_fd: rule.fd.as_raw_fd(),
        };
        // SAFETY: `beneath` is live for the call.
        check(unsafe {
            syscall(
                nr::LANDLOCK_ADD_RULE as c_long,
                ruleset,
                LANDLOCK_RULE_PATH_BENEATH,
                &beneath as *const PathBeneath,
                0u32,
            )
        })?;
    }
    // Its own memory map, and nothing else of /proc: the standard library
    // reads it to find the main thread's stack guard, without which a
    // stack overflow is reported as a bare segmentation fault. The file
    // only exists per process, so it is opened here, in the child.
    const O_PATH: c_int = 0o10000000;
    const O_CLOEXEC: c_int = 0o2000000;
    // SAFETY: a NUL-terminated literal; open is async-signal-safe.
    let maps = unsafe { open(c"/proc/self/maps".as_ptr(), O_PATH | O_CLOEXEC) };
    if maps >= 0 {
        let beneath = PathBeneath {
            allowed_access: FS_READ_FILE,
            parent_fd: maps,
        };
        // SAFETY: `beneath` is live for the call.
        check(unsafe {
            syscall(
                nr::LANDLOCK_ADD_RULE as c_long,
                ruleset,
                LANDLOCK_RULE_PATH_BENEATH,
                &beneath as *const PathBeneath,
                0u32,
            )
        })?;
    }
    // SAFETY: takes only the descriptor.
    check(unsafe { syscall(nr::LANDLOCK_RESTRICT_SELF as c_long, ruleset, 0u32) })?;
    Ok(())
}

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

/// One classic-BPF instruction (`struct sock_filter`).
#[repr(C)]
#[derive(Clone, Copy)]
struct Insn {
    code: u16,
    jt: u8,
    jf: u8,
    k: u32,
}

const LD_ABS: u16 = 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ: u16 = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
const JGE: u16 = 0x35; // BPF_JMP | BPF_JGE | BPF_K
const JSET: u16 = 0x45; // BPF_JMP | BPF_JSET | BPF_K
const RET: u16 = 0x06; // BPF_RET | BPF_K
const ALLOW: u32 = 0x7fff_0000;
const KILL_PROCESS: u32 = 0x8000_0000;
const EPERM: u32 = 0x0005_0000 | 1;
const ENOSYS: u32 = 0x0005_0000 | 38;
const CLONE_THREAD: u32 = 0x0001_0000;
const OFF_NR: u32 = 0;
const OFF_ARCH: u32 = 4;
const fn arg_lo(i: u32) -> u32 {
    16 + 8 * i
}

/// A filter built on the stack (no allocation after fork).
struct Filter {
    insns: [Insn; 96],
    len: usize,
}

impl Filter {
    fn push(&mut self, code: u16, jt: u8, jf: u8, k: u32) {
        self.insns[self.len] = Insn { code, jt, jf, k };
        self.len += 1;
    }
}

unsafe fn seccomp() -> std::io::Result<()> {
    // SAFETY: takes no pointers.
    let me = unsafe { getpid() } as u32;
    let mut f = Filter {
        insns: [Insn {
            code: 0,
            jt: 0,
            jf: 0,
            k: 0,
        }; 96],
        len: 0,
    };
    // A system call of another ABI (32-bit calls on x86_64) ends the test.
    f.push(LD_ABS, 0, 0, OFF_ARCH);
    f.push(JEQ, 1, 0, nr::AUDIT_ARCH);
    f.push(RET, 0, 0, KILL_PROCESS);
    f.push(LD_ABS, 0, 0, OFF_NR);
    // x32 system calls on x86_64 carry bit 30.
    f.push(JGE, 0, 1, 0x4000_0000);
    f.push(RET, 0, 0, KILL_PROCESS);
    for n in nr::DENIED {
        f.push(JEQ, 0, 1, *n);
        f.push(RET, 0, 0, EPERM);
    }
    // clone3 hides its flags in memory: answer "not implemented", and the
    // C library falls back to clone for threads.
    f.push(JEQ, 0, 1, nr::CLONE3);
    f.push(RET, 0, 0, ENOSYS);
    // clone: threads only.
    f.push(JEQ, 0, 4, nr::CLONE);
    f.push(LD_ABS, 0, 0, arg_lo(0));
    f.push(JSET, 0, 1, CLONE_THREAD);
    f.push(RET, 0, 0, ALLOW);
    f.push(RET, 0, 0, EPERM);
    // prlimit64: its own limits only. Setting them is allowed (the harness
    // limits its memory): without capabilities no hard limit can be raised.
    f.push(JEQ, 0, 5, nr::PRLIMIT64);
    f.push(LD_ABS, 0, 0, arg_lo(0));
    f.push(JEQ, 2, 0, 0);
    f.push(JEQ, 1, 0, me);
    f.push(RET, 0, 0, EPERM);
    f.push(RET, 0, 0, ALLOW);
    // kill: itself or its own process group only.
    f.push(JEQ, 0, 6, nr::KILL);
    f.push(LD_ABS, 0, 0, arg_lo(0));
    f.push(JEQ, 3, 0, 0);
    f.push(JEQ, 2, 0, me);
    f.push(JEQ, 1, 0, me.wrapping_neg());
    f.push(RET, 0, 0, EPERM);
    f.push(RET, 0, 0, ALLOW);
    // tgkill: threads of its own process only (raise, abort).
    f.push(JEQ, 0, 4, nr::TGKILL);
    f.push(LD_ABS, 0, 0, arg_lo(0));
    f.push(JEQ, 1, 0, me);
    f.push(RET, 0, 0, EPERM);
    f.push(RET, 0, 0, ALLOW);
    f.push(RET, 0, 0, ALLOW);

    #[repr(C)]
    struct Prog {
        len: u16,
        filter: *const Insn,
    }
    let prog = Prog {
        len: f.len as u16,
        filter: f.insns.as_ptr(),
    };
    // SECCOMP_SET_MODE_FILTER. SAFETY: `prog` and the instructions it
    // points to are live for the call; the kernel copies them.
    check(unsafe { syscall(nr::SECCOMP as c_long, 1u32, 0u32, &prog as *const Prog) })?;
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
