//! Hidden tests of exercise 02: cloned senders, many producers.
//!
//! Stations cook on the paused clock, so "plate 2 of station 1 reaches the
//! window at t=80ms" is a fact the test can check. Two things are never
//! assumed: the order in which tasks woken at the same instant run, and any
//! interleaving of plates from different stations beyond what their cook
//! times force. Results sorted by station are compared instead, and timed
//! logs use cook times that never make two plates ready at the same instant.

use clone_senders::*;
use harness::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use tokio::task::JoinHandle;

harness::tests! {
    1 => station_tags_every_plate_in_order,
    1 => station_stops_when_the_window_left,
    1 => stations_interleave_by_cook_time,
    2 => sort_untangles_interleaved_plates,
    2 => sort_waits_for_every_sender,
    3 => service_cooks_at_the_same_time,
    3 => service_with_a_pass_of_one,
    3 => service_with_no_tickets,
    4 => careful_station_never_cooks_for_a_closed_window,
    4 => careful_station_stops_mid_plate,
    4 => careful_station_serves_a_full_ticket,
    4 => careful_stations_go_home_with_the_window,
    5 => bread_runner_helps_while_stations_cook,
    5 => bread_runner_goes_home_when_the_kitchen_is_closed,
    5 => bread_runner_goes_home_when_the_window_left,
}

// ---- helpers -------------------------------------------------------------

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn ticket(plates: u32, cook_ms: u64) -> Ticket {
    Ticket {
        plates,
        cook: ms(cook_ms),
    }
}

fn plate(station: usize, number: u32) -> Plate {
    Plate { station, number }
}

/// Virtual milliseconds since `start`.
fn since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

/// Awaits a task of the learner's code, passing its panic on so that the
/// runner reports it as the panic it is.
async fn join<T>(handle: JoinHandle<T>) -> T {
    match handle.await {
        Ok(v) => v,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => fail("a task of the kitchen was cancelled"),
    }
}

/// "1 `Sender` of the pass is", "2 `Sender`s of the pass are".
fn senders_alive(n: usize) -> String {
    if n == 1 {
        "1 `Sender` of the pass is still alive".to_string()
    } else {
        format!("{n} `Sender`s of the pass are still alive")
    }
}

/// Explains a stall of the window in terms of the pass's live senders.
///
/// The runner asks for explanations only after it has dropped the stuck
/// test future, and with it any `Sender` the learner's code held there
/// (the original `pass` of `run_service`, say). So a helper task samples
/// the count while everything is still stuck, and the larger of the last
/// sample and the count at the end is reported.
fn explain_open_pass(pass: &mpsc::Sender<Plate>, advice: &'static str) {
    let weak = pass.downgrade();
    let sampled = Arc::new(AtomicUsize::new(0));
    let (sampler, record) = (weak.clone(), sampled.clone());
    tokio::spawn(async move {
        loop {
            sleep(Duration::from_secs(5)).await;
            record.store(sampler.strong_count(), Ordering::Relaxed);
        }
    });
    on_stall(move || {
        let alive = weak.strong_count().max(sampled.load(Ordering::Relaxed));
        (alive > 0).then(|| {
            format!(
                "the window is still waiting for plates: {}, so `recv()` cannot return `None` \
                 yet. {advice}",
                senders_alive(alive)
            )
        })
    });
}

/// A test station that puts its plates on the pass at fixed times (ms
/// after `start`), then goes home.
fn scripted(pass: mpsc::Sender<Plate>, station: usize, start: Instant, at_ms: &'static [u64]) {
    tokio::spawn(async move {
        for (i, at) in at_ms.iter().enumerate() {
            tokio::time::sleep_until(start + ms(*at)).await;
            if pass.send(plate(station, i as u32 + 1)).await.is_err() {
                return;
            }
        }
    });
}

// ---- task 1: one station -------------------------------------------------

async fn station_tags_every_plate_in_order() {
    let (tx, mut rx) = mpsc::channel(8);
    explain_open_pass(
        &tx,
        "A station must return after its last plate, dropping its `Sender`.",
    );
    let start = Instant::now();
    let cooking = tokio::spawn(station(7, ticket(4, 25), tx));
    let mut got = Vec::new();
    while let Some(p) = rx.recv().await {
        got.push((since(start), p));
    }
    join(cooking).await;
    expect_eq!(
        got,
        vec![
            (25, plate(7, 1)),
            (50, plate(7, 2)),
            (75, plate(7, 3)),
            (100, plate(7, 4))
        ],
        "station 7 cooks 4 plates of 25 ms each: each goes on the pass right after it cooked \
         (t=25, 50, 75, 100 ms), tagged `station: 7` and numbered 1 to 4"
    );
}

