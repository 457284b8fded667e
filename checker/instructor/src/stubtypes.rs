//! The stub's types keep the stub's definitions.
//!
//! The hidden tests compare the learner's results with `==` and `{:?}` on
//! the stub's own types (`Offer`, `Unserved`...), whose `PartialEq` and
//! `Debug` the stub derives. A hand-written impl in place of a derive is
//! refused by `screen::replaced_derive`; this module closes the other way
//! to the same forgery: keeping the derive but changing what it compares.
//! A field retyped to the learner's own type with an always-true
//! `PartialEq` (or a `Debug` that prints what the test expects), a new
//! field, a generic parameter, or a name used in a field's type (`Vec`,
//! `u32`, `Duration`) given to an item of the learner's, so that the
//! unchanged tokens mean another type. Everything is compared as tokens
//! (attributes such as doc comments aside), so honest code, which never
//! edits these definitions, is never refused.

use crate::review::{Tok, tokenize, use_paths, walk};

/// One type the stub declares.
struct StubType {
    name: String,
    /// Its definition after the name: generics, body, `;`.
    definition: Vec<Tok>,
}

/// The first place in `source` that changes one of the stub's types, and
/// why, naming the type and the field: a definition of a stub type that
/// differs from the stub's, or an item named like a type that a stub
/// type's fields use.
pub fn changed_type(stub: &str, source: &str) -> Option<(usize, String)> {
    let types = stub_types(stub);
    if types.is_empty() {
        return None;
    }
    // What else the stub declares (`pub type Answer = ...` in 08): a
    // learner's copy declares it too, unchanged.
    let declared = all_types(stub);
    let used = field_type_names(&types);
    let toks = tokenize(source).ok()?;
    let mut found = None;
    walk(&toks, &mut |toks, i| {
        if found.is_some() {
            return;
        }
        let Some(kw) = toks[i].ident() else {
            return;
        };
        let line = toks[i].line();
        // `use x as Vec;` names an item after a field's type as well (a
        // cast, `n as u32`, names nothing).
        if kw == "use" {
            found = use_paths(&toks[i + 1..])
                .into_iter()
                .find_map(|(_, alias)| {
                    let alias = alias?;
                    let (ty, field) = user_of(&used, &alias)?;
                    Some((line, shadowed(&alias, &ty, &field)))
                });
            return;
        }
        if !matches!(kw, "struct" | "enum" | "union" | "type" | "trait") {
            return;
        }
        let name = match toks.get(i + 1) {
            Some(t) if t.is_punct('$') => {
                if !used.is_empty() {
                    found = Some((
                        line,
                        "a type whose name a macro chooses could replace one of the stub's \
                         types or a type their fields use; graded code declares its types by \
                         name"
                            .to_string(),
                    ));
                }
                return;
            }
            Some(t) => match t.ident() {
                Some(n) => n,
                None => return,
            },
            None => return,
        };
        if let Some(stub) = types.iter().find(|t| t.name == name) {
            let mine = definition_of(&toks[i + 2..]);
            if kw != kind_of(stub) || !same(&mine, &stub.definition) {
                found = Some((line, changed(stub, kw, &mine)));
            }
        } else if let Some((ty, field)) = user_of(&used, name) {
            let as_in_stub = declared.iter().any(|d| {
                d.name == name
                    && kw == kind_of(d)
                    && same(&definition_of(&toks[i + 2..]), &d.definition)
            });
            if !as_in_stub {
                found = Some((line, shadowed(name, &ty, &field)));
            }
        }
    });
    found
}

fn kind_of(t: &StubType) -> &str {
    t.definition
        .first()
        .and_then(Tok::ident)
        .unwrap_or("struct")
}

