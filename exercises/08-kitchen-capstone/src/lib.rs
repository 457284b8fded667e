//! Exercise 08 — the whole kitchen (capstone).
//!
//! Waiters slide orders through the hatch (a bounded `mpsc`), each with its
//! own answer slip (a `oneshot`). The expediter, an actor, takes them one
//! at a time, prices each from the menu board (a `watch`), cooks it, answers
//! the slip and calls the dish out on the intercom (a `broadcast`) that the
//! stations listen to. At closing time the bell rings, and the expediter
//! serves every order already in the hatch before it goes home. Read
//! `README.md` in this folder first.
//!
//! Replace each `todo!()` with your code, then run
//! `cargo run -p checker -- check 08`.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// One dish on the menu board.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dish {
    /// What the dish costs, in cents.
    pub price: u32,
    /// How long the kitchen needs to cook it.
    pub cook_time: Duration,
}

/// The menu board: every dish on it, by name (so in alphabetical order).
pub type Menu = BTreeMap<String, Dish>;

/// What a waiter gets back for an order: the price, or why there is none.
pub type Answer = Result<u32, OrderError>;

/// An order slid through the hatch, with the answer slip stapled to it.
#[derive(Debug)]
pub struct Order {
    /// The name of the dish, as on the menu board.
    pub dish: String,
    /// The answer slip: the expediter writes the [`Answer`] on it.
    pub reply: oneshot::Sender<Answer>,
}

/// Why an order brought no price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderError {
    /// The dish was not on the menu board when the expediter took the
    /// order. The expediter writes this on the slip itself.
    NotOnMenu,
    /// The kitchen is closed: the order could not be put into the hatch,
    /// or its slip was dropped without an answer.
    Closed,
}

impl fmt::Display for OrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrderError::NotOnMenu => f.write_str("that dish is not on the menu"),
            OrderError::Closed => f.write_str("the kitchen is closed"),
        }
    }
}

impl std::error::Error for OrderError {}

/// What the expediter calls out over the intercom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// A dish is cooked and goes out.
    Ready { dish: String },
    /// Closing time: the hatch is closed, the orders still in it are the
    /// last ones.
    LastOrders,
}

/// How the expediter's day went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DayReport {
    /// Orders cooked and answered with a price (whether or not their
    /// waiter was still waiting).
    pub served: u32,
    /// Orders answered with [`OrderError::NotOnMenu`].
    pub refused: u32,
}

/// What a station heard and printed during the day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StationReport {
    /// The dish of every `Call::Ready` it heard, in the order called.
    pub ready: Vec<String>,
    /// How many calls it missed because it fell behind.
    pub missed: u64,
    /// Every card it printed, in order: each card lists the names of the
    /// dishes on the board, in the board's order.
    pub cards: Vec<Vec<String>>,
    /// Whether it heard `Call::LastOrders`.
    pub last_orders: bool,
}

/// A waiter's handle to the kitchen. Cheap to clone: every clone slides
/// its orders through the same hatch.
#[derive(Clone, Debug)]
pub struct Kitchen {
    // Unread until you write the methods below; the `allow` can go then.
    #[allow(dead_code)]
    hatch: mpsc::Sender<Order>,
}

impl Kitchen {
    /// Task 1 — a handle that slides its orders into `hatch`.
    pub fn new(hatch: mpsc::Sender<Order>) -> Kitchen {
        todo!()
    }

    /// Task 1 — orders `dish`: sends one [`Order`] for it, with a fresh
    /// answer slip, through the hatch, and returns the answer written on
    /// the slip (`Ok(price)`, or `Err(OrderError::NotOnMenu)` as the
    /// expediter wrote it).
    ///
    /// While the hatch is full, waits for room in it (backpressure); the
    /// order is never dropped and never sent twice.
    ///
    /// Returns `Err(OrderError::Closed)`, never panics, when the kitchen is
    /// closed: the hatch is closed (the order cannot be sent), or the slip
    /// is dropped without an answer.
    pub async fn order(&self, dish: &str) -> Answer {
        todo!()
    }
}

/// Task 2 — the manager changes the menu board.
///
/// `Some(dish)` puts `name` on the board with that price and cook time (a
/// new dish, or new figures for a dish already on it); `None` takes `name`
/// off the board.
///
/// The board keeps the new menu even when no station is reading it.
/// Stations are told (their `changed()` wakes) only when the menu really
/// changed: writing a dish exactly as it already is, or taking off a dish
/// that is not on the board, changes nothing and tells no one.
///
/// Returns whether the menu changed.
pub fn update_menu(board: &watch::Sender<Menu>, name: &str, dish: Option<Dish>) -> bool {
    todo!()
}

