//! Keeps the shadow build of a learner's or an author's checkout bounded.
//!
//! Every copy of the course that a checker checks (`--course DIR`: a
//! `c-…` slot) and every `--source` folder (`x-…`) gets its own crates in
//! the shared build folder, and every crate compiled incrementally keeps a
//! cache folder per slot. Nothing ever removed them: the test suite alone
//! checks a few dozen scratch copies per run, and an author's
//! `target/checker` grew by gigabytes a day (19 GiB after a few days of
//! work). After each build the checker now keeps the [`KEPT_SLOTS`] copy
//! and source slots used last and removes the rest (their staged code,
//! manifests, compiled crates, cached verdicts and incremental caches),
//! and keeps at most [`KEPT_INCREMENTAL`] incremental caches per crate.
//!
//! What goes is only ever a cache: a slot used again is built from its
//! sources, with the same verdict. The learner's own slot, the reference
//! solutions', the stubs' and the fixtures' are never removed here (there
//! is a fixed number of them), nor are tokio and the other dependencies,
//! which are never compiled incrementally.

use crate::build::footprint::{self, entries};
use crate::model::course::Paths;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Copy and source slots kept, the ones used last: a learner works in one
/// or two; a test run's scratch copies come and go.
pub const KEPT_SLOTS: usize = 8;

/// Incremental caches kept per crate, the ones written last. An exercise's
/// library is compiled incrementally in the learner's slot and in each
/// copy or source slot, so one cache per slot kept above, and a few more.
pub const KEPT_INCREMENTAL: usize = KEPT_SLOTS + 4;

/// Whether `slot` is one that [`prune`] may remove when unused: a copy's
/// or a source folder's.
fn prunable(slot: &str) -> bool {
    slot.starts_with("c-") || slot.starts_with("x-")
}

fn marks(paths: &Paths) -> PathBuf {
    paths.work().join("slots")
}