/// The stub's types that the tests compare or print: the `struct`s and
/// `enum`s for which it derives `PartialEq` or `Debug`, each definition
/// kept with its keyword first (see [`kind_of`]). A struct with a private
/// field is left out: it is a handle whose insides are the learner's to
/// design (`Pantry` in 03 holds what its methods need), and the tests
/// never look inside it.
fn stub_types(stub: &str) -> Vec<StubType> {
    let derives = crate::screen::stub_derives(stub);
    let compared = |name: &str| {
        derives.iter().any(|(ty, traits)| {
            ty == name && traits.iter().any(|t| t == "PartialEq" || t == "Debug")
        })
    };
    let mut types = all_types(stub);
    types.retain(|t| {
        kind_of(t) != "type"
            && compared(&t.name)
            && (is_enum(&t.definition)
                || members(&t.definition[1..])
                    .iter()
                    .all(|m| m.first().and_then(Tok::ident) == Some("pub")))
    });
    types
}

/// Every `struct`, `enum` and `type` alias at the top level of the stub's
/// tokens.
fn all_types(stub: &str) -> Vec<StubType> {
    let Ok(toks) = tokenize(stub) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if let Some(kw @ ("struct" | "enum" | "type")) = t.ident()
            && let Some(name) = toks.get(i + 1).and_then(Tok::ident)
        {
            let mut definition = vec![Tok::Ident(kw.to_string(), 0)];
            definition.extend(definition_of(&toks[i + 2..]));
            out.push(StubType {
                name: name.to_string(),
                definition,
            });
        }
    }
    out
}

/// The tokens after a type's name up to the end of its definition: a
/// `{...}` body, or `;` (unit and tuple structs, aliases).
fn definition_of(after_name: &[Tok]) -> Vec<Tok> {
    let mut out = Vec::new();
    for t in after_name {
        out.push(t.clone());
        if t.is_punct(';') || t.group('{').is_some() {
            break;
        }
    }
    out
}

/// Equal as tokens, lines and attributes inside the body aside (doc
/// comments, `#[allow(..)]`: a field an attribute removed or changed
/// would no longer match what the tests name).
fn same(mine: &[Tok], stub_def: &[Tok]) -> bool {
    let stub_body = &stub_def[1..];
    eq_tokens(&unattributed(mine), &unattributed(stub_body))
}

fn eq_tokens(a: &[Tok], b: &[Tok]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Tok::Ident(p, _), Tok::Ident(q, _)) | (Tok::Lit(p, _), Tok::Lit(q, _)) => p == q,
            (Tok::Punct(p, _), Tok::Punct(q, _)) => p == q,
            (Tok::Group(d, p, _), Tok::Group(e, q, _)) => d == e && eq_tokens(p, q),
            _ => false,
        })
}

/// Tokens without `#[...]` attributes (doc comments among them), at every
/// level.
fn unattributed(toks: &[Tok]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].is_punct('#') && toks.get(i + 1).is_some_and(|t| t.group('[').is_some()) {
            i += 2;
            continue;
        }
        out.push(match &toks[i] {
            Tok::Group(d, inner, l) => Tok::Group(*d, unattributed(inner), *l),
            t => t.clone(),
        });
        i += 1;
    }
    out
}

/// The fields (or variants) of a definition's body, each as its tokens,
/// split at top-level commas.
fn members(def: &[Tok]) -> Vec<Vec<Tok>> {
    let body = def
        .iter()
        .find_map(|t| t.group('{').or_else(|| t.group('(')))
        .map(unattributed)
        .unwrap_or_default();
    body.split(|t| t.is_punct(','))
        .filter(|m| !m.is_empty())
        .map(<[Tok]>::to_vec)
        .collect()
}

/// A member's name: a field's name (before its `:`), a variant's name, or
/// its position in a tuple struct.
fn member_name(def: &[Tok], member: &[Tok], index: usize) -> String {
    let tuple = def.iter().any(|t| t.group('(').is_some()) && !is_enum(def);
    let named = member
        .iter()
        .zip(member.iter().skip(1))
        .find(|(_, next)| next.is_punct(':'))
        .and_then(|(t, _)| t.ident());
    match named {
        Some(n) => n.to_string(),
        None if tuple => index.to_string(),
        None => member
            .iter()
            .filter_map(Tok::ident)
            .find(|n| *n != "pub")
            .map_or(index.to_string(), str::to_string),
    }
}

