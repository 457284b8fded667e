//! Exercise 04 — broadcast fan-out.
//!
//! A kitchen: the head chef calls out each order over the intercom, and every
//! station (grill, fryer, pastry...) hears every call. The intercom is a
//! `tokio::sync::broadcast` channel: one value sent, one copy per
//! subscribed receiver. Nobody waits for a slow station; a station that
//! falls too far behind misses calls. Read `README.md` in this folder first.
//!
//! Replace each `todo!()` with your code, then run `cargo run -p checker`.

use std::time::Duration;
use tokio::sync::broadcast;

/// One order, as the head chef calls it out: "order 12: soup".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The order number.
    pub number: u32,
    /// The dish to prepare.
    pub dish: &'static str,
}

/// Task 1 — a station.
///
/// Listens to the intercom and returns every order it heard, in the order they
/// were called. Returns only when the intercom is closed: every `Sender` is
/// gone and the station has heard every call still waiting for it.
///
/// The intercom given to this function is big enough that the station never
/// falls behind (task 4 handles a station that does).
pub async fn station(mut calls: broadcast::Receiver<Order>) -> Vec<Order> {
    todo!()
}

/// Task 2 — the head chef calls out one order.
///
/// Sends `order` to every station listening to the intercom and returns how
/// many stations were listening when it was called. If no station is
/// listening, the call goes unheard: return 0. Never panics.
pub fn call_out(intercom: &broadcast::Sender<Order>, order: Order) -> usize {
    todo!()
}

/// Task 3 — a service with `stations` stations.
///
/// Opens an intercom with room for every order: capacity `orders.len()`, or 1
/// when there are no orders (a capacity of 0 panics). Subscribes
/// `stations` stations, each running [`station`], **before** the first
/// call; calls out every order in `orders`, in order, with [`call_out`];
/// closes the intercom (no `Sender` may stay alive); and returns what each
/// station heard: one `Vec<Order>` per station, `stations` of them.
///
/// With `stations == 0` nobody hears anything and the result is empty.
pub async fn open_kitchen(stations: usize, orders: Vec<Order>) -> Vec<Vec<Order>> {
    todo!()
}

/// What a station did during its shift.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shift {
    /// Every order the station heard, in the order heard.
    pub heard: Vec<Order>,
    /// How many calls the station missed because it fell behind.
    pub missed: u64,
}

/// Task 4 — a slow station.
///
/// After hearing an order, the station spends `prep` preparing it
/// (`tokio::time::sleep(prep).await`) and only then listens for the next
/// call. Meanwhile the head chef keeps calling, and when the station falls more
/// than the intercom's capacity behind, the oldest calls are lost for it.
///
/// The station does not give up when it has missed calls: it adds the
/// number of calls it missed to `missed` and at once carries on with the
/// oldest call still on the intercom (a missed call costs no prep time). Its
/// shift ends only when the intercom is closed (every `Sender` gone and every
/// remaining call heard).
pub async fn slow_station(mut calls: broadcast::Receiver<Order>, prep: Duration) -> Shift {
    todo!()
}
