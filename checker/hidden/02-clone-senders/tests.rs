//! Hidden tests of exercise 02: cloned senders, many producers.
//!
//! Cooks cook on the paused clock, so "plate 2 of cook 1 reaches the
//! runner at t=80ms" is a fact the test can check. Two things are never
//! assumed: the order in which tasks woken at the same instant run, and any
//! interleaving of plates from different cooks beyond what their cook
//! times force. Results sorted by cook are compared instead, and timed
//! logs use cook times that never make two plates ready at the same instant.

use clone_senders::*;
use harness::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use tokio::task::JoinHandle;

harness::tests! {
    1 => cook_tags_every_plate_in_order,
    1 => cook_stops_when_the_runner_left,
    1 => cooks_interleave_by_cook_time,
    2 => sort_untangles_interleaved_plates,
    2 => sort_waits_for_every_sender,
    3 => service_cooks_at_the_same_time,
    3 => service_with_a_belt_of_one,
    3 => service_with_no_tickets,
    4 => careful_cook_never_cooks_for_a_closed_runner,
    4 => careful_cook_stops_mid_plate,
    4 => careful_cook_serves_a_full_ticket,
    4 => careful_cooks_go_home_with_the_runner,
    5 => baker_helps_while_cooks_cook,
    5 => baker_goes_home_when_the_kitchen_is_closed,
    5 => baker_goes_home_when_the_runner_left,
}

// ---- helpers -------------------------------------------------------------

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn ticket(plates: u32, cook_ms: u64) -> Ticket {
    Ticket {
        plates,
        cook_time: ms(cook_ms),
    }
}

fn plate(cook: usize, number: u32) -> Plate {
    Plate { cook, number }
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

/// "1 `Sender` of the belt is", "2 `Sender`s of the belt are".
fn senders_alive(n: usize) -> String {
    if n == 1 {
        "1 `Sender` of the belt is still alive".to_string()
    } else {
        format!("{n} `Sender`s of the belt are still alive")
    }
}

/// Explains a stall of the runner in terms of the belt's live senders.
///
/// The runner asks for explanations only after it has dropped the stuck
/// test future, and with it any `Sender` the learner's code held there
/// (the original `belt` of `run_service`, say). So a helper task samples
/// the count while everything is still stuck, and the larger of the last
/// sample and the count at the end is reported.
fn explain_open_belt(belt: &mpsc::Sender<Plate>, advice: &'static str) {
    let weak = belt.downgrade();
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
                "the runner is still waiting for plates: {}, so `recv()` cannot return `None` \
                 yet. {advice}",
                senders_alive(alive)
            )
        })
    });
}

/// A test cook that puts its plates on the belt at fixed times (ms
/// after `start`), then goes home.
fn scripted(belt: mpsc::Sender<Plate>, cook: usize, start: Instant, at_ms: &'static [u64]) {
    tokio::spawn(async move {
        for (i, at) in at_ms.iter().enumerate() {
            tokio::time::sleep_until(start + ms(*at)).await;
            if belt.send(plate(cook, i as u32 + 1)).await.is_err() {
                return;
            }
        }
    });
}

// ---- task 1: one cook -------------------------------------------------

async fn cook_tags_every_plate_in_order() {
    let (tx, mut rx) = mpsc::channel(8);
    explain_open_belt(
        &tx,
        "A cook must return after its last plate, dropping its `Sender`.",
    );
    let start = Instant::now();
    let id = vary::count(7usize, 1..=20);
    let (plates, each) = (vary::count(4u32, 2..=8), vary::count(25u64, 5..=60));
    let cooking = tokio::spawn(cook(id, ticket(plates, each), tx));
    let mut got = Vec::new();
    while let Some(p) = rx.recv().await {
        got.push((since(start), p));
    }
    join(cooking).await;
    let times: Vec<String> = (1..=plates)
        .map(|k| (u64::from(k) * each).to_string())
        .collect();
    expect_eq!(
        got,
        (1..=plates)
            .map(|k| (u64::from(k) * each, plate(id, k)))
            .collect::<Vec<_>>(),
        "cook {id} cooks {plates} plates of {each} ms each: each goes on the belt right after \
         it cooked (t={} ms), tagged `cook: {id}` and numbered 1 to {plates}",
        times.join(", ")
    );
}

async fn cook_stops_when_the_runner_left() {
    let (tx, mut rx) = mpsc::channel(8);
    let start = Instant::now();
    let cooking = tokio::spawn(cook(1, ticket(5, 100), tx));
    expect_eq!(
        rx.recv().await,
        Some(plate(1, 1)),
        "the runner expected plate 1 of cook 1"
    );
    sleep(ms(50)).await;
    drop(rx);
    join(cooking).await;
    let home = since(start);
    if home > 200 {
        fail(format!(
            "the runner left at t=150ms, so the `send` of plate 2 failed at t=200ms, but the \
             cook only went home at t={home}ms: it kept cooking plates nobody will take. \
             When `send` returns `Err`, stop."
        ));
    }
}

