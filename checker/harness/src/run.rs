//! The test process: argument handling, the paused runtime, panic capture.

use crate::Test;
use crate::expect::take_failure;
use crate::outcome::{Outcome, PanicRecord, Status};
use std::cell::RefCell;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

/// How much virtual time a test may take. Virtual time is free under the
/// paused clock, so this is generous: reaching it means that nothing could
/// ever wake the test up again.
const VIRTUAL_DEADLINE: Duration = Duration::from_secs(600);

thread_local! {
    static PANICS: RefCell<Vec<PanicRecord>> = const { RefCell::new(Vec::new()) };
}

/// Entry point of a hidden-test binary.
///
/// * `--list` prints `task<TAB>name` per test;
/// * `--run NAME --result FILE` runs one test (for authors at a shell);
/// * `--run - --result FILE` reads the test's name and the run's seed from
///   stdin first (see [`take_header`]): how the checker runs every test;
/// * `--observer fd:4` after either: the checker answers the test's
///   questions about its own threads (see `observe`).
///
/// With `--result FILE` the nonce follows on stdin (see `report`).
pub fn main(tests: &[Test]) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["--list"] => {
            let mut out = std::io::stdout().lock();
            for t in tests {
                let _ = writeln!(out, "{}\t{}", t.task, t.name);
            }
        }
        ["--run", name, "--result", path, rest @ ..] if matches!(rest, [] | ["--observer", _]) => {
            let (name, seed) = if *name == "-" {
                take_header()
            } else {
                (name.to_string(), None)
            };
            let Some(test) = tests.iter().find(|t| t.name == name) else {
                eprintln!("no hidden test named {name}");
                std::process::exit(2);
            };
            crate::vary::start(seed, test.name);
            // The result channel is taken before any code under test
            // runs (see `report`).
            crate::report::hold(crate::report::Channel::open(path));
            crate::observe::open(rest.get(1).copied());
            crate::limits::apply();
            let outcome = run_one(test);
            crate::report::finish_held(&outcome);
        }
        _ => {
            eprintln!("usage: --list | --run NAME --result FILE [--observer fd:4]");
            std::process::exit(2);
        }
    }
}

/// Reads what the checker says about the run on stdin, before any code
/// under test runs: the test's name on the first line, the seed of a
/// graded run (or `-`) on the second.
///
/// Not the command line, nor the environment: the code under test can
/// read `std::env::args` for its whole life, and `/proc/self/environ`
/// keeps the first environment even after a variable is removed (without
/// the sandbox it is readable). What is read from a pipe is gone from it,
/// and the checker has closed its end: a later read of stdin, or of
/// `/proc/self/fd/0`, finds the end of the stream. Exercise 09 depends on
/// it: its test names say which mutant of the relay runs; and every
/// exercise does, since a test's name would say which memorised answer to
/// give.
fn take_header() -> (String, Option<u64>) {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut line = || {
        let mut s = String::new();
        let _ = std::io::BufRead::read_line(&mut lock, &mut s);
        s.trim().to_string()
    };
    let name = line();
    let seed = line().parse().ok();
    (name, seed)
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
            s.to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "(a panic with a non-string payload)".to_string()
        };
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        // On the current-thread runtime spawned tasks run on this thread
        // too; a task id tells them apart from the test's own future.
        let thread = match tokio::task::try_id() {
            Some(id) => format!("spawned task {id}"),
            None => std::thread::current()
                .name()
                .unwrap_or("unnamed")
                .to_string(),
        };
        PANICS.with(|p| {
            p.borrow_mut().push(PanicRecord {
                message,
                location,
                thread,
            })
        });
    }));
}

/// Runs the test until it finishes or the paused clock reaches the
/// deadline. On a stall the test's explanations are gathered while its
/// future is still alive, so they can see the handles it holds (a
/// `WeakSender` counting strong senders must not find them already
/// dropped).
async fn until_deadline(mut test: crate::TestFuture) -> Result<(), Ended> {
    let deadline = tokio::time::sleep(VIRTUAL_DEADLINE);
    let mut deadline = std::pin::pin!(deadline);
    std::future::poll_fn(|cx| {
        if let Some(why) = crate::spin::before_test_poll(cx.waker()) {
            return std::task::Poll::Ready(Err(Ended::Spun(why)));
        }
        if test.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Ok(()));
        }
        if deadline.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Err(Ended::Stalled(crate::stall::explanations())));
        }
        std::task::Poll::Pending
    })
    .await
}

/// Why a test ended without finishing.
enum Ended {
    /// The paused clock reached the deadline; the test's explanations.
    Stalled(Vec<String>),
    /// The code spun at one instant (see `spin`); the explanation.
    Spun(String),
}

