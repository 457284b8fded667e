//! Exercise 04's tasks, points and hints.

use crate::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "04-broadcast-fanout",
    lib: "broadcast_fanout",
    title: "broadcast fan-out",
    compare: "Look at when stations subscribe (before the first call) and how `slow_station` treats `RecvError::Lagged(n)`: it adds n to `missed` and keeps listening; only `Closed` ends the shift. `call_out` turns a send with no listeners into 0 instead of unwrapping it.",
    tasks: &[
        Task {
            number: 1,
            item: "station",
            title: "listen until the pass closes",
            points: 1,
            hints: &[
                "`recv().await` gives `Ok(order)` for each call, and `Err(RecvError::Closed)` once every `Sender` is gone and no call is left for this station.",
                "Loop on `calls.recv().await` and `match` the result: push on `Ok(order)`, return the list on `Err(RecvError::Closed)` (`tokio::sync::broadcast::error::RecvError`).",
            ],
        },
        Task {
            number: 2,
            item: "call_out",
            title: "send to all, even to nobody",
            points: 1,
            hints: &[
                "`send` does not wait and returns `Ok(number of receivers)`. With no receiver at all it returns `Err(SendError(order))`.",
                "No station listening is a normal moment in a kitchen, not a bug: do not `unwrap()`. `pass.send(order).unwrap_or(0)` says it in one line.",
            ],
        },
        Task {
            number: 3,
            item: "open_kitchen",
            title: "subscribe every station first",
            points: 2,
            hints: &[
                "A receiver hears only what is sent after it was created. A station that subscribes inside its spawned task subscribes when that task first runs, after the chef has already called.",
                "Create the pass with `broadcast::channel(orders.len().max(1))`, then `tokio::spawn(station(pass.subscribe()))` once per station, keeping the `JoinHandle`s, all before the first `call_out`.",
                "After the last call, `drop(pass)`: once no `Sender` is left, each station hears the calls still waiting for it, then `Closed`. Only then await each handle, in order.",
            ],
        },
        Task {
            number: 4,
            item: "slow_station",
            title: "lagged is not the end",
            points: 3,
            hints: &[
                "`recv()` has two errors. `Lagged(n)` means n calls were lost for this station; it is still subscribed and the next `recv()` returns the oldest call left. Only `Closed` ends the shift.",
                "`while let Ok(order) = calls.recv().await` stops at the first lag: write a `loop` with a `match` on all three cases.",
                "`Ok(order)`: push it, then `tokio::time::sleep(prep).await`. `Err(RecvError::Lagged(n))`: `shift.missed += n` and listen again at once. `Err(RecvError::Closed)`: return the shift.",
            ],
        },
    ],
};
