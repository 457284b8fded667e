//! Hidden tests of exercise 07: choosing a channel, and bridging
//! synchronous and async code.
//!
//! Real threads and the paused clock. tokio's paused clock jumps ahead
//! whenever the runtime is idle; a plain `std::thread` does not count as
//! work, so a test awaiting a result from one would see the harness's 600 s
//! virtual deadline fire at once (a false deadlock). A task on tokio's
//! blocking pool does count: while one runs, tokio does not auto-advance
//! the clock (`runtime/blocking/schedule.rs`: `inhibit_auto_advance`). So
//!
//! * a test that runs synchronous code itself runs it with `spawn_blocking`;
//! * a test of task 3, whose bookkeeper may be a `std::thread`, holds the
//!   clock with [`hold_clock`] for its whole run, and never sleeps while it
//!   holds it (virtual time stands still then);
//! * no check can fail a correct solution in any interleaving of its
//!   threads;
//! * the test's runner takes a result off the belt only once the
//!   bookkeeper cannot go on without it ([`until_stuck`]: done, or its
//!   thread asleep as the checker sees it from outside the process), and
//!   meanwhile counts the tallies it begins: a bookkeeper that puts a
//!   result nowhere (`try_send` on a full belt) is found by that count,
//!   however slowly its thread runs, not by a race.
//!
//! Which test checks which sentence of each contract: see the map in
//! `meta.rs`.

use choose_bridge::*;
use harness::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;

harness::tests! {
    1 => till_rings_up_every_sale_without_waiting,
    1 => till_works_from_a_plain_thread,
    1 => till_stops_when_the_runner_is_gone,
    2 => slow_runner_backlog_timeline,
    2 => slow_runner_backlog_grows_with_a_burst,
    2 => slow_runner_with_no_tickets,
    3 => bookkeeper_returns_at_once_and_tallies_off_the_runtime,
    3 => bookkeeper_streams_every_result_in_order,
    3 => bookkeeper_waits_while_the_belt_is_full,
    3 => bookkeeper_stops_when_the_receiver_is_dropped,
    4 => porters_carry_every_sack_once,
    4 => porters_pick_up_a_sack_as_soon_as_one_is_free,
    4 => porters_never_carry_more_than_their_number,
    5 => tray_takes_what_is_waiting_up_to_a_full_tray,
    5 => tray_never_waits_to_fill_up,
    5 => tray_runner_with_a_closed_empty_belt,
    6 => thermometer_reports_from_a_plain_thread,
    6 => report_never_fails_without_a_gauge,
    6 => gauge_returns_only_the_latest_reading,
    6 => gauge_waits_for_a_new_reading,
    6 => gauge_ends_when_the_thermometer_is_gone,
}

/// Keeps tokio's paused clock from jumping ahead while the learner's own
/// threads work: a blocking-pool task inhibits auto-advance until it ends,
/// and this one ends when the returned guard is dropped.
fn hold_clock() -> impl Drop {
    struct Hold(std::sync::mpsc::Sender<()>);
    impl Drop for Hold {
        fn drop(&mut self) {
            let _ = self.0.send(());
        }
    }
    let (release, held) = std::sync::mpsc::channel::<()>();
    tokio::task::spawn_blocking(move || {
        let _ = held.recv();
    });
    Hold(release)
}

/// Panics on the test's own thread with the message of a panic that
/// happened on a blocking-pool thread. The harness records panics per
/// thread, so this is how a `todo!()` (not started) or a learner's panic
/// message reaches the verdict. (`resume_unwind` would skip the panic hook.)
fn rethrow(e: tokio::task::JoinError) -> ! {
    let payload = e.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(a panic with a non-string payload)".to_string());
    panic!("{message}")
}

/// Milliseconds of virtual time since `start`.
fn ms_since(start: Instant) -> u64 {
    start.elapsed().as_millis() as u64
}

// ---- task 1: the till ----------------------------------------------------

