//! Exercise 01 — bounded send and backpressure (reference solution).
//!
//! A kitchen: the chef puts numbered dishes on a belt (a bounded
//! `tokio::sync::mpsc` channel), the runner takes them off. The belt holds
//! only a few dishes, so a fast chef must wait for a slow runner: that
//! waiting is backpressure.

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

/// Task 1 — the runner.
///
/// Takes dishes off the belt until the belt is closed (every `Sender` is
/// gone and nothing is left on it) and returns them in the order taken.
pub async fn runner(mut belt: mpsc::Receiver<u32>) -> Vec<u32> {
    let mut served = Vec::new();
    // `recv` returns `None` once the belt is closed (here: every sender is
    // gone) and empty, so this loop is also the runner's shutdown.
    while let Some(dish) = belt.recv().await {
        served.push(dish);
    }
    served
}

/// Task 2 — the chef.
///
/// Puts dishes `1..=dishes` on the belt, in order, waiting for a free slot
/// whenever the belt is full. Returns when every dish is on the belt.
/// If the belt is closed (the runner left), stops early.
pub async fn chef(belt: mpsc::Sender<u32>, dishes: u32) {
    for dish in 1..=dishes {
        // `send` waits for a free slot: this await is the backpressure.
        if belt.send(dish).await.is_err() {
            return;
        }
    }
}

/// Task 3 — the kitchen.
///
/// Creates a belt that holds `belt_size` dishes, runs a chef cooking
/// `dishes` dishes and a runner at the same time, and returns what the
/// runner served.
pub async fn run_kitchen(dishes: u32, belt_size: usize) -> Vec<u32> {
    let (tx, rx) = mpsc::channel(belt_size);
    let runner = tokio::spawn(runner(rx));
    // `tx` moves into the chef: when the chef is done, the last sender is
    // dropped and the runner's loop ends.
    let chef = tokio::spawn(chef(tx, dishes));
    chef.await.expect("the chef panicked");
    runner.await.expect("the runner panicked")
}

/// What a chef could not deliver because the runner left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unserved {
    /// The dishes that never made it onto the belt, in order: the one whose
    /// `send` failed first, then every dish not yet attempted.
    pub dishes: Vec<u32>,
}

/// Task 4 — a chef who notices that the runner left.
///
/// Like [`chef`], but returns `Err(Unserved)` listing every dish that was
/// not put on the belt if the belt closes before all `dishes` are sent.
/// Returns `Ok(())` when every dish made it onto the belt.
pub async fn chef_reporting(belt: mpsc::Sender<u32>, dishes: u32) -> Result<(), Unserved> {
    for dish in 1..=dishes {
        if let Err(err) = belt.send(dish).await {
            // The failed send hands the dish back: it was never on the belt.
            let mut unserved = vec![err.0];
            unserved.extend(dish + 1..=dishes);
            return Err(Unserved { dishes: unserved });
        }
    }
    Ok(())
}

/// The answer of the belt to a dish offered without waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    /// The dish is on the belt.
    Accepted,
    /// The belt is full: the dish is handed back and turned away.
    Full(u32),
    /// The runner is gone: the dish is handed back and nobody will serve it.
    Closed(u32),
}

/// Task 5 — rush hour: offer a dish without waiting.
///
/// Tries to put `dish` on the belt right now. Never waits.
pub fn offer(belt: &mpsc::Sender<u32>, dish: u32) -> Offer {
    match belt.try_send(dish) {
        Ok(()) => Offer::Accepted,
        Err(TrySendError::Full(dish)) => Offer::Full(dish),
        Err(TrySendError::Closed(dish)) => Offer::Closed(dish),
    }
}

/// Task 6 — cook only when there is room.
///
/// Cooking is expensive, so the chef first claims a free slot on the belt
/// and only then cooks dish `n` with `cook(n)` and puts the result in the
/// claimed slot, for `n` in `1..=dishes`. No dish is cooked while the belt
/// is full. Stops early (without cooking more) if the belt closes.
pub async fn cook_when_space(
    belt: mpsc::Sender<String>,
    dishes: u32,
    mut cook: impl FnMut(u32) -> String,
) {
    for n in 1..=dishes {
        // A permit is a reserved slot: nothing is cooked until there is
        // room, and `permit.send` neither waits nor meets a full belt. (It
        // cannot report a runner who left after `reserve`: that dish is
        // lost without a word.)
        let Ok(permit) = belt.reserve().await else {
            return;
        };
        permit.send(cook(n));
    }
}
