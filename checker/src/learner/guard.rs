//! The course's own test suite never touches the learner's progress.
//!
//! A learner's state lives in the course they cloned: `target/checker/`
//! holds the hints they have seen (`hints-learner.txt`), the cached
//! verdicts and timelines of their code (`cache/learner-*.json`), and
//! `exercises/` holds their work. `cargo test` runs in that same clone, so
//! a test that ran `hint 01 2 --all` there used to mark every hint as seen.
//!
//! Cargo gives every integration-test process a `CARGO_BIN_EXE_<name>`
//! variable (and every process it starts inherits it); a checker that
//! sees one was started by a test. Such a checker refuses the learner's
//! commands on the course it belongs to, unless `--course` names another
//! copy, or `CHECKER_SCRATCH_COURSE` names this very course (a test that
//! built the checker inside a scratch copy of the whole course).

use crate::model::course::Paths;

/// Set by a test to the root of a scratch course whose own checker it runs.
pub const SCRATCH_VAR: &str = "CHECKER_SCRATCH_COURSE";

/// True when a test of the course started this process (or its parent).
pub fn started_by_a_test() -> bool {
    std::env::vars_os().any(|(k, _)| k.to_string_lossy().starts_with("CARGO_BIN_EXE_"))
}

/// `Err` with the reason when a learner's command may not run here.
pub fn allow_learner_state(paths: &Paths) -> Result<(), String> {
    if paths.learner != paths.root || !started_by_a_test() {
        return Ok(());
    }
    let same = |v: std::ffi::OsString| {
        let dir = std::path::PathBuf::from(v);
        std::fs::canonicalize(&dir).ok() == std::fs::canonicalize(&paths.root).ok()
    };
    if std::env::var_os(SCRATCH_VAR).is_some_and(same) {
        return Ok(());
    }
    Err(format!(
        "a test started this checker on the learner's own course ({}): its hints, cached \
         verdicts, timelines and exercises are the learner's, not the test suite's. Run the \
         checker with `--course SCRATCH` on a copy, or set {SCRATCH_VAR} to the root of a \
         scratch course whose own checker runs",
        paths.root.display()
    ))
}
