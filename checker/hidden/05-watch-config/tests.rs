//! Hidden tests of exercise 05: the menu board, `tokio::sync::watch`.
//!
//! The test plays the manager (it owns the `Sender`) and drives the
//! learner's stations at poll level (`mock_task`) where "waits", "was woken"
//! and "woke nobody" are the facts to check; the timeline runs real tasks on
//! the paused clock.

use harness::prelude::*;
use std::future::Ready;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use watch_config::*;

harness::tests! {
    1 => glance_shows_the_latest_menu_to_every_station,
    1 => glance_after_the_manager_left,
    2 => next_menu_waits_for_an_unseen_menu,
    2 => next_menu_returns_the_latest_menu_once,
    2 => next_menu_after_the_manager_left,
    2 => every_station_has_its_own_seen_marker,
    2 => a_cloned_receiver_has_seen_what_its_original_had,
    3 => set_price_changes_one_price_and_notifies,
    3 => set_price_to_the_same_price_wakes_nobody,
    3 => set_price_of_an_unknown_dish_wakes_nobody,
    3 => set_price_with_no_station_watching,
    4 => post_menu_reaches_the_stations,
    4 => post_menu_with_no_station_watching,
    5 => station_reloads_at_once_then_on_each_change,
    5 => station_reloads_a_menu_posted_before_it_started_once,
    5 => station_stops_when_the_manager_leaves,
    5 => station_stops_at_once_when_nothing_is_new,
    5 => three_stations_share_one_board,
    5 => station_timeline,
}

fn dish(name: &str, price: u32) -> Dish {
    Dish {
        name: name.to_string(),
        price,
    }
}

/// Menu number `edition`, with the same two dishes every time.
fn menu(edition: u32) -> Menu {
    Menu {
        edition,
        dishes: vec![dish("leek soup", 450), dish("fish pie", 1200)],
    }
}

/// A station of the test's own: it waits for the board to change.
async fn waiting_station(mut board: watch::Receiver<Menu>) -> bool {
    board.changed().await.is_ok()
}

// ---- task 1: glance ------------------------------------------------------

async fn glance_shows_the_latest_menu_to_every_station() {
    let (tx, rx) = watch::channel(menu(1));
    let stations = [rx.clone(), tx.subscribe(), rx];
    let last = vary::count(4u32, 3..=9);
    for edition in 2..=last {
        tx.send_replace(menu(edition));
    }
    let written: Vec<String> = (2..last).map(|e| e.to_string()).collect();
    for (i, station) in stations.iter().enumerate() {
        expect_eq!(
            glance(station),
            menu(last),
            "station {i} glances after the manager wrote menus {} and {last} in quick \
             succession: a watch channel keeps only the latest value, so every station sees \
             menu {last}",
            written.join(", ")
        );
        expect_eq!(
            station.has_changed().ok(),
            Some(true),
            "a glance must not mark the menu as seen: read it with `borrow()`, which leaves the \
             station's seen-marker alone"
        );
    }
}

async fn glance_after_the_manager_left() {
    let (tx, rx) = watch::channel(menu(1));
    let edition = vary::count(2u32, 2..=40);
    tx.send_replace(menu(edition));
    drop(tx);
    expect_eq!(
        glance(&rx),
        menu(edition),
        "the manager left after writing menu {edition}: the board still shows it, and \
         `borrow()` reads it even when every `Sender` is gone"
    );
}

// ---- task 2: next_menu ---------------------------------------------------

