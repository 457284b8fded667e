//! Verdicts cached by the content of what was checked.
//!
//! A check whose inputs are byte-for-byte the same as last time (the code
//! under test, the hidden tests and snapshots, the harness, the checker
//! itself, the options) gets last time's verdict without building or
//! running anything. Verdicts that depend on the machine's load (timeouts,
//! a blocked runtime, crashes) are never cached.

use crate::course::Paths;
use crate::engine::Options;
use crate::files::walk;
use crate::model::{
    Captured, CompileError, Event, ExerciseResult, PanicInfo, Status, TaskResult, TestResult,
};
use crate::shadow::Target;
use serde_json::{Value, json};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

/// The content key of one target: changes whenever anything that could
/// change its verdict changes.
pub fn key(paths: &Paths, t: &Target, opts: &Options) -> u64 {
    let mut h = DefaultHasher::new();
    t.slot.hash(&mut h);
    t.exercise.dir.hash(&mut h);
    opts.deadline.hash(&mut h);
    hash_files(&mut h, &t.source.join("src"));
    hash_files(&mut h, &paths.hidden(t.exercise));
    hash_dir_all(&mut h, &paths.hidden(t.exercise).join("snapshots"));
    hash_files(&mut h, &paths.checker().join("harness"));
    for manifest in ["Cargo.toml", "Cargo.lock"] {
        std::fs::read(paths.root.join(manifest)).ok().hash(&mut h);
    }
    // A rebuilt checker may judge differently.
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
    }
    h.finish()
}

fn hash_files(h: &mut DefaultHasher, dir: &Path) {
    for f in walk(dir) {
        f.hash(h);
        std::fs::read(&f).ok().hash(h);
    }
}

fn hash_dir_all(h: &mut DefaultHasher, dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        f.hash(h);
        std::fs::read(&f).ok().hash(h);
    }
}

fn file(paths: &Paths, t: &Target) -> PathBuf {
    paths
        .work()
        .join("cache")
        .join(format!("{}-{}.json", t.slot, t.exercise.dir))
}

/// Last time's verdict for `t`, if its key still matches.
pub fn load(paths: &Paths, t: &Target, key: u64) -> Option<ExerciseResult> {
    let text = std::fs::read_to_string(file(paths, t)).ok()?;
    let v: Value = serde_json::from_str(&text).ok()?;
    if v["key"].as_str()? != format!("{key:016x}") {
        return None;
    }
    exercise_from_json(t, &v["result"])
}

/// Keeps `r` for next time, unless its verdict depended on the machine.
pub fn store(paths: &Paths, t: &Target, key: u64, r: &ExerciseResult) {
    let transient = r.tasks.iter().flat_map(|t| &t.tests).any(|x| {
        matches!(
            x.status,
            Status::Timeout | Status::Blocked | Status::Crashed | Status::OutOfMemory
        )
    });
    if transient {
        let _ = std::fs::remove_file(file(paths, t));
        return;
    }
    let doc = json!({ "key": format!("{key:016x}"), "result": exercise_to_json(r) });
    let path = file(paths, t);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = std::fs::write(path, doc.to_string());
}

fn status_from(key: &str) -> Option<Status> {
    use Status::*;
    [
        Pass,
        NotStarted,
        Fail,
        Panic,
        Deadlock,
        Blocked,
        Timeout,
        Crashed,
        OutOfMemory,
        CompileError,
        Rejected,
    ]
    .into_iter()
    .find(|s| s.key() == key)
}

fn captured_to(c: &Captured) -> Value {
    json!({ "text": c.text, "dropped_bytes": c.dropped_bytes })
}

fn captured_from(v: &Value) -> Captured {
    Captured {
        text: v["text"].as_str().unwrap_or_default().to_string(),
        dropped_bytes: v["dropped_bytes"].as_u64().unwrap_or(0),
    }
}

fn exercise_to_json(r: &ExerciseResult) -> Value {
    json!({
        "source": r.source,
        "compile_error": r.compile_error.as_ref().map(|e| json!({
            "first": e.first, "location": e.location, "error_count": e.error_count,
        })),
        "tasks": r.tasks.iter().map(|t| json!({
            "number": t.number,
            "earned": t.earned,
            "status": t.status.key(),
            "tests": t.tests.iter().map(|x| json!({
                "name": x.name, "task": x.task, "status": x.status.key(),
                "message": x.message, "diff": x.diff, "location": x.location,
                "panics": x.panics.iter().map(|p| json!({
                    "message": p.message, "location": p.location, "thread": p.thread,
                })).collect::<Vec<_>>(),
                "events": x.events.iter().map(|e| json!({
                    "at_ms": e.at_ms, "actor": e.actor, "what": e.what,
                })).collect::<Vec<_>>(),
                "expected_events": x.expected_events,
                "wall_ms": x.wall_ms, "virtual_ms": x.virtual_ms, "busy_ms": x.busy_ms,
                "stdout": captured_to(&x.stdout), "stderr": captured_to(&x.stderr),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn opt_text(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn test_from(v: &Value) -> Option<TestResult> {
    Some(TestResult {
        name: text(&v["name"]),
        task: v["task"].as_u64()? as u32,
        status: status_from(v["status"].as_str()?)?,
        message: text(&v["message"]),
        diff: opt_text(&v["diff"]),
        location: opt_text(&v["location"]),
        panics: v["panics"]
            .as_array()?
            .iter()
            .map(|p| PanicInfo {
                message: text(&p["message"]),
                location: opt_text(&p["location"]),
                thread: text(&p["thread"]),
            })
            .collect(),
        events: v["events"]
            .as_array()?
            .iter()
            .map(|e| Event {
                at_ms: e["at_ms"].as_u64().unwrap_or(0),
                actor: text(&e["actor"]),
                what: text(&e["what"]),
            })
            .collect(),
        expected_events: opt_text(&v["expected_events"]),
        wall_ms: v["wall_ms"].as_f64().unwrap_or(0.0),
        virtual_ms: v["virtual_ms"].as_f64().unwrap_or(0.0),
        busy_ms: v["busy_ms"].as_f64().unwrap_or(0.0),
        stdout: captured_from(&v["stdout"]),
        stderr: captured_from(&v["stderr"]),
    })
}

/// Rebuilds a result from the cache; the task list comes from the course
/// definition, so a changed course never reads stale task metadata.
fn exercise_from_json(t: &Target, v: &Value) -> Option<ExerciseResult> {
    let cached = v["tasks"].as_array()?;
    if cached.len() != t.exercise.tasks.len() {
        return None;
    }
    let mut tasks = Vec::new();
    for (task, c) in t.exercise.tasks.iter().zip(cached) {
        if c["number"].as_u64()? != u64::from(task.number) {
            return None;
        }
        tasks.push(TaskResult {
            number: task.number,
            item: task.item,
            title: task.title,
            points: task.points,
            earned: c["earned"].as_u64()? as u32,
            status: status_from(c["status"].as_str()?)?,
            tests: c["tests"]
                .as_array()?
                .iter()
                .map(test_from)
                .collect::<Option<Vec<_>>>()?,
        });
    }
    Some(ExerciseResult {
        dir: t.exercise.dir,
        title: t.exercise.title,
        source: text(&v["source"]),
        compile_error: v["compile_error"].as_object().map(|e| CompileError {
            first: e.get("first").map(text).unwrap_or_default(),
            location: e.get("location").and_then(opt_text),
            error_count: e.get("error_count").and_then(Value::as_u64).unwrap_or(1) as usize,
        }),
        tasks,
    })
}