fn is_enum(def: &[Tok]) -> bool {
    def.first().and_then(Tok::ident) == Some("enum")
}

/// Why a definition of a stub type is refused, naming the first member
/// that differs.
fn changed(stub: &StubType, kw: &str, mine: &[Tok]) -> String {
    let name = &stub.name;
    let stub_kind = kind_of(stub);
    let rule = "graded code keeps the stub's types as the stub declares them, so that the \
                tests' comparisons mean what they say";
    if kw != stub_kind {
        return format!(
            "`{name}` is declared as a `{kw}`, but the stub declares a `{stub_kind}`; {rule}"
        );
    }
    let theirs = members(&stub.definition[1..]);
    let ours = members(mine);
    let differing = theirs
        .iter()
        .zip(&ours)
        .enumerate()
        .find(|(_, (a, b))| !eq_tokens(a, b))
        .map(|(i, (a, _))| member_name(&stub.definition, a, i));
    let what = if stub_kind == "enum" {
        "variant"
    } else {
        "field"
    };
    match differing {
        Some(member) => format!(
            "the {what} `{member}` of `{name}` differs from the stub's (a changed type \
             could compare or print as anything); {rule}"
        ),
        None if ours.len() != theirs.len() => format!(
            "`{name}` has {} {what}s where the stub's has {}; {rule}",
            ours.len(),
            theirs.len()
        ),
        None => format!("`{name}` is declared differently from the stub's (its generics?); {rule}"),
    }
}

/// Every name a stub type's members use in their types (`Vec`, `u32`,
/// `Duration`...), with the type and member that use it. Names of the
/// stub's own types are left out: their definitions are compared.
fn field_type_names(types: &[StubType]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for t in types {
        for (i, member) in members(&t.definition[1..]).iter().enumerate() {
            let member_label = member_name(&t.definition, member, i);
            let mut names = Vec::new();
            walk(member, &mut |toks, k| {
                let colon =
                    |j: Option<usize>| j.and_then(|j| toks.get(j)).is_some_and(|t| t.is_punct(':'));
                // A field's name inside a variant (`Late { by: ... }`).
                let field = colon(Some(k + 1)) && !colon(Some(k + 2)) && !colon(k.checked_sub(1));
                if let Some(n) = toks[k].ident()
                    && !field
                {
                    names.push(n.to_string());
                }
            });
            for n in names {
                let is_member_name = n == member_label;
                let keyword = matches!(
                    n.as_str(),
                    "pub" | "crate" | "dyn" | "mut" | "const" | "static" | "self" | "super"
                );
                if !is_member_name && !keyword && !types.iter().any(|s| s.name == n) {
                    out.push((n, t.name.clone(), member_label.clone()));
                }
            }
        }
    }
    out
}

/// The stub type and member whose type uses `name`, if one does.
fn user_of(used: &[(String, String, String)], name: &str) -> Option<(String, String)> {
    used.iter()
        .find(|(n, _, _)| n == name)
        .map(|(_, ty, member)| (ty.clone(), member.clone()))
}

