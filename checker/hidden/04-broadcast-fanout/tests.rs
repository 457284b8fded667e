//! Hidden tests of exercise 04: broadcast fan-out.
//!
//! The test usually plays the head chef: it owns the `Sender` of the intercom,
//! calls out orders on a schedule and closes the intercom by dropping it. Every
//! capacity used where a lag matters is a power of two, so the expected
//! numbers of missed calls do not depend on tokio rounding capacities up.

use broadcast_fanout::*;
use harness::prelude::*;
use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Poll;

harness::tests! {
    1 => station_hears_every_order_in_order,
    1 => station_waits_until_every_chef_has_left,
    1 => station_hears_calls_left_on_a_closed_intercom,
    1 => station_ends_when_the_intercom_closes_while_it_waits,
    2 => call_out_reaches_every_station,
    2 => call_out_with_nobody_listening,
    2 => call_out_timeline,
    3 => kitchen_every_station_hears_every_order,
    3 => kitchen_with_a_long_service,
    3 => kitchen_with_no_stations,
    3 => kitchen_with_no_orders,
    4 => slow_station_counts_the_calls_it_missed,
    4 => slow_station_keeps_listening_after_a_lag,
    4 => slow_station_keeps_up_when_it_can,
    4 => slow_station_rush_timeline,
}

const DISHES: [&str; 5] = ["soup", "steak", "fries", "salad", "tart"];

fn order(number: u32) -> Order {
    Order {
        number,
        dish: DISHES[number as usize % DISHES.len()],
    }
}

fn orders(numbers: impl IntoIterator<Item = u32>) -> Vec<Order> {
    numbers.into_iter().map(order).collect()
}

fn numbers(orders: &[Order]) -> Vec<u32> {
    orders.iter().map(|o| o.number).collect()
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic with a non-string payload)".to_string()
    }
}

/// Awaits `fut`, turning a panic of the code under test into a failure
/// that explains it (`why` is followed by the panic message). A `todo!()`
/// still counts as "not started": the checker sees that panic first.
async fn without_panic<T>(fut: impl Future<Output = T>, why: &str) -> T {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(
        |cx| match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(payload) => fail(format!("{why} The panic: {}", panic_text(&*payload))),
        },
    )
    .await
}

/// Explains a stall in terms of the chefs (Senders) the test still holds.
fn explain_open_intercom(intercom: &broadcast::Sender<Order>, who: &'static str) {
    let weak = intercom.downgrade();
    on_stall(move || {
        let alive = weak.strong_count();
        Some(if alive > 0 {
            format!(
                "{who} is still waiting for the next call: {alive} `Sender` of the intercom is \
                 still alive, so `recv()` cannot return `Err(RecvError::Closed)` yet."
            )
        } else {
            format!(
                "{who} never returned although every `Sender` is gone: once the last calls \
                 are heard, `recv()` returns `Err(RecvError::Closed)`, and that ends the shift."
            )
        })
    });
}

// ---- task 1: a station -------------------------------------------------

async fn station_hears_every_order_in_order() {
    let (intercom, calls) = broadcast::channel(16);
    explain_open_intercom(&intercom, "the station");
    // A test chef who calls slowly at first, then quickly, so that the
    // station sometimes waits for a call and sometimes has several queued.
    let last = vary::count(6u32, 4..=14);
    tokio::spawn(async move {
        for n in 1..=last {
            if n < 4 {
                sleep(Duration::from_millis(20)).await;
            }
            let _ = intercom.send(order(n));
        }
    });
    let heard = station(calls).await;
    expect_eq!(
        heard,
        orders(1..=last),
        "the station must return every order called after it subscribed, in the order called"
    );
}

