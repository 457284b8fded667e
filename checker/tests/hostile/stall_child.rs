//! Starts processes that inherit the test's stdout and stderr and outlive
//! it: one in the test's process group, one in a group of its own, and
//! one that replaces the test process itself.

use std::os::unix::process::CommandExt;
use std::process::Command;

// Durations no other process on the machine is likely to sleep for: the
// test looks for survivors by these command lines (`SLEEPS` in
// hostile_runtime.rs).
pub fn strike() {
    let _ = Command::new("sleep").arg("3617").spawn();
    let _ = Command::new("sleep").arg("3618").process_group(0).spawn();
    if let Ok(me) = std::env::current_exe() {
        let _ = Command::new(me).arg("--list").process_group(0).spawn();
    }
    // Only returns if exec failed.
    let _ = Command::new("sleep").arg("3619").exec();
}
