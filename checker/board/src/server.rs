//! The board's HTTP side (hyper 1): accepting connections within limits,
//! routing the four requests, and the server-sent event streams.
//!
//! Every limit is per connection or per address, so a hostile client
//! spends its own budget and never another attendee's:
//!
//! - at most [`MAX_CONNECTIONS`] open at once and [`PER_ADDRESS`] from one
//!   address; past either the client gets a one-line 503 and is closed;
//! - headers must arrive within [`HEADER_TIMEOUT`] (a slow-loris client is
//!   dropped), a body within [`BODY_TIMEOUT`] and [`MAX_BYTES`];
//! - one request per connection (no keep-alive): nothing idles;
//! - posts reach the state actor with `try_send`, never waiting on a full
//!   queue, and its answer is awaited at most [`ANSWER_TIMEOUT`];
//! - event streams are capped at [`MAX_VIEWERS`]; a viewer that stops
//!   reading is dropped after [`STALLED_VIEWER`].
//!
//! Each connection is its own task; `select!` against the shutdown
//! `watch` ends every one of them when the board stops.

use crate::actor::{Answer, Handles, Msg, Snapshot};
use crate::page::{self, Header};
use crate::payload::{self, MAX_BYTES};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, combinators::BoxBody};
use hyper::body::{Body, Frame, Incoming};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, broadcast::error::RecvError, mpsc, watch};

pub const MAX_CONNECTIONS: usize = 512;
pub const PER_ADDRESS: usize = 64;
pub const MAX_VIEWERS: usize = 64;
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
pub const BODY_TIMEOUT: Duration = Duration::from_secs(5);
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
pub const STALLED_VIEWER: Duration = Duration::from_secs(10);
const KEEP_ALIVE: Duration = Duration::from_secs(15);

type Out = Response<BoxBody<Bytes, Infallible>>;

/// What every connection's task shares.
pub struct Shared {
    pub handles: Handles,
    pub code: String,
    pub header: Header,
    viewers: Arc<Semaphore>,
    per_address: Mutex<HashMap<IpAddr, usize>>,
    shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub fn new(
        handles: Handles,
        code: String,
        header: Header,
        shutdown: watch::Receiver<bool>,
    ) -> Shared {
        Shared {
            handles,
            code,
            header,
            viewers: Arc::new(Semaphore::new(MAX_VIEWERS)),
            per_address: Mutex::new(HashMap::new()),
            shutdown,
        }
    }
}

/// A connection's place in the per-address count, given back on drop.
struct Slot {
    shared: Arc<Shared>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self
            .shared
            .per_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Accepts connections until shutdown.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = shared.shutdown.clone();
    loop {
        let (stream, peer) = tokio::select! {
            biased;
            _ = shutdown.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors, or a connection reset before
                // accept: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tokio::spawn(refuse(
                stream,
                "the board has too many connections; try again",
            ));
            continue;
        };
        let slot = {
            let mut map = shared.per_address.lock().unwrap_or_else(|e| e.into_inner());
            let n = map.entry(peer.ip()).or_default();
            if *n >= PER_ADDRESS {
                None
            } else {
                *n += 1;
                Some(Slot {
                    shared: shared.clone(),
                    ip: peer.ip(),
                })
            }
        };
        let Some(slot) = slot else {
            tokio::spawn(refuse(stream, "too many connections from your address"));
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let _held = (permit, slot);
            let mut shutdown = shared.shutdown.clone();
            let service = service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(route(&shared, req).await) }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(16 * 1024)
                .keep_alive(false)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                // A client that breaks the protocol gets hyper's 400 and is
                // closed; nothing to report here.
                _ = conn => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// A one-line 503 for a connection the board will not serve, written
/// within a second or not at all.
async fn refuse(mut stream: TcpStream, why: &'static str) {
    let text = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{why}\n",
        why.len() + 1
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(text.as_bytes())).await;
}

fn text(status: StatusCode, body: impl Into<String>) -> Out {
    let mut r = Response::new(Full::new(Bytes::from(body.into() + "\n")).boxed());
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn html(status: StatusCode, body: String) -> Out {
    let mut r = Response::new(Full::new(Bytes::from(body)).boxed());
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // No network resources: nothing but this origin, inline style and the
    // page's own script.
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; \
             connect-src 'self'; form-action 'self'",
        ),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// The join code from `?code=`, if any.
fn code_of(req: &Request<Incoming>) -> Option<String> {
    req.uri().query()?.split('&').find_map(|kv| {
        kv.strip_prefix("code=").map(|c| {
            c.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(16)
                .collect()
        })
    })
}

async fn route(shared: &Arc<Shared>, req: Request<Incoming>) -> Out {
    let code = code_of(&req);
    let code_ok = code
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case(&shared.code));
    let answer = match (req.method(), req.uri().path()) {
        (&Method::GET, "/") => match code {
            None => html(StatusCode::OK, page::ask_for_code(false)),
            Some(_) if !code_ok => html(StatusCode::FORBIDDEN, page::ask_for_code(true)),
            Some(_) => {
                let board = shared.handles.latest.borrow().fragment.clone();
                html(StatusCode::OK, page::page(&shared.header, &board))
            }
        },
        (&Method::GET, "/events") if code_ok => events(shared),
        (&Method::GET, "/status") if code_ok => status(shared),
        (&Method::GET, "/events" | "/status") => text(
            StatusCode::FORBIDDEN,
            "wrong join code: use the one the board shows",
        ),
        (&Method::POST, "/share") => share(shared, req).await,
        _ => text(StatusCode::NOT_FOUND, "no such page: the board is at /"),
    };
    if answer.status().is_client_error() {
        let _ = shared.handles.posts.try_send(Msg::Refused);
    }
    answer
}

