//! The one worker loop: a connection slot that sends a request, reads the response,
//! and records it, until the run's end. In a closed-loop run the next request goes
//! as soon as the last is answered; in an open-loop run it comes from the thread's
//! [`Pace`] when it falls due. Everything per request reuses what the slot and its
//! thread already hold (the request bytes, the read buffer, the parser, the timer).
//!
//! Memory: a slot owns no read buffer. It waits until its socket is readable and
//! only then reads into its thread's one buffer, keeping of its own only the bytes
//! the parser could not consume yet (a response head split across reads), so
//! 10 000 idle connections cost their sockets and tasks, not 10 000 buffers.
use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::Sleep;

use super::live::{bump, Counters};
use super::pace::{Mailbox, Pace};
use super::parser::{ParseError, Parser, Response};
use super::stats::{Failure, Stats};

/// The thread's read buffer; grows (rarely) for a long response head.
const BUF: usize = 64 * 1024;
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

/// One thread's share of the run.
pub struct Worker {
    pub plan: Arc<Plan>,
    pub stats: RefCell<Stats>,
    pub live: Arc<Counters>,
    /// Open loop: the thread's arrivals; None in a closed-loop run.
    pub pace: Option<Pace>,
    /// The thread's one read buffer, borrowed only between awaits.
    buf: RefCell<Vec<u8>>,
}

impl Worker {
    pub fn new(plan: Arc<Plan>, live: Arc<Counters>, pace: Option<Pace>) -> Worker {
        let stats = Stats::new(plan.end.saturating_duration_since(plan.start));
        Worker {
            plan,
            stats: RefCell::new(stats),
            live,
            pace,
            buf: RefCell::new(vec![0; BUF]),
        }
    }

    /// A response to the request meant to start at `intended`, started at `began`.
    fn response(&self, status: u16, intended: Instant, began: Instant) {
        let done = Instant::now();
        let plan = &*self.plan;
        let second = (done <= plan.end).then(|| (done - plan.start).as_secs());
        let mut stats = self.stats.borrow_mut();
        stats.response(status, done - intended, second);
        if self.pace.is_some() {
            stats.record_uncorrected(done - began);
        }
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
    /// request): like any HTTP client we reopen and send again, and count a
    /// reconnect, not an error. On a fresh connection it is a real failure of this class.
    BeforeResponse(Failure),
    Failed(Failure),
}

/// An I/O error before any byte of the response arrived.
fn early_miss(e: io::Error) -> Miss {
    match Failure::from_io(&e) {
        f @ (Failure::Reset | Failure::ClosedEarly) => Miss::BeforeResponse(f),
        f => Miss::Failed(f),
    }
}

fn io_miss(e: io::Error) -> Miss {
    Miss::Failed(Failure::from_io(&e))
}

/// Runs one connection slot until the run's end. An open-loop slot is opened for
/// its `first` request and then takes its requests from the thread's pace.
pub async fn connection(w: Rc<Worker>, first: Option<u64>) {
    let plan = &*w.plan;
    let mut parser = Parser::default();
    let mut carry = Vec::new();
    let mut conn: Option<TcpStream> = None;
    // The server closed our last connection: the next connect is a reconnect.
    let mut server_closed = false;
    let mut first = first;
    let mailbox = w.pace.as_ref().map(|_| Rc::new(Mailbox::default()));
    let timer = tokio::time::sleep_until(plan.hard.into());
    tokio::pin!(timer);
    'requests: loop {
        // When the request was meant to start, and when it does.
        let (intended, began) = match (&w.pace, &mailbox) {
            (Some(pace), Some(mailbox)) => {
                let next = match first.take() {
                    Some(k) => Some(k),
                    None => pace.next(mailbox, Instant::now()).await,
                };
                let Some(k) = next else { break };
                // Waiting for a request is no one's latency; a request waiting for a
                // slot is in its own, through its intended time.
                let began = Instant::now();
                if began >= plan.end {
                    break;
                }
                pace.started();
                (pace.due(k), began)
            }
            _ => {
                let began = Instant::now();
                if began >= plan.end {
                    break;
                }
                (began, began)
            }
        };
        // Once more on a fresh connection when a kept-alive one was found dead; the
        // time that cost is this request's.
        loop {
            let fresh = conn.is_none();
            let stream = match conn {
                Some(ref mut s) => s,
                None => {
                    let t = Instant::now();
                    let deadline = (t + plan.connect_timeout).min(plan.hard);
                    timer.as_mut().reset(deadline.into());
                    let attempt = tokio::select! {
                        biased;
                        r = TcpStream::connect(plan.addr) => Some(r),
                        () = &mut timer => None,
                    };
                    match attempt {
                        Some(Ok(s)) => {
                            let mut stats = w.stats.borrow_mut();
                            stats.connected(t.elapsed());
                            stats.reconnects += u64::from(std::mem::take(&mut server_closed));
                            conn.insert(s)
                        }
                        Some(Err(e)) => {
                            w.failure(Failure::from_io(&e));
                            // A refused connect fails at once: let the other slots run.
                            tokio::task::yield_now().await;
                            continue 'requests;
                        }
                        None => {
                            w.failure(Failure::ConnectTimeout);
                            continue 'requests;
                        }
                    }
                }
            };
            let sent = if fresh { Instant::now() } else { began };
            if sent >= plan.end {
                break 'requests; // connected too late to send within the run
            }
            timer.as_mut().reset((sent + plan.timeout).into());
            let outcome = tokio::select! {
                biased;
                r = exchange(stream, &w, &mut carry, &mut parser) => r,
                () = &mut timer => Err(Miss::Failed(Failure::RequestTimeout)),
            };
            match outcome {
                Ok(resp) => {
                    w.response(resp.status, intended, began);
                    if !(plan.keepalive && resp.keep_alive) {
                        if let Some(s) = conn.take() {
                            await_close(s, &w, timer.as_mut()).await;
                        }
                        server_closed = plan.keepalive;
                    }
                }
                Err(Miss::BeforeResponse(_)) if !fresh => {
                    conn = None;
                    server_closed = true;
                    continue;
                }
                Err(Miss::BeforeResponse(f) | Miss::Failed(f)) => {
                    // Dropping the stream closes it: the server sees the abort (nginx: 499).
                    conn = None;
                    w.failure(f);
                }
            }
            continue 'requests;
        }
    }
}

