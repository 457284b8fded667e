//! `watch`: re-check an exercise whenever one of its files is saved.
//!
//! Native file events where they work, polling where they do not (WSL2's
//! `/mnt` drives, network shares), said out loud. Saves are debounced, so
//! an editor that writes a temporary file and renames it over the original
//! triggers one check. Checks run on a thread of their own, so `q` and
//! Ctrl-C act at once, even in the middle of a check (whose test processes
//! are killed on the way out). On a terminal the screen is redrawn in
//! place (see `screen` and `term`); elsewhere each verdict is printed.

use crate::screen::{Screen, State};
use crate::term::{self, Key};
use checker::learner::learn::check_learner;
use checker::model::course::{self, Exercise, Paths};
use checker::model::results::ExerciseResult;
use checker::run::options::Options;
use checker::util::exit::CliResult;
use checker::util::style::Style;
use notify::{Config, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a burst of file events may last before the check starts:
/// long enough for write-then-rename saves, short enough to feel instant.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the polling watcher looks at the files.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// How often the screen's clock moves while a check runs.
const TICK: Duration = Duration::from_millis(200);

/// How long quitting waits for the cancelled check to kill its test
/// processes (the runner notices within milliseconds; a build under way
/// is left to finish on its own).
const CANCEL_GRACE: Duration = Duration::from_millis(500);

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
    Changed(Vec<PathBuf>),
    Key(Key),
    /// The check started by `start_check` is waiting for the lock.
    Waiting,
    Done(Result<Vec<ExerciseResult>, String>),
}

impl From<Key> for Input {
    fn from(k: Key) -> Input {
        Input::Key(k)
    }
}

