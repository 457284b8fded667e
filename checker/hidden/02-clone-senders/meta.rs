//! Exercise 02's tasks, points and hints.

use crate::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "02-clone-senders",
    lib: "clone_senders",
    title: "cloned senders (many producers)",
    compare: "Look at where the original `Sender` goes: each station gets its own clone and the original is dropped before the window starts receiving. Plates are grouped by their station tag, never by arrival order. `careful_station` races its cooking against `closed()` in a biased `select!`, and the bread runner keeps only a `WeakSender`, upgrading it for one send at a time.",
    tasks: &[
        Task {
            number: 1,
            item: "station",
            title: "tag each plate with its station",
            points: 1,
            hints: &[
                "Cook first (`tokio::time::sleep` for `ticket.cook`), then put the plate on the pass, tagged with this station's `id`, numbered from 1.",
                "`send` returns `Err` once the window is closed. A station that carries on cooks its whole ticket for nobody: stop at the first `Err`.",
            ],
        },
        Task {
            number: 2,
            item: "sort_by_station",
            title: "untangle plates by station tag",
            points: 2,
            hints: &[
                "Plates of different stations interleave in whatever order they were ready: a plate's position says nothing about who cooked it; its `station` tag does.",
                "Start with one empty list per station and append each plate's `number` to its station's list as it arrives, until `recv()` says the pass is closed.",
            ],
        },
        Task {
            number: 3,
            item: "run_service",
            title: "clone per station, drop the original",
            points: 3,
            hints: &[
                "Every station needs its own `Sender`: a clone per station, moved into a task of its own, so they all cook at the same time. Then reuse task 2 to collect.",
                "The window closes only when EVERY `Sender` is gone, and the `pass` you were given is one of them. Where does it go before you start collecting?",
                "Do not await the stations before collecting: a station waits when the pass is full, and only the window empties it.",
            ],
        },
        Task {
            number: 4,
            item: "careful_station",
            title: "stop when the window closes",
            points: 2,
            hints: &[
                "A failed `send` tells the station too late: it has already cooked that plate for nobody. `Sender::closed()` completes the moment the window goes away.",
                "Race the cooking against `closed()` with `tokio::select!`; `biased;` makes it check the branches in the order written. Count the plates that made it onto the pass.",
            ],
        },
        Task {
            number: 5,
            item: "bread_runner",
            title: "WeakSender: help without holding",
            points: 2,
            hints: &[
                "A `WeakSender` does not keep the pass open; `upgrade()` gives a real `Sender` only while some other `Sender` is alive, and `None` once every station went home.",
                "Sleep `every` first, then upgrade, send one basket, and let the upgraded `Sender` go before the next sleep.",
                "Upgrading once before the loop (or before the sleep) holds a strong `Sender` while waiting: the window then cannot close when the stations go home.",
            ],
        },
    ],
};
