//! Run-time containment, tried as an attacker would (issue 11): hostile
//! submissions (`checker/tests/hostile/`) graded in one batch between
//! honest controls, then the controls again in a second batch. That batch
//! runs the test binaries the first one built for them (a contained batch
//! keeps the builds of unchanged slots, `build::fresh`), so an attack that
//! had rewritten one would show there.
//!
//! Everything happens in a scratch copy of the course with its own build,
//! so an attack that got through would spoil the copy, not this tree. The
//! test asserts that no hostile submission scores, every control gets
//! exactly its points in both batches, the grader's files are
//! byte-identical afterwards, no marker file appeared anywhere, no secret
//! reached the report, no test reached a service (a pathname UNIX socket,
//! a UDP port) served outside the sandbox, no process outlived the batch, and the batch ended
//! within a bound derived from the per-test deadline.
//!
//! Containment needs Linux with Landlock and seccomp; elsewhere the test
//! says so and checks nothing.
//!
//! To see that the test can fail, run it with `HOSTILE_UNSANDBOXED=1`: the
//! grader then runs with `CHECKER_SANDBOX=off`, and the test passes only if
//! the same attacks DO get through. Do this only in a throw-away machine:
//! without containment the attacks run for real (they stay inside the
//! scratch copy and the temporary folder, but leave hour-long `sleep`
//! processes behind).

// The attacks and the outside services (a UNIX socket) are Unix-only; on
// Windows the checker reports itself unsandboxed and this test would skip.
#![cfg(unix)]

use crate::common;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const EXERCISE: &str = "01-bounded-send";
/// Per-test deadline given to `grade`, in seconds.
const TIMEOUT: f64 = 2.0;
const JOBS: usize = 2;

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn unique(what: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{what}{:x}{nanos:x}", std::process::id())
}

fn cp(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok, "cp -a {} {}", from.display(), to.display());
}

/// A copy of the course's sources with its own target directory, warmed
/// with this build's compiled registry crates, and its own checker binary.
fn course_copy(dir: &Path) -> PathBuf {
    let src = course();
    for item in [
        "Cargo.toml",
        "Cargo.lock",
        "exercises",
        "solutions",
        "checker",
    ] {
        cp(&src.join(item), &dir.join(item));
    }
    // In an offline bundle (`checker offline`) crates come from its
    // vendor folder, which cargo finds only below the bundle: the copy
    // names the same folder.
    let vendor = src.join(".cargo/vendor");
    if vendor.is_dir() {
        std::fs::create_dir_all(dir.join(".cargo")).unwrap();
        std::fs::write(
            dir.join(".cargo/config.toml"),
            format!(
                "[source.crates-io]\nreplace-with = \"vendored-sources\"\n\n\
                 [source.vendored-sources]\ndirectory = '{}'\n\n[net]\noffline = true\n",
                vendor.display()
            ),
        )
        .unwrap();
    }
    // Both builds (the copy's checker, and its shadow workspace's tokio,
    // insta...) start from this tree's compiled registry crates.
    common::seed_builds(dir, &dir.join("target"));
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    for var in checker::build::compile::SCRUBBED_ENV {
        cargo.env_remove(var);
    }
    // Cargo fingerprints workspace members by their path relative to the
    // workspace, so with the copied build and unchanged modification times
    // it would reuse this tree's checker, whose compiled-in course root is
    // this tree. Touching the sources forces a build that knows the copy.
    for e in std::fs::read_dir(dir.join("checker/src"))
        .unwrap()
        .flatten()
    {
        if e.path().extension().is_some_and(|x| x == "rs") {
            let f = std::fs::File::options()
                .append(true)
                .open(e.path())
                .unwrap();
            f.set_modified(std::time::SystemTime::now()).unwrap();
        }
    }
    let ok = cargo
        .args(["build", "-q", "--offline", "-p", "checker"])
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "building the checker in the course copy");
    let binary = dir.join("target/debug/checker");
    let root = dir.display().to_string();
    let bytes = std::fs::read(&binary).unwrap();
    assert!(
        bytes.windows(root.len()).any(|w| w == root.as_bytes()),
        "the copy's checker must grade the copy ({root}), not this tree"
    );
    binary
}

