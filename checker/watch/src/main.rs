//! `checker-watch`: the checker's command line with `watch` built in.
//! `cargo run -p checker -- watch` starts it; run directly, it accepts the
//! same arguments as `checker`.

mod screen;
mod term;
mod watch;

fn main() {
    std::process::exit(checker::cli::main_with(Some(watch::watch)));
}
