//! The challenge's goal in figures, and whether a run reaches it. Pure.
//!
//! Three figures, each read from one settled run of the standard load:
//! - goodput (2xx/s) at least `factor` × the baseline, where a baseline under
//!   [`BASELINE_FLOOR_RPS`] counts as that floor (the broken server answers
//!   next to nothing, and 10 × 0 is no goal);
//! - p99 latency at most the bound;
//! - errors (non-2xx responses plus requests that got no response) at most
//!   [`ERROR_TOLERANCE`] of all requests.
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::lab::STANDARD;
use crate::load::{Failure, LoadReport};

/// Low enough that the fully fixed server reaches it on a busy 2-core machine
/// (`--goal` asks for more).
pub const FACTOR_DEFAULT: u32 = 10;
pub const FACTORS: RangeInclusive<u32> = 2..=100;
/// Half the standard load's request timeout: a listen queue that drops SYNs
/// costs a 1 s retransmit, so a server that still drops some fails it.
pub const P99_DEFAULT_MS: u64 = TIMEOUT_MS / 2;
/// Up to the standard load's request timeout: slower requests are aborted.
pub const P99_RANGE_MS: RangeInclusive<u64> = 50..=TIMEOUT_MS;
const TIMEOUT_MS: u64 = STANDARD.timeout.as_millis() as u64;
pub const BASELINE_FLOOR_RPS: f64 = 250.0;
/// One request in a thousand.
pub const ERROR_TOLERANCE: f64 = 0.001;

/// A goal option out of its range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoalError {
    #[error("--goal {0} is out of range: accepted {lo} to {hi} (times the baseline)", lo = FACTORS.start(), hi = FACTORS.end())]
    Factor(u32),
    #[error("--p99 {0}ms is out of range: accepted {lo}ms to {hi}ms (the load aborts a request at {hi}ms)", lo = P99_RANGE_MS.start(), hi = P99_RANGE_MS.end())]
    P99(u64),
}

/// What the learner is asked to reach, fixed at the challenge's start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub factor: u32,
    pub p99_ms: u64,
}

impl Default for Goal {
    fn default() -> Self {
        Goal {
            factor: FACTOR_DEFAULT,
            p99_ms: P99_DEFAULT_MS,
        }
    }
}

impl Goal {
    pub fn build(factor: u32, p99_ms: u64) -> Result<Goal, GoalError> {
        if !FACTORS.contains(&factor) {
            return Err(GoalError::Factor(factor));
        }
        if !P99_RANGE_MS.contains(&p99_ms) {
            return Err(GoalError::P99(p99_ms));
        }
        Ok(Goal { factor, p99_ms })
    }

    /// The goodput to reach from this baseline.
    pub fn required_goodput(&self, baseline_rps: f64) -> f64 {
        f64::from(self.factor) * counted_baseline(baseline_rps)
    }
}

/// The baseline as the goal counts it.
pub fn counted_baseline(baseline_rps: f64) -> f64 {
    match baseline_rps.is_finite() {
        true => baseline_rps.max(BASELINE_FLOOR_RPS),
        false => BASELINE_FLOOR_RPS,
    }
}

/// The figures of one run that the goal reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunMeasure {
    pub goodput_rps: f64,
    /// None when nothing was answered (a run saved before wrote 0 for it).
    pub p99_ms: Option<f64>,
    /// Responses of any status plus requests that got none.
    pub requests: u64,
    /// Non-2xx responses plus requests that got none.
    pub failed: u64,
    /// The failures by class (`connect_timeout`, `http_502`).
    pub errors: BTreeMap<Failure, u64>,
}

impl RunMeasure {
    pub fn from_report(r: &LoadReport) -> RunMeasure {
        let mut errors = r.errors.clone();
        for (code, n) in r
            .status_counts
            .iter()
            .filter(|(c, _)| !(200..300).contains(*c))
        {
            errors.insert(Failure::Status(*code), *n);
        }
        let failed = errors.values().sum();
        let ok: u64 = r
            .status_counts
            .iter()
            .filter(|(c, _)| (200..300).contains(*c))
            .map(|(_, n)| n)
            .sum();
        RunMeasure {
            goodput_rps: r.goodput_rps,
            p99_ms: (r.latency_ms.count > 0).then_some(r.latency_ms.p99),
            requests: ok + failed,
            failed,
            errors,
        }
    }

