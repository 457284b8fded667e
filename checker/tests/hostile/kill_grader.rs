//! Tries to kill the grader (its parent) through the `kill` program, by
//! starting it and by turning into it.

use std::os::unix::process::CommandExt;
use std::process::Command;

pub fn strike() {
    let parent = std::os::unix::process::parent_id().to_string();
    let _ = Command::new("kill").args(["-9", &parent]).status();
    let _ = Command::new("kill").args(["-9", &parent]).exec();
}
