//! Small HTTP servers on 127.0.0.1:0 that each misbehave in one way, and count what
//! they did so the tests can compare the generator's report with the truth.
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};

#[derive(Clone, Copy)]
pub enum Behaviour {
    /// Answers in turn with these statuses (Content-Length bodies), keep-alive.
    Statuses(&'static [u16]),
    /// 200 with a chunked body written in several pieces.
    Chunked,
    /// 200 with a Content-Length body of this many bytes (bigger than the read buffer).
    Big(usize),
    /// Reads the request and never answers.
    Silent,
    /// Answers, then closes; every other connection says `Connection: close` first.
    CloseAfterResponse,
    /// Reads the request, then resets the connection (SO_LINGER 0).
    Reset,
    /// Sends the head and then one body byte every 100 ms, forever.
    Trickle,
    /// Answers 200 at once, except in the last `stall` of every `period` from the
    /// server's start: a request that arrives then is answered when it ends.
    Stalling { period: Duration, stall: Duration },
    /// Answers the first request of a connection; after the next, waits this long
    /// and closes it unanswered (a kept-alive connection that died under a request).
    DiesOnSecond(Duration),
}

#[derive(Default)]
pub struct Counts {
    pub accepted: AtomicU64,
    pub requests: AtomicU64,
    /// Connections the client closed while a request was unanswered.
    pub aborted: AtomicU64,
    pub sent: Mutex<BTreeMap<u16, u64>>,
}

pub struct TestServer {
    pub url: String,
    pub counts: Arc<Counts>,
}

pub async fn start(b: Behaviour) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let counts = Arc::new(Counts::default());
    let c = counts.clone();
    let epoch = Instant::now();
    tokio::spawn(async move {
        while let Ok((s, _)) = listener.accept().await {
            let n = c.accepted.fetch_add(1, Ordering::Relaxed);
            tokio::spawn(serve(s, b, c.clone(), n, epoch));
        }
    });
    TestServer { url, counts }
}

/// A listener whose accept queue is full and never drained: the kernel drops
/// further SYNs, as a conntrack-full or overflowing server does.
pub async fn black_hole() -> (TcpListener, String, Vec<TcpStream>) {
    let sock = TcpSocket::new_v4().unwrap();
    sock.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = sock.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(s)) => fillers.push(s),
            _ => break,
        }
    }
    (listener, format!("http://{addr}/"), fillers)
}

/// Like [`black_hole`] for `after`, then it accepts and answers 200: connects made
/// meanwhile complete only at the client's SYN retransmission, about a second later.
pub async fn late_accept(after: Duration) -> String {
    let (listener, url, fillers) = black_hole().await;
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        drop(fillers);
        let c = Arc::new(Counts::default());
        while let Ok((s, _)) = listener.accept().await {
            tokio::spawn(serve(
                s,
                Behaviour::Statuses(&[200]),
                c.clone(),
                0,
                Instant::now(),
            ));
        }
    });
    url
}

/// A port that nothing listens on.
pub async fn closed_port() -> String {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    format!("http://{addr}/")
}

async fn read_request(s: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            buf.drain(..end + 4);
            return true;
        }
        let mut chunk = [0u8; 1024];
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

async fn serve(mut s: TcpStream, b: Behaviour, c: Arc<Counts>, conn_no: u64, epoch: Instant) {
    let mut buf = Vec::new();
    let mut i = 0usize;
    while read_request(&mut s, &mut buf).await {
        c.requests.fetch_add(1, Ordering::Relaxed);
        let status = match b {
            Behaviour::Statuses(list) => list[i % list.len()],
            _ => 200,
        };
        i += 1;
        let ok = match b {
            Behaviour::Stalling { period, stall } => {
                let into = epoch.elapsed().as_nanos() % period.as_nanos();
                let open = period - stall;
                if into >= open.as_nanos() {
                    let left = period.as_nanos() - into;
                    tokio::time::sleep(Duration::from_nanos(left as u64)).await;
                }
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    .await
                    .is_ok()
            }
            Behaviour::DiesOnSecond(after) if i > 1 => {
                tokio::time::sleep(after).await;
                return;
            }
            Behaviour::Statuses(_) | Behaviour::DiesOnSecond(_) => {
                let body = format!("status {status}\n");
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                s.write_all(format!("{head}{body}").as_bytes())
                    .await
                    .is_ok()
            }
            Behaviour::Chunked => chunked(&mut s).await.is_ok(),
            Behaviour::Big(n) => {
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n");
                let body = vec![b'x'; n];
                s.write_all(head.as_bytes()).await.is_ok() && s.write_all(&body).await.is_ok()
            }
            Behaviour::Silent => {
                if wait_for_close(&mut s).await {
                    c.aborted.fetch_add(1, Ordering::Relaxed);
                }
                return;
            }
            Behaviour::CloseAfterResponse => {
                let close = if conn_no.is_multiple_of(2) {
                    "Connection: close\r\n"
                } else {
                    ""
                };
                let resp = format!("HTTP/1.1 200 OK\r\n{close}Content-Length: 2\r\n\r\nok");
                let _ = s.write_all(resp.as_bytes()).await;
                count(&c, 200);
                return; // dropping the stream closes it
            }
            Behaviour::Reset => {
                let _ = s.set_zero_linger();
                return;
            }
            Behaviour::Trickle => {
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
                    .await;
                loop {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if s.write_all(b"x").await.is_err() {
                        c.aborted.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                }
            }
        };
        if !ok {
            return;
        }
        count(&c, status);
    }
}

fn count(c: &Counts, status: u16) {
    *c.sent.lock().unwrap().entry(status).or_default() += 1;
}

async fn chunked(s: &mut TcpStream) -> std::io::Result<()> {
    s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await?;
    s.write_all(b"5\r\nhello\r\n").await?;
    s.flush().await?;
    tokio::task::yield_now().await;
    s.write_all(b"7;ext=1\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n")
        .await
}

/// Whether the client closed the connection (rather than the test ending).
async fn wait_for_close(s: &mut TcpStream) -> bool {
    let mut b = [0u8; 64];
    loop {
        match s.read(&mut b).await {
            Ok(0) | Err(_) => return true,
            Ok(_) => {}
        }
    }
}