async fn station_waits_until_every_chef_has_left() {
    let (chef, calls) = broadcast::channel(8);
    let sous_chef = chef.clone();
    explain_open_intercom(&chef, "the station");
    let mut task = mock_task(station(calls));
    let _ = chef.send(order(1));
    if let Poll::Ready(heard) = task.poll() {
        fail(format!(
            "the station returned {:?} while two chefs could still call: keep listening until \
             `recv()` returns `Err(RecvError::Closed)`.",
            numbers(&heard)
        ));
    }
    drop(chef);
    if let Poll::Ready(heard) = task.poll() {
        fail(format!(
            "the station returned {:?} when the first chef left, but the sous-chef can still \
             call: the intercom closes only when every `Sender` is gone.",
            numbers(&heard)
        ));
    }
    let _ = sous_chef.send(order(2));
    if !task.is_woken() {
        fail("a new call did not wake the station: is it waiting in `calls.recv().await`?");
    }
    let _ = sous_chef.send(order(3));
    drop(sous_chef);
    match task.poll() {
        Poll::Ready(heard) => expect_eq!(
            heard,
            orders(1..=3),
            "both chefs are gone: the station returns every order it heard, in order"
        ),
        Poll::Pending => fail(
            "every `Sender` is gone and the station heard every call, but it is still \
             waiting: stop when `recv()` returns `Err(RecvError::Closed)`.",
        ),
    }
}

async fn station_hears_calls_left_on_a_closed_intercom() {
    let last = vary::count(4u32, 1..=12);
    let (chef, calls) = broadcast::channel(last as usize);
    for n in 1..=last {
        let _ = chef.send(order(n));
    }
    // The head chef leaves before the station listens: the calls stay on the intercom.
    drop(chef);
    let heard = station(calls).await;
    expect_eq!(
        heard,
        orders(1..=last),
        "the head chef called orders 1..={last} and then left: a closed intercom still delivers \
         the calls waiting on it, and `recv()` says `Closed` only after the last one"
    );
}

async fn station_ends_when_the_intercom_closes_while_it_waits() {
    let (chef, calls) = broadcast::channel(4);
    let mut task = mock_task(station(calls));
    let _ = chef.send(order(1));
    if task.poll().is_ready() {
        fail("the station returned while the head chef could still call: keep listening.");
    }
    // The station has heard order 1 and waits in `recv()` for the next
    // call; the head chef leaves instead of calling.
    drop(chef);
    if !task.is_woken() {
        fail(
            "the head chef left while the station waited for the next call, and the station was not \
             woken: is it waiting in `calls.recv().await`?",
        );
    }
    for _ in 0..3 {
        if let Poll::Ready(heard) = task.poll() {
            expect_eq!(
                heard,
                orders(1..=1),
                "the intercom closed while the station waited: it returns the one order it heard"
            );
            return;
        }
    }
    fail(
        "the head chef left while the station waited in `recv()`, and the station did not end its \
         shift: `recv()` now returns `Err(RecvError::Closed)` every time, and nothing can ever \
         come again. `Closed` must end the loop (only `Lagged` means \"keep listening\").",
    );
}

// ---- task 2: call_out ----------------------------------------------------

/// Calls `call_out`, explaining a panic (the usual one: `unwrap()` on the
/// `Err` that `send` returns when nobody listens).
fn guarded_call_out(intercom: &broadcast::Sender<Order>, order: Order) -> usize {
    let nobody = intercom.receiver_count() == 0;
    match catch_unwind(AssertUnwindSafe(|| call_out(intercom, order))) {
        Ok(n) => n,
        Err(payload) if nobody => fail(format!(
            "`call_out` panicked when no station was listening. With no receiver, \
             `send` returns `Err(SendError(order))`: that is an unheard call, not a bug. \
             Handle it and return 0 instead of `unwrap()`ing. The panic: {}",
            panic_text(&*payload)
        )),
        Err(payload) => fail(format!(
            "`call_out` panicked with {} station(s) listening. The panic: {}",
            intercom.receiver_count(),
            panic_text(&*payload)
        )),
    }
}

async fn call_out_reaches_every_station() {
    let (intercom, mut grill) = broadcast::channel(4);
    let mut fryer = intercom.subscribe();
    let pastry = intercom.subscribe();
    let (first, second) = (vary::count(1u32, 1..=60), vary::count(2u32, 61..=120));
    expect_eq!(
        guarded_call_out(&intercom, order(first)),
        3,
        "three stations listen at the intercom: `send` returns `Ok(3)`"
    );
    expect_eq!(
        grill.try_recv().ok(),
        Some(order(first)),
        "the grill must hear order {first}"
    );
    expect_eq!(
        fryer.try_recv().ok(),
        Some(order(first)),
        "the fryer must hear order {first}"
    );
    drop(pastry);
    expect_eq!(
        guarded_call_out(&intercom, order(second)),
        2,
        "the pastry station left (its receiver was dropped): two stations are listening"
    );
    expect_eq!(
        grill.try_recv().ok(),
        Some(order(second)),
        "the grill must hear order {second}"
    );
    expect_eq!(
        fryer.try_recv().ok(),
        Some(order(second)),
        "the fryer must hear order {second}"
    );
}

