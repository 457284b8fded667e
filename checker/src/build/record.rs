//! What a build leaves for screening: gathered from cargo's messages while
//! it builds (`compile`), read afterwards by `depinfo`.
//!
//! It lives apart from both so that the build and the screening that
//! follows it each depend on this record, not on each other.

use crate::util::json::View;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What screening needs from cargo's messages, gathered while it builds.
#[derive(Debug)]
pub struct BuildRecord {
    /// The artefact of each library that built, by harness package name.
    pub lib_artifacts: HashMap<String, PathBuf>,
    /// Every file a diagnostic of a target's packages points into, by
    /// harness package name.
    pub span_files: HashMap<String, Vec<PathBuf>>,
    /// When the build started, by the file system's own clock.
    pub started: SystemTime,
}

impl BuildRecord {
    /// Marks the start of a build in `build_dir` (a file's modification
    /// time, so that it compares with the dep-info files rustc writes).
    pub fn start(build_dir: &Path) -> std::io::Result<BuildRecord> {
        std::fs::create_dir_all(build_dir)?;
        let marker = build_dir.join(".checker-build-started");
        std::fs::write(&marker, b"")?;
        Ok(BuildRecord {
            lib_artifacts: HashMap::new(),
            span_files: HashMap::new(),
            started: std::fs::metadata(&marker)?.modified()?,
        })
    }

    /// Takes what matters from one cargo message about `key`'s packages
    /// (`is_lib`: the code under test rather than its harness).
    pub fn record(&mut self, key: &str, is_lib: bool, msg: View) {
        match msg.get("reason").str() {
            Some("compiler-artifact") if is_lib => {
                let first = msg.get("filenames").items().next().and_then(|f| f.str());
                if let Some(file) = first {
                    self.lib_artifacts
                        .insert(key.to_string(), PathBuf::from(file));
                }
            }
            Some("compiler-message") => {
                let files = self.span_files.entry(key.to_string()).or_default();
                diagnostic_files(msg.get("message"), files);
            }
            _ => {}
        }
    }
}

/// Every file a diagnostic points into: its spans, the macro expansions
/// they came through, and its children (notes, help).
fn diagnostic_files(message: View, out: &mut Vec<PathBuf>) {
    for span in message.get("spans").items() {
        span_files(span, out);
    }
    for child in message.get("children").items() {
        diagnostic_files(child, out);
    }
}

fn span_files(span: View, out: &mut Vec<PathBuf>) {
    if let Some(f) = span.get("file_name").str() {
        let f = PathBuf::from(f);
        if !out.contains(&f) {
            out.push(f);
        }
    }
    let expansion = span.get("expansion");
    if expansion.is_object() {
        span_files(expansion.get("span"), out);
        span_files(expansion.get("def_site_span"), out);
    }
}