async fn till_rings_up_every_sale_without_waiting() {
    let (rail, mut tickets) = mpsc::unbounded_channel();
    let count = vary::count(500u32, 100..=900);
    let step = vary::count(3u32, 1..=9);
    let sales: Vec<u32> = (1..=count).map(|n| n * step).collect();
    // Nobody reads while the till works: an unbounded rail takes them all.
    let rung = ring_up(&rail, &sales);
    expect_eq!(
        rung,
        count as usize,
        "ring_up returns how many sales it put on the rail: all {count}, since the runner is \
         there"
    );
    let mut on_rail = Vec::new();
    while let Ok(t) = tickets.try_recv() {
        on_rail.push(t);
    }
    expect_eq!(
        on_rail,
        sales,
        "every sale must be on the rail, in the order given, once ring_up returns"
    );
}

async fn till_works_from_a_plain_thread() {
    let (rail, mut tickets) = mpsc::unbounded_channel();
    let shift = vary::count(0u32, 1..=100);
    let sales = [4, 8, 15, 16, 23, 42].map(|n| n + shift);
    let rung = tokio::task::spawn_blocking(move || ring_up(&rail, &sales))
        .await
        .unwrap_or_else(|e| rethrow(e));
    expect_eq!(
        rung,
        6,
        "ring_up on a plain thread puts all six sales on the rail"
    );
    let mut on_rail = Vec::new();
    while let Ok(t) = tickets.try_recv() {
        on_rail.push(t);
    }
    expect_eq!(on_rail, sales.to_vec(), "the sales arrive in order");
}

async fn till_stops_when_the_runner_is_gone() {
    let (rail, runner) = mpsc::unbounded_channel::<u32>();
    drop(runner);
    expect_eq!(
        ring_up(&rail, &[1, 2, 3]),
        0,
        "the runner is gone, so no sale made it onto the rail: `send` returns `Err` then, \
         count only the sales it accepted"
    );
    let (rail, mut runner) = mpsc::unbounded_channel::<u32>();
    runner.close();
    expect_eq!(
        ring_up(&rail, &[5, 6]),
        0,
        "the runner closed the rail, so no sale made it onto it"
    );
}

// ---- task 2: the slow runner ---------------------------------------------

async fn slow_runner_backlog_timeline() {
    let log = Log::new();
    let start = Instant::now();
    let (rail, tickets) = mpsc::unbounded_channel();
    // The test plays the till and counts, on its own side, what is waiting.
    let rung = Rc::new(Cell::new(0usize));
    let served = Rc::new(Cell::new(0usize));
    let serve = {
        let (rung, served, log) = (rung.clone(), served.clone(), log.clone());
        move |ticket: u32| {
            served.set(served.get() + 1);
            log.event(
                "runner",
                format!("serves {ticket}, {} waiting", rung.get() - served.get()),
            );
        }
    };
    let till = async {
        for burst in [1..=6u32, 7..=12] {
            if *burst.start() > 1 {
                sleep(Duration::from_millis(35)).await;
            }
            for t in burst {
                if rail.send(t).is_err() {
                    fail(
                        "the runner dropped the rail before it was closed: keep receiving until \
                         `recv()` returns `None`",
                    );
                }
                rung.set(rung.get() + 1);
            }
            log.event(
                "till",
                format!("+6 tickets, {} waiting", rung.get() - served.get()),
            );
        }
        drop(rail);
    };
    let (peak, ()) = tokio::join!(slow_runner(tickets, Duration::from_millis(10), serve), till);
    log.event("runner", format!("returns {peak}"));
    expect_eq!(
        peak,
        7,
        "after taking ticket 5 at 40 ms, tickets 6..=12 are still waiting: the largest \
         backlog is 7 (count what is left on the rail right after taking a ticket, with \
         `rail.len()`)"
    );
    expect_eq!(
        ms_since(start),
        120,
        "twelve tickets at 10 ms each, the first taken at 0 ms: the runner returns at 120 ms, \
         after spending 10 ms on the last ticket too"
    );
    snapshot(
        "slow_runner_backlog_timeline",
        &log.render(),
        "the runner serves one ticket, then spends 10 ms on it; the till rings up 6 tickets \
         at 0 ms and 6 more at 35 ms, so the backlog grows faster than the runner works",
    );
}