pub fn watch(paths: &Paths, opts: &Options, force_poll: bool, style: Style) -> CliResult {
    let (tx, rx) = mpsc::channel::<Input>();
    let fs_type = filesystem_type(&paths.learner);
    let poll = force_poll || fs_type.as_deref().is_some_and(|t| NO_EVENTS.contains(&t));
    let events = tx.clone();
    let handler = move |res: notify::Result<notify::Event>| {
        // Reading a file is an event too (inotify's open and close), and
        // watch reads every saved file to compare its content: counting
        // reads would make it wake itself up for ever.
        if let Ok(ev) = res
            && !matches!(ev.kind, notify::EventKind::Access(_))
        {
            let _ = events.send(Input::Changed(ev.paths));
        }
    };
    let exercises_dir = paths.learner.join("exercises");
    // Keep the watcher alive for the whole loop.
    let _watcher: Box<dyn Watcher> = if poll {
        // Contents, not modification times: a file moved in with an older
        // time (`mv`, `cp -p`, an unpacked archive) is still a change.
        let config = Config::default()
            .with_poll_interval(POLL_EVERY)
            .with_compare_contents(true);
        let mut w = PollWatcher::new(handler, config)?;
        w.watch(&exercises_dir, RecursiveMode::Recursive)?;
        Box::new(w)
    } else {
        let mut w = RecommendedWatcher::new(handler, Config::default())?;
        w.watch(&exercises_dir, RecursiveMode::Recursive)?;
        Box::new(w)
    };
    // Short enough for the keys line of an 80-column screen.
    let how = if force_poll {
        Some(format!(
            "polls every {} ms (--poll)",
            POLL_EVERY.as_millis()
        ))
    } else if poll {
        // WSL2's /mnt drives, network shares: events never arrive.
        Some(format!(
            "polls every {} ms ({}: no file events)",
            POLL_EVERY.as_millis(),
            fs_type.unwrap_or_default()
        ))
    } else {
        None
    };

    let guard = term::Guard::start(tx.clone());
    if guard.screen {
        // The screen shows "checking…" instead; a line would draw over it.
        checker::build::compile::Progress::silence();
    }
    let mut ui = Ui {
        paths,
        style,
        screen: guard.screen,
        how,
        results: Vec::new(),
        focus: 0,
        state: State::Checking {
            what: "the course".to_string(),
            since: Instant::now(),
        },
        details: false,
        scroll: 0,
    };
    if !ui.screen {
        eprintln!("watch: checking the course; then every save is checked (q and Enter quits)");
    }

    let mut seen: HashMap<&'static str, u64> = course::EXERCISES
        .iter()
        .map(|e| (e.dir, content_hash(&paths.exercise(e).join("src"))))
        .collect();
    let mut running: Option<Vec<&'static Exercise>> =
        Some(start_check(paths, course::EXERCISES.to_vec(), opts, &tx));
    // Saved while a check ran: checked as soon as it ends.
    let mut pending: BTreeSet<&'static str> = BTreeSet::new();
    let mut forced = false;
    ui.draw();

    let quit_by = loop {
        let input = if running.is_some() && ui.screen {
            match rx.recv_timeout(TICK) {
                Ok(i) => i,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    ui.draw();
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break "end of input",
            }
        } else {
            match rx.recv() {
                Ok(i) => i,
                Err(_) => break "end of input",
            }
        };
        match input {
            Input::Key(Key::Quit) => break "quit",
            Input::Key(key) => {
                if key == Key::Recheck {
                    if let Some(r) = ui.results.get(ui.focus)
                        && let Some(e) = course::find(r.dir)
                    {
                        pending.insert(e.dir);
                        forced = true;
                    }
                } else {
                    ui.key(key);
                }
            }
            Input::Changed(p) => {
                let mut touched = exercises_of(paths, &p);
                // Collect the rest of the burst; a key pressed meanwhile
                // still counts.
                let until = Instant::now() + DEBOUNCE;
                let mut quit = false;
                while let Some(left) = until.checked_duration_since(Instant::now()) {
                    match rx.recv_timeout(left) {
                        Ok(Input::Changed(p)) => touched.extend(exercises_of(paths, &p)),
                        Ok(Input::Key(Key::Quit)) => {
                            quit = true;
                            break;
                        }
                        Ok(Input::Key(k)) => ui.key(k),
                        Ok(Input::Waiting) => ui.waiting(),
                        Ok(Input::Done(r)) => ui.finished(r, running.take().unwrap_or_default()),
                        Err(_) => break,
                    }
                }
                if quit {
                    break "quit";
                }
                // Editors touch files without changing them (and write
                // backups beside them): only a real change of content
                // earns a re-check.
                for e in course::EXERCISES.iter().filter(|e| touched.contains(e.dir)) {
                    let now = content_hash(&paths.exercise(e).join("src"));
                    if seen.insert(e.dir, now) != Some(now) {
                        pending.insert(e.dir);
                    }
                }
            }
            Input::Waiting => ui.waiting(),
            Input::Done(r) => ui.finished(r, running.take().unwrap_or_default()),
        }
        if running.is_none() && !pending.is_empty() {
            let chosen: Vec<&'static Exercise> = course::EXERCISES
                .iter()
                .copied()
                .filter(|e| pending.contains(e.dir))
                .collect();
            pending.clear();
            let opts = Options {
                // `r`: run the tests again, not the cache.
                cache: opts.cache && !std::mem::take(&mut forced),
                ..opts.clone()
            };
            ui.state = State::Checking {
                what: chosen
                    .iter()
                    .map(|e| e.number())
                    .collect::<Vec<_>>()
                    .join(", "),
                since: Instant::now(),
            };
            if !ui.screen {
                eprintln!("watch: checking {}…", ui.state_what());
            }
            running = Some(start_check(paths, chosen, &opts, &tx));
        }
        ui.draw();
    };
    if running.is_some() {
        // Kill the test processes of the check under way and give the
        // runner a moment to do it before the process ends.
        checker::util::cancel::cancel_all();
        let until = Instant::now() + CANCEL_GRACE;
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            if let Ok(Input::Done(_)) | Err(_) = rx.recv_timeout(left) {
                break;
            }
        }
    }
    drop(guard);
    let earned: u32 = ui.results.iter().map(|r| r.earned()).sum();
    let max: u32 = ui.results.iter().map(|r| r.max()).sum();
    if ui.results.is_empty() {
        println!("watch: stopped ({quit_by}).");
    } else {
        println!("watch: stopped at {earned}/{max} points.");
    }
    Ok(0)
}

