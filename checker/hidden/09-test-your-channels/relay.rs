//! The relay the checker tests exercise 09's tests against: the given
//! relay, and every hidden mutant of it, chosen at run time.
//!
//! The checker builds this file as a crate of its own (`relay_under_test`)
//! and stands it in for the learner's `src/relay.rs`, so the learner's
//! tests compile once and run, one process each, against the correct relay
//! and against every mutant. The harness chooses the variant with
//! [`choose`] before any of the learner's code runs. The choice lives in a
//! private static of this crate: the learner's code (another crate) can
//! neither read it nor change it once made, so the only way for a test to
//! tell the variants apart is the relay's behaviour.
//!
//! With the variant `correct` this must behave exactly as
//! `exercises/09-test-your-channels/src/relay.rs`; `verify` runs the
//! reference tests against both. Each mutant breaks one sentence of the
//! contract, and only that one (see `tests.rs` for which task catches it).

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::time::{Instant, sleep_until};

/// One version of the relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Correct,
    // Task 1: backpressure.
    DropsWhenFull,
    LostWakeup,
    OneMoreThanCapacity,
    // Task 2: order and contents.
    NewestFirst,
    LosesNewestAtWindow,
    // Task 3: the window.
    LateByOneTick,
    WindowFromLastItem,
    // Task 4: full batches.
    FullBatchWaits,
    OneTooManyPerBatch,
    // Task 5: closing.
    LosesLastBatch,
    AcceptsAfterClose,
    WaitsWindowAtClose,
}

/// Every variant by the name `choose` takes.
const NAMES: &[(&str, Variant)] = &[
    ("correct", Variant::Correct),
    ("drops_when_full", Variant::DropsWhenFull),
    ("lost_wakeup", Variant::LostWakeup),
    ("one_more_than_capacity", Variant::OneMoreThanCapacity),
    ("newest_first", Variant::NewestFirst),
    ("loses_newest_at_window", Variant::LosesNewestAtWindow),
    ("late_by_one_tick", Variant::LateByOneTick),
    ("window_from_last_item", Variant::WindowFromLastItem),
    ("full_batch_waits", Variant::FullBatchWaits),
    ("one_too_many_per_batch", Variant::OneTooManyPerBatch),
    ("loses_last_batch", Variant::LosesLastBatch),
    ("accepts_after_close", Variant::AcceptsAfterClose),
    ("waits_window_at_close", Variant::WaitsWindowAtClose),
];

static CHOSEN: OnceLock<Variant> = OnceLock::new();

/// Chooses the variant for this process. Only the harness calls it, once,
/// before the test starts; a second call panics, so a test that calls it
/// fails against the correct relay as well.
#[doc(hidden)]
pub fn choose(name: &str) {
    let variant = NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .unwrap_or_else(|| panic!("no relay variant named {name}"));
    if CHOSEN.set(variant).is_err() {
        panic!("the relay's variant is chosen once, by the checker");
    }
}

fn is(v: Variant) -> bool {
    CHOSEN.get().copied().unwrap_or(Variant::Correct) == v
}

/// How a relay batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub capacity: usize,
    pub max_batch: usize,
    pub window: Duration,
}

pub fn relay<T>(config: Config) -> (Sender<T>, Batches<T>) {
    assert!(config.max_batch > 0, "a batch must be able to hold an item");
    let capacity = if is(Variant::OneMoreThanCapacity) {
        config.capacity.max(1) + 1
    } else {
        config.capacity
    };
    let (tx, rx) = mpsc::channel(capacity);
    let batches = Batches {
        rx,
        config,
        batch: Vec::new(),
        deadline: None,
    };
    (Sender { tx }, batches)
}

#[derive(Debug)]
pub struct Sender<T> {
    tx: mpsc::Sender<T>,
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            tx: self.tx.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

/// Pending once without arranging to be woken, then ready: a waiting
/// sender that nobody wakes.
struct PendingUnwoken(bool);

impl Future for PendingUnwoken {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        Poll::Pending
    }
}

impl<T> Sender<T> {
    pub async fn send(&self, item: T) -> Result<(), Closed<T>> {
        if is(Variant::DropsWhenFull) {
            return match self.tx.try_send(item) {
                Ok(()) | Err(TrySendError::Full(_)) => Ok(()),
                Err(TrySendError::Closed(item)) => Err(Closed(item)),
            };
        }
        if is(Variant::LostWakeup) {
            let mut item = item;
            loop {
                match self.tx.try_send(item) {
                    Ok(()) => return Ok(()),
                    Err(TrySendError::Closed(back)) => return Err(Closed(back)),
                    Err(TrySendError::Full(back)) => {
                        item = back;
                        PendingUnwoken(false).await;
                    }
                }
            }
        }
        if is(Variant::AcceptsAfterClose) {
            let _ = self.tx.send(item).await;
            return Ok(());
        }
        self.tx.send(item).await.map_err(|e| Closed(e.0))
    }
}

#[derive(Debug)]
pub struct Batches<T> {
    rx: mpsc::Receiver<T>,
    config: Config,
    batch: Vec<T>,
    deadline: Option<Instant>,
}

impl<T> Batches<T> {
    pub async fn next_batch(&mut self) -> Option<Vec<T>> {
        let max_batch = if is(Variant::OneTooManyPerBatch) {
            self.config.max_batch + 1
        } else {
            self.config.max_batch
        };
        loop {
            if self.batch.len() >= max_batch {
                if is(Variant::FullBatchWaits)
                    && let Some(deadline) = self.deadline
                {
                    sleep_until(deadline).await;
                }
                return Some(self.take());
            }
            let Some(deadline) = self.deadline else {
                let first = self.rx.recv().await?;
                self.deadline = Some(self.window_end());
                self.batch.push(first);
                continue;
            };
            tokio::select! {
                biased;
                item = self.rx.recv() => match item {
                    Some(item) => {
                        if is(Variant::WindowFromLastItem) {
                            self.deadline = Some(self.window_end());
                        }
                        self.batch.push(item);
                    }
                    None => {
                        if is(Variant::LosesLastBatch) {
                            self.take();
                            return None;
                        }
                        if is(Variant::WaitsWindowAtClose) {
                            sleep_until(deadline).await;
                        }
                        return Some(self.take());
                    }
                },
                () = sleep_until(deadline) => {
                    let mut batch = self.take();
                    if is(Variant::LosesNewestAtWindow) && batch.len() > 1 {
                        batch.pop();
                    }
                    return Some(batch);
                }
            }
        }
    }

    pub fn close(&mut self) {
        self.rx.close();
    }

    fn window_end(&self) -> Instant {
        let tick = if is(Variant::LateByOneTick) {
            Duration::from_millis(1)
        } else {
            Duration::ZERO
        };
        Instant::now() + self.config.window + tick
    }

    fn take(&mut self) -> Vec<T> {
        self.deadline = None;
        let mut batch = std::mem::take(&mut self.batch);
        if is(Variant::NewestFirst) {
            batch.reverse();
        }
        batch
    }
}
