//! Exercise 02's tasks, points and hints.
//!
//! Contract → tests (every sentence of each doc comment in `src/lib.rs`;
//! keep this map in step when a contract or a test changes):
//!
//! * `cook`: plates numbered from 1, tagged `cook: id`, in order, each after
//!   `cook_time`, returns right after the last → `cook_tags_every_plate_in_order`
//!   (exact times), `cooks_interleave_by_cook_time`; stops at once when a
//!   `send` fails → `cook_stops_when_the_runner_left`.
//! * `sort_by_cook`: until the belt closes → `sort_waits_for_every_sender`;
//!   entry `i` = cook `i`'s numbers in arrival order, exactly `cooks`
//!   entries, empty for a silent cook → `sort_untangles_interleaved_plates`.
//! * `run_service`: one cook per ticket with its own clone, all at the same
//!   time → `service_cooks_at_the_same_time` (finishing time);
//!   collects while they cook → `service_with_a_belt_of_one`; returns once
//!   every cook finished, sorted as `sort_by_cook` → all three, and
//!   `service_with_no_tickets`.
//! * `careful_cook`: like `cook` while the runner stays →
//!   `careful_cook_serves_a_full_ticket`; abandons the plate in progress the
//!   moment the runner leaves → `careful_cook_stops_mid_plate`,
//!   `careful_cooks_go_home_with_the_runner`; never starts for a runner who
//!   already left → `careful_cook_never_cooks_for_a_closed_runner`; returns
//!   how many plates it put on the belt → all four.
//! * `baker`: every `every`, first after one `every`, basket `n` as
//!   `Plate { cook: id, number: n }` while a `Sender` lives →
//!   `baker_helps_while_cooks_cook`; goes home when none is left →
//!   `baker_goes_home_when_the_kitchen_is_closed`, `baker_helps_while_cooks_cook`;
//!   goes home when a `send` fails → `baker_goes_home_when_the_runner_left`;
//!   returns the count → all three; holds no `Sender` between baskets →
//!   `baker_helps_while_cooks_cook` (the belt closes at t=430ms).

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "02-clone-senders",
    lib: "clone_senders",
    title: "cloned senders (many producers)",
    compare: "Look at where the original `Sender` goes: each cook gets its own clone and the original is dropped before the runner starts receiving. Plates are grouped by their cook tag, never by arrival order. `careful_cook` races its cooking against `closed()` in a biased `select!`, and the baker keeps only a `WeakSender`, upgrading it for one send at a time.",
    component: None,
    tasks: &[
        Task {
            number: 1,
            item: "cook",
            title: "tag each plate with its cook",
            points: 1,
            hints: &[
                "Cook first (`tokio::time::sleep` for `ticket.cook_time`), then put the plate on the belt, tagged with this cook's `id`, numbered from 1.",
                "`send` returns `Err` once the runner has left. A cook that carries on cooks its whole ticket for nobody: stop at the first `Err`.",
            ],
        },
        Task {
            number: 2,
            item: "sort_by_cook",
            title: "untangle plates by cook tag",
            points: 2,
            hints: &[
                "Plates of different cooks interleave in whatever order they were ready: a plate's position says nothing about who cooked it; its `cook` tag does.",
                "Start with one empty list per cook and append each plate's `number` to its cook's list as it arrives, until `recv()` says the belt is closed.",
            ],
        },
        Task {
            number: 3,
            item: "run_service",
            title: "clone per cook, drop the original",
            points: 3,
            hints: &[
                "Every cook needs its own `Sender`: a clone per cook, moved into a task of its own, so they all cook at the same time. Then reuse task 2 to collect.",
                "The runner leaves only when EVERY `Sender` is gone, and the `belt` you were given is one of them. Where does it go before you start collecting?",
                "Do not await the cooks before collecting: a cook waits when the belt is full, and only the runner empties it.",
            ],
        },
        Task {
            number: 4,
            item: "careful_cook",
            title: "stop when the runner leaves",
            points: 2,
            hints: &[
                "A failed `send` tells the cook too late: it has already cooked that plate for nobody. `Sender::closed()` completes the moment the runner goes away.",
                "Race the cooking against `closed()` with `tokio::select!`; `biased;` makes it check the branches in the order written. Count the plates that made it onto the belt.",
            ],
        },
        Task {
            number: 5,
            item: "baker",
            title: "WeakSender: help without holding",
            points: 2,
            hints: &[
                "A `WeakSender` does not keep the belt open; `upgrade()` gives a real `Sender` only while some other `Sender` is alive, and `None` once every cook went home.",
                "Sleep `every` first, then upgrade, send one basket, and let the upgraded `Sender` go before the next sleep.",
                "Upgrading once before the loop (or before the sleep) holds a strong `Sender` while waiting: the runner then cannot close when the cooks go home.",
            ],
        },
    ],
};
