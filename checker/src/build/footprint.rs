//! What a build leaves in the build folder, per crate and per exercise of
//! a submission: measured, and removed when it is over its cap.
//!
//! A few bytes of source can declare a `static` of half a gigabyte; it
//! lands in the crate's `.rmeta`, its object files, its `.rlib` and the
//! test binary. The compiler wrapper (`buildlimit`) bounds each file and
//! each crate while rustc runs; after the build, `grade` measures each
//! exercise of each submission with [`screen`], so that what one
//! submission leaves is bounded and a batch does not grow the disk by
//! gigabytes that stay.
//!
//! Cargo names everything it builds for a crate with the same hash: the
//! fingerprint folder `.fingerprint/<package>-<hash>` and the files in
//! `deps/` (`lib<crate>-<hash>.rlib`, `<crate>-<hash>.d`, object files
//! `<crate>-<hash>.*.o`, the linked binary `<crate>-<hash>`), which rustc
//! learns as `-C extra-filename=-<hash>`.

use crate::build::shadow::Target;
use crate::model::course::Paths;
use crate::model::results::CompileError;
use std::path::{Path, PathBuf};

/// What one exercise of a submission may leave in the build folder: its
/// code under test and its test binary. An honest exercise here leaves
/// 8.5 to 11.5 MiB (the test binary, 4 to 5.3 MiB, counted twice: cargo
/// links it beside `deps/`; grading builds are not incremental).
pub const EXERCISE_CAP: u64 = 128 << 20;

/// The entries of `dir` whose names carry `-<hash>`: one crate's outputs.
pub fn crate_files(dir: &Path, hash: &str) -> Vec<PathBuf> {
    let mark = format!("-{hash}");
    entries(dir)
        .into_iter()
        .filter(|(name, _)| name.contains(&mark))
        .map(|(_, path)| path)
        .collect()
}

/// The hashes cargo gave the crates of `package` (its fingerprint folders).
pub fn package_hashes(debug: &Path, package: &str) -> Vec<String> {
    entries(&debug.join(".fingerprint"))
        .into_iter()
        .filter_map(|(name, _)| {
            let (pkg, hash) = name.rsplit_once('-')?;
            (pkg == package).then(|| hash.to_string())
        })
        .collect()
}

/// Everything the build left for `t`: both of its crates' files in
/// `deps/` and the test binary cargo put beside them.
pub fn target_files(paths: &Paths, t: &Target) -> Vec<PathBuf> {
    let debug = paths.work().join("build").join("debug");
    let mut files = Vec::new();
    for package in [t.lib_package(), t.harness_package()] {
        for hash in package_hashes(&debug, &package) {
            files.extend(crate_files(&debug.join("deps"), &hash));
        }
        for name in [
            package.clone(),
            format!("{package}.d"),
            format!("{package}.exe"),
        ] {
            let p = debug.join(name);
            if p.exists() {
                files.push(p);
            }
        }
    }
    files
}

/// What all crates of one submission (a grading slot) may hold in the
/// build folder while the batch builds: an honest submission of the whole
/// course holds 86 MiB. Past it, the crate that crosses the line is
/// refused and removed (see `buildlimit`), so one submission cannot hold
/// gigabytes until the per-exercise check after the build.
pub const SUBMISSION_CAP: u64 = 512 << 20;

/// Everything the build holds for grading slot `slot` (`g3`): the files
/// of its crates in `deps/` and its test binaries beside them.
pub fn slot_files(debug: &Path, slot: &str) -> Vec<PathBuf> {
    let ours = |name: &str| {
        ["l", "h"]
            .iter()
            .any(|kind| name.starts_with(&format!("{kind}-{slot}-")))
    };
    let mut files = Vec::new();
    for (name, _) in entries(&debug.join(".fingerprint")) {
        if let Some((_, hash)) = name.rsplit_once('-').filter(|_| ours(&name)) {
            files.extend(crate_files(&debug.join("deps"), hash));
        }
    }
    files.extend(
        entries(debug)
            .into_iter()
            .filter(|(name, path)| ours(name) && path.is_file())
            .map(|(_, path)| path),
    );
    files
}

/// Bytes of `files` (folders counted with their contents, links not
/// followed; a hard link counts each time it is listed).
pub fn bytes(files: &[PathBuf]) -> u64 {
    let mut total = 0;
    let mut todo: Vec<PathBuf> = files.to_vec();
    while let Some(p) = todo.pop() {
        let Ok(m) = p.symlink_metadata() else {
            continue;
        };
        if m.is_dir() {
            todo.extend(entries(&p).into_iter().map(|(_, path)| path));
        } else {
            total += m.len();
        }
    }
    total
}

