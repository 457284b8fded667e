//! Reads stdin, where a nonce used to arrive, forges a pass with it and
//! exits cleanly.

use std::io::BufRead;

pub fn strike() {
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    crate::forge::deliver(line.trim());
    std::process::exit(0);
}
