//! `export --student DIR`: a copy of the course for learners, without the
//! reference solutions and without the checker's fixtures (several of
//! them are complete solutions).
//!
//! The copy keeps everything the checker needs to check (hidden tests,
//! snapshots, stubs, the harness), so `cargo run -p checker` works there;
//! `verify` explains that it needs the authors' copy.

use crate::model::course::Paths;
use std::path::Path;

/// Top-level entries of the course that go into a student copy.
const KEEP: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "README.md",
    ".gitignore",
    "rustfmt.toml",
    "exercises",
    "checker",
];

/// Paths below `checker/` that stay with the authors.
const WITHHELD: &[&str] = &["checker/tests"];

/// Copies the course to `to` (which must not exist or be empty). Returns
/// how many files were written.
pub fn student_copy(paths: &Paths, to: &Path) -> std::io::Result<usize> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        return Err(std::io::Error::other(format!(
            "{} exists and is not empty: choose a new folder",
            to.display()
        )));
    }
    std::fs::create_dir_all(to)?;
    let mut count = 0;
    for entry in KEEP {
        let from = paths.root.join(entry);
        if from.exists() {
            count += copy_tree(&paths.root, &from, to)?;
        }
    }
    // Whatever the exporting copy holds in exercises/ (work in progress,
    // reset backups), learners start from the pristine stubs.
    for e in crate::model::course::EXERCISES {
        let dir = to.join("exercises").join(e.dir);
        let _ = std::fs::remove_dir_all(dir.join("src"));
        let _ = std::fs::remove_dir_all(dir.join("backups"));
        count += copy_tree(&paths.stub(e), &paths.stub(e), &dir)?;
    }
    // The workspace lists solutions/*; an empty folder keeps the glob valid
    // and tells a curious learner where the solutions would be.
    std::fs::create_dir_all(to.join("solutions"))?;
    std::fs::write(
        to.join("solutions/README.md"),
        "The reference solutions are not part of the student copy.\n\
         `cargo run -p checker -- solution NN` shows them to instructors' copies only.\n",
    )?;
    Ok(count + 1)
}

fn copy_tree(root: &Path, from: &Path, to_root: &Path) -> std::io::Result<usize> {
    let rel = from.strip_prefix(root).unwrap_or(from);
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    if WITHHELD.iter().any(|w| rel_str == *w) || rel_str.ends_with("/target") {
        return Ok(0);
    }
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        let mut n = 0;
        for entry in std::fs::read_dir(from)? {
            n += copy_tree(root, &entry?.path(), to_root)?;
        }
        Ok(n)
    } else if meta.is_file() {
        let dest = to_root.join(rel);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, dest)?;
        Ok(1)
    } else {
        Ok(0)
    }
}
