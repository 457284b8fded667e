//! Test binaries are checked before every run: a binary that changed
//! after the build (a hostile test process rewrote another slot's binary,
//! where containment is missing) is never run.
//!
//! The check compares the file's identity and change time rather than a
//! hash of its bytes. Every write, rename onto it or permission change
//! sets the change time (`ctime`), which no process can set back, and
//! hashing a 4 MB binary in the checker's unoptimised build takes about
//! 60 ms, too slow to repeat before each of a course's ~80 test processes.

use std::path::Path;

/// What a binary looked like right after the build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    identity: (u64, u64),
    modified: i128,
    changed: i128,
}

impl Stamp {
    pub fn of(path: &Path) -> std::io::Result<Stamp> {
        let meta = std::fs::metadata(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Ok(Stamp {
                len: meta.len(),
                identity: (meta.dev(), meta.ino()),
                modified: meta.mtime() as i128 * 1_000_000_000 + meta.mtime_nsec() as i128,
                changed: meta.ctime() as i128 * 1_000_000_000 + meta.ctime_nsec() as i128,
            })
        }
        #[cfg(not(unix))]
        {
            let nanos = |t: std::io::Result<std::time::SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i128)
            };
            Ok(Stamp {
                len: meta.len(),
                identity: (0, 0),
                modified: nanos(meta.modified()),
                changed: nanos(meta.created()),
            })
        }
    }

    /// `Err` when `path` is no longer the binary that was stamped.
    pub fn verify(&self, path: &Path) -> std::io::Result<()> {
        if Stamp::of(path)? == *self {
            Ok(())
        } else {
            Err(std::io::Error::other(format!(
                "the test binary {} changed after it was built, so it was not run \
                 (something wrote to it: another test process?)",
                path.display()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Stamp;

    #[test]
    fn a_rewritten_or_replaced_file_fails_the_check() {
        let dir = std::env::temp_dir().join(format!("stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("bin");
        std::fs::write(&f, b"original").unwrap();
        let stamp = Stamp::of(&f).unwrap();
        stamp.verify(&f).unwrap();

        // Same length, same modification time put back: still caught.
        let mtime = std::fs::metadata(&f).unwrap().modified().unwrap();
        std::fs::write(&f, b"poisoned").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&f)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert!(stamp.verify(&f).is_err());

        // Replaced by rename.
        let stamp = Stamp::of(&f).unwrap();
        std::fs::write(dir.join("other"), b"poisoned").unwrap();
        std::fs::rename(dir.join("other"), &f).unwrap();
        assert!(stamp.verify(&f).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