async fn call_out_with_nobody_listening() {
    let (intercom, first) = broadcast::channel(4);
    drop(first);
    let heard_by = guarded_call_out(&intercom, order(1));
    expect_eq!(
        heard_by,
        0,
        "no station is listening, so nobody heard the call"
    );
    let mut late = intercom.subscribe();
    expect_eq!(
        guarded_call_out(&intercom, order(2)),
        1,
        "a station has joined since: it is the one listener"
    );
    expect_eq!(
        late.try_recv().ok(),
        Some(order(2)),
        "the station that joined late hears the next call (and never the unheard one)"
    );
}

async fn call_out_timeline() {
    let log = Log::new();
    let (intercom, first) = broadcast::channel(8);
    drop(first);
    let step = Duration::from_millis(100);
    let call = |n: u32| {
        let heard_by = match guarded_call_out(&intercom, order(n)) {
            0 => "nobody listening, the call goes unheard".to_string(),
            1 => "1 station listening".to_string(),
            n => format!("{n} stations listening"),
        };
        log.event("chef", format!("calls order {n}: {heard_by}"));
    };
    let hear_all = |name: &str, calls: &mut broadcast::Receiver<Order>| loop {
        match calls.try_recv() {
            Ok(o) => log.event(name, format!("hears order {}: {}", o.number, o.dish)),
            Err(broadcast::error::TryRecvError::Empty) => {
                log.event(name, "nothing more to hear for now");
                break;
            }
            Err(broadcast::error::TryRecvError::Closed) => {
                log.event(name, "the intercom is closed");
                break;
            }
            Err(broadcast::error::TryRecvError::Lagged(n)) => {
                log.event(name, format!("missed {n} call(s)"));
            }
        }
    };

    call(1);
    sleep(step).await;
    let mut grill = intercom.subscribe();
    log.event("grill", "joins the intercom");
    call(2);
    sleep(step).await;
    let mut pastry = intercom.subscribe();
    log.event("pastry", "joins the intercom");
    call(3);
    sleep(step).await;
    hear_all("grill", &mut grill);
    drop(grill);
    log.event("grill", "leaves the intercom");
    call(4);
    sleep(step).await;
    drop(intercom);
    log.event("chef", "leaves: the intercom is closed");
    hear_all("pastry", &mut pastry);
    snapshot(
        "call_out_timeline",
        &log.render(),
        "`call_out` returns how many stations listened when the call went out (0 when \
         nobody listened, without panicking); a station hears only the calls made after it \
         joined",
    );
}

// ---- task 3: open_kitchen ----------------------------------------------

fn explain_kitchen_stall() {
    on_stall(|| {
        Some(
            "the service never ended: every task was waiting and nothing could wake them. \
             A station returns only when the intercom is closed, so either a `Sender` is still \
             alive (kept in `open_kitchen` while awaiting the stations, or cloned into a \
             station's task to subscribe there), or a station was awaited before the head chef \
             called out the orders and dropped the intercom."
                .to_string(),
        )
    });
}

/// Explains why a station did not hear exactly `called`.
fn diagnose_station(i: usize, heard: &[Order], called: &[Order]) -> String {
    let heard_n = numbers(heard);
    let called_n = numbers(called);
    let prefix =
        format!("station {i} heard orders {heard_n:?} but the head chef called {called_n:?}: ");
    if heard_n.is_empty() && !called_n.is_empty() {
        prefix
            + "it missed the first calls, all of them. A receiver only hears what is sent \
               after it subscribed: call `intercom.subscribe()` for every station before the \
               first `call_out`, not inside the spawned station task (which first runs after \
               the head chef has called)."
    } else if heard_n.len() < called_n.len() && called_n.ends_with(&heard_n) {
        prefix
            + "it missed the first calls. Either it subscribed after the head chef had started \
               calling (call `intercom.subscribe()` for every station before the first \
               `call_out`), or the intercom was too small and the station fell behind: the head chef \
               never waits, so the intercom needs one slot per order, as the contract says."
    } else if heard_n.len() < called_n.len() {
        prefix
            + "calls are missing in the middle or at the end, so the station fell behind \
               (lagged) or stopped early. Open the intercom with room for every order, \
               one slot per order, and listen until `Closed`."
    } else {
        prefix + "each station must hear each call exactly once, in the order called."
    }
}

