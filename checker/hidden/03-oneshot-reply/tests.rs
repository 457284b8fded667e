//! Hidden tests of exercise 03: oneshot reply (request/response, actors).
//!
//! Each side of the pattern is tested against a counterpart the test writes
//! itself: the learner's keeper gets orders made by the test, the learner's
//! handle talks to a scripted keeper. So a mistake on one side costs only
//! the tasks of that side. Calls that could panic in the learner's code are
//! wrapped in `caught` so that a panic becomes an explanation, not a crash.

use harness::prelude::*;
use oneshot_reply::*;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

harness::tests! {
    1 => keeper_answers_orders_in_turn,
    1 => keeper_waits_for_orders_and_closes_with_the_hatch,
    2 => handle_sends_one_order_per_call,
    2 => each_clone_gets_its_own_answer,
    2 => open_spawns_the_keeper,
    3 => closed_hatch_is_an_error,
    3 => dropped_slip_is_an_error,
    3 => keeper_leaving_with_an_order_in_the_hatch_is_an_error,
    4 => keeper_serves_the_next_waiter_after_one_left,
    4 => keeper_stays_open_after_a_waiter_left,
    5 => count_within_answers_as_soon_as_it_can,
    5 => count_within_gives_up_at_the_deadline,
    5 => count_within_reports_a_closed_pantry,
    5 => count_within_deadline_covers_a_full_hatch,
    5 => deadline_timeline,
}

// ---- helpers -------------------------------------------------------------

/// Polls a future and turns a panic inside it into `Err(message)`.
struct Caught<F: Future>(Option<Pin<Box<F>>>);

fn caught<F: Future>(fut: F) -> Caught<F> {
    Caught(Some(Box::pin(fut)))
}

impl<F: Future> Future for Caught<F> {
    type Output = Result<F::Output, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(fut) = self.0.as_mut() else {
            return Poll::Pending;
        };
        match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => {
                self.0 = None;
                Poll::Ready(Ok(v))
            }
            Err(payload) => {
                // Dropping the future releases what it held (its receiver,
                // its answer slips), as a panicking task would.
                self.0 = None;
                let msg = if let Some(s) = payload.downcast_ref::<&str>() {
                    s.to_string()
                } else if let Some(s) = payload.downcast_ref::<String>() {
                    s.clone()
                } else {
                    "a panic".to_string()
                };
                Poll::Ready(Err(msg))
            }
        }
    }
}

fn count_order(item: &str) -> (Order, oneshot::Receiver<u32>) {
    let (reply, answer) = oneshot::channel();
    let item = item.to_string();
    (Order::Count { item, reply }, answer)
}

fn store_order(item: &str, qty: u32) -> (Order, oneshot::Receiver<u32>) {
    let (reply, answer) = oneshot::channel();
    let item = item.to_string();
    (Order::Store { item, qty, reply }, answer)
}

fn shelves(pairs: &[(&str, u32)]) -> BTreeMap<String, u32> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn sorted(stock: Stock) -> BTreeMap<String, u32> {
    stock.into_iter().collect()
}

/// Explains a stall by the senders of the hatch that are still alive.
fn explain_open_hatch(hatch: &mpsc::Sender<Order>, who: &'static str) {
    let weak = hatch.downgrade();
    on_stall(move || {
        let alive = weak.strong_count();
        (alive > 0).then(|| {
            format!(
                "{who} is still waiting for orders: {alive} `Sender` of the hatch is still alive \
                 (inside a `Pantry` that was not dropped?), so `recv()` cannot return `None` and \
                 the keeper cannot go home."
            )
        })
    });
}