async fn slow_runner_backlog_grows_with_a_burst() {
    let (rail, tickets) = mpsc::unbounded_channel();
    for t in 1..=300 {
        rail.send(t).unwrap();
    }
    drop(rail);
    let order = Rc::new(RefCell::new(Vec::new()));
    let record = order.clone();
    let peak = slow_runner(tickets, Duration::from_millis(1), move |t| {
        record.borrow_mut().push(t)
    })
    .await;
    expect_eq!(
        peak,
        299,
        "300 tickets arrived at once; right after taking the first, 299 are still waiting \
         on the rail (count with `rail.len()` after `recv` returns, not before): that backlog \
         is memory an unbounded rail spends"
    );
    expect_eq!(
        *order.borrow(),
        (1..=300).collect::<Vec<u32>>(),
        "the runner serves every ticket, in rail order"
    );
}

async fn slow_runner_with_no_tickets() {
    let (rail, tickets) = mpsc::unbounded_channel::<u32>();
    drop(rail);
    let calls = Rc::new(Cell::new(0));
    let count = calls.clone();
    let peak = slow_runner(tickets, Duration::from_millis(5), move |_| {
        count.set(count.get() + 1)
    })
    .await;
    expect_eq!(peak, 0, "no ticket came, so the largest backlog is 0");
    expect_eq!(calls.get(), 0, "no ticket came, so `serve` is never called");
}

// ---- task 3: the bookkeeper ----------------------------------------------

/// What the test sees of the bookkeeper, from inside `tally`, and what
/// the test's runner took off the belt. Atomics, not a lock: a bookkeeper
/// waiting for the test's lock would be asleep, and read as stuck.
#[derive(Default)]
struct Watch {
    /// How many calls to `tally` have begun.
    tallies: AtomicUsize,
    /// How many calls to `tally` have returned.
    tallied: AtomicUsize,
    /// The kernel's id of the thread that began the latest `tally`
    /// (`u64::MAX` before the first), for the checker to look at.
    thread: AtomicU64,
    /// The bookkeeper is done: it dropped its `tally`.
    done: AtomicBool,
    /// Results the test's runner took off the belt.
    taken: AtomicUsize,
}

type Watched = Arc<Watch>;

fn new_watch() -> Watched {
    let watch = Watched::default();
    watch.thread.store(u64::MAX, Ordering::SeqCst);
    watch
}

/// Wraps the test's `tally` so that [`until_stuck`] can follow the
/// bookkeeper.
fn watched(
    watch: &Watched,
    mut tally: impl FnMut(u32) -> u32 + Send + 'static,
) -> impl FnMut(u32) -> u32 + Send + 'static {
    struct Done(Watched);
    impl Drop for Done {
        fn drop(&mut self) {
            self.0.done.store(true, Ordering::SeqCst);
        }
    }
    let done = Done(watch.clone());
    move |order| {
        let w = &done.0;
        let thread = harness::observe::current_thread().unwrap_or(u64::MAX);
        w.thread.store(thread, Ordering::SeqCst);
        w.tallies.fetch_add(1, Ordering::SeqCst);
        let result = tally(order);
        w.tallied.fetch_add(1, Ordering::SeqCst);
        result
    }
}

