//! A class graded on several machines: `grade --partition K/N` on each,
//! `merge` of their JSON reports, and every format written from the merge
//! compared with the same formats from one batch, timings aside. Also the
//! per-student files a batch writes to a folder, read as their student
//! would.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Four students on exercise 01: solved, a deadlock, a build error, a
/// panic. Their names sort in the order given.
fn class(root: &Path) -> Vec<PathBuf> {
    let fixtures = course().join("checker/tests/fixtures/01-bounded-send");
    [
        ("ann", course().join("solutions/01-bounded-send")),
        ("bo", fixtures.join("mistake-kept-sender")),
        ("cy", fixtures.join("syntax-error")),
        ("dee", fixtures.join("mistake-unwrap-send")),
    ]
    .into_iter()
    .map(|(name, src)| {
        let sub = root.join(name);
        copy_dir(&src.join("src"), &sub.join("exercises/01-bounded-send/src"));
        sub
    })
    .collect()
}

fn checker(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_checker"))
        .args(args)
        .output()
        .unwrap()
}

/// The reports every run writes, under `dir`.
fn report_args(dir: &Path) -> Vec<String> {
    [
        "json=one.json",
        "csv=one.csv",
        "junit=one.xml",
        "html=class/",
        "gradescope=gs/",
        "human=hu/",
    ]
    .iter()
    .flat_map(|r| {
        let (format, file) = r.split_once('=').unwrap();
        [
            "--report".to_string(),
            format!("{format}={}/{file}", dir.display()),
        ]
    })
    .collect()
}

/// A JSON report without what depends on the clock or the command line.
fn untimed_json(text: &str) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for key in ["seconds", "wall_ms", "busy_ms", "execution_time"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    let meta = v["meta"].as_object_mut().unwrap();
    for key in ["graded_at", "command", "jobs", "shards"] {
        meta.remove(key);
    }
    strip(&mut v);
    v
}

/// `time="1.234"` → `time="…"`.
fn untimed_xml(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("time=\"") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        rest = &rest[rest.find('"').unwrap()..];
        out.push('…');
    }
    out + rest
}

/// The human report without its last line (the batch's time and rate).
fn untimed_human(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len() - 1].join("\n")
}

/// The class report from its grid to its students: everything but how
/// and when it was graded.
fn class_body(html: &str) -> &str {
    let from = html.find("<section id=\"overview\">").unwrap();
    let to = html.find("<section id=\"about\">").unwrap();
    &html[from..to]
}

