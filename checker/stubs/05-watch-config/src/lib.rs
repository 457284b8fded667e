//! Exercise 05 — the menu board: shared configuration with `tokio::sync::watch`.
//!
//! The manager writes today's menu on one board (`watch::Sender<Menu>`);
//! every station of the kitchen reads it (`watch::Receiver<Menu>`). A
//! station only ever cares about the menu that is up *now*: if the manager
//! rewrites the board three times while a station is busy, the station reads
//! the last version once. Read `README.md` in this folder first.
//!
//! Replace each `todo!()` with your code, then run `cargo run -p checker`.

use std::future::Future;
use tokio::sync::watch;

/// One line of the menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dish {
    /// The dish's name, unique on a menu, e.g. `"leek soup"`.
    pub name: String,
    /// The price in cents.
    pub price: u32,
}

/// What the manager writes on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Menu {
    /// The manager numbers every new menu; it tells menus apart.
    pub edition: u32,
    /// Today's dishes, in the order they are written on the board.
    pub dishes: Vec<Dish>,
}

/// Task 1 — a glance at the board.
///
/// Returns a copy of the menu on the board right now: the latest one the
/// manager wrote. A glance does not count as reading the board: the
/// station's receiver must still report the menu as unseen afterwards, if
/// it was unseen before. Never awaits (it is not `async`), and works after
/// the manager has left (the board keeps showing the last menu).
pub fn glance(board: &watch::Receiver<Menu>) -> Menu {
    todo!()
}

/// Task 2 — wait for the next menu.
///
/// Waits until the board shows a menu this station has not seen yet, marks
/// it as seen and returns it. A receiver made by `watch::channel` or
/// `Sender::subscribe` has already seen the menu on the board at that
/// moment (a `clone()` of a receiver has seen what the original had). If
/// the manager rewrote the board several times since the station last
/// looked, only the latest menu is returned, once.
///
/// Returns `None` once the manager is gone (every `Sender` dropped) and
/// there is no unseen menu left; a menu written just before the manager
/// left is still returned first.
pub async fn next_menu(board: &mut watch::Receiver<Menu>) -> Option<Menu> {
    todo!()
}

/// Task 3 — change one price, quietly if nothing changes.
///
/// If the board lists a dish named `dish` with a price other than `price`,
/// sets that dish's price to `price` (nothing else on the menu changes, not
/// even `edition`), notifies the stations and returns `true`.
///
/// If no dish is named `dish`, or it already costs `price`, leaves the board
/// untouched, notifies **nobody** (no station may be woken) and returns
/// `false`.
///
/// Works whether or not any station is watching: a station that subscribes
/// later sees the new price.
pub fn set_price(board: &watch::Sender<Menu>, dish: &str, price: u32) -> bool {
    todo!()
}

/// Task 4 — post a new menu.
///
/// Puts `menu` on the board and notifies the stations. The menu must be
/// stored even when no station is watching at the moment: a station that
/// subscribes afterwards must find `menu` on the board.
pub fn post_menu(board: &watch::Sender<Menu>, menu: Menu) {
    todo!()
}

/// Task 5 — a station that follows the board.
///
/// Returns the station's work as a future (the caller runs it, for example
/// with `tokio::spawn`, which is why it must be `Send`). When run, the
/// station:
///
/// 1. reloads with the menu on the board right away, whether or not that
///    menu counts as seen, by calling `reload(menu)` and awaiting the future
///    it returns;
/// 2. then waits for the board to change and reloads with the latest menu,
///    again and again. Each menu is reloaded at most once; menus written
///    while the station was reloading count as one change (the latest);
/// 3. stops once the manager is gone (every `Sender` dropped), after
///    reloading with a menu it has not seen yet, if there is one.
///
/// Returns how many times it called `reload`.
// Not an `async fn` on purpose: the `+ Send` below is part of the contract,
// so that the compiler checks it here, in your code.
#[allow(clippy::manual_async_fn)]
pub fn run_station<F, Fut>(
    mut board: watch::Receiver<Menu>,
    mut reload: F,
) -> impl Future<Output = u32> + Send + 'static
where
    F: FnMut(Menu) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    async move { todo!() }
}
