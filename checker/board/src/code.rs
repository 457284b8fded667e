//! The join code: short enough to read off a projector, random enough
//! that a guess does not get in (32^6, about a billion), and kept in the
//! board's folder so that a restart keeps the code the room already has.

use std::hash::{BuildHasher, Hasher};
use std::path::Path;

/// No 0/O or 1/I: read aloud and typed without mistakes.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const FILE: &str = "code";

/// The code to use: the one given (and then kept), else the one kept in
/// `dir`, else a new one (kept).
pub fn choose(dir: &Path, given: Option<&str>) -> Result<String, String> {
    let path = dir.join(FILE);
    let code = match given {
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if c.len() < 4 || c.len() > 16 || !c.chars().all(|x| x.is_ascii_alphanumeric()) {
                return Err("--code must be 4 to 16 letters and digits".into());
            }
            c
        }
        None => match std::fs::read_to_string(&path) {
            Ok(kept) if !kept.trim().is_empty() => return Ok(kept.trim().to_string()),
            _ => generate(),
        },
    };
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, &code))
        .map_err(|e| format!("cannot keep the join code in {}: {e}", path.display()))?;
    Ok(code)
}

/// Six characters from the standard library's randomly seeded hasher:
/// not a cryptographic secret, a door code for a room.
pub fn generate() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    let mut bits = h.finish();
    (0..6)
        .map(|_| {
            let c = ALPHABET[(bits % 32) as usize] as char;
            bits /= 32;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restart_keeps_the_code_and_a_given_one_replaces_it() {
        let dir = std::env::temp_dir().join(format!("board-code-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = choose(&dir, None).unwrap();
        assert_eq!(first.len(), 6);
        assert_eq!(choose(&dir, None).unwrap(), first);
        assert_eq!(choose(&dir, Some("room42")).unwrap(), "ROOM42");
        assert_eq!(choose(&dir, None).unwrap(), "ROOM42");
        assert!(choose(&dir, Some("a b")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
