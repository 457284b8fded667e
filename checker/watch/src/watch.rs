//! `watch`: re-check an exercise whenever one of its files is saved.
//!
//! Native file events where they work, polling where they do not (WSL2's
//! `/mnt` drives, network shares), said out loud. Saves are debounced, so
//! an editor that writes a temporary file and renames it over the original
//! triggers one check. Every command works without a terminal: the screen
//! is redrawn only on one, and `q` (or Ctrl-C) quits either way.

use checker::cli::CliResult;
use checker::course::{self, Exercise, Paths};
use checker::engine::Options;
use checker::learn::check_learner;
use checker::model::ExerciseResult;
use checker::report::terminal;
use checker::style::Style;
use notify::{Config, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a burst of file events may last before the check starts:
/// long enough for write-then-rename saves, short enough to feel instant.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the polling watcher looks at the files.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// File systems whose change events do not reach Linux's inotify.
const NO_EVENTS: &[&str] = &[
    "9p",
    "drvfs",
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "fuse.sshfs",
    "vboxsf",
];

enum Input {
    Changed(Vec<std::path::PathBuf>),
    Quit,
}

pub fn watch(paths: &Paths, opts: &Options, force_poll: bool, style: Style) -> CliResult {
    let (tx, rx) = mpsc::channel::<Input>();
    let fs_type = filesystem_type(&paths.learner);
    let poll = force_poll || fs_type.as_deref().is_some_and(|t| NO_EVENTS.contains(&t));
    let events = tx.clone();
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            let _ = events.send(Input::Changed(ev.paths));
        }
    };
    let exercises_dir = paths.learner.join("exercises");
    // Keep the watcher alive for the whole loop.
    let _watcher: Box<dyn Watcher> = if poll {
        let mut w = PollWatcher::new(handler, Config::default().with_poll_interval(POLL_EVERY))?;
        w.watch(&exercises_dir, RecursiveMode::Recursive)?;
        Box::new(w)
    } else {
        let mut w = RecommendedWatcher::new(handler, Config::default())?;
        w.watch(&exercises_dir, RecursiveMode::Recursive)?;
        Box::new(w)
    };
    let how = if force_poll {
        format!("polling every {} ms (--poll)", POLL_EVERY.as_millis())
    } else if poll {
        format!(
            "polling every {} ms: file-change events do not arrive on {} file systems \
             (WSL2 /mnt drives, network shares)",
            POLL_EVERY.as_millis(),
            fs_type.unwrap_or_default()
        )
    } else {
        "file-change events".to_string()
    };

    let terminal = std::io::stdout().is_terminal();
    let _keys = KeyReader::start(tx);
    let mut screen = Screen {
        terminal,
        style,
        how,
    };

    let mut seen: std::collections::HashMap<&'static str, u64> = course::EXERCISES
        .iter()
        .map(|e| (e.dir, content_hash(&paths.exercise(e).join("src"))))
        .collect();
    let mut results = check_learner(paths, course::EXERCISES, opts)?;
    let focus = results.iter().position(|r| !r.passed()).unwrap_or(0);
    screen.draw(paths, &results, focus, None);

    while let Ok(input) = rx.recv() {
        let mut touched = match input {
            Input::Quit => break,
            Input::Changed(p) => exercises_of(paths, &p),
        };
        // Collect the rest of the burst.
        let until = Instant::now() + DEBOUNCE;
        let mut quit = false;
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(Input::Changed(p)) => touched.extend(exercises_of(paths, &p)),
                Ok(Input::Quit) => {
                    quit = true;
                    break;
                }
                Err(_) => break,
            }
        }
        if quit {
            break;
        }
        // Editors touch files without changing them (and write backups
        // beside them): only a real change of content earns a re-check.
        let chosen: Vec<&'static Exercise> = course::EXERCISES
            .iter()
            .copied()
            .filter(|e| touched.contains(e.dir))
            .filter(|e| {
                let now = content_hash(&paths.exercise(e).join("src"));
                seen.insert(e.dir, now) != Some(now)
            })
            .collect();
        if chosen.is_empty() {
            continue;
        }
        let started = Instant::now();
        match check_learner(paths, &chosen, opts) {
            Ok(fresh) => {
                for r in fresh {
                    if let Some(slot) = results.iter_mut().find(|x| x.dir == r.dir) {
                        *slot = r;
                    }
                }
                let focus = results
                    .iter()
                    .position(|r| r.dir == chosen[0].dir)
                    .unwrap_or(0);
                screen.draw(paths, &results, focus, Some(started.elapsed()));
            }
            Err(e) => eprintln!("check failed: {e} (still watching)"),
        }
    }
    println!("watch: stopped.");
    Ok(0)
}

