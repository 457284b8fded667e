//! The relay: a bounded queue that hands its items on in batches.
//!
//! Given, correct and documented: you do not change this file, you test
//! it. Each sentence of the contract below is one of the behaviours your
//! tests pin down (the task number is in brackets). The checker tests your
//! tests against its own copy of this file and against broken versions of
//! it, so edits here change nothing in the verdict; break it on purpose to
//! see your tests fail, then put it back (`git checkout`).
//!
//! Many producers hold a [`Sender`]; one consumer holds the [`Batches`] and
//! calls [`Batches::next_batch`] in a loop. Think of a log shipper that
//! writes lines to a database in batches: fewer round trips, and a line
//! still reaches the database soon after it was written.
//!
//! The contract:
//!
//! * **Backpressure** (task 1). At most `capacity` items wait in the relay
//!   (accepted by `send` and not yet taken into a batch). While it is full,
//!   `send` waits, and a waiting sender is woken as soon as `next_batch`
//!   takes an item and so frees a place.
//! * **Order and contents** (task 2). Every accepted item is delivered
//!   exactly once, and the batches, one after the other, hold the items in
//!   the order they were accepted.
//! * **The window** (task 3). A batch opens when `next_batch` takes its
//!   first item, and is delivered when `window` has passed since then, with
//!   whatever it holds. Later items do not hold it open longer.
//! * **Full batches** (task 4). A batch that holds `max_batch` items is
//!   delivered at once, without waiting for its window.
//! * **Closing** (task 5). The relay closes when every `Sender` is gone or
//!   when the consumer calls [`Batches::close`]. Items accepted before are
//!   still delivered; the last, partial batch at once, without waiting for
//!   its window; then `next_batch` returns `None`. A `send` on a closed
//!   relay (or one whose `Batches` was dropped) fails with
//!   `Err(Closed(item))`, handing the item back.
//!
//! `next_batch` is cancel safe: a batch being gathered when its future is
//! dropped is kept and delivered by the next call.

use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

/// How a relay batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// How many items may wait in the relay, accepted but not yet taken
    /// into a batch. At least 1.
    pub capacity: usize,
    /// The most items one batch holds. At least 1.
    pub max_batch: usize,
    /// How long a batch stays open after its first item is taken.
    pub window: Duration,
}

/// Creates a relay: the producers' end and the consumer's end.
///
/// # Panics
///
/// If `capacity` or `max_batch` is 0.
pub fn relay<T>(config: Config) -> (Sender<T>, Batches<T>) {
    assert!(config.max_batch > 0, "a batch must be able to hold an item");
    // `mpsc::channel(0)` panics with a message of its own.
    let (tx, rx) = mpsc::channel(config.capacity);
    let batches = Batches {
        rx,
        config,
        batch: Vec::new(),
        deadline: None,
    };
    (Sender { tx }, batches)
}

/// A producer's end of the relay. Clone it for more producers; the relay
/// closes when the last clone is dropped.
#[derive(Debug)]
pub struct Sender<T> {
    tx: mpsc::Sender<T>,
}

// Derived `Clone` would require `T: Clone`.
impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            tx: self.tx.clone(),
        }
    }
}

/// The relay was closed: the item was not accepted and comes back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> Sender<T> {
    /// Hands `item` to the relay, waiting while `capacity` items wait in
    /// it. Fails with the item handed back once the relay is closed.
    pub async fn send(&self, item: T) -> Result<(), Closed<T>> {
        self.tx.send(item).await.map_err(|e| Closed(e.0))
    }
}

/// The consumer's end of the relay.
#[derive(Debug)]
pub struct Batches<T> {
    rx: mpsc::Receiver<T>,
    config: Config,
    /// The batch being gathered: kept here, not in `next_batch`'s future,
    /// so that dropping that future loses nothing.
    batch: Vec<T>,
    /// When the batch being gathered is due, once it has an item.
    deadline: Option<Instant>,
}

impl<T> Batches<T> {
    /// The next batch: at least one item, at most `max_batch`, in the order
    /// accepted. `None` once the relay is closed and every item delivered.
    pub async fn next_batch(&mut self) -> Option<Vec<T>> {
        loop {
            if self.batch.len() >= self.config.max_batch {
                return Some(self.take());
            }
            let Some(deadline) = self.deadline else {
                // No batch open: wait for its first item.
                let first = self.rx.recv().await?;
                self.deadline = Some(Instant::now() + self.config.window);
                self.batch.push(first);
                continue;
            };
            tokio::select! {
                // Items already waiting join the batch before a window that
                // has run out is noticed.
                biased;
                item = self.rx.recv() => match item {
                    Some(item) => self.batch.push(item),
                    // Closed: the partial batch goes now.
                    None => return Some(self.take()),
                },
                () = sleep_until(deadline) => return Some(self.take()),
            }
        }
    }

    /// Closes the relay: `send` fails from now on, while the items already
    /// accepted are still delivered by `next_batch`.
    pub fn close(&mut self) {
        self.rx.close();
    }

    fn take(&mut self) -> Vec<T> {
        self.deadline = None;
        std::mem::take(&mut self.batch)
    }
}
