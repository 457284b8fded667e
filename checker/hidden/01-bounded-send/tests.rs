//! Hidden tests of exercise 01: bounded send and backpressure.
//!
//! The test often plays one side of the kitchen itself and drives the
//! learner's side at poll level (`mock_task`), so that "the chef waits while
//! the belt is full and wakes when a slot frees" is checked as a fact, not
//! inferred from timing.

use bounded_send::*;
use harness::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::task::Poll;

harness::tests! {
    1 => runner_takes_every_dish_in_order,
    1 => runner_waits_while_a_sender_is_alive,
    2 => chef_puts_every_dish_on_the_belt_in_order,
    2 => chef_waits_while_the_belt_is_full,
    2 => chef_backpressure_timeline,
    2 => chef_stops_when_the_runner_left,
    3 => kitchen_serves_every_dish,
    3 => kitchen_with_a_belt_of_one,
    3 => kitchen_with_no_dishes,
    4 => chef_reporting_lists_unserved_dishes,
    4 => chef_reporting_when_runner_left_before_the_first_dish,
    4 => chef_reporting_ok_when_all_delivered,
    5 => offer_accepts_while_there_is_room,
    5 => offer_hands_back_a_dish_when_full,
    5 => offer_hands_back_a_dish_when_closed,
    6 => cook_when_space_claims_the_slot_before_cooking,
    6 => cook_when_space_stops_when_the_runner_left,
}

/// Explains a stall in terms of the belt's senders, if they are the cause.
fn explain_open_belt<T: 'static>(belt: &mpsc::Sender<T>, who: &'static str) {
    let weak = belt.downgrade();
    on_stall(move || {
        let alive = weak.strong_count();
        (alive > 0).then(|| {
            format!(
                "{who} is still waiting for the next dish: {alive} `Sender` of the belt is \
                 still alive, so `recv()` cannot return `None` yet."
            )
        })
    });
}

// ---- task 1: the runner ------------------------------------------------

async fn runner_takes_every_dish_in_order() {
    let (tx, rx) = mpsc::channel(vary::count(3, 2..=5));
    let dishes = vary::count(8u32, 5..=16);
    // A test chef that is slow at first, then fast, so that the belt is
    // sometimes empty and sometimes full while the runner works.
    tokio::spawn(async move {
        for dish in 1..=dishes {
            if dish < 4 {
                sleep(Duration::from_millis(50)).await;
            }
            tx.send(dish).await.expect("the runner left early");
        }
    });
    let served = runner(rx).await;
    expect_eq!(
        served,
        (1..=dishes).collect::<Vec<u32>>(),
        "the runner must return every dish, in the order they were put on the belt"
    );
}

async fn runner_waits_while_a_sender_is_alive() {
    let (tx, rx) = mpsc::channel(4);
    tx.try_send(1).unwrap();
    let mut task = mock_task(runner(rx));
    if let Poll::Ready(v) = task.poll() {
        fail(format!(
            "the runner returned {v:?} although a `Sender` is still alive and more dishes may \
             come. Keep receiving until `recv()` returns `None`."
        ));
    }
    tx.try_send(2).unwrap();
    drop(tx);
    if !task.is_woken() {
        fail("the runner was not woken by a new dish: is it waiting in `belt.recv().await`?");
    }
    match task.poll() {
        Poll::Ready(served) => expect_eq!(
            served,
            vec![1, 2],
            "after the last `Sender` is dropped the runner returns every dish it took"
        ),
        Poll::Pending => fail(
            "the belt is closed (every `Sender` dropped) and empty, but the runner is still \
             waiting: stop when `recv()` returns `None`.",
        ),
    }
}

// ---- task 2: the chef --------------------------------------------------

async fn chef_puts_every_dish_on_the_belt_in_order() {
    let (tx, mut rx) = mpsc::channel(vary::count(3, 1..=5));
    let dishes = vary::count(6u32, 2..=14);
    explain_open_belt(
        &tx,
        // Leaked: one short string, in a process that runs one test.
        format!("the test's runner (does your chef return after dish {dishes}?)").leak(),
    );
    let chef = tokio::spawn(chef(tx, dishes));
    let mut served = Vec::new();
    while let Some(dish) = rx.recv().await {
        served.push(dish);
        sleep(Duration::from_millis(10)).await;
    }
    chef.await.expect("the chef panicked");
    expect_eq!(
        served,
        (1..=dishes).collect::<Vec<u32>>(),
        "the chef puts dishes 1..={dishes} on the belt, in order"
    );
}

