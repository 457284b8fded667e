//! Compile-time attacks on `grade`, and the report formats checked
//! against what their consumers accept.
//!
//! One batch: honest controls first and last, and between them one
//! submission per compile-time route (reading files outside `src/`,
//! reading the grader's environment, `unsafe` the learner re-allows,
//! shadowing names the hidden tests use, code the screening cannot read).
//! Each hostile submission starts from the stub and must score 0; the
//! controls must score exactly their points; a secret the attacks try to
//! read must appear in no report. The same run writes JSON, JUnit and CSV
//! (`--report`), and each is checked against its format.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

const SECRET: &str = "SECRET-7f3a9c-DO-NOT-LEAK";

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn stub() -> String {
    std::fs::read_to_string(course().join("checker/stubs/01-bounded-send/src/lib.rs")).unwrap()
}

fn solution() -> String {
    std::fs::read_to_string(course().join("solutions/01-bounded-send/src/lib.rs")).unwrap()
}

/// A submission whose exercise 01 `src/` holds `files` (path, text).
fn make(root: &Path, name: &str, files: &[(&str, String)]) -> PathBuf {
    let sub = root.join(name);
    let src = sub.join("exercises/01-bounded-send/src");
    for (rel, text) in files {
        let p = src.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    sub
}

/// Runs `checker grade`, with the secret in the grader's environment and
/// a short limit on the compiler's processor time (honest crates here take
/// about a second).
fn run_grade(args: &[&str], subs: &[PathBuf]) -> String {
    support::grade_with(
        args,
        subs,
        &[
            ("CHECKER_TEST_SECRET", SECRET),
            ("CHECKER_BUILD_CPU_SECS", "10"),
        ],
    )
}

/// The hostile corpus: (name, files of src/, why it must earn nothing).
fn corpus(secret_file: &Path) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let sol = course().join("solutions/01-bounded-send/src/lib.rs");
    let sol = sol.display();
    let secret = secret_file.display();
    let with_stub = |extra: &str| format!("{}\n{extra}\n", stub());
    vec![
        // #[path] inside a data file staged from src/, naming the solution.
        (
            "path-in-data-file",
            vec![
                (
                    "lib.rs",
                    "#[path = \"inner.txt\"] mod inner;\npub use inner::*;\n".into(),
                ),
                ("inner.txt", format!("include!(\"{sol}\");\n")),
            ],
        ),
        // #[path] produced by macro_rules!.
        (
            "path-from-macro",
            vec![(
                "lib.rs",
                format!(
                    "macro_rules! p {{ ($x:literal) => {{ #[path = $x] mod m; pub use m::*; }} }}\np!(\"{sol}\");\n"
                ),
            )],
        ),
        // A first line the tokenizer rejects and rustc drops.
        (
            "shebang-first-line",
            vec![("lib.rs", format!("#!/bin/sh \"\ninclude!(\"{sol}\");\n"))],
        ),
        // The include macro under another name.
        (
            "renamed-include",
            vec![(
                "lib.rs",
                format!("use std::include as grab;\ngrab!(\"{sol}\");\n"),
            )],
        ),
        // A raw identifier.
        (
            "raw-include",
            vec![("lib.rs", format!("r#include!(\"{sol}\");\n"))],
        ),
        // The macro's name passed through a macro: only the compiler's
        // record (dep-info) shows what was read.
        (
            "include-via-macro-argument",
            vec![(
                "lib.rs",
                format!(
                    "macro_rules! call {{ ($m:ident) => {{ $m!(\"{sol}\"); }} }}\ncall!(include);\n"
                ),
            )],
        ),
        // A compile error whose message is another file's content.
        (
            "secret-in-compile-error",
            vec![(
                "lib.rs",
                with_stub(&format!(
                    "macro_rules! call {{ ($m:ident) => {{ compile_error!($m!(\"{secret}\")); }} }}\ncall!(include_str);"
                )),
            )],
        ),
        // The grader's environment, compiled in.
        (
            "environment-at-compile-time",
            vec![(
                "lib.rs",
                with_stub(
                    "macro_rules! call { ($m:ident) => { pub const LEAK: &str = $m!(\"CHECKER_TEST_SECRET\"); } }\ncall!(env);",
                ),
            )],
        ),
        // A loader constructor, with unsafe_code allowed by the learner.
        (
            "unsafe-constructor",
            vec![(
                "lib.rs",
                format!(
                    "#![allow(unsafe_code)]\n{}\n#[used]\n#[unsafe(link_section = \".init_array\")]\nstatic CTOR: extern \"C\" fn() = ctor;\nextern \"C\" fn ctor() {{}}\n",
                    stub()
                ),
            )],
        ),
        // An exported symbol and a foreign function, no `allow` needed.
        (
            "unsafe-extern",
            vec![(
                "lib.rs",
                with_stub(
                    "unsafe extern \"C\" { safe fn getpid() -> i32; }\n#[unsafe(no_mangle)]\npub extern \"C\" fn pid() -> i32 { getpid() }",
                ),
            )],
        ),
        // A `Vec` whose `==` always holds: `use bounded_send::*` in the
        // hidden tests would pick it over the real one.
        (
            "shadowed-vec",
            vec![(
                "lib.rs",
                with_stub(
                    "#[derive(Debug)] pub struct Vec<T>(std::vec::Vec<T>);\n\
                     impl<T> PartialEq for Vec<T> { fn eq(&self, _: &Self) -> bool { true } }",
                ),
            )],
        ),
        // A macro that doubles at every step: within the recursion limit,
        // yet the build would never end.
        (
            "endless-build",
            vec![(
                "lib.rs",
                with_stub(&format!(
                    "macro_rules! d {{ () => {{}}; (x $($t:tt)*) => {{ d!($($t)*); d!($($t)*); }} }}\nd!({});",
                    "x ".repeat(40)
                )),
            )],
        ),
        // rust-lang/rust#25860 as cve-rs packages it: arbitrary memory
        // access from safe code, and through an alias.
        (
            "cve-rs-lifetime-translator",
            vec![(
                "lib.rs",
                with_stub(
                    "const STATIC_UNIT: &&() = &&();\n\
                     fn lifetime_translator<'a, 'b, T: ?Sized>(_val_a: &'a &'b (), val_b: &'b T) -> &'a T { val_b }\n\
                     pub fn expand<'a, 'b, T: ?Sized>(x: &'a T) -> &'b T {\n\
                         let f: for<'x> fn(_, &'x T) -> &'b T = lifetime_translator;\n\
                         f(STATIC_UNIT, x)\n\
                     }",
                ),
            )],
        ),
        (
            "cve-rs-via-alias",
            vec![(
                "lib.rs",
                with_stub(
                    "type Unit<'b> = &'b ();\n\
                     fn translate<'a, 'b, T>(_: &'a Unit<'b>, v: &'b T) -> &'a T { v }\n\
                     pub fn expand<'a, 'b, T>(x: &'a T) -> &'b T {\n\
                         let f: fn(&'static Unit<'static>, &'a T) -> &'b T = translate;\n\
                         f(&&(), x)\n\
                     }",
                ),
            )],
        ),
        // Always-true equality on the stub's own types, in place of the
        // derive (+3 of 10 before it was refused).
        (
            "always-equal",
            vec![(
                "lib.rs",
                stub().replace(
                    "#[derive(Debug, Clone, PartialEq, Eq)]",
                    "#[derive(Debug, Clone)]",
                ) + "\nimpl PartialEq for Offer { fn eq(&self, _: &Self) -> bool { true } }\n\
                       impl Eq for Offer {}\n\
                       impl PartialEq for Unserved { fn eq(&self, _: &Self) -> bool { true } }\n\
                       impl Eq for Unserved {}\n",
            )],
        ),
        // The derive kept, but a field retyped to the learner's own type
        // whose `PartialEq` always holds (and whose `Debug` prints what a
        // test would expect): `==` on `Unserved` would compare nothing.
        (
            "always-equal-field",
            vec![(
                "lib.rs",
                stub().replace("pub dishes: Vec<u32>,", "pub dishes: Dishes,")
                    + "\n#[derive(Clone)] pub struct Dishes(pub Vec<u32>);\n\
                       impl PartialEq for Dishes { fn eq(&self, _: &Self) -> bool { true } }\n\
                       impl Eq for Dishes {}\n\
                       impl std::fmt::Debug for Dishes {\n\
                           fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(\"[1, 2, 3]\") }\n\
                       }\n\
                       impl FromIterator<u32> for Dishes {\n\
                           fn from_iter<I: IntoIterator<Item = u32>>(i: I) -> Self { Dishes(i.into_iter().collect()) }\n\
                       }\n",
            )],
        ),
        // The same on a variant of `Offer`, from a second file.
        (
            "always-equal-variant",
            vec![
                (
                    "lib.rs",
                    stub().replace("    Full(u32),", "    Full(fake::AnyDish),") + "\nmod fake;\n",
                ),
                (
                    "fake.rs",
                    "#[derive(Debug, Clone)] pub struct AnyDish;\n\
                     impl PartialEq for AnyDish { fn eq(&self, _: &Self) -> bool { true } }\n\
                     impl Eq for AnyDish {}\n"
                        .to_string(),
                ),
            ],
        ),
        // The definitions untouched, but `Vec` in them made to mean the
        // learner's type by a private item of that name.
        (
            "always-equal-shadowed-vec",
            vec![(
                "lib.rs",
                stub().replace(
                    "use tokio::sync::mpsc;",
                    "use tokio::sync::mpsc;\n\
                     #[derive(Debug, Clone)] struct Vec<T>(std::vec::Vec<T>);\n\
                     impl<T> PartialEq for Vec<T> { fn eq(&self, _: &Self) -> bool { true } }\n\
                     impl<T> Eq for Vec<T> {}\n",
                ),
            )],
        ),
        // A flood of data in src/.
        (
            "oversized-src",
            vec![("lib.rs", solution()), ("blob.txt", "x".repeat(9 << 20))],
        ),
        // Source the tokenizer cannot read.
        (
            "untokenizable",
            vec![("lib.rs", format!("{}\nfn broken() {{ \"\n", solution()))],
        ),
    ]
}

