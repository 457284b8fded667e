//! Where a check's time goes, for `bench`: with `CHECKER_TIMINGS=FILE` in
//! the environment, the checker (and the compiler wrapper cargo starts)
//! append one line per milestone to FILE: its name and the wall-clock time
//! in seconds since the Unix epoch. Processes write whole lines with one
//! `write` on a file opened for appending, so lines from the checker and
//! from concurrent compiler wrappers never interleave. Without the
//! variable nothing is measured or written.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// The variable that names the file.
pub const ENV: &str = "CHECKER_TIMINGS";

/// Seconds since the Unix epoch: comparable across processes, unlike an
/// `Instant`.
pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Notes that `what` happened now.
pub fn mark(what: &str) {
    span(what, now(), now());
}

/// Notes that `what` ran from `start` to `end` (seconds since the epoch).
pub fn span(what: &str, start: f64, end: f64) {
    let Some(file) = std::env::var_os(ENV) else {
        return;
    };
    let line = format!("{what} {start:.6} {end:.6}\n");
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
    {
        let _ = f.write_all(line.as_bytes());
    }
}

/// The lines of a timings file: (milestone, start, end).
pub fn read(text: &str) -> Vec<(String, f64, f64)> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let what = parts.next()?.to_string();
            let start = parts.next()?.parse().ok()?;
            let end = parts.next()?.parse().ok()?;
            Some((what, start, end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_as_written() {
        let text = "main 10.000000 10.000000\nrustc:bounded_send 10.5 11.25\nbroken\n";
        let got = read(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], ("rustc:bounded_send".to_string(), 10.5, 11.25));
    }
}
