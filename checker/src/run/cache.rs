//! Verdicts cached by the content of what was checked.
//!
//! A check whose inputs are byte-for-byte the same as last time (the code
//! under test, the hidden tests and snapshots, the harness, the checker
//! itself, the options) gets last time's verdict without building or
//! running anything. Verdicts that depend on the machine's load (timeouts,
//! a blocked runtime, crashes) are never cached.
//!
//! The key names the code by its content and by where it sits in its copy
//! of the course, not by the copy: two copies holding the same code (two
//! learners' untouched stubs, a reset exercise, the course's test suite's
//! scratch copies) share one verdict, kept in `cache/shared/`, and only the
//! first of them builds and runs anything.

use crate::build::shadow::Target;
use crate::model::course::Paths;
use crate::model::results::{ExerciseResult, Status};
use crate::run::options::Options;
use crate::util::files::hash_sources;
use crate::util::json::{self, Object, View};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// The content key of one target: changes whenever anything that could
/// change its verdict changes.
pub fn key(paths: &Paths, t: &Target, opts: &Options) -> u64 {
    let mut h = DefaultHasher::new();
    // Where the code sits, as reports show it (relative to its copy).
    paths.display(&t.source).hash(&mut h);
    t.exercise.dir.hash(&mut h);
    opts.deadline.hash(&mut h);
    opts.seed.hash(&mut h);
    hash_sources(&mut h, &t.source.join("src"));
    hash_sources(&mut h, &paths.hidden(t.exercise));
    hash_dir_all(&mut h, &paths.hidden(t.exercise).join("snapshots"));
    hash_sources(&mut h, &paths.checker().join("harness"));
    for manifest in ["Cargo.toml", "Cargo.lock"] {
        std::fs::read(paths.root.join(manifest)).ok().hash(&mut h);
    }
    // A rebuilt checker may judge differently.
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    h.finish()
}

fn hash_dir_all(h: &mut DefaultHasher, dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        f.hash(h);
        std::fs::read(&f).ok().hash(h);
    }
}

fn file(paths: &Paths, t: &Target) -> PathBuf {
    paths
        .work()
        .join("cache")
        .join(format!("{}-{}.json", t.slot, t.exercise.dir))
}

/// The verdict shared by every copy whose code has this key.
fn shared(paths: &Paths, key: u64) -> PathBuf {
    paths
        .work()
        .join("cache/shared")
        .join(format!("{key:016x}.json"))
}

/// How many shared verdicts are kept: the most recently stored ones.
const SHARED_KEPT: usize = 512;

/// Last time's verdict for `t`, or another copy's for the same code, if
/// its key still matches.
pub fn load(paths: &Paths, t: &Target, key: u64) -> Option<ExerciseResult> {
    read(&file(paths, t), key, t).or_else(|| read(&shared(paths, key), key, t))
}

fn read(file: &Path, key: u64, t: &Target) -> Option<ExerciseResult> {
    let text = std::fs::read_to_string(file).ok()?;
    let doc = json::parse(&text)?;
    let v = View::new(&doc);
    if v.get("key").str()? != format!("{key:016x}") {
        return None;
    }
    crate::report::json::read_exercise(t.exercise, v.get("result"))
}

/// Keeps `r` for next time, unless its verdict depended on the machine.
pub fn store(paths: &Paths, t: &Target, key: u64, r: &ExerciseResult) {
    let transient = r.tasks.iter().flat_map(|t| &t.tests).any(|x| {
        matches!(
            x.status,
            Status::Timeout | Status::Blocked | Status::Crashed | Status::OutOfMemory
        )
    });
    if transient {
        let _ = std::fs::remove_file(file(paths, t));
        return;
    }
    let doc = Object::new()
        .str("key", &format!("{key:016x}"))
        .raw("result", &crate::report::json::exercise(r, true))
        .finish();
    let write = |path: PathBuf| {
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, &doc);
    };
    write(file(paths, t));
    if portable(paths, &doc) {
        write(shared(paths, key));
        prune(&paths.work().join("cache/shared"));
    }
}

/// Whether a stored verdict reads the same in every copy of the course:
/// it names no folder of this copy or of the course, and no command (a
/// missing file's explanation says how to restore it, with this copy's
/// `--course`). Only such verdicts are shared; the rest stay this slot's.
fn portable(paths: &Paths, doc: &str) -> bool {
    let folders = [&paths.learner, &paths.root].map(|p| p.display().to_string());
    !doc.contains("cargo run -p checker")
        && folders.iter().all(|f| {
            // As written in JSON, too: Windows' backslashes are escaped.
            !doc.contains(f.as_str()) && !doc.contains(&f.replace('\\', "\\\\"))
        })
}

/// Keeps the shared verdicts to the [`SHARED_KEPT`] newest, so that a long
/// course of edits does not grow the folder without bound.
fn prune(dir: &Path) {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    if files.len() <= SHARED_KEPT {
        return;
    }
    files.sort();
    for (_, f) in &files[..files.len() - SHARED_KEPT] {
        let _ = std::fs::remove_file(f);
    }
}
