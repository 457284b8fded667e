//! Screening before the build: graded code that could reach outside its
//! exercise, or change what the hidden tests mean, is rejected unbuilt.
//!
//! This is the first of two layers. It reads tokens, so it can be fooled
//! only by what tokens cannot show; after the build, `depinfo` checks what
//! the compiler actually read. The rules are written to fail closed: what
//! cannot be checked (a computed path, a file the tokenizer refuses) is
//! refused.

use crate::review::{Tok, tokenize, use_paths, walk};
use std::path::{Component, Path};

/// Names the hidden tests rely on without importing them: the standard
/// prelude (every edition), the primitive types and the crates they name.
/// `use bounded_send::*` in a test would let a library item of that name
/// shadow the real one (a `Vec` whose `==` is always true, a `drop` that
/// keeps its argument alive).
const RESERVED: &[&str] = &[
    // std::prelude::rust_2024
    "Copy",
    "Send",
    "Sized",
    "Sync",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "drop",
    "size_of",
    "size_of_val",
    "align_of",
    "align_of_val",
    "Box",
    "ToOwned",
    "Clone",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Future",
    "IntoFuture",
    // primitive types
    "bool",
    "char",
    "str",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f16",
    "f32",
    "f64",
    "f128",
    // crates the tests name by path
    "std",
    "core",
    "alloc",
    "tokio",
    "tokio_test",
    "insta",
    "pretty_assertions",
    "harness",
];

/// Why graded code may not be built as it is, with the line: it reads a
/// file outside its own `src/` folder, names a file in a way the grader
/// cannot check, or shadows a name the tests rely on. `rel_dir` is the
/// file's folder relative to `src/`.
pub fn refuse(rel_dir: &Path, source: &str) -> Option<(usize, String)> {
    let tokens = match tokenize(source) {
        Ok(t) => t,
        Err(e) => {
            return Some((e.line, format!("{}, so it cannot be screened", e.why)));
        }
    };
    let mut problem = None;
    walk(&tokens, &mut |toks, i| {
        if problem.is_none() {
            problem = token_rule(rel_dir, toks, i).or_else(|| {
                crate::soundness::hole_at(toks, i).map(|what| {
                    (
                        toks[i].line(),
                        format!(
                            "{what}: the shape of a known soundness hole, which lets safe \
                             code forge its results"
                        ),
                    )
                })
            });
        }
    });
    problem.or_else(|| shadowing(&tokens))
}

