//! Gradescope's `results.json` for one submission: a test per task, with
//! its points, status and feedback.

use crate::grade::Graded;
use crate::model::Status;
use crate::report::feedback;
use serde_json::json;

pub fn render(g: &Graded, seconds: f64) -> String {
    let mut tests = Vec::new();
    for e in &g.exercises {
        for t in &e.tasks {
            let output = if t.status == Status::Pass {
                "passed".to_string()
            } else {
                feedback(e, t)
            };
            tests.push(json!({
                "name": format!("{} task {}: {} ({})", e.dir, t.number, t.item, t.title),
                "number": format!("{}.{}", &e.dir[..2], t.number),
                "score": t.earned,
                "max_score": t.points,
                "status": if t.status == Status::Pass { "passed" } else { "failed" },
                "output": output,
                "visibility": "visible",
            }));
        }
    }
    let mut summary = format!("{}/{} points", g.earned(), g.max());
    for n in &g.notes {
        summary.push_str(&format!("\nnote: {n}"));
    }
    let doc = json!({
        "score": g.earned(),
        "max_score": g.max(),
        "execution_time": seconds.round() as u64,
        "output": summary,
        "tests": tests,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
