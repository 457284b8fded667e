//! Exercise 07 — choosing a channel, and bridging synchronous and async code.
//!
//! A till that must never wait, a runner who falls behind, a bookkeeper on
//! a plain thread, porters sharing one belt, a runner with a tray, and a
//! fridge thermometer whose channel you choose yourself. Read `README.md`
//! in this folder first.
//!
//! Replace each `todo!()` with your code, then run `cargo run -p checker`.

use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;

/// Task 1 — the till: a producer that must never wait.
///
/// Puts every sale on the rail, in the order given, and returns how many
/// it put there. This is a plain `fn`: the till is synchronous code and
/// must never wait, which is why its rail is unbounded. If the runner is
/// gone (the rail's receiver was dropped or closed), stops at the first
/// sale that cannot be put on the rail and returns how many made it before
/// that one.
pub fn ring_up(rail: &mpsc::UnboundedSender<u32>, sales: &[u32]) -> usize {
    todo!()
}

/// Task 2 — the runner behind an unbounded rail: the cost made visible.
///
/// Takes tickets off the rail one at a time, in order, until the rail is
/// closed and empty. For each ticket, in this order: notes the backlog
/// (how many tickets are still waiting on the rail right after taking this
/// one), calls `serve(ticket)`, then spends `per_ticket` on it
/// (`tokio::time::sleep`), the last ticket included; only then does it
/// take the next ticket or find the rail closed. Returns the largest
/// backlog it noted, or 0 if no ticket came.
pub async fn slow_runner(
    rail: mpsc::UnboundedReceiver<u32>,
    per_ticket: Duration,
    mut serve: impl FnMut(u32),
) -> usize {
    todo!()
}

/// Task 3 — the bookkeeper: slow synchronous work, bridged to async code.
///
/// Creates a belt that holds `belt_size` results and returns its receiving
/// end at once, without waiting for any tally. Must be called from inside
/// a tokio runtime. `belt_size` is at least 1 (a bounded tokio channel
/// cannot hold 0: `mpsc::channel(0)` panics); the checker never passes 0.
///
/// `tally` is slow, blocking code, so it never runs on the runtime's
/// thread: a bookkeeper on a thread of its own (`spawn_blocking` or a
/// `std::thread`) calls `tally(order)` for each order, in order, and puts
/// each result on the belt as soon as it has it, waiting while the belt is
/// full. The belt closes after the last result. If the receiver is dropped,
/// the bookkeeper stops: no order is tallied after a result could not be
/// put on the belt.
pub fn start_bookkeeper(
    orders: Vec<u32>,
    belt_size: usize,
    tally: impl FnMut(u32) -> u32 + Send + 'static,
) -> mpsc::Receiver<u32> {
    todo!()
}

/// Task 4 — porters: many consumers sharing one belt.
///
/// Starts `porters` porters (at least 1) that share the one belt. Each
/// porter takes the next sack off the belt, carries it
/// (`carry(sack).await`), and goes back for the next one; a porter who is
/// carrying never keeps the others from taking sacks, so a sack is picked
/// up as soon as a porter is free. At most `porters` sacks are carried at
/// the same time. Returns the result of every sack (in any order) once
/// the belt is closed and empty and every porter has finished.
pub async fn run_porters<F, Fut>(belt: mpsc::Receiver<u32>, porters: usize, carry: F) -> Vec<u32>
where
    F: Fn(u32) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = u32> + Send + 'static,
{
    todo!()
}

/// Task 5 — the tray: taking dishes in batches.
///
/// Makes trips until the belt is closed and empty. On each trip the runner
/// waits until at least one dish is on the belt, then takes every dish
/// already waiting, up to `tray` dishes, without waiting for more, and
/// calls `serve(trip)` with the dishes of that trip in belt order (so every
/// trip carries between 1 and `tray` dishes). Returns the number of trips.
///
/// `tray` is at least 1: the checker never passes 0 (a tray that holds
/// nothing could never carry a dish).
pub async fn tray_runner(
    belt: mpsc::Receiver<u32>,
    tray: usize,
    mut serve: impl FnMut(Vec<u32>),
) -> usize {
    todo!()
}

/// The thermometer's end of the connection made by [`fridge`]. It is
/// `Send`: it is used from a plain thread.
///
/// Replace the empty braces with the fields your design needs.
pub struct Thermometer {}

// The checker moves a `Thermometer` to a plain thread. Keep this line: it
// stops compiling, right here, if your fields make `Thermometer` not `Send`.
const _: fn() = || is_send::<Thermometer>();
fn is_send<T: Send>() {}

/// The kitchen's end of the connection made by [`fridge`], used in async
/// code.
///
/// Replace the empty braces with the fields your design needs.
pub struct Gauge {}

/// Task 6 — which channel? The fridge thermometer.
///
/// A thermometer on a plain thread reports readings as often as it likes;
/// the kitchen only ever cares about the latest one. Choose the channel
/// and return both ends, connected. The guarantees are on
/// [`Thermometer::report`] and [`Gauge::next_reading`].
pub fn fridge() -> (Thermometer, Gauge) {
    todo!()
}

impl Thermometer {
    /// Reports a reading. Never waits and never fails or panics, from a
    /// plain thread or from async code, whether or not anybody reads: a
    /// new reading replaces one that was not read yet.
    pub fn report(&self, celsius: i32) {
        todo!()
    }
}

impl Gauge {
    /// Waits until there is a reading this gauge has not returned yet and
    /// returns the latest reading. Returns `None` once the thermometer is
    /// dropped and there is no such reading (the latest one was already
    /// returned, or none was ever reported).
    pub async fn next_reading(&mut self) -> Option<i32> {
        todo!()
    }
}
