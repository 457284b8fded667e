//! Known soundness holes of stable Rust that let safe code break memory
//! safety, and the token patterns screening refuses for them. Safe code
//! with arbitrary memory access can read the harness's nonce and forge a
//! result (issue 19: `cve-rs` took 82/82 from untouched stubs), so no
//! exercise may need these shapes.
//!
//! Maintained list: each entry names the rust-lang/rust issue, so it can be
//! dropped once the compiler fixes it, and every pattern has tests with
//! the public exploit's spellings. Screening reads tokens, not types: the
//! patterns over-approximate (honest code in this course never needs
//! them), and what they cannot decide goes to the review list.

use crate::review::Tok;

/// The holes screened for: (rust-lang/rust issue, what it is).
pub const HOLES: &[(u32, &str)] = &[(
    25860,
    "implied bounds from nested references: a function taking \
     `&'a &'b ()` may assume `'b: 'a`, and coercing it to a function \
     pointer or a higher-ranked closure forgets the bound (cve-rs)",
)];

/// How far a reference's type is read; longer types are refused unread.
const TYPE_BUDGET: usize = 256;

/// Why `toks[i]` starts a shape of a known soundness hole, if it does.
/// Called for every token position (`review::walk`).
pub fn hole_at(toks: &[Tok], i: usize) -> Option<String> {
    let hole = |what: &str| Some(format!("{what} (rust-lang/rust#{})", HOLES[0].0));
    // `'b: 'a`: an explicit bound between two lifetimes, the implied
    // bound of #25860 written out (on a struct, a trait, a fn).
    if lifetime_at(toks, i)
        && toks.get(i + 2).is_some_and(|t| t.is_punct(':'))
        && !toks.get(i + 3).is_some_and(|t| t.is_punct(':'))
        && lifetime_at(toks, i + 3)
    {
        return hole("a bound between two lifetimes");
    }
    if !toks[i].is_punct('&') {
        return None;
    }
    // `&'a T` (or `&$l T` from a macro) whose `T` names a lifetime of its
    // own: `&'a &'b ()`, `&'a Alias<'b>`, `&'a (dyn Tr + 'b)`.
    let named = lifetime_at(toks, i + 1);
    let from_macro = toks.get(i + 1).is_some_and(|t| t.is_punct('$'));
    if !named && !from_macro {
        return None;
    }
    let mut j = i + 3;
    if toks.get(j).and_then(Tok::ident) == Some("mut") {
        j += 1;
    }
    match type_names_lifetime(toks, j) {
        Some(false) => None,
        Some(true) if from_macro => hole("a reference whose lifetimes a macro chooses"),
        Some(true) => hole("a reference with a lifetime to a type with another lifetime"),
        None => hole("a reference type too long to check"),
    }
}

/// Whether a lifetime (`'x`) or a macro variable (`$x`, which could be
/// one) starts at `toks[i]`.
fn lifetime_at(toks: &[Tok], i: usize) -> bool {
    toks.get(i)
        .is_some_and(|t| t.is_punct('\'') || t.is_punct('$'))
        && toks.get(i + 1).and_then(Tok::ident).is_some()
}

