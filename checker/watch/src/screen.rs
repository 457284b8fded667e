//! The watch screen, laid out for a terminal of a given size: a header
//! with the score and what watch is doing, then the shown exercise's task
//! table and its first failure in a few lines (or, on `d`, the details:
//! diff and timelines, scrolled when they do not fit). Wrapped by the
//! checker's one layout rule (`util::layout`): when the summary does not
//! fit, its least important lines go and the verdict, the line that says
//! what to do and "(d: more)" stay. Pure: it returns lines, and `term`
//! draws them.

use checker::model::course::Paths;
use checker::model::results::ExerciseResult;
use checker::report::terminal;
use checker::util::layout::{Page, Rank};
use checker::util::style::Style;
use std::time::{Duration, Instant};

/// What watch is doing, shown in the header from save to verdict.
#[derive(Clone, Debug)]
pub enum State {
    /// A check of these exercises (their numbers) runs.
    Checking { what: String, since: Instant },
    /// Another checker holds the work area; the check starts after it.
    /// `holder` is its command and process id, as it noted them.
    Waiting {
        what: String,
        since: Instant,
        holder: String,
    },
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
    /// How the last share with the workshop board went (`--share`).
    pub shared: Option<&'a str>,
    pub details: bool,
}

impl Screen<'_> {
    /// The screen as `rows` lines at most, each at most `style.width`
    /// columns. Everything is wrapped, nothing cut. The summary drops its
    /// least important lines when it does not fit (the verdict and what to
    /// do stay, and "(d: more)" says so); the details scroll, `scroll`
    /// (lines skipped at the top of the body) kept within what there is.
    pub fn lines(&self, style: Style, rows: usize, scroll: &mut usize) -> Vec<String> {
        let columns = style.width + 2;
        let rows = rows.max(1);
        let width = style.width;
        let mut page = self.header(style);
        let lines = if self.details {
            let head: Vec<String> = page.text(width).lines().map(str::to_string).collect();
            let body: Vec<String> = self
                .body(style)
                .text(width)
                .lines()
                .map(str::to_string)
                .collect();
            scrolled(head, body, style, rows, scroll)
        } else {
            *scroll = 0;
            page.append(self.body(style));
            page.fit(width, rows, &style.dim("(d: more)"))
        };
        lines.into_iter().map(|l| fit(&l, columns)).collect()
    }

    /// The whole screen for a log (no terminal): every line, wrapped.
    pub fn log(&self, style: Style) -> String {
        let mut page = self.header(style);
        page.append(self.body(style));
        page.text(style.width)
    }

    /// The status, the keys and a blank line.
    fn header(&self, style: Style) -> Page {
        let mut page = Page::new();
        page.push_hang(Rank::Verdict, &self.status_line(style), 2);
        page.push_hang(Rank::Context, &self.keys_line(style), 2);
        page.blank();
        page
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
            State::Waiting { what, holder, .. } => {
                style.yellow(&format!("{what} waits for {holder} to finish…"))
            }
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
        for note in [self.how, self.shared].into_iter().flatten() {
            keys.push_str(" · ");
            keys.push_str(note);
        }
        style.dim(&keys)
    }

    fn body(&self, style: Style) -> Page {
        let Some(r) = self.results.get(self.focus) else {
            let mut page = Page::new();
            page.push(
                Rank::Context,
                "Checking the course; the first build takes a while…",
            );
            return page;
        };
        if self.details {
            terminal::details(self.paths, r, style)
        } else {
            terminal::brief(self.paths, self.results, self.focus, style)
        }
    }
}

/// The details: the header, then a window on the body that `scroll`
/// moves, its last row saying what is hidden.
fn scrolled(
    head: Vec<String>,
    mut body: Vec<String>,
    style: Style,
    rows: usize,
    scroll: &mut usize,
) -> Vec<String> {
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    let room = rows.saturating_sub(head.len()).max(1);
    let mut out = head;
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
            format!("↓ {below} more lines (↑↓ scroll, d: summary)")
        } else {
            "↑ the end (↑↓ scroll, d: summary)".to_string()
        };
        out.push(style.dim(&more));
    }
    out.truncate(rows);
    out
}

/// `line` cut to `columns` visible characters; colour codes (`ESC [ ...
/// m`) take no room and are kept, and a cut line ends with a reset. A
/// safety net only: the lines are wrapped to fit before.
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