/// The stub of exercise 01 with `attack` called before every `todo!()`;
/// each `(placeholder, value)` is filled into the attack's files.
fn hostile(subs: &Path, name: &str, fill: &[(&str, String)]) -> PathBuf {
    let fill = |text: String| fill.iter().fold(text, |t, (from, to)| t.replace(from, to));
    let hostile = course().join("checker/tests/hostile");
    let stub = std::fs::read_to_string(
        course()
            .join("checker/stubs")
            .join(EXERCISE)
            .join("src/lib.rs"),
    )
    .unwrap();
    let lib = stub.replace("todo!()", "{ crate::attack::strike(); todo!() }")
        + "\nmod attack;\nmod forge;\n";
    let src = subs.join(name).join("exercises").join(EXERCISE).join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let attack = std::fs::read_to_string(hostile.join(format!("{name}.rs"))).unwrap();
    std::fs::write(src.join("attack.rs"), fill(attack)).unwrap();
    let forge = std::fs::read_to_string(hostile.join("forge.rs")).unwrap();
    std::fs::write(src.join("forge.rs"), fill(forge)).unwrap();
    subs.join(name)
}

fn control(subs: &Path, name: &str, from: &Path) -> PathBuf {
    cp(
        &from.join("src"),
        &subs.join(name).join("exercises").join(EXERCISE).join("src"),
    );
    subs.join(name)
}

/// Every file of the grader that grading must leave alone, with a hash of
/// its bytes: sources, hidden tests, snapshots, solutions, manifests and
/// the checker binary.
fn fingerprint(root: &Path) -> BTreeMap<PathBuf, u64> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<PathBuf, u64>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            if rel.starts_with("target") && rel != Path::new("target/debug/checker") {
                if rel == Path::new("target") || rel == Path::new("target/debug") {
                    walk(&p, root, out);
                }
                continue;
            }
            if p.is_dir() {
                walk(&p, root, out);
            } else {
                let mut h = DefaultHasher::new();
                h.write(&std::fs::read(&p).unwrap_or_default());
                out.insert(rel, h.finish());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Files whose name carries `token` under `dir` (depth-limited).
fn marked(dir: &Path, token: &str, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name().unwrap().to_string_lossy().contains(token) {
            out.push(p.clone());
        }
        if depth > 0 && p.is_dir() && !p.is_symlink() {
            marked(&p, token, depth - 1, out);
        }
    }
}

/// The command lines of the long sleeps `hostile/stall_child.rs` starts:
/// exactly these, so that another process's `sleep` on the machine is not
/// taken for a survivor (an unrelated `sleep 360` once was).
const SLEEPS: [&str; 3] = ["sleep 3617", "sleep 3618", "sleep 3619"];

/// Live processes whose command line mentions `needle` or is one of the
/// attacks' long sleeps.
fn survivors(needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.parse::<u32>().is_err() || name == std::process::id().to_string() {
            continue;
        }
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        if stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        {
            continue;
        }
        let cmd = std::fs::read(e.path().join("cmdline"))
            .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
            .unwrap_or_default();
        if cmd.contains(needle) || SLEEPS.contains(&cmd.trim()) {
            out.push(format!("{name}: {cmd}"));
        }
    }
    out
}

#[derive(Default)]
struct Graded {
    report: String,
    totals: Vec<(String, u64, u64)>,
    seconds: f64,
    tests: usize,
    /// The longest real time any one test process ran, in seconds.
    longest: f64,
}

fn unsandboxed_demo() -> bool {
    std::env::var_os("HOSTILE_UNSANDBOXED").is_some()
}

