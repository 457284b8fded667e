//! Compile errors in the hidden tests, told in terms of the learner's code.
//!
//! The hidden tests call the exercise's items exactly as the stub declares
//! them. When the learner renames, removes or re-signs one of them, rustc
//! reports the error inside the hidden tests, names a file the learner
//! never opened and may suggest editing it. This module names instead the
//! item, its task, the stub's signature next to the learner's, and the way
//! back (`reset`).

use crate::build::shadow::Target;
use crate::model::course::{Exercise, Paths};
use crate::model::results::CompileError;
use std::collections::BTreeSet;

/// One compiler error located in the hidden tests.
#[derive(Clone, Debug)]
pub struct HiddenError {
    /// rustc's one-line message, e.g. "cannot find function `waiter`".
    pub message: String,
    /// The source line(s) of the hidden test the error points at.
    pub snippet: String,
}

/// Whether a diagnostic's file is one of the course's hidden tests.
pub fn in_hidden_tests(file: &str) -> bool {
    file.replace('\\', "/").contains("checker/hidden/")
}

/// The public items of a stub: functions (with their tasks) and types.
fn stub_items(stub: &str) -> Vec<(String, BTreeSet<u32>)> {
    let fns = crate::model::stubcode::task_functions(stub);
    let mut items: Vec<(String, BTreeSet<u32>)> = fns.into_iter().collect();
    for line in stub.lines() {
        let t = line.trim_start();
        for kw in ["pub struct ", "pub enum ", "pub type "] {
            if let Some(rest) = t.strip_prefix(kw) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    // A type belongs to the tasks whose functions use it.
                    let tasks = items_using(stub, &name);
                    items.push((name, tasks));
                }
            }
        }
    }
    items
}

/// The tasks whose functions mention `ty` in their signature.
fn items_using(stub: &str, ty: &str) -> BTreeSet<u32> {
    let mut tasks = BTreeSet::new();
    for (f, ts) in crate::model::stubcode::task_functions(stub) {
        if signature(stub, &f).is_some_and(|s| has_word(&s, ty)) {
            tasks.extend(ts);
        }
    }
    tasks
}

fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].chars().next_back().is_some_and(ident)
            && !text[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// The line (0-based) where `name` is declared as a fn or type.
fn declaration_line(src: &str, name: &str) -> Option<usize> {
    src.lines().position(|l| {
        let t = l.trim_start();
        let t = t.strip_prefix("pub ").unwrap_or(t);
        let t = t.strip_prefix("async ").unwrap_or(t);
        ["fn ", "struct ", "enum ", "type "].iter().any(|kw| {
            t.strip_prefix(kw).is_some_and(|rest| {
                rest.starts_with(name)
                    && !rest[name.len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
    })
}

/// The declaration of `name` on one line: a function's signature up to its
/// body, a type's definition without comments.
fn signature(src: &str, name: &str) -> Option<String> {
    let start = declaration_line(src, name)?;
    let mut text = String::new();
    let mut depth = 0i32;
    let is_fn = src.lines().nth(start).is_some_and(|l| l.contains("fn "));
    for line in src.lines().skip(start) {
        let code = line.split("//").next().unwrap_or("");
        if is_fn && let Some(i) = code.find('{') {
            text.push_str(&code[..i]);
            break;
        }
        text.push_str(code);
        text.push(' ');
        depth += code.matches(['{', '(']).count() as i32;
        depth -= code.matches(['}', ')']).count() as i32;
        if !is_fn && depth <= 0 && (code.contains('}') || code.trim_end().ends_with(';')) {
            break;
        }
    }
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if one_line.chars().count() > 160 {
        format!("{}…", one_line.chars().take(160).collect::<String>())
    } else {
        one_line
    })
}

/// Where in the learner's file to point for `name`: a function's own line;
/// for a type, the line of the first function whose signature uses it, so
/// that a report naming the task from the function around a location names
/// the type's task.
fn anchor_line(stub: &str, learner: &str, name: &str) -> Option<usize> {
    let fns = crate::model::stubcode::task_functions(stub);
    if fns.contains_key(name) {
        return declaration_line(learner, name);
    }
    fns.keys()
        .filter(|f| signature(stub, f).is_some_and(|sig| has_word(&sig, name)))
        .filter_map(|f| declaration_line(learner, f))
        .min()
        .or_else(|| declaration_line(learner, name))
}

/// The stub's items that `errors` are about, in the order they occur.
fn items_involved(items: &[(String, BTreeSet<u32>)], errors: &[HiddenError]) -> Vec<usize> {
    let mut out = Vec::new();
    for e in errors {
        let named = e
            .message
            .split('`')
            .skip(1)
            .step_by(2)
            .find_map(|w| items.iter().position(|(n, _)| n == w));
        let found = named.or_else(|| {
            // A mismatch names types, not the function: look for an item
            // called (or used) on the offending line.
            items
                .iter()
                .position(|(n, _)| crate::model::stubcode::calls(&e.snippet, n))
                .or_else(|| items.iter().position(|(n, _)| has_word(&e.snippet, n)))
        });
        if let Some(i) = found
            && !out.contains(&i)
        {
            out.push(i);
        }
    }
    out
}

fn tasks_text(tasks: &BTreeSet<u32>) -> String {
    match tasks.len() {
        0 => String::new(),
        1 => format!(" (task {})", tasks.first().unwrap_or(&0)),
        _ => {
            let all: Vec<String> = tasks.iter().map(u32::to_string).collect();
            let (last, rest) = all.split_last().expect("two or more");
            format!(" (tasks {} and {last})", rest.join(", "))
        }
    }
}

/// The learner-facing error for errors in `t`'s hidden tests.
pub fn explain(paths: &Paths, t: &Target, errors: &[HiddenError]) -> CompileError {
    let e: &Exercise = t.exercise;
    let stub = std::fs::read_to_string(paths.stub(e).join("src/lib.rs")).unwrap_or_default();
    let staged = t.staged(paths).join("src/lib.rs");
    let learner = std::fs::read_to_string(&staged).unwrap_or_default();
    let items = stub_items(&stub);
    let involved = items_involved(&items, errors);
    let reset = paths.command(&format!("reset {}", e.number()));
    let file = paths.display(&staged);

    let mut text = String::new();
    let mut location = None;
    let missing: Vec<usize> = involved
        .iter()
        .copied()
        .filter(|i| declaration_line(&learner, &items[*i].0).is_none())
        .collect();
    if missing.len() >= 3 && missing.len() == involved.len() {
        let names: Vec<String> = missing
            .iter()
            .map(|i| format!("`{}`{}", items[*i].0, tasks_text(&items[*i].1)))
            .collect();
        text.push_str(&format!(
            "the hidden tests cannot use your code: your src/lib.rs lacks {} items of the stub \
             that they use: {}. Was the file emptied or replaced? Every task needs the stub's \
             items with their names and signatures; only the bodies are yours.\n",
            missing.len(),
            names.join(", ")
        ));
    } else if involved.is_empty() {
        text.push_str(&format!(
            "the hidden tests cannot use your code: something the stub declares was changed or \
             removed in src/lib.rs. Compare your items with the stub's \
             (checker/stubs/{}/src/lib.rs); the bodies are yours, the names and signatures are \
             not.\n",
            e.dir
        ));
    } else {
        let shown = involved.len().min(4);
        text.push_str(&format!(
            "the hidden tests cannot use your code: {} {} not match the stub.\n",
            involved[..shown]
                .iter()
                .map(|i| format!("`{}`{}", items[*i].0, tasks_text(&items[*i].1)))
                .collect::<Vec<_>>()
                .join(", "),
            if shown == 1 { "does" } else { "do" },
        ));
        for i in &involved[..shown] {
            let name = &items[*i].0;
            let want = signature(&stub, name).unwrap_or_default();
            let have = signature(&learner, name);
            text.push_str(&format!("\n  the stub: {want}\n"));
            match &have {
                Some(h) if *h == want => text.push_str(
                    "  yours:    the same (the error is in how something it uses changed)\n",
                ),
                Some(h) => text.push_str(&format!("  yours:    {h}\n")),
                None => text.push_str("  yours:    (not in your src/lib.rs)\n"),
            }
            if location.is_none() && have.is_some() {
                location =
                    anchor_line(&stub, &learner, name).map(|line| format!("{file}:{}:1", line + 1));
            }
        }
        if involved.len() > shown {
            text.push_str(&format!(
                "\n  ...and {} more item(s) of the stub.\n",
                involved.len() - shown
            ));
        }
        text.push_str(
            "\nThe tests call every item exactly as the stub declares it: keep the names, \
             parameters and return types, and change only the bodies.\n",
        );
    }
    if let Some(first) = errors.first() {
        text.push_str(&format!("(rustc: {})\n", first.message));
    }
    text.push_str(&format!(
        "To start this exercise over from the stub, run `{reset}` (your version is kept as a \
         backup)."
    ));
    CompileError {
        first: text,
        location: Some(location.unwrap_or(file)),
        error_count: errors.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUB: &str = "\
/// What a chef could not deliver.
#[derive(Debug)]
pub struct Unserved {
    /// The dishes.
    pub dishes: Vec<u32>,
}

/// Task 4 — reporting.
pub async fn chef_reporting(belt: mpsc::Sender<u32>, dishes: u32) -> Result<(), Unserved> {
    todo!()
}

/// Task 5 — offer.
pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {
    todo!()
}
";

    #[test]
    fn names_the_item_its_task_and_both_signatures() {
        let items = stub_items(STUB);
        let errors = [HiddenError {
            message: "mismatched types".to_string(),
            snippet: "    expect_eq!(offer(&tx, 1), Offer::Accepted, \"..\");".to_string(),
        }];
        let involved = items_involved(&items, &errors);
        assert_eq!(items[involved[0]].0, "offer");
        assert_eq!(tasks_text(&items[involved[0]].1), " (task 5)");
        assert_eq!(
            signature(STUB, "offer").unwrap(),
            "pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer"
        );
    }

    #[test]
    fn a_call_is_matched_as_a_whole_name() {
        let stub = "/// Task 1 — one.\npub async fn cook(id: usize) {\n    todo!()\n}\n\n/// Task 2 — sort.\npub async fn sort_by_cook(n: usize) {\n    todo!()\n}\n";
        let items = stub_items(stub);
        let errors = [HiddenError {
            message: "mismatched types".to_string(),
            snippet: "    let sorted = sort_by_cook(rx, 4).await;".to_string(),
        }];
        let involved = items_involved(&items, &errors);
        assert_eq!(items[involved[0]].0, "sort_by_cook");
    }

    #[test]
    fn a_type_belongs_to_the_tasks_that_use_it() {
        let items = stub_items(STUB);
        let errors = [HiddenError {
            message: "cannot find struct, variant or union type `Unserved` in this scope"
                .to_string(),
            snippet: String::new(),
        }];
        let involved = items_involved(&items, &errors);
        assert_eq!(items[involved[0]].0, "Unserved");
        assert_eq!(tasks_text(&items[involved[0]].1), " (task 4)");
        assert_eq!(
            signature(STUB, "Unserved").unwrap(),
            "pub struct Unserved { pub dishes: Vec<u32>, }"
        );
    }
}