/// The rules that look at one token and its neighbours.
fn token_rule(rel_dir: &Path, toks: &[Tok], i: usize) -> Option<(usize, String)> {
    let line = toks[i].line();
    let bang = toks.get(i + 1).is_some_and(|t| t.is_punct('!'));
    // An attribute whose name a macro fills in (`#[$a = "..."]`) could be
    // `path`: it cannot be checked.
    if toks[i].is_punct('#')
        && let Some(attr) = toks.get(i + 1).and_then(|t| t.group('['))
        && attr.first().is_some_and(|t| t.is_punct('$'))
    {
        return Some((
            line,
            "an attribute named by a macro cannot be checked".into(),
        ));
    }
    let name = toks[i].ident()?;
    match name {
        "include" | "include_str" | "include_bytes" if bang => {
            let args = toks.get(i + 2).and_then(|t| match t {
                Tok::Group(_, inner, _) => Some(inner.as_slice()),
                _ => None,
            });
            match args {
                Some([Tok::Lit(lit, _)]) => {
                    if escapes(rel_dir, lit) {
                        return Some((
                            line,
                            format!("{name}!({lit}) reads a file outside the exercise"),
                        ));
                    }
                    if name == "include" && !names_rust_file(lit) {
                        return Some((
                            line,
                            format!("include!({lit}) compiles a file that is not a .rs file"),
                        ));
                    }
                    None
                }
                _ => Some((
                    line,
                    format!("{name}! with a computed path cannot be checked"),
                )),
            }
        }
        "env" | "option_env" if bang => {
            let args = match toks.get(i + 2) {
                Some(Tok::Group(_, inner, _)) => inner.as_slice(),
                _ => &[],
            };
            match args.first() {
                Some(Tok::Lit(lit, _))
                    if unquote(lit).is_some_and(|v| checker::build::depinfo::env_allowed(&v)) =>
                {
                    None
                }
                _ => Some((line, format!("{name}! reads the grader's environment"))),
            }
        }
        // A renamed import hides the macro's calls from the rule above.
        "use" => use_paths(&toks[i + 1..])
            .into_iter()
            .find_map(|(path, alias)| {
                let last = path.last()?;
                let reads = [
                    "include",
                    "include_str",
                    "include_bytes",
                    "env",
                    "option_env",
                ];
                (alias.is_some() && reads.contains(&last.as_str())).then(|| {
                    (
                        line,
                        format!("{last}! imported under another name cannot be checked"),
                    )
                })
            }),
        // #[debugger_visualizer(...)] embeds a file in the binary.
        "gdb_script_file" | "natvis_file" if toks.get(i + 1).is_some_and(|t| t.is_punct('=')) => {
            match toks.get(i + 2) {
                Some(Tok::Lit(lit, _)) if !escapes(rel_dir, lit) => None,
                _ => Some((line, format!("{name} may only name a file inside src/"))),
            }
        }
        "path" if toks.get(i + 1).is_some_and(|t| t.is_punct('=')) => match toks.get(i + 2) {
            Some(Tok::Lit(lit, _)) if escapes(rel_dir, lit) => {
                Some((line, format!("#[path = {lit}] points outside the exercise")))
            }
            Some(Tok::Lit(lit, _)) if !names_rust_file(lit) => Some((
                line,
                format!("#[path = {lit}] names a file that is not a .rs file"),
            )),
            Some(Tok::Lit(..)) => None,
            _ => Some((
                line,
                "#[path] with a computed value cannot be checked".into(),
            )),
        },
        "macro_export" => Some((
            line,
            "#[macro_export] puts a macro into the hidden tests' scope".into(),
        )),
        // Lifting the compiler's own limits lets a build run forever (a
        // constant evaluated in an endless loop) and stall the batch.
        "long_running_const_eval" | "recursion_limit" | "type_length_limit" => Some((
            line,
            format!("changing the compiler's limit `{name}` could stall the build"),
        )),
        _ => None,
    }
}

/// The traits the stub derives for each of its types (`Offer` ->
/// `PartialEq`, `Debug`...), read from the stub's tokens.
pub fn stub_derives(stub: &str) -> Vec<(String, Vec<String>)> {
    let Ok(toks) = tokenize(stub) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let Some(attr) = t.group('[')
            && attr.first().and_then(Tok::ident) == Some("derive")
            && let Some(list) = attr.get(1).and_then(|g| g.group('('))
        {
            pending.extend(
                list.split(|t| t.is_punct(','))
                    .filter_map(|part| part.iter().rev().find_map(Tok::ident))
                    .map(str::to_string),
            );
        }
        if matches!(t.ident(), Some("struct" | "enum"))
            && let Some(name) = toks.get(i + 1).and_then(Tok::ident)
            && !pending.is_empty()
        {
            out.push((name.to_string(), std::mem::take(&mut pending)));
        }
    }
    out
}

/// A hand-written `impl Trait for Type` where the stub derives `Trait` for
/// `Type`: an always-true `PartialEq` on `Offer` would make the hidden
/// tests' equality assertions hold for work never done.
pub fn replaced_derive(derives: &[(String, Vec<String>)], source: &str) -> Option<(usize, String)> {
    let toks = tokenize(source).ok()?;
    let derived = |ty: &str, tr: &str| {
        derives
            .iter()
            .any(|(t, trs)| (t == ty || ty == "$") && trs.iter().any(|x| x == tr))
    };
    let mut found = None;
    walk(&toks, &mut |toks, i| {
        if found.is_some() || toks[i].ident() != Some("impl") {
            return;
        }
        // The trait is the last name at angle depth 0 before `for`.
        let mut angle = 0i32;
        let mut last = None;
        for (k, t) in toks.iter().enumerate().skip(i + 1).take(64) {
            match t {
                Tok::Punct('<', _) => angle += 1,
                Tok::Punct('>', _) => angle -= 1,
                Tok::Ident(s, _) if s == "for" && angle == 0 => {
                    let ty = match toks.get(k + 1) {
                        Some(t) if t.is_punct('$') => Some("$"),
                        Some(t) => t.ident(),
                        None => None,
                    };
                    if let (Some(tr), Some(ty)) = (last, ty)
                        && derived(ty, tr)
                    {
                        found = Some((
                            t.line(),
                            format!(
                                "a hand-written `impl {tr} for {ty}` replaces the stub's \
                                 `#[derive({tr})]`; graded code keeps the stub's derives"
                            ),
                        ));
                    }
                    return;
                }
                Tok::Ident(s, _) if angle == 0 => last = Some(s.as_str()),
                Tok::Group('{', _, _) | Tok::Punct(';', _) => return,
                _ => {}
            }
        }
    });
    found
}

