//! Exercise 07's tasks, points and hints.

use crate::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "07-choose-bridge",
    lib: "choose_bridge",
    title: "choosing and bridging channels",
    compare: "Look at which channel each task chose and why: the till's rail is unbounded because a synchronous producer must never wait, and `slow_runner` measures what that costs with `len()` right after each `recv`. The bookkeeper runs on `spawn_blocking` and uses `blocking_send`, stopping at its first `Err`. The porters share one `Receiver` behind a `tokio::sync::Mutex` whose guard ends before `carry` starts. The tray is `recv_many` into a Vec that is emptied (`mem::take`) every trip. The thermometer is a `watch`: one value, replaced with `send_replace`, which never fails.",
    tasks: &[
        Task {
            number: 1,
            item: "ring_up",
            title: "unbounded: a producer that never waits",
            points: 1,
            hints: &[
                "`UnboundedSender::send` is a plain method, not `async`: it never waits, so you can call it from synchronous code.",
                "It still returns a `Result`: `Err` means the runner is gone. Count only the sales that were accepted, and stop at the first `Err`.",
            ],
        },
        Task {
            number: 2,
            item: "slow_runner",
            title: "what an unbounded rail costs",
            points: 2,
            hints: &[
                "Loop over `rail.recv().await`; the backlog is what is still on the rail, which the receiver can count.",
                "`UnboundedReceiver::len()` right after `recv` returns a ticket is the backlog for that ticket; keep the largest. Then call `serve`, then sleep.",
            ],
        },
        Task {
            number: 3,
            item: "start_bookkeeper",
            title: "bridge: blocking_send from a blocking thread",
            points: 2,
            hints: &[
                "The function is not `async`, and it must return the receiver before any tallying: make the channel, hand the sending end and the work to another thread, return the receiving end.",
                "`tokio::task::spawn_blocking(move || ...)` runs a closure on a thread where blocking is allowed. There, `Sender::blocking_send` waits for room on the belt like `send(..).await` does in async code; inside async code it panics.",
                "`blocking_send` returns `Err` once the receiver is dropped: stop the loop then, before the next tally.",
            ],
        },
        Task {
            number: 4,
            item: "run_porters",
            title: "a worker pool sharing one receiver",
            points: 2,
            hints: &[
                "A `Receiver` cannot be cloned. To let several porters take from it, put it behind `Arc<tokio::sync::Mutex<..>>` (the guard is held across `recv().await`, so it must be tokio's mutex), and share `carry` with an `Arc` too.",
                "Spawn exactly `porters` tasks (a `JoinSet` collects their results). Each loops: lock, `recv().await`, unlock, then carry.",
                "Where the guard ends matters: in `while let Some(c) = belt.lock().await.recv().await { .. }` the guard lives through the whole loop body, so only one porter works at a time. Take the sack in a statement of its own first.",
            ],
        },
        Task {
            number: 5,
            item: "tray_runner",
            title: "recv_many: batches without waiting to fill",
            points: 1,
            hints: &[
                "`recv_many(&mut buffer, limit).await` waits for at least one message, then takes what is already there, up to `limit`. It returns 0 only when the channel is closed and empty.",
                "`recv_many` appends to the buffer: hand `serve` a fresh trip each time (`std::mem::take(&mut buffer)`).",
            ],
        },
        Task {
            number: 6,
            item: "fridge",
            title: "which channel? only the latest value counts",
            points: 2,
            hints: &[
                "A queue keeps every reading and hands out the oldest first. Which of tokio's channels keeps only the latest value, and can be written without `.await`?",
                "A `watch` channel: the thermometer keeps the `Sender`, the gauge the `Receiver`. Start it with `None`, since there is no reading yet.",
                "`watch::Sender::send` fails (and drops the value) once no receiver is left; the method that always stores the value and never fails is `send_replace`. On the gauge, `changed().await` then `borrow_and_update()`; `changed()` gives `Err` once the sender is gone and nothing new is left.",
            ],
        },
    ],
};
