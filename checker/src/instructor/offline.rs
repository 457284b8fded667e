//! `offline DIR`: the course prepared for a room without network.
//!
//! Writes a copy of the course to DIR with every crate it needs vendored
//! (`cargo vendor`, from the course's `Cargo.lock`, for every platform)
//! into `DIR/.cargo/vendor`, and a `DIR/.cargo/config.toml` that makes
//! cargo take crates from there and never touch the network. Cargo reads
//! that file from any folder below DIR, so the checker's own build (in
//! `target/checker/`) uses it too. On the workshop machines, nothing else
//! is needed but a Rust toolchain: an empty cargo home will do.

use crate::model::course::Paths;
use crate::util::files::walk_all;
use std::path::Path;
use std::process::Command;

/// What goes into the bundle: the course as a fresh clone has it.
const KEEP: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "README.md",
    "BENCHMARKS.md",
    ".gitignore",
    ".vscode",
    ".helix",
    ".zed",
    "exercises",
    "solutions",
    "checker",
];

/// Folders never copied: build output and learners' reset backups.
const SKIP: &[&str] = &["target", "backups"];

const CONFIG: &str = "\
# Written by `cargo run -p checker -- offline`: every crate comes from
# .cargo/vendor (next to this file), so this copy of the course builds with
# no network and an empty cargo home.
[source.crates-io]
replace-with = \"vendored-sources\"

[source.vendored-sources]
directory = \".cargo/vendor\"

[net]
offline = true
";

/// Writes the bundle; returns the number of course files and the bundle's
/// size in bytes.
pub fn bundle(paths: &Paths, to: &Path) -> std::io::Result<(usize, u64)> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        return Err(std::io::Error::other(format!(
            "{} exists and is not empty: choose a new folder",
            to.display()
        )));
    }
    let mut files = 0;
    for entry in KEEP {
        let from = paths.root.join(entry);
        let found = if from.is_dir() {
            walk_all(&from)
        } else {
            vec![from]
        };
        for file in found.into_iter().filter(|f| f.is_file()) {
            let rel = file.strip_prefix(&paths.root).unwrap_or(&file);
            if rel
                .components()
                .any(|c| SKIP.contains(&&*c.as_os_str().to_string_lossy()))
            {
                continue;
            }
            let dest = to.join(rel);
            if let Some(parent) = dest.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::copy(&file, dest)?;
            files += 1;
        }
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["vendor", "--locked", "--versioned-dirs", "--quiet"])
        .arg(Path::new(".cargo").join("vendor"))
        .current_dir(to)
        .stdout(std::process::Stdio::null())
        .status()?;
    if !status.success() {
        return Err(std::io::Error::other(
            "`cargo vendor` failed (it needs the network, or every crate in cargo's cache)",
        ));
    }
    std::fs::write(to.join(".cargo").join("config.toml"), CONFIG)?;
    let size = walk_all(to)
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    Ok((files, size))
}
