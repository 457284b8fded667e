//! A test's timelines drawn as a picture: the expected run above the
//! student's, on the same lanes and the same time columns, as the
//! terminal's `timeline` command draws them in text.
//!
//! One lane per actor, one column per instant something happened (virtual
//! time, so equal spacing, not to scale); an event that starts with
//! "waits" becomes a bar up to that actor's next event: that bar is a
//! producer held up by a full channel, or a consumer with nothing to take.

use crate::html::{clip, esc};
use checker::model::results::Event;
use std::fmt::Write;

/// Columns drawn at most; a longer log is cut and says so.
const MAX_COLUMNS: usize = 40;
const COLUMN: usize = 112;
const ROW: usize = 24;

struct Layout<'a> {
    actors: Vec<&'a str>,
    times: Vec<u64>,
    label_width: usize,
}

fn layout<'a>(logs: &[&'a [Event]]) -> Layout<'a> {
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
    let label_width = 16 + 7 * actors.iter().map(|a| a.chars().count()).max().unwrap_or(4);
    Layout {
        actors,
        times,
        label_width,
    }
}

/// One panel: a heading, the time axis and the lanes.
fn panel(out: &mut String, title: &str, colour: &str, events: &[Event], l: &Layout, top: usize) {
    let shown = l.times.len().min(MAX_COLUMNS);
    let x_of = |col: usize| l.label_width + col * COLUMN + COLUMN / 2;
    let _ = write!(
        out,
        r#"<text x="4" y="{y}" font-weight="bold" fill="{colour}">{title}</text>"#,
        y = top + 14
    );
    for (col, t) in l.times.iter().take(shown).enumerate() {
        let _ = write!(
            out,
            r##"<text x="{x}" y="{y}" text-anchor="middle" font-size="10" fill="#666">{t} ms</text>"##,
            x = x_of(col),
            y = top + 30
        );
    }
    for (lane, actor) in l.actors.iter().enumerate() {
        let y = top + 40 + lane * ROW + ROW / 2;
        let _ = write!(
            out,
            r##"<text x="4" y="{ty}" font-size="12">{name}</text><line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#ddd"/>"##,
            ty = y + 4,
            name = esc(actor),
            x1 = l.label_width,
            x2 = l.label_width + shown * COLUMN
        );
        let mine: Vec<&Event> = events.iter().filter(|e| e.actor == *actor).collect();
        for (k, e) in mine.iter().enumerate() {
            let Some(col) = l.times.iter().position(|t| *t == e.at_ms) else {
                continue;
            };
            if col >= shown {
                continue;
            }
            if e.what.starts_with("waits") {
                let until = mine
                    .get(k + 1)
                    .and_then(|n| l.times.iter().position(|t| *t == n.at_ms))
                    .unwrap_or(shown)
                    .min(shown);
                let _ = write!(
                    out,
                    r#"<rect x="{x}" y="{ry}" width="{w}" height="8" fill="{colour}" opacity="0.25"/>"#,
                    x = x_of(col),
                    ry = y - 4,
                    w = (until.max(col) - col) * COLUMN
                );
            }
            let _ = write!(
                out,
                r#"<g><title>t={t} ms {actor}: {what}</title><circle cx="{x}" cy="{y}" r="4" fill="{colour}"/><text x="{tx}" y="{ty}" font-size="10" text-anchor="middle">{label}</text></g>"#,
                t = e.at_ms,
                actor = esc(actor),
                what = esc(&e.what),
                x = x_of(col),
                tx = x_of(col),
                ty = y - 7,
                label = esc(&clip(&e.what, 18))
            );
        }
    }
}

fn height(l: &Layout) -> usize {
    44 + l.actors.len() * ROW + 8
}

/// The picture: expected above the student's when there is an expected
/// log, the student's alone otherwise. `None` when there is nothing to
/// draw.
pub fn render(expected: Option<&[Event]>, yours: &[Event]) -> Option<String> {
    let logs: Vec<&[Event]> = match expected {
        Some(e) => vec![e, yours],
        None => vec![yours],
    };
    let l = layout(&logs);
    if l.actors.is_empty() {
        return None;
    }
    let panels = logs.len();
    let width = l.label_width + l.times.len().min(MAX_COLUMNS) * COLUMN + 8;
    let total = panels * height(&l) + 4;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="timeline" role="img" width="{width}" height="{total}" viewBox="0 0 {width} {total}" xmlns="http://www.w3.org/2000/svg" font-family="sans-serif"><title>Timeline: one lane per actor, time going right</title>"#
    );
    let mut top = 0;
    if let Some(e) = expected {
        panel(&mut out, "expected", "#2e7d32", e, &l, top);
        top += height(&l);
    }
    let title = if expected.is_some() {
        "this submission"
    } else {
        "timeline"
    };
    panel(&mut out, title, "#c62828", yours, &l, top);
    out.push_str("</svg>");
    if l.times.len() > MAX_COLUMNS {
        let _ = write!(
            out,
            r#"<p class="dim">Only the first {MAX_COLUMNS} of {} instants are drawn.</p>"#,
            l.times.len()
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(at_ms: u64, actor: &str, what: &str) -> Event {
        Event {
            at_ms,
            actor: actor.into(),
            what: what.into(),
        }
    }

    #[test]
    fn both_runs_share_lanes_and_a_wait_is_a_bar() {
        let expected = [ev(0, "chef", "puts 1"), ev(0, "chef", "waits: full")];
        let yours = [ev(0, "chef", "puts 1"), ev(200, "runner", "takes 1")];
        let svg = render(Some(&expected), &yours).unwrap();
        assert!(svg.contains(">expected<") && svg.contains(">this submission<"));
        assert_eq!(svg.matches(">chef</text>").count(), 2, "{svg}");
        assert_eq!(svg.matches(">runner</text>").count(), 2);
        assert_eq!(svg.matches("<rect").count(), 1, "one wait bar");
        assert!(render(None, &[]).is_none());
    }

    #[test]
    fn event_text_is_escaped() {
        let svg = render(None, &[ev(1, "<b>", "waits: </svg>")]).unwrap();
        assert!(!svg.contains("<b>") && !svg.contains("waits: </svg>"));
    }
}
