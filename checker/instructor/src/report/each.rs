//! Feedback per student from one batch: a format written once per
//! submission into a folder (`--report gradescope=DIR/`), each file about
//! that submission alone, so that it can be handed to its student. The
//! files' names come from `checker::report::each::file_stems`.

use crate::report::{gradebook, gradescope};
use checker::model::grading::{Batch, Graded};
use checker::report::each::file_stems;
use checker::report::seconds;
use checker::util::style::Style;

/// The batch of one submission, as if it had been graded alone: its own
/// time is what its tests took.
fn alone(batch: &Batch, g: &Graded) -> Batch {
    let ms = g
        .exercises
        .iter()
        .flat_map(|e| &e.tasks)
        .flat_map(|t| &t.tests)
        .map(|t| t.wall_ms)
        .sum();
    Batch {
        graded: vec![g.clone()],
        seconds: seconds(ms),
        containment: batch.containment.clone(),
        seed: batch.seed,
        contained: batch.contained,
    }
}

/// One (file name, text) per submission, in `format` (`human` or
/// `gradescope`).
pub fn render(format: &str, batch: &Batch) -> Vec<(String, String)> {
    let stems = file_stems(batch.graded.iter().map(|g| g.submission.name.as_str()));
    batch
        .graded
        .iter()
        .zip(stems)
        .map(|(g, stem)| {
            let one = alone(batch, g);
            match format {
                "gradescope" => (
                    format!("{stem}.json"),
                    gradescope::render(&one.graded[0], &one),
                ),
                _ => (
                    format!("{stem}.txt"),
                    gradebook::human(&one, Style::plain()),
                ),
            }
        })
        .collect()
}