/// Grades `subs` in one batch; `Err` with cargo's or the checker's words
/// when the grader itself failed.
fn grade(checker: &Path, subs: &[PathBuf], secret: &str) -> Result<Graded, String> {
    let start = Instant::now();
    let mut cmd = Command::new(checker);
    if unsandboxed_demo() {
        cmd.env("CHECKER_SANDBOX", "off");
    }
    let out = cmd
        .args(["grade", "--exercise", "01", "--format", "json"])
        .args([
            "--timeout",
            &TIMEOUT.to_string(),
            "--jobs",
            &JOBS.to_string(),
        ])
        .args(subs)
        .env("GRADER_SECRET", secret)
        .output()
        .map_err(|e| format!("the checker did not start: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(format!(
            "grade failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let report = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&report).unwrap();
    let expected = if unsandboxed_demo() {
        "unsandboxed"
    } else {
        "sandboxed"
    };
    assert!(
        doc["containment"]
            .as_str()
            .unwrap_or("")
            .starts_with(expected),
        "the report must say {expected}: {}",
        doc["containment"]
    );
    let subs = doc["submissions"].as_array().unwrap();
    let totals = subs
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_string(),
                s["earned"].as_u64().unwrap(),
                s["max"].as_u64().unwrap(),
            )
        })
        .collect();
    let all: Vec<&serde_json::Value> = subs
        .iter()
        .flat_map(|s| s["exercises"].as_array().unwrap())
        .flat_map(|e| e["tasks"].as_array().unwrap())
        .flat_map(|t| t["tests"].as_array().unwrap())
        .collect();
    let tests = all.len();
    let longest = all
        .iter()
        .map(|t| t["wall_ms"].as_f64().unwrap_or(0.0) / 1000.0)
        .fold(0.0, f64::max);
    Ok(Graded {
        report,
        totals,
        seconds,
        tests,
        longest,
    })
}

const ATTACKS: &[&str] = &[
    "forge_proc_mem",
    "forge_stdin",
    "forge_fd",
    "forge_at_exit",
    "exit_early",
    "swallowed_panic",
    "resume_unwind",
    "read_secrets",
    "stall_child",
    "bombs",
    "disk_fill",
    "huge_output",
    "sockets",
    // Late in the batch: without containment it spoils the binaries of the
    // slots after it, which then never run (see `integrity`).
    "write_grader",
    "kill_grader",
];