/// Whether a string literal names a `.rs` file (only those may be compiled
/// in, so data files staged from `src/` are never code).
fn names_rust_file(literal: &str) -> bool {
    unquote(literal).is_some_and(|p| p.ends_with(".rs"))
}

/// An item declared at module level (where `use lib::*` sees it), or
/// generated by a macro, whose name is one of [`RESERVED`].
fn shadowing(tokens: &[Tok]) -> Option<(usize, String)> {
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut variants: Vec<(String, String, usize)> = Vec::new();
    let mut reexports: Vec<Vec<String>> = Vec::new();
    module_items(tokens, &mut |d| match d {
        Declared::Item(name, line) => names.push((name.to_string(), line)),
        Declared::Variant(of, name, line) => {
            variants.push((of.to_string(), name.to_string(), line))
        }
        Declared::Reexport(path) => reexports.push(path),
    });
    // A variant reaches the tests only through a `pub use Enum::...`.
    let reexported: std::collections::HashSet<&String> = reexports.iter().flatten().collect();
    for (of, name, line) in variants {
        if reexported.contains(&of) {
            names.push((name, line));
        }
    }
    names.into_iter().find_map(|(name, line)| {
        if name == "$" {
            Some((
                line,
                "an item whose name a macro chooses cannot be checked".into(),
            ))
        } else if RESERVED.contains(&name.as_str()) {
            Some((
                line,
                format!(
                    "an item named `{name}` would replace the standard `{name}` in the hidden tests"
                ),
            ))
        } else {
            None
        }
    })
}

/// What `module_items` reports.
enum Declared<'a> {
    /// A `pub` item's name (`$` when a macro chooses it).
    Item(&'a str, usize),
    /// A variant of a `pub enum`: the enum's name and the variant's.
    Variant(&'a str, &'a str, usize),
    /// The path of a `pub use`.
    Reexport(Vec<String>),
}

