//! Gradescope's `results.json` for one submission: a test per task, with
//! its points, status and feedback; the top-level `output` says how the
//! code under test was contained, and `extra_data.contained` whether.

use checker::model::grading::{Batch, Graded};
use checker::model::results::Status;
use checker::report::feedback;
use checker::util::json::{Object, array};

pub fn render(g: &Graded, batch: &Batch) -> String {
    let mut tests = Vec::new();
    for e in &g.exercises {
        for t in &e.tasks {
            let output = if t.status == Status::Pass {
                "passed".to_string()
            } else {
                feedback(e, t)
            };
            tests.push(
                Object::new()
                    .str(
                        "name",
                        &format!("{} task {}: {} ({})", e.dir, t.number, t.item, t.title),
                    )
                    .str("number", &format!("{}.{}", &e.dir[..2], t.number))
                    .int("score", t.earned.into())
                    .int("max_score", t.points.into())
                    .str(
                        "status",
                        if t.status == Status::Pass {
                            "passed"
                        } else {
                            "failed"
                        },
                    )
                    .str("output", &output)
                    .str("visibility", "visible")
                    .finish(),
            );
        }
    }
    let mut summary = format!("{}/{} points", g.earned(), g.max());
    for n in &g.notes {
        summary.push_str(&format!("\nnote: {n}"));
    }
    summary.push_str(&format!("\ntest processes: {}", batch.containment));
    Object::new()
        .int("score", g.earned().into())
        .int("max_score", g.max().into())
        .int("execution_time", batch.seconds.round() as u64)
        .str("output", &summary)
        .raw(
            "extra_data",
            &Object::new().bool("contained", batch.contained).finish(),
        )
        .raw("tests", &array(tests))
        .finish()
        + "\n"
}