async fn check_kitchen(stations: usize, called: Vec<Order>, why_panic: &str) {
    explain_kitchen_stall();
    let heard = without_panic(open_kitchen(stations, called.clone()), why_panic).await;
    expect_eq!(
        heard.len(),
        stations,
        "`open_kitchen({stations}, ..)` must return one list of orders per station"
    );
    for (i, station_heard) in heard.iter().enumerate() {
        expect_eq!(
            station_heard,
            &called,
            "{}",
            diagnose_station(i, station_heard, &called)
        );
    }
}

/// "five", "twenty": how the published tests name their order counts.
fn in_words(n: u32) -> String {
    match n {
        3 => "three".to_string(),
        5 => "five".to_string(),
        20 => "twenty".to_string(),
        n => n.to_string(),
    }
}

async fn kitchen_every_station_hears_every_order() {
    let (stations, last) = (vary::count(3usize, 1..=6), vary::count(5u32, 1..=12));
    let why = format!(
        "`open_kitchen({stations}, {} orders)` panicked.",
        in_words(last)
    );
    check_kitchen(stations, orders(1..=last), &why).await;
}

async fn kitchen_with_a_long_service() {
    let last = vary::count(20u32, 10..=40);
    let why = format!("`open_kitchen(2, {} orders)` panicked.", in_words(last));
    check_kitchen(2, orders(1..=last), &why).await;
}

async fn kitchen_with_no_stations() {
    let last = vary::count(3u32, 1..=8);
    let why = format!(
        "`open_kitchen(0, {} orders)` panicked. With no station listening, every call \
         goes unheard and `send` returns `Err`: `call_out` must handle it (return 0), \
         not `unwrap()` it.",
        in_words(last)
    );
    check_kitchen(0, orders(1..=last), &why).await;
}

async fn kitchen_with_no_orders() {
    check_kitchen(
        vary::count(2, 1..=5),
        Vec::new(),
        "`open_kitchen(2, no orders)` panicked. `broadcast::channel(0)` panics: open the \
         intercom with a capacity of at least 1, even with no orders.",
    )
    .await;
}

// ---- task 4: slow_station ----------------------------------------------

/// Compares a shift with the expected one and explains the difference.
fn expect_shift(actual: &Shift, heard: &[u32], missed: u64, situation: &str) {
    let got = (numbers(&actual.heard), actual.missed);
    let want = (heard.to_vec(), missed);
    if got == want {
        return;
    }
    let why = if actual.heard.len() < heard.len() && actual.missed == 0 {
        "the station stopped listening at its first lag. `Err(RecvError::Lagged(n))` is not \
         the end of the intercom: the station is still subscribed and its next `recv()` \
         returns the oldest call left. Only `Err(RecvError::Closed)` ends the shift \
         (`while let Ok(order) = calls.recv().await` stops at a lag)."
    } else if actual.heard.len() < heard.len() {
        "the station gave up after missing calls. A lag is not fatal: add `n` to `missed` \
         and keep listening; only `Err(RecvError::Closed)` ends the shift."
    } else if numbers(&actual.heard) == heard && actual.missed != missed {
        "the station heard the right calls but did not count what it missed: \
         add the `n` of every `Err(RecvError::Lagged(n))` to `missed`."
    } else {
        "(heard order numbers, missed) differ from what a station that spends `prep` on \
         each order it hears, and listens again right after, would report."
    };
    expect_eq!(got, want, "{situation}: {why}");
}

