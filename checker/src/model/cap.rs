//! Caps on the text a result carries, applied where results are built so
//! that every report gets them.
//!
//! Graded code chooses its panic messages, printed output and `Debug`
//! text: a 1 MiB panic in every test once made a class's JUnit report
//! 50 MB (GitLab refuses reports over 30 MB). Each field keeps its start,
//! which is where the explanation is, and says how much was cut.

use crate::model::results::{Captured, ExerciseResult};

/// A test's message (the rule broken, the panic's text).
pub const MESSAGE: usize = 2 * 1024;
/// Expected against actual.
pub const DIFF: usize = 4 * 1024;
/// Each recorded panic's message, and how many panics are kept.
pub const PANIC: usize = 1024;
pub const PANICS: usize = 8;
/// Events of a test's log, and each event's text.
pub const EVENTS: usize = 500;
pub const EVENT_TEXT: usize = 200;
/// The expected log drawn beside a failing one.
pub const EXPECTED_EVENTS: usize = 8 * 1024;
/// What the process printed, per stream.
pub const CAPTURED: usize = 4 * 1024;
/// The compiler's first error, and each warning.
pub const COMPILE: usize = 4 * 1024;
/// What a report shows for one task (message, diff and location).
pub const FEEDBACK: usize = 6 * 1024;
/// Review entries kept per submission.
pub const REVIEW: usize = 200;

/// Cuts `s` to at most `max` bytes (on a character boundary) and says so.
/// Returns how many bytes were cut.
pub fn text(s: &mut String, max: usize) -> u64 {
    if s.len() <= max {
        return 0;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = (s.len() - end) as u64;
    s.truncate(end);
    s.push_str(&format!("\n… ({cut} more bytes cut by the checker)"));
    cut
}

fn captured(c: &mut Captured) {
    let mut body = std::mem::take(&mut c.text);
    let cut = text(&mut body, CAPTURED);
    c.text = body;
    c.dropped_bytes += cut;
}

/// Applies every cap to one exercise's result.
pub fn result(r: &mut ExerciseResult) {
    if let Some(e) = &mut r.compile_error {
        text(&mut e.first, COMPILE);
    }
    for w in &mut r.warnings {
        text(&mut w.message, COMPILE);
    }
    for t in r.tasks.iter_mut().flat_map(|t| t.tests.iter_mut()) {
        text(&mut t.message, MESSAGE);
        if let Some(d) = &mut t.diff {
            text(d, DIFF);
        }
        if let Some(x) = &mut t.expected_events {
            text(x, EXPECTED_EVENTS);
        }
        t.panics.truncate(PANICS);
        for p in &mut t.panics {
            text(&mut p.message, PANIC);
            text(&mut p.thread, EVENT_TEXT);
        }
        t.events.truncate(EVENTS);
        for e in &mut t.events {
            text(&mut e.actor, EVENT_TEXT);
            text(&mut e.what, EVENT_TEXT);
        }
        if let Some(l) = &mut t.location {
            text(l, EVENT_TEXT);
        }
        captured(&mut t.stdout);
        captured(&mut t.stderr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_a_character_boundary_and_says_how_much() {
        let mut s = "é".repeat(10); // 20 bytes
        assert_eq!(text(&mut s, 5), 16);
        assert!(s.starts_with("éé"), "{s}");
        assert!(s.ends_with("(16 more bytes cut by the checker)"), "{s}");
        let mut short = "fine".to_string();
        assert_eq!(text(&mut short, 5), 0);
        assert_eq!(short, "fine");
    }
}
