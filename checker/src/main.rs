//! `cargo run -p checker [-- COMMAND]`: see `checker help`.

fn main() {
    // Started by cargo to run rustc under the build's limits.
    if let Some(status) = checker::build::buildlimit::as_wrapper() {
        std::process::exit(status);
    }
    std::process::exit(checker::cli::main());
}
