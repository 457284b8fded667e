//! The state actor: one task owns the room, and everything else talks to
//! it through channels. This is the course's patterns working together:
//!
//! - **mpsc in** (bounded): every connection sends its attendee's post
//!   here with a `oneshot` for the answer. One owner means no lock, and
//!   posts are applied one at a time in arrival order. The queue is
//!   bounded and senders use `try_send`: when it is full the board answers
//!   "busy" at once instead of letting a flood make every connection wait.
//! - **watch out** (latest snapshot): the rendered board. A page load only
//!   needs the newest one, never the history; `watch` keeps exactly that.
//! - **broadcast out** (fan-out): each new snapshot goes to every open
//!   event stream. A viewer too slow to keep up gets `Lagged` and simply
//!   re-reads the latest snapshot from the `watch`: nothing queues up
//!   without bound for a stalled browser.
//! - **select!** in the loop: a post, the render tick, the clock tick and
//!   shutdown are all waited on at once; `biased` puts shutdown first.
//!
//! Rendering is coalesced: a post marks the room dirty and the next tick
//! (every [`RENDER_EVERY`]) draws it once, so a hundred posts a second cost
//! four renders a second, not a hundred.

use crate::journal::Journal;
use crate::page;
use crate::payload::Post;
use crate::room::{Applied, Room};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{broadcast, mpsc, oneshot, watch};

/// How often a changed room is drawn: the page's update latency.
pub const RENDER_EVERY: Duration = Duration::from_millis(250);
/// How often the board is drawn anyway, so "time on task" moves.
pub const CLOCK_EVERY: Duration = Duration::from_secs(15);
/// Posts waiting for the actor; past this the board says "busy".
pub const QUEUE: usize = 1024;
/// One attendee's posts: a burst of this many, then one per
/// [`REFILL`]. A checker shares once per check, which takes seconds.
pub const BURST: f64 = 5.0;
pub const REFILL: Duration = Duration::from_secs(1);

/// A request to the actor.
pub enum Msg {
    Post {
        post: Post,
        reply: oneshot::Sender<Answer>,
    },
    /// A request refused before it reached the room (counted on the page).
    Refused,
}

/// The actor's answer to a post.
#[derive(Debug, PartialEq)]
pub enum Answer {
    Taken,
    /// Too many posts under this name: wait a moment.
    TooMany,
    /// The room is full (new names only).
    Full,
    /// The journal could not be written: the post was not kept.
    NotKept(String),
}

/// One rendered state of the board.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub version: u64,
    /// The `#board` element.
    pub fragment: Arc<str>,
}

/// The actor's handles, for the server.
#[derive(Clone)]
pub struct Handles {
    pub posts: mpsc::Sender<Msg>,
    pub latest: watch::Receiver<Snapshot>,
    pub updates: broadcast::Sender<Snapshot>,
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A token bucket per attendee name.
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self, now: Instant) -> bool {
        let refill = now.duration_since(self.at).as_secs_f64() / REFILL.as_secs_f64();
        self.tokens = (self.tokens + refill).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Starts the actor on `room` (replayed from `journal`); it runs until
/// `shutdown` turns true, then returns once the journal is written.
pub fn spawn(
    room: Room,
    journal: Journal,
    shutdown: watch::Receiver<bool>,
) -> (Handles, tokio::task::JoinHandle<()>) {
    let (posts, rx) = mpsc::channel(QUEUE);
    let first = Snapshot {
        version: 0,
        fragment: page::fragment(&room, now_ms(), 0, 0).into(),
    };
    let (latest_tx, latest) = watch::channel(first);
    // Sixteen snapshots of slack per viewer; a slower one lags and resyncs.
    let (updates, _) = broadcast::channel(16);
    let actor = Actor {
        room,
        journal,
        buckets: HashMap::new(),
        refused: 0,
        version: 0,
        latest: latest_tx,
        updates: updates.clone(),
    };
    let task = tokio::spawn(actor.run(rx, shutdown));
    (
        Handles {
            posts,
            latest,
            updates,
        },
        task,
    )
}

struct Actor {
    room: Room,
    journal: Journal,
    buckets: HashMap<String, Bucket>,
    refused: u64,
    version: u64,
    latest: watch::Sender<Snapshot>,
    updates: broadcast::Sender<Snapshot>,
}

impl Actor {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>, mut shutdown: watch::Receiver<bool>) {
        let mut render = tokio::time::interval(RENDER_EVERY);
        render.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut clock = tokio::time::interval(CLOCK_EVERY);
        let mut dirty = false;
        loop {
            tokio::select! {
                biased;
                // `changed` fails when the sender is gone: stop then too.
                _ = shutdown.changed() => break,
                msg = rx.recv() => match msg {
                    Some(Msg::Post { post, reply }) => {
                        let answer = self.post(post).await;
                        dirty |= answer == Answer::Taken;
                        // The connection may have gone: nothing to tell.
                        let _ = reply.send(answer);
                    }
                    Some(Msg::Refused) => {
                        self.refused += 1;
                        dirty = true;
                    }
                    None => break,
                },
                _ = render.tick(), if dirty => {
                    self.publish();
                    dirty = false;
                }
                _ = clock.tick() => dirty = true,
            }
        }
    }

    async fn post(&mut self, post: Post) -> Answer {
        let now = Instant::now();
        // The buckets are per name and as bounded as the room: a name the
        // room refuses gets no bucket.
        if self.room.attendees.contains_key(&post.name)
            || self.room.attendees.len() < crate::room::MAX_ATTENDEES
        {
            let bucket = self.buckets.entry(post.name.clone()).or_insert(Bucket {
                tokens: BURST,
                at: now,
            });
            if !bucket.take(now) {
                self.refused += 1;
                return Answer::TooMany;
            }
        }
        let at = now_ms();
        // If the journal cannot keep the post, the attendee is put back as
        // they were: what the page shows is always what a restart shows.
        let before = self.room.attendees.get(&post.name).cloned();
        match self.room.apply(&post, at) {
            Applied::Full => Answer::Full,
            Applied::Same => Answer::Taken,
            Applied::Changed => match self.journal.append(at, &post).await {
                Ok(()) => Answer::Taken,
                Err(e) => {
                    match before {
                        Some(a) => self.room.attendees.insert(post.name.clone(), a),
                        None => self.room.attendees.remove(&post.name),
                    };
                    Answer::NotKept(format!(
                        "the board could not write {}: {e}",
                        self.journal.path.display()
                    ))
                }
            },
        }
    }

    fn publish(&mut self) {
        self.version += 1;
        let snapshot = Snapshot {
            version: self.version,
            fragment: page::fragment(&self.room, now_ms(), self.refused, self.version).into(),
        };
        self.latest.send_replace(snapshot.clone());
        // No viewer is not an error.
        let _ = self.updates.send(snapshot);
    }
}
