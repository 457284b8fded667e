//! A grading batch's results: who was graded, their per-exercise results,
//! and what the instructor should look at.
//!
//! Made by `grade` (crate `checker/instructor`), rendered by every grade
//! reporter and read back by `merge` and the class report; it lives in the
//! model so that everything that reads it needs only this library.

use crate::model::results::ExerciseResult;
use std::path::{Path, PathBuf};

/// One learner's copy of the course.
#[derive(Clone, Debug)]
pub struct Submission {
    /// How reports name it: the folder's name.
    pub name: String,
    pub path: PathBuf,
}

impl Submission {
    pub fn from_path(path: &Path) -> std::io::Result<Submission> {
        let path = std::path::absolute(path)?;
        // A folder's name is the student's choice: it reaches terminals.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let name = crate::util::controls::one_line(&name);
        Ok(Submission { name, path })
    }
}

/// The grade of one submission.
#[derive(Clone, Debug)]
pub struct Graded {
    pub submission: Submission,
    pub exercises: Vec<ExerciseResult>,
    /// Constructs for the instructor to look at; never scored.
    pub review: Vec<Finding>,
    /// Notes about what was graded (a missing exercise, say).
    pub notes: Vec<String>,
}

impl Graded {
    pub fn earned(&self) -> u32 {
        self.exercises.iter().map(|e| e.earned()).sum()
    }

    pub fn max(&self) -> u32 {
        self.exercises.iter().map(|e| e.max()).sum()
    }
}

/// A batch's grades and how long it took.
pub struct Batch {
    pub graded: Vec<Graded>,
    pub seconds: f64,
    /// How test processes were contained (`sandbox::Level::describe`):
    /// report headers say "sandboxed" or "unsandboxed".
    pub containment: String,
    /// Whether they were contained at all: every grade format says so.
    pub contained: bool,
    /// The seed the hidden tests drew their varied inputs from (see the
    /// harness's `vary`): `grade --seed N` replays the batch. `None` for
    /// merged shards graded with different seeds.
    pub seed: Option<u64>,
}

/// One construct an instructor may want to look at.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Relative to the submission.
    pub file: String,
    pub line: usize,
    pub construct: String,
}