/// Starts checking `exercises` on a thread of its own; its verdict (or
/// the reason there is none) arrives as [`Input::Done`].
fn start_check(
    paths: &Paths,
    exercises: Vec<&'static Exercise>,
    opts: &Options,
    tx: &mpsc::Sender<Input>,
) -> Vec<&'static Exercise> {
    let (paths, opts, tx) = (paths.clone(), opts.clone(), tx.clone());
    let chosen = exercises.clone();
    std::thread::spawn(move || {
        if checker::learner::learn::work_area_busy(&paths) {
            let _ = tx.send(Input::Waiting);
        }
        let result = check_learner(&paths, &exercises, &opts).map_err(|e| e.to_string());
        let _ = tx.send(Input::Done(result));
    });
    chosen
}

/// What the loop shows, and how.
struct Ui<'a> {
    paths: &'a Paths,
    style: Style,
    /// Drawn in place on a terminal; printed as a log otherwise.
    screen: bool,
    how: Option<String>,
    results: Vec<ExerciseResult>,
    focus: usize,
    state: State,
    details: bool,
    scroll: usize,
}

impl Ui<'_> {
    fn state_what(&self) -> String {
        match &self.state {
            State::Checking { what, .. } | State::Waiting { what, .. } => what.clone(),
            _ => String::new(),
        }
    }

    fn waiting(&mut self) {
        if let State::Checking { what, since } = &self.state {
            self.state = State::Waiting {
                what: what.clone(),
                since: *since,
            };
            if !self.screen {
                eprintln!("watch: waiting for the checker in another terminal to finish…");
            }
        }
        self.draw();
    }

    fn finished(
        &mut self,
        result: Result<Vec<ExerciseResult>, String>,
        checked: Vec<&'static Exercise>,
    ) {
        let since = match &self.state {
            State::Checking { since, .. } | State::Waiting { since, .. } => *since,
            _ => Instant::now(),
        };
        match result {
            Ok(fresh) => {
                let first_run = self.results.is_empty();
                for r in fresh {
                    match self.results.iter_mut().find(|x| x.dir == r.dir) {
                        Some(slot) => *slot = r,
                        None => self.results.push(r),
                    }
                }
                self.focus = if first_run {
                    self.results.iter().position(|r| !r.passed()).unwrap_or(0)
                } else {
                    checked
                        .first()
                        .and_then(|e| self.results.iter().position(|r| r.dir == e.dir))
                        .unwrap_or(self.focus)
                };
                self.scroll = 0;
                self.state = State::Checked {
                    took: since.elapsed(),
                };
                if !self.screen {
                    self.print_log();
                }
            }
            Err(e) => {
                self.state = State::Failed(format!("{e} (still watching)"));
                if !self.screen {
                    eprintln!("watch: check failed: {e} (still watching)");
                }
            }
        }
    }

    fn key(&mut self, key: Key) {
        let page = term::size().map_or(10, |(_, rows)| rows.saturating_sub(5).max(1));
        match key {
            Key::Details => {
                self.details = !self.details;
                self.scroll = 0;
                if !self.screen {
                    self.print_log();
                }
            }
            Key::Up => self.scroll = self.scroll.saturating_sub(1),
            Key::Down => self.scroll += 1,
            Key::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Key::PageDown => self.scroll += page,
            Key::Quit | Key::Recheck | Key::Redraw => {}
        }
    }

    fn screen(&self) -> Screen<'_> {
        Screen {
            paths: self.paths,
            results: &self.results,
            focus: self.focus,
            state: &self.state,
            how: self.how.as_deref(),
            details: self.details,
        }
    }

    fn draw(&mut self) {
        if !self.screen {
            return;
        }
        let (columns, rows) = term::size().unwrap_or((80, 24));
        let style = self.style.with_columns(columns);
        let mut scroll = self.scroll;
        let lines = self.screen().lines(style, rows, &mut scroll);
        self.scroll = scroll;
        term::draw(&lines);
    }

    /// Without a terminal: the verdict, after a rule, every line of it.
    fn print_log(&self) {
        use std::io::Write;
        let text = format!(
            "{}\n{}",
            "─".repeat(self.style.width),
            self.screen().log(self.style)
        );
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }
}

/// A hash of every `.rs` file below `dir`, names and contents.
fn content_hash(dir: &Path) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    checker::util::files::hash_sources(&mut h, dir);
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
