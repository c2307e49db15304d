//! What each load thread counts, and how threads are merged. Pure and cheap: a
//! thread records into its own [`Stats`] with no lock; the merge happens once, at the end.
use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;

pub use super::failure::Failure;
use super::failure::FIXED;

/// Latencies are recorded in microseconds up to 10 minutes (longer ones saturate:
/// timeouts are at most 60 s each).
fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX).max(1)
}

/// The arrivals of an open-loop run (`--rate`), counted by its dispatcher.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Arrivals {
    /// Requests whose intended time fell within the window.
    pub due: u64,
    /// Requests started (a connect or a write for them began) within the window.
    pub started: u64,
    /// Requests due while every connection of their thread was busy: each waited
    /// for one (and may still have been waiting when the window closed).
    pub late: u64,
}

impl Arrivals {
    fn merge(&mut self, o: &Arrivals) {
        self.due += o.due;
        self.started += o.started;
        self.late += o.late;
    }
}

/// One thread's counts.
pub struct Stats {
    /// Time to a complete response, including the connect on a fresh connection;
    /// in an open-loop run, from the request's intended time (corrected).
    pub latency: Histogram<u64>,
    /// Open loop only: from when the request really started (uncorrected).
    pub uncorrected: Histogram<u64>,
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
    /// 2xx completed in each second of the window, the last partial one included.
    pub goodput: Vec<u64>,
    pub arrivals: Arrivals,
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new(Duration::ZERO)
    }
}

impl Stats {
    /// Counts for a window of `planned`: its per-second series is allocated here,
    /// once, so that counting a response is an index into it.
    pub fn new(planned: Duration) -> Stats {
        Stats {
            latency: histogram(),
            uncorrected: histogram(),
            connect: histogram(),
            status: vec![0; 1000],
            failures: [0; FIXED.len()],
            other: BTreeMap::new(),
            connects: 0,
            reconnects: 0,
            window_responses: 0,
            window_ok: 0,
            goodput: vec![0; seconds(planned)],
            arrivals: Arrivals::default(),
        }
    }

    /// A response; `second` is the second of the window it completed in, None
    /// when it settled after the window.
    pub fn response(&mut self, status: u16, latency: Duration, second: Option<u64>) {
        self.status[usize::from(status).min(999)] += 1;
        self.latency.saturating_record(micros(latency));
        if let Some(second) = second {
            self.window_responses += 1;
            if (200..300).contains(&status) {
                self.window_ok += 1;
                // A completion at the window's very end belongs to its last second.
                let last = self.goodput.len().saturating_sub(1);
                if let Some(n) = self
                    .goodput
                    .get_mut(usize::try_from(second).map_or(last, |s| s.min(last)))
                {
                    *n += 1;
                }
            }
        }
    }

    /// An open-loop response's latency from when it really started.
    pub fn record_uncorrected(&mut self, latency: Duration) {
        self.uncorrected.saturating_record(micros(latency));
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
        let _ = self.uncorrected.add(&other.uncorrected);
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
        if self.goodput.len() < other.goodput.len() {
            self.goodput.resize(other.goodput.len(), 0);
        }
        for (a, b) in self.goodput.iter_mut().zip(&other.goodput) {
            *a += b;
        }
        self.arrivals.merge(&other.arrivals);
    }

