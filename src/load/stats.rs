//! What each load thread counts, and how threads are merged. Pure and cheap: a
//! thread records into its own [`Stats`] with no lock; the merge happens once, at the end.
use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

use hdrhistogram::Histogram;

/// Why a request did not get a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Failure {
    ConnectTimeout,
    Refused,
    AddrNotAvail,
    Reset,
    /// Aborted at the request timeout, its connection closed (nginx logs 499).
    RequestTimeout,
    /// The server closed the connection before the response was complete.
    ClosedEarly,
    BadResponse,
    /// Anything else, by errno (0 when the error carried none).
    Other(i32),
}

const FIXED: [Failure; 7] = [
    Failure::ConnectTimeout,
    Failure::Refused,
    Failure::AddrNotAvail,
    Failure::Reset,
    Failure::RequestTimeout,
    Failure::ClosedEarly,
    Failure::BadResponse,
];

impl Failure {
    /// The error as the kernel reported it, by errno.
    pub fn from_io(err: &io::Error) -> Failure {
        match err.raw_os_error() {
            Some(libc::ECONNREFUSED) => Failure::Refused,
            Some(libc::EADDRNOTAVAIL) => Failure::AddrNotAvail,
            // EPIPE is what a write sees once the peer has reset the connection.
            Some(libc::ECONNRESET) | Some(libc::EPIPE) => Failure::Reset,
            Some(libc::ETIMEDOUT) => Failure::ConnectTimeout,
            Some(n) => Failure::Other(n),
            None if err.kind() == io::ErrorKind::UnexpectedEof => Failure::ClosedEarly,
            None => Failure::Other(0),
        }
    }

    /// The key in the report's `errors` map.
    pub fn key(self) -> String {
        match self {
            Failure::ConnectTimeout => "connect_timeout".into(),
            Failure::Refused => "refused".into(),
            Failure::AddrNotAvail => "eaddrnotavail".into(),
            Failure::Reset => "reset".into(),
            Failure::RequestTimeout => "request_timeout".into(),
            Failure::ClosedEarly => "closed_early".into(),
            Failure::BadResponse => "bad_response".into(),
            Failure::Other(0) => "other".into(),
            Failure::Other(n) => format!("errno_{n}"),
        }
    }

    fn slot(self) -> Option<usize> {
        FIXED.iter().position(|&f| f == self)
    }
}

/// Latencies are recorded in microseconds up to 10 minutes (longer ones saturate:
/// timeouts are at most 60 s each).
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// One thread's counts.
pub struct Stats {
    /// Time to a complete response, including the connect on a fresh connection.
    pub latency: Histogram<u64>,
    pub connect: Histogram<u64>,
    /// Responses by status code (index = code, 0..=999).
    pub status: Vec<u64>,
    failures: [u64; FIXED.len()],
    other: BTreeMap<i32, u64>,
    pub connects: u64,
    /// Connections reopened because the server closed a kept-alive one.
    pub reconnects: u64,
    /// Responses (and 2xx among them) completed within the measurement window:
    /// the rates' numerators. Those settled after it are counted everywhere else.
    pub window_responses: u64,
    pub window_ok: u64,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            latency: histogram(),
            connect: histogram(),
            status: vec![0; 1000],
            failures: [0; FIXED.len()],
            other: BTreeMap::new(),
            connects: 0,
            reconnects: 0,
            window_responses: 0,
            window_ok: 0,
        }
    }
}

impl Stats {
    pub fn response(&mut self, status: u16, latency: Duration, in_window: bool) {
        self.status[usize::from(status).min(999)] += 1;
        self.latency.saturating_record(micros(latency));
        if in_window {
            self.window_responses += 1;
            self.window_ok += u64::from((200..300).contains(&status));
        }
    }

    pub fn connected(&mut self, took: Duration) {
        self.connects += 1;
        self.connect.saturating_record(micros(took));
    }

