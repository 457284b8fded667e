//! Reference solution of exercise 07 — choosing a channel, and bridging
//! synchronous and async code.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, mpsc, watch};
use tokio::task::JoinSet;

/// Task 1 — the till: a producer that must never wait.
pub fn ring_up(rail: &mpsc::UnboundedSender<u32>, sales: &[u32]) -> usize {
    let mut delivered = 0;
    for &sale in sales {
        // An unbounded send never waits; it fails only when the runner is gone.
        if rail.send(sale).is_err() {
            break;
        }
        delivered += 1;
    }
    delivered
}

/// Task 2 — the runner behind an unbounded rail: the cost made visible.
pub async fn slow_runner(
    mut rail: mpsc::UnboundedReceiver<u32>,
    per_ticket: Duration,
    mut serve: impl FnMut(u32),
) -> usize {
    let mut peak = 0;
    while let Some(ticket) = rail.recv().await {
        // What is still on the rail is memory the till has spent and the
        // runner has not paid back yet.
        peak = peak.max(rail.len());
        serve(ticket);
        tokio::time::sleep(per_ticket).await;
    }
    peak
}

/// Task 3 — the bookkeeper: slow synchronous work, bridged to async code.
pub fn start_bookkeeper(
    orders: Vec<u32>,
    belt_size: usize,
    mut tally: impl FnMut(u32) -> u32 + Send + 'static,
) -> mpsc::Receiver<u32> {
    let (tx, rx) = mpsc::channel(belt_size);
    // The blocking pool runs synchronous code off the runtime's thread;
    // `blocking_send` is allowed there and gives the thread backpressure.
    tokio::task::spawn_blocking(move || {
        for order in orders {
            if tx.blocking_send(tally(order)).is_err() {
                return;
            }
        }
    });
    rx
}

/// Task 4 — porters: many consumers sharing one belt.
pub async fn run_porters<F, Fut>(belt: mpsc::Receiver<u32>, porters: usize, carry: F) -> Vec<u32>
where
    F: Fn(u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = u32> + Send + 'static,
{
    // A `Receiver` has one owner; sharing it means taking turns at the lock.
    let belt = Arc::new(Mutex::new(belt));
    let carry = Arc::new(carry);
    let mut crew = JoinSet::new();
    for _ in 0..porters {
        let belt = belt.clone();
        let carry = carry.clone();
        crew.spawn(async move {
            let mut results = Vec::new();
            loop {
                // The guard is dropped at the end of this statement, so the
                // lock is held only while waiting for the next sack, never
                // while carrying it.
                let next = belt.lock().await.recv().await;
                let Some(item) = next else { break };
                results.push(carry(item).await);
            }
            results
        });
    }
    let mut all = Vec::new();
    while let Some(done) = crew.join_next().await {
        all.extend(done.expect("a porter panicked"));
    }
    all
}

/// Task 5 — the tray: taking dishes in batches.
pub async fn tray_runner(
    mut belt: mpsc::Receiver<u32>,
    tray: usize,
    mut serve: impl FnMut(Vec<u32>),
) -> usize {
    let mut trips = 0;
    let mut trip = Vec::with_capacity(tray);
    // `recv_many` waits for the first dish only, then takes what is there.
    while belt.recv_many(&mut trip, tray).await > 0 {
        serve(std::mem::take(&mut trip));
        trips += 1;
    }
    trips
}

/// The thermometer's end of the connection made by [`fridge`].
pub struct Thermometer {
    latest: watch::Sender<Option<i32>>,
}

/// The kitchen's end of the connection made by [`fridge`].
pub struct Gauge {
    latest: watch::Receiver<Option<i32>>,
}

/// Task 6 — which channel? The fridge thermometer.
pub fn fridge() -> (Thermometer, Gauge) {
    // Only the latest reading matters: a watch keeps one value, so readings
    // never pile up and the sender never waits.
    let (tx, rx) = watch::channel(None);
    (Thermometer { latest: tx }, Gauge { latest: rx })
}

impl Thermometer {
    /// Reports a reading.
    pub fn report(&self, celsius: i32) {
        // `send` refuses (and does not store the value) when no gauge is left;
        // `send_replace` always stores it and never fails.
        self.latest.send_replace(Some(celsius));
    }
}

impl Gauge {
    /// Waits for a reading not returned yet and returns the latest one.
    pub async fn next_reading(&mut self) -> Option<i32> {
        self.latest.changed().await.ok()?;
        *self.latest.borrow_and_update()
    }
}
