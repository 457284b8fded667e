//! Exercise 01's tasks, points and hints.

use crate::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "01-bounded-send",
    lib: "bounded_send",
    title: "bounded send (backpressure)",
    compare: "Look at where the chef waits: the reference awaits `send` (or `reserve`) once per dish and never loops on `try_send`. `run_kitchen` moves `tx` into the chef, so the waiter's loop ends when the chef is done; `chef_reporting` takes the dish back out of `SendError`; `cook_when_space` holds a permit before it cooks.",
    tasks: &[
        Task {
            number: 1,
            item: "waiter",
            title: "receive until the belt closes",
            points: 1,
            hints: &[
                "`recv().await` gives `Some(dish)` while dishes can still come, and `None` once every `Sender` is gone and the belt is empty.",
                "Loop with `while let Some(dish) = belt.recv().await { ... }` and push each dish into a `Vec`.",
            ],
        },
        Task {
            number: 2,
            item: "chef",
            title: "send and wait when the belt is full",
            points: 2,
            hints: &[
                "`send(dish).await` waits for a free slot: that wait is the backpressure. Do not work around it.",
                "`try_send` drops or rejects dishes when the belt is full, and keeping your own queue hides the backpressure: use `belt.send(dish).await` for each dish in order.",
                "`send` returns `Err` when the waiter is gone: stop then (`if belt.send(dish).await.is_err() { return; }`).",
            ],
        },
        Task {
            number: 3,
            item: "run_kitchen",
            title: "producer and consumer run together",
            points: 2,
            hints: &[
                "Create the belt with `mpsc::channel(belt_size)`; the chef and the waiter must run concurrently, or a chef with more dishes than the belt holds waits forever.",
                "Spawn both with `tokio::spawn` (or run them with `tokio::join!`), then await the waiter's result.",
                "The waiter only stops when every `Sender` is gone: move `tx` into the chef instead of keeping a copy in `run_kitchen`.",
            ],
        },
        Task {
            number: 4,
            item: "chef_reporting",
            title: "receiver gone: get the dish back",
            points: 2,
            hints: &[
                "When the receiver is gone, `send` fails with `SendError(dish)`: the error hands the dish back.",
                "On the first failed send, return `Err(Unserved { dishes })` with the failed dish (`err.0`) followed by every dish you have not tried yet.",
            ],
        },
        Task {
            number: 5,
            item: "offer",
            title: "try_send: full or closed",
            points: 1,
            hints: &[
                "`try_send` never waits: it succeeds, or says why not.",
                "Match on `TrySendError::Full(dish)` and `TrySendError::Closed(dish)` (from `tokio::sync::mpsc::error`).",
            ],
        },
        Task {
            number: 6,
            item: "cook_when_space",
            title: "reserve a slot before producing",
            points: 2,
            hints: &[
                "Cooking before `send` means a dish can be ready while the belt is full. Claim the slot first.",
                "`belt.reserve().await` waits for a free slot and gives a `Permit`; then `permit.send(cook(n))` cannot fail.",
                "If `reserve()` returns `Err`, the waiter is gone: stop without cooking.",
            ],
        },
    ],
};