    /// The per-second 2xx of a window of `window_s` seconds: one entry a second
    /// begun, so that a second without any 2xx shows as 0.
    pub fn goodput_series(&self, window_s: f64) -> Vec<u64> {
        let n = seconds(Duration::from_secs_f64(window_s.max(0.0)));
        let mut series: Vec<u64> = self.goodput.iter().copied().take(n).collect();
        // Nothing is counted past the window; should it be, it stays in the sum.
        let beyond: u64 = self.goodput.iter().skip(n).sum();
        if let Some(last) = series.last_mut() {
            *last += beyond;
        }
        series
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

    pub fn errors(&self) -> BTreeMap<Failure, u64> {
        let fixed = FIXED.iter().zip(self.failures).filter(|(_, n)| *n > 0);
        let other = self.other.iter().map(|(&e, &n)| (Failure::Other(e), n));
        fixed.map(|(f, n)| (*f, n)).chain(other).collect()
    }
}

/// The seconds begun in `d`: 10 s has 10, 3.4 s has 4.
fn seconds(d: Duration) -> usize {
    usize::try_from(d.as_secs() + u64::from(d.subsec_nanos() > 0)).unwrap_or(usize::MAX)
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
    use std::io;

    #[test]
    fn errno_classes() {
        let e = |n| Failure::from_io(&io::Error::from_raw_os_error(n));
        assert_eq!(e(libc::ECONNREFUSED), Failure::Refused);
        assert_eq!(e(libc::EADDRNOTAVAIL), Failure::AddrNotAvail);
        assert_eq!(e(libc::ECONNRESET), Failure::Reset);
        assert_eq!(e(libc::EPIPE), Failure::Reset);
        assert_eq!(e(libc::EHOSTUNREACH), Failure::Other(libc::EHOSTUNREACH));
        assert_eq!(
            Failure::from_io(&io::ErrorKind::UnexpectedEof.into()),
            Failure::ClosedEarly
        );
    }

    #[test]
    fn merging_adds_every_count() {
        let mut a = Stats::new(Duration::from_secs(2));
        a.response(200, Duration::from_millis(1), Some(0));
        a.response(502, Duration::from_millis(3), Some(1));
        a.failure(Failure::Reset);
        a.failure(Failure::Other(113));
        a.connected(Duration::from_micros(50));
        let mut b = Stats::new(Duration::from_secs(2));
        b.response(200, Duration::from_millis(2), None);
        b.response(201, Duration::from_millis(2), Some(1));
        b.arrivals = Arrivals {
            due: 10,
            started: 9,
            late: 2,
        };
        b.failure(Failure::Reset);
        b.failure(Failure::Other(113));
        b.reconnects = 4;
        a.merge(&b);
        assert_eq!(
            (a.responses(), a.ok(), a.connects, a.reconnects),
            (4, 3, 1, 4)
        );
        assert_eq!(
            a.status_counts(),
            BTreeMap::from([(200, 2), (201, 1), (502, 1)])
        );
        assert_eq!((a.window_ok, a.goodput.clone()), (2, vec![1, 1]));
        assert_eq!((a.arrivals.due, a.arrivals.late), (10, 2));
        assert_eq!(
            a.errors(),
            BTreeMap::from([(Failure::Reset, 2), (Failure::Other(113), 2)])
        );
        assert_eq!(a.latency.len(), 4);
        assert_eq!(
            a.latency.value_at_quantile(1.0),
            a.latency.highest_equivalent(3000)
        );
    }

    #[test]
    fn the_series_has_a_second_for_each_second_begun() {
        let mut s = Stats::new(Duration::from_secs(3));
        for second in [0, 0, 2, 3, 9] {
            // 3 is the window's very end (10 s of 3 s cannot happen; it is kept).
            s.response(200, Duration::from_millis(1), Some(second));
        }
        s.response(502, Duration::from_millis(1), Some(1));
        s.response(200, Duration::from_millis(1), None);
        assert_eq!(s.goodput_series(3.0), vec![2, 0, 3]);
        assert_eq!(
            s.goodput_series(1.5),
            vec![2, 3],
            "interrupted: the rest in the last"
        );
        assert_eq!(s.goodput_series(0.0), Vec::<u64>::new());
        assert_eq!(s.goodput_series(3.0).iter().sum::<u64>(), s.window_ok);
    }

    #[test]
    fn rates() {
        assert_eq!(rate(500, 2.0), 250.0);
        assert_eq!(rate(5, 0.0), 0.0);
    }
}
