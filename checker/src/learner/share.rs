//! `check --share` and `watch --share`: each check's verdicts go to the
//! workshop board (`checker/board`) in the background.
//!
//! Sharing must never slow or break the learner's loop, so the verdict is
//! printed first, the POST runs on a thread of its own with a short
//! timeout on every step (resolve, connect, write, read), and whatever
//! goes wrong comes back as one line to show. A board that is down costs
//! at most [`TIMEOUT`] after the verdict, once.
//!
//! A dozen lines of HTTP/1.1 over `std::net` rather than an HTTP client
//! crate: every learner compiles the checker's dependencies before a
//! first verdict, and one POST with `Connection: close` needs none.

use crate::model::course::Paths;
use crate::model::results::ExerciseResult;
use crate::report::share::{Sender, render};
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Duration;

/// The longest a share may take, from start to the board's answer.
pub const TIMEOUT: Duration = Duration::from_secs(2);

/// The board's port when the address names none (`board`'s default).
pub const DEFAULT_PORT: u16 = 7878;

/// Where to share, as the learner gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    /// `host:port`.
    pub address: String,
    pub code: String,
    pub name: String,
}

impl Share {
    /// Checks the three options together; the message says what to fix.
    pub fn new(address: &str, code: &str, name: &str) -> Result<Share, String> {
        let address = host_port(address)?;
        let code = code.trim().to_ascii_uppercase();
        if code.is_empty() || code.len() > 16 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "--code `{code}` is not a join code: the board prints it (letters and digits)"
            ));
        }
        let name = name.trim().to_string();
        if name.is_empty() || name.chars().count() > 32 || name.chars().any(char::is_control) {
            return Err("--name must be 1 to 32 characters, the name the board shows".into());
        }
        Ok(Share {
            address,
            code,
            name,
        })
    }

    /// Starts sending `results`; the answer is collected with
    /// [`Sending::wait`].
    pub fn start(&self, paths: &Paths, results: &[ExerciseResult]) -> Sending {
        let course = paths.learner.display().to_string();
        let body = render(
            &Sender {
                code: &self.code,
                name: &self.name,
                course: &course,
            },
            results,
        );
        let (tx, rx) = mpsc::channel();
        let address = self.address.clone();
        std::thread::spawn(move || {
            let _ = tx.send(post(&address, &body));
        });
        Sending {
            rx,
            address: self.address.clone(),
        }
    }
}

/// A share under way.
pub struct Sending {
    rx: mpsc::Receiver<Result<(), String>>,
    address: String,
}

impl Sending {
    /// Waits for the board, at most a little over [`TIMEOUT`]; `None` when
    /// it took the verdicts, else the one line to show the learner.
    pub fn wait(self) -> Option<String> {
        let why = match self.rx.recv_timeout(TIMEOUT + Duration::from_millis(500)) {
            Ok(Ok(())) => return None,
            Ok(Err(why)) => why,
            Err(_) => "no answer in time".to_string(),
        };
        Some(format!(
            "share: the board at {} did not take this check ({why}); your verdict is above, \
             and the next check is shared again",
            self.address
        ))
    }
}

/// `host:port` from what the board printed (`http://host:port/...` too).
fn host_port(address: &str) -> Result<String, String> {
    let bare = address.trim();
    let bare = bare.strip_prefix("http://").unwrap_or(bare);
    let bare = bare.split(['/', '?']).next().unwrap_or("");
    if bare.is_empty() || bare.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "--share `{address}` is not an address: give the one the board printed, like \
             192.168.1.20:{DEFAULT_PORT}"
        ));
    }
    let has_port = match bare.rsplit_once(':') {
        // `[::1]:7878`, `host:7878`; a bare IPv6 address has colons but
        // no brackets.
        Some((host, port)) => {
            port.parse::<u16>().is_ok() && (!host.contains(':') || host.ends_with(']'))
        }
        None => false,
    };
    Ok(if has_port {
        bare.to_string()
    } else {
        format!("{bare}:{DEFAULT_PORT}")
    })
}

/// One POST of `body` to `address`; `Err` says why it was not taken.
fn post(address: &str, body: &str) -> Result<(), String> {
    let target = address
        .to_socket_addrs()
        .map_err(|e| format!("cannot find {address}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot find {address}"))?;
    let mut stream = TcpStream::connect_timeout(&target, TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(TIMEOUT))
        .and_then(|()| stream.set_read_timeout(Some(TIMEOUT)))
        .map_err(|e| e.to_string())?;
    let request = format!(
        "POST /share HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| e.to_string())?;
    // The answer is a status line and one short sentence; more is not read.
    let mut answer = Vec::new();
    let _ = stream.take(2048).read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or("the board's answer is not HTTP")?;
    if (200..300).contains(&status) {
        return Ok(());
    }
    let reason: String = answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or("")
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(120)
        .collect();
    Err(format!("HTTP {status}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_as_the_board_prints_them() {
        assert_eq!(
            host_port("http://10.0.0.2:9000/?code=X").unwrap(),
            "10.0.0.2:9000"
        );
        assert_eq!(host_port("10.0.0.2").unwrap(), "10.0.0.2:7878");
        assert_eq!(host_port("[::1]:80").unwrap(), "[::1]:80");
        assert!(host_port(" ").is_err());
        assert!(Share::new("127.0.0.1:1", "ab-cd", "ann").is_err());
        assert!(Share::new("127.0.0.1:1", "abcd", "a\u{1b}b").is_err());
        assert_eq!(
            Share::new("127.0.0.1:1", " k7qx ", " ann ").unwrap().code,
            "K7QX"
        );
    }

    #[test]
    fn a_board_that_is_not_there_costs_one_line() {
        // A port that was just free: nothing listens on it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let share = Share::new(&format!("127.0.0.1:{port}"), "ABC", "ann").unwrap();
        let notice = share.start(&Paths::discover(), &[]).wait().unwrap();
        assert!(!notice.contains('\n'), "{notice}");
        assert!(notice.contains("did not take this check"), "{notice}");
    }

    #[test]
    fn a_board_that_never_answers_costs_the_timeout_not_more() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        // Accepts, reads nothing, answers nothing.
        let _hold = std::thread::spawn(move || {
            let held = listener.accept();
            std::thread::sleep(Duration::from_secs(10));
            drop(held);
        });
        let share = Share::new(&address, "ABC", "ann").unwrap();
        let notice = share.start(&Paths::discover(), &[]).wait();
        assert!(notice.is_some_and(|n| n.contains("did not take")));
    }
}