/// Checks `xml` against Jenkins' JUnit schema (`junit-10.xsd`) with
/// `xmllint`. The schema is not part of the course: `.ci/run` takes it
/// from the registry (the copy the pytest sdist ships for its own JUnit
/// tests) and names it in `CHECKER_JUNIT_XSD`. Without `xmllint` (Debian:
/// libxml2-utils) or the schema the check is skipped with a note, unless
/// `CHECKER_REQUIRE_XMLLINT` is set (the course's CI sets it).
fn validate_junit(xml: &str, dir: &Path) {
    let file = dir.join("report.xml");
    std::fs::write(&file, xml).unwrap();
    let required = std::env::var_os("CHECKER_REQUIRE_XMLLINT").is_some();
    let Some(xsd) = std::env::var_os("CHECKER_JUNIT_XSD").map(std::path::PathBuf::from) else {
        assert!(
            !required,
            "CHECKER_JUNIT_XSD must name Jenkins' JUnit schema here"
        );
        eprintln!("note: CHECKER_JUNIT_XSD not set; JUnit schema check skipped");
        return;
    };
    match Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(&file)
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "the JUnit report breaks Jenkins' schema:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => {
            assert!(!required, "xmllint is required here: {e}");
            eprintln!("note: xmllint not found ({e}); JUnit schema check skipped");
        }
    }
}

