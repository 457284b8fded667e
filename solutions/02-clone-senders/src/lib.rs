//! Exercise 02 — cloned senders: many stations, one window (reference solution).
//!
//! Several stations cook at the same time and put their plates on one pass
//! (a `tokio::sync::mpsc` channel); the window takes them off. Every station
//! holds its own clone of the `Sender`, the window is the single `Receiver`.

use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::sleep;

/// A plate on the pass, tagged with the station that cooked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plate {
    /// The station that cooked it.
    pub station: usize,
    /// The station's own count: 1 for its first plate, 2 for its second...
    pub number: u32,
}

/// What one station has to cook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    /// How many plates.
    pub plates: u32,
    /// How long each plate takes to cook.
    pub cook: Duration,
}

/// Task 1 — one station.
///
/// Cooks `ticket.plates` plates, numbered from 1, and puts each on the pass
/// as `Plate { station: id, number }`, in order. Each plate cooks for
/// `ticket.cook` (`tokio::time::sleep`) before it goes on the pass; the
/// station returns right after its last plate is on the pass.
/// If a `send` fails (the window is closed: nobody will take plates any
/// more), the station stops at once instead of cooking the rest.
pub async fn station(id: usize, ticket: Ticket, pass: mpsc::Sender<Plate>) {
    for number in 1..=ticket.plates {
        sleep(ticket.cook).await;
        // The tag travels with the plate: once plates from several stations
        // share the pass, it is the only way to tell them apart.
        if pass
            .send(Plate {
                station: id,
                number,
            })
            .await
            .is_err()
        {
            return;
        }
    }
    // Returning drops `pass`, this station's clone of the Sender.
}

/// Task 2 — the window sorts plates by station.
///
/// Takes plates off the window until it closes (every `Sender` of the pass
/// is gone and no plate is left) and returns them sorted by station: entry
/// `i` lists the `number`s of station `i`'s plates, in the order they
/// arrived. The result has exactly `stations` entries (an empty one for a
/// station that sent nothing); every plate's `station` is below `stations`.
pub async fn sort_by_station(mut window: mpsc::Receiver<Plate>, stations: usize) -> Vec<Vec<u32>> {
    let mut by_station = vec![Vec::new(); stations];
    // Plates of one station arrive in the order it sent them; plates of
    // different stations interleave however they happened to be ready, so
    // only the tag says where a plate belongs.
    while let Some(plate) = window.recv().await {
        by_station[plate.station].push(plate.number);
    }
    by_station
}

/// Task 3 — the service.
///
/// Runs one [`station`] per ticket, all at the same time: station `i` cooks
/// `tickets[i]` with its own clone of `pass`. Meanwhile takes the plates
/// off `window` and, once every station has finished, returns them sorted
/// by station as [`sort_by_station`] does. `pass` and `window` are the two
/// ends of one channel.
pub async fn run_service(
    pass: mpsc::Sender<Plate>,
    window: mpsc::Receiver<Plate>,
    tickets: &[Ticket],
) -> Vec<Vec<u32>> {
    for (id, ticket) in tickets.iter().enumerate() {
        tokio::spawn(station(id, *ticket, pass.clone()));
    }
    // The window closes only when *every* Sender is gone, and this one is
    // not a station's: drop it, or the window waits for it forever.
    drop(pass);
    sort_by_station(window, tickets.len()).await
}

/// Task 4 — a station that notices when the window closes.
///
/// Like [`station`], but it also notices while cooking: the moment the
/// window closes, it abandons the plate in progress and goes home, and it
/// never starts cooking for a window that is already closed. Returns how
/// many plates it put on the pass.
pub async fn careful_station(id: usize, ticket: Ticket, pass: mpsc::Sender<Plate>) -> u32 {
    let mut served = 0;
    for number in 1..=ticket.plates {
        tokio::select! {
            // `closed()` completes as soon as the receiver is gone, so the
            // station does not wait for its next `send` to find out.
            biased;
            _ = pass.closed() => return served,
            _ = sleep(ticket.cook) => {}
        }
        if pass
            .send(Plate {
                station: id,
                number,
            })
            .await
            .is_err()
        {
            return served;
        }
        served += 1;
    }
    served
}

/// Task 5 — the bread runner.
///
/// Helps while the service lasts, without keeping the kitchen open: it
/// holds only a `WeakSender`. Every `every` (the first time after one
/// `every`) it checks the kitchen: if a `Sender` of the pass is still
/// alive, it puts basket `n` (1, 2, ...) on the pass as
/// `Plate { station: id, number: n }`; if none is left (every station went
/// home), it goes home too. It also goes home when a `send` fails (the
/// window left). Returns how many baskets it put on the pass. Between two
/// baskets it holds no `Sender`.
pub async fn bread_runner(id: usize, pass: mpsc::WeakSender<Plate>, every: Duration) -> u32 {
    let mut baskets = 0;
    loop {
        sleep(every).await;
        // `upgrade` gives a Sender only while some station still holds one;
        // it lives for this one basket and is dropped at the end of the
        // block, so the runner never keeps the window waiting.
        let Some(pass) = pass.upgrade() else {
            return baskets;
        };
        let basket = Plate {
            station: id,
            number: baskets + 1,
        };
        if pass.send(basket).await.is_err() {
            return baskets;
        }
        baskets += 1;
    }
}
