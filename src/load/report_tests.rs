use std::time::Duration;

use super::*;
use crate::load::stats::{Arrivals, Failure};

const TIMES: RunTimes = RunTimes {
    window_s: 2.0,
    settle_s: 0.25,
};

fn shape() -> RunShape<'static> {
    RunShape {
        url: "http://127.0.0.1:8080/",
        connections: 10,
        keepalive: true,
        timeout_ms: 2000,
        planned_s: 2.0,
        rate: None,
    }
}

fn sample() -> Stats {
    let mut s = Stats::new(Duration::from_secs(2));
    for ms in 1..=100 {
        // The last 10 settle after the window: counted, but not in the rates.
        s.response(
            if ms <= 80 { 200 } else { 502 },
            Duration::from_millis(ms),
            (ms <= 90).then_some(u64::from(ms > 60)),
        );
    }
    s.failure(Failure::RequestTimeout);
    s.failure(Failure::Other(libc::EHOSTUNREACH));
    s.connected(Duration::from_micros(300));
    s
}

#[test]
fn rates_and_percentiles() {
    let r = LoadReport::build(&shape(), &sample(), TIMES, false);
    assert_eq!((r.goodput_rps, r.total_rps, r.requests), (40.0, 45.0, 100));
    assert_eq!((r.duration_s, r.settle_s), (2.0, 0.25));
    assert!((r.latency_ms.p50 - 50.0).abs() < 0.1, "{:?}", r.latency_ms);
    assert!((r.latency_ms.p90 - 90.0).abs() < 0.1);
    assert!((r.latency_ms.p99 - 99.0).abs() < 0.1);
    assert!((r.latency_ms.max - 100.0).abs() < 0.1);
    assert!((r.connect_ms.p50 - 0.3).abs() < 0.01);
    assert_eq!(r.error_total(), 2);
    assert_eq!(r.goodput_series, vec![60, 20], "2xx of each second");
    assert!(r.rate.is_none() && r.latency_uncorrected_ms.is_none());
}

#[test]
fn an_open_loop_run_reports_its_arrivals_and_both_latencies() {
    let mut s = sample();
    for ms in 1..=100 {
        s.record_uncorrected(Duration::from_millis(ms / 10));
    }
    s.arrivals = Arrivals {
        due: 400,
        started: 380,
        late: 50,
    };
    let shape = RunShape {
        rate: Some(200),
        ..shape()
    };
    let r = LoadReport::build(&shape, &s, TIMES, false);
    assert_eq!(
        r.rate,
        Some(RateReport {
            target: 200,
            achieved: 190.0,
            due: 400,
            late: 50,
            unsent: 20,
        })
    );
    let un = r.latency_uncorrected_ms.as_ref().unwrap();
    assert!(un.p99 < 11.0 && r.latency_ms.p99 > 98.0, "{un:?}");
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(
        (v["rate"]["target"].as_u64(), v["rate"]["achieved"].as_f64()),
        (Some(200), Some(190.0))
    );
    assert!(v["latency_uncorrected_ms"]["p99"].as_f64().is_some());
}

#[test]
fn json_has_the_agreed_fields() {
    let r = LoadReport::build(&shape(), &sample(), TIMES, false);
    let v = serde_json::to_value(&r).unwrap();
    for key in [
        "goodput_rps",
        "total_rps",
        "status_counts",
        "errors",
        "latency_ms",
        "connect_ms",
        "duration_s",
        "connections",
        "requests",
        "reconnects",
        "interrupted",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["status_counts"]["200"], 80);
    assert_eq!(v["errors"]["request_timeout"], 1);
    assert!(
        v.get("rate").is_none() && v.get("latency_uncorrected_ms").is_none(),
        "a closed-loop run has neither"
    );
    assert_eq!(v["goodput_series"], serde_json::json!([60, 20]));
}

#[test]
fn an_empty_run_has_no_samples() {
    let r = LoadReport::build(
        &shape(),
        &Stats::default(),
        RunTimes {
            window_s: 0.0,
            settle_s: 0.0,
        },
        false,
    );
    assert_eq!((r.goodput_rps, r.latency_ms.count), (0.0, 0));
}
