//! The live workshop board: attendees' checkers share each check's
//! verdicts (`check --share`, `watch --share`), and the instructor's page
//! shows the room as it works.
//!
//! How it fits together, and why (this crate is meant to be read as an
//! example of the course's channels in a real program):
//!
//! - `server` accepts connections, one tokio task each, within per-client
//!   limits, and turns each request into a message;
//! - `actor` owns the room alone: posts arrive on a bounded **mpsc** with
//!   a **oneshot** for the answer, the latest rendered board is published
//!   on a **watch**, every update fans out on a **broadcast** to the open
//!   event streams, and **select!** waits on posts, ticks and shutdown;
//! - `room` is the state and its rules, plain data; `page` draws it;
//! - `payload` reads what attendees send as hostile input;
//! - `journal` keeps every change on disk, replayed on start; `report`
//!   turns it into the class report; `code` is the join code.

pub mod actor;
pub mod code;
pub mod journal;
pub mod page;
pub mod payload;
pub mod report;
pub mod room;
pub mod server;

use std::path::PathBuf;
use std::sync::Arc;

/// How the instructor started the board.
pub struct Config {
    pub listen: String,
    pub code: Option<String>,
    /// Where the journal and the join code live.
    pub dir: PathBuf,
}

/// Runs the board until Ctrl-C (or SIGTERM); the first line it prints
/// says the address it listens on (the tests read it).
pub async fn run(config: Config) -> Result<(), String> {
    let code = code::choose(&config.dir, config.code.as_deref())?;
    let path = config.dir.join(journal::FILE);
    let (posts, bad) =
        journal::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let room = journal::replay(&posts);
    let journal = journal::Journal::open(&config.dir)
        .await
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let address = shared_address(local);
    println!("board: listening on {local} only");
    println!("board: open http://{address}/?code={code}");
    println!(
        "board: attendees run  cargo run -p checker -- watch --share {address} --code {code} \
         --name \"Their name\""
    );
    println!(
        "board: {} attendee(s) from {}{}; Ctrl-C stops the board, the journal keeps everything",
        room.attendees.len(),
        path.display(),
        if bad > 0 {
            format!(" ({bad} unreadable line(s) skipped)")
        } else {
            String::new()
        }
    );
    if local.ip().is_loopback() {
        println!(
            "board: only this machine can reach {local}; for the room, --listen with this \
             machine's network address (or 0.0.0.0:{})",
            local.port()
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (handles, actor) = actor::spawn(room, journal, stopped.clone());
    let shared = Arc::new(server::Shared::new(
        handles,
        code.clone(),
        page::Header { address, code },
        stopped,
    ));
    let server = tokio::spawn(server::serve(listener, shared));
    stop_signal().await;
    println!("board: stopping");
    let _ = stop.send(true);
    let _ = actor.await;
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), server).await;
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// The address to give attendees: the one listened on, or, for 0.0.0.0,
/// this machine's address on the network it would use to reach others
/// (a UDP socket "connected" to a documentation address sends nothing).
fn shared_address(local: std::net::SocketAddr) -> String {
    if !local.ip().is_unspecified() {
        return local.to_string();
    }
    let guess = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr());
    match guess {
        Ok(a) if !a.ip().is_unspecified() => format!("{}:{}", a.ip(), local.port()),
        _ => format!("THIS-MACHINE:{}", local.port()),
    }
}
