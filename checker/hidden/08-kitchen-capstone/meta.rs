//! Exercise 08's tasks, points and hints.

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "08-kitchen-capstone",
    lib: "kitchen_capstone",
    title: "the whole kitchen (capstone)",
    compare: "Look at how the pieces meet: the handle maps both channel failures to `Closed` and passes the expediter's own answer through; the manager uses `send_if_modified`, which stores without listeners and notifies only on a real change; the station switches off the board's branch once the manager is gone and treats `Lagged` as news, not an end; the expediter copies the dish out of the board before it cooks, ignores a gone waiter and an empty intercom, and at the bell closes the hatch, calls last orders and drains with `recv()` until `None`.",
    component: None,
    tasks: &[
        Task {
            number: 1,
            item: "Kitchen::order",
            title: "the waiter's handle, backpressure",
            points: 2,
            hints: &[
                "One call, one fresh answer slip: make a `oneshot` channel, put its sending half in the `Order`, keep the receiving half.",
                "Sending through a bounded channel already waits while it is full: that wait is the backpressure, nothing to add. Two things can fail on the way (the send, and awaiting the slip); both mean the kitchen is closed.",
                "The slip carries an `Answer`, which is itself a `Result`: once the channel errors are mapped, hand the expediter's answer back unchanged rather than wrapping it again.",
            ],
        },
        Task {
            number: 2,
            item: "update_menu",
            title: "the manager writes the board",
            points: 1,
            hints: &[
                "`watch::Sender::send` refuses to store a value when nobody is subscribed. Look at the `send_*` methods that always store.",
                "One of them lets a closure edit the menu in place and decide, by what it returns, whether the stations are told.",
                "`BTreeMap::insert` returns the value it replaced and `remove` the value it removed: comparing those tells you whether anything changed.",
            ],
        },
        Task {
            number: 3,
            item: "station",
            title: "a listener on two channels at once",
            points: 2,
            hints: &[
                "`tokio::select!` in a loop, with one branch for `calls.recv()` and one for `board.changed()`: both are cancel safe, so the branch that loses a round loses nothing.",
                "`recv()` gives `Err(Lagged(n))` when the station fell behind: that is news to count, not the end. Only `Err(Closed)` ends the day.",
                "Once the board's `Sender` is gone and its last value is seen, `changed()` fails immediately every time it is polled. Do not end the day on it; switch that branch off, for instance with a flag in a `select!` branch condition (`, if flag`).",
            ],
        },
        Task {
            number: 4,
            item: "run_expediter",
            title: "the actor: one order at a time",
            points: 3,
            hints: &[
                "The loop takes the next order with `orders.recv().await`; `None` means every `Sender` of the hatch is gone and the hatch is empty. Cooking is a `tokio::time::sleep` of the dish's `cook_time`.",
                "Read the board once, when you take the order, and copy what you need out of it: a `watch::Ref` held across `.await` blocks the manager (and makes the future `!Send`, so `open_kitchen` cannot spawn it).",
                "Two sends may fail here, the answer on the slip and the call on the intercom, and neither failure is a reason to panic or to stop.",
            ],
        },
        Task {
            number: 5,
            item: "run_expediter",
            title: "closing time: close, call, drain",
            points: 3,
            hints: &[
                "Wait for the next order and for the bell at the same time with `tokio::select!`. The bell's receiver is a future you want to poll again on every round: use `&mut bell`.",
                "A dropped bell gives `Err(RecvError)` instead of `Ok(())`; both are closing time, so match the branch with `_`. A oneshot receiver that has completed panics if polled again: leave the loop after it fires.",
                "`orders.close()` stops new orders but keeps those already in the hatch; `recv()` then hands them out and returns `None` when they are done, even while waiters still hold their `Kitchen` handles.",
            ],
        },
    ],
};
