//! `offline --student DIR`: the student edition prepared for a room
//! without network (plain `offline DIR`: the authors' course, answers
//! included, for authors who work offline).
//!
//! Writes the course to DIR with the crates it needs vendored into
//! `DIR/.cargo/vendor`, and a `DIR/.cargo/config.toml` that makes cargo
//! take crates from there and never touch the network. Cargo reads that
//! file from any folder below DIR, so the checker's own build (in
//! `target/checker/`) uses it too. On the workshop machines, nothing else
//! is needed but a Rust toolchain: an empty cargo home will do.
//!
//! Only the crates that Linux, macOS and Windows (MSVC) builds resolve are
//! vendored whole: `cargo vendor-filterer` (crates.io's
//! `cargo-vendor-filterer`) keeps the rest as empty stubs that satisfy
//! `Cargo.lock`. Without it, `cargo vendor` takes every crate of the lock
//! file, including the Windows GNU import libraries (`winapi-*-gnu`,
//! `windows_*_gnu*`: over 100 MiB that no supported build links).
//! The student edition has none of the authors' tests, so the crates that
//! only tests use (`cargo tree -e normal,build` never reaches them) are
//! emptied the same way.

use checker::model::course::Paths;
use checker::util::files::walk_all;
use std::path::Path;
use std::process::Command;

/// Which course goes into the bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edition {
    /// `export --student`: no solutions, no fixtures, the students' README.
    Student,
    /// The authors' course as a fresh clone has it, answers included.
    Authors,
}

/// What goes into the authors' bundle: the course as a fresh clone has it.
const KEEP: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "README.md",
    "BENCHMARKS.md",
    ".gitignore",
    ".ci",
    ".vscode",
    ".helix",
    ".zed",
    "exercises",
    "solutions",
    "checker",
];

/// Folders never copied: build output and learners' reset backups.
const SKIP: &[&str] = &["target", "backups"];

/// The platforms whose builds the bundle serves: Linux, macOS and
/// Windows with the MSVC toolchain (rustup's default there), each on x86-64
/// and ARM.
pub const PLATFORMS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
];

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
/// size on disk in bytes.
pub fn bundle(paths: &Paths, to: &Path, edition: Edition) -> std::io::Result<(usize, u64)> {
    if to.exists() && std::fs::read_dir(to)?.next().is_some() {
        return Err(std::io::Error::other(format!(
            "{} exists and is not empty: choose a new folder",
            to.display()
        )));
    }
    let files = match edition {
        Edition::Student => crate::export::student_copy(paths, to)?,
        Edition::Authors => copy_course(paths, to)?,
    };
    vendor(to, edition)?;
    std::fs::write(to.join(".cargo").join("config.toml"), CONFIG)?;
    if edition == Edition::Student {
        empty_test_only_crates(to)?;
    }
    let size = walk_all(to)
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| on_disk(&m))
        .sum();
    Ok((files, size))
}

/// What a file takes on disk (whole blocks), as `du` counts it: thousands
/// of small vendored files take far more than their length.
fn on_disk(m: &std::fs::Metadata) -> u64 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        m.blocks() * 512
    }
    #[cfg(not(unix))]
    {
        m.len()
    }
}

fn copy_course(paths: &Paths, to: &Path) -> std::io::Result<usize> {
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
    Ok(files)
}

/// True when `cargo vendor-filterer` is installed.
fn filterer_available(cargo: &std::ffi::OsStr) -> bool {
    Command::new(cargo)
        .args(["vendor-filterer", "--help"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Vendors the crates of `to`'s `Cargo.lock` into `to/.cargo/vendor`.
fn vendor(to: &Path, edition: Edition) -> std::io::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    if filterer_available(&cargo) {
        cmd.arg("vendor-filterer");
        for p in PLATFORMS {
            cmd.arg(format!("--platform={p}"));
        }
        cmd.args(["--versioned-dirs"]);
        if edition == Edition::Student {
            // Crates' own tests, benchmarks and examples: no build of a
            // dependency reads them, and they are thousands of small files.
            for dir in ["tests", "benches", "examples"] {
                cmd.arg(format!("--exclude-crate-path=*#{dir}"));
            }
        }
    } else {
        eprintln!(
            "offline: `cargo vendor-filterer` is not installed, so every crate of Cargo.lock \
             is vendored, the Windows GNU libraries too (over 100 MiB more). \
             `cargo install --locked cargo-vendor-filterer` keeps the bundle to what Linux, \
             macOS and Windows (MSVC) need."
        );
        cmd.args(["vendor", "--locked", "--versioned-dirs", "--quiet"]);
    }
    let out = cmd
        .arg(Path::new(".cargo").join("vendor"))
        .current_dir(to)
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "vendoring failed (it needs the network, or every crate in cargo's cache):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// Empties every vendored crate that no normal or build dependency edge
/// of the workspace reaches, on any platform: what only tests use. The
/// manifest stays (cargo still reads it to load `Cargo.lock`), the sources
/// go, as `cargo vendor-filterer` does for other platforms' crates.
fn empty_test_only_crates(to: &Path) -> std::io::Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--workspace",
            "-e",
            "normal,build",
            "--target",
            "all",
        ])
        .args(["--prefix", "none", "-f", "{p}"])
        .current_dir(to)
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "`cargo tree` failed in the bundle: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    // `tokio v1.54.1 (*)` names the folder `tokio-1.54.1` (--versioned-dirs).
    let needed: std::collections::HashSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            l.split(" (")
                .next()
                .unwrap_or(l)
                .trim()
                .replacen(" v", "-", 1)
        })
        .collect();
    let vendor = to.join(".cargo").join("vendor");
    for entry in std::fs::read_dir(&vendor)? {
        let dir = entry?.path();
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        if dir.is_dir() && !needed.contains(name.as_ref()) {
            empty_crate(&dir)?;
        }
    }
    Ok(())
}

/// Leaves `dir` with its `Cargo.toml`, an empty `src/lib.rs` and a
/// checksum file that vouches for the package and for no file.
fn empty_crate(dir: &Path) -> std::io::Result<()> {
    let sums = std::fs::read_to_string(dir.join(".cargo-checksum.json"))?;
    let doc = checker::util::json::parse(&sums)
        .ok_or_else(|| std::io::Error::other(format!("{}: bad checksum file", dir.display())))?;
    let package = checker::util::json::View::new(&doc)
        .get("package")
        .str()
        .unwrap_or_default()
        .to_string();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(dir.join("src").join("lib.rs"), "")?;
    std::fs::write(
        dir.join(".cargo-checksum.json"),
        checker::util::json::Object::new()
            .raw("files", "{}")
            .str("package", &package)
            .finish(),
    )
}
