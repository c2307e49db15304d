//! A run as it goes: goodput, 5xx and errors per second over the last second,
//! sampled ~4×/s from the threads' counters (read without locks).
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::conn::Counters;

pub const TICK: Duration = Duration::from_millis(250);
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sample {
    pub at: Duration,
    pub ok: u64,
    pub responses: u64,
    pub server_errors: u64,
    pub errors: u64,
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
            ..s
        },
    )
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rates {
    pub ok: f64,
    pub responses: f64,
    pub server_errors: f64,
    pub errors: f64,
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
                }
            }
            _ => Rates::default(),
        }
    }
}

/// One tick of a run as it goes: how far it is and its rates over the last second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveTick {
    pub elapsed: Duration,
    pub planned: Duration,
    pub rates: Rates,
}

/// Samples the counters every tick until `done` resolves, handing each tick to
/// `each` (the caller's live view). The request loop is not touched: the
/// counters are read without locks from this task.
pub async fn watch<T>(
    start: Instant,
    planned: Duration,
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
                each(LiveTick { elapsed, planned, rates: window.rates() });
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
            ..
        } = w.rates();
        assert!((ok - 1500.0).abs() < 1.0, "{ok}");
        assert!((server_errors - 15.0).abs() < 1.0, "{server_errors}");
        assert!((err - 50.0).abs() < 1.0, "{err}");
    }
}