/// Waits until the bookkeeper cannot go on before the test's runner takes
/// a result: it is done, or its thread is asleep outside `tally` (waiting
/// for room on the belt, or, in a bookkeeper that reserves its room
/// before it tallies, for room to reserve).
///
/// Asleep is the kernel's word, read by the checker from outside this
/// process (`harness::observe`): a thread the machine has not run for a
/// while is ready to run, not asleep, so a bookkeeper that is merely slow
/// is waited for, however slow. Meanwhile nobody takes anything off the
/// belt, so a correct bookkeeper begins at most `belt + 1` tallies beyond
/// what the runner took: one per result on the full belt, and the one
/// whose result waits for room. A bookkeeper that begins one more has put
/// a result nowhere (`try_send` on a full belt): that is the `Err`
/// returned, in every interleaving of the threads.
///
/// Without the checker's observer (an author at a shell, Windows), and
/// before the first tally (no result can be lost yet), stuck means that
/// no tally began for a quiet spell instead. The wait runs on a
/// blocking-pool thread: the runtime stays free for the bookkeeper, the
/// clock held.
async fn until_stuck(watch: &Watched, belt: usize) -> Result<(), String> {
    const QUIET: std::time::Duration = std::time::Duration::from_millis(10);
    let watch = watch.clone();
    tokio::task::spawn_blocking(move || {
        let mut seen = usize::MAX;
        let mut since = std::time::Instant::now();
        loop {
            let begun = watch.tallies.load(Ordering::SeqCst);
            let taken = watch.taken.load(Ordering::SeqCst);
            if begun > taken + belt + 1 {
                return Err(format!(
                    "with {belt} results on the belt and nothing more taken off it, the \
                     bookkeeper began tallying order #{}: result #{} went nowhere. A \
                     bookkeeper waits while the belt is full (`blocking_send`); `try_send` \
                     gives the result up.",
                    taken + belt + 2,
                    taken + belt + 1
                ));
            }
            if watch.done.load(Ordering::SeqCst) {
                return Ok(());
            }
            let thread = watch.thread.load(Ordering::SeqCst);
            let outside = watch.tallied.load(Ordering::SeqCst) == begun;
            let asleep = (thread != u64::MAX)
                .then(|| harness::observe::asleep(thread))
                .flatten();
            match asleep {
                // Asleep outside `tally`, and no tally began meanwhile.
                Some(true) if outside && watch.tallies.load(Ordering::SeqCst) == begun => {
                    return Ok(());
                }
                Some(_) => {}
                None => {
                    if begun != seen {
                        seen = begun;
                        since = std::time::Instant::now();
                    }
                    if since.elapsed() >= QUIET {
                        return Ok(());
                    }
                }
            }
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
    })
    .await
    .unwrap_or(Ok(()))
}

/// Takes the next result off the belt once the bookkeeper is stuck; fails
/// the test if it put a result nowhere meanwhile.
async fn take(belt: &mut mpsc::Receiver<u32>, watch: &Watched) -> Option<u32> {
    if let Err(why) = until_stuck(watch, belt.max_capacity()).await {
        fail(why);
    }
    let got = belt.recv().await;
    watch
        .taken
        .fetch_add(usize::from(got.is_some()), Ordering::SeqCst);
    got
}

/// What the test's `tally` saw, shared with the bookkeeper's thread.
#[derive(Default)]
struct Ledger {
    tallied: Vec<u32>,
    on_runtime_thread: bool,
}

/// Once the bookkeeper is stuck, takes every result on the belt (at least
/// one, waiting for it if need be); `None` once the belt is closed and
/// empty. Fails the test if the bookkeeper put a result nowhere.
async fn take_batch(belt: &mut mpsc::Receiver<u32>, watch: &Watched) -> Option<Vec<u32>> {
    if let Err(why) = until_stuck(watch, belt.max_capacity()).await {
        fail(why);
    }
    let mut batch = Vec::new();
    // Counted one by one, as each leaves the belt: the count trails the
    // belt by at most one result.
    while let Ok(r) = belt.try_recv() {
        batch.push(r);
        watch.taken.fetch_add(1, Ordering::SeqCst);
    }
    if batch.is_empty() {
        batch.push(belt.recv().await?);
        watch.taken.fetch_add(1, Ordering::SeqCst);
    }
    Some(batch)
}

/// Reads the belt to the end, a full belt at a time (see [`take_batch`]).
/// Waits only on the belt and the bookkeeper, never on the clock.
async fn read_all(belt: &mut mpsc::Receiver<u32>, watch: &Watched) -> Vec<u32> {
    let mut got = Vec::new();
    while let Some(batch) = take_batch(belt, watch).await {
        got.extend(batch);
    }
    got
}

async fn bookkeeper_returns_at_once_and_tallies_off_the_runtime() {
    let _hold = hold_clock();
    let runtime = std::thread::current().id();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    // The first tally waits until the test lets it go, which it does only
    // after start_bookkeeper has returned: waiting for a tally there would
    // never end (the checker stops it at its real-time deadline).
    let (go, gate) = std::sync::mpsc::channel::<()>();
    let gate = Mutex::new(gate);
    let seen = ledger.clone();
    let tally = move |order: u32| {
        let on_runtime = std::thread::current().id() == runtime;
        {
            let mut l = seen.lock().unwrap();
            l.tallied.push(order);
            l.on_runtime_thread |= on_runtime;
        }
        if order == 1 && !on_runtime {
            let _ = gate.lock().unwrap().recv();
        }
        order + 100
    };
    let watch = new_watch();
    let mut belt = start_bookkeeper(vec![1, 2, 3, 4], 2, watched(&watch, tally));
    let _ = go.send(());
    let got = read_all(&mut belt, &watch).await;
    if ledger.lock().unwrap().on_runtime_thread {
        fail(
            "`tally` ran on the runtime's thread: slow synchronous work there stops every task. \
             Run the bookkeeper with `tokio::task::spawn_blocking` (or a `std::thread`).",
        );
    }
    expect_eq!(
        got,
        vec![101, 102, 103, 104],
        "the belt carries tally(order) for every order, in order, none dropped: \
         `blocking_send` waits for room on a full belt, `try_send` gives the result up"
    );
}

async fn bookkeeper_streams_every_result_in_order() {
    let _hold = hold_clock();
    let count = vary::count(40u32, 10..=80);
    let size = vary::count(3usize, 1..=6);
    let orders: Vec<u32> = (1..=count).collect();
    let watch = new_watch();
    let mut belt = start_bookkeeper(
        orders.clone(),
        size,
        watched(&watch, |order| order * order + 1),
    );
    expect_eq!(
        belt.max_capacity(),
        size,
        "the belt holds `belt_size` results: make it with `mpsc::channel(belt_size)`"
    );
    let got = read_all(&mut belt, &watch).await;
    if got.len() < orders.len() {
        // How many arrived depends on how the bookkeeper's thread and the
        // runtime interleave, so the message does not say: it must read
        // the same in every run.
        fail(format!(
            "the belt closed before all {} results arrived: the bookkeeper stopped early or \
             dropped results. Did it panic? (`blocking_send` inside async code panics; the \
             output shows the panic.) Did it use `try_send`, which turns a result away when \
             the belt is full?",
            orders.len()
        ));
    }
    expect_eq!(
        got,
        orders.iter().map(|o| o * o + 1).collect::<Vec<u32>>(),
        "the belt carries tally(order) for each of the {count} orders, in order, and closes \
         after the last one (a `recv` that returns `None`)"
    );
}

async fn bookkeeper_waits_while_the_belt_is_full() {
    let _hold = hold_clock();
    const BELT: usize = 2;
    // The test's runner counts what it took (`Watch::taken`); each tally
    // checks that the bookkeeper is not further ahead than a full belt
    // allows, also while the runner empties the belt. The count can lag
    // one result behind the belt (taken, not yet counted), hence the
    // `+ 1`: a correct bookkeeper never trips this in any interleaving.
    let watch = new_watch();
    let ahead = Arc::new(AtomicUsize::new(0));
    let (seen, seen_ahead) = (watch.clone(), ahead.clone());
    let tally = move |order: u32| {
        let done_before = order as usize - 1;
        let lead = done_before.saturating_sub(seen.taken.load(Ordering::SeqCst));
        seen_ahead.fetch_max(lead, Ordering::SeqCst);
        order
    };
    let mut belt = start_bookkeeper((1..=60).collect(), BELT, watched(&watch, tally));
    let mut got = Vec::new();
    while let Some(batch) = take_batch(&mut belt, &watch).await {
        got.extend(batch);
    }
    let lead = ahead.load(Ordering::SeqCst);
    if lead > BELT + 1 {
        fail(format!(
            "the bookkeeper tallied more than {} orders beyond what the runner had taken, \
             with a belt of {BELT}: it must wait while the belt is full (`blocking_send`), not \
             queue results somewhere else (how far ahead it got depends on the threads' \
             timing, so this message does not say)",
            BELT + 1
        ));
    }
    expect_eq!(
        got,
        (1..=60).collect::<Vec<u32>>(),
        "no result may be lost while the belt is full: wait with `blocking_send` instead of \
         giving up with `try_send`"
    );
}

async fn bookkeeper_stops_when_the_receiver_is_dropped() {
    let _hold = hold_clock();
    // The tally closure lives on the bookkeeper's thread; it is dropped
    // when the bookkeeper is done, which tells the test that it stopped.
    struct Finished(Option<oneshot::Sender<()>>);
    impl Drop for Finished {
        fn drop(&mut self) {
            if let Some(tx) = self.0.take() {
                let _ = tx.send(());
            }
        }
    }
    let (finished_tx, finished) = oneshot::channel();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let marker = Finished(Some(finished_tx));
    let tally = move |order: u32| {
        let _keep = &marker;
        counted.fetch_add(1, Ordering::SeqCst);
        order
    };
    const BELT: usize = 2;
    let watch = new_watch();
    let mut belt = start_bookkeeper((1..=50).collect(), BELT, watched(&watch, tally));
    // How many tallies a wrong bookkeeper makes depends on how its thread
    // and the runtime interleave: the messages do not say, so that they
    // read the same in every run.
    for want in 1..=3 {
        if take(&mut belt, &watch).await != Some(want) {
            fail(
                "the first three results on the belt must be 1, 2 and 3, in order, and one \
                 was missing: the bookkeeper dropped a result. `try_send` turns it away when \
                 the belt is full; `blocking_send` waits for room.",
            );
        }
    }
    drop(belt);
    let _ = finished.await;
    let tallied = calls.load(Ordering::SeqCst);
    // 3 taken + at most BELT on the belt + the one whose put failed.
    if tallied > 3 + BELT + 1 {
        fail(format!(
            "the runner left after 3 results, yet the bookkeeper tallied more than {} of \
             the 50 orders: `blocking_send` returns `Err` once the receiver is dropped; stop \
             then instead of tallying for nobody",
            3 + BELT + 1
        ));
    }
}

// ---- task 4: porters -----------------------------------------------------

/// What the test's `carry` records: when each sack was picked up, and how
/// many were carried at once.
#[derive(Default)]
struct Yard {
    started: BTreeMap<u32, u64>,
    carrying: usize,
    most: usize,
}

fn recording_carry(
    yard: Arc<Mutex<Yard>>,
    start: Instant,
    how_long: fn(u32) -> u64,
) -> impl Fn(u32) -> std::pin::Pin<Box<dyn Future<Output = u32> + Send>> + Send + Sync + 'static {
    move |item| {
        let yard = yard.clone();
        Box::pin(async move {
            {
                let mut y = yard.lock().unwrap();
                y.started.insert(item, ms_since(start));
                y.carrying += 1;
                y.most = y.most.max(y.carrying);
            }
            sleep(Duration::from_millis(how_long(item))).await;
            yard.lock().unwrap().carrying -= 1;
            item * 10
        })
    }
}

