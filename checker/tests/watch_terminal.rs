//! `watch` in a real pseudo-terminal of a given size, read back through a
//! terminal emulator (vt100), so that the assertions are about what a
//! learner sees on the screen, not about the bytes written.
//!
//! The pseudo-terminal comes from util-linux `script`, which every Linux
//! CI image has; the tests are Linux-only for that reason.
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Generous: the first `watch` of a test run builds the watch binary.
pub(crate) const PATIENCE: Duration = Duration::from_secs(300);

use crate::common;
use common::scratch;

/// Saves a fixture over exercise 01 the way many editors do: a temporary
/// file renamed over the original.
fn save_fixture(copy: &Path, fixture: &str) {
    save_fixture_dated(copy, fixture, None);
}

/// The same, with the file's modification time set to `when` first, as
/// `mv`, `cp -p` or an unpacked archive leave it.
fn save_fixture_dated(copy: &Path, fixture: &str, when: Option<std::time::SystemTime>) {
    let lib = copy.join("exercises/01-bounded-send/src/lib.rs");
    let tmp = copy.join("exercises/01-bounded-send/src/.lib.rs.tmp");
    let from = common::fixture_01(fixture);
    std::fs::copy(from, &tmp).unwrap();
    if let Some(when) = when {
        let file = std::fs::File::options().write(true).open(&tmp).unwrap();
        file.set_modified(when).unwrap();
    }
    std::fs::rename(&tmp, &lib).unwrap();
}

/// A shell command running in a pseudo-terminal of `cols`×`rows`, with
/// its screen kept up to date by a terminal emulator.
pub(crate) struct Pty {
    child: Child,
    pub(crate) parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the command wrote, for what a screen does not show.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    pub(crate) fn start(cols: u16, rows: u16, shell: &str) -> Pty {
        Pty::start_as(cols, rows, shell, "xterm-256color")
    }

