//! `cargo run -p checker [-- COMMAND]`: see `checker help`.

fn main() {
    std::process::exit(checker::cli::main());
}
