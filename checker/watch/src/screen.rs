//! The watch screen, laid out for a terminal of a given size: a header
//! with the score and what watch is doing, then the shown exercise's task
//! table and its first failure in a few lines (or, on `d`, the details:
//! diff and timelines), scrolled when it does not fit. Pure: it returns
//! lines, and `term` draws them.

use checker::model::course::Paths;
use checker::model::results::ExerciseResult;
use checker::report::terminal;
use checker::util::style::Style;
use std::time::{Duration, Instant};

/// What watch is doing, shown in the header from save to verdict.
#[derive(Clone, Debug)]
pub enum State {
    /// A check of these exercises (their numbers) runs.
    Checking { what: String, since: Instant },
    /// Another checker holds the work area; the check starts after it.
    Waiting { what: String, since: Instant },
    /// The last check took this long.
    Checked { took: Duration },
    /// The last check could not run (the message says why).
    Failed(String),
}

pub struct Screen<'a> {
    pub paths: &'a Paths,
    pub results: &'a [ExerciseResult],
    /// The exercise shown, an index into `results`.
    pub focus: usize,
    pub state: &'a State,
    /// How files are watched, when it is worth saying (polling).
    pub how: Option<&'a str>,
    pub details: bool,
}

/// Header lines above the exercise: status, keys, and a blank line.
const HEADER: usize = 3;

impl Screen<'_> {
    /// The screen as `rows` lines at most, each at most `style.width + 2`
    /// columns; `scroll` (lines skipped at the top of the body) is kept
    /// within what there is to scroll.
    pub fn lines(&self, style: Style, rows: usize, scroll: &mut usize) -> Vec<String> {
        let columns = style.width + 2;
        let mut out = vec![
            self.status_line(style),
            self.keys_line(style),
            String::new(),
        ];
        let body = self.body(style);
        let room = rows.saturating_sub(HEADER).max(1);
        if body.len() <= room {
            *scroll = 0;
            out.extend(body);
        } else {
            // The last row says what is hidden below.
            let shown = room.saturating_sub(1).max(1);
            *scroll = (*scroll).min(body.len() - shown);
            out.extend(body[*scroll..*scroll + shown].iter().cloned());
            let below = body.len() - shown - *scroll;
            let more = if below > 0 {
                format!("↓ {below} more lines (↑↓ scroll")
            } else {
                "↑ scrolled to the end (↑↓ scroll".to_string()
            };
            let more = if self.details {
                format!("{more}, d for the summary)")
            } else {
                format!("{more}, d for the details)")
            };
            out.push(style.dim(&more));
        }
        out.truncate(rows.max(1));
        out.into_iter().map(|l| fit(&l, columns)).collect()
    }

    /// The whole screen for a log (no terminal): every line, unclipped.
    pub fn log(&self, style: Style) -> String {
        let mut out = format!("{}\n{}\n\n", self.status_line(style), self.keys_line(style));
        for l in self.body(style) {
            out.push_str(&l);
            out.push('\n');
        }
        out
    }

    fn status_line(&self, style: Style) -> String {
        let earned: u32 = self.results.iter().map(|r| r.earned()).sum();
        let max: u32 = self.results.iter().map(|r| r.max()).sum();
        let score = if self.results.is_empty() {
            String::new()
        } else {
            format!(" {earned}/{max} points ·")
        };
        let state = match self.state {
            State::Checking { what, since } => style.yellow(&format!(
                "checking {what}… {:.1} s",
                since.elapsed().as_secs_f64()
            )),
            State::Waiting { what, .. } => style.yellow(&format!(
                "{what} waits for the checker in another terminal to finish…"
            )),
            State::Checked { took } => {
                style.dim(&format!("checked in {:.2} s", took.as_secs_f64()))
            }
            State::Failed(why) => style.red(&format!("check failed: {why}")),
        };
        format!("{}{score} {state}", style.bold("watch:"))
    }

    fn keys_line(&self, style: Style) -> String {
        let details = if self.details {
            "d summary"
        } else {
            "d details"
        };
        let mut keys = format!("q quit · {details} · r re-check · ↑↓ scroll");
        if let Some(how) = self.how {
            keys.push_str(" · ");
            keys.push_str(how);
        }
        style.dim(&keys)
    }

    fn body(&self, style: Style) -> Vec<String> {
        let Some(r) = self.results.get(self.focus) else {
            return vec!["Checking the course; the first build takes a while…".to_string()];
        };
        let text = if self.details {
            terminal::render(self.paths, std::slice::from_ref(r), style)
        } else {
            terminal::render_brief(self.paths, r, style)
        };
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        lines
    }
}

/// `line` cut to `columns` visible characters; colour codes (`ESC [ ...
/// m`) take no room and are kept, and a cut line ends with a reset.
pub fn fit(line: &str, columns: usize) -> String {
    let mut out = String::with_capacity(line.len());
    let mut shown = 0;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            out.push(c);
            for c in chars.by_ref() {
                out.push(c);
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        if shown == columns {
            if line.contains('\x1b') {
                out.push_str("\x1b[0m");
            }
            break;
        }
        out.push(c);
        shown += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_cuts_visible_characters_and_keeps_colour_codes() {
        assert_eq!(fit("abcdef", 4), "abcd");
        assert_eq!(fit("ab", 4), "ab");
        assert_eq!(
            fit("\x1b[31mabc\x1b[0mdef", 4),
            "\x1b[31mabc\x1b[0md\x1b[0m"
        );
        assert_eq!(fit("✓ é", 2), "✓ ");
    }
}
