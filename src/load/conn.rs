//! The one worker loop: a connection slot that sends a request, reads the response,
//! and records it, until the run's end. Everything per request reuses what the slot
//! already holds (the request bytes, the read buffer, the parser, the timer).
use std::cell::RefCell;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Sleep;

use super::parser::{ParseError, Parser, Response};
use super::stats::{Failure, Stats};

/// The read buffer of a connection; grows (rarely) for long response heads.
const BUF: usize = 8 * 1024;
const MAX_BUF: usize = 256 * 1024;
/// How long to wait for the server's FIN after a response that ends the
/// connection, so that TIME_WAIT stays on the server (as in the lessons) and the
/// client's ports are not used up.
const CLOSE_GRACE: Duration = Duration::from_millis(50);

/// What every thread shares: built once per run.
pub struct Plan {
    pub addr: std::net::SocketAddr,
    pub request: Box<[u8]>,
    pub keepalive: bool,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub start: Instant,
    /// No request starts at or after this.
    pub end: Instant,
    /// Everything in flight has settled by this (end + timeout).
    pub hard: Instant,
}

/// Counts a live view reads while the run goes on; one writer thread each.
#[derive(Default)]
#[repr(align(64))]
pub struct Counters {
    pub ok: AtomicU64,
    pub responses: AtomicU64,
    /// Responses with a 5xx status (the 502s and 504s the lessons are about).
    pub server_errors: AtomicU64,
    pub errors: AtomicU64,
}

