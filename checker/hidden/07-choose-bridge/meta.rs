//! Exercise 07's tasks, points and hints.
//!
//! Contract → test map (every sentence of each doc comment):
//!
//! task 1 `ring_up`
//! - every sale on the rail, in order, count returned:
//!   `till_rings_up_every_sale_without_waiting`
//! - plain fn, never waits (no reader, and from a plain thread):
//!   `till_rings_up_every_sale_without_waiting`, `till_works_from_a_plain_thread`
//! - runner gone (dropped or closed): stops, returns how many made it:
//!   `till_stops_when_the_runner_is_gone`
//!   (stopping shows only in the count: once the runner is gone, every
//!   later send fails too)
//!
//! task 2 `slow_runner`
//! - one at a time, in order, until closed and empty; backlog right after
//!   taking; `serve` then `per_ticket`: `slow_runner_backlog_timeline`
//! - returns the largest backlog: `slow_runner_backlog_timeline`,
//!   `slow_runner_backlog_grows_with_a_burst`
//! - 0 if no ticket came, `serve` never called: `slow_runner_with_no_tickets`
//!
//! task 3 `start_bookkeeper`
//! - returns at once, `tally` never on the runtime's thread:
//!   `bookkeeper_returns_at_once_and_tallies_off_the_runtime`
//! - a belt of `belt_size`; every result in order, belt closes after the
//!   last: `bookkeeper_streams_every_result_in_order`
//! - waits while the belt is full: `bookkeeper_waits_while_the_belt_is_full`
//! - receiver dropped: no tally after a failed put:
//!   `bookkeeper_stops_when_the_receiver_is_dropped`
//!
//! task 4 `run_porters`
//! - every sack carried once, results returned after close:
//!   `porters_carry_every_sack_once`
//! - a sack is picked up as soon as a porter is free (the lock is not held
//!   while carrying): `porters_pick_up_a_sack_as_soon_as_one_is_free`
//! - at most `porters` at a time: `porters_never_carry_more_than_their_number`,
//!   `porters_pick_up_a_sack_as_soon_as_one_is_free`
//!
//! task 5 `tray_runner`
//! - up to `tray` per trip, belt order, trip count:
//!   `tray_takes_what_is_waiting_up_to_a_full_tray`
//! - waits for the first dish only, never for more: `tray_never_waits_to_fill_up`
//! - closed and empty: no trip: `tray_runner_with_a_closed_empty_belt`
//!
//! task 6 `fridge`, `report`, `next_reading`
//! - `Thermometer` is `Send`: the stub's compile-time guard, and
//!   `thermometer_reports_from_a_plain_thread` moves it to a thread
//! - never waits, from a plain thread, nobody reading:
//!   `thermometer_reports_from_a_plain_thread`
//! - never fails or panics without a gauge: `report_never_fails_without_a_gauge`
//! - a new reading replaces an unread one; the latest is returned:
//!   `gauge_returns_only_the_latest_reading`, `thermometer_reports_from_a_plain_thread`
//! - waits until there is an unreturned reading: `gauge_waits_for_a_new_reading`
//! - `None` once the thermometer is gone and nothing new:
//!   `gauge_ends_when_the_thermometer_is_gone`

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "07-choose-bridge",
    lib: "choose_bridge",
    title: "choosing and bridging channels",
    compare: "Look at which channel each task chose and why: the till's rail is unbounded because a synchronous producer must never wait, and `slow_runner` measures what that costs with `len()` right after each `recv`. The bookkeeper runs on `spawn_blocking` and uses `blocking_send`, stopping at its first `Err`. The porters share one `Receiver` behind a `tokio::sync::Mutex` whose guard ends before `carry` starts. The tray is `recv_many` into a Vec that is emptied (`mem::take`) every trip. The thermometer is a `watch`: one value, replaced with `send_replace`, which never fails.",
    component: None,
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
                "`watch::Sender::send` fails (and does not store the value) once no receiver is left, so `report` needs the sending method that stores the value either way. On the gauge, `changed()` waits for a value not yet marked as seen and fails once the sender is gone with nothing new; remember to mark what you return as seen.",
            ],
        },
    ],
};
