//! The lock on the checker's work area (`target/checker/lock`), and who
//! holds it.
//!
//! Two checkers at once (a `watch` and a manual check, the course's test
//! suite and a learner) would otherwise rewrite the shadow workspace and
//! the grading copies under each other's feet. A checker that has to wait
//! says what it waits for: the holder writes its command and process id
//! next to the lock (`lock.holder`), because a waiter cannot read the
//! locked file itself on Windows, where locks are mandatory.

use crate::model::course::Paths;
use std::fs::{File, OpenOptions};

fn open(paths: &Paths) -> std::io::Result<File> {
    std::fs::create_dir_all(paths.work())?;
    // Never truncate: the file is only a handle to lock.
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(paths.work().join("lock"))
}

/// Takes the lock, waiting for any other holder, and says who holds it
/// now. Released when the returned file is dropped.
pub fn lock(paths: &Paths) -> std::io::Result<File> {
    let lock = open(paths)?;
    lock.lock()?;
    // Best effort: a missing note only makes a waiter's message vaguer.
    let _ = std::fs::write(paths.work().join("lock.holder"), describe_self());
    Ok(lock)
}

/// This process as a waiter should see it: `process 4242 (`checker check 01`)`:
/// the process id first, so that a narrow screen that cuts the line keeps it.
fn describe_self() -> String {
    let args: Vec<String> = std::env::args_os()
        .enumerate()
        .map(|(i, a)| {
            let a = a.to_string_lossy().into_owned();
            if i == 0 {
                // The program's file name, not the build folder it lives in.
                std::path::Path::new(&a)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or(a)
            } else {
                a
            }
        })
        .collect();
    let mut text = args.join(" ");
    // A command line can be anything; the note stays one short line.
    text.retain(|c| !c.is_control());
    if text.chars().count() > 120 {
        text = text.chars().take(117).collect::<String>() + "...";
    }
    format!("process {} (`{text}`)", std::process::id())
}

/// `Some(holder)` when another process holds the lock now, so that a
/// check started now would wait for it; the holder as it described itself,
/// or a plain description when it left no note.
pub fn busy(paths: &Paths) -> Option<String> {
    let file = open(paths).ok()?;
    match file.try_lock() {
        Ok(()) => None,
        Err(std::fs::TryLockError::WouldBlock) => Some(
            std::fs::read_to_string(paths.work().join("lock.holder"))
                .ok()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| "another checker".to_string()),
        ),
        Err(_) => None,
    }
}
