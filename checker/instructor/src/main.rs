//! `checker-instructor`: the checker's command line with the instructor's
//! and author's commands in it (grade and its reporters, merge, verify,
//! export, offline, bench). `cargo run -p checker -- grade` (or any of
//! those) starts it; run directly, it accepts the same arguments as
//! `checker`.

mod bench;
mod commands;
mod export;
mod grade;
mod isolation;
mod mutants;
mod offline;
mod provenance;
mod report;
mod review;
mod screen;
mod shard;
mod soundness;
mod stubtypes;
mod verify;

fn main() {
    // Grading builds name this binary as cargo's compiler wrapper.
    if let Some(status) = checker::build::buildlimit::as_wrapper_timed() {
        std::process::exit(status);
    }
    checker::cli::install_instructor(commands::run);
    std::process::exit(checker::cli::main());
}
