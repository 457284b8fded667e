//! Exercise 01's tasks, points and hints.
//!
//! Contract → tests (every sentence of each doc comment in `src/lib.rs`;
//! keep this map in step when a contract or a test changes):
//!
//! * `runner`: takes dishes until the belt is closed and empty →
//!   `runner_waits_while_a_sender_is_alive` (not before the last `Sender`
//!   goes; woken by a dish; returns once closed); returns them in the order
//!   taken → `runner_takes_every_dish_in_order`.
//! * `chef`: dishes `1..=dishes` in order → `chef_puts_every_dish_on_the_belt_in_order`;
//!   waits for a free slot when full → `chef_waits_while_the_belt_is_full`
//!   (poll level: pending, not self-woken, woken by a free slot),
//!   `chef_backpressure_timeline`; returns when every dish is on the belt →
//!   `chef_puts_every_dish_on_the_belt_in_order` (stall explained if not),
//!   `chef_waits_while_the_belt_is_full`; stops early if the belt is closed →
//!   `chef_stops_when_the_runner_left` (closed before the first dish, and
//!   while waiting for room).
//! * `run_kitchen`: chef and runner at the same time, returns what was
//!   served → `kitchen_serves_every_dish` (12 dishes, belt of 3: a
//!   sequential kitchen deadlocks), `kitchen_with_a_belt_of_one`,
//!   `kitchen_with_no_dishes`. Not observable from outside: that the belt's
//!   capacity is exactly `belt_size` (the tests only rely on it not being
//!   larger than the number of dishes).
//! * `chef_reporting`: `Err(Unserved)` with the failed dish then every
//!   untried one → `chef_reporting_lists_unserved_dishes`,
//!   `chef_reporting_when_runner_left_before_the_first_dish`; `Ok(())` when
//!   all were sent → `chef_reporting_ok_when_all_delivered`.
//! * `offer`: `Accepted` / `Full(dish)` / `Closed(dish)` →
//!   `offer_accepts_while_there_is_room`, `offer_hands_back_a_dish_when_full`,
//!   `offer_hands_back_a_dish_when_closed`; never waits → the signature
//!   (not `async`).
//! * `cook_when_space`: slot claimed before `cook(n)`, no cooking while
//!   full, `n` in `1..=dishes` → `cook_when_space_claims_the_slot_before_cooking`;
//!   stops without cooking more once closed →
//!   `cook_when_space_stops_when_the_runner_left`.

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "01-bounded-send",
    lib: "bounded_send",
    title: "bounded send (backpressure)",
    compare: "Look at where the chef waits: the reference awaits `send` (or `reserve`) once per dish and never loops on `try_send`. `run_kitchen` moves `tx` into the chef, so the runner's loop ends when the chef is done; `chef_reporting` takes the dish back out of `SendError`; `cook_when_space` holds a permit before it cooks.",
    component: None,
    tasks: &[
        Task {
            number: 1,
            item: "runner",
            title: "receive until the belt closes",
            points: 1,
            hints: &[
                "`recv().await` answers `Some(dish)` while dishes can still come and `None` once the belt is closed and empty. Which loop keeps going exactly while it says `Some`?",
                "Collect into a `Vec` in the order received; return it when `recv()` says the belt is closed.",
            ],
        },
        Task {
            number: 2,
            item: "chef",
            title: "send and wait when the belt is full",
            points: 2,
            hints: &[
                "The await in `send(..).await` is the backpressure: it is where the chef waits for a free slot. Do not work around it.",
                "`try_send` turns dishes away when the belt is full, and a queue of your own hides the backpressure: one awaited `send` per dish, in order.",
                "`send` returns `Err` once the runner is gone. What should a chef do when nobody will ever take a dish? (Not `unwrap()`.)",
            ],
        },
        Task {
            number: 3,
            item: "run_kitchen",
            title: "producer and consumer run together",
            points: 2,
            hints: &[
                "The chef and the runner must run at the same time: a chef with more dishes than the belt holds, awaited before the runner starts, waits for ever.",
                "`tokio::spawn` or `tokio::join!` run two futures concurrently; you need the runner's result at the end.",
                "The runner stops only when every `Sender` is gone. Does `run_kitchen` still hold one while it waits for the runner?",
            ],
        },
        Task {
            number: 4,
            item: "chef_reporting",
            title: "receiver gone: get the dish back",
            points: 2,
            hints: &[
                "When the receiver is gone, the failed `send` hands the dish back inside `SendError` (its field `.0`).",
                "`Unserved::dishes` starts with the dish whose `send` failed, followed by every dish not tried yet, in order.",
            ],
        },
        Task {
            number: 5,
            item: "offer",
            title: "try_send: full or closed",
            points: 1,
            hints: &[
                "`try_send` never waits: it succeeds, or tells you why not, and hands the dish back either way.",
                "`TrySendError` (in `tokio::sync::mpsc::error`) has one variant per `Offer` case that is not `Accepted`.",
            ],
        },
        Task {
            number: 6,
            item: "cook_when_space",
            title: "reserve a slot before producing",
            points: 2,
            hints: &[
                "Cooking first and sending second means a dish can be ready while the belt is full. Claim the slot before you cook.",
                "`Sender::reserve()` waits for a free slot and gives a `Permit`; the permit's own `send` puts the value in that slot.",
                "`reserve()` returns `Err` once the runner is gone: stop without cooking another dish.",
            ],
        },
    ],
};