fn closed_belt(items: impl IntoIterator<Item = u32>) -> mpsc::Receiver<u32> {
    let items: Vec<u32> = items.into_iter().collect();
    let (tx, rx) = mpsc::channel(items.len().max(1));
    for i in items {
        tx.try_send(i).unwrap();
    }
    rx
}

async fn porters_carry_every_sack_once() {
    let start = Instant::now();
    let yard = Arc::new(Mutex::new(Yard::default()));
    let (tx, belt) = mpsc::channel(2);
    let sacks = vary::count(12u32, 6..=24);
    let dock = async move {
        for item in 1..=sacks {
            sleep(Duration::from_millis(5)).await;
            if tx.send(item).await.is_err() {
                fail(
                    "the porters dropped the belt before it was closed: keep taking sacks \
                     until `recv()` returns `None`",
                );
            }
        }
    };
    let (mut results, ()) = tokio::join!(
        run_porters(belt, 3, recording_carry(yard.clone(), start, |_| 12)),
        dock
    );
    results.sort_unstable();
    expect_eq!(
        results,
        (1..=sacks).map(|i| i * 10).collect::<Vec<u32>>(),
        "run_porters returns carry(sack) for each of the {sacks} sacks exactly once"
    );
    let done = u64::from(sacks) * 5 + 12;
    expect_eq!(
        ms_since(start),
        done,
        "sacks arrive every 5 ms and take 12 ms, three porters: each sack is picked up \
         at once and the last is done at {done} ms, when run_porters returns. Later means sacks \
         waited for a porter: is the belt's lock held while a porter carries? Earlier means \
         run_porters returned before every porter was done"
    );
}

