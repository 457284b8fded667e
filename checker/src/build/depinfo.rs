//! Screening after the build: which files did the compiler actually read?
//!
//! The token pre-screen (`screen`) is a guess from the source; rustc's
//! dep-info (the `.d` files it writes next to every crate it compiles) is
//! the record. Every file the learner's library read must lie inside its
//! own staged `src/`; every file its test harness read must be the
//! checker's own (hidden tests, harness) or that same `src/`. The build of
//! a graded exercise whose record is missing or names anything else is
//! rejected, and its compiler messages (which may quote what was read) are
//! dropped with it: screening fails closed.

use crate::build::compile::BuildOutcome;
use crate::build::shadow::Target;
use crate::model::course::Paths;
use crate::model::results::CompileError;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// One dep-info file: the files a compilation read, and the environment
/// variables it looked at (`env!`, `option_env!`).
#[derive(Debug, Default, PartialEq)]
pub struct DepInfo {
    pub files: Vec<PathBuf>,
    pub env: Vec<String>,
}

/// Parses a Makefile-style dep-info file. Relative paths are taken from
/// `base` (rustc's working directory). Every rule's prerequisites count, so
/// a file named in any rule is a file that was read.
pub fn parse(text: &str, base: &Path) -> DepInfo {
    let mut out = DepInfo::default();
    for line in text.lines() {
        if let Some(env) = line.strip_prefix("# env-dep:") {
            let name = env.split('=').next().unwrap_or(env);
            out.env.push(name.to_string());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let Some(colon) = rule_colon(line) else {
            continue;
        };
        for word in split_words(&line[colon + 1..]) {
            let p = PathBuf::from(&word);
            let p = if p.is_absolute() { p } else { base.join(p) };
            let p = normalize(&p);
            if !out.files.contains(&p) {
                out.files.push(p);
            }
        }
    }
    out
}

/// The colon that ends a rule's target: the first `: ` (or a final `:`)
/// not escaped with a backslash. Windows drive letters (`C:\`) are not
/// followed by a space.
fn rule_colon(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b':' if bytes.get(i + 1).is_none_or(|b| *b == b' ') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits prerequisites on unescaped spaces; `\ ` is a space in a name.
fn split_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&' ') => {
                cur.push(' ');
                chars.next();
            }
            ' ' | '\t' => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Removes `.` and resolves `..` without touching the file system, so
/// `src/../../x` cannot pass as being inside `src/`.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// Whether `file` lies below one of `roots` (after normalizing both; and,
/// for files that exist, after resolving links as well).
pub fn inside(file: &Path, roots: &[PathBuf]) -> bool {
    let lexical = normalize(file);
    let real = std::fs::canonicalize(file).ok();
    roots.iter().any(|r| {
        let r = normalize(r);
        let real_root = std::fs::canonicalize(&r).unwrap_or_else(|_| r.clone());
        lexical.starts_with(&r) && real.as_ref().is_none_or(|x| x.starts_with(&real_root))
    })
}

/// Environment variables a library may read at compile time: the ones
/// cargo sets for the crate itself, and the ones the course's own test
/// tools read in their macros that the checker removes from every build
/// (see [`INERT`]). Anything else is the grader's.
pub fn env_allowed(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || matches!(
            name,
            "CARGO_CRATE_NAME" | "CARGO_MANIFEST_DIR" | "CARGO_MANIFEST_PATH"
        )
        || INERT.contains(&name)
}

/// Read at compile time by a macro of the course's test tools, so an
/// honest exercise 09 (whose tests use `insta::assert_snapshot!`) reads
/// it: insta looks for `INSTA_WORKSPACE_ROOT` with `option_env!`. The
/// checker removes it from the build's environment (`compile::SCRUBBED_ENV`),
/// so the compiler always sees it unset and it carries nothing of the
/// grader's.
pub const INERT: &[&str] = &["INSTA_WORKSPACE_ROOT"];

/// The first file of `info` outside `roots`, or the first environment
/// variable outside [`env_allowed`]: the reason to reject.
pub fn violation(info: &DepInfo, roots: &[PathBuf]) -> Option<String> {
    if let Some(f) = info.files.iter().find(|f| !inside(f, roots)) {
        return Some(format!(
            "the compiler read {}, a file outside the exercise",
            f.display()
        ));
    }
    info.env
        .iter()
        .find(|e| !env_allowed(e))
        .map(|e| format!("the code reads the grader's environment variable {e} at compile time"))
}

/// The dep-info rustc writes beside a library artefact
/// (`deps/libname-HASH.rlib` → `deps/name-HASH.d`).
pub fn of_artifact(artifact: &Path) -> Option<PathBuf> {
    let stem = artifact.file_stem()?.to_str()?;
    let stem = stem.strip_prefix("lib").unwrap_or(stem);
    Some(artifact.with_file_name(format!("{stem}.d")))
}

/// The newest dep-info file of crate `name` in `deps`.
fn newest(deps: &Path, name: &str) -> Option<PathBuf> {
    dep_files(deps, name)
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max()
        .map(|(_, p)| p)
}

/// The dep-info files of crate `name` in `deps` (`name-HASH.d`).
fn dep_files(deps: &Path, name: &str) -> impl Iterator<Item = PathBuf> {
    let prefix = format!("{name}-");
    std::fs::read_dir(deps)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(move |p| {
            p.extension().is_some_and(|x| x == "d")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix))
        })
}

