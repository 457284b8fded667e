//! Reports written once per submission into a folder (`--report
//! gradescope=DIR/`): which formats can be, how such a folder is named on
//! the command line, and the files' names. The command line checks them
//! here; the instructor's binary (`checker/instructor`) writes the files,
//! and the class report names its pages the same way.
//!
//! The files are named after the submissions, made safe for every file
//! system: a submission's name is the name of a folder the instructor was
//! given, and may hold anything a file name can.

use std::path::Path;

/// The formats that can be written once per submission; `html` is drawn
/// by the class report's own binary.
pub const FORMATS: &[&str] = &["human", "gradescope", "html"];

/// A report path that names a folder: it ends with a slash or is one.
pub fn is_folder(path: &Path) -> bool {
    let text = path.as_os_str().to_string_lossy();
    text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || path.is_dir()
}

/// A file name stem per submission name, in order: letters, digits, `-`,
/// `_` and `.` kept, anything else `_`, never hidden, at most 80
/// characters, and distinct even where a file system ignores case.
pub fn file_stems<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut stem: String = name
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .take(80)
            .collect();
        if stem.starts_with('.') {
            stem.replace_range(..1, "_");
        }
        if stem.is_empty() {
            stem = "submission".to_string();
        }
        let taken = |s: &str| out.iter().any(|o| o.eq_ignore_ascii_case(s));
        let mut unique = stem.clone();
        let mut n = 2;
        while taken(&unique) {
            unique = format!("{stem}-{n}");
            n += 1;
        }
        out.push(unique);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_distinct() {
        assert_eq!(
            file_stems(["ann", "../etc", "a b\u{1b}", "Ann", "ann", "", "é"]),
            ["ann", "_._etc", "a_b_", "Ann-2", "ann-3", "submission", "é"]
        );
    }
}
