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
            title: "listen until the intercom closes",
            points: 1,
            hints: &[
                "`recv().await` gives `Ok(order)` for each call, and `Err(RecvError::Closed)` once every `Sender` is gone and no call is left for this station.",
                "Loop and `match` on the result (`tokio::sync::broadcast::error::RecvError`): keep each order; only `Closed` ends the shift, whether it comes at once or while the station waits.",
            ],
        },
        Task {
            number: 2,
            item: "call_out",
            title: "send to all, even to nobody",
            points: 1,
            hints: &[
                "`send` does not wait and returns `Ok(number of receivers)`. With no receiver at all it returns `Err(SendError(order))`.",
                "No station listening is a normal moment in a kitchen, not a bug: turn that `Err` into the 0 the contract asks for instead of `unwrap()`ing it.",
            ],
        },
        Task {
            number: 3,
            item: "open_kitchen",
            title: "subscribe every station first",
            points: 2,
            hints: &[
                "A receiver hears only what is sent after it was created. A station that subscribes inside its spawned task subscribes when that task first runs, after the chef has already called.",
                "Size the intercom from the contract, then subscribe and spawn every station (keeping the `JoinHandle`s) before the first `call_out`.",
                "After the last call, get rid of the `Sender`: only then can each station hear `Closed`. Await the handles last, in station order.",
            ],
        },
        Task {
            number: 4,
            item: "slow_station",
            title: "lagged is not the end",
            points: 3,
            hints: &[
                "`recv()` has two errors. `Lagged(n)` means n calls were lost for this station; it is still subscribed. Only `Closed` ends the shift.",
                "`while let Ok(..)` stops at the first lag: handle all three cases of the result.",
                "After hearing an order, prep (sleep `prep`) before listening again; a lag costs no prep, only `missed += n`.",
            ],
        },
    ],
};
