//! The engine: run the hidden tests of exercises against implementations.
//!
//! `run` is the one function every front end calls (`check`, `verify`,
//! `grade`...). It builds the shadow workspace, runs each test in its own
//! process and returns structured results; reporters only render them.

use crate::build::compile::{self, Progress};
use crate::build::integrity::Stamp;
use crate::build::shadow::{self, Target};
use crate::model::course::Paths;
use crate::model::results::{
    CompileError, ExerciseResult, Status, TaskResult, TestResult, task_status,
};
use crate::run::cache;
use crate::run::options::Options;
use crate::run::pristine;
use crate::run::protocol;
use crate::run::runner::{self, Job};
use crate::run::slots::{self, Slots};
use crate::run::worklock;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Builds and runs the hidden tests of every target. Results come back in
/// the order of `targets`.
pub fn run(
    paths: &Paths,
    targets: &[Target],
    opts: &Options,
) -> std::io::Result<Vec<ExerciseResult>> {
    run_streaming(paths, targets, opts, &mut |_, _| {})
}

/// Called with a target's index and its result as soon as every target
/// before it has one too, so that a report can be printed in order while
/// later targets are still building.
pub type Emit<'a> = &'a mut dyn FnMut(usize, &ExerciseResult);

/// [`run`], telling `emit` about each result in order as soon as it is
/// known. When more than one target must be built, the first of them (the
/// exercise the learner is on: every one before it is answered from the
/// cache) is built and tested on its own first, while the others build
/// behind it: a first run shows its verdict without waiting for the whole
/// course.
pub fn run_streaming(
    paths: &Paths,
    targets: &[Target],
    opts: &Options,
    emit: Emit,
) -> std::io::Result<Vec<ExerciseResult>> {
    let _lock = lock(paths)?;
    crate::util::timings::mark("locked");
    let use_cache = opts.cache && !opts.bless;
    // Once per slot: a learner's whole course is one.
    let slots: std::collections::BTreeSet<&str> = targets.iter().map(|t| t.slot.as_str()).collect();
    for slot in slots {
        crate::build::prune::touch(paths, slot);
    }
    // Content keys only where the cache is used: hashing every target's
    // sources, hidden tests and harness is wasted on a bulk run.
    let keys: Vec<u64> = if use_cache {
        targets.iter().map(|t| cache::key(paths, t, opts)).collect()
    } else {
        Vec::new()
    };
    let mut results: Vec<Option<ExerciseResult>> = (0..targets.len())
        .map(|i| {
            let key = *keys.get(i)?;
            cache::load(paths, &targets[i], key).or_else(|| {
                // Kept in the cache too: the next run reads one small file.
                let r = pristine::load(paths, &targets[i], opts)?;
                cache::store(paths, &targets[i], key, &r);
                Some(r)
            })
        })
        .collect();
    let stale: Vec<usize> = (0..targets.len())
        .filter(|i| results[*i].is_none())
        .collect();
    let mut emitted = 0;
    let mut flush = |results: &[Option<ExerciseResult>], emit: Emit| {
        while let Some(Some(r)) = results.get(emitted) {
            crate::util::timings::mark(&format!("verdict:{}", r.dir));
            emit(emitted, r);
            emitted += 1;
        }
    };
    flush(&results, emit);
    if !stale.is_empty() {
        let todo: Vec<Target> = stale.iter().map(|i| targets[*i].clone()).collect();
        // Only where a person waits for the first verdict: a bulk run
        // (verify, the fixtures) has no "current" exercise.
        let first_alone = use_cache && todo.len() > 1;
        run_phases(
            paths,
            &todo,
            opts,
            &|_, _| None,
            first_alone,
            &mut |j, r| {
                let i = stale[j];
                if use_cache {
                    cache::store(paths, &targets[i], keys[i], r);
                }
                results[i] = Some(r.clone());
                flush(&results, &mut *emit);
            },
        )?;
        // A build is what leaves crates behind: bound them while the lock
        // is still held.
        crate::build::prune::prune(paths);
        crate::util::timings::mark("pruned");
    }
    Ok(results.into_iter().flatten().collect())
}

/// Holds the checker's work area for one process (see [`worklock`]).
/// The lock is released when the returned file is dropped.
pub fn lock(paths: &Paths) -> std::io::Result<std::fs::File> {
    worklock::lock(paths)
}

/// [`run`] for a caller that already holds [`lock`].
pub fn run_locked(
    paths: &Paths,
    targets: &[Target],
    opts: &Options,
) -> std::io::Result<Vec<ExerciseResult>> {
    run_screened(paths, targets, opts, &|_, _| None)
}

