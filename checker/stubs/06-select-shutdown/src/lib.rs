//! Exercise 06 — select!, cancellation and shutdown.
//!
//! One kitchen, several things to wait for at once: orders in the hatch and
//! the closing bell, a rush hatch and a regular one, room in the kitchen's
//! hatch and the next ticket. `tokio::select!` waits on all of them and
//! drops the losers. Read `README.md` in this folder first.
//!
//! Replace each `todo!()` with your code, then run `cargo run -p checker`.

use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

/// Why the pantry keeper's shift ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftEnd {
    /// The hatch closed: every `Sender` was dropped and no order was left.
    HatchClosed,
    /// The closing bell rang.
    Bell,
}

/// What the pantry keeper did during one shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// The orders taken, in the order they were taken.
    pub taken: Vec<u32>,
    /// Why the shift ended.
    pub end: ShiftEnd,
}

/// Task 1 — the pantry keeper listens to the hatch and the closing bell.
///
/// Takes orders from the hatch one at a time and records each in
/// [`Shift::taken`], until one of these happens:
///
/// * the hatch is closed (every `Sender` is gone and no order is left in
///   it): the shift ends with [`ShiftEnd::HatchClosed`];
/// * the closing bell rings, that is, its value becomes `true`: the shift
///   ends with [`ShiftEnd::Bell`] as soon as the keeper hears it, even
///   while orders keep coming: it does not wait for the hatch to empty.
///
/// A bell that already shows `true` when the keeper starts has rung
/// before the shift began: the shift ends at once with [`ShiftEnd::Bell`].
/// A new value of `false` on the bell is not a ring: carry on. If the
/// bell's `Sender` is dropped without ringing, the bell can never ring any
/// more: carry on until the hatch closes. While there is nothing to do, the
/// keeper waits; it never spins.
pub async fn pantry_keeper(
    mut hatch: mpsc::Receiver<u32>,
    mut bell: watch::Receiver<bool>,
) -> Shift {
    todo!()
}

/// Task 2 — two hatches, and rush orders first.
///
/// Takes orders from the rush hatch and from the regular hatch and returns
/// every order taken, in the order taken. Whenever an order is waiting in
/// the rush hatch, it is taken before any order from the regular hatch.
/// When one hatch closes, the keeper goes on serving the other; it returns
/// once both are closed (every `Sender` gone, nothing left in either).
/// While both are open and empty it waits; it never spins.
pub async fn serve_rush_first(
    mut rush: mpsc::Receiver<u32>,
    mut regular: mpsc::Receiver<u32>,
) -> Vec<u32> {
    todo!()
}

/// A ticket: an order on its way from the dining room to the kitchen.
///
/// Deliberately neither `Clone` nor `Copy`: a ticket moved into a future
/// that is then dropped is gone for good.
#[derive(Debug, PartialEq, Eq)]
pub struct Ticket(pub u32);

/// Task 3 — the clerk passes tickets on without ever losing one.
///
/// Moves tickets from the front hatch to the kitchen hatch, one at a time
/// and in order, waiting for room whenever the kitchen hatch is full
/// (backpressure), until one of these happens:
///
/// * the closing bell rings (its value becomes `true`): the clerk returns
///   as soon as it hears the bell, even while it waits for room in the
///   kitchen hatch or for the next ticket;
/// * the front hatch is closed (every `Sender` gone, nothing left in it):
///   every ticket has been moved and the clerk returns `None`;
/// * the kitchen hatch is closed (its receiver is gone): the clerk returns
///   at once. If that happens while it waits for the next ticket, it may
///   instead notice when that ticket comes; it then returns the ticket.
///
/// If the bell's `Sender` is dropped without ringing, the bell can never
/// ring any more: the clerk carries on until a hatch closes, and it never
/// spins. No ticket is ever lost: when the clerk returns, every ticket it took
/// from the front hatch is in the kitchen hatch, except at most one, which
/// it returns (`Some(ticket)`). The front hatch keeps every ticket the
/// clerk did not take.
pub async fn clerk(
    front: &mut mpsc::Receiver<Ticket>,
    kitchen: &mpsc::Sender<Ticket>,
    bell: &mut watch::Receiver<bool>,
) -> Option<Ticket> {
    todo!()
}

/// Task 4 — last orders: close the hatch, then serve what is in it.
///
/// Closes the hatch to new orders: from now on a waiter's `send` fails,
/// even one already waiting for room. Then takes every order that was
/// accepted before: those already in the hatch and those a waiter holds a
/// reserved slot (`Permit`) for and sends later. Returns them in the order
/// they arrived in the hatch, once the hatch is empty and no reserved slot
/// is left.
pub async fn last_orders(mut hatch: mpsc::Receiver<u32>) -> Vec<u32> {
    todo!()
}

/// How closing time went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The names of the stations that finished within the grace period,
    /// in the order they finished.
    pub finished: Vec<&'static str>,
    /// How many stations had not finished when the grace period ran out.
    pub abandoned: usize,
}

/// Task 5 — close the kitchen: ring the bell, wait, but not forever.
///
/// The stations are already running as tasks in `stations`; each one
/// returns its name when it is done, and most finish up once they hear
/// the bell.
///
/// Rings the closing bell: afterwards the bell shows `true`, even if no
/// station is listening any more. Then waits for the stations to finish,
/// but no longer than `grace` after ringing. Returns as soon as every
/// station has finished, or at the end of the grace period, whichever
/// comes first. Stations still running then are stopped: when
/// `close_kitchen` returns, no station is running any more and
/// `stations` is empty.
///
/// A station that has already finished when the bell rings counts as
/// finished, even when `grace` is zero: the deadline only limits waiting.
/// A station that panics has ended without a name: it is neither in
/// `finished` nor counted as `abandoned`.
pub async fn close_kitchen(
    stations: &mut JoinSet<&'static str>,
    bell: &watch::Sender<bool>,
    grace: Duration,
) -> Closing {
    todo!()
}

/// Task 6 — the runner's trips leave on time.
///
/// Takes dishes off the belt as they arrive and carries them out in
/// trips. A trip leaves every `every`, counted from when the runner
/// starts (at `every`, `2 * every`, `3 * every`, ...): it hands the dishes
/// taken since the last trip, in order, to `deliver`. A trip with nothing
/// to carry is skipped (no call). Dishes arriving steadily never delay a
/// trip. When the belt closes (every `Sender` gone, nothing left), the
/// runner delivers what it still carries at once, if anything, and
/// returns.
pub async fn runner(
    mut belt: mpsc::Receiver<u32>,
    every: Duration,
    mut deliver: impl FnMut(Vec<u32>),
) {
    todo!()
}
