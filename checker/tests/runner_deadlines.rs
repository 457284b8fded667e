//! The runner never waits without a deadline: a test binary whose `--list`
//! never ends (code that runs before `main` and spins) is killed at the
//! deadline and lists no tests, so its tasks fail instead of stalling the
//! batch.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

#[test]
fn a_list_that_never_ends_is_cut_off_at_the_deadline() {
    let dir = std::env::temp_dir().join(format!("runner-deadline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("spins");
    // A shell loop made of built-ins only: it runs under the sandbox too,
    // which refuses new processes.
    std::fs::write(
        &binary,
        "#!/bin/sh\necho '1\tlooks_like_a_test'\nwhile :; do :; done\n",
    )
    .unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();

    let deadline = Duration::from_millis(500);
    let start = Instant::now();
    let tests = checker::run::runner::list(&binary, deadline).unwrap();
    let took = start.elapsed();

    assert!(tests.is_empty(), "a list cut off lists nothing: {tests:?}");
    assert!(
        took < deadline + Duration::from_secs(2),
        "list took {took:?} with a deadline of {deadline:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
