//! One layout rule for every screen and message the checker writes:
//! text is wrapped at word boundaries to the width, never cut; wrapped
//! lines are indented under their first; a long unbreakable token (a path,
//! a `backticked command`) goes whole onto a line of its own when it fits
//! one, and is broken only when no line could hold it. When a screen has
//! fewer rows than the text, the least important lines go first: every
//! line carries a [`Rank`], and the verdict, then the line that says what
//! to do, then the "(d: more)" marker are the last to go.
//!
//! Colour codes (`ESC [ ... m`) take no room and are kept.

/// How much a line matters when a screen cannot show them all; the
/// lowest ranks are kept longest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    /// What happened: the score, the exercise, the failing task.
    Verdict,
    /// What to do: the command to run, the file:line to edit.
    Action,
    /// Says that more is one key away ("(d: more)").
    Marker,
    /// The reason, in a line or two: the test and its verdict, rustc's
    /// `help:`.
    Context,
    /// The rest of the explanation.
    Detail,
    /// Blank lines and reminders, dropped first.
    Spare,
}

/// The width `s` takes on a terminal: its characters, escape sequences
/// left out.
pub fn width_of(s: &str) -> usize {
    let mut n = 0;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            n += 1;
        }
    }
    n
}

/// `text` wrapped to `width` columns with every line indented by `n`
/// spaces; each of its lines is a paragraph of its own.
pub fn wrap(text: &str, n: usize, width: usize) -> String {
    let pad = " ".repeat(n);
    text.lines()
        .map(|l| wrap_line(&format!("{pad}{}", l.trim_start()), width, n).join("\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` wrapped to `width` columns, each line keeping its own
/// indentation and its continuations indented two more: for text laid
/// out by someone else (compiler output, a test's message).
pub fn reflow(text: &str, width: usize) -> String {
    text.lines()
        .map(|l| wrap_line(l, width, indent_of(l) + 2).join("\n"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn indent_of(line: &str) -> usize {
    crate::util::style::strip_ansi(line)
        .chars()
        .take_while(|c| *c == ' ')
        .count()
}

/// One line of text as rows of at most `width` columns: its leading
/// spaces start the first row, and the following rows are indented by
/// `hang` spaces. Only a token wider than a whole row is broken (after a
/// `/` where it can be), so nothing is ever lost.
pub fn wrap_line(line: &str, width: usize, hang: usize) -> Vec<String> {
    if width_of(line) <= width {
        // As laid out: runs of spaces align columns.
        return vec![line.trim_end_matches(' ').to_string()];
    }
    let lead = indent_of(line);
    let hang = hang.min(width / 2);
    let mut rows = Vec::new();
    let mut row = " ".repeat(lead.min(width / 2));
    let mut used = width_of(&row);
    let mut fresh = true;
    for word in words(line.trim_start_matches(' ')) {
        let w = width_of(word);
        if !fresh && used + 1 + w > width {
            rows.push(std::mem::take(&mut row));
            row = " ".repeat(hang);
            used = hang;
            fresh = true;
        }
        if fresh && used + w > width {
            // Wider than any row: broken into row-sized pieces.
            let mut rest = crate::util::style::strip_ansi(word);
            while used + rest.chars().count() > width {
                let room = width.saturating_sub(used).max(1);
                let cut = break_at(&rest, room);
                let tail = rest.split_off(cut);
                row.push_str(&rest);
                rows.push(std::mem::take(&mut row));
                row = " ".repeat(hang);
                used = hang;
                rest = tail;
            }
            used += rest.chars().count();
            row.push_str(&rest);
            fresh = false;
            continue;
        }
        if !fresh {
            row.push(' ');
            used += 1;
        }
        row.push_str(word);
        used += w;
        fresh = false;
    }
    rows.push(row.trim_end_matches(' ').to_string());
    rows
}

/// Where to break a token too long for `room` columns: after its last
/// `/` that fits, so a path breaks between its parts, or its last `-`,
/// `_` or `:`; else at `room` characters. A byte index.
fn break_at(token: &str, room: usize) -> usize {
    let fits: Vec<(usize, char)> = token.char_indices().take(room).collect();
    let hard = fits.last().map_or(token.len(), |(i, c)| i + c.len_utf8());
    let after = |set: &[char]| {
        fits.iter()
            .rev()
            .find(|(i, c)| *i > 0 && set.contains(c))
            .map(|(i, c)| i + c.len_utf8())
    };
    after(&['/'])
        .or_else(|| after(&['-', '_', ':']))
        .unwrap_or(hard)
}

/// The words of a line: split at spaces, except that a `backticked span`
/// (a command, a piece of code) is one word, kept together when it fits
/// a row.
fn words(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '`' => {
                quoted = !quoted;
                start.get_or_insert(i);
            }
            ' ' if !quoted => {
                if let Some(s) = start.take() {
                    out.push(&line[s..i]);
                }
            }
            _ => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out
}

/// Text made of ranked lines, wrapped at the end for whatever width and
/// height it is shown in.
#[derive(Clone, Debug, Default)]
pub struct Page {
    lines: Vec<(Rank, String, usize)>,
}

impl Page {
    pub fn new() -> Page {
        Page::default()
    }

    /// Adds `text`, each of its lines with `rank`; a line's continuations
    /// are indented two more than the line itself.
    pub fn push(&mut self, rank: Rank, text: &str) {
        for l in text.lines() {
            self.lines.push((rank, l.to_string(), indent_of(l) + 2));
        }
        if text.is_empty() {
            self.lines.push((rank, String::new(), 0));
        }
    }

    /// Adds one line whose continuations are indented by `hang` spaces.
    pub fn push_hang(&mut self, rank: Rank, line: &str, hang: usize) {
        self.lines.push((rank, line.to_string(), hang));
    }

    /// A blank line, the first thing to go.
    pub fn blank(&mut self) {
        self.lines.push((Rank::Spare, String::new(), 0));
    }

    pub fn append(&mut self, other: Page) {
        self.lines.extend(other.lines);
    }

    /// The lines as given, unwrapped, each with its rank.
    pub fn lines(&self) -> impl Iterator<Item = (Rank, &str)> {
        self.lines.iter().map(|(r, l, _)| (*r, l.as_str()))
    }

    /// Every line wrapped to `width`, one logical line per entry.
    fn wrapped(&self, width: usize) -> Vec<(Rank, Vec<String>)> {
        self.lines
            .iter()
            .map(|(rank, l, hang)| (*rank, wrap_line(l, width, *hang)))
            .collect()
    }

    /// The whole text wrapped to `width`, ending with a newline.
    pub fn text(&self, width: usize) -> String {
        let mut out = String::new();
        for (_, rows) in self.wrapped(width) {
            for r in rows {
                out.push_str(&r);
                out.push('\n');
            }
        }
        out
    }

    /// The text wrapped to `width` in at most `rows` rows. When it does not
    /// fit, whole lines are dropped, the highest [`Rank`] and the lowest on
    /// the page first, and `marker` (ranked [`Rank::Marker`]) ends the
    /// screen to say so; lines of rank `Marker` already on the page give
    /// way to it.
    pub fn fit(&self, width: usize, rows: usize, marker: &str) -> Vec<String> {
        let mut kept = self.wrapped(width);
        let count = |k: &[(Rank, Vec<String>)]| k.iter().map(|(_, r)| r.len()).sum::<usize>();
        if count(&kept) <= rows {
            return kept.into_iter().flat_map(|(_, r)| r).collect();
        }
        kept.retain(|(rank, _)| *rank != Rank::Marker);
        let marker = wrap_line(marker, width, 2);
        loop {
            let worst = kept.iter().map(|(r, _)| *r).max();
            // The marker outranks everything but the verdict and the action.
            let room = if worst.is_some_and(|w| w > Rank::Marker) {
                rows.saturating_sub(marker.len())
            } else {
                rows
            };
            if count(&kept) <= room {
                break;
            }
            let Some(worst) = worst else { break };
            let Some(at) = kept.iter().rposition(|(r, _)| *r == worst) else {
                break;
            };
            kept.remove(at);
            // Two blank lines in a row where a line was dropped read as a gap.
            if at > 0
                && at < kept.len()
                && blank(&kept[at - 1].1)
                && blank(&kept[at].1)
                && kept[at].0 == Rank::Spare
            {
                kept.remove(at);
            }
        }
        let mut out: Vec<String> = kept.into_iter().flat_map(|(_, r)| r).collect();
        while out.last().is_some_and(|l| l.trim().is_empty()) {
            out.pop();
        }
        if out.len() + marker.len() <= rows {
            out.extend(marker);
        }
        out.truncate(rows);
        out
    }
}

fn blank(rows: &[String]) -> bool {
    rows.iter().all(|r| r.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_words_and_indents_continuations() {
        let rows = wrap_line("  Next: read the file and then run it", 16, 4);
        assert_eq!(
            rows,
            ["  Next: read the", "    file and", "    then run it"]
        );
        assert!(rows.iter().all(|r| r.chars().count() <= 16));
    }

    #[test]
    fn never_cuts_a_long_token_and_breaks_a_path_after_a_slash() {
        let path = "exercises/03-oneshot-reply/src/lib.rs:42";
        let rows = wrap_line(&format!("edit {path}"), 24, 2);
        assert_eq!(rows[0], "edit");
        assert!(rows.iter().all(|r| r.chars().count() <= 24), "{rows:?}");
        let joined: String = rows[1..].iter().map(|r| r.trim_start()).collect();
        assert_eq!(joined, path);
        assert!(rows[1].ends_with('/'), "{rows:?}");
    }

    #[test]
    fn a_backticked_command_moves_whole_to_the_next_line() {
        let rows = wrap_line("run `cargo run -p checker -- reset 02` now", 36, 2);
        assert_eq!(
            rows,
            ["run", "  `cargo run -p checker -- reset 02`", "  now"]
        );
    }

    #[test]
    fn colour_codes_take_no_room() {
        let red = "\x1b[31mred\x1b[0m";
        assert_eq!(width_of(red), 3);
        let rows = wrap_line(&format!("{red} {red} {red}"), 7, 0);
        assert_eq!(rows, [format!("{red} {red}"), red.to_string()]);
    }

    #[test]
    fn wrap_indents_every_line_and_keeps_paragraphs() {
        assert_eq!(
            wrap("one two three\nfour", 2, 9),
            "  one two\n  three\n  four"
        );
    }

    fn page() -> Page {
        let mut p = Page::new();
        p.push(Rank::Verdict, "Exercise 01 · 8/10");
        p.push(Rank::Detail, "  ✓ 1 runner");
        p.push(Rank::Verdict, "  ✗ 2 chef");
        p.blank();
        p.push(Rank::Context, "Next: exercise 01, task 2 (chef)");
        p.push(
            Rank::Action,
            "  edit exercises/01-bounded-send/src/lib.rs:20",
        );
        p.push(Rank::Detail, "    the chef never waited\n    for the belt");
        p.push(Rank::Spare, "  stuck? hint 01 2");
        p
    }

    #[test]
    fn a_page_that_fits_is_shown_whole() {
        let rows = page().fit(78, 24, "(d: more)");
        assert_eq!(rows.len(), 9);
        assert!(!rows.iter().any(|r| r.contains("d: more")));
    }

    #[test]
    fn a_page_too_long_drops_details_first_and_says_so() {
        let rows = page().fit(78, 5, "(d: more)");
        assert_eq!(
            rows,
            [
                "Exercise 01 · 8/10",
                "  ✗ 2 chef",
                "Next: exercise 01, task 2 (chef)",
                "  edit exercises/01-bounded-send/src/lib.rs:20",
                "(d: more)"
            ]
        );
    }

    #[test]
    fn on_a_tiny_screen_the_verdict_and_action_outlast_the_marker() {
        let rows = page().fit(78, 3, "(d: more)");
        assert_eq!(
            rows,
            [
                "Exercise 01 · 8/10",
                "  ✗ 2 chef",
                "  edit exercises/01-bounded-send/src/lib.rs:20",
            ]
        );
    }

    #[test]
    fn a_wrapped_action_is_kept_whole() {
        let rows = page().fit(30, 6, "(d: more)");
        let text = rows.join("\n");
        assert!(text.contains("lib.rs:20"), "{text}");
        assert!(text.ends_with("(d: more)"), "{text}");
        assert!(rows.iter().all(|r| r.chars().count() <= 30), "{rows:?}");
    }
}

#[cfg(test)]
mod screen_tests {
    use super::*;

    /// A missing file's screen at 60×20 with a long command: the command
    /// is kept whole, with the marker below it.
    #[test]
    fn a_long_command_survives_a_small_screen() {
        let mut p = Page::new();
        p.push_hang(Rank::Verdict, "watch: 0/82 points · checked in 1.0 s", 2);
        p.push_hang(
            Rank::Context,
            "q quit · d details · r re-check · ↑↓ scroll",
            2,
        );
        p.blank();
        p.push(
            Rank::Verdict,
            "Exercise 01 · bounded send (backpressure)             0/10",
        );
        p.push_hang(
            Rank::Verdict,
            "  ✗ does not compile: exercises/01-bounded-send/src/lib.rs",
            4,
        );
        p.push(
            Rank::Verdict,
            "  ✗ 1 runner           receive until th…  0/1  build error",
        );
        for _ in 0..5 {
            p.push(
                Rank::Detail,
                "  ✗ 2 chef             send and wait wh…  0/2  build error",
            );
        }
        p.blank();
        p.push_hang(Rank::Action, "Next: exercise 01 does not compile.", 2);
        p.blank();
        p.push(Rank::Context, "    exercises/01-bounded-send/src/lib.rs is empty, so none of its tasks can be checked.");
        p.push(Rank::Detail, "    To restore the exercise from its stub (a backup of anything replaced is kept), run");
        p.push(
            Rank::Action,
            "    `cargo run -p checker -- --course /tmp/course-loop-29565-golden-screens reset 01`",
        );
        let rows = p.fit(58, 20, "(d: more)");
        let text = rows.join("\n");
        assert!(rows.len() <= 20, "{text}");
        assert!(text.contains("reset 01`"), "{text}");
        // One row less: something goes, and the marker says so.
        let rows = p.fit(58, 19, "(d: more)");
        let text = rows.join("\n");
        assert!(rows.len() <= 19, "{text}");
        assert!(text.contains("reset 01`"), "{text}");
        assert!(text.ends_with("(d: more)"), "{text}");
    }
}
