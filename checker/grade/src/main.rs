//! `checker-grade`: the checker's command line with `grade` able to screen
//! graded code by its tokens. `cargo run -p checker -- grade` starts it;
//! run directly, it accepts the same arguments as `checker`.

mod review;
mod screen;
mod soundness;
mod stubtypes;

fn main() {
    // Grading builds name this binary as cargo's compiler wrapper.
    if let Some(status) = checker::build::buildlimit::as_wrapper_timed() {
        std::process::exit(status);
    }
    checker::instructor::grade::install(checker::instructor::grade::Screening {
        refuse: screen::refuse,
        review_source: review::review_source,
        stub_derives: screen::stub_derives,
        replaced_derive: screen::replaced_derive,
        changed_type: stubtypes::changed_type,
    });
    std::process::exit(checker::cli::main());
}
