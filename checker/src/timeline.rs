//! Timelines: a test's event log drawn as lanes in the terminal.
//!
//! One lane per actor (chef, waiter, station 2...), time going right, one
//! column per instant something happened. After an event that starts with
//! "waits" the lane is drawn as a bar until that actor's next event, so a
//! producer held up by a full channel is visible at a glance: that bar is
//! backpressure.

use crate::model::Event;
use std::fmt::Write;

/// Width of one time column.
const COLUMN: usize = 13;

/// Draws `events` in blocks that fit `width` columns, followed by nothing
/// else: callers print the exact log beside it when they need it.
pub fn render(events: &[Event], width: usize) -> String {
    if events.is_empty() {
        return "  (no events)\n".to_string();
    }
    let mut actors: Vec<&str> = Vec::new();
    for e in events {
        if !actors.contains(&e.actor.as_str()) {
            actors.push(&e.actor);
        }
    }
    let mut times: Vec<u64> = events.iter().map(|e| e.at_ms).collect();
    times.sort_unstable();
    times.dedup();

    // What each lane shows in each column: an event's label, a wait bar
    // carried over from an earlier column, or nothing.
    let label_width = actors.iter().map(|a| a.chars().count()).max().unwrap_or(0) + 2;
    let mut cells: Vec<Vec<String>> = vec![vec![String::new(); times.len()]; actors.len()];
    for (lane, actor) in actors.iter().enumerate() {
        let mut waiting = false;
        for (col, t) in times.iter().enumerate() {
            let here: Vec<&Event> = events
                .iter()
                .filter(|e| e.at_ms == *t && e.actor == *actor)
                .collect();
            if let Some(last) = here.last() {
                waiting = last.what.starts_with("waits");
                let mut label = short(&last.what);
                if here.len() > 1 {
                    label = format!("{}+{}", short(&here[0].what), here.len() - 1);
                }
                cells[lane][col] = fill(&label, waiting);
            } else if waiting {
                cells[lane][col] = "═".repeat(COLUMN);
            }
        }
    }

    let per_block = (width.saturating_sub(label_width) / COLUMN).max(1);
    let mut out = String::new();
    for start in (0..times.len()).step_by(per_block) {
        let end = (start + per_block).min(times.len());
        let mut header = format!("  {:<label_width$}", "time");
        for t in &times[start..end] {
            let _ = write!(header, "{:<COLUMN$}", format!("{t}ms"));
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (lane, actor) in actors.iter().enumerate() {
            let row: String = cells[lane][start..end]
                .iter()
                .map(|c| format!("{c:<COLUMN$}"))
                .collect();
            let line = format!("  {actor:<label_width$}{row}");
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out.push('\n');
    }
    out
}

/// A label that fits a column: the event up to its first `:` or `(`.
fn short(what: &str) -> String {
    let cut = what.find([':', '(']).map_or(what, |i| &what[..i]).trim();
    let limit = COLUMN - 1;
    if cut.chars().count() > limit {
        cut.chars().take(limit - 1).chain(['…']).collect()
    } else {
        cut.to_string()
    }
}

/// A cell: the label, then a wait bar to the column's edge when waiting.
fn fill(label: &str, waiting: bool) -> String {
    if !waiting {
        return label.to_string();
    }
    let used = label.chars().count();
    format!("{label}{}", "═".repeat(COLUMN.saturating_sub(used)))
}

/// Reads a rendered log (`t=  200ms  waiter  takes dish 1`, the format of
/// recorded snapshots) back into events, to draw the expected timeline.
pub fn parse(log: &str) -> Vec<Event> {
    log.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("t=")?;
            let (ms, rest) = rest.trim_start().split_once("ms")?;
            let rest = rest.trim_start();
            let (actor, what) = rest.split_once("  ")?;
            Some(Event {
                at_ms: ms.trim().parse().ok()?,
                actor: actor.trim().to_string(),
                what: what.trim().to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at_ms: u64, actor: &str, what: &str) -> Event {
        Event {
            at_ms,
            actor: actor.to_string(),
            what: what.to_string(),
        }
    }

    #[test]
    fn waiting_is_drawn_as_a_bar_until_the_next_event() {
        let events = vec![
            ev(0, "chef", "waits: belt full (2/2)"),
            ev(100, "waiter", "takes dish 1"),
            ev(100, "chef", "done"),
        ];
        let picture = render(&events, 78);
        let chef = picture
            .lines()
            .find(|l| l.trim_start().starts_with("chef"))
            .unwrap();
        assert!(chef.contains("waits════════done"), "{picture}");
        let waiter = picture
            .lines()
            .find(|l| l.trim_start().starts_with("waiter"))
            .unwrap();
        assert!(waiter.ends_with("takes dish 1"), "{picture}");
    }

    #[test]
    fn parses_the_snapshot_format_back() {
        let log = "t=    0ms  chef    waits: belt full (2/2)\nt=  100ms  waiter  takes dish 1\n";
        assert_eq!(
            parse(log),
            vec![
                ev(0, "chef", "waits: belt full (2/2)"),
                ev(100, "waiter", "takes dish 1")
            ]
        );
    }

    #[test]
    fn wide_timelines_wrap_into_blocks() {
        let events: Vec<Event> = (0..12).map(|i| ev(i * 10, "a", "tick")).collect();
        let picture = render(&events, 78);
        assert!(
            picture.lines().all(|l| l.chars().count() <= 78),
            "{picture}"
        );
        assert!(picture.matches("time").count() >= 2, "{picture}");
    }
}
