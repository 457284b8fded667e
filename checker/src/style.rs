//! Terminal colour, decided once: only on a terminal, never with
//! `NO_COLOR` (https://no-color.org) or `TERM=dumb`.

use owo_colors::OwoColorize;
use std::io::IsTerminal;

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn detect() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Style {
            color: std::io::stdout().is_terminal() && !no_color && !dumb,
        }
    }

    pub fn plain() -> Style {
        Style { color: false }
    }

    pub fn green(&self, s: &str) -> String {
        self.paint(s, |s| s.green().to_string())
    }

    pub fn red(&self, s: &str) -> String {
        self.paint(s, |s| s.red().to_string())
    }

    pub fn yellow(&self, s: &str) -> String {
        self.paint(s, |s| s.yellow().to_string())
    }

    pub fn dim(&self, s: &str) -> String {
        self.paint(s, |s| s.dimmed().to_string())
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint(s, |s| s.bold().to_string())
    }

    fn paint(&self, s: &str, f: impl Fn(&str) -> String) -> String {
        if self.color && !s.is_empty() {
            f(s)
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
    fn strip_ansi_removes_colour_codes_only() {
        assert_eq!(strip_ansi("\x1b[1;31merror\x1b[0m: x[1]"), "error: x[1]");
    }
}