    /// Failed requests as a share of all; everything failed when nothing was asked.
    pub fn error_share(&self) -> f64 {
        match self.requests {
            0 => 1.0,
            n => self.failed as f64 / n as f64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Goodput,
    P99,
    Errors,
}

/// One goal figure: observed (none for the p99 of a run with no response)
/// against required.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub figure: Figure,
    pub observed: Option<f64>,
    pub required: f64,
    pub ok: bool,
}

/// Each goal figure of `run`. A p99 needs responses: with none it fails.
pub fn evaluate(goal: &Goal, baseline_rps: f64, run: &RunMeasure) -> Vec<Line> {
    let required = goal.required_goodput(baseline_rps);
    let p99 = goal.p99_ms as f64;
    let answered = run.requests > run.failed;
    vec![
        Line {
            figure: Figure::Goodput,
            observed: Some(run.goodput_rps),
            required,
            ok: run.goodput_rps >= required,
        },
        Line {
            figure: Figure::P99,
            observed: run.p99_ms,
            required: p99,
            ok: answered && run.p99_ms.is_some_and(|p| p <= p99),
        },
        Line {
            figure: Figure::Errors,
            observed: Some(run.error_share() * 100.0),
            required: ERROR_TOLERANCE * 100.0,
            ok: run.error_share() <= ERROR_TOLERANCE,
        },
    ]
}

pub fn reached(lines: &[Line]) -> bool {
    lines.iter().all(|l| l.ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(goodput: f64, p99: f64, requests: u64, failed: u64) -> RunMeasure {
        RunMeasure {
            goodput_rps: goodput,
            p99_ms: Some(p99),
            requests,
            failed,
            errors: BTreeMap::new(),
        }
    }

    #[test]
    fn options_are_range_checked_naming_value_and_range() {
        assert_eq!(Goal::build(10, 1000), Ok(Goal::default()));
        let e = Goal::build(1, 1000).unwrap_err().to_string();
        assert_eq!(
            e,
            "--goal 1 is out of range: accepted 2 to 100 (times the baseline)"
        );
        assert!(Goal::build(101, 1000).is_err());
        let e = Goal::build(20, 3000).unwrap_err().to_string();
        assert!(e.contains("3000ms") && e.contains("50ms to 2000ms"), "{e}");
        assert!(Goal::build(20, 49).is_err());
    }

    #[test]
    fn a_baseline_near_zero_counts_as_the_floor() {
        let g = Goal::default();
        assert_eq!(g.required_goodput(0.0), 2500.0);
        assert_eq!(g.required_goodput(40.0), 2500.0);
        assert_eq!(g.required_goodput(f64::NAN), 2500.0);
        assert_eq!(g.required_goodput(400.0), 4000.0);
    }

    #[test]
    fn every_figure_must_pass() {
        let g = Goal::default();
        let good = evaluate(&g, 0.0, &run(14000.0, 400.0, 140_000, 100));
        assert!(reached(&good), "{good:?}");
        assert!((good[2].observed.unwrap() - 100.0 / 1400.0).abs() < 1e-9);
        let slow = evaluate(&g, 0.0, &run(9000.0, 1030.0, 90_000, 0));
        assert_eq!(
            slow.iter().map(|l| l.ok).collect::<Vec<_>>(),
            [true, false, true]
        );
        let few = evaluate(&g, 0.0, &run(2499.0, 100.0, 50_000, 0));
        assert!(!few[0].ok && !reached(&few));
        let errors = evaluate(&g, 0.0, &run(9000.0, 100.0, 90_000, 91));
        assert!(!errors[2].ok);
    }

    #[test]
    fn a_run_without_answers_fails_every_figure() {
        let lines = evaluate(&Goal::default(), 0.0, &run(0.0, 0.0, 5000, 5000));
        assert!(lines.iter().all(|l| !l.ok), "{lines:?}");
        let nothing = RunMeasure::default();
        let nothing = evaluate(&Goal::default(), 0.0, &nothing);
        assert!(!nothing[1].ok && !nothing[2].ok);
        assert_eq!(nothing[1].observed, None, "no response, no p99");
    }

    #[test]
    fn measures_count_non_2xx_and_unanswered_requests_as_failed() {
        let report: LoadReport = serde_json::from_value(serde_json::json!({
            "url": "http://172.28.0.2/", "goodput_rps": 100.0, "total_rps": 300.0,
            "status_counts": { "200": 1000, "502": 2000 },
            "errors": { "connect_timeout": 50 },
            "latency_ms": { "p50": 1.0, "p90": 2.0, "p99": 30.0, "max": 40.0, "count": 3000 },
            "connect_ms": { "p50": 1.0, "p90": 2.0, "p99": 3.0, "max": 4.0, "count": 10 },
            "duration_s": 10.0, "settle_s": 0.0, "planned_s": 10.0, "connections": 1000,
            "keepalive": true, "timeout_ms": 2000, "requests": 3000, "connects": 1000,
            "reconnects": 0, "interrupted": false
        }))
        .unwrap();
        let m = RunMeasure::from_report(&report);
        assert_eq!((m.requests, m.failed), (3050, 2050));
        assert_eq!(m.errors[&Failure::Status(502)], 2000);
        assert_eq!(m.p99_ms, Some(30.0));
    }
}
