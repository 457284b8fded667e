//! Exercise 03's tasks, points and hints.

use crate::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "03-oneshot-reply",
    lib: "oneshot_reply",
    title: "oneshot reply (request/response, actors)",
    compare: "Look at the shape of the actor: one task owns the stock, every order carries its own oneshot reply slip, the handle turns both failures (hatch closed, slip dropped) into `PantryError::Closed`, the keeper ignores a failed reply `send` and carries on, and `count_within` wraps the whole exchange in one `timeout`.",
    tasks: &[
        Task {
            number: 1,
            item: "pantry_keeper",
            title: "an actor that owns its state",
            points: 2,
            hints: &[
                "The keeper owns the stock as a local variable and takes orders one at a time until the hatch is closed (`recv()` gives `None`); then it returns the stock.",
                "Match on the order: a `Count` answers without adding the item to the stock; a `Store` adds `qty` and answers the new count.",
                "Answer on the order's own slip with `oneshot::Sender::send`: it is not async and consumes the slip, one order, one answer.",
            ],
        },
        Task {
            number: 2,
            item: "Pantry",
            title: "a cloneable handle hides channels",
            points: 2,
            hints: &[
                "Each call makes a fresh `oneshot::channel()`: the `Sender` half travels inside the order, the call keeps the `Receiver` half and awaits it after sending the order.",
                "`count` and `store` differ only in the order they build: a small private helper can do the sending and waiting for both.",
                "`open` creates the hatch, spawns your task-1 keeper on its receiving end, and keeps no copy of the `Sender` besides the one in the handle, or the keeper never stops.",
            ],
        },
        Task {
            number: 3,
            item: "count",
            title: "keeper gone: an error, not a panic",
            points: 2,
            hints: &[
                "Two things can fail: sending the order (the hatch is closed) and awaiting the slip (`RecvError`: the keeper dropped it unanswered).",
                "Both mean \"no answer will ever come\": turn each into `PantryError::Closed` (`map_err`) instead of `unwrap()`ing it.",
            ],
        },
        Task {
            number: 4,
            item: "pantry_keeper",
            title: "waiter gone: the keeper carries on",
            points: 2,
            hints: &[
                "Answering a waiter who stopped waiting makes the slip's `send` return `Err`. That is one waiter's business, not the end of the pantry.",
                "Carry out the order either way (a `Store` still stores), ignore that `Err` on purpose, and go on with the next order: never `unwrap`, `break` or `return` on it.",
            ],
        },
        Task {
            number: 5,
            item: "count_within",
            title: "a deadline on the whole exchange",
            points: 3,
            hints: &[
                "`tokio::time::timeout(patience, fut)` gives `Ok(fut's output)` in time, or `Err(Elapsed)` when time ran out; under the checker's paused clock it fires exactly at the deadline.",
                "The deadline covers the whole exchange: a full hatch can make the sending wait too. What future holds both the sending and the waiting?",
                "Keep the two failures apart: a keeper that is gone is already `Err(Closed)` inside `Ok(..)`; only an elapsed deadline is `TimedOut`.",
            ],
        },
    ],
};
