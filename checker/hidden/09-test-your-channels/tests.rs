//! Hidden tests of exercise 09: the learner's tests, judged by the
//! mutants they catch.
//!
//! The learner writes one test function per task. For each task the
//! checker runs that function once against the correct relay (it must
//! pass: anything else is a false alarm) and once against each mutant of
//! the task's behaviour (it must fail or never finish: the mutant is
//! caught). Every run is a process of its own, so each run chooses its
//! relay with `relay_under_test::choose` before the learner's code starts;
//! the learner's crate is compiled once per check.
//!
//! Each entry's name is `TEST` (the correct relay) or `TEST_vs_MUTANT`.
//! `TESTS` are graded. `CROSS` is for `verify` only: each task's test
//! against every *other* task's mutants, which the reference suite must
//! not catch (a mutant is caught by its own task's test, or the verdict
//! would blame the wrong behaviour).

use harness::prelude::*;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Poll;

/// How much virtual time one run of a learner's test may take. A run that
/// has not finished by then never will: against a mutant that counts as
/// caught (`cargo test` would never pass either); against the correct
/// relay it is a deadlock, reported as such.
const LIMIT: Duration = Duration::from_secs(300);

/// The graded runs: for each task, its test against the correct relay,
/// then against each mutant of its behaviour, with what the mutant breaks
/// in the lesson's words and what to look at when it survives.
macro_rules! graded {
    ($( $task:literal : $test:ident { $( $variant:ident => $what:literal, $look:literal; )* } )*) => {
        pub static TESTS: &[harness::Test] = &[$(
            harness::Test {
                task: $task,
                name: stringify!($test),
                run: || Box::pin(on_the_relay(stringify!($test), test_your_channels::$test)),
            },
            $(harness::Test {
                task: $task,
                name: concat!(stringify!($test), "_vs_", stringify!($variant)),
                run: || Box::pin(against(
                    stringify!($test),
                    stringify!($variant),
                    $what,
                    $look,
                    test_your_channels::$test,
                )),
            },)*
        )*];
    };
}

/// The cross runs: each test against the mutants of the other tasks.
macro_rules! cross {
    ($( $task:literal : $test:ident [ $( $variant:ident )* ] )*) => {
        // Only the `cross` slot's harness (verify's cross check) reads it;
        // every other build of these tests leaves it unused.
        #[allow(dead_code)]
        pub static CROSS: &[harness::Test] = &[$($(
            harness::Test {
                task: $task,
                name: concat!(stringify!($test), "_vs_", stringify!($variant)),
                run: || Box::pin(against(
                    stringify!($test),
                    stringify!($variant),
                    concat!("the mutant `", stringify!($variant), "` of another task"),
                    "",
                    test_your_channels::$test,
                )),
            },
        )*)*];
    };
}

graded! {
    1: backpressure {
        drops_when_full =>
            "a relay that drops the item when it is full (its `send` returns `Ok` at once)",
            "Fill the relay to its `capacity` and check, with `assert_pending!` on a mock task \
             (`tokio_test::task::spawn`), that the next `send` waits.";
        one_more_than_capacity =>
            "a relay that lets one item more than its `capacity` wait",
            "Check that the `send` right after `capacity` accepted items is pending, not only \
             that some later one is.";
        lost_wakeup =>
            "a relay that never wakes a waiting sender when a place frees up",
            "After the consumer takes an item, check that the waiting sender's task was woken \
             (`is_woken()`), then that its `send` is ready.";
    }
    2: order_and_contents {
        newest_first =>
            "a relay that delivers each batch newest item first",
            "Send several items that end up in one batch, and compare everything received with \
             everything sent, in order (`assert_eq!` from pretty_assertions shows the diff).";
        loses_newest_at_window =>
            "a relay that loses the newest item of a batch delivered by its window",
            "Make sure at least one batch of two or more items is delivered by its window, not \
             because it is full, and that every item sent comes out.";
    }
    3: window {
        late_by_one_tick =>
            "a relay that delivers a batch one millisecond after its window",
            "On the paused clock, `advance` to one millisecond before the window's end (still \
             pending), then to the end itself (ready).";
        window_from_last_item =>
            "a relay that counts the window from a batch's latest item instead of its first",
            "Send a second item while the batch is open and check that the batch still goes \
             when the window of the first item ends.";
    }
    4: full_batches {
        full_batch_waits =>
            "a relay that holds a full batch back until its window ends",
            "Record when each batch arrives (the paused clock's `Instant`) in a log and snapshot \
             it: a full batch arrives at once.";
        one_too_many_per_batch =>
            "a relay that puts one item more than `max_batch` in a batch",
            "Record how many items each batch holds, and send more than `max_batch` items at \
             once.";
    }
    5: closing {
        loses_last_batch =>
            "a relay that loses the last, partial batch when it closes",
            "Drop every `Sender` while a batch is only partly full, and check that its items \
             still arrive before `next_batch` returns `None`.";
        waits_window_at_close =>
            "a relay that waits for the window before delivering the last batch at close",
            "Check on the paused clock that the last batch arrives at the moment the relay \
             closes, not when its window would have ended.";
        accepts_after_close =>
            "a relay whose `send` still says `Ok` after it closed (the item is lost)",
            "After `close()`, or after the `Batches` is dropped, check that `send` fails and \
             hands the item back: `Err(Closed(item))`.";
    }
}

