//! Reading a submission's code as tokens, and the instructor's review list
//! of constructs worth a look (never scored).
//!
//! The code is tokenized (proc-macro2), not grepped, so comments and string
//! contents never count, and `std :: process :: exit` spread over lines
//! still does. `use` trees are resolved, so `use std::{fs, process::exit
//! as quit}` is listed as well. The screening rules that reject code live
//! in `screen`, which shares the tokenizer.

use checker::model::grading::Finding;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::str::FromStr;

/// A flat view of the tokens, with enough structure kept to look at the
/// argument of a macro call or an attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// Raw identifiers (`r#include_str`) are stored without their `r#`:
    /// they name the same thing.
    Ident(String, usize),
    Punct(char, usize),
    Lit(String, usize),
    /// `(`, `[`, `{`, or ` ` for an invisible group.
    Group(char, Vec<Tok>, usize),
}

impl Tok {
    pub fn line(&self) -> usize {
        match self {
            Tok::Ident(_, l) | Tok::Punct(_, l) | Tok::Lit(_, l) | Tok::Group(_, _, l) => *l,
        }
    }

    pub fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn is_punct(&self, c: char) -> bool {
        matches!(self, Tok::Punct(p, _) if *p == c)
    }

    pub fn group(&self, delim: char) -> Option<&[Tok]> {
        match self {
            Tok::Group(d, inner, _) if *d == delim => Some(inner),
            _ => None,
        }
    }
}

/// How deep groups may nest. Honest code stays far below it (rustc's own
/// parser gives up on a few thousand); screening code that recurses over
/// groups must never overflow the grader's stack.
pub const MAX_DEPTH: usize = 256;

/// Why a file cannot be read as tokens, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct Untokenizable {
    pub line: usize,
    pub why: &'static str,
}

fn flatten(stream: TokenStream, depth: usize) -> Result<Vec<Tok>, Untokenizable> {
    stream
        .into_iter()
        .map(|tt| {
            let line = tt.span().start().line;
            Ok(match tt {
                TokenTree::Ident(i) => {
                    let s = i.to_string();
                    let s = s.strip_prefix("r#").map(str::to_string).unwrap_or(s);
                    Tok::Ident(s, line)
                }
                TokenTree::Punct(p) => Tok::Punct(p.as_char(), line),
                TokenTree::Literal(l) => Tok::Lit(l.to_string(), line),
                TokenTree::Group(g) => {
                    if depth >= MAX_DEPTH {
                        return Err(Untokenizable {
                            line,
                            why: "the file's brackets nest more than 256 deep",
                        });
                    }
                    let d = match g.delimiter() {
                        Delimiter::Parenthesis => '(',
                        Delimiter::Bracket => '[',
                        Delimiter::Brace => '{',
                        Delimiter::None => ' ',
                    };
                    Tok::Group(d, flatten(g.stream(), depth + 1)?, line)
                }
            })
        })
        .collect()
}

/// The tokens of one source file, as rustc would see them: a first-line
/// shebang (`#!` not followed by `[`) is dropped, as rustc drops it.
/// `Err` says where and why the file cannot be screened: the tokenizer
/// gave up, or groups nest deeper than [`MAX_DEPTH`].
pub fn tokenize(source: &str) -> Result<Vec<Tok>, Untokenizable> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let blanked;
    let source = match source.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            // Keep the line count, so lines in messages stay right.
            blanked = source
                .find('\n')
                .map_or(String::new(), |i| source[i..].to_string());
            blanked.as_str()
        }
        _ => source,
    };
    let tokens = TokenStream::from_str(source)
        .map_err(|e| Untokenizable {
            line: e.span().start().line.max(1),
            why: "the file could not be read as Rust tokens (unbalanced delimiters?)",
        })
        .and_then(|stream| flatten(stream, 0));
    // proc-macro2 keeps every parsed file's text for its spans, on 32-bit
    // offsets that overflow after 4 GiB: a batch reads far more than one
    // file, and the lines are already copied into the tokens.
    proc_macro2::extra::invalidate_current_thread_spans();
    tokens
}

