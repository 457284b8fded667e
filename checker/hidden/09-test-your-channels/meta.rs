//! Exercise 09's tasks, points and hints.
//!
//! The learner writes tests; each task is graded by the mutants of the
//! relay its test catches (see `tests.rs`). Contract of the relay
//! (`src/relay.rs`'s module doc) → task → mutants:
//!
//! * backpressure: at most `capacity` wait; `send` waits while full; a
//!   waiting sender is woken when an item is taken → task 1:
//!   `drops_when_full`, `one_more_than_capacity`, `lost_wakeup`.
//! * order and contents: every item once, in the order accepted → task 2:
//!   `newest_first`, `loses_newest_at_window`.
//! * the window: delivered when `window` has passed since the first item,
//!   later items do not extend it → task 3: `late_by_one_tick`,
//!   `window_from_last_item`.
//! * full batches: delivered at once at `max_batch` → task 4:
//!   `full_batch_waits`, `one_too_many_per_batch`.
//! * closing: accepted items still delivered, the last partial batch at
//!   once, then `None`; `send` on a closed relay hands the item back →
//!   task 5: `loses_last_batch`, `waits_window_at_close`,
//!   `accepts_after_close`.
//!
//! Not graded by a mutant: cancel safety of `next_batch` (stated in the
//! module doc for the learner's benefit) and the panics of `relay` on a
//! zero capacity or batch size.

use crate::model::course::{Component, Exercise, Task};

pub static EXERCISE: Exercise = Exercise {
    dir: "09-test-your-channels",
    lib: "test_your_channels",
    title: "test your own channels",
    compare: "Look at what each reference test leaves out: `backpressure` never looks at the items, `order_and_contents` compares all items received with all sent but not how they were split, `window` checks only when the batch comes, `full_batches` logs sizes and times but not contents, and `closing` never fills a batch. Each fails on its own task's mutants and on no other: a test that checks everything at once blames every behaviour for one mistake.",
    component: Some(Component {
        file: "relay.rs",
        lib: "relay_under_test",
    }),
    tasks: &[
        Task {
            number: 1,
            item: "backpressure",
            title: "backpressure at the poll level (tokio-test)",
            points: 2,
            hints: &[
                "`tokio_test::task::spawn(fut)` wraps a future in a mock task that you poll by hand: `poll()` returns `Poll::Ready(..)` or `Poll::Pending`, and `is_woken()` says whether anything woke the task since its last poll.",
                "`assert_pending!(t.poll())` and `assert_ready!(t.poll())` (or `assert_ready_eq!`) turn those polls into assertions. A `send` that is pending is a sender that waits.",
                "The consumer frees places by taking items: poll a mock task of `next_batch()` once. Which task should now be woken?",
            ],
        },
        Task {
            number: 2,
            item: "order_and_contents",
            title: "order and contents (pretty_assertions)",
            points: 2,
            hints: &[
                "`use pretty_assertions::assert_eq;` replaces the standard `assert_eq!` with one that prints a coloured diff of the two values.",
                "Compare everything you received with everything you sent. Data that is already sorted, or batches of one item, hide some mistakes.",
                "How the items are split into batches is not this task's rule: compare the items of all batches put together.",
            ],
        },
        Task {
            number: 3,
            item: "window",
            title: "the window on the paused clock (advance)",
            points: 2,
            hints: &[
                "The checker runs your test with the clock paused (`#[tokio::test(start_paused = true)]` does the same): `tokio::time::advance(d)` moves it forward exactly `d`, and timers that are due fire.",
                "A mock task of `next_batch()` shows the moment precisely: pending just before the window's end, ready at it.",
                "Where does the window start: at the batch's first item or its latest?",
            ],
        },
        Task {
            number: 4,
            item: "full_batches",
            title: "a whole run as an insta snapshot",
            points: 2,
            hints: &[
                "Write an event log into a `String`: one line per batch, with the paused clock's time since the start (`tokio::time::Instant`) and the batch's size. The paused clock makes the times exact.",
                "`insta::assert_snapshot!(log, @\"\")` compares with the literal after `@`; run the test once, and insta shows what to paste there (or `cargo insta review` writes it, if you installed cargo-insta).",
                "Send more items than `max_batch` at once, and keep the log to what the full-batch rule decides.",
            ],
        },
        Task {
            number: 5,
            item: "closing",
            title: "closing: the last batch and the senders",
            points: 3,
            hints: &[
                "The relay closes when every `Sender` is dropped or when the consumer calls `close()`. What must still come out of `next_batch`, and when?",
                "A partial batch at close goes at once: compare `Instant::now()` on the paused clock before and after.",
                "And the senders: what does `send` return after `close()`, or once the `Batches` is gone?",
            ],
        },
    ],
};
