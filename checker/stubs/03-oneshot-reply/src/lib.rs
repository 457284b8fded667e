//! Exercise 03 — oneshot reply (request/response, actors).
//!
//! The pantry keeper is the only one allowed into the pantry. Waiters slide
//! orders through the pantry hatch (an `mpsc` channel) and each order
//! carries its own answer slip (a `oneshot::Sender`) on which the keeper
//! writes the answer. The keeper is an actor: a task that owns the stock
//! and changes it only when an order says so. Read `README.md` in this
//! folder first.
//!
//! Replace each `todo!()` with your code, then run
//! `cargo run -p checker -- check 03`.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// What is on the pantry shelves: how many of each item.
pub type Stock = HashMap<String, u32>;

/// An order slid through the pantry hatch. Each order carries the answer
/// slip on which the keeper writes the answer for the waiter who sent it.
#[derive(Debug)]
pub enum Order {
    /// "How many `item` are left?" The keeper answers with the count on the
    /// shelf: 0 for an item it has never stored. Counting never changes
    /// the stock.
    Count {
        item: String,
        reply: oneshot::Sender<u32>,
    },
    /// "Store `qty` more `item`." The keeper adds them to the shelf and
    /// answers with the new count of `item`.
    Store {
        item: String,
        qty: u32,
        reply: oneshot::Sender<u32>,
    },
}

/// Why a waiter got no answer from the pantry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PantryError {
    /// The keeper is gone: the hatch is closed so the order could not be
    /// delivered, or the keeper dropped the order without answering it.
    Closed,
    /// No answer came within the waiter's patience.
    TimedOut,
}

impl fmt::Display for PantryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PantryError::Closed => f.write_str("the pantry is closed"),
            PantryError::TimedOut => f.write_str("the pantry did not answer in time"),
        }
    }
}

impl std::error::Error for PantryError {}

/// Task 1 (and task 4) — the pantry keeper: an actor that owns the stock.
///
/// Takes orders from the hatch one at a time, in the order they arrive,
/// and answers each one on its reply slip before taking the next (see
/// [`Order`] for what each order means). Starts with empty shelves.
///
/// Runs until the hatch is closed (every `Sender` is gone and no order is
/// left in it), then returns the stock: every item stored at least once,
/// with its count.
///
/// Task 4: a waiter may stop waiting before the answer is written (its
/// reply receiver is dropped). The keeper still carries out that order
/// (a `Store` still stores), drops the answer nobody will read, and goes
/// on with the next order. It never panics or stops because of it.
pub async fn pantry_keeper(mut orders: mpsc::Receiver<Order>) -> Stock {
    todo!()
}

/// A waiter's handle to the pantry. Cheap to clone: every clone slides its
/// orders through the same hatch to the same keeper. The keeper stops once
/// every clone has been dropped.
#[derive(Clone, Debug)]
pub struct Pantry {
    // Unread until you write the methods below; the `allow` can go then.
    #[allow(dead_code)]
    orders: mpsc::Sender<Order>,
}

impl Pantry {
    /// Task 2 — a handle that slides its orders into `orders`.
    pub fn new(orders: mpsc::Sender<Order>) -> Pantry {
        todo!()
    }

    /// Task 2 — opens the pantry: creates a hatch that holds `hatch_size`
    /// orders, spawns [`pantry_keeper`] on it with `tokio::spawn`, and
    /// returns a handle together with the keeper's `JoinHandle`. The
    /// keeper's task ends, with the final stock, once every clone of the
    /// handle has been dropped.
    pub fn open(hatch_size: usize) -> (Pantry, JoinHandle<Stock>) {
        todo!()
    }

    /// Task 2 (and task 3) — asks the keeper how many `item` are left:
    /// sends one [`Order::Count`] and returns the keeper's answer.
    ///
    /// Task 3: returns `Err(PantryError::Closed)`, never panics, when the
    /// keeper is gone: the order cannot be sent, or its reply slip is
    /// dropped without an answer.
    pub async fn count(&self, item: &str) -> Result<u32, PantryError> {
        todo!()
    }

    /// Task 2 (and task 3) — stores `qty` more `item`: sends one
    /// [`Order::Store`] and returns the keeper's answer (the new count).
    ///
    /// Task 3: returns `Err(PantryError::Closed)`, never panics, when the
    /// keeper is gone, exactly like [`Pantry::count`].
    pub async fn store(&self, item: &str, qty: u32) -> Result<u32, PantryError> {
        todo!()
    }

    /// Task 5 — like [`Pantry::count`], but the waiter waits at most
    /// `patience` for the whole exchange: waiting for room in the hatch
    /// *and* waiting for the answer.
    ///
    /// * the answer arrives in time: `Ok(count)`, as soon as it arrives;
    /// * the keeper is gone (as in task 3): `Err(PantryError::Closed)`, as
    ///   soon as that is known;
    /// * `patience` runs out first: `Err(PantryError::TimedOut)`, right at
    ///   the deadline. Giving up drops the reply receiver, so the keeper
    ///   can see that nobody is waiting for this answer any more.
    pub async fn count_within(&self, item: &str, patience: Duration) -> Result<u32, PantryError> {
        todo!()
    }
}