async fn next_menu_waits_for_an_unseen_menu() {
    let (tx, mut rx) = watch::channel(menu(1));
    let mut task = mock_task(next_menu(&mut rx));
    if let Poll::Ready(got) = task.poll() {
        fail(format!(
            "next_menu returned {got:?} at once, but menu 1 was on the board when the station's \
             receiver was created, so it counts as seen. Wait for a change with \
             `changed().await`."
        ));
    }
    if task.is_woken() {
        fail(
            "next_menu woke itself up although the board did not change: wait in \
             `changed().await` instead of checking in a loop.",
        );
    }
    let edition = vary::count(2u32, 2..=40);
    tx.send_replace(menu(edition));
    if !task.is_woken() {
        fail(format!(
            "the manager wrote menu {edition}, but the waiting station was not woken: wait in \
             `board.changed().await`."
        ));
    }
    match task.poll() {
        Poll::Ready(got) => expect_eq!(
            got,
            Some(menu(edition)),
            "the manager wrote menu {edition}: next_menu returns it"
        ),
        Poll::Pending => fail(format!(
            "menu {edition} is on the board and unseen, but next_menu is still waiting: return \
             once `changed().await` returns `Ok`."
        )),
    }
}

async fn next_menu_returns_the_latest_menu_once() {
    let (tx, mut rx) = watch::channel(menu(1));
    for edition in 2..=4 {
        tx.send_replace(menu(edition));
    }
    match timeout(Duration::from_secs(1), next_menu(&mut rx)).await {
        Ok(got) => expect_eq!(
            got,
            Some(menu(4)),
            "the manager wrote menus 2, 3 and 4 before the station looked: a watch channel \
             keeps only the latest, so next_menu returns menu 4"
        ),
        Err(_) => fail(
            "menu 4 is on the board and the station has not seen it, but next_menu waited: \
             `changed().await` returns at once when the latest menu is unseen.",
        ),
    }
    let mut task = mock_task(next_menu(&mut rx));
    if let Poll::Ready(again) = task.poll() {
        fail(format!(
            "next_menu returned {again:?} again although the station already read menu 4 and \
             the board did not change. Read the menu with `borrow_and_update()`, which marks it \
             as seen; `borrow()` leaves it unseen."
        ));
    }
}

async fn next_menu_after_the_manager_left() {
    let (tx, mut rx) = watch::channel(menu(1));
    tx.send_replace(menu(2));
    drop(tx);
    match timeout(Duration::from_secs(1), next_menu(&mut rx)).await {
        Ok(got) => expect_eq!(
            got,
            Some(menu(2)),
            "menu 2 was written just before the manager left and the station has not seen it: \
             return it first (`changed()` still reports it once after the `Sender` is dropped)"
        ),
        Err(_) => fail("menu 2 is unseen, but next_menu waited for more: return it at once."),
    }
    match timeout(Duration::from_secs(1), next_menu(&mut rx)).await {
        Ok(got) => expect_eq!(
            got,
            None,
            "the manager is gone and the station has seen the last menu: next_menu returns None"
        ),
        Err(_) => fail(
            "the manager is gone (every `Sender` dropped) and nothing is unseen, but next_menu \
             is still waiting: `changed().await` returns `Err` then, so return `None`.",
        ),
    }

    let (tx, mut rx) = watch::channel(menu(1));
    drop(tx);
    match timeout(Duration::from_secs(1), next_menu(&mut rx)).await {
        Ok(got) => expect_eq!(
            got,
            None,
            "the manager left without writing anything new: menu 1 counts as seen, so \
             next_menu returns None"
        ),
        Err(_) => fail(
            "the manager left without writing a new menu, but next_menu is still waiting: \
             return `None` when `changed().await` returns `Err`.",
        ),
    }
}

async fn every_station_has_its_own_seen_marker() {
    let (tx, mut grill) = watch::channel(menu(1));
    let mut pastry = tx.subscribe();
    tx.send_replace(menu(2));
    for (name, station) in [("grill", &mut grill), ("pastry", &mut pastry)] {
        match timeout(Duration::from_secs(1), next_menu(station)).await {
            Ok(got) => expect_eq!(
                got,
                Some(menu(2)),
                "the {name} station has not read menu 2 yet: another station reading it does \
                 not count for this one (each receiver has its own seen-marker)"
            ),
            Err(_) => fail(format!(
                "the {name} station waited although menu 2 is unseen by its receiver"
            )),
        }
    }
}