/// A dep-info file in `deps` written since `since` whose crate root is
/// `root`: the record of a library that failed to build (cargo reports no
/// artefact then, but rustc still writes its dep-info once it has expanded
/// the crate).
pub fn fresh_for_root(deps: &Path, lib: &str, root: &Path, since: SystemTime) -> Option<PathBuf> {
    let root = normalize(root);
    dep_files(deps, lib)
        .filter(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .is_ok_and(|m| m >= since)
        })
        .find(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let first = text.lines().next().unwrap_or("");
            rule_colon(first)
                .and_then(|c| split_words(&first[c + 1..]).into_iter().next())
                .is_some_and(|w| normalize(Path::new(&w)) == root)
        })
}

/// Decides whether the build of graded target `t` may be used: `None` when
/// every file its library and harness read is accounted for, else why it
/// is rejected. Fails closed: a missing record is a rejection, except for
/// a library that failed before rustc expanded it (then the compiler read
/// nothing but the crate root, and its diagnostics are checked instead).
pub fn screen(paths: &Paths, t: &Target, built: &BuildOutcome) -> Option<CompileError> {
    let reject = |why: String| {
        Some(CompileError {
            first: format!(
                "rejected: {why}. Graded code may only use files inside its own exercise's \
                 src/ folder."
            ),
            location: None,
            error_count: 1,
        })
    };
    let key = t.harness_package();
    let rec = &built.screening;
    let work = std::path::absolute(paths.work()).unwrap_or_else(|_| paths.work());
    let ws = work.join("ws");
    let src = normalize(
        &work
            .join("staged")
            .join(&t.slot)
            .join(t.exercise.dir)
            .join("src"),
    );
    let lib_roots = vec![src.clone()];
    let harness_roots = vec![
        src.clone(),
        normalize(&std::path::absolute(paths.hidden(t.exercise)).unwrap_or_default()),
        normalize(&std::path::absolute(paths.checker().join("harness")).unwrap_or_default()),
        ws.join(&t.slot).join(t.exercise.dir).join("harness"),
    ];
    let shown = |why: String| paths.relativize(&why);

    // The library: the record beside its artefact, or the fresh record of
    // a failed build.
    let record = match rec.lib_artifacts.get(&key) {
        Some(artifact) => match of_artifact(artifact) {
            Some(d) => Some(d),
            None => {
                return reject("the grader found no record of the files the compiler read".into());
            }
        },
        None => fresh_for_root(
            &work.join("build").join("debug").join("deps"),
            t.exercise.lib,
            &src.join("lib.rs"),
            rec.started,
        ),
    };
    match record.map(|d| std::fs::read_to_string(&d)) {
        Some(Ok(text)) => {
            if let Some(why) = violation(&parse(&text, &ws), &lib_roots) {
                return reject(shown(why));
            }
        }
        Some(Err(_)) => {
            return reject("the grader found no record of the files the compiler read".into());
        }
        // Failed before expansion: only the diagnostics below tell.
        None => {}
    }

    // The harness: rustc's record of the harness crate itself (cargo's
    // own summary beside the binary is not written when any crate of the
    // batch fails). Its name is unique to the slot, so the newest is it.
    if built.binaries.contains_key(&key) {
        let deps = work.join("build").join("debug").join("deps");
        match newest(&deps, &key.replace('-', "_")).map(std::fs::read_to_string) {
            Some(Ok(text)) => {
                if let Some(why) = violation(&parse(&text, &ws), &harness_roots) {
                    return reject(shown(why));
                }
            }
            _ => {
                return reject("the grader found no record of the files the compiler read".into());
            }
        }
    }

    // Diagnostics quote the files they point into: only the code's own,
    // the checker's, and the public sources of the toolchain and crates.
    let mut allowed = harness_roots;
    allowed.extend(public_sources().iter().cloned());
    let outside = rec.span_files.get(&key).into_iter().flatten().find(|f| {
        let name = f.to_string_lossy();
        let synthetic = name.starts_with('<');
        let f = if f.is_absolute() {
            f.to_path_buf()
        } else {
            ws.join(f)
        };
        !synthetic && !inside(&f, &allowed)
    });
    if let Some(f) = outside {
        return reject(shown(format!(
            "the compiler quoted {}, a file outside the exercise",
            f.display()
        )));
    }
    None
}