/// Decides, after the build and before any test runs, whether a target's
/// build may be used: `Some(reason)` rejects it (see `grade`).
pub type Screen<'a> = &'a dyn Fn(&Target, &compile::BuildOutcome) -> Option<CompileError>;

/// [`run_locked`] with a screening step between the build and the tests.
/// A rejected target runs no test, and its compiler messages are dropped.
pub fn run_screened(
    paths: &Paths,
    targets: &[Target],
    opts: &Options,
    screen: Screen,
) -> std::io::Result<Vec<ExerciseResult>> {
    let mut results: Vec<Option<ExerciseResult>> = vec![None; targets.len()];
    run_phases(paths, targets, opts, screen, false, &mut |i, r| {
        results[i] = Some(r.clone())
    })?;
    Ok(results.into_iter().flatten().collect())
}

/// Builds and tests `targets`, telling `done` about each result (by index,
/// in no particular order). With `first_alone`, the first target is built
/// and tested before the others, whose build runs while its tests do.
fn run_phases(
    paths: &Paths,
    targets: &[Target],
    opts: &Options,
    screen: Screen,
    first_alone: bool,
    done: &mut dyn FnMut(usize, &ExerciseResult),
) -> std::io::Result<()> {
    let manifest = shadow::write(paths, targets)?;
    crate::util::timings::mark("staged");
    let results_dir = paths.work().join("results");
    std::fs::create_dir_all(&results_dir)?;
    let split = if first_alone { 1 } else { targets.len() }.min(targets.len());
    let (front, back) = targets.split_at(split);

    if back.is_empty() {
        return build_and_test(paths, &manifest, front, opts, screen, &results_dir, done);
    }
    let mut progress = Progress::on_stderr();
    let built = compile::build(paths, &manifest, front, opts.jobs, |name| {
        progress.crate_done(name)
    })?;
    progress.finish();
    crate::util::timings::mark("built");
    // The rest builds while the front's tests run; its progress line
    // waits until the front's verdict is out, so the two never mix.
    let quiet = std::sync::atomic::AtomicBool::new(true);
    std::thread::scope(|s| {
        let behind = s.spawn(|| {
            let mut progress = Progress::on_stderr();
            let built = compile::build(paths, &manifest, back, opts.jobs, |name| {
                if !quiet.load(Ordering::Relaxed) {
                    progress.crate_done(name)
                }
            });
            (built, progress)
        });
        test_phase(paths, front, 0, &built, opts, screen, &results_dir, done)?;
        quiet.store(false, Ordering::Relaxed);
        let (built, progress) = behind
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        progress.finish();
        crate::util::timings::mark("built");
        test_phase(
            paths,
            back,
            split,
            &built?,
            opts,
            screen,
            &results_dir,
            done,
        )
    })
}

/// Runs the tests of `targets` (numbered from `offset` for `done`) that
/// `built` produced, and assembles their results.
#[allow(clippy::too_many_arguments)]
fn test_phase(
    paths: &Paths,
    targets: &[Target],
    offset: usize,
    built: &compile::BuildOutcome,
    opts: &Options,
    screen: Screen,
    results_dir: &std::path::Path,
    done: &mut dyn FnMut(usize, &ExerciseResult),
) -> std::io::Result<()> {
    let queue = Queue::default();
    let (prepared, finished) = with_workers(paths, opts, &queue, || {
        let prepared = targets
            .iter()
            .enumerate()
            .map(|(i, t)| prepare(paths, t, i, built, opts, screen, results_dir, &queue))
            .collect::<std::io::Result<Vec<Prepared>>>();
        crate::util::timings::mark("listed");
        prepared
    });
    finish(paths, targets, offset, prepared?, finished, built, done);
    Ok(())
}

