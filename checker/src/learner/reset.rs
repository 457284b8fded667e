//! `reset`: put an exercise back to its stub without losing work.
//!
//! A complete exercise is its manifest (`Cargo.toml`) and its `src/`; reset
//! restores whichever of the two differs from the stub, even when the whole
//! folder was deleted. Whatever it replaces is first copied to a dated
//! backup folder inside the exercise, and only a backup that was actually
//! made is ever named. Nothing is deleted that has not been copied first.

use crate::model::course::{Exercise, Paths};
use crate::util::files::{differs, walk};
use std::path::{Path, PathBuf};

pub enum Outcome {
    /// The exercise already is the stub.
    Unchanged,
    /// Reset. `restored` names what was put back (`Cargo.toml`, `src/`);
    /// `backup` is where the learner's replaced files are, if there were any.
    Reset {
        backup: Option<PathBuf>,
        restored: Vec<&'static str>,
    },
}

/// Resets `e` to its stub, keeping a backup of what it replaces.
pub fn reset(paths: &Paths, e: &Exercise) -> std::io::Result<Outcome> {
    let dir = paths.exercise(e);
    let src = dir.join("src");
    let stub = paths.stub(e).join("src");
    let manifest = dir.join("Cargo.toml");
    let pristine = stub_manifest(paths, e);
    let manifest_now = std::fs::read_to_string(&manifest).ok();
    let fix_manifest = manifest_now.as_deref() != Some(pristine.as_str());
    let fix_src = differs(&src, &stub) || !src.join("lib.rs").exists();
    if !fix_manifest && !fix_src {
        return Ok(Outcome::Unchanged);
    }

    let backup = free_backup_dir(&dir.join("backups"));
    let mut backed_up = false;
    if fix_src && !walk(&src).is_empty() {
        copy_rs(&src, &backup.join("src"))?;
        backed_up = true;
    }
    if fix_manifest && manifest_now.is_some() {
        std::fs::create_dir_all(&backup)?;
        std::fs::copy(&manifest, backup.join("Cargo.toml"))?;
        backed_up = true;
    }

    // Only after every copy is complete does anything change.
    let mut restored = Vec::new();
    if fix_manifest {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&manifest, &pristine)?;
        restored.push("Cargo.toml");
    }
    if fix_src {
        for file in walk(&src) {
            std::fs::remove_file(file)?;
        }
        copy_rs(&stub, &src)?;
        restored.push("src/");
    }
    Ok(Outcome::Reset {
        backup: backed_up.then_some(backup),
        restored,
    })
}

/// The exercise's pristine manifest: the stub's copy, or, for an exercise
/// whose stub has none, one written from the course metadata.
fn stub_manifest(paths: &Paths, e: &Exercise) -> String {
    std::fs::read_to_string(paths.stub(e).join("Cargo.toml")).unwrap_or_else(|_| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition.workspace = true\n\
             publish.workspace = true\n\n[lib]\nname = \"{lib}\"\npath = \"src/lib.rs\"\n\n\
             [dependencies]\ntokio.workspace = true\n\n[lints.rust]\n\
             unused_variables = \"allow\"\nunused_mut = \"allow\"\n",
            name = &e.dir[3..],
            lib = e.lib,
        )
    })
}

fn copy_rs(from: &Path, to: &Path) -> std::io::Result<()> {
    for file in walk(from) {
        let dest = to.join(file.strip_prefix(from).unwrap_or(&file));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(&file, &dest)?;
    }
    Ok(())
}

/// `backups/2026-11-25T19-40-03`, or with a suffix if that exists.
fn free_backup_dir(base: &Path) -> PathBuf {
    let stamp = timestamp();
    let mut dir = base.join(&stamp);
    let mut n = 2;
    while dir.exists() {
        dir = base.join(format!("{stamp}-{n}"));
        n += 1;
    }
    dir
}

/// The current UTC time as `YYYY-MM-DDTHH-MM-SS`, safe in file names:
/// the report's RFC 3339 time (`provenance`) without its colons and `Z`.
fn timestamp() -> String {
    crate::util::clock::rfc3339(std::time::SystemTime::now())
        .trim_end_matches('Z')
        .replace(':', "-")
}
