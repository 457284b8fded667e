//! Exercise 06's tasks, points and hints.
//!
//! Contract → tests (every sentence of each doc comment in `src/lib.rs`,
//! and the test in `tests.rs` that checks it):
//!
//! Task 1 `pantry_keeper`
//! - takes orders one at a time, records each in `taken` (in order):
//!   keeper_takes_orders_until_the_hatch_closes, keeper_goes_home_when_the_bell_rings
//! - hatch closed (senders gone, empty) → `HatchClosed`:
//!   keeper_takes_orders_until_the_hatch_closes (bell kept alive, so waiting
//!   on the bell alone deadlocks)
//! - bell value becomes `true` → `Bell` as soon as heard, while orders keep
//!   coming: keeper_goes_home_when_the_bell_rings (ends at t=100 exactly)
//! - a new value of `false` is not a ring: keeper_goes_home_when_the_bell_rings
//! - a bell already `true` when the keeper starts → `Bell` at once:
//!   keeper_goes_home_when_the_bell_rang_before_the_shift (the receiver is
//!   made after the ring, so `changed()` alone never fires)
//! - bell `Sender` dropped without ringing → carry on until the hatch closes:
//!   keeper_carries_on_when_the_bell_is_taken_away
//! - waits, never spins: every test, through the harness's poll counter (a
//!   dropped bell and a closed hatch named with `on_spin`)
//!
//! Task 2 `serve_rush_first`
//! - every order taken, returned in the order taken: all three tests
//! - a waiting rush order goes before any regular order:
//!   rush_orders_go_before_waiting_regular_orders (3 rounds of 10, so a
//!   random branch order passes with probability 2^-30)
//! - one hatch closes → keeps serving the other: rush_hatch_closes_first,
//!   regular_hatch_closes_first
//! - returns once both are closed: the same two (return time checked)
//! - waits, never spins: every test, through the harness's poll counter
//!   (closed hatches named with `on_spin`)
//!
//! Task 3 `clerk`
//! - moves tickets one at a time, in order, waiting for room:
//!   clerk_moves_every_ticket_in_order (kitchen of 2, drained slowly)
//! - bell rings → returns as soon as it hears it, while waiting for room:
//!   clerk_loses_no_ticket_when_the_bell_rings_while_the_kitchen_is_full;
//!   while waiting for a ticket:
//!   clerk_goes_home_when_the_bell_rings_while_waiting_for_a_ticket
//! - front hatch closed → every ticket moved, returns `None`:
//!   clerk_moves_every_ticket_in_order
//! - kitchen hatch closed → returns at once: clerk_stops_when_the_kitchen_is_gone;
//!   while waiting for the next ticket, at once or when it comes, that ticket
//!   returned, not lost: clerk_stops_when_the_kitchen_goes_while_it_waits_for_a_ticket
//! - bell `Sender` dropped without ringing → carries on, never spins:
//!   clerk_carries_on_when_the_bell_is_taken_away
//! - no ticket lost, at most one returned, front keeps the rest: the three
//!   tests above that end early count every ticket (`expect_every_ticket`)
//!
//! Task 4 `last_orders`
//! - closes the hatch: a waiter's `send` fails, even one already waiting:
//!   last_orders_refuses_new_orders
//! - takes the orders already in the hatch: last_orders_serves_what_is_in_the_hatch
//!   (a live `Sender` makes a drain without `close` deadlock)
//! - and those sent later through a reserved slot: last_orders_waits_for_reserved_slots
//! - in arrival order, returns once empty and no slot left: the same two
//!   (return time checked)
//!
//! Task 5 `close_kitchen`
//! - rings the bell; it shows `true` even with no receiver:
//!   close_kitchen_rings_even_when_nobody_listens (and the first test)
//! - waits for stations, at most `grace` after ringing:
//!   close_kitchen_gives_up_at_the_deadline (returns at t=50+500)
//! - returns as soon as every station is done: close_kitchen_waits_for_every_station,
//!   close_kitchen_rings_even_when_nobody_listens (return time checked)
//! - `finished` in finishing order, `abandoned` counted: all three
//! - stations still running are stopped, none running on return, `stations`
//!   empty: close_kitchen_gives_up_at_the_deadline (live-station counter)
//! - stations done before the bell count as finished even with `grace` 0:
//!   close_kitchen_counts_stations_done_before_the_bell_even_without_grace
//! - a panicked station is neither finished nor abandoned:
//!   close_kitchen_counts_a_panicked_station_as_neither
//!
//! Task 6 `runner`
//! - trips at `every`, `2*every`, ... from the start, carrying the dishes
//!   since the last trip, in order; steady dishes never delay a trip:
//!   runner_trips_leave_on_time_while_dishes_keep_coming (snapshot too)
//! - empty trips skipped: runner_skips_empty_trips,
//!   runner_with_nothing_to_carry_returns_when_the_belt_closes
//! - belt closed → delivers the rest at once, then returns:
//!   runner_delivers_the_rest_when_the_belt_closes (and the other three,
//!   return time checked)

