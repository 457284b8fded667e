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
                "For each number in `1..=ticket.plates`: cook first (`tokio::time::sleep(ticket.cook).await`), then put `Plate { station: id, number }` on the pass.",
                "`pass.send(plate).await` returns `Err` once the window is closed: stop then (`if pass.send(..).await.is_err() { return; }`), or the station keeps cooking for nobody.",
            ],
        },
        Task {
            number: 2,
            item: "sort_by_station",
            title: "untangle plates by station tag",
            points: 2,
            hints: &[
                "Plates of different stations interleave in whatever order they were ready: the position of a plate on the pass says nothing about who cooked it. Its `station` tag does.",
                "Start with `vec![Vec::new(); stations]`, then `while let Some(plate) = window.recv().await { by_station[plate.station].push(plate.number); }`.",
            ],
        },
        Task {
            number: 3,
            item: "run_service",
            title: "clone per station, drop the original",
            points: 3,
            hints: &[
                "Each station needs its own `Sender`: `tokio::spawn(station(id, ticket, pass.clone()))` for every ticket, so they all cook at the same time, then collect with `sort_by_station(window, tickets.len())`.",
                "The window closes only when EVERY `Sender` is gone, and the original `pass` is one of them: it never goes home by itself. `drop(pass)` before you start collecting (or move it into the last station).",
                "Do not await the stations before collecting: a station waits when the pass is full, and only the window empties it.",
            ],
        },
        Task {
            number: 4,
            item: "careful_station",
            title: "stop when the window closes",
            points: 2,
            hints: &[
                "A failed `send` tells the station too late: it has already cooked that plate for nobody. `pass.closed().await` completes the moment the window goes away.",
                "Cook inside `tokio::select! { biased; _ = pass.closed() => return served, _ = sleep(ticket.cook) => {} }`, then send; on a failed send return `served` too.",
            ],
        },
        Task {
            number: 5,
            item: "bread_runner",
            title: "WeakSender: help without holding",
            points: 2,
            hints: &[
                "A `WeakSender` does not keep the pass open; `upgrade()` gives a real `Sender` only while some other `Sender` is still alive, and `None` once every station went home.",
                "In a loop: `sleep(every).await`, then `let Some(tx) = pass.upgrade() else { return baskets };`, send one basket with `tx`, and let `tx` drop before the next sleep.",
                "Upgrading once before the loop (or before the sleep) holds a strong `Sender` while waiting: the window then cannot close when the stations go home.",
            ],
        },
    ],
};
