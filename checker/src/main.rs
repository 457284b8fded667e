//! `cargo run -p checker [-- COMMAND]`: see `checker help`.

use checker::util::timings;

fn main() {
    // Started by cargo to run rustc under the build's limits.
    if let Some(status) = checker::build::buildlimit::as_wrapper_timed() {
        std::process::exit(status);
    }
    timings::mark("main");
    let status = checker::cli::main();
    timings::mark("exit");
    std::process::exit(status);
}