/// Ends the test, from the sampler's thread, when one poll has computed
/// for `budget::POLL_CPU_MS` (see `blocking`): the same verdict as a spin
/// caught by `spin`, with the same advice. Nothing of the runtime's thread
/// is read: it is still inside the loop.
fn busy_poll() {
    let outcome = Outcome {
        status: Status::Busy,
        message: crate::spin::explain(&format!(
            "it computed for {} ms of processor time inside one poll and never returned to the \
             runtime (no other task could run meanwhile)",
            crate::budget::POLL_CPU_MS
        )),
        diff: None,
        location: None,
        panics: Vec::new(),
        events: Vec::new(),
        expected_events: None,
        virtual_ms: 0,
        wall_ms: 0.0,
        busy_ms: 0.0,
        blocked_ms: None,
        peak_polls: 0,
    };
    crate::report::finish_held(&outcome);
}

fn is_todo(message: &str) -> bool {
    message.starts_with("not yet implemented") || message.starts_with("not implemented")
}

fn run_one(test: &Test) -> Outcome {
    install_panic_hook();
    let mut builder = tokio::runtime::Builder::new_current_thread();
    builder
        .enable_time()
        .start_paused(true)
        // Parking is the runtime sleeping by design, not a blocking call.
        .on_thread_park(crate::blocking::parked)
        .on_thread_unpark(crate::blocking::unparked);
    // `select!` without `biased;` picks a branch at random, seeded afresh
    // for every runtime: the same code could then pass one run and fail
    // the next, or explain its failure differently. The checker builds the
    // hidden tests with `--cfg tokio_unstable` (see `compile.rs`), which
    // lets the seed be fixed: the order is still pseudo-random within a
    // test (a loop of `select!`s sees both branches win), but the same in
    // every run, on every machine.
    #[cfg(tokio_unstable)]
    builder.on_before_task_poll(|_| crate::spin::before_task_poll());
    #[cfg(tokio_unstable)]
    builder.rng_seed(tokio::runtime::RngSeed::from_bytes(
        b"tokio-channels-course",
    ));
    let rt = builder
        .build()
        .expect("building a current-thread runtime cannot fail");
    let start = {
        let _enter = rt.enter();
        tokio::time::Instant::now()
    };
    let wall = std::time::Instant::now();
    // Only where spawned tasks' polls are counted too (the task hook).
    let on_busy_poll = cfg!(tokio_unstable).then_some(busy_poll as fn());
    let sampler = crate::blocking::start(on_busy_poll);
    let result = catch_unwind(AssertUnwindSafe(|| {
        // The timer must be created inside the runtime.
        rt.block_on(until_deadline((test.run)()))
    }));
    let wall_ms = wall.elapsed().as_secs_f64() * 1000.0;
    let blocked_ms = sampler.and_then(crate::blocking::Sampler::finish);
    let virtual_ms = {
        let _enter = rt.enter();
        start.elapsed().as_millis()
    };
    let busy_ms = rt.metrics().worker_total_busy_duration(0).as_secs_f64() * 1000.0;
    let _ = std::panic::take_hook();

    let panics = PANICS.with(|p| p.borrow().clone());
    let failure = take_failure();
    let first_spawned_panic = panics.iter().find(|p| p.thread.starts_with("spawned"));
    let (status, message, location) = if let Some(p) = panics.iter().find(|p| is_todo(&p.message)) {
        (Status::Todo, p.message.clone(), p.location.clone())
    } else if let Some(f) = &failure {
        let loc = panics.last().and_then(|p| p.location.clone());
        let status = if f.busy { Status::Busy } else { Status::Fail };
        (status, f.why.clone(), loc)
    } else if let Err(_) | Ok(Err(_)) = &result
        && let Some(p) = first_spawned_panic.or(panics.first())
    {
        (Status::Panic, p.message.clone(), p.location.clone())
    } else if result.is_err() {
        // The test unwound without a recorded panic: the code under test
        // replaced the panic hook or called `resume_unwind`. An unwind is
        // never a pass.
        (
            Status::Panic,
            "the test panicked, but its panic message was hidden: the code under test \
             replaced the panic hook (`std::panic::set_hook`) or unwound with \
             `std::panic::resume_unwind`"
                .to_string(),
            None,
        )
    } else if let Ok(Err(Ended::Spun(why))) = &result {
        (Status::Busy, why.clone(), None)
    } else if let Ok(Err(Ended::Stalled(explained))) = &result {
        let mut why = explained.clone();
        if why.is_empty() {
            why.push("every task was waiting and nothing could wake them up".to_string());
        }
        (Status::Deadlock, why.join("\n"), None)
    } else {
        (Status::Pass, String::new(), None)
    };
    Outcome {
        status,
        message,
        diff: failure.as_ref().and_then(|f| f.diff.clone()),
        expected_events: failure.and_then(|f| f.expected_events),
        location,
        panics,
        events: crate::log::all_events(),
        virtual_ms,
        wall_ms,
        busy_ms,
        blocked_ms,
        peak_polls: crate::spin::peak(),
    }
}
