//! Exercise 03's tasks, points and hints.
//!
//! Contract → tests (every sentence of each doc comment in `src/lib.rs`;
//! keep this map in step when a contract or a test changes):
//!
//! * `Order::Count` answers the count, 0 if never stored, never changes the
//!   stock; `Order::Store` adds and answers the new count →
//!   `keeper_answers_orders_in_turn` (task 1).
//! * `pantry_keeper` (task 1): one order at a time, in arrival order, each
//!   answered before the next, empty shelves at first →
//!   `keeper_answers_orders_in_turn`; runs until the hatch is closed, then
//!   returns every stored item → `keeper_waits_for_orders_and_closes_with_the_hatch`,
//!   `keeper_answers_orders_in_turn`.
//! * `pantry_keeper` (task 4): a waiter gone before its answer: the order is
//!   still carried out, the answer dropped, the next order served, no panic
//!   or stop → `keeper_serves_the_next_waiter_after_one_left`,
//!   `keeper_stays_open_after_a_waiter_left`.
//! * `Pantry::new`, `count`, `store` (task 2): one order per call, the
//!   keeper's answer returned → `handle_sends_one_order_per_call` (a
//!   scripted keeper); clones share the keeper, each gets its own answer →
//!   `each_clone_gets_its_own_answer`.
//! * `Pantry::open` (task 2): hatch of `hatch_size`, spawns `pantry_keeper`,
//!   the `JoinHandle` yields the stock once every clone is dropped →
//!   `open_spawns_the_keeper` (runs the learner's task-1 keeper, but checks
//!   only that answers arrive and which items the stock holds, not the
//!   keeper's arithmetic; the hatch's exact capacity is not observable
//!   from outside).
//! * `count`, `store` (task 3): `Err(Closed)`, never a panic, when the order
//!   cannot be sent → `closed_hatch_is_an_error`; when the slip is dropped
//!   unanswered → `dropped_slip_is_an_error`,
//!   `keeper_leaving_with_an_order_in_the_hatch_is_an_error`.
//! * `count_within` (task 5): `Ok` as soon as the answer arrives →
//!   `count_within_answers_as_soon_as_it_can`, `deadline_timeline`;
//!   `Closed` as soon as known → `count_within_reports_a_closed_pantry`;
//!   `TimedOut` right at the deadline, the reply receiver dropped →
//!   `count_within_gives_up_at_the_deadline`, `deadline_timeline`; the
//!   deadline covers waiting for room → `count_within_deadline_covers_a_full_hatch`.

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "03-oneshot-reply",
    lib: "oneshot_reply",
    title: "oneshot reply (request/response, actors)",
    compare: "Look at the shape of the actor: one task owns the stock, every order carries its own oneshot reply slip, the handle turns both failures (hatch closed, slip dropped) into `PantryError::Closed`, the keeper ignores a failed reply `send` and carries on, and `count_within` wraps the whole exchange in one `timeout`.",
    component: None,
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
