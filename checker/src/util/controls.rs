//! Text a learner chose, made safe to print: control characters become
//! visible escapes (`\u{1b}`), so a file name or a panic message cannot
//! set a terminal's title, write its clipboard (OSC 52), move its cursor
//! or fake report lines.
//!
//! Colour (SGR, `ESC [ digits m`) is kept in text that may span lines:
//! the harness's diffs are coloured, and colour cannot leave its line.
//! Bidirectional overrides are escaped too: they reorder what a reader
//! sees.

/// `text` with every control character escaped, newlines and tabs kept.
pub fn multiline(text: &str) -> String {
    escape(text, true)
}

/// `text` as one line: newlines and tabs are escaped as well (names,
/// file names, locations).
pub fn one_line(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, multiline: bool) -> String {
    if !text.chars().any(|c| unsafe_char(c, multiline)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if multiline && c == '\u{1b}' {
            let sgr = sgr_len(rest);
            if sgr > 0 {
                out.push_str(&rest[..sgr]);
                rest = &rest[sgr..];
                continue;
            }
        }
        if unsafe_char(c, multiline) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn unsafe_char(c: char, multiline: bool) -> bool {
    if multiline && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The length of a colour sequence (`ESC [ digits and ; m`) at the start
/// of `s`, or 0.
fn sgr_len(s: &str) -> usize {
    let Some(params) = s.strip_prefix("\u{1b}[") else {
        return 0;
    };
    let n = params
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    if n <= 32 && params.as_bytes().get(n) == Some(&b'm') {
        2 + n + 1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_commands_become_visible_and_colour_stays() {
        let osc = "name\u{1b}]0;pwned\u{7}\u{1b}]52;c;aGk=\u{7}";
        assert_eq!(
            one_line(osc),
            "name\\u{1b}]0;pwned\\u{7}\\u{1b}]52;c;aGk=\\u{7}"
        );
        assert_eq!(one_line("a\nfake line"), "a\\u{a}fake line");
        assert_eq!(multiline("a\n\tb"), "a\n\tb");
        assert_eq!(
            multiline("\u{1b}[31mred\u{1b}[0m"),
            "\u{1b}[31mred\u{1b}[0m"
        );
        assert_eq!(multiline("\u{1b}[2J"), "\\u{1b}[2J");
        assert_eq!(multiline("\r\u{9b}\u{202e}"), "\\u{d}\\u{9b}\\u{202e}");
        assert_eq!(one_line("plain é"), "plain é");
    }
}
