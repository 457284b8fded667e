//! A learner's exercise with its files gone: said plainly, before cargo
//! gets to say it in its own words.
//!
//! The workspace lists exercises with a glob (`exercises/*`) and every
//! exercise names its `[lib] path`, so cargo still starts when a learner
//! deletes `src/lib.rs` or the whole folder (see the README's "When a file
//! is missing"). What remains is to tell them what is missing and how to
//! get it back.

use crate::model::course::{Exercise, Paths};
use crate::model::results::CompileError;
use std::path::Path;

/// Why the code in `source` cannot be checked at all, if its `src/lib.rs`
/// is missing or empty. `learner` tells whether `source` is the learner's
/// own exercise folder, where `reset` applies.
pub fn problem(paths: &Paths, e: &Exercise, source: &Path) -> Option<CompileError> {
    let lib = source.join("src").join("lib.rs");
    let shown = paths.display(&lib);
    let what = if !source.exists() {
        format!("the exercise folder {} is missing", paths.display(source))
    } else if !lib.exists() {
        format!("{shown} is missing")
    } else if std::fs::read_to_string(&lib).is_ok_and(|text| text.trim().is_empty()) {
        format!("{shown} is empty")
    } else {
        return None;
    };
    let fix = if source == paths.exercise(e) {
        // The command on a line of its own, whole: it is what to do.
        format!(
            "To restore the exercise from its stub (a backup of anything replaced is \
             kept), run\n`{}`",
            paths.command(&format!("reset {}", e.number()))
        )
    } else {
        "The submission must contain the exercise's `src/lib.rs`.".to_string()
    };
    Some(CompileError {
        first: format!("{what}, so none of its tasks can be checked.\n{fix}"),
        location: None,
        error_count: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("checker-missing-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn names_a_missing_folder_a_missing_file_and_an_empty_file() {
        let paths = Paths::discover();
        let e = crate::model::course::EXERCISES[0];
        let dir = scratch("cases");
        let gone = problem(&paths, e, &dir.join("nothing-here")).unwrap();
        assert!(gone.first.contains("folder"), "{}", gone.first);
        let no_lib = problem(&paths, e, &dir).unwrap();
        assert!(
            no_lib.first.contains("lib.rs is missing"),
            "{}",
            no_lib.first
        );
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "\n  \n").unwrap();
        let empty = problem(&paths, e, &dir).unwrap();
        assert!(empty.first.contains("is empty"), "{}", empty.first);
        std::fs::write(dir.join("src/lib.rs"), "pub fn f() {}\n").unwrap();
        assert!(problem(&paths, e, &dir).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_the_learners_own_folder_is_told_to_reset() {
        let paths = Paths::discover();
        let e = crate::model::course::EXERCISES[0];
        let dir = scratch("submission");
        assert!(!problem(&paths, e, &dir).unwrap().first.contains("reset"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
