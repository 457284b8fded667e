//! Compiling the course's dependencies for the hidden tests while the
//! checker itself compiles.
//!
//! On a first `cargo run -p checker`, cargo compiles the checker, then the
//! checker compiles tokio and the test tools for the shadow workspace: two
//! long builds, one after the other. The checker's build script
//! (`checker/build.rs`) calls [`start`], which writes a one-package
//! workspace with the very dependencies, features, flags and lock file of
//! the shadow workspace (`target/checker/prewarm/`) and starts cargo on it
//! in the background, in the shadow build's target directory. Both builds
//! then run at once; the checker's own build of the shadow workspace finds
//! the dependencies compiled, or waits on cargo's lock for the rest.
//! Nothing depends on it: if it fails, is stopped, or its flags differ from
//! the real build's in some environment, cargo compiles what it needs then.
//!
//! This file is also compiled into the build script (`#[path]`), so it
//! uses nothing but the standard library.

use std::ffi::OsStr;
use std::io;
use std::path::Path;
use std::process::{Command, Stdio};

/// The flags of every build of the shadow workspace: the harness fixes
/// the runtime's random seed, which tokio offers only with this cfg.
pub const RUSTFLAGS: &str = "--cfg tokio_unstable";

/// The `[profile]` tables of every build of the shadow workspace, and of
/// this one, whose compiled dependencies the shadow build takes only if
/// both agree. Debug info makes every link of a test binary slower and no
/// one debugs these. Four codegen units per dependency instead of cargo's
/// 256: on two cores already busy with other crates, splitting a crate
/// finely costs processor time (tokio and friends from scratch, four runs
/// each: a median of 17.3 s of CPU and 9.7 s on two cores with 256 units,
/// 13.4 s and 7.2 s with 4). The packages under test keep cargo's default:
/// four units made neither a graded batch nor a learner's edit faster.
pub const PROFILE: &str =
    "[profile.dev]\ndebug = false\n\n[profile.dev.package.\"*\"]\ncodegen-units = 4\n";

/// Set to anything to keep the build script from starting the build.
pub const OFF: &str = "CHECKER_NO_PREWARM";

/// The dependencies of every harness package but the code under test,
/// with `harness` the path of the harness crate (a TOML string's content).
pub fn harness_dependencies(harness: &str) -> String {
    format!(
        "checker-harness = {{ path = \"{harness}\" }}\n\
         tokio = {{ workspace = true, features = [\"test-util\"] }}\n\
         tokio-test.workspace = true\ninsta.workspace = true\npretty_assertions.workspace = true\n"
    )
}

/// The `[workspace.dependencies]` table of the course's manifest, verbatim,
/// so the shadow build uses the same versions and features.
pub fn workspace_dependencies(root_manifest: &Path) -> io::Result<String> {
    let text = std::fs::read_to_string(root_manifest)?;
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            inside = trimmed.starts_with("[workspace.dependencies]");
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.is_empty() {
        return Err(io::Error::other(
            "the course's Cargo.toml has no [workspace.dependencies] table",
        ));
    }
    Ok(out)
}

/// A path as the content of a TOML basic string (Windows' backslashes).
pub fn toml_path(p: &Path) -> String {
    p.display().to_string().replace('\\', "\\\\")
}

/// Variables that cargo sets for a build script, or that would steer the
/// background build away from the shadow workspace's: without them it
/// runs as the checker's own build does.
fn foreign(name: &str) -> bool {
    let keep = [
        "CARGO_HOME",
        "CARGO_NET_",
        "CARGO_HTTP_",
        "CARGO_REGISTRIES_",
    ];
    (name.starts_with("CARGO") && !keep.iter().any(|k| name.starts_with(k)))
        || name.starts_with("RUST") && !name.starts_with("RUSTUP")
        || name.starts_with("DEP_")
        || matches!(
            name,
            "MAKEFLAGS"
                | "MFLAGS"
                | "OUT_DIR"
                | "TARGET"
                | "HOST"
                | "NUM_JOBS"
                | "OPT_LEVEL"
                | "PROFILE"
                | "DEBUG"
                | "INSTA_WORKSPACE_ROOT"
        )
}

/// Writes the prewarm workspace for the course at `root` and starts
/// `cargo` on it without waiting; its output goes to `prewarm/log.txt`.
pub fn start(root: &Path, cargo: &OsStr) -> io::Result<()> {
    let work = root.join("target").join("checker");
    let dir = work.join("prewarm");
    std::fs::create_dir_all(&dir)?;
    let deps = workspace_dependencies(&root.join("Cargo.toml"))?;
    let manifest = format!(
        "# Written by checker/build.rs: the shadow workspace's dependencies,\n\
         # compiled while the checker compiles (checker/src/build/prewarm.rs).\n\
         [workspace]\nresolver = \"3\"\n\n{deps}\n{PROFILE}\n\
         [package]\nname = \"prewarm\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\npath = \"lib.rs\"\n\n\
         [dependencies]\n{}",
        harness_dependencies(&toml_path(&root.join("checker").join("harness")))
    );
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("lib.rs"), "")?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let log = std::fs::File::create(dir.join("log.txt"))?;
    // Not waited for: the checker's build goes on, and the build script
    // ends, while this one works.
    command(root, cargo)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map(drop)
}

/// The `cargo build` of the prewarm workspace that [`start`] wrote for the
/// course at `root`. Run again, it waits for cargo's lock on the shadow
/// build and then finds everything fresh: `bench` uses that to wait until
/// a background build has ended.
pub fn command(root: &Path, cargo: &OsStr) -> Command {
    let work = root.join("target").join("checker");
    let dir = work.join("prewarm");
    let mut cmd = Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(foreign) {
            cmd.env_remove(name);
        }
    }
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", work.join("build"))
        .env("RUSTFLAGS", RUSTFLAGS)
        .env("CARGO_TERM_PROGRESS_WHEN", "never")
        .current_dir(&dir);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_scripts_own_variables_are_not_passed_on() {
        for name in [
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_MAKEFLAGS",
            "CARGO_MANIFEST_DIR",
            "RUSTC",
            "RUSTC_WRAPPER",
            "RUSTFLAGS",
            "MAKEFLAGS",
            "OUT_DIR",
            "DEP_Z_INCLUDE",
        ] {
            assert!(foreign(name), "{name}");
        }
        for name in [
            "CARGO_HOME",
            "RUSTUP_TOOLCHAIN",
            "RUSTUP_HOME",
            "PATH",
            "HOME",
        ] {
            assert!(!foreign(name), "{name}");
        }
    }
}