    fn start_as(cols: u16, rows: u16, shell: &str, term: &str) -> Pty {
        let cmd = format!("stty cols {cols} rows {rows}; {shell}");
        let mut child = Command::new("script")
            .args(["-qfec", &cmd, "/dev/null"])
            .env("TERM", term)
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("util-linux `script` runs");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(rows).unwrap(),
            std::num::NonZero::new(cols).unwrap(),
            0,
        )));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (sink, raw_sink) = (parser.clone(), raw.clone());
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = std::io::Read::read(&mut stdout, &mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty { child, parser, raw }
    }

    pub(crate) fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Waits until every needle is on the screen at once; the screen then.
    fn wait_for(&self, needles: &[&str]) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if needles.iter().all(|n| screen.contains(n)) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "never saw {needles:?} on the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn press(&mut self, keys: &[u8]) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(keys).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the command to end, at most `limit`; whether it did.
    fn ended_within(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Presses `q`, which must end watch, and removes the scratch copy.
pub(crate) fn quit(mut pty: Pty, copy: &Path) {
    pty.press(b"q");
    assert!(pty.ended_within(PATIENCE), "watch did not end on q");
    let _ = std::fs::remove_dir_all(copy);
}

pub(crate) fn watch_command(copy: &Path, extra: &str) -> String {
    format!(
        "{} --course {} watch {extra}",
        env!("CARGO_BIN_EXE_checker"),
        copy.display()
    )
}

/// Every line of the screen fits the terminal: nothing wraps.
pub(crate) fn assert_fits(pty: &Pty, cols: u16) {
    let parser = pty.parser.lock().unwrap();
    let screen = parser.screen();
    let (rows, _) = screen.size();
    for row in 0..rows.get() {
        // vt100 marks a row that continued onto the next one as wrapped.
        assert!(
            !screen.row_wrapped(row),
            "row {row} wrapped at {cols} columns:\n{}",
            screen.contents()
        );
    }
}

fn wrong_chef_fits(cols: u16, rows: u16) {
    let copy = scratch(&format!("chef-{cols}x{rows}"));
    let mut pty = Pty::start(cols, rows, &format!("exec {}", watch_command(&copy, "")));
    pty.wait_for(&[&points(0), "Start here"]);
    save_fixture(&copy, "mistake-try-send-chef");
    let screen = pty.wait_for(&[&points(8), "checked in"]);
    // The score, the chef's row in the task table, and the next step.
    assert!(screen.contains("Exercise 01"), "{screen}");
    let chef_row = screen
        .lines()
        .find(|l| l.contains(" 2 chef "))
        .unwrap_or_else(|| panic!("no task row for chef:\n{screen}"));
    assert!(
        chef_row.contains("✗") && chef_row.contains("0/2"),
        "{screen}"
    );
    assert!(
        screen.contains("Next: exercise 01, task 2 (chef)"),
        "{screen}"
    );
    assert!(
        screen.contains("edit exercises/01-bounded-send/src/lib.rs:"),
        "{screen}"
    );
    assert_fits(&pty, cols);

    // The details are one key away, and fit too.
    pty.press(b"d");
    let details = pty.wait_for(&["d summary"]);
    assert!(
        details.contains("more lines") || details.contains("timeline"),
        "{details}"
    );
    assert_fits(&pty, cols);

    quit(pty, &copy);
}

/// `E/M points` as the watch header shows it, with the course's total.
fn points(earned: u32) -> String {
    let max: u32 = checker::model::course::EXERCISES
        .iter()
        .flat_map(|e| e.tasks)
        .map(|t| t.points)
        .sum();
    format!("{earned}/{max} points")
}

#[test]
fn a_wrong_chef_fits_an_80_by_24_screen() {
    wrong_chef_fits(80, 24);
}

#[test]
fn a_wrong_chef_fits_a_60_by_20_screen() {
    wrong_chef_fits(60, 20);
}

/// The screen after a save that deadlocks the kitchen, as a learner sees
/// it at 80×24 (the golden file of the watch screen).
#[test]
fn the_screen_after_a_save_at_80_by_24() {
    let copy = scratch("golden");
    let pty = Pty::start(80, 24, &format!("exec {}", watch_command(&copy, "")));
    pty.wait_for(&[&points(0), "Start here"]);
    save_fixture(&copy, "mistake-kept-sender");
    let screen = pty.wait_for(&[&points(8), "checked in", "stuck?"]);
    // The duration varies, and the hint command names the scratch copy.
    let screen: Vec<String> = screen
        .lines()
        .map(|l| match l {
            l if l.contains("checked in") => format!("watch: {} · checked in … s", points(8)),
            l if l.trim_start().starts_with("stuck?") => "  stuck? <hint command>".to_string(),
            l => l.to_string(),
        })
        .collect();
    insta::assert_snapshot!("watch_screen_80x24_after_save", screen.join("\n"));
    // Idle, watch writes nothing: no redraws, no events it causes itself
    // (reading the saved file is an inotify event too).
    let before = pty.raw.lock().unwrap().len();
    std::thread::sleep(Duration::from_secs(1));
    let after = pty.raw.lock().unwrap().len();
    assert_eq!(before, after, "watch kept redrawing while idle");
    quit(pty, &copy);
}

/// Where file-change events do not arrive (WSL2 /mnt, network shares)
/// watch polls, comparing contents: a file moved in with an older
/// modification time is a change too.
#[test]
fn polling_sees_a_file_moved_in_with_an_old_time() {
    let copy = scratch("poll");
    let pty = Pty::start(80, 24, &format!("exec {}", watch_command(&copy, "--poll")));
    pty.wait_for(&[&points(0), "Start here", "--poll"]);
    let old = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    save_fixture_dated(&copy, "mistake-kept-sender", Some(old));
    pty.wait_for(&[&points(8), "checked in"]);
    quit(pty, &copy);
}

/// `TERM=dumb` (Emacs' shell, some CI consoles) understands no escape
/// sequences: watch prints plain verdicts, one after the other.
#[test]
fn a_dumb_terminal_gets_no_escape_sequences() {
    let copy = scratch("dumb");
    let mut pty = Pty::start_as(
        80,
        24,
        &format!("exec {}", watch_command(&copy, "")),
        "dumb",
    );
    pty.wait_for(&["Start here"]);
    save_fixture(&copy, "mistake-kept-sender");
    pty.wait_for(&[&points(8)]);
    pty.press(b"q\n");
    assert!(pty.ended_within(PATIENCE), "watch did not end on q");
    let raw = String::from_utf8_lossy(&pty.raw.lock().unwrap()).into_owned();
    assert!(raw.contains("watch: stopped"), "{raw}");
    assert!(
        !raw.contains('\x1b'),
        "escape sequences for TERM=dumb:\n{raw:?}"
    );
    let _ = std::fs::remove_dir_all(&copy);
}

/// The test processes of a kitchen blocked for good sleep until the
/// watchdog stops each one (the deadline is set here to a minute); `q`
/// must end watch, and those processes, at once. (A busy loop no longer
/// serves: the harness stops it within a quarter of a second.) A shell
/// stays on after watch, as a learner's does: otherwise the end of the
/// terminal session would kill leftover processes and hide them.
#[test]
fn q_ends_watch_while_a_blocked_kitchen_is_being_checked() {
    let copy = scratch("blocked");
    let mut pty = Pty::start(
        80,
        24,
        &format!(
            "{}; echo WATCH-ENDED; sleep 120",
            watch_command(&copy, "--timeout 60")
        ),
    );
    pty.wait_for(&[&points(0), "Start here"]);
    let watch = watch_pid(&copy);
    save_fixture(&copy, "blocked-forever");
    // The check builds first; q is tested once its test processes run.
    let start = Instant::now();
    let tests = loop {
        let tests = test_processes(watch);
        if !tests.is_empty() {
            break tests;
        }
        assert!(start.elapsed() < PATIENCE, "no test process ever started");
        std::thread::sleep(Duration::from_millis(20));
    };
    pty.press(b"q");
    let asked = Instant::now();
    while !pty.screen().contains("WATCH-ENDED") {
        assert!(
            asked.elapsed() < Duration::from_secs(30),
            "watch still ran half a minute after q (the blocked tests' deadline is a minute)"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let alive: Vec<u32> = tests.into_iter().filter(|p| running(*p)).collect();
    assert!(alive.is_empty(), "test processes outlived watch: {alive:?}");
    let _ = std::fs::remove_dir_all(&copy);
}

/// Hidden-test processes (`--run TEST`) started by process `parent`.
fn test_processes(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        let ppid = status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .and_then(|p| p.trim().parse::<u32>().ok());
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if ppid == Some(parent) && cmdline.contains(" --run ") {
            found.push(pid);
        }
    }
    found
}

/// Whether a process exists and is not a zombie.
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// A signal while watch holds the terminal: the terminal must come back
/// line-buffered and echoing, on the main screen with its cursor, so that
/// the shell after it works.
fn signal_gives_the_terminal_back(signal: &str) {
    let copy = scratch(&format!("signal-{signal}"));
    let shell = format!("{}; stty -a; echo END-OF-STTY", watch_command(&copy, ""));
    let pty = Pty::start(80, 24, &shell);
    pty.wait_for(&[&points(0), "Start here"]);
    assert!(pty.parser.lock().unwrap().screen().alternate_screen());
    let pid = watch_pid(&copy);
    let status = Command::new("kill")
        .args([format!("-{signal}"), pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let screen = pty.wait_for(&["END-OF-STTY"]);
    let parser = pty.parser.lock().unwrap();
    assert!(
        !parser.screen().alternate_screen(),
        "still on the alternate screen after SIG{signal}"
    );
    assert!(
        !parser.screen().hide_cursor(),
        "cursor hidden after SIG{signal}"
    );
    drop(parser);
    let words: Vec<&str> = screen.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(
            words.contains(&mode) && !words.contains(&format!("-{mode}").as_str()),
            "{mode} not restored after SIG{signal}:\n{screen}"
        );
    }
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn sigterm_gives_the_terminal_back() {
    signal_gives_the_terminal_back("TERM");
}

#[test]
fn sighup_gives_the_terminal_back() {
    signal_gives_the_terminal_back("HUP");
}

/// The pid of the `checker-watch` process watching `copy`.
pub(crate) fn watch_pid(copy: &Path) -> u32 {
    let needle = copy.display().to_string();
    let start = Instant::now();
    loop {
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            // By its command line: `exe` reads "(deleted)" once the binary
            // is rebuilt under a running process.
            let program = cmdline.split(' ').next().unwrap_or("");
            if program.ends_with("checker-watch") && cmdline.contains(&needle) {
                return pid;
            }
        }
        assert!(
            start.elapsed() < PATIENCE,
            "no checker-watch process for {needle}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A check that has to wait for another checker (here: this test holds
/// the lock) says so on the screen, naming the holder's process, then goes
/// on when it may.
#[test]
fn a_check_waiting_for_another_checker_says_so() {
    let copy = scratch("wait");
    let pty = Pty::start(80, 24, &format!("exec {}", watch_command(&copy, "")));
    pty.wait_for(&[&points(0), "Start here"]);
    let paths = checker::model::course::Paths::discover();
    let lock = checker::run::worklock::lock(&paths).unwrap();
    save_fixture(&copy, "mistake-kept-sender");
    pty.wait_for(&[&format!("waits for process {}", std::process::id())]);
    drop(lock);
    pty.wait_for(&[&points(8), "checked in"]);
    quit(pty, &copy);
}