async fn chef_waits_while_the_belt_is_full() {
    let (tx, mut rx) = mpsc::channel(1);
    let mut task = mock_task(chef(tx, 3));
    let mut done = false;
    for dish in 1..=3u32 {
        done = task.poll().is_ready();
        if done && dish < 3 {
            fail(format!(
                "the chef finished while dish {} was not on the belt yet: the belt holds one \
                 dish, so the chef must wait in `send(..).await` until the runner takes one \
                 (`try_send` turns dishes away instead of waiting; your own queue hides the \
                 backpressure).",
                dish + 1
            ));
        }
        if !done && task.is_woken() {
            fail(
                "the chef woke itself up while the belt was still full: it is polling in a loop \
                 instead of waiting in `send(..).await`.",
            );
        }
        expect_eq!(
            rx.try_recv().ok(),
            Some(dish),
            "the runner expected dish {dish} on the belt"
        );
        if !done && !task.is_woken() {
            fail(format!(
                "the runner took dish {dish} and freed a slot, but the chef was not woken: it \
                 should be waiting in `send(..).await`, which wakes when a slot frees."
            ));
        }
    }
    if !done && task.poll().is_pending() {
        fail("all three dishes are on the belt, but the chef has not returned.");
    }
}

async fn chef_backpressure_timeline() {
    let log = Log::new();
    let (tx, mut rx) = mpsc::channel(2);
    let capacity = rx.max_capacity();
    let mut task = mock_task(chef(tx, 5));
    let mut cooking = true;
    let mut first = true;
    // The test plays a runner who takes one dish every 100 ms; the chef is
    // polled only when woken, as a real executor would.
    loop {
        if cooking && (first || task.is_woken()) {
            first = false;
            if task.poll().is_ready() {
                cooking = false;
                log.event(
                    "chef",
                    format!("done ({}/{capacity} on the belt)", rx.len()),
                );
            } else {
                log.event(
                    "chef",
                    format!("waits: belt full ({}/{capacity})", rx.len()),
                );
            }
        }
        sleep(Duration::from_millis(100)).await;
        match rx.try_recv() {
            Ok(dish) => log.event("runner", format!("takes dish {dish}")),
            Err(mpsc::error::TryRecvError::Empty) => log.event("runner", "belt empty"),
            Err(mpsc::error::TryRecvError::Disconnected) => {
                log.event("runner", "belt closed");
                break;
            }
        }
        if log.events().len() > 40 {
            fail("the kitchen never closed: does the chef return after dish 5?");
        }
    }
    snapshot(
        "chef_backpressure_timeline",
        &log.render(),
        "the belt holds 2 dishes and the runner takes one every 100 ms: the chef must keep \
         the belt full and wait for each free slot",
    );
}

async fn chef_stops_when_the_runner_left() {
    // The runner has already left: the chef must notice at its first dish.
    let (tx, rx) = mpsc::channel::<u32>(2);
    drop(rx);
    let mut gone = mock_task(chef(tx, 4));
    if !(0..3).any(|_| gone.poll().is_ready()) {
        fail(
            "the runner had left before the first dish, and the chef did not return: `send` \
             returns `Err(SendError(dish))` at once when the receiver is gone; stop there.",
        );
    }

    // The runner takes one dish and leaves while the chef waits for room.
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    let mut task = mock_task(chef(tx, 5));
    if task.poll().is_ready() {
        fail("the chef finished although the belt holds one dish and four more were to come.");
    }
    expect_eq!(
        rx.try_recv().ok(),
        Some(1),
        "the chef puts dish 1 on the belt first"
    );
    drop(rx);
    for _ in 0..3 {
        if task.poll().is_ready() {
            return;
        }
    }
    fail(
        "the runner left (its receiver was dropped) while the chef waited for room, and the \
         chef did not stop: when `send` returns `Err`, nobody will ever take a dish, so stop \
         cooking.",
    );
}

