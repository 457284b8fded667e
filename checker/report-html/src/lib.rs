//! The class report: a grading batch (`grade --format json`) drawn as one
//! static, self-contained HTML page for instructors.
//!
//! Layers: `class` reads the JSON, `columns` lists its tasks, `overview`, `mistakes` and `student`
//! draw the page's three parts, `timeline_svg` draws event logs, `verdict`
//! gives each verdict its look, `html` escapes, `page` puts it together.

pub mod class;
pub mod columns;
pub mod html;
pub mod mistakes;
pub mod overview;
pub mod page;
pub mod student;
pub mod timeline_svg;
pub mod verdict;

/// The page for a `grade/v1` document.
pub fn render(json: &str) -> Result<String, String> {
    class::read(json).map(|c| page::render(&c))
}

/// The files of a report folder for a `grade/v1` document: `index.html`,
/// the class report, and a page per student (named as `grade --report
/// human=DIR/` names its files), each about that student alone, which the
/// class report links.
pub fn render_folder(json: &str) -> Result<Vec<(String, String)>, String> {
    let class = class::read(json)?;
    let stems = checker::report::each::file_stems(class.students.iter().map(|s| s.name.as_str()));
    let pages: Vec<String> = stems.iter().map(|s| format!("{s}.html")).collect();
    let mut files = vec![(
        "index.html".to_string(),
        page::render_with(&class, Some(&pages)),
    )];
    for (i, file) in pages.into_iter().enumerate() {
        files.push((file, page::student_page(&class, i)));
    }
    Ok(files)
}