async fn station_stops_when_the_window_left() {
    let (tx, mut rx) = mpsc::channel(8);
    let start = Instant::now();
    let cooking = tokio::spawn(station(1, ticket(5, 100), tx));
    expect_eq!(
        rx.recv().await,
        Some(plate(1, 1)),
        "the window expected plate 1 of station 1"
    );
    sleep(ms(50)).await;
    drop(rx);
    join(cooking).await;
    let home = since(start);
    if home > 200 {
        fail(format!(
            "the window left at t=150ms, so the `send` of plate 2 failed at t=200ms, but the \
             station only went home at t={home}ms: it kept cooking plates nobody will take. \
             When `send` returns `Err`, stop."
        ));
    }
}

async fn stations_interleave_by_cook_time() {
    let log = Log::new();
    let (tx, mut rx) = mpsc::channel(8);
    explain_open_pass(&tx, "Every station must return after its last plate.");
    // Started in id order, yet the fastest station's plate arrives first:
    // the interleaving follows the cook times, not the order of `spawn`.
    for (id, t) in [ticket(2, 70), ticket(3, 40), ticket(1, 10)]
        .into_iter()
        .enumerate()
    {
        tokio::spawn(station(id, t, tx.clone()));
    }
    drop(tx);
    while let Some(p) = rx.recv().await {
        log.event(
            "window",
            format!("takes plate {} of station {}", p.number, p.station),
        );
    }
    log.event("window", "closed: every station went home");
    snapshot(
        "stations_interleave_by_cook_time",
        &log.render(),
        "three stations cook 2 plates of 70 ms, 3 of 40 ms and 1 of 10 ms at the same time: \
         each plate reaches the window as soon as it is cooked, tagged with its station, and \
         the window closes when the last station goes home",
    );
}

// ---- task 2: sort by station ---------------------------------------------

async fn sort_untangles_interleaved_plates() {
    let (tx, rx) = mpsc::channel(8);
    explain_open_pass(
        &tx,
        "The test's stations all went home: is the window still waiting?",
    );
    let start = Instant::now();
    // Arrival order: station 1, 1, 2, 0, 1, 2; station 3 sends nothing.
    scripted(tx.clone(), 1, start, &[10, 20, 50]);
    scripted(tx.clone(), 2, start, &[30, 60]);
    scripted(tx.clone(), 0, start, &[40]);
    drop(tx);
    let sorted = sort_by_station(rx, 4).await;
    expect_eq!(
        sorted,
        vec![vec![1], vec![1, 2, 3], vec![1, 2], vec![]],
        "plates of different stations reach the window in whatever order they are ready (here \
         stations 1, 1, 2, 0, 1, 2): only a plate's `station` tag says where it belongs, its \
         position on the pass does not. Entry i lists station i's numbers in arrival order; \
         station 3 sent nothing, so its entry is empty"
    );
}

async fn sort_waits_for_every_sender() {
    let (station_0, rx) = mpsc::channel(4);
    let station_1 = station_0.clone();
    let _ = station_0.try_send(plate(0, 1));
    let mut window = mock_task(sort_by_station(rx, 2));
    if let Poll::Ready(v) = window.poll() {
        fail(format!(
            "the window returned {v:?} while both stations still hold a `Sender`: keep taking \
             plates until `recv()` returns `None`."
        ));
    }
    drop(station_0);
    let _ = station_1.try_send(plate(1, 1));
    if !window.is_woken() {
        fail(
            "a plate arrived but the window was not woken: is it waiting in `window.recv().await`?",
        );
    }
    if let Poll::Ready(v) = window.poll() {
        fail(format!(
            "the window returned {v:?} although station 1 still holds its `Sender`: station 0 \
             going home does not close the pass. It closes only when EVERY `Sender` is gone."
        ));
    }
    drop(station_1);
    if !window.is_woken() {
        fail(
            "the last `Sender` was dropped but the window was not woken: wait in `window.recv().await`.",
        );
    }
    match window.poll() {
        Poll::Ready(v) => expect_eq!(
            v,
            vec![vec![1], vec![1]],
            "each station put plate 1 on the pass before going home"
        ),
        Poll::Pending => fail(
            "every `Sender` is gone and the pass is empty, but the window is still waiting: \
             return when `recv()` returns `None`.",
        ),
    }
}

// ---- task 3: the service -------------------------------------------------

const SERVICE_STALL: &str = "Each station's clone goes away when that station returns, but the \
     original `pass` given to `run_service` stays alive until you drop it: `drop(pass)` before \
     collecting, or move it into the last station. (If you await the stations before collecting, \
     they can also wait forever for room on a full pass.)";

