//! A closed stdout (`checker solution 01 | head -1`) ends the checker
//! quietly, as it ends `cat`, instead of with a panic message.
//!
//! Rust ignores SIGPIPE, so `print!` to a closed pipe panics with "failed
//! printing to stdout: Broken pipe". Restoring SIGPIPE's default would be
//! the classic fix, but it would also kill the checker when a test process
//! exits before reading what the runner writes to it; so the panic itself
//! is recognised, wherever in the checker it comes from.

/// Exit status for a closed stdout: what a shell reports for a process
/// ended by SIGPIPE (128 + 13), so that `set -o pipefail` scripts see it.
const CLOSED_PIPE: i32 = 141;

pub fn exit_quietly_on_closed_stdout() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if is_closed_stdout(message) {
            std::process::exit(CLOSED_PIPE);
        }
        previous(info);
    }));
}

/// Whether a panic message is `print!`'s for a closed pipe: EPIPE on
/// Unix, ERROR_NO_DATA (232) or ERROR_BROKEN_PIPE (109) on Windows.
fn is_closed_stdout(message: &str) -> bool {
    let broken = std::io::Error::from(std::io::ErrorKind::BrokenPipe).to_string();
    message.starts_with("failed printing to stdout")
        && (message.contains(&broken)
            || message.contains("Broken pipe")
            || (cfg!(windows)
                && (message.contains("os error 232") || message.contains("os error 109"))))
}

#[cfg(test)]
mod tests {
    use super::is_closed_stdout;

    #[test]
    fn only_a_closed_stdout_is_quiet() {
        assert!(is_closed_stdout(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_closed_stdout(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_closed_stdout("index out of bounds"));
    }
}
