//! The score and the clock. Pure.
//!
//! Score = 1000 − 100 per hint − 1 per full 10 s on the clock, at least 0.
//! The clock runs while the challenge's prompt is open: from the goal shown to
//! the goal reached, and it keeps its time across a stop and a resume.
use std::time::{Duration, Instant};

pub const START: u32 = 1000;
pub const HINT_COST: u32 = 100;
/// One point off per this many seconds.
pub const SECONDS_PER_POINT: u64 = 10;

pub fn score(hints: u32, elapsed_s: f64) -> u32 {
    let time = (elapsed_s.max(0.0) as u64 / SECONDS_PER_POINT).min(u64::from(START));
    START
        .saturating_sub(hints.saturating_mul(HINT_COST))
        .saturating_sub(time as u32)
}

/// The clock of one session: the time carried over from earlier sessions, and
/// when this one started.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    carried: Duration,
    since: Instant,
}

impl Clock {
    /// A clock that goes on from `carried_s` seconds at `now`.
    pub fn resume(carried_s: f64, now: Instant) -> Clock {
        let carried = match carried_s.is_finite() && carried_s > 0.0 {
            true => Duration::from_secs_f64(carried_s),
            false => Duration::ZERO,
        };
        Clock {
            carried,
            since: now,
        }
    }

    /// Seconds on the clock at `now`.
    pub fn at(&self, now: Instant) -> f64 {
        (self.carried + now.saturating_duration_since(self.since)).as_secs_f64()
    }
}

/// `4:05`, or `1:02:03` past an hour.
pub fn clock_text(elapsed_s: f64) -> String {
    let s = elapsed_s.max(0.0) as u64;
    match s >= 3600 {
        true => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
        false => format!("{}:{:02}", s / 60, s % 60),
    }
}

/// The formula with this challenge's figures, e.g. `1000 − 100 × 1 − 245 s / 10 = 876`.
pub fn formula(hints: u32, elapsed_s: f64) -> String {
    format!(
        "{START} − {HINT_COST} × {hints} − {} s / {SECONDS_PER_POINT} = {}",
        elapsed_s.max(0.0) as u64,
        score(hints, elapsed_s)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_and_time_cost_points_down_to_zero() {
        assert_eq!(score(0, 0.0), 1000);
        assert_eq!(score(0, 9.9), 1000);
        assert_eq!(score(0, 10.0), 999);
        assert_eq!(score(1, 245.0), 876);
        assert_eq!(score(3, 600.0), 640);
        assert_eq!(score(11, 0.0), 0);
        assert_eq!(score(0, 1e9), 0);
        assert_eq!(score(2, -5.0), 800);
        assert_eq!(formula(1, 245.4), "1000 − 100 × 1 − 245 s / 10 = 876");
    }

    #[test]
    fn a_resumed_clock_goes_on_from_its_saved_time() {
        let t0 = Instant::now();
        let first = Clock::resume(0.0, t0);
        let stopped_at = first.at(t0 + Duration::from_secs(95));
        assert_eq!(stopped_at, 95.0);
        // The time between the sessions does not count.
        let t1 = t0 + Duration::from_secs(3600);
        let second = Clock::resume(stopped_at, t1);
        assert_eq!(second.at(t1), 95.0);
        assert_eq!(second.at(t1 + Duration::from_millis(5500)), 100.5);
        assert_eq!(Clock::resume(f64::NAN, t1).at(t1), 0.0);
        assert_eq!(Clock::resume(-3.0, t1).at(t1), 0.0);
    }

    #[test]
    fn clock_text_reads_like_a_stopwatch() {
        assert_eq!(clock_text(0.0), "0:00");
        assert_eq!(clock_text(245.7), "4:05");
        assert_eq!(clock_text(3723.0), "1:02:03");
    }
}
