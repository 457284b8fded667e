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
                "The keeper keeps the stock in a local variable (`let mut stock = Stock::new();`) and takes orders with `orders.recv().await` until it returns `None`; then it returns the stock.",
                "`match` on each order: `Order::Count { item, reply }` answers `stock.get(&item).copied().unwrap_or(0)` without inserting anything; `Order::Store { item, qty, reply }` adds to `*stock.entry(item).or_insert(0)` and answers the new count.",
                "Answer with `reply.send(value)`. It is not async and consumes the slip: one order, one answer.",
            ],
        },
        Task {
            number: 2,
            item: "Pantry",
            title: "a cloneable handle hides channels",
            points: 2,
            hints: &[
                "Each call makes a fresh answer slip with `oneshot::channel()`, puts the `Sender` half inside the order and keeps the `Receiver` half.",
                "Send the order with `self.orders.send(order).await`, then `.await` the `Receiver`: it yields the keeper's answer. A shared private helper keeps `count` and `store` short.",
                "`open`: `let (tx, rx) = mpsc::channel(hatch_size);`, `tokio::spawn(pantry_keeper(rx))`, and return `(Pantry::new(tx), join_handle)`. Keep no other copy of `tx`, or the keeper never stops.",
            ],
        },
        Task {
            number: 3,
            item: "count",
            title: "keeper gone: an error, not a panic",
            points: 2,
            hints: &[
                "Two things can fail: `send` fails when the hatch is closed, and awaiting the `oneshot::Receiver` gives `Err(RecvError)` when the keeper dropped the slip without answering.",
                "`unwrap()` or `expect()` on either one panics in the waiter. Map both errors instead: `.map_err(|_| PantryError::Closed)?`.",
            ],
        },
        Task {
            number: 4,
            item: "pantry_keeper",
            title: "waiter gone: the keeper carries on",
            points: 2,
            hints: &[
                "`reply.send(value)` returns `Err(value)` when the waiter has stopped waiting. That is one waiter's business, not the end of the pantry.",
                "Ignore the result with `let _ = reply.send(value);`. Never `unwrap()` it, `break` or `return` on it: the other waiters still need answers. Carry out the order (a `Store` still stores) either way.",
            ],
        },
        Task {
            number: 5,
            item: "count_within",
            title: "a deadline on the whole exchange",
            points: 3,
            hints: &[
                "`tokio::time::timeout(patience, fut).await` gives `Ok(fut's output)` or `Err(Elapsed)` when time ran out. Under the checker's paused clock it fires exactly at the deadline.",
                "Wrap the whole exchange, sending included: a full hatch can make the `send` wait too. `timeout(patience, self.count(item))` does exactly that.",
                "Keep the two failures apart: `Ok(answer)` already holds `Err(PantryError::Closed)` when the keeper is gone; only `Err(_elapsed)` becomes `Err(PantryError::TimedOut)`.",
            ],
        },
    ],
};
