//! Escaping, the one thing a hand-written page must get right.
//!
//! Every string that comes from a submission (names, messages, diffs,
//! panic text, file names) is hostile: it may hold `<script>`, quotes that
//! end an attribute, or markup meant to hide a score. Everything that is
//! not a literal of this crate goes through [`esc`] before it reaches the
//! page; the page never uses `innerHTML`, so the script cannot undo it.

/// Text safe inside an element or a quoted attribute.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than line breaks and tabs are not
            // allowed in HTML text; a submission's output may hold them.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A value for an `id` or a fragment link: submission names are free
/// text, ids must be unique and plain, so the student's index is used and
/// the name only decorates it.
pub fn student_id(index: usize) -> String {
    format!("s{index}")
}

/// At most `max` characters of `text`, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_from_a_submission_stays_text() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(esc("a\u{1b}[31mb\nc"), "a\u{fffd}[31mb\nc");
    }

    #[test]
    fn clipping_counts_characters_not_bytes() {
        assert_eq!(clip("ééééé", 5), "ééééé");
        assert_eq!(clip("éééééé", 5), "éééé…");
    }
}
