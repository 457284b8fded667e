//! Building the shadow workspace with cargo, and reading what it says.
//!
//! One `cargo build --keep-going` builds every requested harness, so a
//! compile error in one exercise never stops the others. Results come from
//! cargo's JSON messages: the artefacts that were produced, and per package
//! the errors the compiler reported.

use crate::build::mismatch::{self, HiddenError, in_hidden_tests};
use crate::build::shadow::Target;
use crate::model::course::Paths;
use crate::model::results::{CompileError, Warning};
use crate::util::json::{self, View};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the build produced for each target, by harness package name.
pub struct BuildOutcome {
    pub binaries: HashMap<String, PathBuf>,
    pub errors: HashMap<String, CompileError>,
    /// Warnings in the code under test, by harness package name.
    pub warnings: HashMap<String, Vec<Warning>>,
    /// Cargo's own failure (a broken manifest, no network on a first
    /// build...), when it produced no compiler message to explain it.
    pub cargo_error: Option<String>,
    /// For screening (see `depinfo`): what each target's build produced
    /// and what its diagnostics point into, and when the build started.
    pub screening: crate::build::record::BuildRecord,
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

/// Builds the harnesses of `targets`, at most `jobs` crates at once (fewer
/// when their compilers would not fit the memory budget, see
/// `buildlimit::Plan`). `progress` is told about each crate cargo
/// finishes, for a progress line on a terminal.
pub fn build(
    paths: &Paths,
    manifest: &Path,
    targets: &[Target],
    jobs: usize,
    progress: impl FnMut(&str),
) -> std::io::Result<BuildOutcome> {
    build_streaming(paths, manifest, targets, jobs, progress, |_, _| {})
}

/// [`build`], telling `linked` about each harness as soon as its test
/// binary is linked (its package name, and what the build has gathered so
/// far, which already holds everything about that harness and its code
/// under test: cargo reports a crate's messages before its artefact), so
/// that its tests can run while the rest builds.
pub fn build_streaming(
    paths: &Paths,
    manifest: &Path,
    targets: &[Target],
    jobs: usize,
    mut progress: impl FnMut(&str),
    mut linked: impl FnMut(&str, &BuildOutcome),
) -> std::io::Result<BuildOutcome> {
    let plan = crate::build::buildlimit::Plan::new(jobs);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.arg("build")
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--keep-going")
        .arg("--message-format")
        .arg("json-diagnostic-rendered-ansi")
        .args(plan.cargo_args());
    for t in targets {
        cmd.arg("-p").arg(t.harness_package());
    }
    for var in SCRUBBED_ENV {
        cmd.env_remove(var);
    }
    cmd.envs(crate::build::buildlimit::cargo_env()).env(
        crate::build::buildlimit::MEMORY_ENV,
        plan.rustc_memory.to_string(),
    );
    // Lets the harness fix the runtime's random seed, so that `select!`
    // picks branches in the same order in every run (`harness/src/run.rs`).
    // Only this build sees it: the course's own workspace builds tokio as
    // published.
    cmd.env("RUSTFLAGS", crate::build::prewarm::RUSTFLAGS);
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
    let screening = crate::build::record::BuildRecord::start(&paths.work().join("build"))?;
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
        warnings: HashMap::new(),
        cargo_error: None,
        screening,
    };
    // Errors inside the hidden tests, by harness package: retold in the
    // learner's terms once the build is done (see `mismatch`).
    let mut hidden: HashMap<String, Vec<HiddenError>> = HashMap::new();
    let stdout = BufReader::new(child.stdout.take().expect("piped"));
    for line in stdout.lines() {
        let Ok(line) = line else { break };
        let Some(doc) = json::parse(&line) else {
            continue;
        };
        let msg = View::new(&doc);
        let package = msg
            .get("package_id")
            .str()
            .map(package_name)
            .unwrap_or_default();
        let key = by_lib.get(&package).unwrap_or(&package);
        outcome
            .screening
            .record(key, by_lib.contains_key(&package), msg);
        match msg.get("reason").str() {
            Some("compiler-artifact") => {
                if msg.get("fresh").bool() == Some(false) {
                    progress(&package);
                }
                if let Some(exe) = msg.get("executable").str() {
                    outcome.binaries.insert(package.clone(), PathBuf::from(exe));
                    linked(&package, &outcome);
                }
            }
            Some("compiler-message") if msg.get("message").get("level").str() == Some("error") => {
                // An error in the code under test belongs to its harness.
                let key = by_lib.get(&package).cloned().unwrap_or(package);
                let message = msg.get("message");
                if let Some(span) = primary_span(message)
                    && in_hidden_tests(span.get("file_name").str().unwrap_or_default())
                {
                    hidden.entry(key.clone()).or_default().push(HiddenError {
                        message: message.get("message").string(),
                        snippet: span
                            .get("text")
                            .items()
                            .map(|l| l.get("text").string())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    });
                }
                record_error(paths, &mut outcome.errors, key, message);
            }
            Some("compiler-message")
                if msg.get("message").get("level").str() == Some("warning") =>
            {
                // Only the code under test: the hidden tests are the course's.
                if let Some(key) = by_lib.get(&package) {
                    let message = msg.get("message");
                    if let Some(span) = primary_span(message) {
                        let list = outcome.warnings.entry(key.clone()).or_default();
                        if list.len() < MAX_WARNINGS {
                            list.push(Warning {
                                message: paths
                                    .relativize(message.get("rendered").str().unwrap_or_default()),
                                location: Some(span_location(paths, span)),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for t in targets {
        if let Some(errors) = hidden.get(&t.harness_package()) {
            outcome
                .errors
                .insert(t.harness_package(), mismatch::explain(paths, t, errors));
        }
    }
    let status = child.wait()?;
    let stderr = stderr_reader.join().unwrap_or_default();
    if !status.success() && outcome.errors.is_empty() {
        outcome.cargo_error = Some(stderr.trim().to_string());
    }
    Ok(outcome)
}

/// How many warnings of one exercise a result keeps.
const MAX_WARNINGS: usize = 5;

/// The span a diagnostic is about (its primary one, else its first).
fn primary_span(message: View) -> Option<View> {
    let spans = message.get("spans");
    spans
        .items()
        .find(|s| s.get("is_primary").bool() == Some(true))
        .or_else(|| spans.items().next())
}

/// `path:line:col` of a span, relative when possible.
fn span_location(paths: &Paths, s: View) -> String {
    let file = Path::new(s.get("file_name").str().unwrap_or("?"));
    format!(
        "{}:{}:{}",
        paths.display(file),
        s.get("line_start").u64().unwrap_or(0),
        s.get("column_start").u64().unwrap_or(0)
    )
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
    message: View,
) {
    // "aborting due to N previous errors" is a summary, not an error.
    let text = message.get("message").str().unwrap_or_default();
    if message.get("spans").items().next().is_none() && text.starts_with("aborting due to") {
        return;
    }
    let location = primary_span(message).map(|s| span_location(paths, s));
    let rendered = message.get("rendered").str().unwrap_or(text);
    let entry = errors.entry(key).or_insert_with(|| CompileError {
        first: paths.relativize(rendered),
        location: location.clone(),
        error_count: 0,
    });
    // The wrapper's word on why the compiler was stopped explains the
    // errors before it ("File too large"): it comes first.
    if message.get("code").get("code").str() == Some(crate::build::buildlimit::LIMIT_CODE) {
        entry.first = paths.relativize(rendered);
        entry.location = location;
    }
    entry.error_count += 1;
}

/// Shows cargo's progress while the first build runs: the dependencies
/// take a while on a laptop and silence looks like a hang. On a terminal
/// one line is redrawn as crates are compiled; elsewhere (a pipe, CI,
/// `TERM=dumb`) a plain line starts and ends the build.
pub struct Progress {
    mode: ProgressMode,
    done: usize,
    started: std::time::Instant,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ProgressMode {
    Redrawn,
    Lines,
    Silent,
}

/// Crates past which a build is worth two lines in a log: more than the
/// course's own (each exercise's code and its hidden tests), so that an
/// edit says nothing and a first build, which compiles tokio, does.
fn big_build() -> usize {
    crate::model::course::EXERCISES.len() * 2 + 1
}

/// Set by a front end that owns the screen (`watch`), where a progress
/// line would be drawn over it.
static SILENT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Progress {
    /// No progress lines from now on in this process.
    pub fn silence() {
        SILENT.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn on_stderr() -> Progress {
        let mode = if SILENT.load(std::sync::atomic::Ordering::SeqCst) {
            ProgressMode::Silent
        } else if std::io::stderr().is_terminal() && !crate::util::style::dumb_terminal() {
            ProgressMode::Redrawn
        } else {
            ProgressMode::Lines
        };
        Progress {
            mode,
            done: 0,
            started: std::time::Instant::now(),
        }
    }

    pub fn crate_done(&mut self, name: &str) {
        self.done += 1;
        // The first crate is often the only one (an edit): say nothing.
        if self.done < 2 {
            return;
        }
        let mut err = std::io::stderr().lock();
        match self.mode {
            ProgressMode::Redrawn => {
                let _ = write!(
                    err,
                    "\r\x1b[2K  building ({} crates compiled: {name})",
                    self.done
                );
            }
            ProgressMode::Lines if self.done == big_build() => {
                let _ = writeln!(
                    err,
                    "checker: building the course's dependencies and hidden tests \
                     (a first run takes a while)..."
                );
            }
            _ => {}
        }
        let _ = err.flush();
    }

    pub fn finish(&self) {
        if self.done < 2 {
            return;
        }
        match self.mode {
            ProgressMode::Lines if self.done < big_build() => {}
            ProgressMode::Redrawn => {
                let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            }
            ProgressMode::Lines => eprintln!(
                "checker: built {} crates in {:.1} s; running the hidden tests",
                self.done,
                self.started.elapsed().as_secs_f64()
            ),
            ProgressMode::Silent => {}
        }
    }
}
