//! Exercise 04's tasks, points and hints.
//!
//! Contract → tests (every sentence of each doc comment in `src/lib.rs`;
//! keep this map in step when a contract or a test changes):
//!
//! * `station`: every order heard, in call order → `station_hears_every_order_in_order`;
//!   returns only when closed: not while any chef can call →
//!   `station_waits_until_every_chef_has_left`; after hearing the calls
//!   left on a closed intercom → `station_hears_calls_left_on_a_closed_intercom`;
//!   when the intercom closes while it waits in `recv()` →
//!   `station_ends_when_the_intercom_closes_while_it_waits`.
//! * `call_out`: sends to every listener, returns how many listened →
//!   `call_out_reaches_every_station`, `call_out_timeline`; nobody listening
//!   returns 0 and never panics → `call_out_with_nobody_listening`.
//! * `open_kitchen`: capacity `orders.len()` (1 with no orders) →
//!   `kitchen_with_a_long_service` (a smaller intercom lags),
//!   `kitchen_with_no_orders` (0 panics); subscribes before the first call →
//!   `kitchen_every_station_hears_every_order`; calls every order in order
//!   with `call_out` → same; closes the intercom → all four (a kept `Sender`
//!   deadlocks); one `Vec` per station → `kitchen_every_station_hears_every_order`;
//!   no stations, empty result → `kitchen_with_no_stations`.
//! * `slow_station`: preps each heard order then listens again →
//!   `slow_station_keeps_up_when_it_can`, `slow_station_rush_timeline`;
//!   counts missed calls and carries on with the oldest remembered, a missed
//!   call costing no prep → `slow_station_counts_the_calls_it_missed`,
//!   `slow_station_keeps_listening_after_a_lag`; ends only when closed →
//!   all four.

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "04-broadcast-fanout",
    lib: "broadcast_fanout",
    title: "broadcast fan-out",
    compare: "Look at when stations subscribe (before the first call) and how `slow_station` treats `RecvError::Lagged(n)`: it adds n to `missed` and keeps listening; only `Closed` ends the shift. `call_out` turns a send with no listeners into 0 instead of unwrapping it.",
    component: None,
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
                "A receiver hears only what is sent after it was created. A station that subscribes inside its spawned task subscribes when that task first runs, after the head chef has already called.",
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