async fn cooks_interleave_by_cook_time() {
    let log = Log::new();
    let (tx, mut rx) = mpsc::channel(8);
    explain_open_belt(&tx, "Every cook must return after its last plate.");
    // Started in id order, yet the fastest cook's plate arrives first:
    // the interleaving follows the cook times, not the order of `spawn`.
    for (id, t) in [ticket(2, 70), ticket(3, 40), ticket(1, 10)]
        .into_iter()
        .enumerate()
    {
        tokio::spawn(cook(id, t, tx.clone()));
    }
    drop(tx);
    while let Some(p) = rx.recv().await {
        log.event(
            "runner",
            format!("takes plate {} of cook {}", p.number, p.cook),
        );
    }
    log.event("runner", "closed: every cook went home");
    snapshot(
        "cooks_interleave_by_cook_time",
        &log.render(),
        "three cooks cook 2 plates of 70 ms, 3 of 40 ms and 1 of 10 ms at the same time: \
         each plate reaches the runner as soon as it is cooked, tagged with its cook, and \
         the runner leaves when the last cook goes home",
    );
}

// ---- task 2: sort by cook ---------------------------------------------

async fn sort_untangles_interleaved_plates() {
    let (tx, rx) = mpsc::channel(8);
    explain_open_belt(
        &tx,
        "The test's cooks all went home: is the runner still waiting?",
    );
    let start = Instant::now();
    // Arrival order: cook 1, 1, 2, 0, 1, 2; cook 3 sends nothing.
    scripted(tx.clone(), 1, start, &[10, 20, 50]);
    scripted(tx.clone(), 2, start, &[30, 60]);
    scripted(tx.clone(), 0, start, &[40]);
    drop(tx);
    // Cooks 3 and up send nothing (one such cook in the published test).
    let cooks = vary::count(4usize, 4..=9);
    let sorted = sort_by_cook(rx, cooks).await;
    let mut expected = vec![vec![1], vec![1, 2, 3], vec![1, 2]];
    expected.resize(cooks, Vec::new());
    let silent = if cooks == 4 {
        "cook 3 sent nothing, so its entry is empty".to_string()
    } else {
        format!(
            "cooks 3 to {} sent nothing, so their entries are empty",
            cooks - 1
        )
    };
    expect_eq!(
        sorted,
        expected,
        "plates of different cooks reach the runner in whatever order they are ready (here \
         cooks 1, 1, 2, 0, 1, 2): only a plate's `cook` tag says where it belongs, its \
         position on the belt does not. Entry i lists cook i's numbers in arrival order; \
         {silent}"
    );
}

async fn sort_waits_for_every_sender() {
    let (cook_0, rx) = mpsc::channel(4);
    let cook_1 = cook_0.clone();
    let _ = cook_0.try_send(plate(0, 1));
    let mut runner = mock_task(sort_by_cook(rx, 2));
    if let Poll::Ready(v) = runner.poll() {
        fail(format!(
            "the runner returned {v:?} while both cooks still hold a `Sender`: keep taking \
             plates until `recv()` returns `None`."
        ));
    }
    drop(cook_0);
    let _ = cook_1.try_send(plate(1, 1));
    if !runner.is_woken() {
        fail(
            "a plate arrived but the runner was not woken: is it waiting in `runner.recv().await`?",
        );
    }
    if let Poll::Ready(v) = runner.poll() {
        fail(format!(
            "the runner returned {v:?} although cook 1 still holds its `Sender`: cook 0 \
             going home does not close the belt. It closes only when EVERY `Sender` is gone."
        ));
    }
    drop(cook_1);
    if !runner.is_woken() {
        fail(
            "the last `Sender` was dropped but the runner was not woken: wait in `runner.recv().await`.",
        );
    }
    match runner.poll() {
        Poll::Ready(v) => expect_eq!(
            v,
            vec![vec![1], vec![1]],
            "each cook put plate 1 on the belt before going home"
        ),
        Poll::Pending => fail(
            "every `Sender` is gone and the belt is empty, but the runner is still waiting: \
             return when `recv()` returns `None`.",
        ),
    }
}

// ---- task 3: the service -------------------------------------------------

const SERVICE_STALL: &str = "Each cook's clone goes away when that cook returns, but the \
     original `belt` given to `run_service` stays alive until you drop it: `drop(belt)` before \
     collecting, or move it into the last cook. (If you await the cooks before collecting, \
     they can also wait forever for room on a full belt.)";

