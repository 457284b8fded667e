//! Reading what an attendee's checker sends (`share/v1`), as hostile input.
//!
//! Anyone on the room's network can send anything, so the document is
//! measured before it is parsed (size, then nesting depth: the JSON
//! parser recurses, and ten thousand `[` would overflow a worker
//! thread's stack), then checked against the course itself: exercise
//! names and task numbers must be the course's, verdicts must be the
//! checker's. What the board keeps is its own copy of the few fields it
//! draws, each clipped; titles come from the course, never the sender.

use checker::model::course::{self, Exercise};
use checker::model::results::Status;
use checker::report::share::SCHEMA;
use checker::util::json::{self, Object, View, array};

/// The largest document taken, in bytes. A whole course's share is
/// about 12 KiB; a full check/v1 report of it about 40 KiB.
pub const MAX_BYTES: usize = 64 * 1024;
/// Deepest nesting taken: share/v1 needs five levels.
pub const MAX_DEPTH: usize = 12;
/// The longest name, message and test name kept, in characters.
pub const NAME_CHARS: usize = 32;
pub const MESSAGE_CHARS: usize = 300;
const TEST_NAME_CHARS: usize = 80;

/// One attendee's check, as the board keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Post {
    pub name: String,
    pub exercises: Vec<ExerciseView>,
}

#[derive(Clone)]
pub struct ExerciseView {
    pub exercise: &'static Exercise,
    pub earned: u32,
    /// The first line of the compile error, if it did not build.
    pub build_error: Option<String>,
    pub tasks: Vec<TaskView>,
}

// By hand: the course's `Exercise` is compared by its name.
impl PartialEq for ExerciseView {
    fn eq(&self, other: &Self) -> bool {
        self.exercise.dir == other.exercise.dir
            && self.earned == other.earned
            && self.build_error == other.build_error
            && self.tasks == other.tasks
    }
}