/// Folders whose files any Rust user can read: the toolchain's sources and
/// the crates in cargo's registry. Diagnostics may quote them (a bound on
/// `tokio::spawn`, say).
fn public_sources() -> &'static [PathBuf] {
    static ROOTS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();
    ROOTS.get_or_init(|| {
        let mut roots = vec![PathBuf::from("/rustc")];
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::home_dir().map(|h| h.join(".cargo")));
        if let Some(home) = cargo_home {
            roots.push(home.join("registry").join("src"));
            roots.push(home.join("git").join("checkouts"));
        }
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        if let Ok(out) = std::process::Command::new(rustc)
            .args(["--print", "sysroot"])
            .output()
        {
            let sysroot = String::from_utf8_lossy(&out.stdout).trim().to_string();
            if !sysroot.is_empty() {
                roots.push(
                    PathBuf::from(sysroot)
                        .join("lib")
                        .join("rustlib")
                        .join("src"),
                );
            }
        }
        roots
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_variables_are_removed_from_every_build() {
        for name in INERT {
            assert!(
                crate::build::compile::SCRUBBED_ENV.contains(name),
                "{name} is allowed at compile time, so the build must never see it"
            );
        }
        assert!(env_allowed("INSTA_WORKSPACE_ROOT"));
        assert!(!env_allowed("GITHUB_TOKEN"));
    }

    #[test]
    fn reads_every_rule_escapes_and_env_deps() {
        let text = "/t/deps/a-1.d: /s/src/lib.rs /s/src/../../x\\ y.rs\n\n\
                    /t/deps/liba-1.rmeta: /s/src/lib.rs rel/m.rs\n\n\
                    /s/src/lib.rs:\n\n# env-dep:HOME=/root\n# env-dep:CARGO_PKG_NAME=a\n";
        let d = parse(text, Path::new("/ws"));
        assert_eq!(
            d.files,
            vec![
                PathBuf::from("/s/src/lib.rs"),
                PathBuf::from("/x y.rs"),
                PathBuf::from("/ws/rel/m.rs")
            ]
        );
        assert_eq!(d.env, vec!["HOME", "CARGO_PKG_NAME"]);
    }

    #[test]
    fn a_file_outside_or_a_foreign_variable_is_a_violation() {
        let roots = vec![PathBuf::from("/s/src")];
        let ok = DepInfo {
            files: vec![PathBuf::from("/s/src/a/b.rs")],
            env: vec!["CARGO_PKG_NAME".into()],
        };
        assert_eq!(violation(&ok, &roots), None);
        let up = DepInfo {
            files: vec![PathBuf::from("/s/src/../../etc/passwd")],
            env: vec![],
        };
        assert!(violation(&up, &roots).unwrap().contains("/etc/passwd"));
        let sibling = DepInfo {
            files: vec![PathBuf::from("/s/src2/lib.rs")],
            env: vec![],
        };
        assert!(
            violation(&sibling, &roots).is_some(),
            "a prefix is not a parent"
        );
        let env = DepInfo {
            files: vec![],
            env: vec!["CI_JOB_TOKEN".into()],
        };
        assert!(violation(&env, &roots).unwrap().contains("CI_JOB_TOKEN"));
    }

    #[test]
    fn artefact_names_map_to_their_dep_info() {
        assert_eq!(
            of_artifact(Path::new("/b/deps/libbounded_send-ab12.rlib")),
            Some(PathBuf::from("/b/deps/bounded_send-ab12.d"))
        );
    }
}