// ---- task 3: the kitchen -----------------------------------------------

fn explain_kitchen_stall() {
    on_stall(|| {
        Some(
            "the kitchen never finished: every task was waiting and nothing could wake them. \
             Either the chef waits for a belt nobody empties (did you await the chef before \
             starting the runner? they must run at the same time), or the runner waits for a \
             `Sender` that is still alive (did you keep `tx` in `run_kitchen`?)."
                .to_string(),
        )
    });
}

async fn kitchen_serves_every_dish() {
    explain_kitchen_stall();
    let (dishes, belt) = (vary::count(12u32, 6..=30), vary::count(3usize, 2..=6));
    let served = run_kitchen(dishes, belt).await;
    expect_eq!(
        served,
        (1..=dishes).collect::<Vec<u32>>(),
        "run_kitchen({dishes}, {belt}) serves dishes 1..={dishes} in order"
    );
}

async fn kitchen_with_a_belt_of_one() {
    explain_kitchen_stall();
    let dishes = vary::count(5u32, 2..=12);
    let served = run_kitchen(dishes, 1).await;
    expect_eq!(
        served,
        (1..=dishes).collect::<Vec<u32>>(),
        "run_kitchen({dishes}, 1) serves dishes 1..={dishes} in order"
    );
}

async fn kitchen_with_no_dishes() {
    explain_kitchen_stall();
    let served = run_kitchen(0, vary::count(2, 1..=6)).await;
    expect_eq!(
        served,
        Vec::<u32>::new(),
        "with no dishes to cook the runner serves nothing and the kitchen closes"
    );
}

// ---- task 4: the chef who notices --------------------------------------

async fn chef_reporting_lists_unserved_dishes() {
    let (tx, mut rx) = mpsc::channel(1);
    let mut task = mock_task(chef_reporting(tx, 5));
    if task.poll().is_ready() {
        fail(
            "the chef returned while dishes 2..=5 could not fit on a belt holding one dish: wait in `send(..).await`.",
        );
    }
    expect_eq!(rx.try_recv().ok(), Some(1), "dish 1 should be on the belt");
    let _ = task.poll();
    // Dish 2 is on the belt now; the runner leaves without taking it.
    drop(rx);
    if !task.is_woken() {
        fail(
            "the runner left, but the chef was not woken: wait in `send(..).await`, which fails when the receiver is dropped.",
        );
    }
    match task.poll() {
        Poll::Ready(result) => expect_eq!(
            result,
            Err(Unserved {
                dishes: vec![3, 4, 5]
            }),
            "the runner left after dish 1, with dish 2 on the belt: dishes 3, 4 and 5 never made it \
             onto the belt. The failed `send` hands its dish back in `SendError(dish)`."
        ),
        Poll::Pending => fail(
            "the runner is gone but the chef is still waiting: `send` returns `Err` then, so stop.",
        ),
    }
}

async fn chef_reporting_when_runner_left_before_the_first_dish() {
    let (tx, rx) = mpsc::channel::<u32>(vary::count(2, 1..=4));
    drop(rx);
    let dishes = vary::count(3u32, 1..=9);
    let result = chef_reporting(tx, dishes).await;
    expect_eq!(
        result,
        Err(Unserved {
            dishes: (1..=dishes).collect()
        }),
        "the runner left before the first dish, so no dish made it onto the belt"
    );
}

async fn chef_reporting_ok_when_all_delivered() {
    let dishes = vary::count(4u32, 1..=9);
    let (tx, mut rx) = mpsc::channel(dishes as usize);
    let result = chef_reporting(tx, dishes).await;
    expect_eq!(
        result,
        Ok(()),
        "every dish fits on the belt, so the chef reports success"
    );
    let mut served = Vec::new();
    while let Ok(d) = rx.try_recv() {
        served.push(d);
    }
    expect_eq!(
        served,
        (1..=dishes).collect::<Vec<u32>>(),
        "the belt holds dishes 1..={dishes} in order"
    );
}

