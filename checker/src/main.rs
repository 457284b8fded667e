//! `cargo run -p checker [-- COMMAND]`: see `checker help`.

use checker::util::timings;

fn main() {
    let began = timings::now();
    // Started by cargo to run rustc under the build's limits.
    if let Some(status) = checker::build::buildlimit::as_wrapper() {
        timings::span(&compiled_crate(), began, timings::now());
        std::process::exit(status);
    }
    timings::span("main", began, began);
    let status = checker::cli::main();
    timings::mark("exit");
    std::process::exit(status);
}

/// `rustc:NAME` for the crate a wrapped rustc compiled (`rustc:-` for
/// cargo's questions to the compiler), for the timings file.
fn compiled_crate() -> String {
    let args: Vec<String> = std::env::args().collect();
    let name = args
        .iter()
        .position(|a| a == "--crate-name")
        .and_then(|i| args.get(i + 1))
        .map_or("-", String::as_str);
    format!("rustc:{name}")
}