async fn porters_pick_up_a_sack_as_soon_as_one_is_free() {
    let start = Instant::now();
    let yard = Arc::new(Mutex::new(Yard::default()));
    // Sack 1 is heavy (60 ms), the others light (10 ms).
    let carry = recording_carry(yard.clone(), start, |c| if c == 1 { 60 } else { 10 });
    let mut results = run_porters(closed_belt(1..=7), 3, carry).await;
    results.sort_unstable();
    expect_eq!(
        results,
        vec![10, 20, 30, 40, 50, 60, 70],
        "every sack is carried once"
    );
    let y = yard.lock().unwrap();
    expect_eq!(
        y.started.clone(),
        BTreeMap::from([(1, 0), (2, 0), (3, 0), (4, 10), (5, 10), (6, 20), (7, 20)]),
        "sack → ms when it was picked up. Three porters: sacks 1-3 at once; while one \
         porter carries the heavy sack 1, the other two keep taking sacks as soon as they \
         are free. Is a porter holding the belt's lock while carrying (release it before \
         `carry`), or are sacks handed out in turns instead of from one shared belt?"
    );
    expect_eq!(
        y.most,
        3,
        "three porters carry three sacks at once at the start"
    );
    expect_eq!(
        ms_since(start),
        60,
        "run_porters returns when the heavy sack is done, at 60 ms"
    );
}