/// Whether the type starting at `toks[j]` names a lifetime or a macro
/// variable; `None` when it is longer than [`TYPE_BUDGET`] tokens.
fn type_names_lifetime(toks: &[Tok], j: usize) -> Option<bool> {
    let mut budget = TYPE_BUDGET;
    let mut angle = 0usize;
    for k in j..toks.len() {
        budget = budget.checked_sub(1)?;
        let t = &toks[k];
        if lifetime_at(toks, k) {
            return Some(true);
        }
        match t {
            Tok::Punct('<', _) => angle += 1,
            Tok::Punct('>', _) if angle == 0 => return Some(false),
            Tok::Punct('>', _) => {
                angle -= 1;
                // `&'a Foo<u8>` ends at its last `>`; a path may go on.
                if angle == 0 && !toks.get(k + 1).is_some_and(|n| n.is_punct(':')) {
                    return Some(false);
                }
            }
            Tok::Punct(',' | ';' | '=', _) if angle == 0 => return Some(false),
            Tok::Group(d, inner, _) => {
                if group_names_lifetime(inner, &mut budget)? {
                    return Some(true);
                }
                // `&'a (..)`, `&'a [..]` end with their group; a `{` is a
                // body after the type.
                if angle == 0 || *d == '{' {
                    return Some(false);
                }
            }
            Tok::Ident(..) | Tok::Punct(..) | Tok::Lit(..) => {
                // A plain path ends where no `::` or `<` follows.
                let next = toks.get(k + 1);
                let goes_on = next.is_some_and(|n| n.is_punct(':') || n.is_punct('<'));
                if angle == 0
                    && t.ident().is_some()
                    && !goes_on
                    && !matches!(t.ident(), Some("dyn" | "impl" | "mut" | "const"))
                {
                    return Some(false);
                }
            }
        }
    }
    Some(false)
}

fn group_names_lifetime(toks: &[Tok], budget: &mut usize) -> Option<bool> {
    for (k, t) in toks.iter().enumerate() {
        *budget = budget.checked_sub(1)?;
        if lifetime_at(toks, k) {
            return Some(true);
        }
        if let Tok::Group(_, inner, _) = t
            && group_names_lifetime(inner, budget)?
        {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::{tokenize, walk};

    fn holes(src: &str) -> Vec<String> {
        let toks = tokenize(src).unwrap();
        let mut out = Vec::new();
        walk(&toks, &mut |t, i| out.extend(hole_at(t, i)));
        out
    }

    #[test]
    fn the_cve_rs_spellings_are_refused() {
        for src in [
            // cve-rs, as published.
            "const STATIC_UNIT: &&() = &&();\n\
             fn lifetime_translator<'a, 'b, T: ?Sized>(_val_a: &'a &'b (), val_b: &'b T) -> &'a T { val_b }",
            "fn f<'a, 'b, T>(_: &'a mut &'b mut (), v: &'b T) -> &'a T { v }",
            // Through a type alias, a struct, a trait.
            "type Unit<'b> = &'b ();\nfn f<'a, 'b, T>(_: &'a Unit<'b>, v: &'b T) -> &'a T { v }",
            "struct W<'a, 'b: 'a>(&'a (), &'b ());",
            "trait Tr<'a, 'b> { fn t(_: &'a &'b (), v: &'b u8) -> &'a u8; }",
            "fn f<'a, 'b>(x: &'a [&'b u8]) {}",
            "fn f<'a, 'b>(x: &'a (dyn Fn() + 'b)) {}",
            // A closure with the same signature.
            "let f = |_: &'static &'b (), v: &'b u8| -> &'static u8 { v };",
            // A macro that assembles the lifetimes.
            "macro_rules! m { ($a:lifetime, $b:lifetime) => { fn f<$a, $b>(_: &$a &$b ()) {} } }",
            "fn f<'a, 'b>() where 'b: 'a {}",
        ] {
            assert!(!holes(src).is_empty(), "{src}");
        }
    }

    #[test]
    fn ordinary_references_pass() {
        for src in [
            "fn f<'a>(x: &'a str, y: &'a mut Vec<u32>) -> &'a str { x }",
            "pub dish: &'static str,",
            "fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { Ok(()) }",
            "fn f(x: &'static [u8], y: &'static std::collections::HashMap<u8, u8>) {}",
            "fn f<'a, T: 'a>(x: &'a T) -> impl Fn() + 'a { move || {} }",
            "fn f<'a>(x: &'a Sender<u32>, y: &Receiver<u32>) {}",
            "match c { 'a' => 1, _ => 2 }",
        ] {
            assert!(holes(src).is_empty(), "{src}: {:?}", holes(src));
        }
    }
}