/// A keeper played by the test. It keeps no stock: it writes each order
/// down as a note ("count eggs", "store 6 eggs"), waits `delay`, answers
/// with whatever `answer` says for that note, and hands back its notes
/// once the hatch closes.
async fn scripted_keeper(
    mut hatch: mpsc::Receiver<Order>,
    mut answer: impl FnMut(&str) -> u32,
    delay: Duration,
) -> Vec<String> {
    let mut notes = Vec::new();
    loop {
        let Some(order) = hatch.recv().await else {
            return notes;
        };
        sleep(delay).await;
        let (note, slip) = match order {
            Order::Count { item, reply } => (format!("count {item}"), reply),
            Order::Store { item, qty, reply } => (format!("store {qty} {item}"), reply),
        };
        let _ = slip.send(answer(&note));
        notes.push(note);
    }
}

/// The answer of a scripted keeper for `item`, after `delay_ms(item)`.
/// Records for each answer whether the waiter was still waiting.
async fn slow_keeper(
    mut orders: mpsc::Receiver<Order>,
    answer: fn(&str) -> (u32, u64),
    log: Log,
) -> Vec<(String, bool)> {
    let mut answered = Vec::new();
    while let Some(order) = orders.recv().await {
        let Order::Count { item, reply } = order else {
            log.event("keeper", "got a Store order where a Count was expected");
            continue;
        };
        log.event("keeper", format!("takes the order for {item}"));
        let (n, delay_ms) = answer(&item);
        sleep(Duration::from_millis(delay_ms)).await;
        // Log before answering: whatever the waiter does next comes after.
        let waiting = !reply.is_closed();
        if waiting {
            log.event("keeper", format!("answers {item}: {n}"));
        } else {
            log.event(
                "keeper",
                format!("{item}: nobody waits, the answer is dropped"),
            );
        }
        let _ = reply.send(n);
        answered.push((item, waiting));
    }
    log.event("keeper", "hatch closed: goes home");
    answered
}

fn menu(item: &str) -> (u32, u64) {
    match item {
        "eggs" => (12, 100),
        "flour" => (3, 500),
        "butter" => (7, 50),
        "sugar" => (40, 400),
        _ => (0, 5000),
    }
}

fn panicked(what: &str, msg: &str, fix: &str) -> ! {
    fail(format!("{what} panicked (`{msg}`): {fix}"))
}

// ---- task 1: the keeper --------------------------------------------------

async fn keeper_answers_orders_in_turn() {
    let (tx, rx) = mpsc::channel(8);
    let (eggs, flour, saffron) = (
        vary::name("eggs"),
        vary::name("flour"),
        vary::name("saffron"),
    );
    let (first, more, bags) = (
        vary::count(6u32, 1..=30),
        vary::count(4u32, 1..=30),
        vary::count(2u32, 1..=30),
    );
    let total = first + more;
    let plan = [
        (
            store_order(&eggs, first),
            first,
            format!("store {first} {eggs} on empty shelves"),
        ),
        (
            count_order(&eggs),
            first,
            format!("count {eggs} after storing {first}"),
        ),
        (
            count_order(&saffron),
            0,
            format!("count {saffron}, never stored"),
        ),
        (
            store_order(&eggs, more),
            total,
            format!("store {more} more {eggs}"),
        ),
        (
            store_order(&flour, bags),
            bags,
            format!("store {bags} {flour}"),
        ),
        (
            count_order(&eggs),
            total,
            format!("count {eggs} after {first} + {more}"),
        ),
    ];
    let mut expected = Vec::new();
    for ((order, answer), want, what) in plan {
        tx.try_send(order).expect("the hatch holds 8 orders");
        expected.push((answer, want, what));
    }
    drop(tx);
    on_stall(|| {
        Some(
            "the hatch is closed (every `Sender` dropped) and every order was in it, but the \
             keeper never returned: stop when `orders.recv().await` returns `None` and return \
             the stock."
                .to_string(),
        )
    });
    // Every order is in the hatch and the hatch is closed: the keeper
    // serves them all, then goes home.
    let stock = pantry_keeper(rx).await;
    for (i, (mut answer, want, what)) in expected.into_iter().enumerate() {
        expect_eq!(
            answer.try_recv().ok(),
            Some(want),
            "order {} ({what}) should be answered with {want} on its reply slip",
            i + 1
        );
    }
    expect_eq!(
        sorted(stock),
        shelves(&[(eggs.as_str(), total), (flour.as_str(), bags)]),
        "when the hatch closes the keeper returns its stock: every item stored at least once \
         (counting an item never adds it)"
    );
}

