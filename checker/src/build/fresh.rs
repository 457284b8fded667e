//! What a grading batch takes over from the batches before it.
//!
//! Grading slots (`g0`, `g1`, ...) are reused by name from batch to batch.
//! Before every batch the checker removes the submissions' copies
//! (`grading/`), rustc's leftover temporary folders and the ledger of the
//! build's processor time. Whether it also removes every slot's compiled
//! crates (cargo's fingerprint, the crate files and the linked binary)
//! depends on what an earlier batch's test processes could write:
//!
//! * **Contained** (Landlock): a test process can write nothing in the
//!   work area, and a compile writes only its own outputs, which follow
//!   from the sources. A slot's build is kept: cargo compiles a submission
//!   again exactly when its staged sources differ from what that slot held
//!   last (the staging writes only changed files, `files::mirror`), so
//!   grading a class again compiles only the submissions that changed.
//!   Slots beyond the batch's last submission lose their builds, so the
//!   work area holds at most one batch's worth of them.
//!   Screening (`depinfo`, `footprint`) and the integrity stamps run on a
//!   kept build as on a new one.
//! * **Uncontained**: a test process of this batch could rewrite any
//!   slot's compiled test binary, and cargo would reuse it (it does not
//!   re-hash its outputs). So every slot's builds go, the batch compiles
//!   each submission from its sources, and a mark stays in the work area
//!   until a contained batch has removed them too.
//!
//! Shared dependencies (tokio and the rest) are kept either way: they are
//! never grading output, and no test process can write them under
//! containment. Without containment nothing in the work area is safe from
//! a hostile test process (it could also delete the mark, or change a
//! dependency): after grading untrusted code with `CHECKER_SANDBOX=off`,
//! remove `target/checker` before trusting a contained batch.

use crate::build::footprint::{self, entries, grading_slot, slot_number};
use crate::model::course::Paths;
use std::path::Path;

fn remove(path: &Path) {
    footprint::remove(&[path.to_path_buf()]);
}

/// Marks that an uncontained batch used the grading slots: the next
/// contained batch must not trust what they hold.
const UNCONTAINED_MARK: &str = "grading-uncontained";

/// Prepares the work area for a batch of `submissions` whose test
/// processes run contained (`contained`) or not: see the module's
/// documentation. Slots this batch does not use lose their builds either
/// way, so the work area holds at most one batch's worth of them.
pub fn clear_grading(paths: &Paths, submissions: usize, contained: bool) {
    let work = paths.work();
    let mark = work.join(UNCONTAINED_MARK);
    if !contained {
        // First, so that the mark is there whatever this batch leaves.
        let _ = std::fs::create_dir_all(&work);
        let _ = std::fs::write(&mark, b"");
    }
    clear_batch_state(paths);
    let kept = if !contained || mark.exists() {
        0
    } else {
        submissions
    };
    remove_slot_builds(paths, kept);
    if contained {
        remove(&mark);
    }
}

/// What belongs to one batch only: the submissions' copies, rustc's
/// temporary folders and the processor-time ledger.
fn clear_batch_state(paths: &Paths) {
    let work = paths.work();
    remove(&work.join("grading"));
    let deps = work.join("build").join("debug").join("deps");
    for (name, path) in entries(&deps) {
        // rustc's temporary folders (`rmeta*`, `rustc*`) outlive a rustc
        // that was stopped (see `buildlimit`); no rustc runs now.
        if path.is_dir() && (name.starts_with("rmeta") || name.starts_with("rustc")) {
            remove(&path);
        }
    }
    // What the compiler wrapper counted against each submission's budget.
    remove(&crate::build::buildlimit::ledger_dir(&work.join("build")));
}

/// Every grading slot's staged sources, manifests and compiled crates, so
/// that each submission is compiled from its sources again.
pub fn clear_slot_builds(paths: &Paths) {
    remove_slot_builds(paths, 0);
}

/// The staged sources, manifests and compiled crates of every grading
/// slot from number `from` on.
fn remove_slot_builds(paths: &Paths, from: usize) {
    let work = paths.work();
    let gone = |n: Option<usize>| n.is_some_and(|n| n >= from);
    for area in ["staged", "ws"] {
        for (name, path) in entries(&work.join(area)) {
            if gone(slot_number(&name)) {
                remove(&path);
            }
        }
    }
    let debug = work.join("build").join("debug");
    // Cargo names a crate's fingerprint folder `<package>-<hash>` and its
    // files in deps/ `<crate>-<hash>.*`: the hash ties them together.
    let mut hashes = Vec::new();
    for (name, path) in entries(&debug.join(".fingerprint")) {
        if gone(grading_slot(&name, '-')) {
            if let Some((_, hash)) = name.rsplit_once('-') {
                hashes.push(hash.to_string());
            }
            remove(&path);
        }
    }
    for (name, path) in entries(&debug.join("deps")) {
        let stem = name.split('.').next().unwrap_or("");
        if hashes.iter().any(|h| stem.ends_with(&format!("-{h}"))) {
            remove(&path);
        }
    }
    for (name, path) in entries(&debug) {
        if gone(grading_slot(&name, '-')) {
            remove(&path);
        }
    }
}