/// Task 3 — a station follows the intercom and the menu board at once.
///
/// Starts by printing its first card from the board as it is now. Then,
/// until the intercom is closed, reacts to whichever comes first:
///
/// * a call: `Call::Ready { dish }` adds `dish` to `ready`;
///   `Call::LastOrders` sets `last_orders`;
/// * calls it missed because it fell behind (the intercom dropped them for
///   this station): adds how many to `missed`, and keeps listening;
/// * a change on the board it has not seen yet: prints a new card from the
///   board as it is now.
///
/// The intercom is closed once every `Sender` of it is gone and the
/// station heard every call left for it; then it returns its report. The
/// manager going home (the board's `Sender` dropped) does not end the
/// station's day: it keeps its last card and keeps listening.
///
/// A call and a board change waiting at the same time may be handled in
/// either order, and a board change still unseen when the intercom closes
/// may get its card or not: the checker never makes two such events
/// arrive at the same instant, so either choice passes.
pub async fn station(
    mut calls: broadcast::Receiver<Call>,
    mut board: watch::Receiver<Menu>,
) -> StationReport {
    todo!()
}

/// Task 4 (and task 5) — the expediter: the actor at the heart of the
/// kitchen.
///
/// Task 4: takes orders from the hatch one at a time, in the order they
/// arrive. For each order it looks the dish up on the board as it is when
/// it takes the order:
///
/// * not on the board: answers `Err(OrderError::NotOnMenu)` at once and
///   counts the order as refused;
/// * on the board: cooks it (waits its `cook_time`; the next order waits
///   meanwhile), then answers `Ok(price)`, with the price the board showed
///   when the order was taken, calls `Call::Ready { dish }` on the
///   intercom, and counts the order as served.
///
/// A waiter who stopped waiting (the slip's receiver is dropped) changes
/// nothing: the dish is still cooked, called and counted, and the
/// expediter carries on. A call made while no station listens is lost, and
/// the expediter carries on too. Once every `Sender` of the hatch is gone
/// and the hatch is empty, the day is over: returns the report.
///
/// Task 5: closing time comes when the bell rings, or when the bell's
/// `Sender` is dropped without ringing. The expediter notices it while it
/// waits for the next order, or when it goes back for the next order after
/// the dish it is cooking is done (a dish is never abandoned halfway). Then
/// it:
///
/// 1. closes the hatch: no new order gets in, and a waiter still waiting
///    for room in it is turned away;
/// 2. calls `Call::LastOrders` once on the intercom;
/// 3. serves every order already in the hatch, exactly as above, so that
///    every one of those waiters gets an answer;
/// 4. returns the report, without waiting for the waiters to drop their
///    `Kitchen` handles.
///
/// If an order and the bell are both waiting when it goes back, it may take
/// either first: every order that got into the hatch is served either way.
pub async fn run_expediter(
    mut orders: mpsc::Receiver<Order>,
    board: watch::Receiver<Menu>,
    intercom: broadcast::Sender<Call>,
    mut bell: oneshot::Receiver<()>,
) -> DayReport {
    todo!()
}

/// The kitchen, opened: what [`open_kitchen`] hands back.
#[derive(Debug)]
pub struct Restaurant {
    /// The waiters' handle; clone it for every waiter.
    pub kitchen: Kitchen,
    /// Ring it (`bell.send(())`) at closing time.
    pub bell: oneshot::Sender<()>,
    /// The expediter's task: yields the day's report when it goes home.
    pub expediter: JoinHandle<DayReport>,
}

/// Given (not a task) — opens the kitchen by wiring your pieces together:
/// a hatch that holds `hatch_size` orders, a bell, and the expediter
/// spawned on the receiving ends, with the board to price from and the
/// intercom to call on. Subscribe the stations before handing over the
/// intercom: once the expediter goes home and drops it, the intercom
/// closes for them.
pub fn open_kitchen(
    hatch_size: usize,
    board: watch::Receiver<Menu>,
    intercom: broadcast::Sender<Call>,
) -> Restaurant {
    let (hatch, orders) = mpsc::channel(hatch_size);
    let (bell, bell_rings) = oneshot::channel();
    let expediter = tokio::spawn(run_expediter(orders, board, intercom, bell_rings));
    Restaurant {
        kitchen: Kitchen::new(hatch),
        bell,
        expediter,
    }
}
