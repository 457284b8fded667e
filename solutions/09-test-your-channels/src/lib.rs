//! Exercise 09 — test your own channels: the reference test suite.
//!
//! Each function pins one behaviour of the relay and nothing else, so that
//! it fails on the relays broken in that behaviour and on no other: a
//! test that also checks timing, say, would fail for a timing mistake and
//! blame the wrong behaviour.

pub mod relay;

use pretty_assertions::assert_eq;
use relay::{Closed, Config, relay};
use std::fmt::Write;
use std::time::Duration;
use tokio::time::{Instant, advance, sleep};
use tokio_test::task;
use tokio_test::{assert_pending, assert_ready, assert_ready_eq};

const MS: Duration = Duration::from_millis(1);

/// Task 1 — backpressure, at the poll level.
///
/// Pins: at most `capacity` items wait in the relay; while it is full
/// `send` waits (is pending), and a waiting sender is woken as soon as
/// `next_batch` takes an item.
pub async fn backpressure() {
    // A window and a batch size that never act here: only the queue does.
    let (tx, mut batches) = relay::<u32>(Config {
        capacity: 2,
        max_batch: 10,
        window: 100 * MS,
    });
    let mut first = task::spawn(tx.send(1));
    assert_ready_eq!(first.poll(), Ok(()));
    let mut second = task::spawn(tx.send(2));
    assert_ready_eq!(second.poll(), Ok(()));

    // Two items wait: the third sender must wait too, and nothing but the
    // consumer may wake it.
    let mut third = task::spawn(tx.send(3));
    assert_pending!(third.poll());
    assert_pending!(third.poll());
    assert!(!third.is_woken(), "nothing freed a place yet");

    // The consumer takes the waiting items into its batch (then waits for
    // the window): that frees the places.
    let mut consumer = task::spawn(batches.next_batch());
    assert_pending!(consumer.poll());
    assert!(
        third.is_woken(),
        "taking items must wake the waiting sender"
    );
    assert_ready_eq!(third.poll(), Ok(()));
}

/// Task 2 — order and contents.
///
/// Pins: every accepted item is delivered exactly once, and the batches,
/// one after the other, hold the items in the order they were accepted.
pub async fn order_and_contents() {
    let (tx, mut batches) = relay(Config {
        capacity: 16,
        max_batch: 3,
        window: 100 * MS,
    });
    // Not sorted and not 1, 2, 3: a relay that sorted, or reversed, its
    // batches would hand back something else.
    let sent = vec!["e", "b", "d", "a", "c", "g", "f", "h"];
    for item in &sent {
        tx.send(*item).await.unwrap();
    }
    // How the items are split into batches is other tasks' business: only
    // the order across all batches is compared.
    let mut received = Vec::new();
    while received.len() < sent.len() {
        let batch = batches.next_batch().await.expect("the relay closed early");
        received.extend(batch);
    }
    assert_eq!(received, sent);
}

/// Task 3 — the window, on the paused clock.
///
/// Pins: a batch is delivered when `window` has passed since its first
/// item was taken, not a moment earlier or later, and later items do not
/// hold it open longer.
pub async fn window() {
    let (tx, mut batches) = relay(Config {
        capacity: 16,
        max_batch: 10,
        window: 100 * MS,
    });
    tx.send(1).await.unwrap();
    let mut consumer = task::spawn(batches.next_batch());
    assert_pending!(consumer.poll());

    // A second item 60 ms later must not hold the batch open longer.
    advance(60 * MS).await;
    tx.send(2).await.unwrap();
    assert_pending!(consumer.poll());

    // 99 ms after the first item: still gathering.
    advance(39 * MS).await;
    assert_pending!(consumer.poll());
    // 100 ms: delivered.
    advance(MS).await;
    assert!(
        consumer.is_woken(),
        "the window's end must wake the consumer"
    );
    assert!(assert_ready!(consumer.poll()).is_some());
}

/// Task 4 — full batches, as a snapshot of a whole run.
///
/// Pins: a batch that holds `max_batch` items is delivered at once,
/// without waiting for its window.
pub async fn full_batches() {
    let (tx, mut batches) = relay(Config {
        capacity: 16,
        max_batch: 3,
        window: 100 * MS,
    });
    let producer = tokio::spawn(async move {
        for item in 1..=3 {
            tx.send(item).await.unwrap();
        }
        sleep(40 * MS).await;
        for item in 4..=6 {
            tx.send(item).await.unwrap();
        }
        // Every batch is full here: closing leaves no partial batch.
    });
    // The log records when each batch came and how big it was: the rule
    // under test. Contents are task 2's.
    let start = Instant::now();
    let mut log = String::new();
    while let Some(batch) = batches.next_batch().await {
        let t = start.elapsed().as_millis();
        writeln!(log, "t={t:>3}ms batch of {}", batch.len()).unwrap();
    }
    writeln!(log, "t={:>3}ms closed", start.elapsed().as_millis()).unwrap();
    producer.await.unwrap();
    insta::assert_snapshot!(log, @r"
    t=  0ms batch of 3
    t= 40ms batch of 3
    t= 40ms closed
    ");
}

/// Task 5 — closing.
///
/// Pins: once every `Sender` is gone or the consumer called `close()`,
/// accepted items are still delivered (the last, partial batch at once,
/// without waiting for its window), then `next_batch` returns `None`; a
/// `send` on a closed relay fails and hands the item back.
pub async fn closing() {
    let config = Config {
        capacity: 16,
        max_batch: 10,
        window: 100 * MS,
    };

    // The last sender goes 10 ms into a 100 ms window. One item: the order
    // within a batch is task 2's business.
    let (tx, mut batches) = relay(config);
    tx.send(1).await.unwrap();
    let start = Instant::now();
    tokio::spawn(async move {
        sleep(10 * MS).await;
        drop(tx);
    });
    assert_eq!(batches.next_batch().await, Some(vec![1]));
    assert_eq!(start.elapsed(), 10 * MS, "the last batch must go at once");
    assert_eq!(batches.next_batch().await, None);

    // The consumer closes: accepted items still come, new ones come back.
    let (tx, mut batches) = relay(config);
    tx.send(1).await.unwrap();
    batches.close();
    assert_eq!(tx.send(2).await, Err(Closed(2)));
    assert_eq!(batches.next_batch().await, Some(vec![1]));
    assert_eq!(batches.next_batch().await, None);

    // The consumer is gone.
    let (tx, batches) = relay(config);
    drop(batches);
    assert_eq!(tx.send(3).await, Err(Closed(3)));
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