async fn keeper_waits_for_orders_and_closes_with_the_hatch() {
    let (tx, rx) = mpsc::channel(4);
    let mut keeper = mock_task(pantry_keeper(rx));
    if let Poll::Ready(stock) = keeper.poll() {
        fail(format!(
            "the keeper went home with {:?} although a `Sender` of the hatch is alive: \
             keep taking orders until `recv()` returns `None`.",
            sorted(stock)
        ));
    }
    if keeper.is_woken() {
        fail(
            "the keeper woke itself up with no order in the hatch: it is polling in a loop \
             instead of waiting in `orders.recv().await`.",
        );
    }
    let (order, mut answer) = store_order("eggs", 3);
    tx.try_send(order).expect("the hatch has room");
    if !keeper.is_woken() {
        fail("an order arrived but the keeper was not woken: wait in `orders.recv().await`.");
    }
    if keeper.poll().is_ready() {
        fail("the keeper went home after one order although the hatch is still open.");
    }
    expect_eq!(
        answer.try_recv().ok(),
        Some(3),
        "the keeper should answer an order (on its reply slip) as soon as it takes it"
    );
    drop(tx);
    if !keeper.is_woken() {
        fail("the hatch closed (last `Sender` dropped) but the keeper was not woken.");
    }
    match keeper.poll() {
        Poll::Ready(stock) => expect_eq!(
            sorted(stock),
            shelves(&[("eggs", 3)]),
            "the hatch is closed and empty: the keeper returns its stock"
        ),
        Poll::Pending => fail(
            "the hatch is closed and empty but the keeper is still waiting: stop when \
             `recv()` returns `None` and return the stock.",
        ),
    }
}

// ---- task 2: the handle --------------------------------------------------

async fn handle_sends_one_order_per_call() {
    let (tx, rx) = mpsc::channel(2);
    explain_open_hatch(&tx, "the test's keeper");
    let pantry = Pantry::new(tx);
    let (eggs, flour) = (vary::name("eggs"), vary::name("flour"));
    let (first, more) = (vary::count(6u32, 1..=30), vary::count(4u32, 1..=30));
    let (e, f) = (eggs.clone(), flour.clone());
    let waiter = async move {
        let mut answers = Vec::new();
        answers.push((
            format!("store({e:?}, {first})"),
            pantry.store(&e, first).await,
            first,
        ));
        answers.push((format!("count({e:?})"), pantry.count(&e).await, first));
        answers.push((format!("count({f:?})"), pantry.count(&f).await, 0));
        answers.push((
            format!("store({e:?}, {more})"),
            pantry.store(&e, more).await,
            first + more,
        ));
        answers
    };
    // The answers a real keeper would give, in the order asked.
    let mut script = [first, first, 0, first + more].into_iter();
    let keeper = scripted_keeper(rx, move |_| script.next().unwrap_or(0), Duration::ZERO);
    let (seen, answers) = tokio::join!(keeper, waiter);
    expect_eq!(
        seen,
        vec![
            format!("store {first} {eggs}"),
            format!("count {eggs}"),
            format!("count {flour}"),
            format!("store {more} {eggs}"),
        ],
        "each call sends exactly one order through the hatch: `count` an `Order::Count`, \
         `store` an `Order::Store`, with the item (and quantity) it was given"
    );
    for (call, got, want) in answers {
        expect_eq!(
            got,
            Ok(want),
            "`{call}` should return the keeper's answer, {want}, read from the answer slip"
        );
    }
}