async fn service_cooks_at_the_same_time() {
    let (tx, rx) = mpsc::channel(4);
    explain_open_belt(&tx, SERVICE_STALL);
    let start = Instant::now();
    let sorted = run_service(tx, rx, &[ticket(3, 100), ticket(2, 150), ticket(1, 40)]).await;
    let took = since(start);
    expect_eq!(
        sorted,
        vec![vec![1, 2, 3], vec![1, 2], vec![1]],
        "cook i cooks tickets[i]: 3, 2 and 1 plates. The cooks finish in a different order \
         than they started, so sort by each plate's `cook` tag, not by its position on the belt"
    );
    expect_eq!(
        took,
        300,
        "the longest ticket takes 300 ms (3 plates of 100 ms). With every cook cooking at the \
         same time, the service is over at t=300ms; {took} ms means the cooks did not all cook \
         at once: `tokio::spawn` each cook before collecting"
    );
}

async fn service_with_a_belt_of_one() {
    let (tx, rx) = mpsc::channel(1);
    explain_open_belt(&tx, SERVICE_STALL);
    let plates = [2, 3, 1, 2].map(|n| vary::count(n, 1..=5));
    let tickets = plates.map(|n| ticket(n, 10));
    let sorted = run_service(tx, rx, &tickets).await;
    expect_eq!(
        sorted,
        plates
            .iter()
            .map(|n| (1..=*n).collect::<Vec<u32>>())
            .collect::<Vec<_>>(),
        "four cooks share a belt that holds one plate: every plate still reaches the runner; \
         entry i lists cook i's plates, found by each plate's `cook` tag"
    );
}

async fn service_with_no_tickets() {
    let (tx, rx) = mpsc::channel(2);
    explain_open_belt(
        &tx,
        "There are no tickets, so no cook ever held a clone: the only `Sender` left is the \
         original `belt`. Drop it before collecting.",
    );
    let sorted = run_service(tx, rx, &[]).await;
    expect_eq!(
        sorted,
        Vec::<Vec<u32>>::new(),
        "no tickets: no cook, no plate"
    );
}

// ---- task 4: the careful cook -----------------------------------------

async fn careful_cook_never_cooks_for_a_closed_runner() {
    let (tx, rx) = mpsc::channel(4);
    drop(rx);
    let start = Instant::now();
    let served = careful_cook(2, ticket(3, 100), tx).await;
    expect_eq!(
        served,
        0,
        "the runner had left from the start: no plate reached it"
    );
    let spent = since(start);
    if spent > 0 {
        fail(format!(
            "the runner had left before the first plate, but the cook spent {spent} ms \
             cooking for nobody. Check for a runner who left before cooking: race the cooking \
             against `belt.closed()` (or look at `belt.is_closed()` first)."
        ));
    }
}

async fn careful_cook_stops_mid_plate() {
    let (tx, mut rx) = mpsc::channel(4);
    let start = Instant::now();
    let cooking = tokio::spawn(careful_cook(3, ticket(5, 100), tx));
    expect_eq!(
        rx.recv().await,
        Some(plate(3, 1)),
        "the runner expected plate 1 of cook 3"
    );
    expect_eq!(
        rx.recv().await,
        Some(plate(3, 2)),
        "the runner expected plate 2 of cook 3"
    );
    sleep(ms(50)).await;
    drop(rx);
    let served = join(cooking).await;
    let home = since(start);
    expect_eq!(
        served,
        2,
        "plates 1 and 2 reached the runner before it left"
    );
    if home != 250 {
        fail(format!(
            "the runner left at t=250ms, halfway through plate 3, but the cook went home at \
             t={home}ms. A failed `send` tells it only after plate 3 is cooked for nobody: race \
             the cooking against `belt.closed()`, which completes the moment the runner leaves."
        ));
    }
}

async fn careful_cook_serves_a_full_ticket() {
    let (tx, mut rx) = mpsc::channel(4);
    explain_open_belt(
        &tx,
        "A cook must return after its last plate, dropping its `Sender`.",
    );
    let start = Instant::now();
    let id = vary::count(5usize, 1..=20);
    let (plates, each) = (vary::count(3u32, 1..=7), vary::count(40u64, 5..=60));
    let cooking = tokio::spawn(careful_cook(id, ticket(plates, each), tx));
    let mut got = Vec::new();
    while let Some(p) = rx.recv().await {
        got.push((since(start), p));
    }
    let served = join(cooking).await;
    expect_eq!(
        got,
        (1..=plates)
            .map(|k| (u64::from(k) * each, plate(id, k)))
            .collect::<Vec<_>>(),
        "while the runner stays, the careful cook works like `cook`: {plates} plates of \
         {each} ms, tagged `cook: {id}`"
    );
    expect_eq!(served, plates, "all {plates} plates reached the runner");
}