/// A hash of every `.rs` file below `dir`, names and contents.
fn content_hash(dir: &Path) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    checker::files::hash_sources(&mut h, dir);
    h.finish()
}

/// The exercises whose source files are among `changed`.
fn exercises_of(paths: &Paths, changed: &[std::path::PathBuf]) -> BTreeSet<&'static str> {
    let base = paths.learner.join("exercises");
    changed
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .filter_map(|p| {
            let rel = p.strip_prefix(&base).ok()?;
            let mut parts = rel.components();
            let dir = parts.next()?.as_os_str().to_str()?;
            let in_src = parts.next()?.as_os_str() == "src";
            let e = course::find(dir)?;
            (in_src && e.dir == dir).then_some(e.dir)
        })
        .collect()
}

struct Screen {
    terminal: bool,
    style: Style,
    how: String,
}

impl Screen {
    fn draw(
        &mut self,
        paths: &Paths,
        results: &[ExerciseResult],
        focus: usize,
        took: Option<Duration>,
    ) {
        let mut out = String::new();
        if self.terminal {
            // Clear the screen and go home, so each verdict stands alone.
            out.push_str("\x1b[2J\x1b[H");
        } else {
            out.push_str(&format!("{}\n", "─".repeat(78)));
        }
        let earned: u32 = results.iter().map(|r| r.earned()).sum();
        let max: u32 = results.iter().map(|r| r.max()).sum();
        out.push_str(&format!(
            "{} {earned}/{max} points · watching exercises/ ({}) · q quits\n",
            self.style.bold("watch:"),
            self.how
        ));
        if let Some(t) = took {
            out.push_str(
                &self
                    .style
                    .dim(&format!("checked in {:.2} s\n", t.as_secs_f64())),
            );
        }
        out.push('\n');
        out.push_str(&terminal::render(
            paths,
            &results[focus..=focus],
            self.style,
        ));
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(out.as_bytes());
        let _ = stdout.flush();
    }
}

/// The file system type of the mount holding `path`, from /proc/mounts.
fn filesystem_type(path: &Path) -> Option<String> {
    let mounts = std::fs::read_to_string("/proc/mounts").ok()?;
    let path = std::fs::canonicalize(path).ok()?;
    mounts
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_, point, kind) = (f.next()?, f.next()?, f.next()?);
            path.starts_with(point)
                .then(|| (point.len(), kind.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, kind)| kind)
}

/// Reads keys from stdin: `q` or Ctrl-C quits. On a terminal, keys arrive
/// one by one (no Enter needed); the terminal is restored on drop.
struct KeyReader {
    raw: bool,
}

impl KeyReader {
    fn start(tx: mpsc::Sender<Input>) -> KeyReader {
        let raw =
            std::io::stdin().is_terminal() && stty(&["-icanon", "-echo", "-isig", "min", "1"]);
        std::thread::spawn(move || {
            let mut stdin = std::io::stdin().lock();
            let mut byte = [0u8; 1];
            while let Ok(1) = stdin.read(&mut byte) {
                // q, Q, Ctrl-C (0x03), Ctrl-D (0x04)
                if matches!(byte[0], b'q' | b'Q' | 3 | 4) {
                    let _ = tx.send(Input::Quit);
                    return;
                }
            }
            // stdin closed (no terminal, `docker exec` without -i): keep
            // watching; Ctrl-C still ends the process.
        });
        KeyReader { raw }
    }
}

impl Drop for KeyReader {
    fn drop(&mut self) {
        if self.raw {
            stty(&["icanon", "echo", "isig"]);
        }
    }
}

/// Runs `stty` on the terminal that is stdin; true when it worked.
fn stty(args: &[&str]) -> bool {
    std::process::Command::new("stty")
        .args(args)
        .stdin(std::process::Stdio::inherit())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