/// Calls `f` for every token position, at every nesting level.
pub fn walk(toks: &[Tok], f: &mut dyn FnMut(&[Tok], usize)) {
    for i in 0..toks.len() {
        f(toks, i);
        if let Tok::Group(_, inner, _) = &toks[i] {
            walk(inner, f);
        }
    }
}

/// Paths whose use deserves a look, as pairs of adjacent segments.
const PATHS: &[(&str, &str, &str)] = &[
    (
        "process",
        "exit",
        "std::process::exit (ends the process early)",
    ),
    ("process", "abort", "std::process::abort"),
    (
        "process",
        "Command",
        "std::process::Command (runs programs)",
    ),
    ("std", "fs", "std::fs (file access)"),
    ("tokio", "fs", "tokio::fs (file access)"),
    ("std", "net", "std::net (network access)"),
    ("tokio", "net", "tokio::net (network access)"),
    ("std", "env", "std::env (environment access)"),
    (
        "panic",
        "set_hook",
        "std::panic::set_hook (replaces the panic hook)",
    ),
    (
        "panic",
        "take_hook",
        "std::panic::take_hook (removes the panic hook)",
    ),
    (
        "panic",
        "catch_unwind",
        "std::panic::catch_unwind (swallows panics)",
    ),
    ("mem", "forget", "std::mem::forget"),
];

const MACROS: &[(&str, &str)] = &[
    ("include", "include! (compiles another file in)"),
    ("include_str", "include_str! (reads a file at compile time)"),
    (
        "include_bytes",
        "include_bytes! (reads a file at compile time)",
    ),
    ("env", "env! (reads the build environment)"),
    ("option_env", "option_env! (reads the build environment)"),
    ("asm", "asm! (inline assembly)"),
    ("global_asm", "global_asm! (inline assembly)"),
];

/// Attributes that place code where the loader runs it, or export it.
const ATTRIBUTES: &[(&str, &str)] = &[
    (
        "link_section",
        "#[link_section] (code the loader may run before main)",
    ),
    ("no_mangle", "#[no_mangle] (an exported symbol)"),
    ("export_name", "#[export_name] (an exported symbol)"),
    ("used", "#[used] (kept even if unreferenced)"),
    (
        "macro_export",
        "#[macro_export] (a macro in the tests' scope)",
    ),
];

/// Everything suspicious in one file's source.
pub fn review_source(file: &str, source: &str) -> Vec<Finding> {
    let tokens = match tokenize(source) {
        Ok(t) => t,
        Err(e) => {
            return vec![Finding {
                file: file.to_string(),
                line: e.line,
                construct: format!("could not be tokenized: {}", e.why),
            }];
        }
    };
    let mut out = Vec::new();
    // Linear however many entries a file holds (300k `use` lines).
    let mut seen = std::collections::HashSet::new();
    let mut found = |line: usize, what: &str| {
        if seen.insert((line, what.to_string())) {
            out.push(Finding {
                file: file.to_string(),
                line,
                construct: what.to_string(),
            });
        }
    };
    walk(&tokens, &mut |toks, i| {
        let line = toks[i].line();
        if let Tok::Lit(lit, _) = &toks[i]
            && lit.contains("/proc")
        {
            found(line, "a /proc path (the process's own memory, environment)");
        }
        if toks[i].is_punct('#')
            && let Some(attr) = toks.get(i + 1).and_then(|t| t.group('['))
        {
            // `#[unsafe(no_mangle)]` as well as `#[no_mangle]`.
            let names: Vec<&str> = attr
                .iter()
                .chain(attr.iter().filter_map(|t| t.group('(')).flatten())
                .filter_map(Tok::ident)
                .collect();
            for (name, what) in ATTRIBUTES {
                if names.contains(name) {
                    found(line, what);
                }
            }
        }
        let Some(name) = toks[i].ident() else { return };
        match name {
            "unsafe" => found(line, "unsafe"),
            // Lifetime gymnastics screening cannot decide (soundness).
            "for" if toks.get(i + 1).is_some_and(|t| t.is_punct('<')) => found(
                line,
                "for<'a> (higher-ranked lifetimes: check for soundness tricks)",
            ),
            "extern" if extern_block(&toks[i + 1..]) => {
                found(line, "extern block (foreign functions)")
            }
            "use" => {
                for (path, alias) in use_paths(&toks[i + 1..]) {
                    for what in path_findings(&path) {
                        match &alias {
                            Some(a) => found(line, &format!("{what}, imported as `{a}`")),
                            None => found(line, what),
                        }
                    }
                    if let Some(last) = path.last()
                        && let Some((_, what)) = MACROS.iter().find(|(m, _)| m == last)
                    {
                        found(line, &format!("{what}, imported"));
                    }
                }
            }
            _ => {}
        }
        let path_next = toks.get(i + 1).is_some_and(|t| t.is_punct(':'))
            && toks.get(i + 2).is_some_and(|t| t.is_punct(':'));
        if path_next && let Some(next) = toks.get(i + 3).and_then(Tok::ident) {
            for what in path_findings(&[name.to_string(), next.to_string()]) {
                found(line, what);
            }
        }
        if toks.get(i + 1).is_some_and(|t| t.is_punct('!')) {
            for (m, what) in MACROS {
                if name == *m {
                    found(line, what);
                }
            }
        }
    });
    out
}

