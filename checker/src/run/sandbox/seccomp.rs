//! The seccomp filter of a test process: no new processes (threads are
//! fine), no tracing or reading of other processes, limits and signals for
//! itself only, no new namespaces or mounts.
//!
//! The filter is classic BPF, built on the stack in the child (no
//! allocation after `fork`).

use super::{check, getpid, nr, syscall};
use std::ffi::c_long;

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

/// Installs the filter on the calling process (in the child, last).
pub unsafe fn install() -> std::io::Result<()> {
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