async fn careful_cooks_go_home_with_the_runner() {
    let log = Log::new();
    let (tx, mut rx) = mpsc::channel(8);
    let tickets = [ticket(5, 70), ticket(3, 100), ticket(1, 500)];
    let cooking: Vec<_> = tickets
        .iter()
        .enumerate()
        .map(|(id, t)| tokio::spawn(careful_cook(id, *t, tx.clone())))
        .collect();
    drop(tx);
    let leave = sleep(ms(230));
    tokio::pin!(leave);
    loop {
        tokio::select! {
            biased;
            _ = &mut leave => break,
            p = rx.recv() => match p {
                Some(p) => log.event("runner", format!("takes plate {} of cook {}", p.number, p.cook)),
                None => {
                    log.event("runner", "the belt closed: every cook went home");
                    break;
                }
            },
        }
    }
    log.event("runner", "leaves");
    drop(rx);
    for (id, handle) in cooking.into_iter().enumerate() {
        let served = join(handle).await;
        log.event(
            &format!("cook {id}"),
            format!("goes home after {served} plate(s)"),
        );
    }
    snapshot(
        "careful_cooks_go_home_with_the_runner",
        &log.render(),
        "the runner leaves at t=230ms: every careful cook must notice at that very moment \
         (`belt.closed()`), not at its next `send`, and report how many plates it served",
    );
}

// ---- task 5: the baker --------------------------------------------

async fn baker_helps_while_cooks_cook() {
    let (tx, mut rx) = mpsc::channel(16);
    let weak = tx.downgrade();
    on_stall(move || {
        let alive = weak.strong_count();
        (alive > 0).then(|| {
            format!(
                "every cook went home at t=430ms, yet {}: is the baker holding one? \
                 Keep only the `WeakSender` while waiting.",
                senders_alive(alive)
            )
        })
    });
    let start = Instant::now();
    let id = vary::count(9usize, 1..=20);
    let baking = tokio::spawn(baker(id, tx.downgrade(), ms(100)));
    // Two test cooks hold the belt open until t=250ms and t=430ms.
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
                "basket {} reached the runner at t={at}ms, after every cook went home at \
                 t=430ms: the baker kept the belt open with a `Sender` of its own. \
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
        (1..=4)
            .map(|k| (100 * u64::from(k), plate(id, k)))
            .collect::<Vec<_>>(),
        "every 100 ms, while a cook still holds the belt, the baker puts one basket on it, \
         tagged `cook: {id}` and numbered from 1"
    );
    expect_eq!(
        closed_at,
        430,
        "the last cook went home at t=430ms, so the belt must close then: the baker must \
         not hold a `Sender` while it waits"
    );
    let baskets = join(baking).await;
    expect_eq!(baskets, 4, "the baker put 4 baskets on the belt");
}

async fn baker_goes_home_when_the_kitchen_is_closed() {
    let (tx, mut rx) = mpsc::channel(4);
    let weak = tx.downgrade();
    drop(tx);
    match timeout(Duration::from_secs(10), baker(4, weak, ms(100))).await {
        Ok(baskets) => expect_eq!(baskets, 0, "no cook was cooking, so no basket"),
        Err(_) => fail(
            "no cook holds a `Sender` of the belt, but after 10 s the baker was still \
             around: when `upgrade()` returns `None`, every cook went home; go home too.",
        ),
    }
    if let Ok(p) = rx.try_recv() {
        fail(format!(
            "the kitchen was closed, yet {p:?} reached the runner"
        ));
    }
}

async fn baker_goes_home_when_the_runner_left() {
    let (tx, mut rx) = mpsc::channel(4);
    let start = Instant::now();
    let baking = tokio::spawn(baker(4, tx.downgrade(), ms(100)));
    expect_eq!(
        rx.recv().await,
        Some(plate(4, 1)),
        "the runner expected basket 1 from the baker (`cook: 4`)"
    );
    sleep(ms(50)).await;
    drop(rx);
    // `tx` (a cook still cooking) keeps the kitchen open throughout.
    match timeout(Duration::from_secs(10), baking).await {
        Ok(Ok(baskets)) => expect_eq!(
            baskets,
            1,
            "only basket 1 reached the runner before it left"
        ),
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(_)) => fail("the baker was cancelled"),
        Err(_) => fail(format!(
            "the runner left at t=150ms, but at t={}ms the baker was still going: when \
             `send` fails, nobody takes the baskets any more; go home.",
            since(start)
        )),
    }
    drop(tx);
}
