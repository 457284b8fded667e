//! The checker's layers, as `src/lib.rs` draws them, hold in the code:
//! every `crate::` path in a layer's folder points at the same layer or one
//! below, and no two modules use each other, directly or in a circle. (The
//! instructor's commands sit above all of them in a crate of their own,
//! `checker/instructor`: cargo keeps the library from using it.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each layer folder with its height: a layer may use lower heights only,
/// and its own.
const LAYERS: &[(&str, u32)] = &[
    ("util", 0),
    ("model", 1),
    ("report", 2),
    ("build", 3),
    ("run", 4),
    ("learner", 5),
    ("cli", 6),
];

fn height(layer: &str) -> Option<u32> {
    LAYERS.iter().find(|(l, _)| *l == layer).map(|(_, h)| *h)
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `run/engine.rs` → ("run", "run::engine"); `cli.rs` → ("cli", "cli");
/// a `mod.rs` is its folder. Files below a module's own folder
/// (`run/sandbox/linux.rs`) belong to that module.
fn module_of(file: &Path) -> (String, String) {
    let rel = file.strip_prefix(src()).unwrap();
    let parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let layer = parts[0].clone();
    let module = match parts.get(1) {
        Some(m) if m != "mod" => format!("{layer}::{m}"),
        _ => layer.clone(),
    };
    (layer, module)
}

/// Every `crate::a::b` the code names (comments left out), as `a::b`.
fn uses(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let path: Vec<&str> = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or("")
                .split("::")
                .filter(|s| !s.is_empty())
                .take(2)
                .collect();
            match path.as_slice() {
                [layer] => out.insert(layer.to_string()),
                [layer, m] if m.chars().next().is_some_and(|c| c.is_lowercase()) => {
                    out.insert(format!("{layer}::{m}"))
                }
                [layer, ..] => out.insert(layer.to_string()),
                [] => false,
            };
        }
    }
    out
}

fn graph() -> BTreeMap<String, (String, BTreeSet<String>)> {
    let mut files = Vec::new();
    rs_files(&src(), &mut files);
    let mut g: BTreeMap<String, (String, BTreeSet<String>)> = BTreeMap::new();
    for f in files {
        let (layer, module) = module_of(&f);
        if layer == "lib" || layer == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let entry = g.entry(module.clone()).or_insert((layer, BTreeSet::new()));
        for u in uses(&text) {
            if u != module {
                entry.1.insert(u);
            }
        }
    }
    g
}

#[test]
fn every_layer_uses_only_layers_below_it() {
    let mut wrong = Vec::new();
    for (module, (layer, used)) in graph() {
        let own = height(&layer).unwrap_or_else(|| panic!("{layer}/ is not a layer in LAYERS"));
        for u in used {
            let target = u.split("::").next().unwrap();
            let Some(h) = height(target) else {
                wrong.push(format!("{module} uses crate::{u}, which is in no layer"));
                continue;
            };
            if target != layer && h >= own {
                wrong.push(format!("{module} ({layer}) uses crate::{u} ({target})"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_modules_use_each_other() {
    let g = graph();
    // Depth-first search for a path back to the start, from every module.
    let mut circles = Vec::new();
    for start in g.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((m, path)) = stack.pop() {
            let Some((_, used)) = g.get(&m) else { continue };
            for u in used {
                if u == start {
                    circles.push(format!("{} → {start}", path.join(" → ")));
                } else if seen.insert(u.clone()) {
                    let mut p = path.clone();
                    p.push(u.clone());
                    stack.push((u.clone(), p));
                }
            }
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

/// The rules above must be able to fail: a made-up upward import and a
/// made-up circle are found.
#[test]
fn the_rules_catch_what_they_forbid() {
    let u = uses(
        "use crate::learner::learn::check; // crate::cli\nfn f() { crate::run::engine::run() }",
    );
    assert_eq!(
        u,
        BTreeSet::from(["learner::learn".to_string(), "run::engine".to_string()])
    );
    assert!(height("learner").unwrap() > height("run").unwrap());
    assert_eq!(height("instructor"), None);
}
