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
//! dependencies are shared; each submission has its own slot, a slot's
//! build is kept for the next batch only under containment (`fresh`), and
//! containment (`sandbox`) keeps a
//! hostile test process away from other submissions where the system
//! offers it (reports say "unsandboxed" where it does not).

use checker::build::shadow::Target;
use checker::model::course::{self, Paths};
use checker::model::grading::{Batch, Finding, Graded, Submission};
use checker::model::results::{CompileError, ExerciseResult};
use checker::run::engine;
use checker::run::options::Options;
use checker::util::files::{find_symlink, mirror, symlink_on_path};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
    require_containment()?;
    let start = Instant::now();
    let _lock = engine::lock(paths)?;
    checker::build::fresh::clear_grading(
        paths,
        submissions.len(),
        checker::run::sandbox::level().is_sandboxed(),
    );
    let mut graded: Vec<Graded> = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    // Per submission, per exercise: an index in `targets`, or the reason
    // it was rejected before the build.
    let mut plan: Vec<Vec<Result<usize, CompileError>>> = Vec::new();
    for (i, sub) in submissions.iter().enumerate() {
        let (g, row) = stage_submission(paths, sub, i, &exercises, &mut targets)?;
        graded.push(g);
        plan.push(row);
    }

    // After the build, what the compiler actually read decides (dep-info),
    // and what it left in the build folder is bounded per exercise (its
    // artefacts are removed when over the cap, so a batch's disk use does
    // not add up across submissions).
    let results = engine::run_screened(paths, &targets, opts, &|t, built| {
        let read = checker::build::depinfo::screen(paths, t, built);
        checker::build::footprint::screen(paths, t).or(read)
    })?;
    for (g, row) in graded.iter_mut().zip(plan) {
        for (e, entry) in exercises.iter().copied().zip(row) {
            let r = match entry {
                Ok(index) => results[index].clone(),
                Err(reason) => rejected(paths, &g.submission, e, reason),
            };
            g.exercises
                .push(as_learner_sees_it(r, &g.submission, submissions, e));
        }
    }
    Ok(Batch {
        graded,
        seconds: start.elapsed().as_secs_f64(),
        containment: checker::run::sandbox::level().describe(),
        contained: checker::run::sandbox::level().is_sandboxed(),
        seed: opts.seed,
    })
}

/// A fresh seed for a batch's varied inputs: unknown to students before
/// the batch runs, small enough to type back (`grade --seed N`) and to
/// stay exact in any JSON reader (below 2^53).
pub fn draw_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish() % 1_000_000_000
}

/// With `CHECKER_REQUIRE_CONTAINMENT=1` (the Gradescope recipe sets it),
/// grading without containment is refused before any submission is
/// built: an autograder that would run student code unsandboxed stops and
/// says why instead.
fn require_containment() -> std::io::Result<()> {
    let level = checker::run::sandbox::level();
    if std::env::var_os("CHECKER_REQUIRE_CONTAINMENT").is_some_and(|v| v == "1")
        && !level.is_sandboxed()
    {
        return Err(std::io::Error::other(format!(
            "containment unavailable, so nothing was graded (CHECKER_REQUIRE_CONTAINMENT=1): \
             test processes would run {}",
            level.describe()
        )));
    }
    Ok(())
}

