//! Verdicts cached by the content of what was checked.
//!
//! A check whose inputs are byte-for-byte the same as last time (the code
//! under test, the hidden tests and snapshots, the harness, the checker
//! itself, the options) gets last time's verdict without building or
//! running anything. Verdicts that depend on the machine's load (timeouts,
//! a blocked runtime, crashes) are never cached.

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
    t.slot.hash(&mut h);
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

/// Last time's verdict for `t`, if its key still matches.
pub fn load(paths: &Paths, t: &Target, key: u64) -> Option<ExerciseResult> {
    let text = std::fs::read_to_string(file(paths, t)).ok()?;
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
    let path = file(paths, t);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = std::fs::write(path, doc);
}
