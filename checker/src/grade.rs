//! Grading submissions: a learner's copy of the course in, trusted scores
//! out.
//!
//! Only the learner's `exercises/*/src/` is taken, copied into the
//! checker's own grading area; hidden tests, snapshots, manifests and
//! build settings always come from the checker. Code is screened twice:
//! its tokens before the build (`screen`), and after the build what the
//! compiler actually read (`depinfo`); code that reaches outside its
//! exercise is rejected and scores nothing.
//! Every submission of a batch goes through one engine run, so compiled
//! dependencies are shared; each submission has its own slot, every batch
//! starts from fresh slots (`fresh`), and containment (`sandbox`) keeps a
//! hostile test process away from other submissions where the system
//! offers it (reports say "unsandboxed" where it does not).

use crate::course::{self, Paths};
use crate::engine::{self, Options};
use crate::files::{find_symlink, mirror, symlink_on_path};
use crate::model::{CompileError, ExerciseResult};
use crate::review::{self, Finding};
use crate::shadow::Target;
use std::path::{Path, PathBuf};
use std::time::Instant;

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
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
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
}

/// Grades `submissions` on `exercises` (the whole course when empty).
pub fn grade(
    paths: &Paths,
    submissions: &[Submission],
    exercises: &[&'static course::Exercise],
    opts: &Options,
) -> std::io::Result<Batch> {
    let exercises: Vec<&'static course::Exercise> = if exercises.is_empty() {
        course::EXERCISES.to_vec()
    } else {
        exercises.to_vec()
    };
    let start = Instant::now();
    let _lock = engine::lock(paths)?;
    crate::fresh::clear_grading(paths);
    let mut graded: Vec<Graded> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    // (submission index, exercise index) -> index in `targets`, or the
    // reason it was rejected.
    let mut plan: Vec<Vec<Result<usize, CompileError>>> = Vec::new();

    for (i, sub) in submissions.iter().enumerate() {
        let mut g = Graded {
            submission: sub.clone(),
            exercises: Vec::new(),
            review: Vec::new(),
            notes: Vec::new(),
        };
        let mut row = Vec::new();
        for e in exercises.iter().copied() {
            let from = sub.path.join("exercises").join(e.dir).join("src");
            let slot = format!("g{i}");
            let to = paths.work().join("grading").join(&slot).join(e.dir);
            let from = if from.join("lib.rs").is_file() {
                from
            } else {
                g.notes.push(format!(
                    "exercises/{}/src/lib.rs is missing: graded as the untouched stub",
                    e.dir
                ));
                paths.stub(e).join("src")
            };
            // A flood of files is refused before it is copied.
            let (files, size) = source_extent(&from);
            let flood = files > MAX_FILES || size > MAX_SOURCE;
            let screened = if flood {
                Vec::new()
            } else {
                copy_sources(&from, &to.join("src"))?
            };
            for (rel, text) in &screened {
                let shown = format!("exercises/{}/src/{}", e.dir, rel.display());
                g.review.extend(review::review_source(&shown, text));
            }
            let src_parts = ["exercises", e.dir, "src"];
            let link = symlink_on_path(&sub.path, &src_parts)
                .or_else(|| find_symlink(&from))
                .map(|l| CompileError {
                    first: "rejected: a symbolic link; graded code must be plain files inside its \
                        exercise's src/ folder."
                        .to_string(),
                    location: Some(
                        l.strip_prefix(&sub.path)
                            .unwrap_or(&l)
                            .display()
                            .to_string(),
                    ),
                    error_count: 1,
                });
            let too_big = flood.then(|| CompileError {
                first: format!(
                    "rejected: src/ holds {files} files, {:.1} MiB; graded code may hold at \
                     most {MAX_FILES} files and {} MiB.",
                    size as f64 / (1 << 20) as f64,
                    MAX_SOURCE >> 20
                ),
                location: Some(format!("exercises/{}/src", e.dir)),
                error_count: 1,
            });
            let refused = link.or(too_big).or_else(|| {
                screened.iter().find_map(|(rel, text)| {
                    let dir = rel.parent().unwrap_or(Path::new(""));
                    crate::screen::refuse(dir, text).map(|(line, why)| CompileError {
                        first: format!(
                            "rejected: {why}. Graded code may only use files inside its own \
                         exercise's src/ folder."
                        ),
                        location: Some(format!("exercises/{}/src/{}:{line}", e.dir, rel.display())),
                        error_count: 1,
                    })
                })
            });
            let target = Target {
                exercise: e,
                slot,
                source: to,
            };
            match refused {
                Some(reason) => row.push(Err(reason)),
                None => {
                    row.push(Ok(targets.len()));
                    targets.push(target);
                }
            }
        }
        if g.review.len() > crate::cap::REVIEW {
            let more = g.review.len() - crate::cap::REVIEW;
            g.review.truncate(crate::cap::REVIEW);
            g.review.push(Finding {
                file: String::new(),
                line: 0,
                construct: format!("... and {more} more entries, not shown"),
            });
        }
        plan.push(row);
        graded.push(g);
    }

    // After the build, what the compiler actually read decides (dep-info).
    let results = engine::run_screened(paths, &targets, opts, &|t, built| {
        crate::depinfo::screen(paths, t, built)
    })?;
    for (g, row) in graded.iter_mut().zip(plan) {
        for (e, entry) in exercises.iter().copied().zip(row) {
            let mut r = match entry {
                Ok(index) => results[index].clone(),
                Err(reason) => {
                    let t = Target {
                        exercise: e,
                        slot: String::new(),
                        source: g.submission.path.join("exercises").join(e.dir),
                    };
                    engine::rejected(paths, &t, reason)
                }
            };
            // Name the learner's folder, not the grading copy, everywhere
            // a path can appear.
            r.source = format!("exercises/{}", e.dir);
            let copy = format!(
                "target/checker/grading/{}/{}/",
                slot_of(&g.submission, submissions),
                e.dir
            );
            r.relocate(&copy, &format!("exercises/{}/", e.dir));
            g.exercises.push(r);
        }
    }
    Ok(Batch {
        graded,
        seconds: start.elapsed().as_secs_f64(),
        containment: crate::sandbox::level().describe(),
    })
}

/// Copies the submission's `src/` (every regular file, so data that the
/// code `include_str!`s from inside `src/` keeps working) into the grading
/// area. Returns each `.rs` file's path relative to `to` with its text, for
/// screening and review.
fn copy_sources(from: &Path, to: &Path) -> std::io::Result<Vec<(PathBuf, String)>> {
    Ok(mirror(from, to)?
        .into_iter()
        .filter(|(rel, _)| rel.extension().is_some_and(|x| x == "rs"))
        // Source that is not UTF-8 cannot compile; it is screened as text.
        .map(|(rel, bytes)| (rel, String::from_utf8_lossy(&bytes).into_owned()))
        .collect())
}

/// The most an exercise's `src/` may hold: lessons need a few KiB in a
/// file or two.
const MAX_SOURCE: u64 = 8 << 20;
const MAX_FILES: usize = 1000;

/// How many regular files are below `dir`, and their bytes (links are not
/// followed).
fn source_extent(dir: &Path) -> (usize, u64) {
    let files = crate::files::walk_all(dir);
    let bytes = files
        .iter()
        .filter_map(|p| std::fs::symlink_metadata(p).ok())
        .map(|m| m.len())
        .sum();
    (files.len(), bytes)
}

/// The grading slot of a submission: its position in the batch.
fn slot_of(sub: &Submission, all: &[Submission]) -> String {
    let i = all.iter().position(|s| s.path == sub.path).unwrap_or(0);
    format!("g{i}")
}
