//! The `perflab load` binary: its refusals (exit code and message) and a real run
//! against a loopback server with no Docker at all.
use super::servers::{self, Behaviour};
use crate::harness::serial;

fn perflab(args: &[&str]) -> (Option<i32>, String, String) {
    // No engine: the subnet of the lab cannot be known, so nothing but loopback passes.
    let out = crate::harness::perflab(args).no_docker().output();
    (out.code, out.stdout, out.stderr)
}

#[test]
fn the_cli_refuses_a_target_outside_the_lab() {
    let (code, out, err) = perflab(&["load", "--url", "http://10.0.0.1/", "--duration", "1s"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("refusing to load 10.0.0.1") && err.contains("127.0.0.0/8"),
        "{err}"
    );
    let (code, _, err) = perflab(&["load", "--url", "http://example.com/"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("does not look names up"), "{err}");
}

#[test]
fn the_cli_refuses_bad_options_with_value_and_range() {
    for (args, needle) in [
        (
            &["--connections", "0"][..],
            "0 connections is out of range; accepted: 1 to 100000",
        ),
        (
            &["--duration", "50ms"][..],
            "duration 50ms is out of range; accepted: 100ms to 1h",
        ),
        (
            &["--timeout", "2m"][..],
            "timeout 2m is out of range; accepted: 10ms to 1m",
        ),
        (&["--duration", "soon"][..], "`soon` is not a duration"),
        (
            &["--rate", "0"][..],
            "rate 0 requests/s is out of range; accepted: 1 to 1000000",
        ),
        (
            &["--rate", "lots"][..],
            "`lots` is not a whole number; accepted: 1 to 1000000",
        ),
    ] {
        let mut all = vec!["load", "--url", "http://127.0.0.1:9/"];
        all.extend_from_slice(args);
        let (code, _, err) = perflab(&all);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_measures_a_loopback_server_without_docker() {
    let _serial = serial();
    let srv = servers::start(Behaviour::Statuses(&[200, 502])).await;
    let url = srv.url.clone();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        perflab(&[
            "load",
            "--url",
            &url,
            "--connections",
            "4",
            "--duration",
            "500ms",
            "--json",
        ])
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("--json prints JSON");
    let sent = srv.counts.sent.lock().unwrap().clone();
    assert_eq!(v["status_counts"]["200"].as_u64(), sent.get(&200).copied());
    assert_eq!(v["status_counts"]["502"].as_u64(), sent.get(&502).copied());
    assert!(v["goodput_rps"].as_f64().unwrap() > 0.0 && v["connections"] == 4);
    assert!(v.get("rate").is_none(), "closed loop: no rate");
    assert!(v["goodput_series"].is_array());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_runs_open_loop_and_reports_both_latencies() {
    let srv = servers::start(Behaviour::Statuses(&[200])).await;
    let url = srv.url.clone();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        perflab(&[
            "load", "--url", &url, "--rate", "100", "-c", "10", "-d", "1s", "--json",
        ])
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("--json prints JSON");
    assert_eq!(v["rate"]["target"], 100);
    assert!(v["rate"]["achieved"].as_f64().unwrap() > 90.0, "{v}");
    assert!(v["latency_uncorrected_ms"]["p99"].as_f64().is_some(), "{v}");
    assert_eq!(v["goodput_series"].as_array().map(Vec::len), Some(1));
}
