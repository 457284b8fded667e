//! Landlock, the kernel's unprivileged file-system sandbox: what a test
//! process may read, execute and write, plus (on newer kernels) no TCP and
//! no signals or abstract sockets outside the sandbox.
//!
//! Rules are opened in the parent (`rules`); the ruleset is created and
//! enforced in the child (`restrict`), with system calls only.

use super::{check, nr, open, syscall};
use crate::run::sandbox::Policy;
use std::ffi::{c_int, c_long, c_void};
use std::os::fd::{AsRawFd, OwnedFd};

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

/// The kernel's Landlock ABI version, 0 without Landlock.
pub fn abi() -> u32 {
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

/// A Landlock rule prepared in the parent: an `O_PATH` handle and rights.
pub struct Rule {
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

/// The rules for `policy`, opened in the parent.
pub fn rules(policy: &Policy, abi: u32) -> Vec<Rule> {
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

/// Creates the ruleset in the child and restricts the child to it.
pub unsafe fn restrict(rules: &[Rule], abi: u32) -> std::io::Result<()> {
    let attr = RulesetAttr {
        handled_access_fs: fs_rights(abi),
        // TCP bind and connect, none allowed (ABI 4).
        handled_access_net: if abi >= 4 { 3 } else { 0 },
        // Abstract UNIX sockets and signals outside the sandbox (ABI 6).
        scoped: if abi >= 6 { 3 } else { 0 },
    };
    let size = match abi {
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
    for rule in rules {
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
    // Two files of /proc, and nothing else of it. Its own memory map: the
    // standard library reads it to find the main thread's stack guard,
    // without which a stack overflow is reported as a bare segmentation
    // fault. The main thread's scheduler state: the harness samples it to
    // tell a runtime blocked in the kernel from one waiting for a CPU
    // (`harness/src/blocking.rs`), which keeps that verdict the same on a
    // busy machine. Both only exist per process (and per thread: before
    // exec the child is one thread, the one that will run the tests), so
    // they are opened here, in the child.
    const O_PATH: c_int = 0o10000000;
    const O_CLOEXEC: c_int = 0o2000000;
    for file in [c"/proc/self/maps", c"/proc/thread-self/stat"] {
        // SAFETY: a NUL-terminated literal; open is async-signal-safe.
        let fd = unsafe { open(file.as_ptr(), O_PATH | O_CLOEXEC) };
        if fd < 0 {
            continue;
        }
        let beneath = PathBeneath {
            allowed_access: FS_READ_FILE,
            parent_fd: fd,
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
