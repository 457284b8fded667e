//! Reading a submission's code as tokens: the instructor's review of
//! suspicious constructs, and the screening that keeps graded code from
//! reaching outside its exercise.
//!
//! The code is tokenized (proc-macro2), not grepped, so comments and string
//! contents never count, and `std :: process :: exit` spread over lines
//! still does.

use proc_macro2::{TokenStream, TokenTree};
use std::path::{Component, Path};
use std::str::FromStr;

/// One construct an instructor may want to look at.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Relative to the submission.
    pub file: String,
    pub line: usize,
    pub construct: String,
}

/// A flat view of the tokens, with enough structure kept to look at the
/// argument of a macro call or an attribute.
#[derive(Clone, Debug)]
enum Tok {
    Ident(String, usize),
    Punct(char, usize),
    Lit(String, usize),
    Group(Vec<Tok>, usize),
}

impl Tok {
    fn line(&self) -> usize {
        match self {
            Tok::Ident(_, l) | Tok::Punct(_, l) | Tok::Lit(_, l) | Tok::Group(_, l) => *l,
        }
    }

    fn ident(&self) -> Option<&str> {
        match self {
            Tok::Ident(s, _) => Some(s),
            _ => None,
        }
    }

    fn is_punct(&self, c: char) -> bool {
        matches!(self, Tok::Punct(p, _) if *p == c)
    }
}

fn flatten(stream: TokenStream) -> Vec<Tok> {
    stream
        .into_iter()
        .map(|tt| {
            let line = tt.span().start().line;
            match tt {
                TokenTree::Ident(i) => Tok::Ident(i.to_string(), line),
                TokenTree::Punct(p) => Tok::Punct(p.as_char(), line),
                TokenTree::Literal(l) => Tok::Lit(l.to_string(), line),
                TokenTree::Group(g) => Tok::Group(flatten(g.stream()), line),
            }
        })
        .collect()
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
];

/// Everything suspicious in one file's source.
pub fn review_source(file: &str, source: &str) -> Vec<Finding> {
    let tokens = match TokenStream::from_str(source) {
        Ok(t) => flatten(t),
        Err(e) => {
            return vec![Finding {
                file: file.to_string(),
                line: e.span().start().line,
                construct: "could not be tokenized (unbalanced delimiters?)".to_string(),
            }];
        }
    };
    let mut out = Vec::new();
    walk(&tokens, &mut |toks, i| {
        let line = toks[i].line();
        let mut found = |what: &str| {
            out.push(Finding {
                file: file.to_string(),
                line,
                construct: what.to_string(),
            })
        };
        let Some(name) = toks[i].ident() else { return };
        if name == "unsafe" {
            found("unsafe");
        }
        let path_next = toks.get(i + 1).is_some_and(|t| t.is_punct(':'))
            && toks.get(i + 2).is_some_and(|t| t.is_punct(':'));
        if path_next && let Some(next) = toks.get(i + 3).and_then(Tok::ident) {
            for (a, b, what) in PATHS {
                if name == *a && next == *b {
                    found(what);
                }
            }
        }
        if toks.get(i + 1).is_some_and(|t| t.is_punct('!')) {
            for (m, what) in MACROS {
                if name == *m {
                    found(what);
                }
            }
        }
    });
    out
}

/// Calls `f` for every token position, at every nesting level.
fn walk(toks: &[Tok], f: &mut dyn FnMut(&[Tok], usize)) {
    for i in 0..toks.len() {
        f(toks, i);
        if let Tok::Group(inner, _) = &toks[i] {
            walk(inner, f);
        }
    }
}

/// Why graded code may not be built as it is: it reads a file outside its
/// own `src/` folder (`include_str!("../../solutions/...")`, an absolute
/// path, a `#[path]` pointing elsewhere), or names its file in a way the
/// grader cannot check. `rel_dir` is the file's folder relative to `src/`.
pub fn reaches_outside(rel_dir: &Path, source: &str) -> Option<(usize, String)> {
    let tokens = flatten(TokenStream::from_str(source).ok()?);
    let mut problem = None;
    walk(&tokens, &mut |toks, i| {
        if problem.is_some() {
            return;
        }
        let Some(name) = toks[i].ident() else { return };
        let line = toks[i].line();
        // include!/include_str!/include_bytes!( "literal" )
        if matches!(name, "include" | "include_str" | "include_bytes")
            && toks.get(i + 1).is_some_and(|t| t.is_punct('!'))
            && let Some(Tok::Group(args, _)) = toks.get(i + 2)
        {
            match args.as_slice() {
                [Tok::Lit(lit, _)] if escapes(rel_dir, lit) => {
                    problem = Some((
                        line,
                        format!("{name}!({lit}) reads a file outside the exercise"),
                    ));
                }
                [Tok::Lit(..)] => {}
                _ => {
                    problem = Some((
                        line,
                        format!("{name}! with a computed path cannot be checked"),
                    ));
                }
            }
        }
        // #[path = "literal"]
        if name == "path"
            && toks.get(i + 1).is_some_and(|t| t.is_punct('='))
            && let Some(Tok::Lit(lit, _)) = toks.get(i + 2)
            && escapes(rel_dir, lit)
        {
            problem = Some((line, format!("#[path = {lit}] points outside the exercise")));
        }
    });
    problem
}

/// Whether a string literal names a path outside `src/`, seen from
/// `rel_dir` (relative to `src/`).
fn escapes(rel_dir: &Path, literal: &str) -> bool {
    let Some(path) = unquote(literal) else {
        return true;
    };
    let path = Path::new(&path);
    if path.is_absolute() {
        return true;
    }
    let mut depth: i64 = rel_dir.components().count() as i64;
    for c in path.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return true,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// The value of a plain or raw string literal; `None` for anything else.
fn unquote(lit: &str) -> Option<String> {
    if let Some(rest) = lit.strip_prefix('r') {
        let hashes = rest.chars().take_while(|c| *c == '#').count();
        let inner = rest.get(hashes + 1..rest.len().checked_sub(hashes + 1)?)?;
        return Some(inner.to_string());
    }
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        // Escapes could hide a path: refuse rather than interpret them.
        return None;
    }
    Some(inner.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let src = "fn f() { unsafe { g() }; let s = include_str!(\"a.txt\"); }";
        let names: Vec<String> = review_source("lib.rs", src)
            .into_iter()
            .map(|f| f.construct)
            .collect();
        assert!(names.iter().any(|n| n == "unsafe"));
        assert!(names.iter().any(|n| n.starts_with("include_str!")));
    }

    #[test]
    fn includes_inside_src_are_allowed_and_escapes_are_not() {
        let ok = "const A: &str = include_str!(\"data/a.txt\");";
        assert_eq!(reaches_outside(Path::new(""), ok), None);
        let up = "const A: &str = include_str!(\"../../../solutions/01-bounded-send/src/lib.rs\");";
        assert!(reaches_outside(Path::new(""), up).is_some());
        let abs = "const A: &str = include_str!(r\"/work/solutions/lib.rs\");";
        assert!(reaches_outside(Path::new(""), abs).is_some());
        let computed = "include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/x.rs\"));";
        assert!(reaches_outside(Path::new(""), computed).is_some());
        let sub = "include!(\"../helpers.rs\");";
        assert_eq!(reaches_outside(Path::new("inner"), sub), None);
        let path_attr = "#[path = \"../../x.rs\"] mod x;";
        assert!(reaches_outside(Path::new(""), path_attr).is_some());
    }
}
