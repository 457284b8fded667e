//! The course definition: exercises, their tasks, points and hints.
//!
//! This is the one place that knows what the course contains. Each
//! exercise's metadata lives next to its hidden tests, in
//! `checker/hidden/<exercise>/meta.rs`, and is registered here.

use std::path::{Path, PathBuf};

#[path = "../../hidden/01-bounded-send/meta.rs"]
mod ex01;
#[path = "../../hidden/02-clone-senders/meta.rs"]
mod ex02;
#[path = "../../hidden/03-oneshot-reply/meta.rs"]
mod ex03;
#[path = "../../hidden/04-broadcast-fanout/meta.rs"]
mod ex04;
#[path = "../../hidden/05-watch-config/meta.rs"]
mod ex05;
#[path = "../../hidden/06-select-shutdown/meta.rs"]
mod ex06;
#[path = "../../hidden/07-choose-bridge/meta.rs"]
mod ex07;
#[path = "../../hidden/08-kitchen-capstone/meta.rs"]
mod ex08;
#[path = "../../hidden/09-test-your-channels/meta.rs"]
mod ex09;

/// Every exercise, in course order.
pub static EXERCISES: &[&Exercise] = &[
    &ex01::EXERCISE,
    &ex02::EXERCISE,
    &ex03::EXERCISE,
    &ex04::EXERCISE,
    &ex05::EXERCISE,
    &ex06::EXERCISE,
    &ex07::EXERCISE,
    &ex08::EXERCISE,
    &ex09::EXERCISE,
];

/// One exercise crate.
#[derive(Debug)]
pub struct Exercise {
    /// The folder name under `exercises/`, `solutions/` and
    /// `checker/hidden/`, for example `01-bounded-send`.
    pub dir: &'static str,
    /// The Rust library name hidden tests `use`, for example `bounded_send`.
    pub lib: &'static str,
    /// A short title for reports.
    pub title: &'static str,
    pub tasks: &'static [Task],
    /// What to look at when comparing your code with the reference
    /// solution (`checker solution`).
    pub compare: &'static str,
    /// A given component the learner tests instead of writing (exercise
    /// 09): the checker builds its hidden version, with the mutants, in
    /// place of the learner's copy.
    pub component: Option<Component>,
}

/// A given component of an exercise whose tasks are tests (exercise 09).
///
/// The learner's `src/<file>` holds the component as given; in the shadow
/// workspace it becomes `pub use <lib>::*;`, and `<lib>` is a crate of its
/// own built from `checker/hidden/<exercise>/<file>`: the component and
/// its mutants, one of which the harness chooses before each test process
/// runs the learner's code. A crate of its own, so that the learner's code
/// can neither read nor change that choice (it is private there).
#[derive(Clone, Copy, Debug)]
pub struct Component {
    /// The file, relative to `src/` and to the hidden folder.
    pub file: &'static str,
    /// The library name of the hidden component's crate.
    pub lib: &'static str,
}

/// One graded task of an exercise.
#[derive(Debug)]
pub struct Task {
    pub number: u32,
    /// The function (or type) the learner writes.
    pub item: &'static str,
    /// What the task teaches, in a few words.
    pub title: &'static str,
    pub points: u32,
    /// From gentle to explicit.
    pub hints: &'static [&'static str],
}

impl Exercise {
    /// The two-digit number that prefixes the folder name.
    pub fn number(&self) -> &'static str {
        &self.dir[..2]
    }

    pub fn max_points(&self) -> u32 {
        self.tasks.iter().map(|t| t.points).sum()
    }

    pub fn task(&self, number: u32) -> Option<&'static Task> {
        self.tasks.iter().find(|t| t.number == number)
    }

    /// The learner's copy, relative to the course root.
    pub fn learner_file(&self) -> String {
        format!("exercises/{}/src/lib.rs", self.dir)
    }
}

/// Finds an exercise by folder name, number (`1`, `01`) or library name.
pub fn find(name: &str) -> Option<&'static Exercise> {
    let name = name.trim_end_matches('/');
    let name = name.rsplit('/').next().unwrap_or(name);
    EXERCISES.iter().copied().find(|e| {
        e.dir == name
            || e.lib == name
            || e.number() == name
            || name.parse::<u32>().ok() == e.number().parse::<u32>().ok()
    })
}

/// Where everything lives. The checker finds the course from its own
/// source location, so it works from any current directory.
#[derive(Clone, Debug)]
pub struct Paths {
    /// The course: hidden tests, stubs, solutions, the build area.
    pub root: PathBuf,
    /// The learner's copy whose `exercises/` are checked: the course
    /// itself unless `--course DIR` names another copy.
    pub learner: PathBuf,
}

impl Paths {
    pub fn discover() -> Paths {
        let checker = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = checker.parent().unwrap_or(checker).to_path_buf();
        Paths {
            learner: root.clone(),
            root,
        }
    }

    /// The build slot of the learner's code: distinct for distinct copies,
    /// so that checking two copies never mixes their artefacts.
    pub fn learner_slot(&self) -> String {
        if self.learner == self.root {
            return "learner".to_string();
        }
        format!("c-{}", crate::util::files::path_tag(&self.learner))
    }

    pub fn checker(&self) -> PathBuf {
        self.root.join("checker")
    }

    pub fn hidden(&self, e: &Exercise) -> PathBuf {
        self.checker().join("hidden").join(e.dir)
    }

    pub fn stub(&self, e: &Exercise) -> PathBuf {
        self.checker().join("stubs").join(e.dir)
    }

    pub fn solution(&self, e: &Exercise) -> PathBuf {
        self.root.join("solutions").join(e.dir)
    }

    pub fn exercise(&self, e: &Exercise) -> PathBuf {
        self.learner.join("exercises").join(e.dir)
    }

    /// The checker's private build area, apart from `target/debug` so that
    /// an editor's `cargo check` never waits on, or invalidates, its builds.
    pub fn work(&self) -> PathBuf {
        self.root.join("target").join("checker")
    }

    /// The command a learner types to run the checker with `args`, naming
    /// their copy of the course when it is not this one.
    pub fn command(&self, args: &str) -> String {
        if self.learner == self.root {
            format!("cargo run -p checker -- {args}")
        } else {
            format!(
                "cargo run -p checker -- --course {} {args}",
                self.learner.display()
            )
        }
    }

    /// `text` (compiler output, a panic location) with absolute paths
    /// into the learner's copy or the course made relative.
    pub fn relativize(&self, text: &str) -> String {
        let learner = format!("{}/", self.learner.display());
        let root = format!("{}/", self.root.display());
        text.replace(&learner, "").replace(&root, "")
    }

    /// `path` relative to the course root when it lies inside it, for
    /// messages an editor can click.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.learner)
            .or_else(|_| path.strip_prefix(&self.root))
            .unwrap_or(path)
            .display()
            .to_string()
    }
}
