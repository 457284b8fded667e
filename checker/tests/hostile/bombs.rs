//! Process and thread bombs, and a flood of open files.

use std::process::Command;

pub fn strike() {
    let mut children = Vec::new();
    for _ in 0..200 {
        if let Ok(me) = std::env::current_exe()
            && let Ok(c) = Command::new(me).arg("--list").spawn()
        {
            children.push(c);
        }
    }
    let mut threads = 0;
    for _ in 0..20_000 {
        match std::thread::Builder::new().spawn(|| std::thread::sleep(std::time::Duration::from_secs(3600))) {
            Ok(_) => threads += 1,
            Err(_) => break,
        }
    }
    let mut files = Vec::new();
    for _ in 0..100_000 {
        match std::fs::File::open("/dev/null") {
            Ok(f) => files.push(f),
            Err(_) => break,
        }
    }
    eprintln!("{} children, {threads} threads, {} files", children.len(), files.len());
    std::mem::forget(files);
}