/// Sends the request and reads one whole response.
async fn exchange(
    s: &mut TcpStream,
    w: &Worker,
    carry: &mut Vec<u8>,
    parser: &mut Parser,
) -> Result<Response, Miss> {
    s.write_all(&w.plan.request).await.map_err(early_miss)?;
    parser.reset();
    carry.clear();
    let mut got_any = false;
    loop {
        if let Err(e) = s.readable().await {
            return Err(if got_any { io_miss(e) } else { early_miss(e) });
        }
        let step = read_step(s, &mut w.buf.borrow_mut(), carry, parser, got_any);
        match step {
            Step::Blocked => {}
            Step::Read => got_any = true,
            Step::Done(r) => return r,
        }
    }
}

enum Step {
    /// Nothing to read after all (readiness is cleared, wait again).
    Blocked,
    /// Bytes read and parsed; the response is not complete yet.
    Read,
    Done(Result<Response, Miss>),
}

/// One read into the thread's buffer and its parse; no await, so the buffer is
/// never held by two slots. What the parser leaves is kept in `carry`.
fn read_step(
    s: &TcpStream,
    buf: &mut Vec<u8>,
    carry: &mut Vec<u8>,
    parser: &mut Parser,
    got_any: bool,
) -> Step {
    let kept = carry.len();
    if kept * 2 > buf.len() {
        if buf.len() >= MAX_BUF {
            return Step::Done(Err(Miss::Failed(Failure::BadResponse)));
        }
        buf.resize(buf.len() * 2, 0);
    }
    buf[..kept].copy_from_slice(carry);
    let n = match s.try_read(&mut buf[kept..]) {
        Ok(0) if !got_any => return Step::Done(Err(Miss::BeforeResponse(Failure::ClosedEarly))),
        Ok(0) => return Step::Done(parser.eof().map_err(parse_miss)),
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Step::Blocked,
        Err(e) if !got_any => return Step::Done(Err(early_miss(e))),
        Err(e) => return Step::Done(Err(io_miss(e))),
    };
    let filled = kept + n;
    let (used, done) = match parser.feed(&buf[..filled]) {
        Ok(fed) => fed,
        Err(e) => return Step::Done(Err(parse_miss(e))),
    };
    if let Some(r) = done {
        // Bytes past the response were never asked for: do not trust the connection.
        let clean = used == filled;
        return Step::Done(Ok(Response {
            keep_alive: r.keep_alive && clean,
            ..r
        }));
    }
    carry.clear();
    carry.extend_from_slice(&buf[used..filled]);
    Step::Read
}

fn parse_miss(e: ParseError) -> Miss {
    Miss::Failed(match e {
        ParseError::Malformed => Failure::BadResponse,
        ParseError::ClosedEarly => Failure::ClosedEarly,
    })
}

/// Waits briefly for the server to close first, then drops the connection. Its FIN
/// has most often come with the response: then no timer is set at all.
async fn await_close(s: TcpStream, w: &Worker, timer: Pin<&mut Sleep>) {
    if drained(&s, w) {
        return;
    }
    let mut timer = timer;
    timer.as_mut().reset((Instant::now() + CLOSE_GRACE).into());
    let wait = async { while s.readable().await.is_ok() && !drained(&s, w) {} };
    tokio::select! {
        biased;
        () = wait => {}
        () = timer => {}
    }
}

/// Reads what the server still sends; true once it has closed (or failed).
fn drained(s: &TcpStream, w: &Worker) -> bool {
    let mut buf = w.buf.borrow_mut();
    loop {
        match s.try_read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(_) => return true,
        }
    }
}