/// Calls `f` with every `pub` item declared in a module's tokens: items,
/// the variants of a `pub enum`, `pub use` paths and their `as` names, and
/// the same inside inline modules and `macro_rules!` bodies. Only plain
/// `pub` items can reach the tests through `use lib::*`; private ones
/// (`type Result<T> = ...` for the crate's own use) are fine. Function and
/// impl bodies are not entered: nothing declared there is visible outside.
fn module_items(toks: &[Tok], f: &mut dyn FnMut(Declared)) {
    let name_at = |j: usize| -> Option<(&str, usize)> {
        match toks.get(j)? {
            Tok::Ident(s, l) => Some((s.as_str(), *l)),
            t if t.is_punct('$') => Some(("$", t.line())),
            _ => None,
        }
    };
    let mut i = 0;
    // Whether the item being read is plain `pub` (not `pub(crate)`).
    let mut public = false;
    while i < toks.len() {
        let Some(word) = toks[i].ident() else {
            if toks[i].is_punct(';') || toks[i].group('{').is_some() {
                public = false;
            }
            i += 1;
            continue;
        };
        let next = toks.get(i + 1).and_then(Tok::ident);
        match word {
            "pub" => public = toks.get(i + 1).and_then(|t| t.group('(')).is_none(),
            // `const fn`, `const unsafe fn`: `const` qualifies the `fn`.
            "const" if matches!(next, Some("fn" | "unsafe" | "async" | "extern")) => {}
            "struct" | "union" | "type" | "trait" | "fn" | "const" | "static" | "mod" | "enum" => {
                let exported = std::mem::take(&mut public);
                let mut j = i + 1;
                if next == Some("mut") {
                    j += 1;
                }
                // `union` and `type` are also ordinary words elsewhere.
                let name = name_at(j).filter(|(n, _)| *n != "_");
                if let Some((name, line)) = name
                    && exported
                {
                    f(Declared::Item(name, line));
                }
                if word == "mod"
                    && let Some(body) = toks.get(j + 1).and_then(|t| t.group('{'))
                {
                    // Even a private module's `pub` items can be re-exported.
                    module_items(body, f);
                }
                if word == "enum"
                    && exported
                    && let Some((of, _)) = name
                {
                    // The body is the first `{...}` before the next item:
                    // stopping there keeps a flood of bodiless `pub enum`s
                    // linear.
                    let body = toks[j + 1..]
                        .iter()
                        .take_while(|t| {
                            !t.is_punct(';')
                                && !matches!(t.ident(), Some("pub" | "enum" | "struct" | "use"))
                        })
                        .find_map(|t| t.group('{'));
                    for variant in body.unwrap_or(&[]).split(|t| t.is_punct(',')) {
                        // Skip attributes (`#` and its group) to the name.
                        let v = variant.iter().find_map(|t| match t {
                            Tok::Ident(s, l) => Some((s.as_str(), *l)),
                            _ => None,
                        });
                        if let Some((v, line)) = v {
                            f(Declared::Variant(of, v, line));
                        }
                    }
                }
            }
            "use" => {
                let end = statement_end(toks, i);
                if std::mem::take(&mut public) {
                    for (path, alias) in use_paths(&toks[i + 1..end]) {
                        // `pub use inner::Vec` is seen where `inner`
                        // declares it; a renamed import is a new name.
                        if let Some(a) = &alias {
                            f(Declared::Item(a, toks[i].line()));
                        }
                        f(Declared::Reexport(path));
                    }
                }
                i = end;
            }
            "extern" if next == Some("crate") => {
                // `pub extern crate x as name;`
                let end = statement_end(toks, i);
                let alias = toks[i..end].iter().position(|t| t.ident() == Some("as"));
                if let Some((name, line)) = alias.and_then(|a| name_at(i + a + 1))
                    && std::mem::take(&mut public)
                {
                    f(Declared::Item(name, line));
                }
                i = end;
            }
            "macro_rules" => {
                // The body's rules are `(matcher) => { items }`.
                if let Some(Tok::Group(_, body, _)) = toks.get(i + 3) {
                    for t in body {
                        if let Tok::Group('{' | '(' | '[', inner, _) = t {
                            module_items(inner, f);
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The position of the `;` that ends the statement starting at `i`.
fn statement_end(toks: &[Tok], i: usize) -> usize {
    toks[i..]
        .iter()
        .position(|t| t.is_punct(';'))
        .map_or(toks.len(), |p| i + p)
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

    fn refused(src: &str) -> bool {
        refuse(Path::new(""), src).is_some()
    }

    #[test]
    fn includes_inside_src_are_allowed_and_escapes_are_not() {
        assert!(!refused("const A: &str = include_str!(\"data/a.txt\");"));
        assert!(refused(
            "const A: &str = include_str!(\"../../../solutions/01-bounded-send/src/lib.rs\");"
        ));
        assert!(refused(
            "const A: &str = include_str!(r\"/work/solutions/lib.rs\");"
        ));
        assert!(refused(
            "include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/x.rs\"));"
        ));
        assert_eq!(
            refuse(Path::new("inner"), "include!(\"../helpers.rs\");"),
            None
        );
        assert!(refused("#[path = \"../../x.rs\"] mod x;"));
    }

    #[test]
    fn closes_the_holes_of_the_first_screening() {
        // #[path] naming a data file, which is then compiled as code.
        assert!(refused("#[path = \"inner.txt\"] mod inner;"));
        assert!(refused("include!(\"inner.txt\");"));
        // #[path] made by macro_rules!.
        assert!(refused(
            "macro_rules! p { ($x:literal) => { #[path = $x] mod m; } }\np!(\"/x.rs\");"
        ));
        assert!(refused(
            "macro_rules! p { ($a:ident) => { #[$a = \"/x.rs\"] mod m; } }\np!(path);"
        ));
        // A first line the tokenizer refuses, and one rustc drops.
        assert!(refused("fn f() { \"\n"));
        assert!(refused("#!/bin/sh \"\ninclude!(\"/etc/passwd\");\n"));
        // Renamed and raw-named macros.
        assert!(refused(
            "use std::include_str as grab;\nconst A: &str = grab!(\"/x\");"
        ));
        assert!(refused("use std::{include as grab};"));
        assert!(refused("r#include_str!(\"/etc/passwd\");"));
        assert!(refused(
            "#![debugger_visualizer(gdb_script_file = \"/etc/passwd\")]"
        ));
        // The grader's environment.
        assert!(refused("const H: &str = env!(\"HOME\");"));
        assert!(!refused("const N: &str = env!(\"CARGO_PKG_NAME\");"));
    }

    #[test]
    fn the_stubs_derives_cannot_be_replaced() {
        let stub = "#[derive(Debug, Clone, PartialEq, Eq)]\npub enum Offer { A }\n\
                    #[derive(Debug)] pub struct Plain;";
        let d = stub_derives(stub);
        assert_eq!(d[0].0, "Offer");
        for src in [
            "impl PartialEq for Offer { fn eq(&self, _: &Self) -> bool { true } }",
            "impl std::cmp::PartialEq<Offer> for Offer { fn eq(&self, _: &Offer) -> bool { true } }",
            "impl std::fmt::Debug for Plain { }",
            "macro_rules! m { ($t:ty) => { impl PartialEq for $t {} } }",
        ] {
            assert!(replaced_derive(&d, src).is_some(), "{src}");
        }
        for src in [
            "impl Offer { fn new() -> Self { Offer::A } }",
            "impl std::fmt::Display for Offer { }",
            "impl PartialEq for Mine { }",
            "impl<T> From<T> for Offer { }",
        ] {
            assert_eq!(replaced_derive(&d, src), None, "{src}");
        }
    }

    #[test]
    fn names_the_tests_rely_on_cannot_be_shadowed() {
        for src in [
            "pub struct Vec<T>(T);",
            "pub fn drop<T>(_: T) {}",
            "pub mod std { pub mod mem {} }",
            "pub enum Choice { Some(u32), Nothing }\npub use Choice::*;",
            "pub use inner::Thing as Option;",
            "pub type u32 = u64;",
            "pub const fn drop() {}",
            "mod inner { pub struct Vec; }",
            "macro_rules! m { () => { pub struct String; } }",
            "macro_rules! m { ($n:ident) => { pub struct $n; } }",
            "#[macro_export] macro_rules! m { () => {} }",
            "#![allow(long_running_const_eval)]",
            "#![recursion_limit = \"100000\"]",
        ] {
            assert!(refused(src), "{src}");
        }
        // Methods, locals and imports of the real thing are fine.
        for src in [
            "struct Guard; impl Drop for Guard { fn drop(&mut self) {} }",
            "fn f() { struct Vec; let x = 5 as u32; }",
            "use std::vec::Vec; use tokio::sync::mpsc::{self, Sender};",
            "pub enum Dish { Soup, Salad(u32) }",
            "type Result<T> = std::result::Result<T, String>;",
            "pub(crate) fn drop() {}",
            "enum Private { Some, None }",
            "pub enum Level { None, Low }",
            "use std::collections::HashMap as Vec;",
            "pub async fn waiter(rx: Receiver<u32>) -> Vec<u32> { Vec::new() }",
        ] {
            assert!(!refused(src), "{src}: {:?}", refuse(Path::new(""), src));
        }
    }
}

#[cfg(test)]
mod course_code {
    use super::*;

    /// Honest code must pass: every solution, stub and fixture of the
    /// course that compiles.
    #[test]
    fn the_courses_own_code_passes_screening() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = Vec::new();
        for top in ["solutions", "checker/stubs", "checker/tests/fixtures"] {
            dirs.push(root.join(top));
        }
        let mut checked = 0;
        for dir in dirs {
            for file in checker::util::files::walk(&dir) {
                let text = std::fs::read_to_string(&file).unwrap();
                let shown = file.display().to_string();
                if shown.contains("syntax-error") {
                    continue;
                }
                let rel_dir = Path::new("");
                assert_eq!(refuse(rel_dir, &text), None, "{shown}");
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} files found");
    }

    /// Every solution keeps its stub's derives.
    #[test]
    fn solutions_keep_the_stubs_derives() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        for e in checker::model::course::EXERCISES {
            let stub = root.join("checker/stubs").join(e.dir).join("src/lib.rs");
            let derives = stub_derives(&std::fs::read_to_string(stub).unwrap());
            for file in checker::util::files::walk(&root.join("solutions").join(e.dir)) {
                let text = std::fs::read_to_string(&file).unwrap();
                assert_eq!(replaced_derive(&derives, &text), None, "{}", file.display());
            }
        }
    }
}
