//! Starts compiling the hidden tests' dependencies while cargo compiles
//! the checker (see `src/build/prewarm.rs`): a learner's first verdict
//! then waits for the longer of the two builds, not for both in turn.

#[path = "src/build/prewarm.rs"]
#[allow(dead_code)]
mod prewarm;

fn main() {
    // Once per fresh build of the checker, not on every build.
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/build/prewarm.rs");
    println!("cargo:rerun-if-env-changed={}", prewarm::OFF);
    if std::env::var_os(prewarm::OFF).is_some() {
        return;
    }
    let (Some(dir), Some(cargo)) = (
        std::env::var_os("CARGO_MANIFEST_DIR"),
        std::env::var_os("CARGO"),
    ) else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    if let Some(root) = dir.parent()
        && root.join("Cargo.lock").is_file()
        && let Err(e) = prewarm::start(root, &cargo)
    {
        // Only a missed head start: the checker builds all it needs later.
        println!(
            "cargo:warning=could not start compiling the hidden tests' dependencies early: {e}"
        );
    }
}