async fn a_cloned_receiver_has_seen_what_its_original_had() {
    let (tx, grill) = watch::channel(menu(1));
    tx.send_replace(menu(2));
    // The grill has not read menu 2, so neither has a clone of its receiver.
    let mut copy = grill.clone();
    match timeout(Duration::from_secs(1), next_menu(&mut copy)).await {
        Ok(got) => expect_eq!(
            got,
            Some(menu(2)),
            "a `clone()` of a receiver that has not seen menu 2 has not seen it either: \
             next_menu returns it at once"
        ),
        Err(_) => fail(
            "next_menu waited on a cloned receiver, but a clone copies what the original has \
             seen, and the original had not seen menu 2.",
        ),
    }
    // A receiver subscribed now has seen menu 2 already.
    let mut pastry = tx.subscribe();
    let mut task = mock_task(next_menu(&mut pastry));
    if let Poll::Ready(got) = task.poll() {
        fail(format!(
            "next_menu returned {got:?} at once, but the station subscribed after menu 2 was \
             written, so menu 2 counts as seen: wait for a change."
        ));
    }
}

// ---- task 3: set_price ---------------------------------------------------

/// Polls a waiting station once, so that a later notification wakes it.
fn start_waiting(
    tx: &watch::Sender<Menu>,
) -> tokio_test::task::Spawn<impl Future<Output = bool> + use<>> {
    let mut station = mock_task(waiting_station(tx.subscribe()));
    if station.poll().is_ready() {
        fail("(test setup) the waiting station did not wait");
    }
    station
}

async fn set_price_changes_one_price_and_notifies() {
    let (tx, mut rx) = watch::channel(menu(1));
    let station = start_waiting(&tx);
    let price = vary::count(1350u32, 1201..=3000);
    let changed = set_price(&tx, "fish pie", price);
    expect_eq!(
        changed,
        true,
        "fish pie cost 1200, so setting it to {price} changes the board: return true"
    );
    let mut expected = menu(1);
    expected.dishes[1].price = price;
    expect_eq!(
        rx.borrow_and_update().clone(),
        expected,
        "only the price of fish pie changes; the edition and the other dishes stay as they were"
    );
    if !station.is_woken() {
        fail(
            "the price of fish pie changed, but a station waiting in `changed()` was not woken: \
             the stations must be notified (`send_if_modified` notifies when its closure \
             returns true).",
        );
    }
}

async fn set_price_to_the_same_price_wakes_nobody() {
    let (tx, rx) = watch::channel(menu(1));
    let station = start_waiting(&tx);
    let changed = set_price(&tx, "fish pie", 1200);
    expect_eq!(
        changed,
        false,
        "fish pie already costs 1200: nothing changes, so return false"
    );
    if station.is_woken() || rx.has_changed().ok() != Some(false) {
        fail(
            "setting fish pie to the price it already has woke a waiting station, though \
             nothing changed. `send_modify` and `send_replace` always notify; \
             `send_if_modified` notifies only when its closure returns true.",
        );
    }
    expect_eq!(
        rx.borrow().clone(),
        menu(1),
        "the board must stay untouched"
    );
}

async fn set_price_of_an_unknown_dish_wakes_nobody() {
    let (tx, rx) = watch::channel(menu(1));
    let station = start_waiting(&tx);
    let changed = set_price(&tx, "crab cakes", 900);
    expect_eq!(
        changed,
        false,
        "there are no crab cakes on the menu: nothing changes, so return false"
    );
    if station.is_woken() || rx.has_changed().ok() != Some(false) {
        fail(
            "setting the price of a dish that is not on the menu woke a waiting station, though \
             nothing changed: let the closure of `send_if_modified` return false when it finds \
             no such dish.",
        );
    }
    expect_eq!(
        rx.borrow().clone(),
        menu(1),
        "the board must stay untouched (do not add the dish)"
    );
}

