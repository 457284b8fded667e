//! The shadow workspace: where hidden tests meet the code under test.
//!
//! For every (slot, exercise) pair the checker generates two packages under
//! `target/checker/ws/<slot>/<exercise>/`:
//!
//! * `lib`: the code under test. Its manifest is the checker's, and its
//!   `[lib] path` points at a content-mirrored copy of the `src/` being
//!   checked, so a learner's `Cargo.toml`, `build.rs` or extra dependencies
//!   never take part, and cargo rebuilds exactly when the content changes.
//! * `harness`: a binary whose `main` includes the pristine hidden tests
//!   from `checker/hidden/<exercise>/tests.rs`.
//!
//! All pairs share one workspace, one `Cargo.lock` (a copy of the course's)
//! and one target directory, so dependencies are compiled once. Files are
//! written only when their content changes, so cargo's fingerprints stay
//! valid and an edit recompiles only what it touched.

use crate::build::prewarm::{self, toml_path};
use crate::model::course::{Component, Exercise, Paths};

/// The slot whose harness runs the hidden `CROSS` list instead of `TESTS`:
/// an exercise's reference tests against the mutants of other tasks
/// (exercise 09, for `verify`).
pub const CROSS_SLOT: &str = "cross";
use std::io;
use std::path::{Path, PathBuf};

/// One implementation of one exercise to build and test.
#[derive(Clone, Debug)]
pub struct Target {
    pub exercise: &'static Exercise,
    /// A short name for where the code comes from: `learner`, `stub`,
    /// `solution`, `fx-<name>`, `sub-<n>`. Only `[a-z0-9-]`.
    pub slot: String,
    /// The folder holding `src/lib.rs`.
    pub source: PathBuf,
}

impl Target {
    /// The learner's own code for `e`, in their copy of the course.
    pub fn learner(paths: &Paths, e: &'static Exercise) -> Target {
        Target {
            exercise: e,
            slot: paths.learner_slot(),
            source: paths.exercise(e),
        }
    }

    /// The package name of the harness binary (also the binary's name).
    pub fn harness_package(&self) -> String {
        format!("h-{}-{}", self.slot, self.exercise.number())
    }

    /// Whether this slot's code changes a little at a time, as a learner
    /// edits it (`learner`, a copy's `c-…`, a `--source` folder's `x-…`):
    /// only then do the compiler's incremental caches pay for themselves.
    /// A stub, a solution, a fixture or a graded submission is built once
    /// as it is, and without them its build takes about a quarter less
    /// processor time and far less disk. For graded submissions it matters
    /// more: every file rustc writes for the crate is then in its output
    /// folder under its hash, where `footprint` measures and removes it.
    pub fn edited(&self) -> bool {
        self.slot == "learner" || self.slot.starts_with("c-") || self.slot.starts_with("x-")
    }

    /// The package name of the code under test.
    pub fn lib_package(&self) -> String {
        format!("l-{}-{}", self.slot, self.exercise.number())
    }

    /// Where the code under test is copied before building (see
    /// `files::mirror`): cargo then rebuilds exactly when its content
    /// changes, whatever its files' modification times say.
    pub fn staged(&self, paths: &Paths) -> PathBuf {
        paths
            .work()
            .join("staged")
            .join(&self.slot)
            .join(self.exercise.dir)
    }

    fn dir(&self, ws: &Path) -> PathBuf {
        ws.join(&self.slot).join(self.exercise.dir)
    }
}

/// Writes the shadow workspace for `targets` and returns its manifest path.
pub fn write(paths: &Paths, targets: &[Target]) -> io::Result<PathBuf> {
    let ws = paths.work().join("ws");
    std::fs::create_dir_all(&ws)?;
    let deps = prewarm::workspace_dependencies(&paths.root.join("Cargo.toml"))?;

    let mut members = Vec::new();
    for t in targets {
        let dir = t.dir(&ws);
        members.push(format!("\"{}/{}/lib\"", t.slot, t.exercise.dir));
        members.push(format!("\"{}/{}/harness\"", t.slot, t.exercise.dir));
        let stand_in = t.exercise.component.as_ref().map(|c| {
            let member = format!("\"component/{}\"", t.exercise.dir);
            if !members.contains(&member) {
                members.push(member);
            }
            (c.file, format!("pub use {}::*;\n", c.lib))
        });
        let overrides: Vec<(&str, &[u8])> = stand_in
            .iter()
            .map(|(file, text)| (*file, text.as_bytes()))
            .collect();
        crate::util::files::mirror_with(
            &t.source.join("src"),
            &t.staged(paths).join("src"),
            &overrides,
        )?;
        if let Some(c) = &t.exercise.component {
            write_if_changed(
                &ws.join("component").join(t.exercise.dir).join("Cargo.toml"),
                &component_manifest(paths, t.exercise, c),
            )?;
        }
        write_if_changed(&dir.join("lib/Cargo.toml"), &lib_manifest(paths, t))?;
        write_if_changed(&dir.join("harness/Cargo.toml"), &harness_manifest(paths, t))?;
        write_if_changed(&dir.join("harness/main.rs"), &harness_main(paths, t))?;
    }
    // Built once: no incremental caches, and one codegen unit. A batch
    // (grading, the fixtures, `verify`) keeps both cores busy with other
    // crates, so splitting a crate this small only adds work: the
    // fixtures test, every fixture built afresh, took 109 s of CPU with
    // one unit against 113 s with cargo's 16 (BENCHMARKS.md).
    let once: String = targets
        .iter()
        .filter(|t| !t.edited())
        .flat_map(|t| [t.lib_package(), t.harness_package()])
        .map(|p| format!("\n[profile.dev.package.{p}]\nincremental = false\ncodegen-units = 1\n"))
        .collect();
    let manifest = format!(
        "# Generated by the checker; rewritten on every run.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{deps}\n\
         {}{once}",
        members.join(", "),
        prewarm::PROFILE
    );
    let manifest_path = ws.join("Cargo.toml");
    write_if_changed(&manifest_path, &manifest)?;

    // Start from the course's lock file so that the shadow build uses the
    // very versions the course was verified with, without the network.
    let lock = std::fs::read_to_string(paths.root.join("Cargo.lock"))?;
    let seed = ws.join("Cargo.lock.seed");
    if std::fs::read_to_string(&seed).ok().as_deref() != Some(lock.as_str()) {
        std::fs::write(ws.join("Cargo.lock"), &lock)?;
        std::fs::write(&seed, &lock)?;
    }
    Ok(manifest_path)
}

