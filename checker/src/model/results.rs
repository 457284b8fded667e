//! Structured results: what the engine returns and every reporter renders.
//!
//! Nothing here is parsed from human-readable test output. A test's result
//! comes from the result file its harness wrote (see `protocol`), or from
//! what the runner saw happen to the process (killed, exited, crashed).

/// The verdict of one hidden test, or of a task (see [`task_status`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Pass,
    /// The code reached `todo!()`: not started yet.
    NotStarted,
    /// An expectation of the test did not hold.
    Fail,
    /// The code under test panicked.
    Panic,
    /// Every task was waiting and nothing could wake them.
    Deadlock,
    /// The code blocked the runtime's thread (measured, not guessed).
    Blocked,
    /// Ran past the wall-clock deadline: a busy loop or a blocking call.
    Timeout,
    /// The process ended without a result: `exit`, abort, signal.
    Crashed,
    /// The process hit the memory limit.
    OutOfMemory,
    /// The exercise does not compile.
    CompileError,
    /// Graded code that reaches outside its exercise; not built.
    Rejected,
}

impl Status {
    /// Every status, for reading keys back.
    pub const ALL: [Status; 11] = [
        Status::Pass,
        Status::NotStarted,
        Status::Fail,
        Status::Panic,
        Status::Deadlock,
        Status::Blocked,
        Status::Timeout,
        Status::Crashed,
        Status::OutOfMemory,
        Status::CompileError,
        Status::Rejected,
    ];

    /// The status whose [`key`](Status::key) is `key`.
    pub fn from_key(key: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The stable name used in JSON reports.
    pub fn key(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::NotStarted => "not_started",
            Status::Fail => "fail",
            Status::Panic => "panic",
            Status::Deadlock => "deadlock",
            Status::Blocked => "blocked",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::OutOfMemory => "out_of_memory",
            Status::CompileError => "compile_error",
            Status::Rejected => "rejected",
        }
    }

    /// A few words for the terminal.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "passed",
            Status::NotStarted => "not started",
            Status::Fail => "failed",
            Status::Panic => "panicked",
            Status::Deadlock => "deadlock",
            Status::Blocked => "blocked runtime",
            Status::Timeout => "timed out",
            Status::Crashed => "crashed",
            Status::OutOfMemory => "out of memory",
            Status::CompileError => "build error",
            Status::Rejected => "rejected",
        }
    }
}

/// One event of a test's log, on the virtual clock.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at_ms: u64,
    pub actor: String,
    pub what: String,
}

/// A panic seen in the test process.
#[derive(Clone, Debug, PartialEq)]
pub struct PanicInfo {
    pub message: String,
    /// Relative to the course root when inside it.
    pub location: Option<String>,
    pub thread: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Captured {
    /// At most the runner's cap; the rest is counted in `dropped_bytes`.
    pub text: String,
    pub dropped_bytes: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestResult {
    pub name: String,
    pub task: u32,
    pub status: Status,
    /// What went wrong, in the pattern's terms. Empty on a pass.
    pub message: String,
    /// Expected against actual, ANSI-coloured (reporters strip colour).
    pub diff: Option<String>,
    /// Where it went wrong, `path:line:col`, relative when possible.
    pub location: Option<String>,
    pub panics: Vec<PanicInfo>,
    pub events: Vec<Event>,
    pub expected_events: Option<String>,
    pub wall_ms: f64,
    pub virtual_ms: f64,
    pub busy_ms: f64,
    pub stdout: Captured,
    pub stderr: Captured,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskResult {
    pub number: u32,
    pub item: &'static str,
    pub title: &'static str,
    pub points: u32,
    pub earned: u32,
    pub status: Status,
    pub tests: Vec<TestResult>,
}

/// The compiler's verdict on an exercise that does not build.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    /// The first error, as rustc rendered it (ANSI-coloured).
    pub first: String,
    /// `path:line:col` of the first error, relative when possible.
    pub location: Option<String>,
    pub error_count: usize,
}

/// A compiler warning in the code under test: never a verdict, often a
/// clue (an ignored `send` result is `unused_must_use`).
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// As rustc rendered it (ANSI-coloured).
    pub message: String,
    pub location: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseResult {
    pub dir: &'static str,
    pub title: &'static str,
    /// What was checked: "exercises/01-bounded-send", a fixture, a submission.
    pub source: String,
    pub compile_error: Option<CompileError>,
    /// Compiler warnings in the code under test (at most a few).
    pub warnings: Vec<Warning>,
    pub tasks: Vec<TaskResult>,
}

impl ExerciseResult {
    pub fn earned(&self) -> u32 {
        self.tasks.iter().map(|t| t.earned).sum()
    }

    pub fn max(&self) -> u32 {
        self.tasks.iter().map(|t| t.points).sum()
    }

    pub fn passed(&self) -> bool {
        self.tasks.iter().all(|t| t.status == Status::Pass)
    }

    /// Rewrites paths that name a copy of the code (`from`, a prefix such
    /// as `target/checker/staged/learner/01-bounded-send/`) as the code's
    /// own folder (`to`), everywhere a path can appear.
    pub fn relocate(&mut self, from: &str, to: &str) {
        let fix = |s: &mut String| {
            if s.contains(from) {
                *s = s.replace(from, to);
            }
        };
        if let Some(c) = &mut self.compile_error {
            fix(&mut c.first);
            if let Some(l) = &mut c.location {
                fix(l);
            }
        }
        for w in &mut self.warnings {
            fix(&mut w.message);
            if let Some(l) = &mut w.location {
                fix(l);
            }
        }
        for t in self.tasks.iter_mut().flat_map(|t| t.tests.iter_mut()) {
            fix(&mut t.message);
            if let Some(l) = &mut t.location {
                fix(l);
            }
            for p in &mut t.panics {
                fix(&mut p.message);
                if let Some(l) = &mut p.location {
                    fix(l);
                }
            }
        }
    }
}

/// The verdict of a task from its tests: full points only when every test
/// passes. Otherwise the verdict of its first failing test (tests are in
/// name order) that got further than `todo!()`; a task whose failing tests
/// all hit `todo!()` is not started.
pub fn task_status(tests: &[TestResult]) -> Status {
    let failing: Vec<Status> = tests
        .iter()
        .map(|t| t.status)
        .filter(|s| *s != Status::Pass)
        .collect();
    if tests.is_empty() {
        return Status::Fail;
    }
    if failing.is_empty() {
        return Status::Pass;
    }
    failing
        .iter()
        .copied()
        .find(|s| *s != Status::NotStarted)
        .unwrap_or(Status::NotStarted)
}

impl ExerciseResult {
    /// For unit tests, here and in `checker/instructor`: `e`'s result with
    /// no points, each task given its status and tests by `task` (`None`
    /// leaves the task out).
    pub fn with_tasks(
        e: &'static crate::model::course::Exercise,
        mut task: impl FnMut(&crate::model::course::Task) -> Option<(Status, Vec<TestResult>)>,
    ) -> ExerciseResult {
        ExerciseResult {
            dir: e.dir,
            title: e.title,
            source: String::new(),
            compile_error: None,
            warnings: Vec::new(),
            tasks: e
                .tasks
                .iter()
                .filter_map(|t| {
                    let (status, tests) = task(t)?;
                    Some(TaskResult {
                        number: t.number,
                        item: t.item,
                        title: t.title,
                        points: t.points,
                        earned: 0,
                        status,
                        tests,
                    })
                })
                .collect(),
        }
    }
}