fn bump(c: &AtomicU64) {
    // Only this thread writes: a plain load and store, no locked instruction.
    c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

/// One thread's share of the run.
pub struct Worker {
    pub plan: Arc<Plan>,
    pub stats: RefCell<Stats>,
    pub live: Arc<Counters>,
}

impl Worker {
    fn response(&self, status: u16, latency: Duration, in_window: bool) {
        self.stats.borrow_mut().response(status, latency, in_window);
        if (200..300).contains(&status) {
            bump(&self.live.ok);
        } else if (500..600).contains(&status) {
            bump(&self.live.server_errors);
        }
        bump(&self.live.responses);
    }

    fn failure(&self, f: Failure) {
        self.stats.borrow_mut().failure(f);
        bump(&self.live.errors);
    }
}

enum Miss {
    /// Closed or reset before any byte of the response. On a kept-alive connection
    /// this is the server closing it while idle (its FIN or RST crossed our
    /// request): like any HTTP client we reopen and count a reconnect, not an error.
    /// On a fresh connection it is a real failure of this class.
    BeforeResponse(Failure),
    Failed(Failure),
}

/// An I/O error before any byte of the response arrived.
fn early_miss(e: std::io::Error) -> Miss {
    match Failure::from_io(&e) {
        f @ (Failure::Reset | Failure::ClosedEarly) => Miss::BeforeResponse(f),
        f => Miss::Failed(f),
    }
}

fn io_miss(e: std::io::Error) -> Miss {
    Miss::Failed(Failure::from_io(&e))
}

/// Runs one connection slot until the run's end.
pub async fn connection(w: Rc<Worker>) {
    let plan = &*w.plan;
    let mut buf = vec![0u8; BUF];
    let mut parser = Parser::default();
    let mut conn: Option<TcpStream> = None;
    // The server closed our last connection: the next connect is a reconnect.
    let mut server_closed = false;
    let timer = tokio::time::sleep_until(plan.hard.into());
    tokio::pin!(timer);
    loop {
        let t0 = Instant::now();
        if t0 >= plan.end {
            break;
        }
        let fresh = conn.is_none();
        let stream = match conn {
            Some(ref mut s) => s,
            None => {
                let deadline = (t0 + plan.connect_timeout).min(plan.hard);
                timer.as_mut().reset(deadline.into());
                let attempt = tokio::select! {
                    biased;
                    r = TcpStream::connect(plan.addr) => Some(r),
                    () = &mut timer => None,
                };
                match attempt {
                    Some(Ok(s)) => {
                        let mut stats = w.stats.borrow_mut();
                        stats.connected(t0.elapsed());
                        stats.reconnects += u64::from(std::mem::take(&mut server_closed));
                        conn.insert(s)
                    }
                    Some(Err(e)) => {
                        w.failure(Failure::from_io(&e));
                        // A refused connect fails at once: let the other slots run.
                        tokio::task::yield_now().await;
                        continue;
                    }
                    None => {
                        w.failure(Failure::ConnectTimeout);
                        continue;
                    }
                }
            }
        };
        let sent = if fresh { Instant::now() } else { t0 };
        if sent >= plan.end {
            break; // connected too late to send within the run
        }
        timer.as_mut().reset((sent + plan.timeout).into());
        let outcome = tokio::select! {
            biased;
            r = exchange(stream, &plan.request, &mut buf, &mut parser) => r,
            () = &mut timer => Err(Miss::Failed(Failure::RequestTimeout)),
        };
        match outcome {
            Ok(resp) => {
                let done = Instant::now();
                w.response(resp.status, done - t0, done <= plan.end);
                if !(plan.keepalive && resp.keep_alive) {
                    if let Some(s) = conn.take() {
                        await_close(s, &mut buf, timer.as_mut()).await;
                    }
                    server_closed = plan.keepalive;
                }
            }
            Err(Miss::BeforeResponse(_)) if !fresh => {
                conn = None;
                server_closed = true;
            }
            Err(Miss::BeforeResponse(f) | Miss::Failed(f)) => {
                // Dropping the stream closes it: the server sees the abort (nginx: 499).
                conn = None;
                w.failure(f);
            }
        }
    }
}

/// Sends the request and reads one whole response.
async fn exchange(
    s: &mut TcpStream,
    request: &[u8],
    buf: &mut Vec<u8>,
    parser: &mut Parser,
) -> Result<Response, Miss> {
    s.write_all(request).await.map_err(early_miss)?;
    parser.reset();
    let (mut start, mut filled, mut got_any) = (0, 0, false);
    loop {
        if filled == buf.len() {
            if start > 0 {
                buf.copy_within(start..filled, 0);
                filled -= start;
                start = 0;
            } else if buf.len() < MAX_BUF {
                buf.resize(buf.len() * 2, 0);
            } else {
                return Err(Miss::Failed(Failure::BadResponse));
            }
        }
        let read = s.read(&mut buf[filled..]).await;
        let n = match read {
            Ok(0) if !got_any => return Err(Miss::BeforeResponse(Failure::ClosedEarly)),
            Ok(0) => return parser.eof().map_err(parse_miss),
            Ok(n) => n,
            Err(e) if !got_any => return Err(early_miss(e)),
            Err(e) => return Err(io_miss(e)),
        };
        got_any = true;
        filled += n;
        let (used, done) = parser.feed(&buf[start..filled]).map_err(parse_miss)?;
        start += used;
        if let Some(r) = done {
            // Bytes past the response were never asked for: do not trust the connection.
            let clean = start == filled;
            return Ok(Response {
                keep_alive: r.keep_alive && clean,
                ..r
            });
        }
        if start == filled {
            (start, filled) = (0, 0);
        }
    }
}

fn parse_miss(e: ParseError) -> Miss {
    Miss::Failed(match e {
        ParseError::Malformed => Failure::BadResponse,
        ParseError::ClosedEarly => Failure::ClosedEarly,
    })
}

/// Waits briefly for the server to close first, then drops the connection.
async fn await_close(mut s: TcpStream, buf: &mut [u8], timer: Pin<&mut Sleep>) {
    let mut timer = timer;
    timer.as_mut().reset((Instant::now() + CLOSE_GRACE).into());
    let drain = async {
        while let Ok(n) = s.read(buf).await {
            if n == 0 {
                break;
            }
        }
    };
    tokio::select! {
        biased;
        () = drain => {}
        () = timer => {}
    }
}
