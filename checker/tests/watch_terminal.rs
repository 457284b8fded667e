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
const PATIENCE: Duration = Duration::from_secs(300);

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
struct Pty {
    child: Child,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the command wrote, for what a screen does not show.
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    fn start(cols: u16, rows: u16, shell: &str) -> Pty {
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

    fn screen(&self) -> String {
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

    fn press(&mut self, keys: &[u8]) {
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
fn quit(mut pty: Pty, copy: &Path) {
    pty.press(b"q");
    assert!(pty.ended_within(PATIENCE), "watch did not end on q");
    let _ = std::fs::remove_dir_all(copy);
}

fn watch_command(copy: &Path, extra: &str) -> String {
    format!(
        "{} --course {} watch {extra}",
        env!("CARGO_BIN_EXE_checker"),
        copy.display()
    )
}

/// Every line of the screen fits the terminal: nothing wraps.
fn assert_fits(pty: &Pty, cols: u16) {
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
fn watch_pid(copy: &Path) -> u32 {
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

/// The sizes every golden screen is drawn at: the 80×24 every terminal
/// opens with, and a small 60×20 split pane.
const SIZES: [(u16, u16); 2] = [(80, 24), (60, 20)];

/// Resizes the terminal watch runs in, as a learner dragging the window
/// does: the pty's size changes (SIGWINCH), and the emulator starts over
/// at the new size so that only what watch draws next is on it.
fn resize(pty: &Pty, pts: &str, (cols, rows): (u16, u16)) {
    *pty.parser.lock().unwrap() = vt100::Parser::new(
        std::num::NonZero::new(rows).unwrap(),
        std::num::NonZero::new(cols).unwrap(),
        0,
    );
    let status = Command::new("stty")
        .args([
            "-F",
            pts,
            "cols",
            &cols.to_string(),
            "rows",
            &rows.to_string(),
        ])
        .status()
        .unwrap();
    assert!(status.success(), "stty could not resize {pts}");
}

/// `text` without any whitespace: what is on screen, whatever the rows it
/// was wrapped into.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Waits until every needle is on the screen, read across wrapped rows.
fn wait_wrapped(pty: &Pty, needles: &[&str]) -> String {
    let start = Instant::now();
    loop {
        let screen = pty.screen();
        let flat = squeezed(&screen);
        if needles.iter().all(|n| flat.contains(&squeezed(n))) {
            // One more look after a moment: the screen drawn in full.
            std::thread::sleep(Duration::from_millis(150));
            let again = pty.screen();
            if again == screen {
                return screen;
            }
            continue;
        }
        assert!(
            start.elapsed() < PATIENCE,
            "never saw {needles:?} on the screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The action is on the screen whole: every character of `action`, in
/// order, however it was wrapped; followed by a line number when `line`.
fn assert_action(screen: &str, action: &str, line: bool, situation: &str) {
    let flat = squeezed(screen);
    let want = squeezed(action);
    let Some(at) = flat.find(&want) else {
        panic!("{situation}: the action `{action}` is not whole on screen:\n{screen}");
    };
    if line {
        let after = &flat[at + want.len()..];
        assert!(
            after.starts_with(|c: char| c.is_ascii_digit()),
            "{situation}: `{action}` names no line:\n{screen}"
        );
    }
}

/// One situation a learner meets: what to put in exercise 01 (or the
/// course), what shows it is on screen, and the action that must be whole.
struct Situation<'a> {
    name: &'a str,
    needles: &'a [&'a str],
    action: &'a str,
    /// The action ends with `:LINE`.
    line: bool,
}

const EDIT: &str = "edit exercises/01-bounded-send/src/lib.rs:";

/// The screen of every situation at 80×24 and 60×20, in one watch session
/// (one build of each fixture): nothing wraps past the edge, and the
/// verdict and the action (command or file:line) are fully on screen. The
/// screens are the golden file.
#[test]
fn golden_screens_keep_the_verdict_and_the_action_on_screen() {
    let copy = scratch("golden-screens");
    let lib = copy.join("exercises/01-bounded-send/src/lib.rs");
    let solution =
        std::fs::read_to_string(common::course().join("solutions/01-bounded-send/src/lib.rs"))
            .unwrap();
    let pty = Pty::start(80, 24, &format!("exec {}", watch_command(&copy, "")));
    let pts = std::fs::read_link(format!("/proc/{}/fd/0", watch_pid(&copy)))
        .unwrap()
        .display()
        .to_string();
    let copy_shown = copy.display().to_string();
    // The lock holder's command is this test binary, whose name carries a
    // build hash.
    let test_binary = std::env::current_exe()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let mut golden = String::new();
    let mut size = 0;
    let mut pty = pty;
    // Both sizes of the screen now on, starting at the size it is at.
    let mut capture = |pty: &mut Pty, s: &Situation, golden: &mut String| {
        for _ in 0..2 {
            let (cols, rows) = SIZES[size];
            // The action among what is waited for: a screen read while it
            // is being drawn (a loaded machine) is not the screen.
            let mut needles = s.needles.to_vec();
            needles.push(s.action);
            let screen = wait_wrapped(pty, &needles);
            let situation = format!("{} at {cols}×{rows}", s.name);
            assert_fits(pty, cols);
            assert_action(&screen, s.action, s.line, &situation);
            let shown: Vec<String> = screen
                .lines()
                .map(|l| {
                    // A command naming the copy may be wrapped inside its
                    // path: the process id goes too.
                    let l = l
                        .replace(&copy_shown, "<COPY>")
                        .replace(&format!("{:07}", std::process::id()), "<PID>")
                        .replace(&std::process::id().to_string(), "<PID>")
                        .replace(&test_binary, "<TEST>");
                    match l.find("checked in ") {
                        Some(at) => format!("{}checked in … s", &l[..at]),
                        None => l,
                    }
                })
                .collect();
            // Where the hint's command breaks depends on the length of the
            // copy's path (it holds a process id): one form for the file.
            let shown = shown
                .join("\n")
                .replace("--course\n    <COPY> hint", "--course <COPY>\n    hint");
            // The lock holder's pid and command line (this test's own) vary
            // in length, and so does where the notice wraps, even between
            // "to" and "finish…": one form.
            let done = "finish…";
            let shown = match (shown.find("waits for process"), shown.find(done)) {
                (Some(a), Some(b)) if a < b => format!(
                    "{}waits for process <PID> (`<TEST>`) to {done}{}",
                    &shown[..a],
                    &shown[b + done.len()..]
                ),
                _ => shown,
            };
            golden.push_str(&format!("===== {situation} =====\n{shown}\n"));
            size = 1 - size;
            resize(pty, &pts, SIZES[size]);
            // A key redraws too, in case the resize's redraw came first.
            std::thread::sleep(Duration::from_millis(300));
            pty.press(b"k");
        }
    };
    let save = |text: &str| {
        let tmp = lib.with_extension("rs.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, &lib).unwrap();
    };
    let fixture = |name: &str| std::fs::read_to_string(common::fixture_01(name)).unwrap();

    capture(
        &mut pty,
        &Situation {
            name: "not started",
            needles: &["Start here", "checked in"],
            action: EDIT,
            line: true,
        },
        &mut golden,
    );
    // Each verdict category that a fixture provokes in a second or two.
    for (name, task) in [
        ("mistake-try-send-chef", "failed"),
        ("mistake-kept-sender", "deadlock"),
        ("mistake-unwrap-chef", "panicked"),
        ("blocking-sleep", "blocked runtime"),
        ("stack-overflow", "crashed"),
    ] {
        save(&fixture(name));
        capture(
            &mut pty,
            &Situation {
                name,
                needles: &[task, "Next: exercise 01, task", "checked in"],
                action: EDIT,
                line: true,
            },
            &mut golden,
        );
    }
    // rustc's own error, with its help line.
    let no_await = solution.replacen("belt.recv().await", "belt.recv()", 1);
    assert_ne!(
        no_await, solution,
        "the solution changed shape; update this test"
    );
    save(&no_await);
    capture(
        &mut pty,
        &Situation {
            name: "compile error",
            needles: &["does not compile", "help:", "checked in"],
            action: "fix exercises/01-bounded-send/src/lib.rs:",
            line: true,
        },
        &mut golden,
    );
    save(&fixture("mistake-offer-by-value"));
    capture(
        &mut pty,
        &Situation {
            name: "signature mismatch",
            needles: &["cannot use your code", "checked in"],
            action: "fix exercises/01-bounded-send/src/lib.rs:",
            line: true,
        },
        &mut golden,
    );
    let reset = "reset 01`";
    save("\n");
    capture(
        &mut pty,
        &Situation {
            name: "empty lib.rs",
            needles: &["is empty", "checked in"],
            action: reset,
            line: false,
        },
        &mut golden,
    );
    std::fs::remove_file(&lib).unwrap();
    capture(
        &mut pty,
        &Situation {
            name: "missing lib.rs",
            needles: &["is missing", "checked in"],
            action: reset,
            line: false,
        },
        &mut golden,
    );
    save(&solution);
    capture(
        &mut pty,
        &Situation {
            name: "exercise passes",
            needles: &["Exercise 01 passes", "checked in"],
            action: "read exercises/02-clone-senders/README.md",
            line: false,
        },
        &mut golden,
    );
    // Another checker holds the work area: the wait is said in the header.
    // Held the way a checker holds it, so the notice names this process.
    let lock = checker::run::worklock::lock(&checker::model::course::Paths::discover()).unwrap();
    save(&fixture("mistake-try-send-chef"));
    capture(
        &mut pty,
        &Situation {
            name: "waiting for another checker",
            needles: &["01 waits for process"],
            action: "to finish",
            line: false,
        },
        &mut golden,
    );
    drop(lock);
    wait_wrapped(&pty, &["failed", "checked in"]);
    // The course done: every exercise at its reference solution.
    for e in checker::model::course::EXERCISES {
        let from = common::course()
            .join("solutions")
            .join(e.dir)
            .join("src/lib.rs");
        common::put(&copy, e.dir, &from);
    }
    capture(
        &mut pty,
        &Situation {
            name: "course done",
            needles: &["Every exercise passes", "checked in"],
            action: "solution EXERCISE`",
            line: false,
        },
        &mut golden,
    );
    insta::assert_snapshot!("golden_screens", golden);
    quit(pty, &copy);
}
