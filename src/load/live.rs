//! A run as it goes: goodput, 5xx, errors and (open loop) late requests per second
//! over the last second, sampled ~4×/s from the threads' counters (read without locks).
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Counts a live view reads while the run goes on; one writer thread each.
#[derive(Default)]
#[repr(align(64))]
pub struct Counters {
    pub ok: AtomicU64,
    pub responses: AtomicU64,
    /// Responses with a 5xx status (the 502s and 504s the lessons are about).
    pub server_errors: AtomicU64,
    pub errors: AtomicU64,
    /// Open loop: requests due while every connection of the thread was busy.
    pub late: AtomicU64,
}

pub fn bump(c: &AtomicU64) {
    // Only this thread writes: a plain load and store, no locked instruction.
    c.store(c.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
}

pub const TICK: Duration = Duration::from_millis(250);
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub at: Duration,
    pub ok: u64,
    pub responses: u64,
    pub server_errors: u64,
    pub errors: u64,
    pub late: u64,
}

pub fn sample(counters: &[Arc<Counters>], at: Duration) -> Sample {
    counters.iter().fold(
        Sample {
            at,
            ..Sample::default()
        },
        |s, c| Sample {
            ok: s.ok + c.ok.load(Ordering::Relaxed),
            responses: s.responses + c.responses.load(Ordering::Relaxed),
            server_errors: s.server_errors + c.server_errors.load(Ordering::Relaxed),
            errors: s.errors + c.errors.load(Ordering::Relaxed),
            late: s.late + c.late.load(Ordering::Relaxed),
            ..s
        },
    )
}

#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rates {
    pub ok: f64,
    pub responses: f64,
    pub server_errors: f64,
    pub errors: f64,
    /// Open loop: requests due while every connection was busy.
    pub late: f64,
}

/// The last second of samples, for rates that do not jitter at 4 frames a second.
#[derive(Default)]
pub struct Window {
    samples: VecDeque<Sample>,
}

impl Window {
    pub fn push(&mut self, s: Sample) {
        self.samples.push_back(s);
        while self.samples.len() > 2 && s.at - self.samples[1].at >= WINDOW {
            self.samples.pop_front();
        }
    }

    /// Per-second rates between the oldest and newest sample.
    pub fn rates(&self) -> Rates {
        match (self.samples.front(), self.samples.back()) {
            (Some(a), Some(b)) if b.at > a.at => {
                let secs = (b.at - a.at).as_secs_f64();
                let r = |x: u64, y: u64| (y - x) as f64 / secs;
                Rates {
                    ok: r(a.ok, b.ok),
                    responses: r(a.responses, b.responses),
                    server_errors: r(a.server_errors, b.server_errors),
                    errors: r(a.errors, b.errors),
                    late: r(a.late, b.late),
                }
            }
            _ => Rates::default(),
        }
    }
}

/// One tick of a run as it goes: how far it is and its rates over the last second.
/// (It also crosses the wire from the load beside the lab: `lab::beside`.)
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LiveTick {
    pub elapsed: Duration,
    pub planned: Duration,
    /// The open-loop target in requests a second; None in a closed-loop run.
    pub target: Option<u32>,
    pub rates: Rates,
}

/// Samples the counters every tick until `done` resolves, handing each tick to
/// `each` (the caller's live view). The request loop is not touched: the
/// counters are read without locks from this task.
pub async fn watch<T>(
    start: Instant,
    planned: Duration,
    target: Option<u32>,
    counters: &[Arc<Counters>],
    mut each: impl FnMut(LiveTick),
    done: impl std::future::Future<Output = T>,
) -> T {
    tokio::pin!(done);
    let mut tick = tokio::time::interval(TICK);
    let mut window = Window::default();
    loop {
        tokio::select! {
            r = &mut done => return r,
            _ = tick.tick() => {
                let elapsed = start.elapsed();
                window.push(sample(counters, elapsed));
                each(LiveTick { elapsed, planned, target, rates: window.rates() });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(ms: u64, ok: u64, errors: u64) -> Sample {
        Sample {
            at: Duration::from_millis(ms),
            ok,
            responses: ok + 10,
            server_errors: ok / 100,
            errors,
            late: 2 * errors,
        }
    }

    #[test]
    fn rates_over_the_last_second() {
        let mut w = Window::default();
        assert_eq!(w.rates(), Rates::default());
        for (i, ms) in [0u64, 250, 500, 750, 1000, 1250, 1500]
            .into_iter()
            .enumerate()
        {
            // 1000 ok/s and 100 errors/s for the first second, then 2000 and 0.
            let (ok, err) = if ms <= 1000 {
                (ms, ms / 10)
            } else {
                (1000 + 2 * (ms - 1000), 100)
            };
            w.push(s(ms, ok, err));
            assert!(
                w.samples.len() <= 6,
                "sample {i}: the window keeps about a second"
            );
        }
        let Rates {
            ok,
            server_errors,
            errors: err,
            late,
            ..
        } = w.rates();
        assert!((ok - 1500.0).abs() < 1.0, "{ok}");
        assert!((late - 100.0).abs() < 1.0, "{late}");
        assert!((server_errors - 15.0).abs() < 1.0, "{server_errors}");
        assert!((err - 50.0).abs() < 1.0, "{err}");
    }
}
