//! The golden screens of `watch`: every situation a learner meets, drawn
//! at 80×24 and 60×20 in a real pseudo-terminal (see `watch_terminal`,
//! whose terminal this module drives).
//!
//! A module of its own so that it starts early: libtest starts tests in
//! the order of their names, and this one, a single watch session of about
//! twenty seconds that mostly waits for the screen, was the last test left
//! running while the processors idled (`watch_terminal::` sorts last).
#![cfg(target_os = "linux")]

use crate::common::{self, scratch};
use crate::watch_terminal::{PATIENCE, Pty, assert_fits, quit, watch_command, watch_pid};
use std::process::Command;
use std::time::{Duration, Instant};

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
