//! Prints tens of megabytes and panics with a megabyte of text.

use std::io::Write;

pub fn strike() {
    let line = "test offer_accepts_while_there_is_room ... ok\n".repeat(1000);
    for _ in 0..500 {
        let _ = std::io::stdout().write_all(line.as_bytes());
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
    panic!("{}", "x".repeat(1 << 20));
}
