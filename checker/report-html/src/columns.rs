//! The class's tasks as columns: every task any student was graded on, in
//! course order, and a student's result in one of them.
//!
//! Shared by the heatmap (`overview`) and the mistakes (`mistakes`), so
//! that neither needs the other.

use crate::class::{Class, Student, Task};

/// One graded task of the course, a column of the heatmap.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub exercise: String,
    pub exercise_title: String,
    pub number: u64,
    pub item: String,
    pub title: String,
    pub points: u64,
}

impl Column {
    /// `01.2`: the exercise's two digits and the task number.
    pub fn code(&self) -> String {
        format!(
            "{}.{}",
            self.exercise.get(..2).unwrap_or(&self.exercise),
            self.number
        )
    }
}

/// Every task that any student was graded on, in course order (the order
/// in which the reports list them).
pub fn columns(class: &Class) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    for s in &class.students {
        for e in &s.exercises {
            for t in &e.tasks {
                if !out
                    .iter()
                    .any(|c| c.exercise == e.dir && c.number == t.number)
                {
                    out.push(Column {
                        exercise: e.dir.clone(),
                        exercise_title: e.title.clone(),
                        number: t.number,
                        item: t.item.clone(),
                        title: t.title.clone(),
                        points: t.points,
                    });
                }
            }
        }
    }
    out
}

/// A student's result for a column, when they were graded on it.
pub fn cell<'a>(s: &'a Student, c: &Column) -> Option<&'a Task> {
    s.exercises
        .iter()
        .find(|e| e.dir == c.exercise)?
        .tasks
        .iter()
        .find(|t| t.number == c.number)
}

/// Passed, and graded, for a column.
pub fn pass_count(class: &Class, c: &Column) -> (usize, usize) {
    let graded: Vec<&Task> = class.students.iter().filter_map(|s| cell(s, c)).collect();
    let passed = graded.iter().filter(|t| t.status == "pass").count();
    (passed, graded.len())
}