async fn slow_station_counts_the_calls_it_missed() {
    // An intercom of 2: the station's receiver exists from the start, but the
    // chef calls 5 orders before the station reads any, so orders 1, 2 and
    // 3 are overwritten before it gets to them.
    let (chef, calls) = broadcast::channel(2);
    let last = vary::count(5u32, 3..=12);
    for n in 1..=last {
        let _ = chef.send(order(n));
    }
    drop(chef);
    let shift = slow_station(calls, Duration::ZERO).await;
    let missed = last - 2;
    expect_shift(
        &shift,
        &[last - 1, last],
        missed.into(),
        &format!(
            "on an intercom holding 2 calls, orders 1..={last} were called before the station \
             read any of them (it was subscribed, just busy): it should report heard [{}, \
             {last}], missed {missed}",
            last - 1
        ),
    );
}

async fn slow_station_keeps_listening_after_a_lag() {
    let (chef, calls) = broadcast::channel(4);
    explain_open_intercom(&chef, "the slow station");
    let station = tokio::spawn(slow_station(calls, Duration::from_millis(5)));
    // Rush one: 7 calls at once on an intercom of 4 (orders 1..=3 are lost).
    for n in 1..=7 {
        let _ = chef.send(order(n));
    }
    sleep(Duration::from_millis(100)).await;
    // Rush two: 6 calls at once (orders 8 and 9 are lost).
    for n in 8..=13 {
        let _ = chef.send(order(n));
    }
    sleep(Duration::from_millis(100)).await;
    let _ = chef.send(order(14));
    drop(chef);
    let shift = match station.await {
        Ok(shift) => shift,
        Err(err) => fail(format!("the slow station's task failed: {err}")),
    };
    expect_shift(
        &shift,
        &[4, 5, 6, 7, 10, 11, 12, 13, 14],
        5,
        "two rushes on an intercom of 4: 7 calls, then 6 calls, then order 14 \
         (it should report heard [4, 5, 6, 7, 10, 11, 12, 13, 14], missed 3 + 2)",
    );
}

async fn slow_station_keeps_up_when_it_can() {
    let (chef, calls) = broadcast::channel(2);
    explain_open_intercom(&chef, "the slow station");
    let station = tokio::spawn(slow_station(calls, Duration::from_millis(20)));
    for n in 1..=5 {
        let _ = chef.send(order(n));
        sleep(Duration::from_millis(30)).await;
    }
    drop(chef);
    let shift = match station.await {
        Ok(shift) => shift,
        Err(err) => fail(format!("the slow station's task failed: {err}")),
    };
    expect_shift(
        &shift,
        &[1, 2, 3, 4, 5],
        0,
        "a call every 30 ms, 20 ms of prep per order: the station keeps up and misses nothing",
    );
}

async fn slow_station_rush_timeline() {
    let log = Log::new();
    let (chef, calls) = broadcast::channel(4);
    explain_open_intercom(&chef, "the slow station");
    // Prep takes 27 ms and a call comes every 10 ms, so the station's wake-ups
    // (multiples of 27 ms) never coincide with a call (multiples of 10 ms).
    let station = tokio::spawn(slow_station(calls, Duration::from_millis(27)));
    for n in 1..=12 {
        let heard_by = chef.send(order(n)).unwrap_or(0);
        log.event(
            "chef",
            format!(
                "calls order {n} ({heard_by} listening, {} unheard on the intercom of 4)",
                chef.len()
            ),
        );
        sleep(Duration::from_millis(10)).await;
    }
    drop(chef);
    log.event("chef", "leaves: the intercom is closed");
    let shift = match station.await {
        Ok(shift) => shift,
        Err(err) => fail(format!("the slow station's task failed: {err}")),
    };
    log.event(
        "station",
        format!(
            "shift over: heard {:?}, missed {}",
            numbers(&shift.heard),
            shift.missed
        ),
    );
    expect_shift(
        &shift,
        &[1, 2, 3, 6, 8, 9, 10, 11, 12],
        3,
        "a call every 10 ms, 27 ms of prep per order, an intercom of 4",
    );
    snapshot(
        "slow_station_rush_timeline",
        &log.render(),
        "the head chef never waits for the slow station: the intercom fills up to 4 unheard calls \
         and older calls are lost for the station, which skips them and carries on until \
         the intercom is closed and empty",
    );
}
