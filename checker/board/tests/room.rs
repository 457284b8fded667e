//! A workshop on one machine: the board on 127.0.0.1, two real checkers
//! sharing (`check --share`), twenty-eight simulated attendees posting
//! real check/v1 verdicts (solving, stuck), one flooding, one sending
//! garbage and one holding a connection open; then the board is killed
//! and restarted, and its journal becomes the class report.

mod common;
use common::*;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

#[test]
fn a_room_of_attendees_a_flood_and_garbage_then_a_restart() {
    let dir = temp_dir("room");
    let board = Board::start(&dir, Some(CODE));

    // Two real checkers share; their verdicts (check/v1) feed the others.
    let share = ["--share", &board.address, "--code", CODE];
    let (stub_json, stub_err) = checker(
        &[
            &["check", "01", "--stubs", "--format", "json"][..],
            &share,
            &["--name", "real stub"],
        ]
        .concat(),
    );
    assert!(
        !stub_err.contains("share:"),
        "the board did not take it: {stub_err}"
    );
    let (solved_json, solved_err) = checker(
        &[
            &["check", "01", "--solutions", "--format", "json"][..],
            &share,
            &["--name", "real solver"],
        ]
        .concat(),
    );
    assert!(!solved_err.contains("share:"), "{solved_err}");
    assert!(solved_json.contains("\"passed\":true"), "{solved_json}");

    // A checker pointed at a board that is not there: the verdict, then
    // one line.
    let (out, err) = checker(
        &[
            &["check", "01", "--stubs"][..],
            &["--share", "127.0.0.1:9", "--code", CODE, "--name", "x"],
        ]
        .concat(),
    );
    assert!(out.contains("01"), "no verdict: {out}");
    let notices: Vec<&str> = err.lines().filter(|l| l.contains("share:")).collect();
    assert_eq!(notices.len(), 1, "{err}");

    // A connection that sends half a header and holds: must not stall
    // anyone, and is closed by the board.
    let mut loris = std::net::TcpStream::connect(&board.address).unwrap();
    loris
        .write_all(b"POST /share HTTP/1.1\r\nHost: b\r\n")
        .unwrap();

    std::thread::scope(|s| {
        for i in 0..28 {
            let (board, stub, solved) = (&board, &stub_json, &solved_json);
            s.spawn(move || {
                let name = format!("attendee {i:02}");
                // Everyone starts on the stub; the even ones solve it.
                let (status, body) = board.post(&share_of(stub, &name, CODE));
                assert_eq!(status, 200, "{name}: {body}");
                if i % 2 == 0 {
                    std::thread::sleep(Duration::from_millis(50));
                    let (status, body) = board.post(&share_of(solved, &name, "testroom"));
                    assert_eq!(status, 200, "{name}: {body}");
                }
            });
        }
        // The flood: one name, as fast as it can.
        let flood = s.spawn(|| {
            let doc = share_of(&stub_json, "flood", CODE);
            let mut answers = std::collections::BTreeMap::<u16, usize>::new();
            for _ in 0..200 {
                *answers.entry(board.post(&doc).0).or_default() += 1;
            }
            answers
        });
        // Garbage of every kind.
        let garbage = s.spawn(|| {
            let nested = "[".repeat(60_000);
            let cases: Vec<(String, u16, &str)> = vec![
                ("not json at all".into(), 400, "JSON"),
                (nested, 400, "nested"),
                (
                    share_of(&stub_json, "garbage", "WRONGCODE"),
                    403,
                    "join code",
                ),
                (
                    share_of(&stub_json, "garbage", CODE).replace("01-bounded-send", "99-evil"),
                    400,
                    "not an exercise",
                ),
                (
                    share_of(&stub_json, "garbage", CODE).replace("\"not_started\"", "\"winner\""),
                    400,
                    "not a verdict",
                ),
                ("x".repeat(70_000), 413, "too large"),
            ];
            for (body, want, why) in cases {
                let (status, text) = board.post(&body);
                assert_eq!(status, want, "{text}");
                assert!(text.contains(why), "{want}: {text}");
            }
            let (status, _) = request(&board.address, "\u{0}\u{1}\u{2} not http\r\n\r\n");
            assert_eq!(status, 400);
            let (status, _) = board.get("/events?code=WRONG");
            assert_eq!(status, 403);
        });
        let answers = flood.join().unwrap();
        garbage.join().unwrap();
        assert!(answers.get(&200).is_some_and(|n| *n >= 1), "{answers:?}");
        assert!(answers.get(&429).is_some_and(|n| *n >= 150), "{answers:?}");
    });

    // The held connection was closed by the board (header timeout).
    loris
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let started = Instant::now();
    let mut buf = Vec::new();
    let _ = loris.read_to_end(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(29),
        "the slow client was never dropped"
    );

    // The room: 2 real + 28 simulated + the flood; no garbage.
    std::thread::sleep(Duration::from_millis(600));
    let page = board.page();
    assert_eq!(rows(&page), 31, "{page}");
    assert!(page.contains("real solver") && page.contains("attendee 27"));
    assert!(!page.contains("garbage"));
    // The stuck half (odd attendees, the stub, the flood) is on 01 task 1.
    assert!(page.contains("<b>01 task 1: "), "{page}");
    assert!(page.contains(": 16 of 31"), "{page}");
    assert!(page.contains("requests refused"));

    // Killed mid-session and restarted without --code: same code, same room.
    drop(board);
    let board = Board::start(&dir, None);
    let again = board.page();
    assert_eq!(rows(&again), 31);
    assert!(again.contains("real solver") && again.contains("attendee 26"));

    // The journal becomes the class report.
    let report = dir.join("class.html");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_checker-board"))
        .arg("--dir")
        .arg(&dir)
        .arg("--report")
        .arg(&report)
        .status()
        .unwrap();
    assert!(status.success());
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("attendee 00") && html.contains("real stub"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn names_are_escaped_on_the_page() {
    let dir = temp_dir("escape");
    let board = Board::start(&dir, Some(CODE));
    let doc = format!(
        r#"{{"schema":"{}","code":"{CODE}","name":"<img src=x onerror=alert(1)>","exercises":[{{"exercise":"01-bounded-send","compile_error":{{"message":"<script>alert(2)</script>"}},"tasks":[{{"task":1,"status":"compile_error","tests":[]}}]}}]}}"#,
        checker::report::share::SCHEMA
    );
    assert_eq!(board.post(&doc).0, 200);
    std::thread::sleep(Duration::from_millis(600));
    let page = board.page();
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.contains("<img") && !page.contains("<script>alert"));
    // Without the code, no board.
    let (status, body) = board.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("Join code") && !body.contains("onerror"));
    let _ = std::fs::remove_dir_all(&dir);
}