async fn set_price_with_no_station_watching() {
    let (tx, rx) = watch::channel(menu(1));
    drop(rx);
    let changed = set_price(&tx, "leek soup", 500);
    expect_eq!(
        changed,
        true,
        "leek soup cost 450, so setting it to 500 changes the board, watched or not"
    );
    let mut expected = menu(1);
    expected.dishes[0].price = 500;
    let late = tx.subscribe();
    expect_eq!(
        late.borrow().clone(),
        expected,
        "no station was watching when the price changed, and a station that subscribes \
         afterwards must see the new price. `send` refuses to store a value when there is no \
         receiver; `send_if_modified` stores it in every case"
    );
}

// ---- task 4: post_menu ---------------------------------------------------

async fn post_menu_reaches_the_stations() {
    let (tx, rx) = watch::channel(menu(1));
    let station = start_waiting(&tx);
    let (next, then) = (vary::count(2u32, 2..=20), vary::count(3u32, 21..=40));
    post_menu(&tx, menu(next));
    expect_eq!(
        rx.borrow().clone(),
        menu(next),
        "the board shows the posted menu"
    );
    if !station.is_woken() {
        fail(format!(
            "menu {next} was posted, but a station waiting in `changed()` was not woken."
        ));
    }
    post_menu(&tx, menu(then));
    expect_eq!(
        rx.borrow().clone(),
        menu(then),
        "the board shows the menu posted last"
    );
}

async fn post_menu_with_no_station_watching() {
    let (tx, rx) = watch::channel(menu(1));
    drop(rx);
    post_menu(&tx, menu(2));
    let late = tx.subscribe();
    expect_eq!(
        late.borrow().clone(),
        menu(2),
        "no station was watching when the manager posted menu 2, and a station that subscribes \
         afterwards must still find it. `send` refuses to store a value when there is no \
         receiver (it hands it back in `SendError`); `send_replace` stores it in every case"
    );
}

// ---- task 5: run_station -------------------------------------------------

type Applied = Arc<Mutex<Vec<u32>>>;

/// A `reload` that records each menu's edition and finishes at once.
fn recorder() -> (Applied, impl FnMut(Menu) -> Ready<()> + Send + 'static) {
    let applied: Applied = Arc::new(Mutex::new(Vec::new()));
    let record = applied.clone();
    let reload = move |menu: Menu| {
        record
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(menu.edition);
        std::future::ready(())
    };
    (applied, reload)
}

/// Like [`recorder`], but each reload takes 1 ms, so that a station that
/// never stops leaves the clock room to advance.
fn slow_recorder() -> (
    Applied,
    impl FnMut(Menu) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + 'static,
) {
    let (applied, mut record) = recorder();
    let reload = move |menu: Menu| -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let recorded = record(menu);
        Box::pin(async move {
            recorded.await;
            sleep(Duration::from_millis(1)).await;
        })
    };
    (applied, reload)
}

