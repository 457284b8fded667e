//! The width of the terminal that stdout is, asked of the system directly.
//!
//! Two small system calls instead of a crate: `terminal_size` would put
//! rustix (with its `termios` feature) on the critical path of the
//! checker's first build, which every learner waits for (BENCHMARKS.md),
//! for one number. Where this does not know the call, the answer is
//! `None` and the caller falls back to a fixed width.

/// Columns of the terminal on stdout, if stdout is one.
pub fn columns() -> Option<usize> {
    imp::columns().filter(|c| *c > 0)
}

#[cfg(unix)]
mod imp {
    use std::ffi::{c_int, c_ulong};

    #[repr(C)]
    #[derive(Default)]
    struct Winsize {
        rows: u16,
        cols: u16,
        x_pixels: u16,
        y_pixels: u16,
    }

    /// `TIOCGWINSZ`: Linux's generic value; the BSD-style encoding on
    /// macOS, the BSDs and the Linux architectures that kept it; unknown
    /// (no answer) elsewhere.
    const TIOCGWINSZ: Option<c_ulong> = if cfg!(any(target_os = "linux", target_os = "android")) {
        if cfg!(any(
            target_arch = "powerpc",
            target_arch = "powerpc64",
            target_arch = "mips",
            target_arch = "mips64",
            target_arch = "sparc",
            target_arch = "sparc64"
        )) {
            Some(0x40087468)
        } else {
            Some(0x5413)
        }
    } else if cfg!(any(
        target_os = "macos",
        target_os = "ios",
        target_os = "freebsd",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "dragonfly"
    )) {
        Some(0x40087468)
    } else {
        None
    };

    unsafe extern "C" {
        fn ioctl(fd: c_int, request: c_ulong, ...) -> c_int;
    }

    pub fn columns() -> Option<usize> {
        let request = TIOCGWINSZ?;
        let mut size = Winsize::default();
        // SAFETY: TIOCGWINSZ writes one `struct winsize`, which `size` is,
        // and fails (returning -1) when fd 1 is not a terminal.
        let rc = unsafe { ioctl(1, request, &mut size as *mut Winsize) };
        (rc == 0).then_some(size.cols as usize)
    }
}

#[cfg(windows)]
mod imp {
    use std::ffi::c_void;

    #[repr(C)]
    #[derive(Default)]
    struct Coord {
        x: i16,
        y: i16,
    }

    #[repr(C)]
    #[derive(Default)]
    struct SmallRect {
        left: i16,
        top: i16,
        right: i16,
        bottom: i16,
    }

    #[repr(C)]
    #[derive(Default)]
    struct ScreenBufferInfo {
        size: Coord,
        cursor: Coord,
        attributes: u16,
        window: SmallRect,
        maximum: Coord,
    }

    const STD_OUTPUT_HANDLE: u32 = -11i32 as u32;

    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetStdHandle(which: u32) -> *mut c_void;
        fn GetConsoleScreenBufferInfo(console: *mut c_void, info: *mut ScreenBufferInfo) -> i32;
    }

    pub fn columns() -> Option<usize> {
        let mut info = ScreenBufferInfo::default();
        // SAFETY: the handle is stdout's (or null/invalid, which makes the
        // call fail); the call writes one CONSOLE_SCREEN_BUFFER_INFO.
        let ok = unsafe { GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &mut info) };
        (ok != 0).then(|| (info.window.right - info.window.left + 1).max(0) as usize)
    }
}

#[cfg(not(any(unix, windows)))]
mod imp {
    pub fn columns() -> Option<usize> {
        None
    }
}
