//! The room: every attendee's latest verdicts, and what the instructor
//! reads from them (who is on which task since when, where the room is
//! stuck, the most common explanation per task).
//!
//! Plain data with no locks and no I/O: only the state actor (`actor`)
//! owns a `Room`, so nothing here needs to be thread-safe, and every rule
//! is testable without a server.

use crate::payload::{ExerciseView, Post};
use checker::model::course::{self, Exercise};
use checker::model::results::Status;
use std::collections::BTreeMap;

/// The most attendees a board keeps: a room, not a crowd. New names past
/// it are refused, so a client inventing names cannot grow the board
/// without bound.
pub const MAX_ATTENDEES: usize = 300;

/// A task of the course, by exercise and number.
pub type TaskId = (&'static str, u32);

#[derive(Clone, Debug, PartialEq)]
pub struct Attendee {
    pub name: String,
    /// The latest verdicts per exercise (the key is the exercise's dir).
    pub exercises: BTreeMap<&'static str, ExerciseView>,
    /// The first task not passed, in the course's order, with the time
    /// (ms since the Unix epoch) it became the current one; `None` once
    /// everything shared has passed.
    pub current: Option<(TaskId, u64)>,
    pub last_seen: u64,
    pub checks: u64,
}

impl Attendee {
    pub fn status(&self, (dir, number): TaskId) -> Option<Status> {
        let e = self.exercises.get(dir)?;
        e.tasks
            .iter()
            .find(|t| t.number == number)
            .map(|t| t.status)
    }

    pub fn explanation(&self, (dir, number): TaskId) -> Option<&str> {
        let e = self.exercises.get(dir)?;
        if let Some(err) = &e.build_error {
            return Some(err);
        }
        e.tasks.iter().find(|t| t.number == number)?.explanation()
    }
}

#[derive(Default)]
pub struct Room {
    /// By name; a name is an attendee (two laptops with one name share a
    /// row, as the README says).
    pub attendees: BTreeMap<String, Attendee>,
}

/// What applying a post did.
#[derive(Debug, PartialEq)]
pub enum Applied {
    /// The room changed: the post goes into the journal.
    Changed,
    /// The same verdicts again (a re-check without an edit).
    Same,
    /// A new name past [`MAX_ATTENDEES`].
    Full,
}

impl Room {
    /// Applies one attendee's check, received at `at` (ms since epoch).
    pub fn apply(&mut self, post: &Post, at: u64) -> Applied {
        if !self.attendees.contains_key(&post.name) && self.attendees.len() >= MAX_ATTENDEES {
            return Applied::Full;
        }
        let a = self
            .attendees
            .entry(post.name.clone())
            .or_insert_with(|| Attendee {
                name: post.name.clone(),
                exercises: BTreeMap::new(),
                current: None,
                last_seen: at,
                checks: 0,
            });
        a.last_seen = at;
        a.checks += 1;
        let mut changed = false;
        for e in &post.exercises {
            if a.exercises.get(e.exercise.dir) != Some(e) {
                a.exercises.insert(e.exercise.dir, e.clone());
                changed = true;
            }
        }
        let now_on = current_task(a, post);
        if a.current.map(|(task, _)| task) != now_on {
            a.current = now_on.map(|task| (task, at));
            changed = true;
        }
        if changed {
            Applied::Changed
        } else {
            Applied::Same
        }
    }

    /// Every task of the course, in order: the board's columns.
    pub fn columns() -> Vec<(&'static Exercise, TaskId)> {
        course::EXERCISES
            .iter()
            .flat_map(|e| e.tasks.iter().map(move |t| (*e, (e.dir, t.number))))
            .collect()
    }

    /// Tasks with attendees on them, busiest first: the task, how many
    /// are on it, and how long the longest-waiting of them has been.
    pub fn crowded(&self, now: u64) -> Vec<(TaskId, usize, u64)> {
        let mut on: BTreeMap<TaskId, (usize, u64)> = BTreeMap::new();
        for a in self.attendees.values() {
            if let Some((task, since)) = a.current {
                let slot = on.entry(task).or_default();
                slot.0 += 1;
                slot.1 = slot.1.max(now.saturating_sub(since));
            }
        }
        let mut list: Vec<(TaskId, usize, u64)> =
            on.into_iter().map(|(t, (n, ms))| (t, n, ms)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        list
    }

    /// The most common explanation of `task` among the attendees whose
    /// latest verdict on it is a failure (not a pass, not "not started"),
    /// with how many share it and how many fail it at all.
    pub fn common_explanation(&self, task: TaskId) -> Option<(String, usize, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut failing = 0;
        for a in self.attendees.values() {
            match a.status(task) {
                Some(Status::Pass | Status::NotStarted) | None => continue,
                Some(_) => failing += 1,
            }
            if let Some(why) = a.explanation(task) {
                *counts.entry(why).or_default() += 1;
            }
        }
        // Ties go to the alphabetically first text: the page must not
        // flicker between equal answers.
        let (text, n) =
            counts
                .into_iter()
                .fold(None::<(&str, usize)>, |best, (t, n)| match best {
                    Some((_, m)) if m >= n => best,
                    _ => Some((t, n)),
                })?;
        Some((text.to_string(), n, failing))
    }
}

/// The task an attendee is on after `post`: the first unpassed task of
/// the exercises just checked (what they are working on), else the
/// first unpassed task of everything they have shared.
fn current_task(a: &Attendee, post: &Post) -> Option<TaskId> {
    let first_open = |e: &ExerciseView| {
        e.exercise
            .tasks
            .iter()
            .find(|spec| {
                e.tasks
                    .iter()
                    .find(|t| t.number == spec.number)
                    .is_none_or(|t| t.status != Status::Pass)
            })
            .map(|spec| (e.exercise.dir, spec.number))
    };
    let mut checked: Vec<&ExerciseView> = post.exercises.iter().collect();
    checked.sort_by_key(|e| course_index(e.exercise));
    checked
        .into_iter()
        .find_map(first_open)
        .or_else(|| a.exercises.values().find_map(first_open))
}

fn course_index(e: &Exercise) -> usize {
    course::EXERCISES
        .iter()
        .position(|x| x.dir == e.dir)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{TaskView, TestView};

    fn post(name: &str, statuses: &[(u32, Status, &str)]) -> Post {
        let exercise = course::EXERCISES[0];
        Post {
            name: name.into(),
            exercises: vec![ExerciseView {
                exercise,
                earned: 0,
                build_error: None,
                tasks: statuses
                    .iter()
                    .map(|(n, s, m)| TaskView {
                        number: *n,
                        status: *s,
                        earned: 0,
                        tests: vec![TestView {
                            name: "t".into(),
                            status: *s,
                            message: m.to_string(),
                        }],
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn the_current_task_and_its_clock_follow_progress() {
        let dir = course::EXERCISES[0].dir;
        let mut room = Room::default();
        let stuck = post(
            "ann",
            &[
                (1, Status::Fail, "closed early"),
                (2, Status::NotStarted, ""),
            ],
        );
        assert_eq!(room.apply(&stuck, 1_000), Applied::Changed);
        assert_eq!(room.apply(&stuck, 5_000), Applied::Same);
        assert_eq!(room.attendees["ann"].current, Some(((dir, 1), 1_000)));
        let next = post("ann", &[(1, Status::Pass, ""), (2, Status::Fail, "full")]);
        assert_eq!(room.apply(&next, 9_000), Applied::Changed);
        assert_eq!(room.attendees["ann"].current, Some(((dir, 2), 9_000)));
    }

    #[test]
    fn the_crowd_and_its_most_common_explanation() {
        let dir = course::EXERCISES[0].dir;
        let mut room = Room::default();
        room.apply(&post("a", &[(1, Status::Fail, "closed early")]), 0);
        room.apply(&post("b", &[(1, Status::Deadlock, "closed early")]), 10);
        room.apply(&post("c", &[(1, Status::Fail, "lost a dish")]), 20);
        room.apply(&post("d", &[(1, Status::Pass, "")]), 30);
        let crowded = room.crowded(1_000);
        assert_eq!(crowded[0], ((dir, 1), 3, 1_000));
        assert_eq!(
            room.common_explanation((dir, 1)),
            Some(("closed early".to_string(), 2, 3))
        );
    }

    #[test]
    fn invented_names_cannot_grow_the_room_without_bound() {
        let mut room = Room::default();
        for i in 0..MAX_ATTENDEES {
            room.apply(&post(&format!("n{i}"), &[(1, Status::Fail, "")]), 0);
        }
        assert_eq!(room.apply(&post("one more", &[]), 0), Applied::Full);
        assert_eq!(
            room.apply(&post("n1", &[(1, Status::Pass, "")]), 0),
            Applied::Changed
        );
    }
}