fn applied(a: &Applied) -> Vec<u32> {
    a.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Polls a station that must keep waiting; explains when it did not.
fn poll_waiting<F: Future<Output = u32>>(
    station: &mut tokio_test::task::Spawn<F>,
    when: &str,
    log: &Applied,
) {
    if let Poll::Ready(n) = station.poll() {
        fail(format!(
            "the station stopped ({n} reloads) {when}, although the manager is still there: \
             keep waiting with `changed().await` until it returns `Err`. Reloads: {:?}",
            applied(log)
        ));
    }
    if station.is_woken() {
        fail(format!(
            "the station woke itself up {when}, although the board did not change: it should \
             wait in `changed().await`. Reloads so far: {:?}",
            applied(log)
        ));
    }
}

async fn station_reloads_at_once_then_on_each_change() {
    let (tx, rx) = watch::channel(menu(1));
    let (log, reload) = recorder();
    let mut station = mock_task(run_station(rx, reload));
    poll_waiting(&mut station, "after it started", &log);
    expect_eq!(
        applied(&log),
        vec![1],
        "the station must reload with the menu on the board right away, before waiting for a \
         change. That menu counts as seen, so `changed().await` alone never returns it"
    );
    tx.send_replace(menu(2));
    if !station.is_woken() {
        fail(
            "the manager posted menu 2, but the station was not woken: wait in `changed().await`.",
        );
    }
    poll_waiting(&mut station, "after reloading menu 2", &log);
    expect_eq!(
        applied(&log),
        vec![1, 2],
        "the manager posted menu 2: the station reloads with it, once"
    );
    // How many menus come before the station looks again: 2 when published.
    let last = vary::count(4u32, 4..=9);
    for edition in 3..=last {
        tx.send_replace(menu(edition));
    }
    poll_waiting(&mut station, &format!("after reloading menu {last}"), &log);
    let posted: Vec<String> = (3..last).map(|e| e.to_string()).collect();
    expect_eq!(
        applied(&log),
        vec![1, 2, last],
        "menus {} and {last} were posted before the station looked again: they count as one \
         change, so the station reloads once, with menu {last}",
        posted.join(", ")
    );
}

async fn station_reloads_a_menu_posted_before_it_started_once() {
    let (tx, rx) = watch::channel(menu(1));
    tx.send_replace(menu(2));
    let (log, reload) = recorder();
    let mut station = mock_task(run_station(rx, reload));
    poll_waiting(&mut station, "after it started", &log);
    expect_eq!(
        applied(&log),
        vec![2],
        "menu 2 was posted after the station's receiver was created and before the station \
         started: the station reloads with it once. Read with `borrow_and_update()`: `borrow()` \
         leaves menu 2 unseen, so `changed()` returns at once and the same menu is reloaded \
         twice"
    );
}

async fn station_stops_when_the_manager_leaves() {
    let (tx, rx) = watch::channel(menu(1));
    let (log, reload) = recorder();
    let mut station = mock_task(run_station(rx, reload));
    poll_waiting(&mut station, "after it started", &log);
    tx.send_replace(menu(2));
    drop(tx);
    if !station.is_woken() {
        fail("the manager posted menu 2 and left, but the station was not woken.");
    }
    match station.poll() {
        Poll::Ready(n) => {
            expect_eq!(
                applied(&log),
                vec![1, 2],
                "menu 2 was posted just before the manager left: the station reloads with it, \
                 then stops"
            );
            expect_eq!(
                n,
                2,
                "the station called `reload` twice and returns that count"
            );
        }
        Poll::Pending => {
            let so_far = applied(&log);
            if so_far.len() > 2 {
                fail(format!(
                    "the manager is gone, but the station keeps reloading ({} reloads so far, \
                     ending with {:?}): `changed().await` returns `Err` once every `Sender` is \
                     dropped and the last menu was seen. Stop then instead of ignoring the \
                     error.",
                    so_far.len(),
                    &so_far[so_far.len() - 3..]
                ));
            }
            fail(format!(
                "the manager is gone (every `Sender` dropped), but the station is still \
                 waiting: stop when `changed().await` returns `Err`. Reloads: {so_far:?}"
            ));
        }
    }
}

async fn station_stops_at_once_when_nothing_is_new() {
    let (tx, rx) = watch::channel(menu(1));
    let (log, reload) = recorder();
    let mut station = mock_task(run_station(rx, reload));
    poll_waiting(&mut station, "after it started", &log);
    drop(tx);
    match station.poll() {
        Poll::Ready(n) => {
            expect_eq!(
                applied(&log),
                vec![1],
                "the manager left without posting anything new: the station reloaded menu 1 \
                 at the start and nothing since"
            );
            expect_eq!(
                n,
                1,
                "the station called `reload` once and returns that count"
            );
        }
        Poll::Pending => {
            let so_far = applied(&log);
            fail(if so_far.len() > 1 {
                format!(
                    "the manager is gone, but the station keeps reloading ({} reloads so far): \
                     `changed().await` returns `Err` once every `Sender` is dropped. Stop then \
                     instead of ignoring the error.",
                    so_far.len()
                )
            } else {
                "the manager is gone (every `Sender` dropped), but the station is still \
                 waiting: stop when `changed().await` returns `Err`."
                    .to_string()
            });
        }
    }
}

async fn three_stations_share_one_board() {
    let (tx, rx) = watch::channel(menu(1));
    let mut stations = Vec::new();
    for _ in 0..3 {
        let (log, reload) = slow_recorder();
        stations.push((log, tokio::spawn(run_station(rx.clone(), reload))));
    }
    drop(rx);
    sleep(Duration::from_millis(10)).await;
    tx.send_replace(menu(2));
    tx.send_replace(menu(3));
    sleep(Duration::from_millis(10)).await;
    tx.send_replace(menu(4));
    sleep(Duration::from_millis(10)).await;
    drop(tx);
    for (i, (log, handle)) in stations.into_iter().enumerate() {
        match timeout(Duration::from_millis(200), handle).await {
            Ok(Ok(n)) => {
                expect_eq!(
                    applied(&log),
                    vec![1, 3, 4],
                    "station {i}: every station reloads menu 1 at the start, then menu 3 once \
                     (2 and 3 were posted together), then menu 4"
                );
                expect_eq!(n, 3, "station {i} called `reload` three times");
            }
            Ok(Err(err)) => std::panic::resume_unwind(err.into_panic()),
            Err(_) => {
                let so_far = applied(&log);
                fail(if so_far.len() > 3 {
                    format!(
                        "station {i} keeps reloading after the manager left ({} reloads so \
                         far): `changed().await` returns `Err` once every `Sender` is dropped. \
                         Stop then instead of ignoring the error.",
                        so_far.len()
                    )
                } else {
                    format!(
                        "station {i} is still waiting after the manager left: stop when \
                         `changed().await` returns `Err`. Reloads: {so_far:?}"
                    )
                })
            }
        }
    }
}

async fn station_timeline() {
    let log = Log::new();
    let (events, mut heard) = mpsc::unbounded_channel::<(&'static str, String)>();
    let (tx, rx) = watch::channel(menu(1));

    // Reprinting the station's card takes 100 ms.
    let station_events = events.clone();
    let reload = move |menu: Menu| {
        let ev = station_events.clone();
        let _ = ev.send((
            "station",
            format!("reprints its card: menu {}", menu.edition),
        ));
        async move {
            sleep(Duration::from_millis(100)).await;
            let _ = ev.send(("station", format!("card ready: menu {}", menu.edition)));
        }
    };
    let mut station = tokio::spawn(run_station(rx, reload));

    let manager = tokio::spawn(async move {
        let post = |edition: u32| {
            tx.send_replace(menu(edition));
            let _ = events.send(("manager", format!("posts menu {edition}")));
        };
        sleep(Duration::from_millis(50)).await;
        post(2);
        sleep(Duration::from_millis(10)).await;
        post(3);
        sleep(Duration::from_millis(240)).await;
        post(4);
        sleep(Duration::from_millis(200)).await;
        post(5);
        let _ = events.send(("manager", "leaves".to_string()));
        drop(tx);
    });

    let reloads = loop {
        tokio::select! {
            biased;
            Some((who, what)) = heard.recv() => log.event(who, what),
            done = &mut station => break done,
        }
        if log.events().len() > 30 {
            fail(format!(
                "the station never stopped after the manager left: `changed().await` returns \
                 `Err` once every `Sender` is dropped; stop then.\n{}",
                log.render()
            ));
        }
    };
    match reloads {
        Ok(n) => log.event("station", format!("stops after {n} reloads")),
        Err(err) => std::panic::resume_unwind(err.into_panic()),
    }
    let _ = manager.await;
    snapshot(
        "station_timeline",
        &log.render(),
        "the station reloads with menu 1 right away, then once per change with the latest menu \
         (menus 2 and 3, posted while it reprinted its card, count as one change: it reloads \
         menu 3 only), and stops once the manager has left and menu 5 is reloaded",
    );
}