#[test]
fn hostile_code_gains_nothing_touches_nothing_and_stalls_nothing() {
    if !checker::run::sandbox::level().is_sandboxed() && !unsandboxed_demo() {
        eprintln!(
            "SKIPPED: no containment on this machine ({}); run this test on Linux with \
             Landlock and seccomp",
            checker::run::sandbox::level().describe()
        );
        return;
    }
    let dir = std::env::temp_dir().join(unique("course-hostile-"));
    let copy = dir.join("course");
    let checker = course_copy(&copy);
    let token = unique("t");
    let secret = unique("SECRET");
    // The attacks act only on a course that carries this mark.
    std::fs::write(copy.join(format!("HOSTILE-TARGET-{token}")), "").unwrap();

    // Services outside the sandbox, as a CI runner has them: a pathname
    // UNIX socket that answers with a secret, and a UDP port. Each counts
    // what reaches it.
    let service_secret = unique("SERVICE");
    let unix_path = dir.join("svc.sock");
    let unix = std::os::unix::net::UnixListener::bind(&unix_path).unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_port = udp.local_addr().unwrap().port();
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    {
        let (count, answer) = (reached.clone(), service_secret.clone());
        std::thread::spawn(move || {
            for mut conn in unix.incoming().flatten() {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = std::io::Write::write_all(&mut conn, answer.as_bytes());
            }
        });
        let count = reached.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 256];
            while udp.recv_from(&mut buf).is_ok() {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        });
    }
    let fill = [
        ("__TOKEN__", token.clone()),
        ("__UNIX_SOCKET__", unix_path.display().to_string()),
        ("__UDP_PORT__", udp_port.to_string()),
    ];

    let subs_dir = dir.join("subs");
    let solution = copy.join("solutions").join(EXERCISE);
    let stub = copy.join("checker/stubs").join(EXERCISE);
    let mut batch = vec![
        control(&subs_dir, "control-solution-before", &solution),
        control(&subs_dir, "control-stub-before", &stub),
    ];
    for attack in ATTACKS {
        // Without containment this one kills the grader itself, which
        // would end the demonstration before it shows anything else.
        if unsandboxed_demo() && *attack == "kill_grader" {
            continue;
        }
        batch.push(hostile(&subs_dir, attack, &fill));
    }
    batch.push(control(&subs_dir, "control-solution-after", &solution));
    batch.push(control(&subs_dir, "control-stub-after", &stub));

    // A line of the reference solution that the stub does not have: it
    // must not appear in any report.
    let original = |p: &str| {
        std::fs::read_to_string(course().join(p).join(EXERCISE).join("src/lib.rs")).unwrap()
    };
    let stub_text = original("checker/stubs");
    let solution_line = original("solutions")
        .lines()
        .map(str::trim)
        .filter(|l| l.len() > 30 && !l.starts_with("//"))
        .find(|l| !stub_text.contains(*l))
        .expect("a line only the solution has")
        .to_string();

    // Prime the copy's build so that the grader's files exist before the
    // fingerprint (the first grade compiles the course's dependencies).
    let warm = grade(&checker, &batch[..1], &secret).unwrap();
    let before = fingerprint(&copy);

    let mut problems: Vec<String> = Vec::new();
    let mut batch_of = |subs: &[PathBuf]| {
        grade(&checker, subs, &secret).unwrap_or_else(|e| {
            problems.push(e);
            Graded::default()
        })
    };
    let first = batch_of(&batch);
    let second = batch_of(&[batch[0].clone(), batch[1].clone()]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    let after = fingerprint(&copy);

    let full = warm.totals[0].2;
    assert!(full > 0, "exercise 01 has points");
    for (g, n) in [(&first, batch.len()), (&second, 2)] {
        if !g.totals.is_empty() {
            assert_eq!(g.totals.len(), n);
        }
    }
    for (name, earned, max) in first.totals.iter().chain(&second.totals) {
        let expected = if name.starts_with("control-solution") {
            *max
        } else {
            0
        };
        if *earned != expected {
            problems.push(format!("{name} scored {earned}/{max}, expected {expected}"));
        }
    }

    let changed: Vec<&PathBuf> = before
        .iter()
        .filter(|(p, h)| after.get(*p) != Some(h))
        .map(|(p, _)| p)
        .chain(after.keys().filter(|p| !before.contains_key(*p)))
        .collect();
    if !changed.is_empty() {
        problems.push(format!("grading changed the grader's files: {changed:?}"));
    }

    let mut marks = Vec::new();
    let mark = format!("PWNED-{token}");
    marked(&copy, &mark, 8, &mut marks);
    for tmp in [std::env::temp_dir(), "/tmp".into(), "/var/tmp".into()] {
        marked(&tmp, &mark, 0, &mut marks);
    }
    if !marks.is_empty() {
        problems.push(format!("attacks left files behind: {marks:?}"));
    }
    for m in &marks {
        let _ = std::fs::remove_file(m);
    }
    let mut scratch = Vec::new();
    marked(
        &copy.join("target/checker/results"),
        ".scratch",
        0,
        &mut scratch,
    );
    if !scratch.is_empty() {
        problems.push(format!("scratch folders left behind: {scratch:?}"));
    }

    for g in [&first, &second] {
        if g.report.contains(&secret) {
            problems.push("the grader's environment leaked into a report".to_string());
        }
    }
    if first.report.contains(&solution_line) {
        problems.push(format!(
            "a report carries the reference solution: {solution_line}"
        ));
    }

    let contacts = reached.load(std::sync::atomic::Ordering::SeqCst);
    if contacts > 0 {
        problems.push(format!(
            "tests reached {contacts} time(s) a service outside the sandbox"
        ));
    }
    if first.report.contains(&service_secret) {
        problems.push("an outside service's answer reached the report".to_string());
    }

    let left = survivors(&copy.display().to_string());
    if !left.is_empty() {
        problems.push(format!("processes outlived the batch: {left:?}"));
    }

    // Worst case: every test of the batch runs to its deadline, two at a
    // time, plus the drain grace; the build gets a generous allowance of
    // its own. A stall (a pipe held by a child sleeping an hour, a list
    // that never ends) blows through it.
    let per_test = TIMEOUT + 1.0;
    let bound = 300.0 + (first.tests as f64 / JOBS as f64).ceil() * per_test;
    if first.seconds >= bound {
        problems.push(format!(
            "the batch took {:.1} s, more than {bound:.0} s",
            first.seconds
        ));
    }
    // No single test outlived its deadline by more than the runner's
    // polling: a child holding the pipes or an exec'd `sleep` is killed
    // with the test.
    if first.longest > TIMEOUT + 0.5 {
        problems.push(format!(
            "a test ran {:.1} s, past its {TIMEOUT} s deadline",
            first.longest
        ));
    }
    eprintln!(
        "hostile batch: {} submissions, {} tests, {:.1} s (bound {bound:.0} s)",
        first.totals.len(),
        first.tests,
        first.seconds
    );
    if unsandboxed_demo() {
        eprintln!("without containment:\n  {}", problems.join("\n  "));
        assert!(
            !problems.is_empty(),
            "without containment the attacks should have got through"
        );
    } else {
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
