//! How each verdict looks on the page: a colour, a letter (so the heatmap
//! reads in greyscale and for colour-blind readers), and the sentence the
//! legend gives it.

use checker::model::results::Status;

pub struct Look {
    pub key: &'static str,
    pub label: &'static str,
    pub letter: &'static str,
    pub background: &'static str,
    pub foreground: &'static str,
    pub meaning: &'static str,
}

/// Every verdict, in the checker's order (best first).
pub fn all() -> Vec<Look> {
    Status::ALL.iter().map(|s| look(s.key())).collect()
}

/// The look of a verdict key; an unknown key (a newer checker's) gets a
/// neutral look and its own name, never a wrong colour.
pub fn look(key: &str) -> Look {
    let label = Status::from_key(key).map_or("unknown verdict", |s| s.label());
    let (letter, background, foreground, meaning) = match key {
        "pass" => ("✓", "#2e7d32", "#ffffff", "every expectation held"),
        "not_started" => ("·", "#e0e0e0", "#424242", "reached todo!(): not started"),
        "fail" => ("F", "#ef6c00", "#ffffff", "an expectation did not hold"),
        "panic" => ("P", "#c2185b", "#ffffff", "the learner's code panicked"),
        "deadlock" => (
            "D",
            "#6a1b9a",
            "#ffffff",
            "every task waited, nothing could wake them",
        ),
        "blocked" => ("B", "#795548", "#ffffff", "blocked the runtime's thread"),
        "timeout" => (
            "T",
            "#b71c1c",
            "#ffffff",
            "still running at the deadline (busy loop)",
        ),
        "crashed" => (
            "C",
            "#37474f",
            "#ffffff",
            "the process died without a result",
        ),
        "out_of_memory" => ("M", "#ad1457", "#ffffff", "hit the memory limit"),
        "compile_error" => ("E", "#616161", "#ffffff", "the exercise does not compile"),
        "rejected" => (
            "R",
            "#000000",
            "#ffeb3b",
            "reached outside its exercise; not built",
        ),
        _ => (
            "?",
            "#ffffff",
            "#000000",
            "a verdict this report does not know",
        ),
    };
    Look {
        key: Status::from_key(key).map_or("unknown", |s| s.key()),
        label,
        letter,
        background,
        foreground,
        meaning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_has_its_own_colour_and_letter() {
        let looks = all();
        assert_eq!(looks.len(), Status::ALL.len());
        for (i, a) in looks.iter().enumerate() {
            assert_ne!(a.letter, "?", "{} has no letter", a.key);
            for b in &looks[i + 1..] {
                assert_ne!(a.background, b.background, "{} and {}", a.key, b.key);
                assert_ne!(a.letter, b.letter, "{} and {}", a.key, b.key);
            }
        }
        assert_eq!(look("made_up").letter, "?");
    }
}
