//! GitHub Classroom: the result a custom autograding step hands to
//! `classroom-resources/autograding-grading-reporter`, as a base64 JSON
//! value in the step's `result` output (a test per task, with points, and
//! whether the code under test was contained).

use checker::model::grading::Graded;
use checker::model::results::Status;
use checker::report::{feedback, seconds};
use checker::util::json::{Object, array};

/// The most the `result=` line may take. The reporter reads it from an
/// environment variable, and Linux refuses a variable over 128 KiB; a step's
/// outputs may total 1 MB.
pub const MAX_LINE: usize = 96 * 1024;

pub fn render(g: &Graded, contained: bool) -> String {
    // Long feedback is cut until the line fits; the grading step's log
    // holds the full human report.
    for cap in [1024, 256, 0] {
        let line = format!(
            "result={}\n",
            base64(document(g, contained, cap).as_bytes())
        );
        if line.len() <= MAX_LINE {
            return line;
        }
    }
    format!("result={}\n", base64(document(g, contained, 0).as_bytes()))
}

fn document(g: &Graded, contained: bool, message_cap: usize) -> String {
    let mut tests = Vec::new();
    for e in &g.exercises {
        for t in &e.tasks {
            let time = seconds(t.tests.iter().map(|x| x.wall_ms).sum());
            let mut message = feedback(e, t);
            if message_cap == 0 && !message.is_empty() {
                message = "see the log of the grading step".to_string();
            } else {
                checker::model::cap::text(&mut message, message_cap);
            }
            tests.push(
                Object::new()
                    .str("name", &format!("{} task {}: {}", e.dir, t.number, t.item))
                    .str(
                        "status",
                        if t.status == Status::Pass {
                            "pass"
                        } else {
                            "fail"
                        },
                    )
                    .str("message", &message)
                    .str(
                        "test_code",
                        &format!("cargo run -p checker -- check {}", &e.dir[..2]),
                    )
                    .str("filename", &format!("exercises/{}/src/lib.rs", e.dir))
                    .int("line_no", 0)
                    .str("execution_time", &format!("{time:.3}s"))
                    .int("score", t.earned.into())
                    .finish(),
            );
        }
    }
    Object::new()
        .int("version", 1)
        .str(
            "status",
            if g.earned() == g.max() {
                "pass"
            } else {
                "fail"
            },
        )
        .int("max_score", g.max().into())
        // Not read by the reporter; kept in the step's output for anyone
        // who asks whether the code under test was contained.
        .bool("contained", contained)
        .raw("tests", &array(tests))
        .finish()
}

/// Standard base64 with padding. A dozen lines here spare every learner
/// another crate to compile.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_4648_examples() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64(plain.as_bytes()), encoded);
        }
    }
}