/// Review entries for one path, from its adjacent segment pairs.
fn path_findings(path: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for pair in path.windows(2) {
        for (a, b, what) in PATHS {
            if pair[0] == *a && pair[1] == *b {
                out.push(*what);
            }
        }
    }
    out
}

/// Whether the tokens after `extern` open a block of foreign items:
/// `extern "C" { ... }` or `extern { ... }` (not `extern crate`, not an
/// `extern "C" fn`).
fn extern_block(rest: &[Tok]) -> bool {
    match rest {
        [Tok::Lit(..), next, ..] => next.group('{').is_some(),
        [next, ..] => next.group('{').is_some(),
        [] => false,
    }
}

/// The paths a `use` item brings in, each with its alias (`as name`), from
/// the tokens after `use` up to its `;`. Groups are expanded:
/// `std::{fs, process::{exit as quit}}` gives `std::fs` and
/// `std::process::exit` (as `quit`).
pub fn use_paths(rest: &[Tok]) -> Vec<(Vec<String>, Option<String>)> {
    // A use tree holds only names, `::`, `*`, `as` and `{...}` groups. The
    // first other token ends it, so a flood of `use` without `;` costs
    // each one its own tree, never the rest of the file (linear, not
    // quadratic).
    let end = rest
        .iter()
        .position(|t| match t {
            Tok::Ident(s, _) => s == "use",
            Tok::Punct(c, _) => !matches!(c, ':' | '*'),
            Tok::Group(d, _, _) => *d != '{',
            Tok::Lit(..) => true,
        })
        .unwrap_or(rest.len());
    let mut out = Vec::new();
    use_tree(&rest[..end], &mut Vec::new(), &mut out);
    out
}