#[test]
fn compile_time_attacks_gain_nothing_and_reports_fit_their_formats() {
    let root = std::env::temp_dir().join(format!("course-hostile-compile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let secret_file = root.join("secret.txt");
    std::fs::write(&secret_file, SECRET).unwrap();

    let mut subs = vec![make(&root, "honest-first", &[("lib.rs", solution())])];
    let hostile = corpus(&secret_file);
    for (name, files) in &hostile {
        subs.push(make(&root, name, files));
    }
    // 1 MiB panics in every task: caps keep every report small.
    let huge = stub().replace(
        "todo!()",
        "panic!(\"{}\", \"the kitchen is on fire \".repeat(48 * 1024))",
    );
    subs.push(make(&root, "huge-panics", &[("lib.rs", huge)]));
    // A name a spreadsheet would run as a formula.
    subs.push(make(&root, "=1+2", &[("lib.rs", stub())]));
    subs.push(make(&root, "honest-last", &[("lib.rs", solution())]));

    let junit = root.join("report.xml");
    let csv = root.join("grades.csv");
    let json = run_grade(
        &[
            "--exercise",
            "01",
            "--format",
            "json",
            "--report",
            &format!("junit={}", junit.display()),
            "--report",
            &format!("csv={}", csv.display()),
        ],
        &subs,
    );
    let junit = std::fs::read_to_string(&junit).unwrap();
    let csv = std::fs::read_to_string(&csv).unwrap();

    // Scores: controls exact, every attack 0, in the one run that wrote
    // every report.
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let graded = doc["submissions"].as_array().unwrap();
    assert_eq!(graded.len(), subs.len());
    for g in graded {
        let name = g["name"].as_str().unwrap();
        let earned = g["earned"].as_u64().unwrap();
        let want = if name.starts_with("honest") { 10 } else { 0 };
        assert_eq!(earned, want, "{name}: {}", g["exercises"][0]);
    }
    for (name, _) in &hostile {
        let g = graded.iter().find(|g| g["name"] == *name).unwrap();
        let status = g["exercises"][0]["tasks"][0]["status"].as_str().unwrap();
        assert!(
            matches!(status, "rejected" | "compile_error"),
            "{name} was built and run: {status}"
        );
    }
    let status_of = |name: &str| {
        graded.iter().find(|g| g["name"] == name).unwrap()["exercises"][0]["tasks"][0]["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // The route the token screening cannot see is caught by dep-info.
    assert_eq!(status_of("include-via-macro-argument"), "rejected");
    assert_eq!(status_of("secret-in-compile-error"), "rejected");
    assert_eq!(status_of("environment-at-compile-time"), "rejected");
    assert_eq!(status_of("cve-rs-lifetime-translator"), "rejected");
    assert_eq!(status_of("cve-rs-via-alias"), "rejected");
    assert_eq!(status_of("always-equal"), "rejected");
    // A stub type's fields keep their types, whatever the learner's type
    // would compare or print as; the reason names the type and the field.
    for (name, needles) in [
        ("always-equal-field", ["`dishes`", "`Unserved`"]),
        ("always-equal-variant", ["`Full`", "`Offer`"]),
        ("always-equal-shadowed-vec", ["`Vec`", "`Unserved`"]),
    ] {
        let g = graded.iter().find(|g| g["name"] == name).unwrap();
        assert_eq!(status_of(name), "rejected", "{name}");
        let why = g["exercises"][0]["compile_error"]["message"]
            .as_str()
            .unwrap();
        for needle in needles {
            assert!(why.contains(needle), "{name}: {why}");
        }
    }
    // The endless build was stopped, and said why.
    assert_eq!(status_of("endless-build"), "compile_error");
    let endless = graded
        .iter()
        .find(|g| g["name"] == "endless-build")
        .unwrap();
    let why = endless["exercises"][0]["compile_error"]["message"]
        .as_str()
        .unwrap();
    assert!(why.contains("processor time"), "{why}");

    // Nothing read at compile time reaches a report.
    for (format, text) in [("json", &json), ("junit", &junit), ("csv", &csv)] {
        assert!(
            !text.contains(SECRET),
            "the secret leaked into the {format} report"
        );
    }

    // Caps: 1 MiB per panic, six tasks, yet small reports.
    assert!(json.len() < 1 << 20, "JSON report is {} bytes", json.len());
    assert!(
        junit.len() < 256 << 10,
        "JUnit report is {} bytes",
        junit.len()
    );

    // JUnit: Jenkins' schema, and no negative times.
    assert!(!junit.contains("time=\"-"), "{junit}");
    validate_junit(&junit, &root);

    // CSV: the formula-like name is text.
    assert!(csv.contains("\r\n'=1+2,"), "{csv}");
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| !l.starts_with(['=', '+', '-', '@']))
    );

    // The review list names what the screening saw.
    let review = |name: &str| -> Vec<String> {
        graded.iter().find(|g| g["name"] == name).unwrap()["review"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["construct"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        review("unsafe-constructor")
            .iter()
            .any(|c| c.contains("link_section"))
    );
    assert!(
        review("unsafe-extern")
            .iter()
            .any(|c| c.contains("extern block"))
    );
    assert!(
        review("renamed-include")
            .iter()
            .any(|c| c.starts_with("include!"))
    );

    // A second batch: the controls now take the slots the attacks used,
    // and nothing those left behind (staged data files, builds) counts.
    let again = run_grade(
        &["--exercise", "01", "--format", "csv"],
        &[
            subs[subs.len() - 1].clone(),
            subs[0].clone(),
            subs[1].clone(),
        ],
    );
    let totals: Vec<&str> = again
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert_eq!(totals, ["10", "10", "0"], "{again}");

    let _ = std::fs::remove_dir_all(&root);
}

/// Inputs that once ended the whole batch (the checker's stack overflowed,
/// staging failed with "File name too long") or made screening quadratic,
/// each in a submission whose `lib.rs` is the full solution: every one is
/// rejected alone, named, and the honest controls around them keep their
/// marks in the same batch.
#[test]
fn one_submission_never_takes_down_the_batch() {
    // A short root, so that a path that fits below the submission's src/
    // does not fit below the grading area's longer folders.
    let root = PathBuf::from(format!("/tmp/cr{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let sol = || ("lib.rs", solution());

    let mut subs = vec![make(&root, "honest-first", &[sol()])];
    // A few hundred KB of nested brackets in a file no module names.
    let deep = format!(
        "fn f() {{ let _ = {}0{}; }}\n",
        "(".repeat(200_000),
        ")".repeat(200_000)
    );
    subs.push(make(&root, "deep-nesting", &[sol(), ("deep.rs", deep)]));
    // As long a path as the submission's own folder allows.
    let lp = root.join("long-path/exercises/01-bounded-send/src");
    let room = 4000 - lp.as_os_str().len();
    let long: Vec<String> = (0..room / 200)
        .map(|i| format!("{i}{}", "d".repeat(198)))
        .collect();
    let long = format!("{}.rs", long.join("/"));
    subs.push(make(
        &root,
        "long-path",
        &[sol(), (&long, "fn f() {}\n".into())],
    ));
    // Screening work once quadratic in the checker, just under the cap:
    // 40k imports, `use` without `;`, and bodiless enums.
    subs.push(make(
        &root,
        "use-flood",
        &[
            sol(),
            ("uses.rs", "use std::fs;\n".repeat(40_000)),
            ("bare.rs", "use ".repeat(50_000)),
            ("enums.rs", "pub enum E ".repeat(15_000)),
        ],
    ));
    // 300k lines, 7 MiB: refused unread.
    subs.push(make(
        &root,
        "big-file",
        &[sol(), ("big.rs", "use std::{fs, env};\n".repeat(300_000))],
    ));
    // A hundred thousand files.
    let many = make(&root, "many-files", &[sol()]);
    let dir = many.join("exercises/01-bounded-send/src/many");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..100_000 {
        std::fs::write(dir.join(i.to_string()), "").unwrap();
    }
    subs.push(many);
    subs.push(make(&root, "honest-last", &[sol()]));

    let json = run_grade(&["--exercise", "01", "--format", "json"], &subs);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let graded = doc["submissions"].as_array().unwrap();
    assert_eq!(graded.len(), subs.len());
    for g in graded {
        let name = g["name"].as_str().unwrap();
        let ex = &g["exercises"][0];
        // The flood is honest code plus files no module names: screened
        // in linear time, then graded like any other.
        if name.starts_with("honest") || name == "use-flood" {
            assert_eq!(g["earned"], 10, "{name}: {ex}");
            continue;
        }
        assert_eq!(g["earned"], 0, "{name}: {ex}");
        assert_eq!(ex["tasks"][0]["status"], "rejected", "{name}: {ex}");
        let why = ex["compile_error"]["message"].as_str().unwrap();
        let expected = match name {
            "deep-nesting" => "nest more than 256 deep",
            "long-path" => "paths of at most",
            "many-files" => "100001 files",
            "big-file" => "at most 1000 files and 1 MiB",
            _ => unreachable!(),
        };
        assert!(why.contains(expected), "{name}: {why}");
    }
    // The review list of the flood stays within its cap.
    let flood = graded.iter().find(|g| g["name"] == "use-flood").unwrap();
    assert!(flood["review"].as_array().unwrap().len() <= 201);

    let _ = std::fs::remove_dir_all(&root);
}

/// File names, a folder name and a compile error carrying terminal
/// commands (a window title, an OSC 52 clipboard write) and newlines that
/// fake report lines: every format shows them escaped.
#[test]
fn control_characters_reach_no_report_raw() {
    let root = std::env::temp_dir().join(format!("course-controls-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let osc = "\u{1b}]0;pwned\u{7}\u{1b}]52;c;cm0gLXJmIH4=\u{7}";
    let fake = "\nhonest-first  full marks\n";
    let evil_file = format!("x{osc}{fake}.rs");
    let subs = vec![
        make(&root, "honest-first", &[("lib.rs", solution())]),
        make(
            &root,
            &format!("evil{osc}{fake}"),
            &[
                (
                    "lib.rs",
                    format!("{}\ncompile_error!(\"{osc}{fake}\");\n", stub()),
                ),
                (&evil_file, "use std::fs;\n".into()),
            ],
        ),
    ];
    let junit = root.join("report.xml");
    let csv = root.join("grades.csv");
    let json = root.join("grade.json");
    let human = run_grade(
        &[
            "--exercise",
            "01",
            "--report",
            &format!("junit={}", junit.display()),
            "--report",
            &format!("csv={}", csv.display()),
            "--report",
            &format!("json={}", json.display()),
        ],
        &subs,
    );
    for (format, text) in [
        ("human", human.clone()),
        ("junit", std::fs::read_to_string(&junit).unwrap()),
        ("csv", std::fs::read_to_string(&csv).unwrap()),
        ("json", std::fs::read_to_string(&json).unwrap()),
    ] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}']),
            "{format} carries terminal commands:\n{text}"
        );
    }
    // The folder name and the file name are on the lines they belong to.
    let fakes = human
        .lines()
        .filter(|l| l.starts_with("honest-first"))
        .count();
    assert_eq!(fakes, 1, "{human}");
    assert!(human.contains("evil\\u{1b}]0;pwned"), "{human}");
    assert!(human.contains("/x\\u{1b}]0;pwned"), "{human}");
    let _ = std::fs::remove_dir_all(&root);
}

/// Gradescope's and Classroom's reports for one hostile submission with
/// megabytes of panic text: the fields their consumers read, within the
/// platforms' size limits, from one run.
#[test]
fn gradescope_and_classroom_reports_fit_their_platforms() {
    let root = std::env::temp_dir().join(format!("course-platforms-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let huge = stub().replace(
        "todo!()",
        "panic!(\"{}\", \"the kitchen is on fire \".repeat(48 * 1024))",
    );
    let sub = make(&root, "huge", &[("lib.rs", huge)]);
    let classroom = root.join("github_output");
    std::fs::write(&classroom, "earlier=kept\n").unwrap();
    let gradescope = run_grade(
        &[
            "--format",
            "gradescope",
            "--report",
            &format!("classroom={}", classroom.display()),
        ],
        &[sub],
    );

    // Gradescope: https://gradescope-autograders.readthedocs.io (results.json)
    let doc: serde_json::Value = serde_json::from_str(&gradescope).unwrap();
    assert_eq!(doc["score"], 0);
    assert!(doc["max_score"].as_u64().unwrap() > 0);
    assert!(doc["execution_time"].is_u64());
    assert!(doc["output"].is_string());
    let tests = doc["tests"].as_array().unwrap();
    assert!(!tests.is_empty());
    for t in tests {
        assert!(t["name"].is_string() && t["number"].is_string(), "{t}");
        assert!(t["score"].is_u64() && t["max_score"].is_u64(), "{t}");
        assert!(
            matches!(t["status"].as_str(), Some("passed" | "failed")),
            "{t}"
        );
        assert!(
            matches!(
                t["visibility"].as_str(),
                Some("visible" | "hidden" | "after_due_date" | "after_published")
            ),
            "{t}"
        );
        let output = t["output"].as_str().unwrap();
        assert!(output.len() <= 8 * 1024, "{} bytes of output", output.len());
    }
    assert!(gradescope.len() < 512 << 10, "{} bytes", gradescope.len());

    // Classroom: appended to $GITHUB_OUTPUT, one line, within the limits of
    // an environment variable (128 KiB) and a step output (1 MB).
    let out = std::fs::read_to_string(&classroom).unwrap();
    assert!(out.starts_with("earlier=kept\n"), "appends");
    let line = out.lines().nth(1).unwrap();
    assert!(line.len() < 128 * 1024, "{} bytes", line.len());
    let encoded = line.strip_prefix("result=").unwrap();
    let decoded = decode_base64(encoded);
    let doc: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["status"], "fail");
    assert!(doc["max_score"].as_u64().unwrap() > 0);
    for t in doc["tests"].as_array().unwrap() {
        for key in [
            "name",
            "status",
            "message",
            "test_code",
            "filename",
            "execution_time",
        ] {
            assert!(t[key].is_string(), "{key} in {t}");
        }
        assert!(t["score"].is_u64() && t["line_no"].is_u64(), "{t}");
        let time = t["execution_time"].as_str().unwrap();
        assert!(!time.starts_with('-') && time.ends_with('s'), "{time}");
    }

    let _ = std::fs::remove_dir_all(&root);
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |b: u8| match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {b}"),
    } as u32;
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for b in text.bytes().filter(|b| *b != b'=') {
        acc = acc << 6 | value(b);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