/// Copies and screens every exercise of one submission into its grading
/// slot (`g{i}`). Exercises that pass screening are added to `targets`.
fn stage_submission(
    paths: &Paths,
    sub: &Submission,
    i: usize,
    exercises: &[&'static course::Exercise],
    targets: &mut Vec<Target>,
) -> std::io::Result<(Graded, Vec<Result<usize, CompileError>>)> {
    let mut g = Graded {
        submission: sub.clone(),
        exercises: Vec::new(),
        review: Vec::new(),
        notes: Vec::new(),
    };
    let mut row = Vec::new();
    for e in exercises.iter().copied() {
        match stage_exercise(paths, sub, i, e, &mut g)? {
            Ok(target) => {
                row.push(Ok(targets.len()));
                targets.push(target);
            }
            Err(reason) => row.push(Err(reason)),
        }
    }
    cap_review(&mut g.review);
    Ok((g, row))
}

/// One exercise of a submission copied into the grading area, its code
/// added to the review list, and screened: the target to build, or why it
/// is rejected unbuilt.
fn stage_exercise(
    paths: &Paths,
    sub: &Submission,
    i: usize,
    e: &'static course::Exercise,
    g: &mut Graded,
) -> std::io::Result<Result<Target, CompileError>> {
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
    // A flood of files, or a path that would not fit below the grading
    // area's longer folder names, is refused before anything is copied.
    let (files, size, longest) = source_extent(&from);
    let flood = files > MAX_FILES || size > MAX_SOURCE;
    let long_path = longest.filter(|p| p.as_os_str().len() > MAX_PATH);
    let mut screened = Vec::new();
    let mut copy_failed = None;
    if !flood && long_path.is_none() {
        // Whatever else goes wrong copying (an unreadable file, say) is this
        // exercise's problem, never the batch's.
        match copy_sources(&from, &to.join("src")) {
            Ok(s) => screened = s,
            Err(err) => copy_failed = Some(err),
        }
    }
    for (rel, text) in &screened {
        let shown = checker::util::controls::one_line(&format!(
            "exercises/{}/src/{}",
            e.dir,
            rel.display()
        ));
        g.review.extend(crate::review::review_source(&shown, text));
    }
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
    let too_long = long_path.map(|p| CompileError {
        first: format!(
            "rejected: a path below src/ is {} bytes long; graded code may use paths of \
             at most {MAX_PATH} bytes below its src/ folder.",
            p.as_os_str().len()
        ),
        location: Some(format!("exercises/{}/src", e.dir)),
        error_count: 1,
    });
    let uncopied = copy_failed.map(|err| CompileError {
        first: format!(
            "rejected: its files could not be copied for grading ({err}); graded code \
             must be readable plain files inside its exercise's src/ folder."
        ),
        location: Some(format!("exercises/{}/src", e.dir)),
        error_count: 1,
    });
    let refused = symlink_refusal(sub, e, &from)
        .or(too_big)
        .or(too_long)
        .or(uncopied)
        .or_else(|| screen_refusal(e, &screened))
        .or_else(|| derive_refusal(paths, e, &screened))
        .or_else(|| type_refusal(paths, e, &screened));
    Ok(match refused {
        Some(reason) => Err(reason),
        None => Ok(Target {
            exercise: e,
            slot,
            source: to,
        }),
    })
}

/// A symbolic link on the way to, or inside, the exercise's `src/`.
fn symlink_refusal(sub: &Submission, e: &course::Exercise, from: &Path) -> Option<CompileError> {
    let src_parts = ["exercises", e.dir, "src"];
    let link = symlink_on_path(&sub.path, &src_parts).or_else(|| find_symlink(from))?;
    Some(CompileError {
        first: "rejected: a symbolic link; graded code must be plain files inside its \
            exercise's src/ folder."
            .to_string(),
        location: Some(
            link.strip_prefix(&sub.path)
                .unwrap_or(&link)
                .display()
                .to_string(),
        ),
        error_count: 1,
    })
}

/// The first rule of the token screen (`build::screen`) that a file breaks.
fn screen_refusal(e: &course::Exercise, screened: &[(PathBuf, String)]) -> Option<CompileError> {
    screened.iter().find_map(|(rel, text)| {
        let dir = rel.parent().unwrap_or(Path::new(""));
        crate::screen::refuse(dir, text).map(|(line, why)| CompileError {
            first: if why.contains("soundness hole") {
                format!("rejected: {why}; graded code may not use it.")
            } else {
                format!(
                    "rejected: {why}. Graded code may only use files inside its own \
                     exercise's src/ folder."
                )
            },
            location: Some(format!("exercises/{}/src/{}:{line}", e.dir, rel.display())),
            error_count: 1,
        })
    })
}

/// A stub type's derived trait written by hand (see
/// `screen::replaced_derive`).
fn derive_refusal(
    paths: &Paths,
    e: &course::Exercise,
    screened: &[(PathBuf, String)],
) -> Option<CompileError> {
    let stub = std::fs::read_to_string(paths.stub(e).join("src/lib.rs")).ok()?;
    let derives = crate::screen::stub_derives(&stub);
    screened.iter().find_map(|(rel, text)| {
        crate::screen::replaced_derive(&derives, text).map(|(line, why)| CompileError {
            first: format!("rejected: {why}."),
            location: Some(format!("exercises/{}/src/{}:{line}", e.dir, rel.display())),
            error_count: 1,
        })
    })
}

/// A stub type redefined, or a name its fields use redeclared (see
/// `stubtypes`).
fn type_refusal(
    paths: &Paths,
    e: &course::Exercise,
    screened: &[(PathBuf, String)],
) -> Option<CompileError> {
    // Every file of the stub: exercise 09 declares its types in `relay.rs`.
    let mut stub = String::new();
    let mut files = checker::util::files::walk_all(&paths.stub(e).join("src"));
    files.sort();
    for file in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
    {
        stub.push_str(&std::fs::read_to_string(file).ok()?);
        stub.push('\n');
    }
    screened.iter().find_map(|(rel, text)| {
        crate::stubtypes::changed_type(&stub, text).map(|(line, why)| CompileError {
            first: format!("rejected: {why}."),
            location: Some(format!("exercises/{}/src/{}:{line}", e.dir, rel.display())),
            error_count: 1,
        })
    })
}

/// The review list stays readable, however much code a submission holds.
fn cap_review(review: &mut Vec<Finding>) {
    if review.len() > checker::model::cap::REVIEW {
        let more = review.len() - checker::model::cap::REVIEW;
        review.truncate(checker::model::cap::REVIEW);
        review.push(Finding {
            file: String::new(),
            line: 0,
            construct: format!("... and {more} more entries, not shown"),
        });
    }
}

/// The result of an exercise rejected before the build.
fn rejected(
    paths: &Paths,
    sub: &Submission,
    e: &'static course::Exercise,
    reason: CompileError,
) -> ExerciseResult {
    let t = Target {
        exercise: e,
        slot: String::new(),
        source: sub.path.join("exercises").join(e.dir),
    };
    engine::rejected(paths, &t, reason)
}

/// Names the learner's folder, not the grading copy, everywhere a path can
/// appear in a result.
fn as_learner_sees_it(
    mut r: ExerciseResult,
    sub: &Submission,
    all: &[Submission],
    e: &course::Exercise,
) -> ExerciseResult {
    r.source = format!("exercises/{}", e.dir);
    let copy = format!("target/checker/grading/{}/{}/", slot_of(sub, all), e.dir);
    r.relocate(&copy, &format!("exercises/{}/", e.dir));
    r
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
/// file or two. Screening is linear, yet a mebibyte of tokens costs a few
/// seconds of the grader's time, paid per exercise.
const MAX_SOURCE: u64 = 1 << 20;
const MAX_FILES: usize = 1000;
/// The longest path below `src/`: the grading area's folders are longer
/// than a submission's, and the system's limit is on the whole path.
const MAX_PATH: usize = 256;

/// How many regular files are below `dir`, their bytes, and the longest
/// path relative to `dir` (links are not followed).
fn source_extent(dir: &Path) -> (usize, u64, Option<PathBuf>) {
    let files = checker::util::files::walk_all(dir);
    let bytes = files
        .iter()
        .filter_map(|p| std::fs::symlink_metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let longest = files
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .max_by_key(|p| p.as_os_str().len())
        .map(Path::to_path_buf);
    (files.len(), bytes, longest)
}

/// The grading slot of a submission: its position in the batch.
fn slot_of(sub: &Submission, all: &[Submission]) -> String {
    let i = all.iter().position(|s| s.path == sub.path).unwrap_or(0);
    format!("g{i}")
}