async fn porters_never_carry_more_than_their_number() {
    let start = Instant::now();
    let yard = Arc::new(Mutex::new(Yard::default()));
    let carry = recording_carry(yard.clone(), start, |_| 10);
    let results = run_porters(closed_belt(1..=10), 2, carry).await;
    expect_eq!(results.len(), 10, "every sack is carried");
    expect_eq!(
        yard.lock().unwrap().most,
        2,
        "two porters carry at most two sacks at the same time (one task per sack is not a \
         pool: start exactly `porters` porters)"
    );
    expect_eq!(
        ms_since(start),
        50,
        "ten 10 ms sacks shared by two porters take 50 ms"
    );
}

// ---- task 5: the tray ----------------------------------------------------

async fn tray_takes_what_is_waiting_up_to_a_full_tray() {
    let trips = Rc::new(RefCell::new(Vec::new()));
    let record = trips.clone();
    let (dishes, tray) = (vary::count(7u32, 4..=20), vary::count(3usize, 2..=5));
    let count = tray_runner(closed_belt(1..=dishes), tray, move |trip| {
        record.borrow_mut().push(trip)
    })
    .await;
    let all: Vec<u32> = (1..=dishes).collect();
    let expected: Vec<Vec<u32>> = all.chunks(tray).map(<[u32]>::to_vec).collect();
    let sizes: Vec<String> = expected.iter().map(|t| t.len().to_string()).collect();
    let sizes = match sizes.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => sizes.join(""),
    };
    expect_eq!(
        *trips.borrow(),
        expected,
        "{dishes} dishes waiting and a tray of {tray}: trips of {sizes}, in belt order (each \
         trip a fresh batch: `recv_many` appends to the Vec you give it)"
    );
    expect_eq!(
        count,
        expected.len(),
        "tray_runner returns the number of trips"
    );
}

async fn tray_never_waits_to_fill_up() {
    let log = Log::new();
    let (tx, belt) = mpsc::channel(8);
    let serve = {
        let log = log.clone();
        move |trip: Vec<u32>| log.event("runner", format!("serves a trip of {trip:?}"))
    };
    let kitchen = async move {
        for (at, dishes) in [(0u64, 1..=2u32), (10, 3..=7), (20, 8..=8)] {
            if at > 0 {
                sleep(Duration::from_millis(10)).await;
            }
            for d in dishes.clone() {
                if tx.try_send(d).is_err() {
                    fail(
                        "the runner dropped the belt before it was closed: keep making trips \
                         until `recv_many` returns 0",
                    );
                }
            }
            log.event(
                "kitchen",
                format!("puts dishes {:?} on the belt", dishes.collect::<Vec<_>>()),
            );
        }
        sleep(Duration::from_millis(10)).await;
        log.event("kitchen", "closes the belt");
        log
    };
    let (count, log) = tokio::join!(tray_runner(belt, 3, serve), kitchen);
    snapshot(
        "tray_never_waits_to_fill_up",
        &log.render(),
        "a trip takes what is waiting, up to 3 dishes, as soon as one dish is there: it never \
         waits for the tray to fill, and each trip is a fresh batch (`recv_many` appends to \
         the Vec it is given)",
    );
    expect_eq!(
        count,
        4,
        "trips: [1, 2] at 0 ms, [3, 4, 5] and [6, 7] at 10 ms, [8] at 20 ms"
    );
}