fn shadowed(name: &str, ty: &str, member: &str) -> String {
    format!(
        "an item named `{name}` would change the type of `{member}` in the stub's `{ty}` \
         (its tokens would stay and mean the learner's type); graded code keeps the stub's \
         types as the stub declares them"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = "use std::time::Duration;\n\
        /// A dish.\n\
        #[derive(Debug, Clone, PartialEq, Eq)]\n\
        pub struct Unserved {\n    /// The dishes.\n    pub dishes: Vec<u32>,\n}\n\
        #[derive(Debug, PartialEq)]\n\
        pub enum Offer {\n    Accepted,\n    Full(u32),\n    Late { by: Duration },\n}\n\
        pub fn offer() -> Offer { todo!() }\n";

    fn refusal(source: &str) -> Option<String> {
        changed_type(STUB, source).map(|(_, why)| why)
    }

    #[test]
    fn the_stub_itself_and_honest_edits_pass() {
        assert_eq!(refusal(STUB), None);
        // Doc comments reworded, derives added, bodies written: fine.
        let honest = STUB
            .replace("/// The dishes.", "/// Mine now.")
            .replace(
                "#[derive(Debug, PartialEq)]",
                "#[derive(Debug, PartialEq, Clone)]",
            )
            .replace("todo!()", "Offer::Accepted")
            + "struct Helper { n: u32 }\ntype Plates = Vec<u64>;\n";
        // `Plates` is not a name the stub's fields use; `Helper` neither.
        assert_eq!(refusal(&honest), None);
    }

    #[test]
    fn a_retyped_field_is_refused_by_name() {
        let attack = STUB.replace("pub dishes: Vec<u32>", "pub dishes: Fake")
            + "#[derive(Debug, Clone)] pub struct Fake;\n\
               impl PartialEq for Fake { fn eq(&self, _: &Self) -> bool { true } }\n";
        let why = refusal(&attack).expect("refused");
        assert!(
            why.contains("`dishes`") && why.contains("`Unserved`"),
            "{why}"
        );
        let variant = STUB.replace("Full(u32)", "Full(Fake)");
        let why = refusal(&variant).expect("refused");
        assert!(
            why.contains("variant `Full`") && why.contains("`Offer`"),
            "{why}"
        );
    }

    #[test]
    fn added_fields_generics_and_kinds_are_refused() {
        for attack in [
            STUB.replace("pub dishes: Vec<u32>,", "pub dishes: Vec<u32>, pub x: u8,"),
            STUB.replace(
                "pub struct Unserved {",
                "pub struct Unserved<T = Vec<u32>> {",
            ),
            STUB.replace("pub enum Offer {", "pub struct Offer {"),
            STUB.replace(
                "pub struct Unserved {\n    /// The dishes.\n    pub dishes: Vec<u32>,\n}",
                "pub type Unserved = Fake;",
            ),
        ] {
            assert!(refusal(&attack).is_some(), "{attack}");
        }
    }

    /// Every `.rs` file below `dir`, as one text.
    fn sources(dir: &std::path::Path) -> String {
        let mut files = checker::util::files::walk_all(dir);
        files.sort();
        files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .map(|p| std::fs::read_to_string(p).unwrap() + "\n")
            .collect()
    }

    #[test]
    fn the_courses_solutions_and_honest_fixtures_are_never_refused() {
        let root = &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut checked = 0;
        for e in checker::model::course::EXERCISES {
            let stub = sources(&root.join("stubs").join(e.dir).join("src"));
            let mut honest = vec![root.join("../solutions").join(e.dir).join("src")];
            let fixtures = root.join("tests/fixtures").join(e.dir);
            for entry in std::fs::read_dir(&fixtures).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("alt-") || name.starts_with("mistake-") {
                    honest.push(entry.path().join("src"));
                }
            }
            for dir in honest {
                let mut files = checker::util::files::walk_all(&dir);
                files.retain(|p| p.extension().is_some_and(|x| x == "rs"));
                for file in files {
                    let text = std::fs::read_to_string(&file).unwrap();
                    assert_eq!(
                        changed_type(&stub, &text),
                        None,
                        "{} is honest code",
                        file.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} files checked");
    }

    #[test]
    fn a_name_the_fields_use_may_not_be_redeclared() {
        for extra in [
            "mod m { pub struct Vec<T>(T); }",
            "#[allow(non_camel_case_types)] struct u32;",
            "type Duration = Fake;",
            "use std::collections::VecDeque as Vec;",
            "macro_rules! mk { ($n:ident) => { struct $n; } }",
        ] {
            let why = refusal(&format!("{STUB}\n{extra}\n"))
                .unwrap_or_else(|| panic!("{extra} not refused"));
            assert!(why.contains("stub"), "{why}");
        }
        // The same names used, not declared, are fine; so is a cast.
        assert_eq!(
            refusal(&format!(
                "{STUB}\nfn f(v: Vec<u32>, d: Duration) -> u32 {{ v.len() as u32 }}\n\
                 use std::time::Duration as Span;\n"
            )),
            None
        );
    }
}