fn use_tree(toks: &[Tok], prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, Option<String>)>) {
    let depth = prefix.len();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Ident(s, _) if s == "as" => {
                let alias = toks.get(i + 1).and_then(Tok::ident).map(str::to_string);
                if let Some(last) = out.last_mut() {
                    last.1 = alias;
                }
                i += 1;
            }
            Tok::Ident(s, _) => {
                prefix.push(s.clone());
                if !toks.get(i + 1).is_some_and(|t| t.is_punct(':')) {
                    out.push((prefix.clone(), None));
                }
            }
            Tok::Group(_, inner, _) => {
                // Each comma-separated subtree starts from the same prefix.
                for part in inner.split(|t| t.is_punct(',')) {
                    let mut p = prefix.clone();
                    use_tree(part, &mut p, out);
                }
            }
            Tok::Punct('*', _) => {
                let mut glob = prefix.clone();
                glob.push("*".to_string());
                out.push((glob, None));
            }
            Tok::Punct(',', _) => prefix.truncate(depth),
            _ => {}
        }
        i += 1;
    }
    prefix.truncate(depth);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constructs(src: &str) -> Vec<String> {
        review_source("lib.rs", src)
            .into_iter()
            .map(|f| f.construct)
            .collect()
    }

    #[test]
    fn finds_paths_across_lines_but_not_in_comments_or_strings() {
        let src = "// std::process::exit(1)\nfn f() {\n    let s = \"std::fs\";\n    std::process\n        ::exit(0);\n}\n";
        let found = review_source("lib.rs", src);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 4);
        assert!(found[0].construct.starts_with("std::process::exit"));
    }

    #[test]
    fn finds_unsafe_and_include_macros() {
        let names = constructs("fn f() { unsafe { g() }; let s = include_str!(\"a.txt\"); }");
        assert!(names.iter().any(|n| n == "unsafe"));
        assert!(names.iter().any(|n| n.starts_with("include_str!")));
    }

    #[test]
    fn resolves_grouped_and_aliased_imports() {
        let names = constructs(
            "use std::{fs, process::{exit as quit, id}};\nuse std::include_str as grab;\n",
        );
        assert!(
            names.contains(&"std::fs (file access)".to_string()),
            "{names:?}"
        );
        assert!(
            names.contains(
                &"std::process::exit (ends the process early), imported as `quit`".to_string()
            ),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n.starts_with("include_str!")),
            "{names:?}"
        );
        let paths = use_paths(&tokenize("a::{b::{c as d, e}, f, g::*};").unwrap());
        assert_eq!(
            paths,
            vec![
                (vec!["a".into(), "b".into(), "c".into()], Some("d".into())),
                (vec!["a".into(), "b".into(), "e".into()], None),
                (vec!["a".into(), "f".into()], None),
                (vec!["a".into(), "g".into(), "*".into()], None),
            ]
        );
    }

    #[test]
    fn lists_panic_hooks_loader_sections_extern_blocks_and_proc() {
        let names = constructs(
            "use std::panic::{self, set_hook};\nfn f() { panic::take_hook(); }\n\
             #[unsafe(link_section = \".init_array\")] static X: u8 = 0;\n\
             unsafe extern \"C\" { fn getpid() -> i32; }\n\
             extern \"C\" fn ok() {}\n\
             const P: &str = \"/proc/self/mem\";\n",
        );
        for want in [
            "set_hook",
            "take_hook",
            "#[link_section]",
            "extern block",
            "/proc",
        ] {
            assert!(names.iter().any(|n| n.contains(want)), "{want}: {names:?}");
        }
        assert_eq!(
            names.iter().filter(|n| n.contains("extern block")).count(),
            1,
            "an extern fn is not a block: {names:?}"
        );
    }

    #[test]
    fn a_shebang_is_dropped_as_rustc_drops_it() {
        let toks = tokenize("#!/bin/sh \"\ninclude!(\"x.rs\");\n").expect("tokenizes");
        assert_eq!(toks[0].ident(), Some("include"));
        assert_eq!(toks[0].line(), 2);
        assert!(tokenize("#![allow(dead_code)]\nfn f() {}").unwrap()[0].is_punct('#'));
        assert!(tokenize("fn f() {\n\n").is_err());
    }

    #[test]
    fn nesting_is_capped_and_use_trees_end_where_they_must() {
        let deep = |n: usize| format!("{}{}", "(".repeat(n), ")".repeat(n));
        assert!(tokenize(&deep(MAX_DEPTH)).is_ok());
        let err = tokenize(&format!("\n{}", deep(200_000))).unwrap_err();
        assert!(err.why.contains("nest"), "{err:?}");
        // `use` without `;` ends at the next `use`: each tree is its own.
        let toks = tokenize("use a::b use c::{d as e}").unwrap();
        assert_eq!(
            use_paths(&toks[1..]),
            vec![(vec!["a".into(), "b".into()], None)]
        );
    }
}