impl std::fmt::Debug for ExerciseView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExerciseView")
            .field("exercise", &self.exercise.dir)
            .field("earned", &self.earned)
            .field("build_error", &self.build_error)
            .field("tasks", &self.tasks)
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskView {
    pub number: u32,
    pub status: Status,
    pub earned: u32,
    pub tests: Vec<TestView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestView {
    pub name: String,
    pub status: Status,
    pub message: String,
}

impl TaskView {
    /// What the room reads as the reason: the first failing test's
    /// message (the checker's own choice of the task's verdict).
    pub fn explanation(&self) -> Option<&str> {
        self.tests
            .iter()
            .find(|t| t.status == self.status && !t.message.is_empty())
            .or_else(|| self.tests.iter().find(|t| !t.message.is_empty()))
            .map(|t| t.message.as_str())
    }
}

/// Why a document was refused, in a sentence for the sender.
pub type Refusal = String;

/// Reads a share/v1 document sent with join code `code`.
pub fn read(body: &[u8], code: &str) -> Result<Post, Refusal> {
    if body.len() > MAX_BYTES {
        return Err(format!("too large: at most {MAX_BYTES} bytes"));
    }
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8 text".to_string())?;
    if depth(text) > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    let doc = json::parse(text).ok_or("not a JSON document")?;
    let root = View::new(&doc);
    match root.get("schema").str() {
        Some(SCHEMA) => {}
        _ => return Err(format!("not a `{SCHEMA}` document")),
    }
    if !root
        .get("code")
        .str()
        .is_some_and(|c| c.eq_ignore_ascii_case(code))
    {
        return Err("wrong join code: use the one the board shows".to_string());
    }
    let post = post_of(root)?;
    Ok(post)
}

/// The name and exercises of a document (share/v1, or a journal line).
pub fn post_of(root: View) -> Result<Post, Refusal> {
    let name = root.get("name").str().unwrap_or("").trim();
    if name.is_empty() || name.chars().count() > NAME_CHARS || name.chars().any(char::is_control) {
        return Err(format!(
            "`name` must be 1 to {NAME_CHARS} characters without control characters"
        ));
    }
    if !root.get("exercises").is_array() {
        return Err("`exercises` must be a list".to_string());
    }
    let mut exercises: Vec<ExerciseView> = Vec::new();
    for e in root.get("exercises").items() {
        let view = exercise_of(e)?;
        if exercises
            .iter()
            .any(|x| x.exercise.dir == view.exercise.dir)
        {
            return Err(format!("{} is listed twice", view.exercise.dir));
        }
        exercises.push(view);
    }
    Ok(Post {
        name: name.to_string(),
        exercises,
    })
}

fn exercise_of(e: View) -> Result<ExerciseView, Refusal> {
    let dir = e.get("exercise").str().unwrap_or("");
    let exercise = course::EXERCISES
        .iter()
        .copied()
        .find(|x| x.dir == dir)
        .ok_or_else(|| format!("`{}` is not an exercise of this course", clip(dir, 40)))?;
    let mut tasks: Vec<TaskView> = Vec::new();
    for t in e.get("tasks").items() {
        let number = t.get("task").u64().unwrap_or(0) as u32;
        let Some(spec) = exercise.task(number) else {
            return Err(format!("{dir} has no task {number}"));
        };
        if tasks.iter().any(|x| x.number == number) {
            return Err(format!("{dir} task {number} is listed twice"));
        }
        let status = verdict(t.get("status"))?;
        let earned = t.get("earned").u64().unwrap_or(0).min(spec.points.into()) as u32;
        let tests = t
            .get("tests")
            .items()
            .take(32)
            .map(|x| {
                Ok(TestView {
                    name: clip(x.get("name").str().unwrap_or(""), TEST_NAME_CHARS),
                    status: verdict(x.get("status"))?,
                    message: clip(x.get("message").str().unwrap_or(""), MESSAGE_CHARS),
                })
            })
            .collect::<Result<_, Refusal>>()?;
        tasks.push(TaskView {
            number,
            status,
            earned,
            tests,
        });
    }
    tasks.sort_by_key(|t| t.number);
    let err = e.get("compile_error");
    Ok(ExerciseView {
        exercise,
        earned: tasks.iter().map(|t| t.earned).sum(),
        build_error: err
            .is_object()
            .then(|| clip(err.get("message").str().unwrap_or(""), MESSAGE_CHARS)),
        tasks,
    })
}

fn verdict(v: View) -> Result<Status, Refusal> {
    let key = v.str().unwrap_or("");
    Status::from_key(key).ok_or_else(|| format!("`{}` is not a verdict", clip(key, 20)))
}

/// The deepest nesting of `[` and `{` outside strings.
fn depth(text: &str) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// At most `max` characters of `text`, control characters replaced.
pub fn clip(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if text.chars().count() > max {
        out.pop();
        out.push('…');
    }
    out
}

/// The post as a share/v1-shaped document without the code: a journal
/// line's body, and the shape the class report reads (check/v1's names).
pub fn write(post: &Post) -> String {
    Object::new()
        .str("name", &post.name)
        .raw(
            "exercises",
            &array(post.exercises.iter().map(exercise_json)),
        )
        .finish()
}

/// One exercise in check/v1's field names, for the journal and the class
/// report.
pub fn exercise_json(e: &ExerciseView) -> String {
    let compile_error = e
        .build_error
        .as_ref()
        .map(|m| Object::new().str("message", m).finish());
    let tasks = array(e.tasks.iter().map(|t| {
        let spec = e.exercise.task(t.number).expect("read checked the task");
        Object::new()
            .int("task", t.number.into())
            .str("item", spec.item)
            .str("title", spec.title)
            .int("points", spec.points.into())
            .int("earned", t.earned.into())
            .str("status", t.status.key())
            .raw(
                "tests",
                &array(t.tests.iter().map(|x| {
                    Object::new()
                        .str("name", &x.name)
                        .str("status", x.status.key())
                        .str("message", &x.message)
                        .finish()
                })),
            )
            .finish()
    }));
    Object::new()
        .str("exercise", e.exercise.dir)
        .str("title", e.exercise.title)
        .int("earned", e.earned.into())
        .int("max", e.exercise.max_points().into())
        .raw_or_null("compile_error", compile_error.as_deref())
        .raw("tasks", &tasks)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(name: &str, exercise: &str, task: u32, status: &str) -> String {
        format!(
            r#"{{"schema":"{SCHEMA}","code":"abc","name":"{name}","exercises":[{{"exercise":"{exercise}",
            "earned":0,"max":1,"compile_error":null,"tasks":[{{"task":{task},"status":"{status}","earned":0,
            "tests":[{{"name":"t","status":"{status}","message":"m"}}]}}]}}]}}"#
        )
    }

    #[test]
    fn a_share_reads_back_and_round_trips_through_the_journal_shape() {
        let e = course::EXERCISES[0].dir;
        let post = read(doc("ann", e, 1, "fail").as_bytes(), "ABC").unwrap();
        assert_eq!(post.name, "ann");
        assert_eq!(post.exercises[0].tasks[0].status, Status::Fail);
        assert_eq!(post.exercises[0].tasks[0].explanation(), Some("m"));
        let again = json::parse(&write(&post)).unwrap();
        assert_eq!(post_of(View::new(&again)).unwrap(), post);
    }

    #[test]
    fn hostile_documents_are_refused_with_a_reason() {
        let e = course::EXERCISES[0].dir;
        let refused = |body: &[u8]| read(body, "ABC").unwrap_err();
        assert!(
            read(doc("ann", e, 1, "fail").as_bytes(), "XYZ")
                .unwrap_err()
                .contains("join code")
        );
        assert!(refused(b"\xff\xfe").contains("UTF-8"));
        assert!(refused(b"{").contains("JSON"));
        assert!(refused(&vec![b' '; MAX_BYTES + 1]).contains("too large"));
        let deep = "[".repeat(50_000);
        assert!(refused(deep.as_bytes()).contains("nested"));
        assert!(refused(doc("ann", "99-nope", 1, "fail").as_bytes()).contains("not an exercise"));
        assert!(refused(doc("ann", e, 99, "fail").as_bytes()).contains("no task 99"));
        assert!(refused(doc("ann", e, 1, "great").as_bytes()).contains("not a verdict"));
        assert!(refused(doc("", e, 1, "fail").as_bytes()).contains("name"));
        assert!(refused(doc(&"n".repeat(33), e, 1, "fail").as_bytes()).contains("name"));
        assert!(refused(br#"{"schema":"tokio-channels-course/check/v1"}"#).contains("share/v1"));
    }

    #[test]
    fn brackets_inside_strings_do_not_count_as_depth() {
        assert_eq!(depth(r#"{"a":"[[[[\"[[["}"#), 1);
        assert_eq!(depth("[[[]]]"), 3);
    }
}
