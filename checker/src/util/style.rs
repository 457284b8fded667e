//! How output looks, decided once: colour only on a terminal, never with
//! `NO_COLOR` (https://no-color.org) or `TERM=dumb`; and the width lines
//! are laid out for, from the real terminal where there is one.

use anstyle::{AnsiColor, Style as Ansi};
use std::io::IsTerminal;

/// The line width without a terminal (a pipe, a file, CI logs): what
/// reads well in the 80 columns that every terminal has.
pub const FIXED_WIDTH: usize = 78;

/// Below this, tables and timelines cannot be laid out at all.
const NARROWEST: usize = 40;

/// Beyond this, prose gets hard to read, whatever the terminal.
const WIDEST: usize = 118;

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// The widest line to write (two columns short of the terminal, so
    /// that a line never touches the edge and wraps early).
    pub width: usize,
}

impl Style {
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stdout().is_terminal() && !no_color && !dumb_terminal(),
            width: detect_width(),
        }
    }

    /// For messages on stderr (errors), whose colour depends on stderr.
    pub fn detect_stderr() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: std::io::stderr().is_terminal() && !no_color && !dumb_terminal(),
            width: detect_width(),
        }
    }

    pub fn plain() -> Style {
        Style {
            color: false,
            width: FIXED_WIDTH,
        }
    }

    /// This style laid out for a terminal of `columns` columns.
    pub fn with_columns(self, columns: usize) -> Style {
        Style {
            width: columns.saturating_sub(2).clamp(NARROWEST, WIDEST),
            ..self
        }
    }

    pub fn green(&self, s: &str) -> String {
        self.paint(s, AnsiColor::Green.on_default())
    }

    pub fn red(&self, s: &str) -> String {
        self.paint(s, AnsiColor::Red.on_default())
    }

    pub fn yellow(&self, s: &str) -> String {
        self.paint(s, AnsiColor::Yellow.on_default())
    }

    pub fn dim(&self, s: &str) -> String {
        self.paint(s, Ansi::new().dimmed())
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint(s, Ansi::new().bold())
    }

    fn paint(&self, s: &str, ansi: Ansi) -> String {
        if self.color && !s.is_empty() {
            format!("{ansi}{s}{ansi:#}")
        } else {
            s.to_string()
        }
    }

    /// Text that arrived with ANSI colour (compiler output, diffs), with the
    /// colour kept or removed to match this style.
    pub fn ansi(&self, s: &str) -> String {
        if self.color {
            s.to_string()
        } else {
            strip_ansi(s)
        }
    }
}

/// `TERM=dumb`: a terminal that understands no escape sequences (Emacs'
/// shell, some CI consoles): no colour, no clearing, no cursor moves.
pub fn dumb_terminal() -> bool {
    std::env::var("TERM").is_ok_and(|t| t == "dumb")
}

/// The line width: `COLUMNS` when set (as `ls` and cargo honour it), else
/// the terminal's width when stdout is one, else [`FIXED_WIDTH`].
fn detect_width() -> usize {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
        .or_else(|| {
            std::io::stdout()
                .is_terminal()
                .then(crate::util::termsize::columns)
                .flatten()
        });
    match columns {
        Some(c) => Style::plain().with_columns(c).width,
        None => FIXED_WIDTH,
    }
}

/// Removes ANSI escape sequences (CSI `ESC [ ... letter`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_terminal_within_bounds() {
        assert_eq!(Style::plain().with_columns(80).width, 78);
        assert_eq!(Style::plain().with_columns(60).width, 58);
        assert_eq!(Style::plain().with_columns(10).width, NARROWEST);
        assert_eq!(Style::plain().with_columns(500).width, WIDEST);
    }

    /// Colour is the terminal's standard codes, each closed by a reset,
    /// and only on a colour terminal; `strip_ansi` takes it off again.
    #[test]
    fn colour_is_ansi_codes_closed_by_a_reset() {
        let on = Style {
            color: true,
            ..Style::plain()
        };
        assert_eq!(on.green("ok"), "\x1b[32mok\x1b[0m");
        assert_eq!(on.red("no"), "\x1b[31mno\x1b[0m");
        assert_eq!(on.yellow("so"), "\x1b[33mso\x1b[0m");
        assert_eq!(on.dim("hm"), "\x1b[2mhm\x1b[0m");
        assert_eq!(on.bold("go"), "\x1b[1mgo\x1b[0m");
        assert_eq!(on.green(""), "");
        assert_eq!(Style::plain().green("ok"), "ok");
        assert_eq!(strip_ansi(&on.bold(&on.red("x"))), "x");
    }

    #[test]
    fn strip_ansi_removes_colour_codes_only() {
        assert_eq!(strip_ansi("\x1b[1;31merror\x1b[0m: x[1]"), "error: x[1]");
    }
}
