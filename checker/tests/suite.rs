//! The checker's integration tests, one module per file beside this one,
//! compiled into one test binary: cargo runs test binaries one after
//! another, and most of these tests wait (for a deadline, a terminal, the
//! work area's lock) while the others could use the processor.
//!
//! `hostile_build_size` is not here: it measures what one batch leaves in
//! the work area, so nothing may run beside it (its own binary,
//! `autotests = false` in `checker/Cargo.toml`).

mod common;
mod support;

mod broken_workspace;
mod cli;
mod documented_limits;
mod fixtures;
mod golden_screens;
mod grading;
mod hostile_compile;
mod hostile_runtime;
mod layers;
mod learner_loop;
mod learner_state;
mod manners;
mod runner_deadlines;
mod shards;
mod student_edition;
mod varied_inputs;
mod watch_terminal;

/// With `autotests = false` cargo compiles only the test files it is told
/// of: every `tests/*.rs` must be a module above or a `[[test]]` target,
/// or its tests would silently never run.
#[test]
fn every_test_file_is_compiled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = std::fs::read_to_string(dir.join("tests/suite.rs")).unwrap();
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(dir.join("tests")).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        let module = suite.lines().any(|l| l == format!("mod {stem};"));
        let target = manifest.contains(&format!("path = \"tests/{name}\""));
        if !module && !target {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "test files that no binary compiles: {missing:?}; add each as a `mod` in \
         tests/suite.rs or a [[test]] in checker/Cargo.toml"
    );
}
