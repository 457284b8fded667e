//! Shared by the hostile submissions: how a forged "pass" would be handed
//! to the checker, by every route the test process can name.

use std::io::Write;

/// A result in the harness's format claiming that the test passed.
pub fn forged(nonce: &str) -> String {
    format!(
        "{{\"nonce\":\"{nonce}\",\"status\":\"pass\",\"message\":\"\",\"panics\":[],\
         \"events\":[],\"virtual_ms\":0,\"wall_ms\":0,\"busy_ms\":0}}"
    )
}

/// The value of `--result` on the command line, if any.
pub fn result_arg() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == "--result")?;
    args.get(i + 1).cloned()
}

/// Writes a forged pass carrying `nonce` everywhere a result could go.
pub fn deliver(nonce: &str) {
    let body = forged(nonce);
    if let Some(path) = result_arg() {
        let _ = std::fs::write(&path, &body);
    }
    for fd in ["/proc/self/fd/3", "/dev/fd/3", "/proc/self/fd/4"] {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(fd) {
            let _ = f.write_all(body.as_bytes());
        }
    }
    println!("{body}");
}

/// Runs of 16 lowercase hex digits: what the checker's nonce looks like.
pub fn candidates(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = 0usize;
    for (i, b) in bytes.iter().enumerate() {
        if b.is_ascii_digit() || (b'a'..=b'f').contains(b) {
            run += 1;
            if run == 16 {
                out.push(String::from_utf8_lossy(&bytes[i + 1 - 16..=i]).into_owned());
            }
        } else {
            run = 0;
        }
        if out.len() > 2000 {
            break;
        }
    }
    out
}

/// The course copy the grader works in, found from the test binary's path.
/// Only a copy that the test marked as a target counts: the corpus must
/// never spoil a real course, whatever goes wrong.
pub fn course_root() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .find(|p| p.join("checker").join("hidden").is_dir())
        .filter(|p| p.join("HOSTILE-TARGET-__TOKEN__").is_file())
        .map(|p| p.to_path_buf())
}
