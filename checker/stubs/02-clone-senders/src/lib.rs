//! Exercise 02 — cloned senders: many cooks, one runner.
//!
//! Several cooks cook at the same time and put their plates on one belt
//! (a `tokio::sync::mpsc` channel); the runner takes them off. Every cook
//! holds its own clone of the `Sender`, the runner is the single `Receiver`.
//! Read `README.md` in this folder first.
//!
//! Replace each `todo!()` with your code, then run `cargo run -p checker`.

use std::time::Duration;
use tokio::sync::mpsc;

/// A plate on the belt, tagged with the cook that cooked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plate {
    /// The cook that cooked it.
    pub cook: usize,
    /// The cook's own count: 1 for its first plate, 2 for its second...
    pub number: u32,
}

/// What one cook has to cook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    /// How many plates.
    pub plates: u32,
    /// How long each plate takes to cook.
    pub cook_time: Duration,
}

/// Task 1 — one cook.
///
/// Cooks `ticket.plates` plates, numbered from 1, and puts each on the belt
/// as `Plate { cook: id, number }`, in order. Each plate cooks for
/// `ticket.cook_time` (`tokio::time::sleep`) before it goes on the belt; the
/// cook returns right after its last plate is on the belt.
/// If a `send` fails (the runner has left: nobody will take plates any
/// more), the cook stops at once instead of cooking the rest.
pub async fn cook(id: usize, ticket: Ticket, belt: mpsc::Sender<Plate>) {
    todo!()
}

/// Task 2 — the runner sorts the plates by cook.
///
/// Takes plates off the belt until it closes (every `Sender` of the belt
/// is gone and no plate is left) and returns them sorted by cook: entry
/// `i` lists the `number`s of cook `i`'s plates, in the order they
/// arrived. The result has exactly `cooks` entries (an empty one for a
/// cook that sent nothing); every plate's `cook` is below `cooks`.
pub async fn sort_by_cook(mut runner: mpsc::Receiver<Plate>, cooks: usize) -> Vec<Vec<u32>> {
    todo!()
}

/// Task 3 — the service.
///
/// Runs one [`cook`] per ticket, all at the same time: cook `i` cooks
/// `tickets[i]` with its own clone of `belt`. Meanwhile takes the plates
/// off `runner` and, once every cook has finished, returns them sorted
/// by cook as [`sort_by_cook`] does. `belt` and `runner` are the two
/// ends of one channel.
pub async fn run_service(
    belt: mpsc::Sender<Plate>,
    runner: mpsc::Receiver<Plate>,
    tickets: &[Ticket],
) -> Vec<Vec<u32>> {
    todo!()
}

/// Task 4 — a cook that notices when the runner leaves.
///
/// Like [`cook`], but it also notices while cooking: the moment the
/// runner leaves, it abandons the plate in progress and goes home, and it
/// never starts cooking for a runner who has already left. Returns how
/// many plates it put on the belt.
pub async fn careful_cook(id: usize, ticket: Ticket, belt: mpsc::Sender<Plate>) -> u32 {
    todo!()
}

/// Task 5 — the baker.
///
/// Helps while the service lasts, without keeping the kitchen open: it
/// holds only a `WeakSender`. Every `every` (the first time after one
/// `every`) it checks the kitchen: if a `Sender` of the belt is still
/// alive, it puts basket `n` (1, 2, ...) on the belt as
/// `Plate { cook: id, number: n }`; if none is left (every cook went
/// home), it goes home too. It also goes home when a `send` fails (the
/// runner left). Returns how many baskets it put on the belt. Between two
/// baskets it holds no `Sender`.
pub async fn baker(id: usize, belt: mpsc::WeakSender<Plate>, every: Duration) -> u32 {
    todo!()
}
