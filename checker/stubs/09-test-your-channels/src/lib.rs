//! Exercise 09 — test your own channels.
//!
//! The relay in `src/relay.rs` is given and correct. Your code is its
//! tests: one `async fn` per task below, each pinning one behaviour of the
//! relay's contract. The checker runs each of your functions against the
//! real relay (it must pass: a test that fails on correct code is a false
//! alarm) and against hidden, broken relays, each broken in that task's
//! behaviour (your test must fail on every one of them). Read `README.md`
//! in this folder first.
//!
//! Replace each `todo!()` with a test, run it with
//! `cargo test -p test-your-channels --lib`, then `cargo run -p checker`.

pub mod relay;

/// Task 1 — backpressure, at the poll level.
///
/// Pins: at most `capacity` items wait in the relay; while it is full
/// `send` waits (is pending), and a waiting sender is woken as soon as
/// `next_batch` takes an item.
pub async fn backpressure() {
    todo!()
}

/// Task 2 — order and contents.
///
/// Pins: every accepted item is delivered exactly once, and the batches,
/// one after the other, hold the items in the order they were accepted.
pub async fn order_and_contents() {
    todo!()
}

/// Task 3 — the window, on the paused clock.
///
/// Pins: a batch is delivered when `window` has passed since its first
/// item was taken, not a moment earlier or later, and later items do not
/// hold it open longer.
pub async fn window() {
    todo!()
}

/// Task 4 — full batches, as a snapshot of a whole run.
///
/// Pins: a batch that holds `max_batch` items is delivered at once,
/// without waiting for its window.
pub async fn full_batches() {
    todo!()
}

/// Task 5 — closing.
///
/// Pins: once every `Sender` is gone or the consumer called `close()`,
/// accepted items are still delivered (the last, partial batch at once,
/// without waiting for its window), then `next_batch` returns `None`; a
/// `send` on a closed relay fails and hands the item back.
pub async fn closing() {
    todo!()
}

/// Runs the five tests with `cargo test`, the way the checker runs them:
/// each on a current-thread runtime whose clock starts paused.
#[cfg(test)]
mod run {
    #[tokio::test(start_paused = true)]
    async fn backpressure() {
        super::backpressure().await;
    }

    #[tokio::test(start_paused = true)]
    async fn order_and_contents() {
        super::order_and_contents().await;
    }

    #[tokio::test(start_paused = true)]
    async fn window() {
        super::window().await;
    }

    #[tokio::test(start_paused = true)]
    async fn full_batches() {
        super::full_batches().await;
    }

    #[tokio::test(start_paused = true)]
    async fn closing() {
        super::closing().await;
    }
}