async fn each_clone_gets_its_own_answer() {
    let (tx, rx) = mpsc::channel(1);
    explain_open_hatch(&tx, "the test's keeper");
    let first = Pantry::new(tx);
    let second = first.clone();
    let third = first.clone();
    // Three waiters ask at once; the keeper needs 10 ms per order and the
    // hatch holds one order, so they queue.
    let answers = [12, 3, 7].map(|n| vary::count(n, 1..=99));
    let (seen, eggs, flour, butter) = tokio::join!(
        scripted_keeper(
            rx,
            move |note| match note {
                "count eggs" => answers[0],
                "count flour" => answers[1],
                "count butter" => answers[2],
                _ => 0,
            },
            Duration::from_millis(10)
        ),
        async move { first.count("eggs").await },
        async move { second.count("flour").await },
        async move { third.count("butter").await },
    );
    expect_eq!(
        (eggs, flour, butter),
        (Ok(answers[0]), Ok(answers[1]), Ok(answers[2])),
        "three clones asked at the same time: each waiter must get the answer to its own \
         order (a fresh oneshot per call), whatever order the keeper served them in. The \
         hatch holds one order, so they queue: a full hatch is no error, wait for room with \
         `send(..).await`"
    );
    expect_eq!(seen.len(), 3, "three calls, three orders: {seen:?}");
}

async fn open_spawns_the_keeper() {
    // What `open` itself does: a hatch, a keeper task on its far end, and a
    // handle holding the only `Sender`. The exact answers are the keeper's
    // business (task 1), so only their arrival is checked here.
    let (pantry, keeper) = Pantry::open(2);
    let other = pantry.clone();
    let (eggs, flour) = tokio::join!(pantry.store("eggs", 6), other.store("flour", 2));
    if eggs.is_err() || flour.is_err() {
        fail(format!(
            "two clones of a freshly opened pantry stored eggs and flour, and got {eggs:?} and \
             {flour:?}: `open` must spawn the keeper on the receiving end of the hatch it \
             creates, so that every order gets an answer."
        ));
    }
    drop(pantry);
    drop(other);
    match timeout(Duration::from_secs(60), keeper).await {
        Err(_) => fail(
            "every `Pantry` was dropped, yet the keeper's task had not ended a minute later: \
             does `open` keep a copy of the hatch's `Sender` somewhere? The hatch closes only \
             when every `Sender` is gone, and then the keeper returns its stock.",
        ),
        Ok(Err(e)) => fail(format!("the keeper's task did not finish normally: {e}")),
        Ok(Ok(stock)) => {
            let mut items: Vec<String> = stock.into_keys().collect();
            items.sort();
            expect_eq!(
                items,
                vec!["eggs".to_string(), "flour".to_string()],
                "the `JoinHandle` of `open` yields the stock of the one keeper both clones \
                 talked to, once every clone is dropped"
            );
        }
    }
}

// ---- task 3: the keeper is gone ------------------------------------------

fn expect_closed(call: &str, got: Result<Result<u32, PantryError>, String>, situation: &str) {
    match got {
        Err(msg) => panicked(
            &format!("`{call}`"),
            &msg,
            &format!(
                "{situation}. The waiter must get `Err(PantryError::Closed)` instead: map the \
                 failed `send` and the `RecvError` of the answer slip with `.map_err(..)`, \
                 never `unwrap()` them."
            ),
        ),
        Ok(result) => expect_eq!(
            result,
            Err(PantryError::Closed),
            "{situation}: `{call}` should return `Err(PantryError::Closed)`"
        ),
    }
}

async fn closed_hatch_is_an_error() {
    let (tx, rx) = mpsc::channel(2);
    drop(rx);
    let pantry = Pantry::new(tx);
    let situation = "the keeper had gone home before the order was sent (the hatch is closed, \
                     so `send` fails)";
    expect_closed(
        "count(\"eggs\")",
        caught(pantry.count("eggs")).await,
        situation,
    );
    expect_closed(
        "store(\"eggs\", 2)",
        caught(pantry.store("eggs", 2)).await,
        situation,
    );
}