/// Builds `targets` and runs their tests in one go: each target's tests
/// start as soon as its test binary is linked, while cargo builds the
/// rest, so that the tests' idle time (a deadline waited out, a test
/// asleep) goes to the compiler and the compiler's to the tests.
#[allow(clippy::too_many_arguments)]
fn build_and_test(
    paths: &Paths,
    manifest: &std::path::Path,
    targets: &[Target],
    opts: &Options,
    screen: Screen,
    results_dir: &std::path::Path,
    done: &mut dyn FnMut(usize, &ExerciseResult),
) -> std::io::Result<()> {
    let queue = Queue::default();
    let index: std::collections::HashMap<String, usize> = targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.harness_package(), i))
        .collect();
    let mut prepared: Vec<Option<Prepared>> = (0..targets.len()).map(|_| None).collect();
    let (built, finished) = with_workers(paths, opts, &queue, || {
        let mut progress = Progress::on_stderr();
        let mut failed = None;
        let built = compile::build_streaming(
            paths,
            manifest,
            targets,
            opts.jobs,
            |name| progress.crate_done(name),
            |key, so_far| {
                let Some(&i) = index.get(key) else { return };
                if failed.is_some() {
                    return;
                }
                crate::util::timings::mark("built");
                match prepare(
                    paths,
                    &targets[i],
                    i,
                    so_far,
                    opts,
                    screen,
                    results_dir,
                    &queue,
                ) {
                    Ok(p) => prepared[i] = Some(p),
                    Err(e) => failed = Some(e),
                }
                crate::util::timings::mark("listed");
            },
        );
        progress.finish();
        let built = built?;
        if let Some(e) = failed {
            return Err(e);
        }
        crate::util::timings::mark("built");
        // What did not link: its compile error, a missing file, a refusal.
        for (i, t) in targets.iter().enumerate() {
            if prepared[i].is_none() {
                prepared[i] = Some(prepare(
                    paths,
                    t,
                    i,
                    &built,
                    opts,
                    screen,
                    results_dir,
                    &queue,
                )?);
            }
        }
        crate::util::timings::mark("listed");
        Ok(built)
    });
    let built = built?;
    let prepared = prepared.into_iter().flatten().collect();
    finish(paths, targets, 0, prepared, finished, &built, done);
    Ok(())
}

/// Whether a target's tests run, decided once its build is known.
struct Prepared {
    /// Why it runs no test, if it does not.
    early: Option<CompileError>,
    /// Whether that reason is the screening's.
    refused: bool,
}

/// Decides whether target `i` runs its tests and, if it does, queues them.
#[allow(clippy::too_many_arguments)]
fn prepare(
    paths: &Paths,
    t: &Target,
    i: usize,
    built: &compile::BuildOutcome,
    opts: &Options,
    screen: Screen,
    results_dir: &std::path::Path,
    queue: &Queue,
) -> std::io::Result<Prepared> {
    let key = t.harness_package();
    let no_test = |early| Prepared {
        early: Some(early),
        refused: false,
    };
    if let Some(problem) = crate::build::missing::problem(paths, t.exercise, &t.source) {
        return Ok(no_test(problem));
    }
    if let Some(reason) = screen(t, built) {
        return Ok(Prepared {
            early: Some(reason),
            refused: true,
        });
    }
    let Some(binary) = built.binaries.get(&key) else {
        return Ok(no_test(built.errors.get(&key).cloned().unwrap_or_else(
            || {
                CompileError {
                    first: built
                        .cargo_error
                        .clone()
                        .unwrap_or_else(|| "cargo produced no test binary".to_string()),
                    location: None,
                    error_count: 1,
                }
            },
        )));
    };
    let stamp = Stamp::of(binary)?;
    let mut jobs = Vec::new();
    for (task, name) in runner::list(binary, opts.deadline)? {
        // Neither named nor numbered in order: the scratch folder next
        // to it is the test's working directory, which the code under
        // test can read, and a name or a position in the list says
        // which test runs (exercise 09's names say which mutant).
        let n = queue.numbered.fetch_add(1, Ordering::Relaxed);
        let token = protocol::nonce(&results_dir.join(n.to_string()));
        let result_file = results_dir.join(format!("{key}-{token}.json"));
        jobs.push((
            i,
            task,
            Job {
                binary: binary.clone(),
                // One nonce per test: what one test process might
                // learn is worth nothing to another.
                nonce: protocol::nonce(&result_file),
                result_file,
                test: name,
                snapshot_dir: paths.hidden(t.exercise).join("snapshots"),
                insta_root: paths.checker(),
                deadline: opts.deadline,
                bless: opts.bless,
                stamp: stamp.clone(),
                seed: opts.seed,
            },
        ));
    }
    queue.push(jobs);
    Ok(Prepared {
        early: None,
        refused: false,
    })
}

/// A test waiting to run: its target's index, its task, the test.
type Queued = (usize, u32, Job);

/// The tests waiting to run, filled while they run.
#[derive(Default)]
struct Queue {
    /// The tests not started yet, and whether more may come.
    state: Mutex<(std::collections::VecDeque<Queued>, bool)>,
    ready: std::sync::Condvar,
    /// Tests queued so far, to number their scratch folders.
    numbered: AtomicUsize,
}

impl Queue {
    fn push(&self, jobs: Vec<Queued>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0.extend(jobs);
        self.ready.notify_all();
    }

