//! The class as the report sees it, read from a `grade/v1` JSON document.
//!
//! The page is drawn from the JSON alone, never from the course the report
//! is rendered in: a report made later from a CI job's artefact must show
//! exactly what was graded then, even if the course has changed since.
//! Fields a newer checker adds are read when present; a report written by
//! an older one simply lacks them and the page says "not recorded".

use checker::model::results::Event;
use checker::util::json::{self, View};

pub const SCHEMA: &str = "tokio-channels-course/grade/v1";

/// How the batch was graded, as the grader recorded it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub course_commit: Option<String>,
    /// The grader's copy had uncommitted changes under `checker/`.
    pub course_modified: Option<bool>,
    pub checker_version: Option<String>,
    /// UTC, RFC 3339.
    pub graded_at: Option<String>,
    pub command: Option<String>,
    pub timeout_s: Option<f64>,
    pub jobs: Option<u64>,
    /// What contained the test processes ("unsandboxed" when nothing did).
    pub containment: Option<String>,
    /// The seed of the inputs the hidden tests varied (`grade --seed N`).
    pub seed: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub meta: Meta,
    pub seconds: f64,
    pub students: Vec<Student>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Student {
    pub name: String,
    pub earned: u64,
    pub max: u64,
    pub exercises: Vec<Exercise>,
    pub review: Vec<Finding>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub file: String,
    pub line: u64,
    pub construct: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Exercise {
    pub dir: String,
    pub title: String,
    pub earned: u64,
    pub max: u64,
    /// The compiler's first error, or the reason for a rejection.
    pub build_error: Option<BuildError>,
    pub tasks: Vec<Task>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BuildError {
    pub message: String,
    pub location: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub number: u64,
    pub item: String,
    pub title: String,
    pub points: u64,
    pub earned: u64,
    /// A verdict key (`pass`, `deadlock`, ...).
    pub status: String,
    pub tests: Vec<Test>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub name: String,
    pub status: String,
    pub message: String,
    pub diff: Option<String>,
    pub location: Option<String>,
    pub events: Vec<Event>,
    /// The expected log, as the hidden test's snapshot holds it.
    pub expected_events: Option<String>,
}

impl Task {
    /// The test whose verdict the task carries: the first that did not
    /// pass (the checker orders tests by name and takes the first).
    pub fn first_failure(&self) -> Option<&Test> {
        self.tests
            .iter()
            .find(|t| t.status != "pass" && t.status != "not_started")
            .or_else(|| self.tests.iter().find(|t| t.status != "pass"))
    }
}

/// Reads a `grade/v1` document, or says why it cannot.
pub fn read(text: &str) -> Result<Class, String> {
    let doc = json::parse(text).ok_or("not a JSON document")?;
    let root = View::new(&doc);
    match root.get("schema").str() {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(format!(
                "a `{other}` document; the class report reads `{SCHEMA}` \
                 (written by `grade --format json`)"
            ));
        }
        None => return Err(format!("no `schema` field; expected `{SCHEMA}`")),
    }
    let meta = root.get("meta");
    Ok(Class {
        meta: Meta {
            course_commit: meta.get("course_commit").opt_string(),
            course_modified: meta.get("course_modified").bool(),
            checker_version: meta.get("checker_version").opt_string(),
            graded_at: meta.get("graded_at").opt_string(),
            command: meta.get("command").opt_string(),
            timeout_s: meta.get("timeout_s").f64(),
            jobs: meta.get("jobs").u64(),
            // Older reports carried it at the top level only.
            containment: meta
                .get("containment")
                .opt_string()
                .or_else(|| root.get("containment").opt_string()),
            seed: meta.get("seed").u64(),
        },
        seconds: root.get("seconds").f64().unwrap_or(0.0),
        students: root.get("submissions").items().map(student).collect(),
    })
}

fn student(v: View) -> Student {
    Student {
        name: v.get("name").string(),
        earned: v.get("earned").u64().unwrap_or(0),
        max: v.get("max").u64().unwrap_or(0),
        exercises: v.get("exercises").items().map(exercise).collect(),
        review: v
            .get("review")
            .items()
            .map(|f| Finding {
                file: f.get("file").string(),
                line: f.get("line").u64().unwrap_or(0),
                construct: f.get("construct").string(),
            })
            .collect(),
        notes: v.get("notes").items().map(|n| n.string()).collect(),
    }
}

fn exercise(v: View) -> Exercise {
    let err = v.get("compile_error");
    Exercise {
        dir: v.get("exercise").string(),
        title: v.get("title").string(),
        earned: v.get("earned").u64().unwrap_or(0),
        max: v.get("max").u64().unwrap_or(0),
        build_error: err.is_object().then(|| BuildError {
            message: err.get("message").string(),
            location: err.get("location").opt_string(),
        }),
        tasks: v.get("tasks").items().map(task).collect(),
    }
}

fn task(v: View) -> Task {
    Task {
        number: v.get("task").u64().unwrap_or(0),
        item: v.get("item").string(),
        title: v.get("title").string(),
        points: v.get("points").u64().unwrap_or(0),
        earned: v.get("earned").u64().unwrap_or(0),
        status: v.get("status").string(),
        tests: v.get("tests").items().map(test).collect(),
    }
}

fn test(v: View) -> Test {
    Test {
        name: v.get("name").string(),
        status: v.get("status").string(),
        message: v.get("message").string(),
        diff: v.get("diff").opt_string(),
        location: v.get("location").opt_string(),
        events: v
            .get("events")
            .items()
            .map(|e| Event {
                at_ms: e.get("at_ms").u64().unwrap_or(0),
                actor: e.get("actor").string(),
                what: e.get("what").string(),
            })
            .collect(),
        expected_events: v.get("expected_events").opt_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_documents_are_refused_with_the_reason() {
        assert!(read("not json").unwrap_err().contains("not a JSON"));
        let check = r#"{"schema":"tokio-channels-course/check/v1","exercises":[]}"#;
        assert!(read(check).unwrap_err().contains("grade --format json"));
    }

    #[test]
    fn a_report_without_meta_reads_with_nothing_recorded() {
        let doc = r#"{"schema":"tokio-channels-course/grade/v1","seconds":1.5,
            "submissions":[{"name":"ann","earned":2,"max":3,"exercises":[],"review":[],"notes":["n"]}]}"#;
        let class = read(doc).unwrap();
        assert_eq!(class.meta, Meta::default());
        assert_eq!(class.students[0].name, "ann");
        assert_eq!(class.students[0].notes, ["n"]);
    }
}