async fn dropped_slip_is_an_error() {
    let (tx, mut rx) = mpsc::channel(2);
    explain_open_hatch(&tx, "the test's keeper");
    let pantry = Pantry::new(tx);
    // A keeper that takes every order and throws it away unanswered.
    let keeper = async move {
        while let Some(order) = rx.recv().await {
            drop(order);
        }
    };
    let waiter = async move {
        let counted = caught(pantry.count("eggs")).await;
        let stored = caught(pantry.store("eggs", 2)).await;
        (counted, stored)
    };
    let ((), (counted, stored)) = tokio::join!(keeper, waiter);
    let situation = "the keeper took the order and dropped it without answering (awaiting the \
                     answer slip gives `Err(RecvError)`)";
    expect_closed("count(\"eggs\")", counted, situation);
    expect_closed("store(\"eggs\", 2)", stored, situation);
}

async fn keeper_leaving_with_an_order_in_the_hatch_is_an_error() {
    let (tx, rx) = mpsc::channel(2);
    let pantry = Pantry::new(tx);
    // The keeper goes home after 100 ms without taking the order waiting in
    // the hatch: the order, and its answer slip, are dropped with it.
    let keeper = async move {
        sleep(Duration::from_millis(100)).await;
        drop(rx);
    };
    let ((), counted) = tokio::join!(keeper, caught(pantry.count("eggs")));
    expect_closed(
        "count(\"eggs\")",
        counted,
        "the order was in the hatch when the keeper went home, so its answer slip was dropped \
         unanswered (awaiting it gives `Err(RecvError)`)",
    );
}

// ---- task 4: the waiter is gone ------------------------------------------

async fn keeper_serves_the_next_waiter_after_one_left() {
    let (tx, rx) = mpsc::channel(8);
    // Two waiters give up before the keeper reaches their orders.
    let (order, gone) = count_order("eggs");
    drop(gone);
    tx.try_send(order).expect("room in the hatch");
    let (eggs, bags) = (vary::count(5u32, 1..=40), vary::count(2u32, 1..=40));
    let (order, gone) = store_order("eggs", eggs);
    drop(gone);
    tx.try_send(order).expect("room in the hatch");
    // A patient waiter comes next.
    let (order, mut answer) = count_order("eggs");
    tx.try_send(order).expect("room in the hatch");
    let (order, mut stored) = store_order("flour", bags);
    tx.try_send(order).expect("room in the hatch");
    drop(tx);
    on_stall(|| {
        Some(
            "the hatch is closed (every `Sender` dropped) with four orders in it, but the \
             keeper never returned: serve every order, then stop when `orders.recv().await` \
             returns `None`."
                .to_string(),
        )
    });

    let stock = match caught(pantry_keeper(rx)).await {
        Err(msg) => panicked(
            "the keeper",
            &msg,
            "its first order came from a waiter who had already left, so `reply.send(..)` \
             returned `Err`. That is no reason to crash: ignore it (`let _ = reply.send(..);`) \
             and serve the next order.",
        ),
        Ok(stock) => stock,
    };
    let patient = answer.try_recv().ok();
    if patient.is_none() {
        fail(
            "the keeper stopped serving after a waiter had left: the patient waiter's order \
             (the third one) was never answered. A failed `reply.send(..)` only means that one \
             waiter stopped waiting; do not `break` or `return` on it.",
        );
    }
    expect_eq!(
        patient,
        Some(eggs),
        "the second order (store {eggs} eggs) must be carried out even though its waiter \
         left, so the third order (count eggs) is answered with {eggs}"
    );
    expect_eq!(
        stored.try_recv().ok(),
        Some(bags),
        "the fourth order stores {bags} flour"
    );
    expect_eq!(
        sorted(stock),
        shelves(&[("eggs", eggs), ("flour", bags)]),
        "every order was carried out, answered or not"
    );
}