/// Notes that `slot` is in use now, so that [`prune`] keeps it.
pub fn touch(paths: &Paths, slot: &str) {
    if !prunable(slot) {
        return;
    }
    let dir = marks(paths);
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(f) = std::fs::File::create(dir.join(slot)) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// When `path` last changed; the oldest possible time when unknown, so
/// that what cannot be dated goes first.
fn modified(path: &Path) -> SystemTime {
    path.metadata()
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Removes what the slots used longest ago and the oldest incremental
/// caches left in the build folder. The caller holds the work area's lock.
pub fn prune(paths: &Paths) {
    let work = paths.work();
    // Slots seen in the staged code or marked as used; a slot staged before
    // marks existed has none and counts as the oldest.
    let mut slots: HashMap<String, SystemTime> = HashMap::new();
    for (name, _) in entries(&work.join("staged")) {
        if prunable(&name) {
            slots.insert(name, SystemTime::UNIX_EPOCH);
        }
    }
    for (name, path) in entries(&marks(paths)) {
        slots.insert(name, modified(&path));
    }
    if slots.len() > KEPT_SLOTS {
        let mut by_age: Vec<(String, SystemTime)> = slots.into_iter().collect();
        by_age.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        for (slot, _) in by_age.drain(KEPT_SLOTS..) {
            remove_slot(&work, &slot);
        }
    }
    cap_incremental(&work.join("build/debug/incremental"));
}

/// Removes every file of `slot` from the work area.
fn remove_slot(work: &Path, slot: &str) {
    let debug = work.join("build/debug");
    let mut files = footprint::slot_files(&debug, slot);
    // Cargo's fingerprints of the slot's packages, which name them.
    let packages = [format!("l-{slot}-"), format!("h-{slot}-")];
    files.extend(
        entries(&debug.join(".fingerprint"))
            .into_iter()
            .filter(|(name, _)| packages.iter().any(|p| name.starts_with(p)))
            .map(|(_, path)| path),
    );
    files.push(work.join("staged").join(slot));
    files.push(work.join("ws").join(slot));
    // The harness crates' incremental caches carry the slot in their name.
    let harness = format!("h_{}_", slot.replace('-', "_"));
    files.extend(
        entries(&debug.join("incremental"))
            .into_iter()
            .filter(|(name, _)| name.starts_with(&harness))
            .map(|(_, path)| path),
    );
    let verdicts = format!("{slot}-");
    files.extend(
        entries(&work.join("cache"))
            .into_iter()
            .filter(|(name, _)| name.starts_with(&verdicts))
            .map(|(_, path)| path),
    );
    // The mark goes last: a prune stopped half-way finds the slot again.
    footprint::remove(&files);
    footprint::remove(&[work.join("slots").join(slot)]);
}

/// Keeps the [`KEPT_INCREMENTAL`] newest caches of each crate in `dir`
/// (rustc names them `<crate>-<id>` and rewrites one on every compile).
fn cap_incremental(dir: &Path) {
    let mut by_crate: HashMap<String, Vec<(SystemTime, PathBuf)>> = HashMap::new();
    for (name, path) in entries(dir) {
        if let Some((krate, _)) = name.rsplit_once('-') {
            by_crate
                .entry(krate.to_string())
                .or_default()
                .push((modified(&path), path));
        }
    }
    for mut caches in by_crate.into_values() {
        if caches.len() > KEPT_INCREMENTAL {
            caches.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let old: Vec<PathBuf> = caches.drain(KEPT_INCREMENTAL..).map(|(_, p)| p).collect();
            footprint::remove(&old);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn scratch(name: &str) -> Paths {
        let root = std::env::temp_dir().join(format!("prune-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        Paths {
            root: root.clone(),
            learner: root,
        }
    }

    fn file(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"x").unwrap();
    }

    fn age(path: &Path, secs_ago: u64) {
        let t = SystemTime::now() - Duration::from_secs(secs_ago);
        std::fs::File::options()
            .write(true)
            .open(path)
            .or_else(|_| std::fs::File::open(path))
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    /// Everything a built slot leaves, as the checker lays it out; the
    /// files' paths.
    fn built_slot(work: &Path, slot: &str, hash: &str) -> Vec<PathBuf> {
        let debug = work.join("build/debug");
        let krate = format!("h_{}_01", slot.replace('-', "_"));
        let files = vec![
            work.join("staged")
                .join(slot)
                .join("01-bounded-send/src/lib.rs"),
            work.join("ws")
                .join(slot)
                .join("01-bounded-send/lib/Cargo.toml"),
            debug.join(format!(".fingerprint/l-{slot}-01-{hash}/lib-bounded_send")),
            debug.join(format!("deps/libbounded_send-{hash}.rlib")),
            debug.join(format!("incremental/{krate}-1abc/s-x/dep-graph.bin")),
            debug.join(format!("h-{slot}-01")),
            work.join("cache")
                .join(format!("{slot}-01-bounded-send.json")),
        ];
        for f in &files {
            file(f);
        }
        files
    }

    #[test]
    fn the_slots_used_last_are_kept_and_the_others_removed_whole() {
        let paths = scratch("slots");
        let work = paths.work();
        let tokio = work.join("build/debug/deps/libtokio-0123456789abcdef.rlib");
        file(&tokio);
        let learner = built_slot(&work, "learner", "feedfeedfeedfeed");
        let mut copies = Vec::new();
        for i in 0..KEPT_SLOTS + 3 {
            let slot = format!("c-{i:08x}");
            copies.push(built_slot(&work, &slot, &format!("{i:016x}")));
            touch(&paths, &slot);
            // Slot 0 used last, then 1, 2...
            age(&work.join("slots").join(&slot), 10 + i as u64);
        }
        // A copy staged before marks existed: the oldest of all.
        let unmarked = built_slot(&work, "x-old-0badc0de", "00000000deadbeef");
        prune(&paths);
        for (i, files) in copies.iter().enumerate() {
            for f in files {
                assert_eq!(f.exists(), i < KEPT_SLOTS, "copy {i}: {}", f.display());
            }
        }
        assert!(unmarked.iter().all(|f| !f.exists()), "{unmarked:?}");
        assert!(learner.iter().all(|f| f.exists()), "{learner:?}");
        assert!(tokio.exists());
        let marks = entries(&work.join("slots")).len();
        assert_eq!(marks, KEPT_SLOTS);
        let _ = std::fs::remove_dir_all(&paths.root);
    }

    #[test]
    fn a_few_slots_are_all_kept() {
        let paths = scratch("few");
        let work = paths.work();
        let files = built_slot(&work, "c-00000001", "0000000000000001");
        touch(&paths, "c-00000001");
        touch(&paths, "learner");
        prune(&paths);
        assert!(files.iter().all(|f| f.exists()));
        assert!(!work.join("slots/learner").exists());
        let _ = std::fs::remove_dir_all(&paths.root);
    }

    #[test]
    fn each_crate_keeps_its_newest_incremental_caches() {
        let paths = scratch("incremental");
        let dir = paths.work().join("build/debug/incremental");
        let n = KEPT_INCREMENTAL + 5;
        for i in 0..n {
            let cache = dir.join(format!("bounded_send-{i:04}"));
            file(&cache.join("s-x/dep-graph.bin"));
            age(&cache, 100 + i as u64);
        }
        let other = dir.join("clone_senders-0001");
        file(&other.join("s-x/dep-graph.bin"));
        age(&other, 10_000);
        prune(&paths);
        for i in 0..n {
            let cache = dir.join(format!("bounded_send-{i:04}"));
            assert_eq!(cache.exists(), i < KEPT_INCREMENTAL, "{}", cache.display());
        }
        assert!(other.exists());
        let _ = std::fs::remove_dir_all(&paths.root);
    }
}
