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
