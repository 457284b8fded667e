//! Exercise 06 — select!, cancellation and shutdown (reference solution).
//!
//! One kitchen, several things to wait for at once: orders in the hatch and
//! the closing bell, a rush hatch and a regular one, room in the kitchen's
//! hatch and the next ticket. `tokio::select!` waits on all of them and
//! drops the losers, so every branch here is either cancel-safe or arranged
//! so that losing it loses nothing.

use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout};

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
    let mut taken = Vec::new();
    // `changed()` waits for a value newer than the one this receiver has
    // seen; a bell rung before the receiver was made may already count as
    // seen, so look at the value itself first.
    if *bell.borrow_and_update() {
        return Shift {
            taken,
            end: ShiftEnd::Bell,
        };
    }
    // Once the bell's sender is gone, `changed()` fails at once on every
    // call: without this flag the branch would win every round (a busy loop).
    let mut bell_can_ring = true;
    loop {
        // Both `recv` and `changed` are cancel-safe: whichever loses the
        // race has taken nothing, so nothing is lost by dropping it.
        tokio::select! {
            order = hatch.recv() => match order {
                Some(order) => taken.push(order),
                None => return Shift { taken, end: ShiftEnd::HatchClosed },
            },
            heard = bell.changed(), if bell_can_ring => match heard {
                Ok(()) => {
                    if *bell.borrow_and_update() {
                        return Shift { taken, end: ShiftEnd::Bell };
                    }
                }
                Err(_) => bell_can_ring = false,
            },
        }
    }
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
    let mut served = Vec::new();
    loop {
        tokio::select! {
            // Polled top to bottom: the rush hatch is always looked at first.
            biased;
            // A closed hatch yields `None`, which does not match: the branch
            // is disabled for this round and the other hatch still counts.
            Some(order) = rush.recv() => served.push(order),
            Some(order) = regular.recv() => served.push(order),
            // Both branches disabled: both hatches are closed and empty.
            else => return served,
        }
    }
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
    loop {
        // Room first: a reserved slot holds no ticket, so losing this race
        // to the bell loses nothing (the slot is simply given back).
        let permit = tokio::select! {
            permit = kitchen.reserve() => permit.ok()?,
            () = rung(bell) => return None,
        };
        // Then the ticket: `recv` is cancel-safe, so losing this race to
        // the bell leaves the ticket in the front hatch.
        // A kitchen that closes meanwhile must be noticed now: a ticket
        // taken and handed to a permit of a closed hatch would be lost.
        let ticket = tokio::select! {
            ticket = front.recv() => ticket?,
            () = rung(bell) => return None,
            () = kitchen.closed() => return None,
        };
        // With a permit in hand this never waits, and it does not fail
        // visibly: into a closed hatch the ticket would vanish, which is
        // why the `closed()` branch above watched for that.
        permit.send(ticket);
    }
}

/// Completes once the bell shows `true`; never, if the bell's sender is
/// dropped without ringing. Cancel-safe, like `wait_for` itself.
async fn rung(bell: &mut watch::Receiver<bool>) {
    if bell.wait_for(|&rung| rung).await.is_err() {
        std::future::pending::<()>().await;
    }
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
    // `close` refuses new orders but keeps the buffered ones and honours
    // outstanding permits; `recv` returns `None` only when all are done.
    hatch.close();
    let mut orders = Vec::new();
    while let Some(order) = hatch.recv().await {
        orders.push(order);
    }
    orders
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
    // `send` would refuse (and not store) with no receiver left.
    bell.send_replace(true);
    let mut finished = Vec::new();
    // `timeout` drops the waiting loop at the deadline; `join_next` is
    // cancel-safe, so no result is lost by giving up.
    let _ = timeout(grace, async {
        while let Some(done) = stations.join_next().await {
            if let Ok(name) = done {
                finished.push(name);
            }
        }
    })
    .await;
    let abandoned = stations.len();
    // Aborting is only a request: `shutdown` also waits until every
    // aborted task has really stopped.
    stations.shutdown().await;
    Closing {
        finished,
        abandoned,
    }
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
    let mut next_trip = Instant::now() + every;
    // Created once, outside the loop: a `sleep` created inside `select!`
    // would start over on every dish and never fire while dishes come.
    let trip = sleep_until(next_trip);
    tokio::pin!(trip);
    let mut carrying = Vec::new();
    loop {
        tokio::select! {
            dish = belt.recv() => match dish {
                Some(dish) => carrying.push(dish),
                None => {
                    if !carrying.is_empty() {
                        deliver(carrying);
                    }
                    return;
                }
            },
            () = &mut trip => {
                if !carrying.is_empty() {
                    deliver(std::mem::take(&mut carrying));
                }
                next_trip += every;
                trip.as_mut().reset(next_trip);
            }
        }
    }
}
