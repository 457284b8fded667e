//! Walking and comparing source folders.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// Every `.rs` file below `dir`, sorted. Symbolic links are not followed
/// (graded code could otherwise point at files outside its exercise).
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    walk_all(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect()
}

/// Every regular file below `dir`, sorted, without following links.
pub fn walk_all(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let p = entry.path();
            if kind.is_dir() {
                stack.push(p);
            } else if kind.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The first symbolic link among `base/parts[0]`, `base/parts[0]/parts[1]`...
/// (the folders leading to a submission's sources), if any.
pub fn symlink_on_path(base: &Path, parts: &[&str]) -> Option<PathBuf> {
    let mut p = base.to_path_buf();
    for part in parts {
        p.push(part);
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(p);
        }
    }
    None
}

/// The first symbolic link below `dir`, if any.
pub fn find_symlink(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).ok()?.flatten() {
            let kind = entry.file_type().ok()?;
            if kind.is_symlink() {
                return Some(entry.path());
            }
            if kind.is_dir() {
                stack.push(entry.path());
            }
        }
    }
    None
}

/// The files `list` finds below `dir`, by relative path, with their
/// bytes (`None`: unreadable).
fn contents(dir: &Path, list: fn(&Path) -> Vec<PathBuf>) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    list(dir)
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(dir).ok()?.to_path_buf();
            Some((rel, std::fs::read(&p).ok()))
        })
        .collect()
}

/// Whether two source folders differ in any `.rs` file.
pub fn differs(a: &Path, b: &Path) -> bool {
    contents(a, walk) != contents(b, walk)
}

/// Whether `a` holds at least one file and exactly the regular files of
/// `b`, each readable and byte for byte the same.
pub fn same_files(a: &Path, b: &Path) -> bool {
    let ours = contents(a, walk_all);
    !ours.is_empty() && ours.values().all(Option::is_some) && ours == contents(b, walk_all)
}

/// Makes `to` hold exactly the regular files below `from` (links are not
/// followed), writing only files whose bytes changed and deleting files
/// that are no longer there. Returns the relative paths of every file.
///
/// Because unchanged files keep their modification time and changed ones
/// get a fresh one, cargo's time-based fingerprints on the copy follow the
/// *content* of the original, even when the original was replaced by an
/// older file (`mv`, `cp -p`, an unpacked archive).
pub fn mirror(from: &Path, to: &Path) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    mirror_with(from, to, &[])
}

/// [`mirror`], with some files given: each `(relative path, bytes)` of
/// `overrides` is written in place of that file of `from`, whether `from`
/// has it or not. The copy then changes only when its own content does.
pub fn mirror_with(
    from: &Path,
    to: &Path,
    overrides: &[(&str, &[u8])],
) -> std::io::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut copied = Vec::new();
    for file in walk_all(from) {
        let rel = file.strip_prefix(from).unwrap_or(&file).to_path_buf();
        if overrides.iter().any(|(o, _)| rel == Path::new(o)) {
            continue;
        }
        let bytes = std::fs::read(&file)?;
        write_bytes_if_changed(&to.join(&rel), &bytes)?;
        copied.push((rel, bytes));
    }
    for (rel, bytes) in overrides {
        write_bytes_if_changed(&to.join(rel), bytes)?;
        copied.push((PathBuf::from(rel), bytes.to_vec()));
    }
    for stale in walk_all(to) {
        let rel = stale.strip_prefix(to).unwrap_or(&stale);
        if !copied.iter().any(|(r, _)| r == rel) {
            std::fs::remove_file(&stale)?;
        }
    }
    Ok(copied)
}

/// Writes `bytes` unless the file already holds exactly them.
pub fn write_bytes_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).ok().as_deref() == Some(bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

/// Feeds the names and contents of every `.rs` file below `dir` to `h`.
pub fn hash_sources(h: &mut DefaultHasher, dir: &Path) {
    for f in walk(dir) {
        // Relative: the same files in two copies of the course hash alike.
        f.strip_prefix(dir).unwrap_or(&f).hash(h);
        std::fs::read(&f).ok().hash(h);
    }
}

/// A short tag for a path, for build-slot names: distinct folders get
/// distinct slots, so their artefacts never mix.
pub fn path_tag(path: &Path) -> String {
    let mut h = DefaultHasher::new();
    path.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}