    pub fn failure(&mut self, f: Failure) {
        match f.slot() {
            Some(i) => self.failures[i] += 1,
            None => {
                *self
                    .other
                    .entry(match f {
                        Failure::Other(n) => n,
                        _ => 0,
                    })
                    .or_default() += 1
            }
        }
    }

    pub fn merge(&mut self, other: &Stats) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.latency.add(&other.latency);
        let _ = self.connect.add(&other.connect);
        for (a, b) in self.status.iter_mut().zip(&other.status) {
            *a += b;
        }
        for (a, b) in self.failures.iter_mut().zip(other.failures) {
            *a += b;
        }
        for (k, v) in &other.other {
            *self.other.entry(*k).or_default() += v;
        }
        self.connects += other.connects;
        self.reconnects += other.reconnects;
        self.window_responses += other.window_responses;
        self.window_ok += other.window_ok;
    }

    pub fn responses(&self) -> u64 {
        self.status.iter().sum()
    }

    /// Goodput's numerator: 2xx responses.
    pub fn ok(&self) -> u64 {
        self.status[200..300].iter().sum()
    }

    pub fn status_counts(&self) -> BTreeMap<u16, u64> {
        (0u16..)
            .zip(&self.status)
            .filter(|(_, &n)| n > 0)
            .map(|(code, &n)| (code, n))
            .collect()
    }

    pub fn errors(&self) -> BTreeMap<String, u64> {
        let fixed = FIXED.iter().zip(self.failures).filter(|(_, n)| *n > 0);
        let other = self.other.iter().map(|(&e, &n)| (Failure::Other(e), n));
        fixed
            .map(|(f, n)| (f.key(), n))
            .chain(other.map(|(f, n)| (f.key(), n)))
            .collect()
    }
}

/// Events per second; zero for an empty interval.
pub fn rate(count: u64, secs: f64) -> f64 {
    if secs > 0.0 {
        count as f64 / secs
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_classes() {
        let e = |n| Failure::from_io(&io::Error::from_raw_os_error(n));
        assert_eq!(e(libc::ECONNREFUSED), Failure::Refused);
        assert_eq!(e(libc::EADDRNOTAVAIL), Failure::AddrNotAvail);
        assert_eq!(e(libc::ECONNRESET), Failure::Reset);
        assert_eq!(e(libc::EPIPE), Failure::Reset);
        assert_eq!(
            e(libc::EHOSTUNREACH).key(),
            format!("errno_{}", libc::EHOSTUNREACH)
        );
        assert_eq!(
            Failure::from_io(&io::ErrorKind::UnexpectedEof.into()),
            Failure::ClosedEarly
        );
    }

    #[test]
    fn merging_adds_every_count() {
        let mut a = Stats::default();
        a.response(200, Duration::from_millis(1), true);
        a.response(502, Duration::from_millis(3), true);
        a.failure(Failure::Reset);
        a.failure(Failure::Other(113));
        a.connected(Duration::from_micros(50));
        let mut b = Stats::default();
        b.response(200, Duration::from_millis(2), false);
        b.failure(Failure::Reset);
        b.failure(Failure::Other(113));
        b.reconnects = 4;
        a.merge(&b);
        assert_eq!(
            (a.responses(), a.ok(), a.connects, a.reconnects),
            (3, 2, 1, 4)
        );
        assert_eq!(a.status_counts(), BTreeMap::from([(200, 2), (502, 1)]));
        assert_eq!(
            a.errors(),
            BTreeMap::from([("reset".into(), 2), ("errno_113".into(), 2)])
        );
        assert_eq!(a.latency.len(), 3);
        assert_eq!(
            a.latency.value_at_quantile(1.0),
            a.latency.highest_equivalent(3000)
        );
    }

    #[test]
    fn rates() {
        assert_eq!(rate(500, 2.0), 250.0);
        assert_eq!(rate(5, 0.0), 0.0);
    }
}
