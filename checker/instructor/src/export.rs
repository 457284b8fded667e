//! `export --student DIR`: the student edition of the course, a product of
//! its own rather than the authors' checkout minus the solutions.
//!
//! It holds what a student needs and nothing of the authors': the lessons
//! and pristine stubs, the checker with its hidden tests, snapshots and
//! harness (so `cargo run -p checker` works there), the editor settings,
//! and its own README (`student-readme.tmpl` beside this file, with the course's
//! reference sections taken from the authors' README). Withheld: the
//! reference solutions, the checker's tests and fixtures (several are
//! complete solutions), the authors' docs and CI recipes, and every command
//! that would not work there (`cargo test`, `verify`, benchmarks).
//! `checker/tests/student_edition.rs` reads the result as a student would.

use checker::model::course::Paths;
use std::path::Path;

/// Top-level entries of the course that go into a student copy.
const KEEP: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    ".gitignore",
    ".vscode",
    ".helix",
    ".zed",
    "exercises",
    "checker",
];

/// Paths below the kept entries that stay with the authors: their tests
/// and fixtures, their docs (which describe commands this copy lacks),
/// and their CI and autograder recipes.
const WITHHELD: &[&str] = &[
    "checker/tests",
    "checker/README.md",
    "checker/ci",
    "checker/report-html/tests",
];

/// The student README's template; `{{section:## Heading}}` takes that
/// section of the authors' README, so the two never drift apart.
const README_TEMPLATE: &str = include_str!("student-readme.tmpl");

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
    for e in checker::model::course::EXERCISES {
        let dir = to.join("exercises").join(e.dir);
        let _ = std::fs::remove_dir_all(dir.join("src"));
        let _ = std::fs::remove_dir_all(dir.join("backups"));
        count += copy_tree(&paths.stub(e), &paths.stub(e), &dir)?;
    }
    // The lock file as cargo itself would write it for this workspace, so
    // that a student's first run leaves it unchanged.
    let lock = std::fs::read_to_string(paths.root.join("Cargo.lock"))?;
    std::fs::write(to.join("Cargo.lock"), without_solutions(&lock, paths))?;
    let authors = std::fs::read_to_string(paths.root.join("README.md"))?;
    std::fs::write(to.join("README.md"), student_readme(&authors)?)?;
    // The workspace lists solutions/*; an empty folder keeps the glob valid
    // and tells a curious learner where the solutions would be.
    std::fs::create_dir_all(to.join("solutions"))?;
    std::fs::write(
        to.join("solutions/README.md"),
        "# Reference solutions\n\nThey are not part of the student copy: ask your instructor.\n",
    )?;
    Ok(count + 2)
}

/// `lock` without the entries of the reference solutions' packages (the
/// workspace members the copy does not have), as cargo prunes them.
fn without_solutions(lock: &str, paths: &Paths) -> String {
    let names: Vec<String> = checker::model::course::EXERCISES
        .iter()
        .filter_map(|e| std::fs::read_to_string(paths.solution(e).join("Cargo.toml")).ok())
        .filter_map(|manifest| {
            let line = manifest.lines().find(|l| l.starts_with("name = "))?;
            Some(format!("{line}\n"))
        })
        .collect();
    let mut blocks = lock.split("\n[[package]]\n");
    let mut out = blocks.next().unwrap_or_default().to_string();
    for block in blocks {
        // A workspace member has no `source` line; a registry crate of the
        // same name would.
        let solution =
            names.iter().any(|n| block.starts_with(n.as_str())) && !block.contains("\nsource = ");
        if !solution {
            out.push_str("\n[[package]]\n");
            out.push_str(block);
        }
    }
    out
}

/// The student README: the template with each `{{section:## Heading}}`
/// replaced by that section of the authors' README (heading included, up
/// to the next `## `). A section that is gone is an error, not a gap.
pub fn student_readme(authors: &str) -> std::io::Result<String> {
    let mut out = String::new();
    for line in README_TEMPLATE.lines() {
        let Some(heading) = line
            .strip_prefix("{{section:")
            .and_then(|l| l.strip_suffix("}}"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let section = section(authors, heading).ok_or_else(|| {
            std::io::Error::other(format!(
                "README.md has no section `{heading}` for the student README"
            ))
        })?;
        out.push_str(section.trim_end());
        out.push_str("\n\n");
    }
    Ok(out.trim_end().to_string() + "\n")
}

/// The section of `text` that starts with the line `heading`.
fn section<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    let start = text.find(&format!("\n{heading}\n"))? + 1;
    let rest = &text[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |i| heading.len() + i + 1);
    Some(&rest[..end])
}

fn copy_tree(root: &Path, from: &Path, to_root: &Path) -> std::io::Result<usize> {
    let rel = from.strip_prefix(root).unwrap_or(from);
    let rel_str = rel.to_string_lossy().replace('\\', "/");
    if WITHHELD.iter().any(|w| rel_str == *w)
        || rel_str.ends_with("/target")
        || rel_str == "target"
        || rel_str.ends_with("/backups")
    {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_come_from_the_authors_readme_whole() {
        let authors = "# T\n\n## A\n\none\n\n## B\n\ntwo\n";
        assert_eq!(section(authors, "## A"), Some("## A\n\none\n\n"));
        assert_eq!(section(authors, "## B"), Some("## B\n\ntwo\n"));
        assert_eq!(section(authors, "## C"), None);
        assert!(
            student_readme(authors).is_err(),
            "a missing section is an error"
        );
    }
}
