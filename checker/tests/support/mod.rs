//! Helpers shared by the grading tests.

use std::path::PathBuf;
use std::process::Command;

/// Runs `checker grade ARGS SUBS` in a hostile environment (none of it may
/// change a verdict) plus `env`, and returns stdout; panics unless grading
/// succeeds.
pub fn grade_with(args: &[&str], subs: &[PathBuf], env: &[(&str, &str)]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_checker"))
        .arg("grade")
        .args(args)
        .args(subs)
        .env("INSTA_FORCE_PASS", "1")
        .env("INSTA_UPDATE", "always")
        .env("RUSTFLAGS", "-D warnings")
        .env("RUST_BACKTRACE", "full")
        .envs(env.iter().copied())
        .output()
        .expect("the checker runs");
    assert!(
        out.status.success(),
        "grade failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
