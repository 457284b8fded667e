//! Building the shadow workspace with cargo, and reading what it says.
//!
//! One `cargo build --keep-going` builds every requested harness, so a
//! compile error in one exercise never stops the others. Results come from
//! cargo's JSON messages: the artefacts that were produced, and per package
//! the errors the compiler reported.

use crate::course::Paths;
use crate::model::CompileError;
use crate::shadow::Target;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the build produced for each target, by harness package name.
pub struct BuildOutcome {
    pub binaries: HashMap<String, PathBuf>,
    pub errors: HashMap<String, CompileError>,
    /// Cargo's own failure (a broken manifest, no network on a first
    /// build...), when it produced no compiler message to explain it.
    pub cargo_error: Option<String>,
}

/// Environment variables that would change how the code under test is
/// built or run. The checker sets its own; the caller's never apply.
pub const SCRUBBED_ENV: &[&str] = &[
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_TARGET_DIR",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_PROFILE_DEV_OPT_LEVEL",
    "CARGO_PROFILE_DEV_DEBUG_ASSERTIONS",
    "CARGO_PROFILE_DEV_OVERFLOW_CHECKS",
    "CARGO_PROFILE_DEV_PANIC",
    "CARGO_INCREMENTAL",
    "INSTA_UPDATE",
    "INSTA_FORCE_PASS",
    "INSTA_OUTPUT",
    "INSTA_WORKSPACE_ROOT",
    "RUST_BACKTRACE",
    "RUST_LIB_BACKTRACE",
];

/// Builds the harnesses of `targets`. `progress` is told about each crate
/// cargo finishes, for a progress line on a terminal.
pub fn build(
    paths: &Paths,
    manifest: &Path,
    targets: &[Target],
    mut progress: impl FnMut(&str),
) -> std::io::Result<BuildOutcome> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--keep-going")
        .arg("--message-format")
        .arg("json-diagnostic-rendered-ansi");
    for t in targets {
        cmd.arg("-p").arg(t.harness_package());
    }
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    // Run from the shadow workspace: cargo reads `.cargo/config.toml` from
    // the current directory upwards, and the caller's directory (a
    // submission, say) must not configure the build.
    cmd.current_dir(manifest.parent().unwrap_or(&paths.work()))
        .env("CARGO_TARGET_DIR", paths.work().join("build"))
        .env("CARGO_TERM_COLOR", "never")
        .env("CARGO_TERM_PROGRESS_WHEN", "never")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;

    // Cargo's stderr only matters when it fails before compiling anything;
    // drain it on a thread so that neither pipe can fill up and block.
    let mut stderr = child.stderr.take().expect("piped");
    let stderr_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let by_lib: HashMap<String, String> = targets
        .iter()
        .map(|t| (t.lib_package(), t.harness_package()))
        .collect();
    let mut outcome = BuildOutcome {
        binaries: HashMap::new(),
        errors: HashMap::new(),
        cargo_error: None,
    };
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let package = msg["package_id"]
            .as_str()
            .map(package_name)
            .unwrap_or_default();
        match msg["reason"].as_str() {
            Some("compiler-artifact") => {
                if msg["fresh"] == false {
                    progress(&package);
                }
                if let Some(exe) = msg["executable"].as_str() {
                    outcome.binaries.insert(package, PathBuf::from(exe));
                }
            }
            Some("compiler-message") if msg["message"]["level"] == "error" => {
                // An error in the code under test belongs to its harness.
                let key = by_lib.get(&package).cloned().unwrap_or(package);
                record_error(paths, &mut outcome.errors, key, &msg["message"]);
            }
            _ => {}
        }
    }
    let status = child.wait()?;
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() && outcome.errors.is_empty() {
        outcome.cargo_error = Some(stderr.trim().to_string());
    }
    Ok(outcome)
}

/// The package name inside a cargo package id, in either of the formats
/// cargo has used (`name 0.0.0 (path+file://...)` and
/// `path+file:///...#name@0.0.0`).
fn package_name(id: &str) -> String {
    if let Some((_, frag)) = id.rsplit_once('#') {
        return frag.split('@').next().unwrap_or(frag).to_string();
    }
    id.split(' ').next().unwrap_or(id).to_string()
}

fn record_error(
    paths: &Paths,
    errors: &mut HashMap<String, CompileError>,
    key: String,
    message: &Value,
) {
    // "aborting due to N previous errors" is a summary, not an error.
    let text = message["message"].as_str().unwrap_or_default();
    if message["spans"].as_array().is_none_or(|s| s.is_empty())
        && text.starts_with("aborting due to")
    {
        return;
    }
    let entry = errors.entry(key).or_insert_with(|| {
        let span = message["spans"].as_array().and_then(|spans| {
            spans
                .iter()
                .find(|s| s["is_primary"] == true)
                .or(spans.first())
        });
        let location = span.map(|s| {
            let file = Path::new(s["file_name"].as_str().unwrap_or("?"));
            format!(
                "{}:{}:{}",
                paths.display(file),
                s["line_start"].as_u64().unwrap_or(0),
                s["column_start"].as_u64().unwrap_or(0)
            )
        });
        let rendered = message["rendered"].as_str().unwrap_or(text);
        CompileError {
            first: paths.relativize(rendered),
            location,
            error_count: 0,
        }
    });
    entry.error_count += 1;
}

/// Shows cargo's progress on a terminal while the first build runs: the
/// dependencies take a while on a laptop and silence looks like a hang.
pub struct Progress {
    enabled: bool,
    done: usize,
}

impl Progress {
    pub fn on_stderr() -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
            done: 0,
        }
    }

    pub fn crate_done(&mut self, name: &str) {
        self.done += 1;
        if self.enabled && self.done > 1 {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K  building ({} crates compiled: {name})",
                self.done
            );
            let _ = err.flush();
        }
    }

    pub fn finish(&self) {
        if self.enabled && self.done > 1 {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}