// ---- task 5: offer -------------------------------------------------------

async fn offer_accepts_while_there_is_room() {
    let (tx, mut rx) = mpsc::channel(2);
    let (a, b) = (vary::count(1u32, 1..=90), vary::count(2u32, 91..=180));
    expect_eq!(
        offer(&tx, a),
        Offer::Accepted,
        "an empty belt of two accepts dish {a}"
    );
    expect_eq!(
        offer(&tx, b),
        Offer::Accepted,
        "a belt of two with one dish accepts dish {b}"
    );
    expect_eq!(
        rx.try_recv().ok(),
        Some(a),
        "dish {a} should be on the belt"
    );
    expect_eq!(
        rx.try_recv().ok(),
        Some(b),
        "dish {b} should be on the belt"
    );
}

async fn offer_hands_back_a_dish_when_full() {
    let (tx, mut rx) = mpsc::channel(1);
    let first = vary::count(1u32, 1..=90);
    let (second, third) = (first + 1, first + 2);
    expect_eq!(
        offer(&tx, first),
        Offer::Accepted,
        "an empty belt accepts dish {first}"
    );
    expect_eq!(
        offer(&tx, second),
        Offer::Full(second),
        "a full belt turns dish {second} away and hands it back"
    );
    expect_eq!(
        rx.try_recv().ok(),
        Some(first),
        "only dish {first} should be on the belt"
    );
    expect_eq!(
        offer(&tx, third),
        Offer::Accepted,
        "after the runner took dish {first} there is room again"
    );
}

async fn offer_hands_back_a_dish_when_closed() {
    let (tx, rx) = mpsc::channel(1);
    drop(rx);
    let dish = vary::count(7u32, 1..=99);
    expect_eq!(
        offer(&tx, dish),
        Offer::Closed(dish),
        "the runner is gone: `try_send` fails with `TrySendError::Closed(dish)`, not `Full`"
    );
}

// ---- task 6: cook only when there is room ------------------------------

async fn cook_when_space_claims_the_slot_before_cooking() {
    let cooked = Rc::new(RefCell::new(Vec::new()));
    let record = cooked.clone();
    let (tx, mut rx) = mpsc::channel(1);
    let mut task = mock_task(cook_when_space(tx, 3, move |n| {
        record.borrow_mut().push(n);
        format!("dish {n}")
    }));
    let mut done = false;
    for dish in 1..=3u32 {
        done = task.poll().is_ready();
        expect_eq!(
            cooked.borrow().clone(),
            (1..=dish).collect::<Vec<u32>>(),
            "with a belt of one, dish {dish} is the only one that may be cooked now: claim a slot with \
             `reserve().await` before calling `cook`, so nothing is cooked while the belt is full"
        );
        if done && dish < 3 {
            fail(
                "the chef returned before every dish was served: wait for a free slot with `reserve().await`.",
            );
        }
        if !done && task.is_woken() {
            fail(
                "the chef woke itself up while the belt was still full: wait in `reserve().await` instead of polling.",
            );
        }
        expect_eq!(
            rx.try_recv().ok(),
            Some(format!("dish {dish}")),
            "the belt should carry what `cook({dish})` returned"
        );
        if !done && !task.is_woken() {
            fail(
                "the runner took a dish and freed a slot, but the chef was not woken: wait in `reserve().await`.",
            );
        }
    }
    if !done && task.poll().is_pending() {
        fail("all three dishes are served, but `cook_when_space` has not returned.");
    }
}

async fn cook_when_space_stops_when_the_runner_left() {
    let cooked = Rc::new(RefCell::new(Vec::new()));
    let record = cooked.clone();
    let (tx, rx) = mpsc::channel::<String>(vary::count(2, 1..=4));
    drop(rx);
    cook_when_space(tx, vary::count(3, 1..=9), move |n| {
        record.borrow_mut().push(n);
        format!("dish {n}")
    })
    .await;
    expect_eq!(
        cooked.borrow().clone(),
        Vec::<u32>::new(),
        "the runner is gone, so nothing should be cooked: `reserve()` returns `Err` when the receiver is dropped"
    );
}
