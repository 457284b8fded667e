//! Reading a stub's source as text: which functions belong to which task
//! (named in their doc comments, `/// Task 2 (and task 3) — ...`), where a
//! function's body lies, which function holds a line, and whether a body
//! calls a function.
//!
//! The stub's doc comments are the one record of task ownership: the
//! learner reads them, `verify`'s isolation check swaps bodies by them, and
//! compile errors are blamed on tasks by them (`build::mismatch`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// The functions of a stub, each with the tasks its doc comment names.
pub fn task_functions(stub: &str) -> BTreeMap<String, BTreeSet<u32>> {
    let mut out: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    let mut pending: BTreeSet<u32> = BTreeSet::new();
    for line in stub.lines() {
        let t = line.trim_start();
        if let Some(doc) = t.strip_prefix("///") {
            let doc = doc.trim_start();
            // Only the doc comment's first `Task N` line names owners; a
            // later "Task 4: ..." paragraph describes a case.
            if let Some(rest) = doc.strip_prefix("Task ")
                && pending.is_empty()
            {
                pending = task_numbers(rest);
            }
            continue;
        }
        if t.starts_with("#[") || t.starts_with("//") || t.is_empty() {
            continue;
        }
        if let Some(name) = fn_name(t)
            && !pending.is_empty()
        {
            out.entry(name).or_default().extend(&pending);
        }
        pending.clear();
    }
    out
}

/// `2 (and task 3) — the handle` → {2, 3}: the leading number and any
/// `task N` inside the parenthesis that follows it.
fn task_numbers(rest: &str) -> BTreeSet<u32> {
    let mut set = BTreeSet::new();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let Ok(first) = digits.parse() else {
        return set;
    };
    set.insert(first);
    let rest = &rest[digits.len()..];
    if let Some(inner) = rest.trim_start().strip_prefix('(')
        && let Some(end) = inner.find(')')
    {
        for word in inner[..end].split(|c: char| !c.is_ascii_digit()) {
            if let Ok(n) = word.parse() {
                set.insert(n);
            }
        }
    }
    set
}

/// The name in `pub async fn name<..>(..)`, if the line declares a function.
fn fn_name(line: &str) -> Option<String> {
    let idx = find_word(line, "fn")?;
    let after = line[idx + 2..].trim_start();
    let name: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The byte offset of `word` in `text` as a whole identifier.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = text[from..].find(word).map(|i| i + from) {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        if !before.is_some_and(ident) && !after.is_some_and(ident) {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// The span of the body (braces included) of the first `fn name` in `src`.
pub fn body_span(src: &str, name: &str) -> Option<Range<usize>> {
    let mut from = 0;
    let start = loop {
        let i = find_word(&src[from..], "fn")? + from;
        let after = &src[i + 2..];
        let trimmed = after.trim_start();
        let rest = trimmed.strip_prefix(name);
        if let Some(rest) = rest
            && rest.starts_with(['(', '<'])
        {
            break i;
        }
        from = i + 2;
    };
    let open = start + src[start..].find('{')?;
    let close = matching_brace(src, open)?;
    Some(open..close + 1)
}

/// The innermost function whose body holds `line` (1-based) of `src`.
pub fn enclosing_fn(src: &str, line: usize) -> Option<String> {
    let target: usize = src
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let mut best: Option<(usize, String)> = None;
    let mut offset = 0;
    for l in src.split_inclusive('\n') {
        let start = offset;
        offset += l.len();
        let t = l.trim_start();
        let t = ["pub(crate) ", "pub ", "const ", "async ", "unsafe "]
            .iter()
            .fold(t, |t, p| t.strip_prefix(p).unwrap_or(t));
        if !t.starts_with("fn ") {
            continue;
        }
        let Some(name) = fn_name(t) else { continue };
        let from = start + l.find("fn ").unwrap_or(0);
        let Some(open) = body_start(&src[from..]).map(|i| i + from) else {
            continue;
        };
        let Some(close) = matching_brace(src, open) else {
            continue;
        };
        if (open..=close).contains(&target)
            && best.as_ref().is_none_or(|(len, _)| close - open < *len)
        {
            best = Some((close - open, name));
        }
    }
    best.map(|(_, name)| name)
}

/// Where the body of the function declared at the start of `decl` opens:
/// its first `{` outside brackets (`[u8; 4]`); `None` for a declaration
/// without a body (`fn f();` in a trait).
fn body_start(decl: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in decl.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth = depth.saturating_sub(1),
            '{' if depth == 0 => return Some(i),
            ';' if depth == 0 => return None,
            _ => {}
        }
    }
    None
}

/// The index of the `}` closing the `{` at `open`, skipping strings, chars
/// and comments.
fn matching_brace(src: &str, open: usize) -> Option<usize> {
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && !b[..i]
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') =>
            {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let end = format!("\"{}", "#".repeat(hashes));
                    let body = i + 2 + hashes;
                    i = body + src[body..].find(&end)? + end.len() - 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('x', '\n', '{'), not a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                } else if let Some(c) = src[i + 1..].chars().next()
                    && src[i + 1 + c.len_utf8()..].starts_with('\'')
                {
                    i += c.len_utf8() + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether `body` calls `name` (`name(`, `name::<`, `.name(`).
pub fn calls(body: &str, name: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(i) = body[from..].find(name).map(|i| i + from) {
        let before = body[..i].chars().next_back();
        let after = body[i + name.len()..].trim_start();
        if !before.is_some_and(ident) && (after.starts_with('(') || after.starts_with("::<")) {
            return true;
        }
        from = i + name.len();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "\
/// Task 4 (and task 5) — the expediter.
pub async fn run_expediter(x: [u8; 4]) {
    loop {
        serve(x).await;
    }
}

async fn serve(x: [u8; 4]) {
    let f = |y: u8| {
        y.checked_add(1).unwrap()
    };
    f(x[0]);
}

trait T {
    fn declared();
}
";

    #[test]
    fn enclosing_fn_finds_the_innermost_body_holding_a_line() {
        assert_eq!(enclosing_fn(SRC, 4).as_deref(), Some("run_expediter"));
        assert_eq!(enclosing_fn(SRC, 10).as_deref(), Some("serve"));
        assert_eq!(enclosing_fn(SRC, 1), None);
        assert_eq!(enclosing_fn(SRC, 16), None);
        assert_eq!(enclosing_fn(SRC, 0), None);
    }
}