async fn share(shared: &Shared, req: Request<Incoming>) -> Out {
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES) {
        return text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("too large: at most {MAX_BYTES} bytes"),
        );
    }
    let body = Limited::new(req.into_body(), MAX_BYTES);
    let body = match tokio::time::timeout(BODY_TIMEOUT, body.collect()).await {
        Err(_) => {
            return text(
                StatusCode::REQUEST_TIMEOUT,
                "the body did not arrive in time",
            );
        }
        Ok(Err(_)) => {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("too large or cut short: at most {MAX_BYTES} bytes"),
            );
        }
        Ok(Ok(b)) => b.to_bytes(),
    };
    let post = match payload::read(&body, &shared.code) {
        Ok(p) => p,
        Err(why) if why.starts_with("wrong join code") => {
            return text(StatusCode::FORBIDDEN, why);
        }
        Err(why) => return text(StatusCode::BAD_REQUEST, format!("refused: {why}")),
    };
    let (reply, answer) = tokio::sync::oneshot::channel();
    if shared
        .handles
        .posts
        .try_send(Msg::Post { post, reply })
        .is_err()
    {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the board is busy; the next check is shared again",
        );
    }
    match tokio::time::timeout(ANSWER_TIMEOUT, answer).await {
        Ok(Ok(Answer::Taken)) => text(StatusCode::OK, "taken"),
        Ok(Ok(Answer::TooMany)) => text(
            StatusCode::TOO_MANY_REQUESTS,
            "too many checks under this name; at most one a second",
        ),
        Ok(Ok(Answer::Full)) => text(StatusCode::FORBIDDEN, "the room is full"),
        Ok(Ok(Answer::NotKept(why))) => text(StatusCode::INTERNAL_SERVER_ERROR, why),
        _ => text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the board did not answer in time",
        ),
    }
}

/// A small JSON summary: for the tests, the benchmark and curious tools.
fn status(shared: &Shared) -> Out {
    let version = shared.handles.latest.borrow().version;
    let body = format!(
        "{{\"version\":{version},\"viewers\":{}}}",
        shared.handles.updates.receiver_count()
    );
    let mut r = text(StatusCode::OK, body);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// One server-sent event carrying a snapshot's fragment.
fn event(s: &Snapshot) -> Bytes {
    let mut out = format!("event: board\nid: {}\n", s.version);
    for line in s.fragment.lines() {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    out.push('\n');
    Bytes::from(out)
}

/// The event stream: the current board at once, then every new one. A
/// task per viewer moves snapshots from the broadcast into the response
/// body through a small mpsc, so a viewer that stops reading stalls only
/// its own task, and is dropped.
fn events(shared: &Shared) -> Out {
    let Ok(permit) = shared.viewers.clone().try_acquire_owned() else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many open boards; reload later",
        );
    };
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let mut updates = shared.handles.updates.subscribe();
    let latest = shared.handles.latest.clone();
    let mut shutdown = shared.shutdown.clone();
    tokio::spawn(async move {
        let _permit = permit;
        let send = |b: Bytes| {
            let tx = tx.clone();
            async move {
                matches!(
                    tokio::time::timeout(STALLED_VIEWER, tx.send(b)).await,
                    Ok(Ok(()))
                )
            }
        };
        let first = latest.borrow().clone();
        if !send(event(&first)).await {
            return;
        }
        let mut keep_alive = tokio::time::interval(KEEP_ALIVE);
        keep_alive.tick().await;
        loop {
            let next = tokio::select! {
                biased;
                _ = shutdown.changed() => return,
                r = updates.recv() => match r {
                    Ok(s) => event(&s),
                    // Too slow for the fan-out: skip to the newest board.
                    Err(RecvError::Lagged(_)) => event(&latest.borrow().clone()),
                    Err(RecvError::Closed) => return,
                },
                _ = keep_alive.tick() => Bytes::from_static(b": still here\n\n"),
                _ = tx.closed() => return,
            };
            if !send(next).await {
                return;
            }
        }
    });
    let mut r = Response::new(BoxBody::new(Stream(rx)));
    let h = r.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A response body fed by an mpsc receiver.
struct Stream(mpsc::Receiver<Bytes>);

impl Body for Stream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
    }
}