/// The package of a given component with its mutants (exercise 09): one
/// for every slot, so it compiles once.
fn component_manifest(paths: &Paths, e: &Exercise, c: &Component) -> String {
    format!(
        "[package]\nname = \"c-{n}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\nname = \"{lib}\"\npath = \"{src}\"\n\n\
         [dependencies]\ntokio.workspace = true\n",
        n = e.number(),
        lib = c.lib,
        src = toml_path(&paths.hidden(e).join(c.file)),
    )
}

/// The extra dependencies of code under test that is a test suite: the
/// component it tests and the test tools (exercise 09).
fn test_suite_dependencies(t: &Target) -> String {
    let Some(c) = &t.exercise.component else {
        return "tokio.workspace = true\n".to_string();
    };
    format!(
        "tokio = {{ workspace = true, features = [\"test-util\"] }}\n\
         tokio-test.workspace = true\ninsta.workspace = true\npretty_assertions.workspace = true\n\
         {lib} = {{ path = \"../../../component/{dir}\", package = \"c-{n}\" }}\n",
        lib = c.lib,
        dir = t.exercise.dir,
        n = t.exercise.number(),
    )
}

fn lib_manifest(paths: &Paths, t: &Target) -> String {
    format!(
        "[package]\nname = \"{pkg}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\nname = \"{lib}\"\npath = \"{src}\"\n\n\
         [dependencies]\n{deps}\n\
         # As in the exercise crates: the stubs leave parameters unused.\n\
         # `forbid`: no `allow` in the code can lift it, and it covers\n\
         # `unsafe` blocks, `unsafe extern` and the `unsafe(...)` attributes\n\
         # (`no_mangle`, `export_name`, `link_section`).\n\
         [lints.rust]\nunused_variables = \"allow\"\nunused_mut = \"allow\"\n\
         unsafe_code = \"forbid\"\n",
        pkg = t.lib_package(),
        lib = t.exercise.lib,
        src = toml_path(&t.staged(paths).join("src").join("lib.rs")),
        deps = test_suite_dependencies(t),
    )
}

fn harness_manifest(paths: &Paths, t: &Target) -> String {
    format!(
        "[package]\nname = \"{pkg}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [[bin]]\nname = \"{pkg}\"\npath = \"main.rs\"\n\n\
         [dependencies]\n\
         {lib} = {{ path = \"../lib\", package = \"{libpkg}\" }}\n\
         {common}{component}",
        component = t
            .exercise
            .component
            .as_ref()
            .map(|c| format!(
                "{} = {{ path = \"../../../component/{}\", package = \"c-{}\" }}\n",
                c.lib,
                t.exercise.dir,
                t.exercise.number()
            ))
            .unwrap_or_default(),
        pkg = t.harness_package(),
        lib = t.exercise.lib,
        libpkg = t.lib_package(),
        common = prewarm::harness_dependencies(&toml_path(&paths.checker().join("harness"))),
    )
}

fn harness_main(paths: &Paths, t: &Target) -> String {
    format!(
        "// Generated by the checker: the pristine hidden tests of {dir}.\n\
         #[path = \"{tests}\"]\nmod hidden;\n\n\
         fn main() {{\n    harness::main(hidden::{list});\n}}\n",
        // `verify` runs exercise 09's reference tests against the other
        // tasks' mutants too (see `tests.rs` there).
        list = if t.slot == CROSS_SLOT {
            "CROSS"
        } else {
            "TESTS"
        },
        dir = t.exercise.dir,
        tests = toml_path(&paths.hidden(t.exercise).join("tests.rs")),
    )
}

/// Writes `content` unless the file already holds exactly that, so that
/// cargo does not see a change where there is none.
pub fn write_if_changed(path: &Path, content: &str) -> io::Result<()> {
    crate::util::files::write_bytes_if_changed(path, content.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(slot: &str) -> Target {
        Target {
            exercise: crate::model::course::EXERCISES[0],
            slot: slot.to_string(),
            source: PathBuf::from("src"),
        }
    }

    #[test]
    fn only_the_learners_slots_keep_incremental_caches() {
        for slot in ["learner", "c-0123abcd", "x-my-attempt"] {
            assert!(target(slot).edited(), "{slot}");
        }
        for slot in [
            "g0",
            "g12",
            "stub",
            "solution",
            "fx-busy-loop",
            "iso-t1",
            "cross",
        ] {
            assert!(!target(slot).edited(), "{slot}");
        }
    }
}
