//! Exercise 05's tasks, points and hints.

use crate::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "05-watch-config",
    lib: "watch_config",
    title: "watch config (the menu board)",
    compare: "Look at where menus are marked as seen (`borrow_and_update`), how `set_price` uses `send_if_modified` so a no-op wakes nobody, how `post_menu` uses `send_replace` so the menu is stored with nobody watching, and how `run_station` clones the menu out of the `Ref` before it awaits the reload.",
    tasks: &[
        Task {
            number: 1,
            item: "glance",
            title: "read the latest menu (borrow)",
            points: 1,
            hints: &[
                "A watch channel holds exactly one value: the latest. Reading it never waits.",
                "`board.borrow()` gives a `Ref` to the current menu; clone the menu out of it: `board.borrow().clone()`. `borrow()` does not mark the menu as seen.",
            ],
        },
        Task {
            number: 2,
            item: "next_menu",
            title: "wait for an unseen menu",
            points: 2,
            hints: &[
                "The menu on the board when the receiver was created already counts as seen: wait for a change first.",
                "`board.changed().await` returns `Ok(())` when an unseen menu is on the board (at once if there already is one) and `Err` once the manager is gone and nothing unseen is left: `board.changed().await.ok()?;`.",
                "Then read with `board.borrow_and_update().clone()`, which marks what you read as seen, so the same menu is never returned twice. `has_changed()` plus `borrow()` leaves the menu unseen.",
            ],
        },
        Task {
            number: 3,
            item: "set_price",
            title: "update in place, no-op wakes nobody",
            points: 2,
            hints: &[
                "Change the menu where it lies on the board instead of building a new one, and only notify when something really changed.",
                "`board.send_if_modified(|menu| ...)` lets you edit the stored menu; return `true` from the closure only if you changed a price. `send_modify` and `send_replace` always notify.",
                "Find the dish with `menu.dishes.iter_mut().find(|d| d.name == dish)`; return `false` when there is none or its price is already `price`. `send_if_modified` stores even when no station is watching, unlike `send`.",
            ],
        },
        Task {
            number: 4,
            item: "post_menu",
            title: "store a menu with no one watching",
            points: 1,
            hints: &[
                "`send` checks for receivers first: with none it hands the value back in `SendError` and the board keeps the old menu.",
                "`board.send_replace(menu)` stores the menu and notifies, whether or not a station is watching (it returns the old menu, which you may ignore).",
            ],
        },
        Task {
            number: 5,
            item: "run_station",
            title: "reload on change, stop when closed",
            points: 3,
            hints: &[
                "Inside `async move { ... }`: reload with the current menu first, then loop on `board.changed().await`, which fails once the manager is gone.",
                "Read with `board.borrow_and_update()` both times: reading the first menu with `borrow()` leaves it unseen, and `changed()` then returns at once with the same menu, so it is reloaded twice.",
                "Stop (return the count) as soon as `changed().await` returns `Err`; ignoring the error makes the station reload forever.",
                "Clone the menu in a `let` of its own: `let menu = board.borrow_and_update().clone(); reload(menu).await;`. Writing `reload(board.borrow_and_update().clone()).await` keeps the `Ref` (a read lock, not `Send`) alive across the `.await` and does not compile.",
            ],
        },
    ],
};