/// Removes `files` (folders with their contents).
pub fn remove(files: &[PathBuf]) {
    for p in files {
        let _ = if p.is_dir() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
    }
}

/// After the build: when `t`'s artefacts exceed [`EXERCISE_CAP`], they
/// are removed and the exercise is rejected, with the reason.
pub fn screen(paths: &Paths, t: &Target) -> Option<CompileError> {
    let files = target_files(paths, t);
    let size = bytes(&files);
    if size <= EXERCISE_CAP {
        return None;
    }
    remove(&files);
    Some(CompileError {
        first: format!(
            "rejected: its build left {} MiB in the build folder; an exercise may leave \
             at most {} MiB (a huge static or array?).",
            size.div_ceil(1 << 20),
            EXERCISE_CAP >> 20
        ),
        location: Some(format!("exercises/{}/src", t.exercise.dir)),
        error_count: 1,
    })
}

/// The number of the grading slot `name` (a package or crate file name,
/// `h-g12-01-…`, `l_g3_05-…`) belongs to; `None` for anything else.
pub fn grading_slot(name: &str, sep: char) -> Option<usize> {
    ["h", "l"].iter().find_map(|kind| {
        let rest = name.strip_prefix(kind)?.strip_prefix(sep)?;
        slot_number(rest.split(sep).next()?)
    })
}

/// The number of a grading slot's own name (`g12`).
pub fn slot_number(slot: &str) -> Option<usize> {
    let digits = slot.strip_prefix('g')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// (name, path) of the entries of `dir`; nothing when it cannot be read.
pub fn entries(dir: &Path) -> Vec<(String, PathBuf)> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grading_slots_are_recognised_and_nothing_else() {
        assert!(grading_slot("h-g0-01", '-').is_some());
        assert!(grading_slot("l-g12-05-abcdef", '-').is_some());
        assert!(grading_slot("h-solution-01", '-').is_none());
        assert!(grading_slot("h-gx-01", '-').is_none());
        assert!(grading_slot("getrandom-64486f53757e2e71", '-').is_none());
        assert!(grading_slot("learner", '-').is_none());
    }

    #[test]
    fn grading_slots_are_told_by_their_number() {
        assert_eq!(grading_slot("h-g12-01-1a2b", '-'), Some(12));
        assert_eq!(grading_slot("l_g3_05-1a2b.rlib", '_'), Some(3));
        assert_eq!(grading_slot("h-g0-01.d", '-'), Some(0));
        assert_eq!(grading_slot("h-learner-01", '-'), None);
        assert_eq!(grading_slot("h-gx-01", '-'), None);
        assert_eq!(grading_slot("tokio-1a2b", '-'), None);
        assert_eq!(slot_number("g7"), Some(7));
        assert_eq!(slot_number("g"), None);
        assert_eq!(slot_number("g7x"), None);
        assert_eq!(slot_number("grading"), None);
    }

    #[test]
    fn a_crates_files_are_found_by_its_hash_and_measured() {
        let dir = std::env::temp_dir().join(format!("footprint-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".fingerprint/l-g1-01-0123456789abcdef")).unwrap();
        std::fs::create_dir_all(dir.join(".fingerprint/l-g10-01-fedcba9876543210")).unwrap();
        std::fs::create_dir_all(dir.join("deps")).unwrap();
        std::fs::write(dir.join("deps/libx-0123456789abcdef.rlib"), [0u8; 100]).unwrap();
        std::fs::write(dir.join("deps/x-0123456789abcdef.d"), [0u8; 10]).unwrap();
        std::fs::write(dir.join("deps/libx-fedcba9876543210.rlib"), [0u8; 7]).unwrap();

        assert_eq!(bytes(&slot_files(&dir, "g1")), 110);
        let hashes = package_hashes(&dir, "l-g1-01");
        assert_eq!(hashes, ["0123456789abcdef"]);
        let files = crate_files(&dir.join("deps"), &hashes[0]);
        assert_eq!(files.len(), 2);
        assert_eq!(bytes(&files), 110);
        assert_eq!(bytes(&[dir.join("deps")]), 117);
        remove(&files);
        assert_eq!(bytes(&[dir.join("deps")]), 7);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