/// A student's page without its first line (when it was graded).
fn without_lead(html: &str) -> String {
    html.lines()
        .filter(|l| !l.starts_with("<p class=\"lead dim\">"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The same four reports, and the per-student folders, from a batch and
/// from a merge.
fn assert_same(one: &Path, merged: &Path) {
    assert_eq!(
        untimed_json(&read(one.join("one.json"))),
        untimed_json(&read(merged.join("one.json")))
    );
    assert_eq!(read(one.join("one.csv")), read(merged.join("one.csv")));
    assert_eq!(
        untimed_xml(&read(one.join("one.xml"))),
        untimed_xml(&read(merged.join("one.xml")))
    );
    for dir in ["class", "gs", "hu"] {
        assert_eq!(files(&one.join(dir)), files(&merged.join(dir)), "{dir}");
        for f in files(&one.join(dir)) {
            let (a, b) = (
                read(one.join(dir).join(&f)),
                read(merged.join(dir).join(&f)),
            );
            match dir {
                "class" if f == "index.html" => assert_eq!(class_body(&a), class_body(&b)),
                "class" => assert_eq!(without_lead(&a), without_lead(&b), "{f}"),
                "gs" => assert_eq!(untimed_json_plain(&a), untimed_json_plain(&b), "{f}"),
                _ => assert_eq!(untimed_human(&a), untimed_human(&b), "{f}"),
            }
        }
    }
}

fn untimed_json_plain(text: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
    v.as_object_mut().unwrap().remove("execution_time");
    v
}

#[test]
fn a_class_graded_in_shards_merges_into_the_report_of_one_batch() {
    let root = std::env::temp_dir().join(format!("course-shards-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let subs = class(&root.join("subs"));
    let sub_args: Vec<String> = subs.iter().map(|p| p.display().to_string()).collect();
    let names = ["ann", "bo", "cy", "dee"];

    // One batch.
    let one = root.join("one");
    std::fs::create_dir_all(&one).unwrap();
    // One seed for the class, however it is split: the varied inputs, and
    // so every message, are then the same (see `harness::vary`).
    let mut args = vec![
        "grade".to_string(),
        "--exercise".into(),
        "01".into(),
        "--seed".into(),
        "7".into(),
    ];
    args.extend(sub_args.iter().cloned());
    args.extend(report_args(&one));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = checker(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Three shards, each a `grade --partition K/3`, then `merge`.
    let n = 3;
    let mut shard_files = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for k in 1..=n {
        let file = root.join(format!("shard-{k}.json"));
        let partition = format!("{k}/{n}");
        let mut args = vec![
            "grade".to_string(),
            "--exercise".into(),
            "01".into(),
            "--partition".into(),
            partition,
            "--seed".into(),
            "7".into(),
            "--report".into(),
            format!("json={}", file.display()),
        ];
        args.extend(sub_args.iter().cloned());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = checker(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_str(&read(file.clone())).unwrap();
        for s in doc["submissions"].as_array().unwrap() {
            seen.push(s["name"].as_str().unwrap().to_string());
        }
        assert!(
            doc["meta"]["command"]
                .as_str()
                .unwrap()
                .contains(&format!("--partition {k}/{n}")),
            "{}",
            doc["meta"]
        );
        shard_files.push(file.display().to_string());
    }
    seen.sort();
    assert_eq!(seen, names, "every submission in exactly one shard");

    let merged = root.join("merged");
    std::fs::create_dir_all(&merged).unwrap();
    let mut args = vec!["merge".to_string()];
    args.extend(shard_files.iter().cloned());
    args.extend(report_args(&merged));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = checker(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_same(&one, &merged);
    let meta: serde_json::Value = serde_json::from_str(&read(merged.join("one.json"))).unwrap();
    assert_eq!(meta["meta"]["shards"].as_array().unwrap().len(), n);
    assert_eq!(meta["meta"]["seed"], 7, "the shards' common seed");
    assert!(
        meta["meta"]["command"]
            .as_str()
            .unwrap()
            .starts_with("checker merge <3 shard report(s)> --report"),
        "{}",
        meta["meta"]
    );

    // Each student's own files, read as that student: their name and
    // nobody else's.
    for (i, name) in names.iter().enumerate() {
        let human = read(one.join(format!("hu/{name}.txt")));
        let page = read(one.join(format!("class/{name}.html")));
        let gradescope = read(one.join(format!("gs/{name}.json")));
        assert!(human.contains(name) && page.contains(name), "{name}");
        let scored: serde_json::Value = serde_json::from_str(&gradescope).unwrap();
        let single: serde_json::Value = serde_json::from_str(&read(one.join("one.json"))).unwrap();
        assert_eq!(
            scored["score"], single["submissions"][i]["earned"],
            "{name}"
        );
        for other in names.iter().filter(|o| *o != name) {
            for (kind, text) in [
                ("human", &human),
                ("page", &page),
                ("gradescope", &gradescope),
            ] {
                let words: BTreeSet<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
                assert!(!words.contains(other), "{name}'s {kind} file names {other}");
            }
        }
    }

    // What merge refuses: a shard given twice, shards of another grader.
    let full = shard_files
        .iter()
        .find(|f| {
            let d: serde_json::Value = serde_json::from_str(&read(PathBuf::from(f))).unwrap();
            !d["submissions"].as_array().unwrap().is_empty()
        })
        .unwrap();
    let twice = checker(&["merge", full, full]);
    let err = String::from_utf8_lossy(&twice.stderr);
    assert!(
        !twice.status.success() && err.contains("graded in two shards"),
        "{err}"
    );
    let other = root.join("other.json");
    let text = read(PathBuf::from(&shard_files[1]));
    std::fs::write(
        &other,
        text.replacen("\"checker_version\":\"", "\"checker_version\":\"9.9.9-", 1),
    )
    .unwrap();
    let mixed = checker(&["merge", &shard_files[0], other.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&mixed.stderr);
    assert!(
        !mixed.status.success() && err.contains("checker_version"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
