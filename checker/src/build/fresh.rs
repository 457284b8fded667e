//! A fresh start for every grading batch: nothing an earlier batch left
//! behind takes part in this one.
//!
//! Grading slots (`g0`, `g1`, ...) are reused by name from batch to batch.
//! Without containment, a test process of an earlier batch could have
//! rewritten a slot's compiled test binary, and cargo would reuse it (it
//! does not re-hash its outputs). So before a batch the checker removes
//! every grading slot's copies (`grading/`, `staged/g*`, `ws/g*`) and its
//! compiled crates (cargo's fingerprint, the crate files and the linked
//! binary), and cargo compiles each submission from its sources again.
//! Shared dependencies (tokio and the rest) are kept: no test process can
//! write them under containment, and they are never grading output.

use crate::build::footprint::{self, entries, is_grading};
use crate::model::course::Paths;
use std::path::Path;

fn remove(path: &Path) {
    footprint::remove(&[path.to_path_buf()]);
}

/// Removes every trace of earlier grading batches from the work area.
pub fn clear_grading(paths: &Paths) {
    let work = paths.work();
    remove(&work.join("grading"));
    for area in ["staged", "ws"] {
        for (name, path) in entries(&work.join(area)) {
            if name.starts_with('g') && name[1..].starts_with(|c: char| c.is_ascii_digit()) {
                remove(&path);
            }
        }
    }
    let debug = work.join("build").join("debug");
    // Cargo names a crate's fingerprint folder `<package>-<hash>` and its
    // files in deps/ `<crate>-<hash>.*`: the hash ties them together.
    let mut hashes = Vec::new();
    for (name, path) in entries(&debug.join(".fingerprint")) {
        if is_grading(&name, '-') {
            if let Some((_, hash)) = name.rsplit_once('-') {
                hashes.push(hash.to_string());
            }
            remove(&path);
        }
    }
    for (name, path) in entries(&debug.join("deps")) {
        let stem = name.split('.').next().unwrap_or("");
        // rustc's temporary folders (`rmeta*`, `rustc*`) outlive a rustc
        // that was stopped (see `buildlimit`); no rustc runs now.
        let temporary = path.is_dir() && (name.starts_with("rmeta") || name.starts_with("rustc"));
        if temporary || hashes.iter().any(|h| stem.ends_with(&format!("-{h}"))) {
            remove(&path);
        }
    }
    // What the compiler wrapper counted against each submission's budget.
    remove(&crate::build::buildlimit::ledger_dir(&work.join("build")));
    for (name, path) in entries(&debug) {
        if is_grading(&name, '-') {
            remove(&path);
        }
    }
}
