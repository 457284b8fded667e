//! The board in a real browser: headless Chromium opens the page, and a
//! verdict shared afterwards appears in it without a reload, carried by
//! the page's event stream.
//!
//! Chromium is driven over its DevTools pipe (`--remote-debugging-pipe`:
//! JSON messages on file descriptors 3 and 4, which `sh` connects to the
//! child's stdin and stdout), so no WebSocket client is needed. As in the
//! class report's browser test, a missing browser fails on CI (`.ci/run`
//! installs it) and skips elsewhere.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn browser() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .map(String::from)
        .chain(std::env::var("CHROMIUM").ok())
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

struct Devtools {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: mpsc::Receiver<String>,
    next: u64,
}

impl Devtools {
    fn start(browser: &str, profile: &std::path::Path) -> Devtools {
        let script = format!(
            "exec {browser} --headless --no-sandbox --disable-gpu --no-first-run \
             --disable-background-networking --disable-component-update --disable-sync \
             --user-data-dir='{}' --remote-debugging-pipe about:blank \
             3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null",
            profile.display()
        );
        // Killed at the end, the browser cannot remove what it keeps in
        // the temporary folder: give it one inside the test's scratch.
        let tmp = profile.with_file_name("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .env("TMPDIR", &tmp)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the browser");
        let to = child.stdin.take().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, from) = mpsc::channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(out);
            loop {
                let mut msg = Vec::new();
                if r.read_until(0, &mut msg).unwrap_or(0) == 0 {
                    return;
                }
                msg.pop();
                if tx.send(String::from_utf8_lossy(&msg).to_string()).is_err() {
                    return;
                }
            }
        });
        Devtools {
            child,
            to,
            from,
            next: 0,
        }
    }

    /// Sends one command and waits (at most 30 s) for its answer.
    fn call(&mut self, session: Option<&str>, method: &str, params: &str) -> String {
        self.next += 1;
        let id = self.next;
        let session = session.map_or(String::new(), |s| format!(",\"sessionId\":\"{s}\""));
        let msg = format!("{{\"id\":{id},\"method\":\"{method}\",\"params\":{params}{session}}}\0");
        self.to.write_all(msg.as_bytes()).unwrap();
        self.to.flush().unwrap();
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let answer = self
                .from
                .recv_timeout(left)
                .expect("the browser did not answer");
            if answer.starts_with(&format!("{{\"id\":{id},")) {
                return answer;
            }
        }
    }

    /// The value of a JavaScript expression in the page, as JSON text.
    fn eval(&mut self, session: &str, expr: &str) -> String {
        let params = format!(
            "{{\"expression\":{},\"returnByValue\":true}}",
            checker::util::json::strings([expr])
                .trim_start_matches('[')
                .trim_end_matches(']')
        );
        let answer = self.call(Some(session), "Runtime.evaluate", &params);
        let doc: tinyjson::JsonValue = answer.parse().unwrap();
        doc["result"]["result"]["value"]
            .stringify()
            .unwrap_or_default()
    }
}

impl Drop for Devtools {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn field(json: &str, key: &str) -> String {
    let doc: tinyjson::JsonValue = json.parse().unwrap();
    match &doc["result"][key] {
        tinyjson::JsonValue::String(s) => s.clone(),
        other => panic!("no {key} in {json}: {other:?}"),
    }
}

#[test]
fn chromium_sees_the_board_update_without_a_reload() {
    let Some(browser) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no chromium on CI: .ci/run installs Debian's `chromium` package"
        );
        eprintln!("skipped: no chromium here (apt-get install chromium)");
        return;
    };
    let dir = temp_dir("browser");
    let board = Board::start(&dir, Some(CODE));
    let first = format!(
        r#"{{"schema":"{}","code":"{CODE}","name":"early bird","exercises":[{{"exercise":"01-bounded-send","tasks":[{{"task":1,"status":"fail","tests":[{{"name":"t","status":"fail","message":"the belt closed early"}}]}}]}}]}}"#,
        checker::report::share::SCHEMA
    );
    assert_eq!(board.post(&first).0, 200);

    let mut dt = Devtools::start(&browser, &dir.join("profile"));
    let url = format!("http://{}/?code={CODE}", board.address);
    let target = dt.call(
        None,
        "Target.createTarget",
        &format!("{{\"url\":\"{url}\"}}"),
    );
    let target = field(&target, "targetId");
    let attached = dt.call(
        None,
        "Target.attachToTarget",
        &format!("{{\"targetId\":\"{target}\",\"flatten\":true}}"),
    );
    let session = field(&attached, "sessionId");

    // Wait until the page is live (its first event arrived), then mark
    // the window: a reload would lose the mark.
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let updates = dt.eval(
            &session,
            "document.body && document.body.getAttribute('data-updates')",
        );
        if updates
            .trim_matches('"')
            .parse::<u32>()
            .is_ok_and(|n| n >= 1)
        {
            break;
        }
        assert!(Instant::now() < until, "the page never received an event");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        dt.eval(&session, "document.body.innerText")
            .contains("early bird")
    );
    dt.eval(&session, "window.notReloaded = true");

    let late = first
        .replace("early bird", "late <b>owl</b>")
        .replace("\"fail\"", "\"deadlock\"");
    assert_eq!(board.post(&late).0, 200);
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let text = dt.eval(&session, "document.getElementById('board').innerText");
        if text.contains("late <b>owl</b>") {
            break;
        }
        assert!(
            Instant::now() < until,
            "the new attendee never appeared: {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(dt.eval(&session, "window.notReloaded === true"), "true");
    // Drawn in the class report's colours: a deadlock cell is purple.
    let colour = dt.eval(
        &session,
        "getComputedStyle(document.querySelector('#grid td.v-deadlock')).backgroundColor",
    );
    assert_eq!(colour, "\"rgb(106, 27, 154)\"");
    // The name stayed text: no element came from it.
    assert_eq!(
        dt.eval(&session, "document.querySelectorAll('#grid b').length"),
        "0"
    );
    drop(dt);
    drop(board);
    remove_scratch(&dir);
}
