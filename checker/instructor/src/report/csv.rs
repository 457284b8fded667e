//! A CSV gradebook: one row per submission, a column per task, whether
//! the code under test was contained, the total.
//! Quoting follows RFC 4180, so spreadsheets and LMS importers read it.

use checker::model::course;
use checker::model::grading::Batch;

/// One cell. A cell a spreadsheet would read as a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return first) gets a leading `'`, as OWASP
/// advises: a submission folder named `=HYPERLINK(...)` stays text.
fn field(s: &str) -> String {
    let guarded;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{s}");
        guarded.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn render(batch: &Batch) -> String {
    let mut header = vec!["submission".to_string()];
    // Columns follow what was graded: the whole course, or the exercises
    // chosen with --exercise.
    let graded: Vec<&course::Exercise> = batch
        .graded
        .first()
        .map(|g| {
            g.exercises
                .iter()
                .filter_map(|e| course::find(e.dir))
                .collect()
        })
        .unwrap_or_default();
    for e in &graded {
        for t in e.tasks {
            header.push(format!(
                "{}.{} {} (/{})",
                e.number(),
                t.number,
                t.item,
                t.points
            ));
        }
    }
    let max: u32 = graded.iter().map(|e| e.max_points()).sum();
    header.push("contained".to_string());
    header.push(format!("total (/{max})"));
    let mut out = header
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",")
        + "\r\n";
    for g in &batch.graded {
        let mut row = vec![field(&g.submission.name)];
        for e in &g.exercises {
            for t in &e.tasks {
                row.push(t.earned.to_string());
            }
        }
        row.push(if batch.contained { "yes" } else { "no" }.to_string());
        row.push(g.earned().to_string());
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
