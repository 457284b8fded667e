//! A board process on 127.0.0.1 and a tiny HTTP client, for the tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const CODE: &str = "TESTROOM";

pub struct Board {
    pub child: Child,
    pub address: String,
}

impl Board {
    /// Starts the board on a free port of 127.0.0.1 with its journal in
    /// `dir`; `code` as given (None: the kept or a new one).
    pub fn start(dir: &Path, code: Option<&str>) -> Board {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_checker-board"));
        cmd.args(["--listen", "127.0.0.1:0", "--dir"]).arg(dir);
        if let Some(c) = code {
            cmd.args(["--code", c]);
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the board");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut address = String::new();
        let mut line = String::new();
        while out.read_line(&mut line).unwrap() > 0 {
            if let Some(rest) = line.strip_prefix("board: listening on ") {
                address = rest.trim().trim_end_matches(" only").to_string();
                break;
            }
            line.clear();
        }
        assert!(
            !address.is_empty(),
            "the board did not say where it listens"
        );
        // Keep reading its output so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Board { child, address }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        request(
            &self.address,
            &format!("GET {path} HTTP/1.1\r\nHost: b\r\n\r\n"),
        )
    }

    pub fn post(&self, body: &str) -> (u16, String) {
        request(
            &self.address,
            &format!(
                "POST /share HTTP/1.1\r\nHost: b\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ),
        )
    }

    pub fn page(&self) -> String {
        let (status, page) = self.get(&format!("/?code={CODE}"));
        assert_eq!(status, 200);
        page
    }
}

impl Drop for Board {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `raw` and reads the whole answer: status and body.
pub fn request(address: &str, raw: &str) -> (u16, String) {
    let mut s = TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).to_string();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

/// A share/v1 document from a real check/v1 report: the same exercises
/// under `name`.
pub fn share_of(check_json: &str, name: &str, code: &str) -> String {
    let doc: tinyjson::JsonValue = check_json.parse().expect("check/v1 JSON");
    let exercises = doc["exercises"].stringify().unwrap();
    // The checker's JSON writer escapes the name.
    let list = checker::util::json::strings([name]);
    let name_json = &list[1..list.len() - 1];
    format!(
        "{{\"schema\":\"{}\",\"code\":\"{code}\",\"name\":{name_json},\"exercises\":{exercises}}}",
        checker::report::share::SCHEMA
    )
}

/// Removes a test's scratch folder once the processes that wrote in it
/// are gone: a killed browser's helpers may still write for a moment, so
/// it tries again for up to three seconds.
pub fn remove_scratch(dir: &Path) {
    let start = std::time::Instant::now();
    while std::fs::remove_dir_all(dir).is_err()
        && dir.exists()
        && start.elapsed() < Duration::from_secs(3)
    {
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("board-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the real checker (`cargo run -p checker -- ARGS`); its stdout and
/// stderr.
pub fn checker(args: &[&str]) -> (String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["run", "-q", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args(["-p", "checker", "--"])
        .args(args)
        .output()
        .expect("run the checker");
    (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Rows of the attendees × tasks grid.
pub fn rows(page: &str) -> usize {
    page.matches("<tr><th scope=\"row\">").count()
}