cross! {
    1: backpressure [
        newest_first loses_newest_at_window late_by_one_tick window_from_last_item
        full_batch_waits one_too_many_per_batch loses_last_batch waits_window_at_close
        accepts_after_close
    ]
    2: order_and_contents [
        drops_when_full one_more_than_capacity lost_wakeup late_by_one_tick
        window_from_last_item full_batch_waits one_too_many_per_batch loses_last_batch
        waits_window_at_close accepts_after_close
    ]
    3: window [
        drops_when_full one_more_than_capacity lost_wakeup newest_first loses_newest_at_window
        full_batch_waits one_too_many_per_batch loses_last_batch waits_window_at_close
        accepts_after_close
    ]
    4: full_batches [
        drops_when_full one_more_than_capacity lost_wakeup newest_first loses_newest_at_window
        late_by_one_tick window_from_last_item loses_last_batch waits_window_at_close
        accepts_after_close
    ]
    5: closing [
        drops_when_full one_more_than_capacity lost_wakeup newest_first loses_newest_at_window
        late_by_one_tick window_from_last_item full_batch_waits one_too_many_per_batch
    ]
}

/// How one run of a learner's test ended.
enum Ran {
    Passed,
    Failed(String),
    Unfinished,
}

/// Runs `test` until it finishes, panics, or has taken `LIMIT` of virtual
/// time. A panic is caught here, so that it fails this run only.
async fn run_limited(test: impl Future<Output = ()>) -> Ran {
    let mut test = std::pin::pin!(test);
    let mut limit = std::pin::pin!(sleep(LIMIT));
    std::future::poll_fn(
        |cx| match catch_unwind(AssertUnwindSafe(|| test.as_mut().poll(cx))) {
            Ok(Poll::Ready(())) => Poll::Ready(Ran::Passed),
            Err(payload) => Poll::Ready(Ran::Failed(panic_message(payload.as_ref()))),
            Ok(Poll::Pending) if limit.as_mut().poll(cx).is_ready() => Poll::Ready(Ran::Unfinished),
            Ok(Poll::Pending) => Poll::Pending,
        },
    )
    .await
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic with a non-string payload)".to_string()
    }
}

/// The learner's test against the correct relay: it must pass.
async fn on_the_relay<F: Future<Output = ()>>(name: &'static str, test: fn() -> F) {
    relay_under_test::choose("correct");
    match run_limited(test()).await {
        Ran::Passed => {}
        Ran::Failed(message) => fail(format!(
            "false alarm: your `{name}` test fails against the correct relay, so it would \
             fail on correct code too. It said:\n{message}"
        )),
        Ran::Unfinished => {
            on_stall(move || {
                Some(format!(
                    "your `{name}` test had not finished after {} s of virtual time against the \
                     correct relay: it waits for something the relay never does. Is it waiting \
                     for a batch while a `Sender` is still alive and nothing more is sent?",
                    LIMIT.as_secs()
                ))
            });
            // The harness's own deadline reports the deadlock.
            std::future::pending::<()>().await
        }
    }
}

/// The learner's test against one mutant: it must fail (or never finish).
async fn against<F: Future<Output = ()>>(
    name: &'static str,
    variant: &'static str,
    what: &'static str,
    look: &'static str,
    test: fn() -> F,
) {
    relay_under_test::choose(variant);
    if let Ran::Passed = run_limited(test()).await {
        fail(format!(
            "{what} was not caught: your `{name}` test passed against it. {look}"
        ));
    }
}
