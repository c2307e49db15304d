//! A token bucket per key (a learner, or "join"): a steady rate with room for a
//! burst, so a course's flush after an outage goes through and a loop that
//! posts as fast as it can gets 429s.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limiter {
    burst: f64,
    per_sec: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(burst: u32, per_sec: u32) -> Limiter {
        Limiter {
            burst: f64::from(burst),
            per_sec: f64::from(per_sec),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `key`, or says how long until one is there.
    pub fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets.entry(key.to_string()).or_insert((self.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.per_sec).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_steady_rate() {
        let l = Limiter::new(3, 2);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.take("a", t0).is_ok());
        }
        let wait = l.take("a", t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.5).abs() < 1e-9, "{wait:?}");
        // Another learner has a bucket of their own.
        assert!(l.take("b", t0).is_ok());
        assert!(l.take("a", t0 + Duration::from_millis(500)).is_ok());
        assert!(l.take("a", t0 + Duration::from_millis(500)).is_err());
        // Refills up to the burst, no more.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..3 {
            assert!(l.take("a", later).is_ok());
        }
        assert!(l.take("a", later).is_err());
    }
}
