//! How a command ends: the process's exit status, or an error for the
//! person who ran it.
//!
//! Exit statuses: 0 when everything checked passes, 1 when a task fails,
//! 2 on a usage or environment error.

/// What every command function returns.
pub type CliResult = Result<i32, Box<dyn std::error::Error>>;
