//! Exercise 02 — cloned senders: many cooks, one runner (reference solution).
//!
//! Several cooks cook at the same time and put their plates on one belt
//! (a `tokio::sync::mpsc` channel); the runner takes them off. Every cook
//! holds its own clone of the `Sender`, the runner is the single `Receiver`.

use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::sleep;

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
    for number in 1..=ticket.plates {
        sleep(ticket.cook_time).await;
        // The tag travels with the plate: once plates from several cooks
        // share the belt, it is the only way to tell them apart.
        if belt.send(Plate { cook: id, number }).await.is_err() {
            return;
        }
    }
    // Returning drops `belt`, this cook's clone of the Sender.
}

/// Task 2 — the runner sorts the plates by cook.
///
/// Takes plates off the belt until it closes (every `Sender` of the belt
/// is gone and no plate is left) and returns them sorted by cook: entry
/// `i` lists the `number`s of cook `i`'s plates, in the order they
/// arrived. The result has exactly `cooks` entries (an empty one for a
/// cook that sent nothing); every plate's `cook` is below `cooks`.
pub async fn sort_by_cook(mut runner: mpsc::Receiver<Plate>, cooks: usize) -> Vec<Vec<u32>> {
    let mut by_cook = vec![Vec::new(); cooks];
    // Plates of one cook arrive in the order it sent them; plates of
    // different cooks interleave however they happened to be ready, so
    // only the tag says where a plate belongs.
    while let Some(plate) = runner.recv().await {
        by_cook[plate.cook].push(plate.number);
    }
    by_cook
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
    for (id, ticket) in tickets.iter().enumerate() {
        tokio::spawn(cook(id, *ticket, belt.clone()));
    }
    // The runner leaves only when *every* Sender is gone, and this one is
    // not a cook's: drop it, or the runner waits for it forever.
    drop(belt);
    sort_by_cook(runner, tickets.len()).await
}

/// Task 4 — a cook that notices when the runner leaves.
///
/// Like [`cook`], but it also notices while cooking: the moment the
/// runner leaves, it abandons the plate in progress and goes home, and it
/// never starts cooking for a runner who has already left. Returns how
/// many plates it put on the belt.
pub async fn careful_cook(id: usize, ticket: Ticket, belt: mpsc::Sender<Plate>) -> u32 {
    let mut served = 0;
    for number in 1..=ticket.plates {
        tokio::select! {
            // `closed()` completes as soon as the receiver is gone, so the
            // cook does not wait for its next `send` to find out.
            biased;
            _ = belt.closed() => return served,
            _ = sleep(ticket.cook_time) => {}
        }
        if belt.send(Plate { cook: id, number }).await.is_err() {
            return served;
        }
        served += 1;
    }
    served
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
    let mut baskets = 0;
    loop {
        sleep(every).await;
        // `upgrade` gives a Sender only while some cook still holds one;
        // it lives for this one basket and is dropped at the end of the
        // block, so the runner never keeps the runner waiting.
        let Some(belt) = belt.upgrade() else {
            return baskets;
        };
        let basket = Plate {
            cook: id,
            number: baskets + 1,
        };
        if belt.send(basket).await.is_err() {
            return baskets;
        }
        baskets += 1;
    }
}