async fn service_cooks_at_the_same_time() {
    let (tx, rx) = mpsc::channel(4);
    explain_open_pass(&tx, SERVICE_STALL);
    let start = Instant::now();
    let sorted = run_service(tx, rx, &[ticket(3, 100), ticket(2, 150), ticket(1, 40)]).await;
    let took = since(start);
    expect_eq!(
        sorted,
        vec![vec![1, 2, 3], vec![1, 2], vec![1]],
        "station i cooks tickets[i]: 3, 2 and 1 plates. The stations finish in a different order \
         than they started, so sort by each plate's `station` tag, not by its position on the pass"
    );
    expect_eq!(
        took,
        300,
        "the longest ticket takes 300 ms (3 plates of 100 ms). With every station cooking at the \
         same time, the service is over at t=300ms; {took} ms means the stations did not all cook \
         at once: `tokio::spawn` each station before collecting"
    );
}

async fn service_with_a_pass_of_one() {
    let (tx, rx) = mpsc::channel(1);
    explain_open_pass(&tx, SERVICE_STALL);
    let tickets = [ticket(2, 10), ticket(3, 10), ticket(1, 10), ticket(2, 10)];
    let sorted = run_service(tx, rx, &tickets).await;
    expect_eq!(
        sorted,
        vec![vec![1, 2], vec![1, 2, 3], vec![1], vec![1, 2]],
        "four stations share a pass that holds one plate: every plate still reaches the window; \
         entry i lists station i's plates, found by each plate's `station` tag"
    );
}

async fn service_with_no_tickets() {
    let (tx, rx) = mpsc::channel(2);
    explain_open_pass(
        &tx,
        "There are no tickets, so no station ever held a clone: the only `Sender` left is the \
         original `pass`. Drop it before collecting.",
    );
    let sorted = run_service(tx, rx, &[]).await;
    expect_eq!(
        sorted,
        Vec::<Vec<u32>>::new(),
        "no tickets: no station, no plate"
    );
}

// ---- task 4: the careful station -----------------------------------------

async fn careful_station_never_cooks_for_a_closed_window() {
    let (tx, rx) = mpsc::channel(4);
    drop(rx);
    let start = Instant::now();
    let served = careful_station(2, ticket(3, 100), tx).await;
    expect_eq!(
        served,
        0,
        "the window was closed from the start: no plate reached it"
    );
    let spent = since(start);
    if spent > 0 {
        fail(format!(
            "the window was closed before the first plate, but the station spent {spent} ms \
             cooking for nobody. Check for a closed window before cooking: race the cooking \
             against `pass.closed()` (or look at `pass.is_closed()` first)."
        ));
    }
}

async fn careful_station_stops_mid_plate() {
    let (tx, mut rx) = mpsc::channel(4);
    let start = Instant::now();
    let cooking = tokio::spawn(careful_station(3, ticket(5, 100), tx));
    expect_eq!(
        rx.recv().await,
        Some(plate(3, 1)),
        "the window expected plate 1 of station 3"
    );
    expect_eq!(
        rx.recv().await,
        Some(plate(3, 2)),
        "the window expected plate 2 of station 3"
    );
    sleep(ms(50)).await;
    drop(rx);
    let served = join(cooking).await;
    let home = since(start);
    expect_eq!(
        served,
        2,
        "plates 1 and 2 reached the window before it left"
    );
    if home != 250 {
        fail(format!(
            "the window left at t=250ms, halfway through plate 3, but the station went home at \
             t={home}ms. A failed `send` tells it only after plate 3 is cooked for nobody: race \
             the cooking against `pass.closed()`, which completes the moment the window leaves."
        ));
    }
}

async fn careful_station_serves_a_full_ticket() {
    let (tx, mut rx) = mpsc::channel(4);
    explain_open_pass(
        &tx,
        "A station must return after its last plate, dropping its `Sender`.",
    );
    let start = Instant::now();
    let cooking = tokio::spawn(careful_station(5, ticket(3, 40), tx));
    let mut got = Vec::new();
    while let Some(p) = rx.recv().await {
        got.push((since(start), p));
    }
    let served = join(cooking).await;
    expect_eq!(
        got,
        vec![(40, plate(5, 1)), (80, plate(5, 2)), (120, plate(5, 3))],
        "while the window stays, the careful station works like `station`: 3 plates of 40 ms, \
         tagged `station: 5`"
    );
    expect_eq!(served, 3, "all 3 plates reached the window");
}

