//! Grading a large class on several machines: which share of the
//! submissions a job grades (`grade --partition K/N`), and the shards'
//! JSON reports merged back into one batch (`merge`), from which every
//! report is written as if the class had been graded at once.
//!
//! A submission's shard depends on its name alone (a hash of it), never
//! on its position in a listing: a rerun, or a listing that gained a
//! late submission, puts everyone else in the same shard as before.

use crate::report::gradebook::SCHEMA;
use checker::model::course;
use checker::model::grading::{Batch, Finding, Graded, Submission};
use checker::util::json::{self, Object, View, array};
use std::path::PathBuf;

/// Whether the submission named `name` belongs to shard `k` of `n`:
/// FNV-1a of the name's bytes, so every machine and every rerun agrees.
pub fn in_shard(name: &str, k: u64, n: u64) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h % n == k - 1
}

/// The merged batch, and the `meta` of the merged report.
pub struct Merged {
    pub batch: Batch,
    pub meta: String,
}

/// What every shard must agree on: the same grader, the same course.
const SAME: &[&str] = &[
    "course_commit",
    "course_modified",
    "checker_version",
    "timeout_s",
    "containment",
];

/// Merges `grade/v1` reports (name, text) into one batch: submissions in
/// order of name (then path), times added up. Refused, with the reason:
/// a document that is not a grade report, shards graded by different
/// checkers or courses, a task list that is not this course's, and a
/// submission graded in two shards. `command` is the merge's own command
/// line, for the merged `meta`.
pub fn merge(shards: &[(String, String)], command: &str) -> Result<Merged, String> {
    let mut docs = Vec::new();
    for (name, text) in shards {
        let doc = json::parse(text).ok_or_else(|| format!("{name} is not JSON"))?;
        if View::new(&doc).get("schema").str() != Some(SCHEMA) {
            return Err(format!(
                "{name} is not a grade report (`{SCHEMA}`, written by `grade --report json=FILE`)"
            ));
        }
        docs.push(doc);
    }
    let views: Vec<View> = docs.iter().map(View::new).collect();
    let first = views
        .first()
        .ok_or("merge needs at least one shard report")?;
    for key in SAME {
        let want = first.get("meta").get(key).raw();
        for ((name, _), v) in shards.iter().zip(&views).skip(1) {
            if v.get("meta").get(key).raw() != want {
                return Err(format!(
                    "{name} was graded with a different `{key}` ({} instead of {}): shards of \
                     one class must be graded by the same copy of the course",
                    v.get("meta").get(key).raw(),
                    want
                ));
            }
        }
    }
    let mut graded: Vec<Graded> = Vec::new();
    for ((name, _), v) in shards.iter().zip(&views) {
        for s in v.get("submissions").items() {
            graded.push(submission(s).map_err(|why| format!("{name}: {why}"))?);
        }
    }
    graded.sort_by(|a, b| {
        a.submission
            .name
            .cmp(&b.submission.name)
            .then(a.submission.path.cmp(&b.submission.path))
    });
    if let Some(w) = graded
        .windows(2)
        .find(|w| w[0].submission.path == w[1].submission.path)
    {
        return Err(format!(
            "{} ({}) was graded in two shards",
            w[0].submission.name,
            w[0].submission.path.display()
        ));
    }
    let seconds = views.iter().filter_map(|v| v.get("seconds").f64()).sum();
    let containment = first.get("containment").string();
    // Every shard was graded the same way (checked above), and a contained
    // run describes itself as "sandboxed (...)".
    let contained = containment.starts_with("sandboxed");
    // Shards graded apart draw their own seeds unless `--seed` fixed one.
    let seeds: Vec<Option<u64>> = views
        .iter()
        .map(|v| v.get("meta").get("seed").u64())
        .collect();
    let seed = seeds[0].filter(|_| seeds.iter().all(|s| *s == seeds[0]));
    Ok(Merged {
        batch: Batch {
            graded,
            seconds,
            containment,
            contained,
            seed,
        },
        meta: meta(shards, &views, command, seed),
    })
}

/// The shards' common `meta`, graded when the last shard was, with the
/// merge's command and each shard's own command and time.
fn meta(shards: &[(String, String)], views: &[View], command: &str, seed: Option<u64>) -> String {
    let m = views[0].get("meta");
    let latest = views
        .iter()
        .filter_map(|v| v.get("meta").get("graded_at").str())
        .max()
        .map(str::to_string);
    let each = array(shards.iter().zip(views).map(|((name, _), v)| {
        Object::new()
            .str("report", name)
            .str_or_null("command", v.get("meta").get("command").str())
            .str_or_null("graded_at", v.get("meta").get("graded_at").str())
            .int("submissions", v.get("submissions").items().count() as u64)
            .num("seconds", v.get("seconds").f64().unwrap_or(0.0))
            .raw_or_null(
                "seed",
                v.get("meta")
                    .get("seed")
                    .u64()
                    .map(|s| s.to_string())
                    .as_deref(),
            )
            .finish()
    }));
    let mut object = Object::new()
        .str_or_null("course_commit", m.get("course_commit").str())
        .str_or_null("checker_version", m.get("checker_version").str())
        .str_or_null("graded_at", latest.as_deref())
        .str("command", command)
        .num("timeout_s", m.get("timeout_s").f64().unwrap_or(0.0))
        .int("jobs", m.get("jobs").u64().unwrap_or(0))
        .raw_or_null("seed", seed.map(|s| s.to_string()).as_deref())
        .str_or_null("containment", m.get("containment").str());
    if let Some(modified) = m.get("course_modified").bool() {
        object = object.bool("course_modified", modified);
    }
    object.raw("shards", &each).finish()
}

/// One submission of a shard, read back into the model.
fn submission(v: View) -> Result<Graded, String> {
    let name = v.get("name").string();
    let mut exercises = Vec::new();
    for e in v.get("exercises").items() {
        let dir = e.get("exercise").string();
        let known = course::EXERCISES
            .iter()
            .copied()
            .find(|x| x.dir == dir)
            .ok_or_else(|| format!("{name}: `{dir}` is not an exercise of this course"))?;
        let read = checker::report::json::read_exercise(known, e).ok_or_else(|| {
            format!(
                "{name}: `{dir}` was graded on other tasks than this course's: merge with \
                 the copy of the course that graded the shards"
            )
        })?;
        exercises.push(read);
    }
    Ok(Graded {
        submission: Submission {
            path: PathBuf::from(v.get("path").string()),
            name,
        },
        exercises,
        review: v
            .get("review")
            .items()
            .map(|f| Finding {
                file: f.get("file").string(),
                line: f.get("line").u64().unwrap_or(0) as usize,
                construct: f.get("construct").string(),
            })
            .collect(),
        notes: v.get("notes").items().map(|n| n.string()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_submission_is_in_exactly_one_shard_whatever_the_listing() {
        let names: Vec<String> = (0..200).map(|i| format!("student-{i}")).collect();
        for n in 1..=5 {
            let mut sizes = vec![0; n as usize];
            for name in &names {
                let shards: Vec<u64> = (1..=n).filter(|k| in_shard(name, *k, n)).collect();
                assert_eq!(shards.len(), 1, "{name} in {shards:?} of {n}");
                sizes[shards[0] as usize - 1] += 1;
            }
            // No shard is left idle by the hash.
            assert!(sizes.iter().all(|s| *s > 200 / n / 2), "{sizes:?}");
        }
    }
}
