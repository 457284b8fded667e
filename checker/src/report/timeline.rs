//! Timelines: a test's event log drawn as lanes in the terminal.
//!
//! One lane per actor (chef, waiter, station 2...), time going right, one
//! column per instant something happened. After an event that starts with
//! "waits" the lane is drawn as a bar until that actor's next event, so a
//! producer held up by a full channel is visible at a glance: that bar is
//! backpressure.

use crate::model::results::Event;
use std::fmt::Write;

/// Narrowest and widest time column: wide enough for most labels whole
/// (`takes plate 1 of station 2`), narrow enough for a few columns in 80.
const MIN_COLUMN: usize = 10;
const MAX_COLUMN: usize = 24;

/// Draws `events` in blocks that fit `width` columns.
pub fn render(events: &[Event], width: usize) -> String {
    if events.is_empty() {
        return "  (no events)\n".to_string();
    }
    let (actors, times, column) = layout(&[events]);
    draw(events, &actors, &times, column, width)
}

/// Draws two timelines on the same lanes and time columns, so that the
/// expected one and the learner's line up when printed one above the other.
pub fn render_pair(expected: &[Event], yours: &[Event], width: usize) -> (String, String) {
    let (actors, times, column) = layout(&[expected, yours]);
    (
        draw(expected, &actors, &times, column, width),
        draw(yours, &actors, &times, column, width),
    )
}

/// The lanes (actors in order of first appearance), the instants of every
/// event, and the column width, across `logs`.
fn layout<'a>(logs: &[&'a [Event]]) -> (Vec<&'a str>, Vec<u64>, usize) {
    let mut actors: Vec<&str> = Vec::new();
    let mut times: Vec<u64> = Vec::new();
    for e in logs.iter().flat_map(|l| l.iter()) {
        if !actors.contains(&e.actor.as_str()) {
            actors.push(&e.actor);
        }
        times.push(e.at_ms);
    }
    times.sort_unstable();
    times.dedup();
    let column = logs
        .iter()
        .flat_map(|l| l.iter())
        .map(|e| label(&e.what).chars().count() + 3)
        .max()
        .unwrap_or(0)
        .clamp(MIN_COLUMN, MAX_COLUMN);
    (actors, times, column)
}

fn draw(events: &[Event], actors: &[&str], times: &[u64], column: usize, width: usize) -> String {
    // What each lane shows in each column: an event's label, a wait bar
    // carried over from an earlier column, or nothing.
    let label_width = actors.iter().map(|a| a.chars().count()).max().unwrap_or(0) + 2;
    let mut cells: Vec<Vec<String>> = vec![vec![String::new(); times.len()]; actors.len()];
    let mut crowded = false;
    for (lane, actor) in actors.iter().enumerate() {
        let mut waiting = false;
        for (col, t) in times.iter().enumerate() {
            let here: Vec<&Event> = events
                .iter()
                .filter(|e| e.at_ms == *t && e.actor == *actor)
                .collect();
            if let Some(last) = here.last() {
                waiting = last.what.starts_with("waits");
                let mut text = short(&last.what, column);
                if here.len() > 1 {
                    crowded = true;
                    text = format!("{}+{}", short(&here[0].what, column - 2), here.len() - 1);
                }
                cells[lane][col] = fill(&text, waiting, column);
            } else if waiting {
                cells[lane][col] = "═".repeat(column);
            }
        }
    }

    let per_block = (width.saturating_sub(label_width + 2) / column).max(1);
    let mut out = String::new();
    for start in (0..times.len()).step_by(per_block) {
        let end = (start + per_block).min(times.len());
        let mut header = format!("  {:<label_width$}", "time");
        for t in &times[start..end] {
            let _ = write!(header, "{:<column$}", format!("{t}ms"));
        }
        let _ = writeln!(out, "{}", header.trim_end());
        for (lane, actor) in actors.iter().enumerate() {
            let row: String = cells[lane][start..end]
                .iter()
                .map(|c| format!("{c:<column$}"))
                .collect();
            let line = format!("  {actor:<label_width$}{row}");
            let _ = writeln!(out, "{}", line.trim_end());
        }
        out.push('\n');
    }
    if crowded {
        out.push_str(
            "  (+N: N more events by that actor at that instant; the log has them all)\n\n",
        );
    }
    out
}

/// The part of an event a lane shows: up to its first `:` or `(`.
fn label(what: &str) -> &str {
    what.find([':', '(']).map_or(what, |i| &what[..i]).trim()
}

/// A label cut to fit a column of `column` characters.
fn short(what: &str, column: usize) -> String {
    let cut = label(what);
    let limit = column - 1;
    if cut.chars().count() > limit {
        cut.chars().take(limit - 1).chain(['…']).collect()
    } else {
        cut.to_string()
    }
}

/// A cell: the label, then a wait bar to the column's edge when waiting.
fn fill(label: &str, waiting: bool, column: usize) -> String {
    if !waiting {
        return label.to_string();
    }
    let used = label.chars().count();
    format!("{label}{}", "═".repeat(column.saturating_sub(used)))
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
        assert!(chef.contains("waits═══"), "{picture}");
        assert!(chef.ends_with("done"), "{picture}");
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
