//! The result of a run: goodput first, then everything that was not goodput.
use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::failure::Failure;
use super::stats::{rate, Stats};

/// Latency percentiles in milliseconds; `count` says how many samples they rest on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
    pub count: u64,
}

impl Latency {
    /// Percentiles of a microsecond histogram; all zero when it is empty.
    pub fn from_histogram(h: &Histogram<u64>) -> Latency {
        if h.is_empty() {
            return Latency::default();
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Latency {
            p50: ms(h.value_at_quantile(0.50)),
            p90: ms(h.value_at_quantile(0.90)),
            p99: ms(h.value_at_quantile(0.99)),
            max: ms(h.max()),
            count: h.len(),
        }
    }
}

/// The arrivals of an open-loop run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateReport {
    /// Requests a second asked for.
    pub target: u32,
    /// Requests started a second within the window (a connect or a write for them began).
    pub achieved: f64,
    /// Requests whose intended time fell within the window.
    pub due: u64,
    /// Requests due while every connection (of their load thread) was busy: each
    /// waited for one, and its wait is in its latency.
    pub late: u64,
    /// Due within the window and never started: the window ended first (mostly
    /// late ones still waiting for a connection).
    pub unsent: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadReport {
    pub url: String,
    /// 2xx responses per second: the headline.
    pub goodput_rps: f64,
    /// Every response (any status) per second.
    pub total_rps: f64,
    /// Open loop only: the rate asked for and what came of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<RateReport>,
    pub status_counts: BTreeMap<u16, u64>,
    /// Requests that got no response, by class.
    pub errors: BTreeMap<Failure, u64>,
    /// Time to a complete response, connect included on a fresh connection; in an
    /// open-loop run from each request's intended time (corrected).
    pub latency_ms: Latency,
    /// Open loop only: from when each request really started (uncorrected: what a
    /// closed-loop client would report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_uncorrected_ms: Option<Latency>,
    pub connect_ms: Latency,
    /// The measurement window: the rates count responses completed within it.
    pub duration_s: f64,
    /// How long the requests in flight at the window's end took to settle (at most
    /// the timeout); their outcomes are in the counts, errors and latencies.
    pub settle_s: f64,
    /// The duration asked for.
    pub planned_s: f64,
    pub connections: usize,
    pub keepalive: bool,
    pub timeout_ms: u64,
    /// Responses received, any status.
    pub requests: u64,
    pub connects: u64,
    /// Kept-alive connections the server closed, reopened.
    pub reconnects: u64,
    /// Stopped by Ctrl-C (or the caller) before its duration.
    pub interrupted: bool,
    /// 2xx completed in each second of the window from its start, the last
    /// (partial) second included: a second without any is 0.
    #[serde(default)]
    pub goodput_series: Vec<u64>,
}

/// The measured times of a run, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunTimes {
    pub window_s: f64,
    pub settle_s: f64,
}

/// What a run was asked to do, for the report.
pub struct RunShape<'a> {
    pub url: &'a str,
    pub connections: usize,
    pub keepalive: bool,
    pub timeout_ms: u64,
    pub planned_s: f64,
    /// Open loop: the target rate; None for a closed-loop run.
    pub rate: Option<u32>,
}

impl LoadReport {
    /// Builds the report from the merged counts, the measurement window (start to
    /// end, or to the interruption) and the time requests in flight then took to settle.
    pub fn build(
        shape: &RunShape,
        stats: &Stats,
        window: RunTimes,
        interrupted: bool,
    ) -> LoadReport {
        let secs = window.window_s;
        let arrivals = &stats.arrivals;
        LoadReport {
            url: shape.url.to_string(),
            goodput_rps: rate(stats.window_ok, secs),
            total_rps: rate(stats.window_responses, secs),
            rate: shape.rate.map(|target| RateReport {
                target,
                achieved: rate(arrivals.started, secs),
                due: arrivals.due,
                late: arrivals.late,
                unsent: arrivals.due.saturating_sub(arrivals.started),
            }),
            status_counts: stats.status_counts(),
            errors: stats.errors(),
            latency_ms: Latency::from_histogram(&stats.latency),
            latency_uncorrected_ms: shape
                .rate
                .map(|_| Latency::from_histogram(&stats.uncorrected)),
            connect_ms: Latency::from_histogram(&stats.connect),
            duration_s: secs,
            settle_s: window.settle_s,
            planned_s: shape.planned_s,
            connections: shape.connections,
            keepalive: shape.keepalive,
            timeout_ms: shape.timeout_ms,
            requests: stats.responses(),
            connects: stats.connects,
            reconnects: stats.reconnects,
            interrupted,
            goodput_series: stats.goodput_series(secs),
        }
    }

    pub fn error_total(&self) -> u64 {
        self.errors.values().sum()
    }

    /// Percent of the requests that got no 2xx: responses of another status,
    /// and requests that got no response at all; 0 when nothing was sent.
    pub fn error_pct(&self) -> f64 {
        let ok: u64 = self.status_counts.range(200..300).map(|(_, n)| n).sum();
        let all = self.requests + self.error_total();
        match all {
            0 => 0.0,
            _ => 100.0 * (all - ok) as f64 / all as f64,
        }
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