async fn careful_stations_go_home_with_the_window() {
    let log = Log::new();
    let (tx, mut rx) = mpsc::channel(8);
    let tickets = [ticket(5, 70), ticket(3, 100), ticket(1, 500)];
    let cooking: Vec<_> = tickets
        .iter()
        .enumerate()
        .map(|(id, t)| tokio::spawn(careful_station(id, *t, tx.clone())))
        .collect();
    drop(tx);
    let leave = sleep(ms(230));
    tokio::pin!(leave);
    loop {
        tokio::select! {
            biased;
            _ = &mut leave => break,
            p = rx.recv() => match p {
                Some(p) => log.event("window", format!("takes plate {} of station {}", p.number, p.station)),
                None => {
                    log.event("window", "pass closed: every station went home");
                    break;
                }
            },
        }
    }
    log.event("window", "leaves");
    drop(rx);
    for (id, handle) in cooking.into_iter().enumerate() {
        let served = join(handle).await;
        log.event(
            &format!("station {id}"),
            format!("goes home after {served} plate(s)"),
        );
    }
    snapshot(
        "careful_stations_go_home_with_the_window",
        &log.render(),
        "the window leaves at t=230ms: every careful station must notice at that very moment \
         (`pass.closed()`), not at its next `send`, and report how many plates it served",
    );
}

// ---- task 5: the bread runner --------------------------------------------

async fn bread_runner_helps_while_stations_cook() {
    let (tx, mut rx) = mpsc::channel(16);
    let weak = tx.downgrade();
    on_stall(move || {
        let alive = weak.strong_count();
        (alive > 0).then(|| {
            format!(
                "every station went home at t=430ms, yet {}: is the bread runner holding one? \
                 Keep only the `WeakSender` while waiting.",
                senders_alive(alive)
            )
        })
    });
    let start = Instant::now();
    let runner = tokio::spawn(bread_runner(9, tx.downgrade(), ms(100)));
    // Two test stations hold the pass open until t=250ms and t=430ms.
    let late = tx.clone();
    tokio::spawn(async move {
        sleep(ms(250)).await;
        drop(tx);
    });
    tokio::spawn(async move {
        sleep(ms(430)).await;
        drop(late);
    });
    let mut got = Vec::new();
    while let Some(p) = rx.recv().await {
        let at = since(start);
        if at > 430 {
            fail(format!(
                "basket {} reached the window at t={at}ms, after every station went home at \
                 t=430ms: the bread runner kept the pass open with a `Sender` of its own. \
                 Upgrade the `WeakSender` for one basket at a time, and let that `Sender` drop \
                 before you wait again.",
                p.number
            ));
        }
        got.push((at, p));
    }
    let closed_at = since(start);
    expect_eq!(
        got,
        vec![
            (100, plate(9, 1)),
            (200, plate(9, 2)),
            (300, plate(9, 3)),
            (400, plate(9, 4))
        ],
        "every 100 ms, while a station still holds the pass, the runner puts one basket on it, \
         tagged `station: 9` and numbered from 1"
    );
    expect_eq!(
        closed_at,
        430,
        "the last station went home at t=430ms, so the window must close then: the runner must \
         not hold a `Sender` while it waits"
    );
    let baskets = join(runner).await;
    expect_eq!(baskets, 4, "the runner put 4 baskets on the pass");
}

async fn bread_runner_goes_home_when_the_kitchen_is_closed() {
    let (tx, mut rx) = mpsc::channel(4);
    let weak = tx.downgrade();
    drop(tx);
    match timeout(Duration::from_secs(10), bread_runner(4, weak, ms(100))).await {
        Ok(baskets) => expect_eq!(baskets, 0, "no station was cooking, so no basket"),
        Err(_) => fail(
            "no station holds a `Sender` of the pass, but after 10 s the bread runner was still \
             around: when `upgrade()` returns `None`, every station went home; go home too.",
        ),
    }
    if let Ok(p) = rx.try_recv() {
        fail(format!(
            "the kitchen was closed, yet {p:?} reached the window"
        ));
    }
}

async fn bread_runner_goes_home_when_the_window_left() {
    let (tx, mut rx) = mpsc::channel(4);
    let start = Instant::now();
    let runner = tokio::spawn(bread_runner(4, tx.downgrade(), ms(100)));
    expect_eq!(
        rx.recv().await,
        Some(plate(4, 1)),
        "the window expected basket 1 from the runner (station 4)"
    );
    sleep(ms(50)).await;
    drop(rx);
    // `tx` (a station still cooking) keeps the kitchen open throughout.
    match timeout(Duration::from_secs(10), runner).await {
        Ok(Ok(baskets)) => expect_eq!(
            baskets,
            1,
            "only basket 1 reached the window before it left"
        ),
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(_)) => fail("the bread runner was cancelled"),
        Err(_) => fail(format!(
            "the window left at t=150ms, but at t={}ms the bread runner was still going: when \
             `send` fails, nobody takes the baskets any more; go home.",
            since(start)
        )),
    }
    drop(tx);
}