async fn keeper_stays_open_after_a_waiter_left() {
    let (tx, rx) = mpsc::channel(4);
    let mut keeper = mock_task(caught(pantry_keeper(rx)));
    let check_open = |poll: Poll<Result<Stock, String>>| match poll {
        Poll::Pending => {}
        Poll::Ready(Err(msg)) => panicked(
            "the keeper",
            &msg,
            "a waiter who stopped waiting makes `reply.send(..)` return `Err`; ignore it and \
             keep serving.",
        ),
        Poll::Ready(Ok(stock)) => fail(format!(
            "the keeper went home with {:?} after a waiter left, although the hatch is \
             still open: a failed `reply.send(..)` concerns one waiter only, keep taking orders.",
            sorted(stock)
        )),
    };
    check_open(keeper.poll());
    let (order, gone) = store_order("eggs", 2);
    drop(gone);
    tx.try_send(order).expect("room in the hatch");
    check_open(keeper.poll());
    let (order, mut answer) = count_order("eggs");
    tx.try_send(order).expect("room in the hatch");
    check_open(keeper.poll());
    expect_eq!(
        answer.try_recv().ok(),
        Some(2),
        "the next waiter asks for eggs: the 2 eggs stored for the waiter who left are on the shelf"
    );
    drop(tx);
    match keeper.poll() {
        Poll::Ready(Ok(stock)) => expect_eq!(
            sorted(stock),
            shelves(&[("eggs", 2)]),
            "the hatch is closed: the keeper returns its stock"
        ),
        _ => fail("the hatch is closed and empty, but the keeper did not return its stock."),
    }
}

// ---- task 5: a deadline on the answer ------------------------------------

const PATIENCE: Duration = Duration::from_millis(300);

async fn count_within_answers_as_soon_as_it_can() {
    let log = Log::new();
    let (tx, rx) = mpsc::channel(2);
    explain_open_hatch(&tx, "the test's keeper");
    let pantry = Pantry::new(tx);
    let start = Instant::now();
    // Any item the keeper answers within the patience.
    let item = vary::pick(&["eggs", "butter"]);
    let (n, after) = menu(item);
    let waiter = async move {
        let got = caught(pantry.count_within(item, PATIENCE)).await;
        (got, start.elapsed().as_millis())
    };
    let (_, (got, at)) = tokio::join!(slow_keeper(rx, menu, log), waiter);
    let got =
        got.unwrap_or_else(|msg| panicked("`count_within`", &msg, "return a `Result` instead."));
    expect_eq!(
        (got, at),
        (Ok(n), u128::from(after)),
        "the keeper answers {item} ({n}) after {after} ms, well within a patience of 300 ms: \
         `count_within` returns `Ok({n})` as soon as the answer arrives"
    );
}

async fn count_within_gives_up_at_the_deadline() {
    let log = Log::new();
    let (tx, rx) = mpsc::channel(2);
    explain_open_hatch(&tx, "the test's keeper");
    let pantry = Pantry::new(tx);
    let start = Instant::now();
    let waiter = async move {
        // "flour" takes the keeper 500 ms.
        let got = caught(pantry.count_within("flour", PATIENCE)).await;
        (got, start.elapsed().as_millis())
    };
    let (answered, (got, at)) = tokio::join!(slow_keeper(rx, menu, log), waiter);
    let got =
        got.unwrap_or_else(|msg| panicked("`count_within`", &msg, "return a `Result` instead."));
    expect_eq!(
        (got, at),
        (Err(PantryError::TimedOut), 300),
        "the keeper needs 500 ms for flour and the waiter's patience is 300 ms: \
         `count_within` must give up at 300 ms with `Err(PantryError::TimedOut)` \
         (wrap the exchange in `tokio::time::timeout(patience, ..)`)"
    );
    expect_eq!(
        answered,
        vec![("flour".to_string(), false)],
        "when the keeper wrote the answer at 500 ms, the reply receiver should already be \
         dropped (true = someone was still waiting): giving up means dropping the exchange"
    );
}