async fn tray_runner_with_a_closed_empty_belt() {
    let (tx, belt) = mpsc::channel::<u32>(2);
    drop(tx);
    let calls = Rc::new(Cell::new(0));
    let count_calls = calls.clone();
    let trips = tray_runner(belt, 4, move |_| count_calls.set(count_calls.get() + 1)).await;
    expect_eq!(trips, 0, "a closed, empty belt means no trip");
    expect_eq!(calls.get(), 0, "`serve` is never called with an empty trip");
}

// ---- task 6: the fridge thermometer -------------------------------------

async fn thermometer_reports_from_a_plain_thread() {
    let (thermometer, mut gauge) = fridge();
    // The reporting thread runs on the blocking pool, so the clock stands
    // still until it is done (see the top of this file).
    let thermometer = tokio::task::spawn_blocking(move || {
        for celsius in -500..500 {
            thermometer.report(celsius);
        }
        thermometer
    })
    .await
    .unwrap_or_else(|e| rethrow(e));
    expect_eq!(
        gauge.next_reading().await,
        Some(499),
        "a thousand readings arrived while nobody read: the gauge returns the latest one"
    );
    drop(thermometer);
}

async fn report_never_fails_without_a_gauge() {
    let (thermometer, gauge) = fridge();
    drop(gauge);
    // Nobody reads any more: a reading must still be accepted quietly.
    thermometer.report(3);
    thermometer.report(4);
}

async fn gauge_returns_only_the_latest_reading() {
    let (thermometer, mut gauge) = fridge();
    let first = vary::count(4u32, 5..=30) as i32;
    let latest = first + 2;
    for celsius in first..=latest {
        thermometer.report(celsius);
    }
    expect_eq!(
        gauge.next_reading().await,
        Some(latest),
        "three readings, none read yet: a new reading replaces an unread one, so the gauge \
         returns {latest} (a queue would return the oldest, {first})"
    );
    let mut next = mock_task(gauge.next_reading());
    if let Poll::Ready(r) = next.poll() {
        fail(format!(
            "the gauge returned {r:?} again, but {latest} was already returned and nothing new \
             was reported: wait for a reading not returned yet"
        ));
    }
    drop(next);
    drop(thermometer);
}

async fn gauge_waits_for_a_new_reading() {
    let (thermometer, mut gauge) = fridge();
    let mut next = mock_task(gauge.next_reading());
    if let Poll::Ready(r) = next.poll() {
        fail(format!(
            "the gauge returned {r:?} before any reading was reported: wait for one"
        ));
    }
    thermometer.report(-18);
    if !next.is_woken() {
        fail("a reading was reported, but the waiting gauge was not woken");
    }
    match next.poll() {
        Poll::Ready(r) => expect_eq!(r, Some(-18), "the gauge returns the new reading"),
        Poll::Pending => fail("a reading was reported, but the gauge is still waiting"),
    }
}

async fn gauge_ends_when_the_thermometer_is_gone() {
    let (thermometer, mut gauge) = fridge();
    thermometer.report(2);
    drop(thermometer);
    expect_eq!(
        gauge.next_reading().await,
        Some(2),
        "the thermometer is gone, but its last reading was not returned yet"
    );
    let mut next = mock_task(gauge.next_reading());
    match next.poll() {
        Poll::Ready(r) => expect_eq!(
            r,
            None,
            "the thermometer is gone and its last reading was returned: `None`"
        ),
        Poll::Pending => fail(
            "the thermometer is gone and its last reading was returned, but the gauge still \
             waits: return `None` when no reading can come any more",
        ),
    }
    drop(next);
    let (thermometer, mut gauge) = fridge();
    drop(thermometer);
    match mock_task(gauge.next_reading()).poll() {
        Poll::Ready(r) => expect_eq!(r, None, "a thermometer dropped without reporting: `None`"),
        Poll::Pending => fail(
            "the thermometer was dropped without reporting, but the gauge still waits: \
             return `None`",
        ),
    }
}