use crate::model::course::{Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "06-select-shutdown",
    lib: "select_shutdown",
    title: "select!, cancellation and shutdown",
    compare: "Look at what each `select!` branch holds when it loses: `recv`, `changed`, `wait_for`, `reserve` and `join_next` hold nothing, so dropping them loses nothing, while a `send(ticket)` would take the ticket down with it. Then look at what stops each loop: the keeper turns off a bell that can no longer ring with an `if` precondition, `serve_rush_first` lets `else` notice that both hatches are closed, and the runner's trip timer is created once, outside the loop, and `reset` after each trip.",
    component: None,
    tasks: &[
        Task {
            number: 1,
            item: "pantry_keeper",
            title: "select! over hatch and closing bell",
            points: 2,
            hints: &[
                "The keeper waits for two things at once: the next order and the bell. `tokio::select!` with one branch for `hatch.recv()` and one for `bell.changed()`, inside a `loop`. Both are cancel-safe, so the branch that loses a round loses nothing.",
                "`recv()` gives `None` when the hatch is closed: handle that case (match on the result) instead of a `Some(order) =` pattern, which would leave the keeper waiting for the bell alone. After `changed()` returns `Ok`, read the value: only `true` is a ring. Read it once before the loop too: a bell rung before the keeper's receiver was made counts as already seen, and `changed()` never fires for it.",
                "Once the bell's `Sender` is gone and its last value is seen, `changed()` returns `Err` at once, every time. A branch that is always ready turns the loop into a busy loop: remember that the bell is gone and switch its branch off with a precondition (`.., if bell_can_ring =>`).",
            ],
        },
        Task {
            number: 2,
            item: "serve_rush_first",
            title: "biased; priority, else when closed",
            points: 2,
            hints: &[
                "Without `biased;`, `select!` starts at a random branch each round, so a regular order may go before a waiting rush order. With `biased;` as the first line, branches are polled top to bottom.",
                "A branch whose pattern does not match (`Some(order) = rush.recv()` getting `None`) is disabled for that round; the other branch still counts. So a closed hatch needs no special code.",
                "When every branch is disabled, `select!` runs its `else` branch: that is the moment both hatches are closed. Return what you served there; going round the loop again would find the same closed hatches at once, forever.",
            ],
        },
        Task {
            number: 3,
            item: "clerk",
            title: "never lose a ticket in select!",
            points: 3,
            hints: &[
                "The clerk must hear the bell while it waits for room in the kitchen hatch, so the wait for room has to be a `select!` branch too. But a branch that loses is dropped, together with everything it owns.",
                "`kitchen.send(ticket)` inside `select!` owns the ticket: if the bell wins, the ticket is dropped and lost. `Ticket` is not `Clone`, on purpose.",
                "Split each move into steps that hold nothing a lost race could drop: claiming room (`reserve()` gives a permit, which holds no ticket), taking a ticket (`recv` is cancel-safe), and handing it over through the permit, which never waits. Which of these waits must also listen for the bell, and which for a kitchen that closes (`kitchen.closed()`)?",
            ],
        },
        Task {
            number: 4,
            item: "last_orders",
            title: "close() the receiver, then drain",
            points: 2,
            hints: &[
                "Waiters still hold `Sender`s at closing time, so `recv()` alone would wait for orders forever. The receiving side can shut the hatch by itself.",
                "`hatch.close()` refuses every new `send` (even one already waiting) but keeps what is in the hatch. Then `recv().await` until it returns `None`.",
                "`try_recv` stops at the first empty moment and misses orders whose waiter reserved a slot before closing time; `recv().await` after `close()` waits for those and returns `None` only when none are left.",
            ],
        },
        Task {
            number: 5,
            item: "close_kitchen",
            title: "JoinSet and a deadline on shutdown",
            points: 3,
            hints: &[
                "Three steps: ring the bell, wait for the stations with `stations.join_next().await` in a loop, but give that wait a deadline with `tokio::time::timeout(grace, ..)`.",
                "A watch `send` with no receiver left fails and stores nothing: ring with `bell.send_replace(true)`. Whatever is still in the set after the deadline is abandoned: `stations.len()`. A station that panicked comes out of `join_next` as `Err`: it has ended, so it is not abandoned, but it brought no name.",
                "`abort_all()` only asks the tasks to stop; they stop at their next turn. `stations.shutdown().await` aborts them and waits until every one has stopped.",
            ],
        },
        Task {
            number: 6,
            item: "runner",
            title: "a timer that survives the loop",
            points: 2,
            hints: &[
                "The trip times are fixed: `every`, `2 * every`, ... from the start. Whatever you wait on for the next trip must keep counting while dishes arrive.",
                "A `sleep(every)` written inside `select!` is created anew every round, so each dish starts the wait over and a trip never leaves while dishes keep coming.",
                "Make the timer outlive the rounds: create it once before the loop (a `Sleep` must be pinned to be polled by reference) and move it to the next trip time after each trip (`Sleep::reset`). Or wait each round for a deadline you keep in a variable (`sleep_until`), or use an `interval`, whose first tick is immediate.",
            ],
        },
    ],
};