async fn count_within_reports_a_closed_pantry() {
    // The hatch is already closed.
    let (tx, rx) = mpsc::channel(2);
    drop(rx);
    let pantry = Pantry::new(tx);
    let start = Instant::now();
    let got = caught(pantry.count_within("eggs", PATIENCE)).await;
    let at = start.elapsed().as_millis();
    let got = got.unwrap_or_else(|msg| {
        panicked(
            "`count_within`",
            &msg,
            "the hatch was closed; return `Err(PantryError::Closed)`.",
        )
    });
    expect_eq!(
        (got, at),
        (Err(PantryError::Closed), 0),
        "the hatch was closed before the order was sent: that is `Err(PantryError::Closed)`, \
         at once, not `TimedOut` (the keeper is gone, waiting longer cannot help)"
    );

    // The keeper takes the order and drops it after 50 ms.
    let (tx, mut rx) = mpsc::channel(2);
    let pantry = Pantry::new(tx);
    let keeper = async move {
        let order = rx.recv().await;
        sleep(Duration::from_millis(50)).await;
        drop(order);
    };
    let start = Instant::now();
    let ((), got) = tokio::join!(keeper, caught(pantry.count_within("eggs", PATIENCE)));
    let at = start.elapsed().as_millis();
    let got = got.unwrap_or_else(|msg| {
        panicked(
            "`count_within`",
            &msg,
            "the keeper dropped the answer slip; return `Err(PantryError::Closed)`.",
        )
    });
    expect_eq!(
        (got, at),
        (Err(PantryError::Closed), 50),
        "the keeper dropped the order unanswered at 50 ms: `count_within` returns \
         `Err(PantryError::Closed)` then, not `TimedOut` and not at the deadline. Only the \
         `Elapsed` error of `timeout` means `TimedOut`"
    );
}

async fn count_within_deadline_covers_a_full_hatch() {
    let (tx, _rx) = mpsc::channel(1);
    // The hatch holds one order and is full; the keeper is busy elsewhere.
    let (order, _slip) = count_order("flour");
    tx.try_send(order).expect("the hatch is empty");
    let pantry = Pantry::new(tx);
    let start = Instant::now();
    match timeout(
        Duration::from_secs(60),
        caught(pantry.count_within("eggs", PATIENCE)),
    )
    .await
    {
        Err(_) => fail(
            "the hatch stayed full and `count_within` was still waiting a minute later, with a \
             patience of 300 ms: the deadline must cover sending the order too (a full hatch \
             makes `send(..).await` wait). Put the `send` inside the `timeout`.",
        ),
        Ok(Err(msg)) => panicked("`count_within`", &msg, "return a `Result` instead."),
        Ok(Ok(got)) => expect_eq!(
            (got, start.elapsed().as_millis()),
            (Err(PantryError::TimedOut), 300),
            "the hatch stayed full for the whole patience of 300 ms, so the order could not \
             even be sent: `Err(PantryError::TimedOut)` at 300 ms"
        ),
    }
}

async fn deadline_timeline() {
    let log = Log::new();
    let (tx, rx) = mpsc::channel(4);
    explain_open_hatch(&tx, "the test's keeper");
    let pantry = Pantry::new(tx);
    let waiter_log = log.clone();
    // One waiter, patience 300 ms, asks in turn. The keeper needs 100 ms for
    // eggs, 500 ms for flour, 50 ms for butter and 400 ms for sugar, and
    // serves one order at a time.
    let waiter = async move {
        for item in ["eggs", "flour", "butter", "sugar"] {
            waiter_log.event("waiter", format!("asks for {item}"));
            match caught(pantry.count_within(item, PATIENCE)).await {
                Ok(got) => waiter_log.event("waiter", format!("{item}: {got:?}")),
                Err(msg) => {
                    waiter_log.event("waiter", format!("{item}: panicked: {msg}"));
                    break;
                }
            }
        }
        waiter_log.event("waiter", "leaves (drops the handle)");
    };
    tokio::join!(slow_keeper(rx, menu, log.clone()), waiter);
    snapshot(
        "deadline_timeline",
        &log.render(),
        "with a patience of 300 ms the waiter gets eggs (100 ms), gives up on flour at 300 ms, \
         gets butter although it waited behind flour, and gives up on sugar; each time it gives \
         up, the keeper later finds nobody waiting for the answer",
    );
}
