//! Exercise 05's tasks, points and hints.
//!
//! Contract → tests (every sentence of each doc comment in `src/lib.rs`;
//! keep this map in step when a contract or a test changes):
//!
//! * `glance`: a copy of the latest menu, leaving an unseen menu unseen →
//!   `glance_shows_the_latest_menu_to_every_station`; works after the
//!   manager left → `glance_after_the_manager_left`; never awaits → the
//!   signature (not `async`).
//! * `next_menu`: waits for an unseen menu, the creation menu counting as
//!   seen → `next_menu_waits_for_an_unseen_menu`; marks it seen, the latest
//!   once after several writes → `next_menu_returns_the_latest_menu_once`;
//!   each receiver its own marker → `every_station_has_its_own_seen_marker`;
//!   a clone has seen what its original had, a receiver subscribed later
//!   has seen the menu then on the board →
//!   `a_cloned_receiver_has_seen_what_its_original_had`;
//!   `None` once the manager is gone, after a last unseen menu →
//!   `next_menu_after_the_manager_left`.
//! * `set_price`: changes one price only, notifies, `true` →
//!   `set_price_changes_one_price_and_notifies`; same price or unknown dish:
//!   untouched, nobody woken, `false` → `set_price_to_the_same_price_wakes_nobody`,
//!   `set_price_of_an_unknown_dish_wakes_nobody`; works with no station →
//!   `set_price_with_no_station_watching`.
//! * `post_menu`: stored and notified → `post_menu_reaches_the_stations`;
//!   stored with no station → `post_menu_with_no_station_watching`.
//! * `run_station`: reloads at once, seen or not →
//!   `station_reloads_at_once_then_on_each_change`,
//!   `station_reloads_a_menu_posted_before_it_started_once`; then once per
//!   change with the latest, coalescing → same, `three_stations_share_one_board`,
//!   `station_timeline`; stops when the manager is gone, after an unseen
//!   menu → `station_stops_when_the_manager_leaves`,
//!   `station_stops_at_once_when_nothing_is_new`; returns the reload count →
//!   all; `Send` → the signature (checked by the compiler).

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "05-watch-config",
    lib: "watch_config",
    title: "watch config (the menu board)",
    compare: "Look at where menus are marked as seen (`borrow_and_update`), how `set_price` uses `send_if_modified` so a no-op wakes nobody, how `post_menu` uses `send_replace` so the menu is stored with nobody watching, and how `run_station` clones the menu out of the `Ref` before it awaits the reload.",
    component: None,
    tasks: &[
        Task {
            number: 1,
            item: "glance",
            title: "read the latest menu (borrow)",
            points: 1,
            hints: &[
                "A watch channel holds one value, the latest. `Receiver::borrow()` reads it without marking it seen.",
                "`borrow()` gives a `Ref` guard; copy the menu out of it (it is `Clone`) rather than returning the guard.",
            ],
        },
        Task {
            number: 2,
            item: "next_menu",
            title: "wait for an unseen menu",
            points: 2,
            hints: &[
                "The menu on the board when the receiver was made by `watch::channel` or `subscribe()` already counts as seen: wait for a change first.",
                "`changed().await` returns `Ok` when an unseen menu is there (at once if there already is one) and `Err` once the manager is gone and nothing unseen is left: that `Err` is your `None`.",
                "Read with `borrow_and_update()`, which marks what you read as seen, so the same menu is never returned twice.",
            ],
        },
        Task {
            number: 3,
            item: "set_price",
            title: "update in place, no-op wakes nobody",
            points: 2,
            hints: &[
                "Change the menu where it lies on the board instead of building a new one, and only notify when something really changed.",
                "`Sender::send_if_modified` lets you edit the stored menu in a closure; what the closure returns decides whether anyone is woken. `send_modify` and `send_replace` always notify.",
            ],
        },
        Task {
            number: 4,
            item: "post_menu",
            title: "store a menu with no one watching",
            points: 1,
            hints: &[
                "`send` checks for receivers first: with none it hands the value back in `SendError` and the board keeps the old menu.",
                "One of the `send_*` methods stores the value whether or not a station is watching (and returns the old one).",
            ],
        },
        Task {
            number: 5,
            item: "run_station",
            title: "reload on change, stop when closed",
            points: 3,
            hints: &[
                "Inside `async move { ... }`: reload with the current menu first, then wait with `changed()` and reload again, until `changed()` fails (the manager is gone).",
                "Read with `borrow_and_update()` both times: reading the first menu with `borrow()` does not mark it seen, so if it was unseen, `changed()` then returns at once with the same menu.",
                "A `Ref` is a read lock and not `Send`: copy the menu out in a statement of its own, so the `Ref` is dropped before you await `reload`.",
            ],
        },
    ],
};