    /// No more tests will come.
    fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.1 = true;
        self.ready.notify_all();
    }

    /// The next test, waiting for one while more may come.
    fn pop(&self) -> Option<Queued> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(job) = state.0.pop_front() {
                return Some(job);
            }
            if state.1 {
                return None;
            }
            state = self.ready.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Runs `feed` (which fills `queue`) while workers run the queued tests,
/// one per process that may run at once: a worker starts a test only when
/// a processor slot is free or lent by a sleeping test. Returns what
/// `feed` returned and every test's result, by target index.
fn with_workers<R>(
    paths: &Paths,
    opts: &Options,
    queue: &Queue,
    feed: impl FnOnce() -> R,
) -> (R, Vec<(usize, TestResult)>) {
    let finished: Mutex<Vec<(usize, TestResult)>> = Mutex::new(Vec::new());
    let slots = Slots::new(opts.jobs);
    let workers = opts.jobs.max(1) * slots::PER_SLOT;
    let fed = std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some((i, task, job)) = queue.pop() {
                    let mut slot = slots.take();
                    let result = match runner::run(&job, &mut slot) {
                        Ok(f) => protocol::interpret(paths, task, &job.test, &job.nonce, f),
                        Err(e) => spawn_failure(task, &job.test, e),
                    };
                    drop(slot);
                    finished
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((i, result));
                }
            });
        }
        // Closed whatever `feed` did: the workers end once the queue is empty.
        let fed = feed();
        queue.close();
        fed
    });
    crate::util::timings::mark("tested");
    (
        fed,
        finished.into_inner().unwrap_or_else(|p| p.into_inner()),
    )
}

/// Assembles each target's result from its tests and calls `done`.
fn finish(
    paths: &Paths,
    targets: &[Target],
    offset: usize,
    prepared: Vec<Prepared>,
    mut finished: Vec<(usize, TestResult)>,
    built: &compile::BuildOutcome,
    done: &mut dyn FnMut(usize, &ExerciseResult),
) {
    // Stable order: by test name within an exercise, whatever finished first.
    finished.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    for (i, (t, p)) in targets.iter().zip(prepared).enumerate() {
        let tests: Vec<TestResult> = finished
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, r)| r.clone())
            .collect();
        let r = match p.early {
            Some(reason) if p.refused => rejected(paths, t, reason),
            other => {
                let mut r = assemble(paths, t, other, tests);
                r.warnings = built
                    .warnings
                    .get(&t.harness_package())
                    .cloned()
                    .unwrap_or_default();
                crate::run::owner::explain_panics(paths, t, &mut r);
                // Messages name the staged copy; the learner knows their own file.
                let staged = format!("{}/", paths.display(&t.staged(paths)));
                r.relocate(&staged, &format!("{}/", r.source));
                crate::model::cap::result(&mut r);
                r
            }
        };
        done(offset + i, &r);
    }
}

fn spawn_failure(task: u32, name: &str, e: std::io::Error) -> TestResult {
    TestResult {
        name: name.to_string(),
        task,
        status: Status::Crashed,
        message: format!("the test process could not be started: {e}"),
        diff: None,
        location: None,
        panics: Vec::new(),
        events: Vec::new(),
        expected_events: None,
        wall_ms: 0.0,
        virtual_ms: 0.0,
        busy_ms: 0.0,
        stdout: Default::default(),
        stderr: Default::default(),
    }
}

/// The result for code that was refused before building (graded code that
/// reaches outside its exercise): every task rejected, no points.
pub fn rejected(paths: &Paths, t: &Target, reason: CompileError) -> ExerciseResult {
    let mut r = assemble(paths, t, Some(reason), Vec::new());
    for task in &mut r.tasks {
        task.status = Status::Rejected;
    }
    crate::model::cap::result(&mut r);
    r
}

/// Groups test results into the exercise's tasks and awards points.
fn assemble(
    paths: &Paths,
    t: &Target,
    compile_error: Option<CompileError>,
    tests: Vec<TestResult>,
) -> ExerciseResult {
    let tasks = t
        .exercise
        .tasks
        .iter()
        .map(|task| {
            let tests: Vec<TestResult> = tests
                .iter()
                .filter(|r| r.task == task.number)
                .cloned()
                .collect();
            let status = if compile_error.is_some() {
                Status::CompileError
            } else {
                task_status(&tests)
            };
            TaskResult {
                number: task.number,
                item: task.item,
                title: task.title,
                points: task.points,
                earned: if status == Status::Pass {
                    task.points
                } else {
                    0
                },
                status,
                tests,
            }
        })
        .collect();
    ExerciseResult {
        dir: t.exercise.dir,
        title: t.exercise.title,
        source: paths.display(&t.source),
        compile_error,
        warnings: Vec::new(),
        tasks,
    }
}
