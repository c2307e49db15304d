//! The load generator against servers these tests start on loopback, each wrong in
//! one way, and the `perflab load` binary's refusals.
mod cli;
mod servers;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::harness::serial;
use perflab::lab::STANDARD;
use perflab::load::{run_load, run_load_watched, Failure, LoadConfig, LoadError, LoadReport};
use servers::Behaviour;
use tokio_util::sync::CancellationToken;

fn config(url: &str, connections: usize, duration_ms: u64, timeout_ms: u64) -> LoadConfig {
    let mut c = LoadConfig::new(url, &[], &perflab::lab::STANDARD)
        .expect("a loopback url passes the guard");
    c.connections = connections;
    c.duration = Duration::from_millis(duration_ms);
    c.timeout = Duration::from_millis(timeout_ms);
    c.connect_timeout = Duration::from_millis(timeout_ms);
    c
}

/// Runs the load, the machine to itself, and checks that it ended on time:
/// within duration + timeout + 1 s.
async fn load(cfg: &LoadConfig) -> LoadReport {
    let _serial = serial();
    let t = Instant::now();
    let r = run_load(cfg, &CancellationToken::new())
        .await
        .expect("the run completes");
    let limit = cfg.duration + cfg.timeout.max(cfg.connect_timeout) + Duration::from_secs(1);
    assert!(
        t.elapsed() <= limit,
        "took {:?}, limit {limit:?}",
        t.elapsed()
    );
    assert!(!r.interrupted);
    r
}

fn err(r: &LoadReport, class: Failure) -> u64 {
    r.errors.get(&class).copied().unwrap_or(0)
}

#[tokio::test]
async fn counts_every_status_and_only_2xx_as_goodput() {
    let srv = servers::start(Behaviour::Statuses(&[200, 404, 502])).await;
    let r = load(&config(&srv.url, 6, 800, 1000)).await;
    let sent = srv.counts.sent.lock().unwrap().clone();
    assert_eq!(
        r.status_counts, sent,
        "the report counts exactly what the server sent"
    );
    assert!(r.status_counts.len() == 3 && r.requests > 30, "{r:?}");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // Rates count what completed within the window; the counts include what settled after.
    assert!(r.goodput_rps < r.total_rps && r.goodput_rps * r.duration_s <= sent[&200] as f64 + 0.5);
    assert!(
        (r.duration_s - 0.8).abs() < 0.01 && r.settle_s < 0.5,
        "{r:?}"
    );
    assert!(
        r.latency_ms.count == r.requests
            && r.latency_ms.p50 > 0.0
            && r.latency_ms.max >= r.latency_ms.p99
    );
    assert_eq!(r.connects, 6, "keep-alive: one connect a slot");
    assert!(r.rate.is_none() && r.latency_uncorrected_ms.is_none());
    assert_eq!(r.goodput_series.len(), 1, "0.8 s: one second begun");
    assert_eq!(
        r.goodput_series.iter().sum::<u64>() as f64,
        (r.goodput_rps * r.duration_s).round()
    );
}

#[tokio::test]
async fn reads_chunked_and_content_length_bodies() {
    for b in [Behaviour::Chunked, Behaviour::Big(100_000)] {
        let srv = servers::start(b).await;
        let r = load(&config(&srv.url, 4, 600, 1000)).await;
        let sent = srv.counts.sent.lock().unwrap()[&200];
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(
            (r.status_counts[&200], r.connects),
            (sent, 4),
            "keep-alive held after each body"
        );
        assert!(sent > 10, "{sent}");
    }
}

#[tokio::test]
async fn a_server_that_never_answers_gives_request_timeouts_and_the_run_ends_on_time() {
    let srv = servers::start(Behaviour::Silent).await;
    let r = load(&config(&srv.url, 3, 1000, 300)).await;
    assert_eq!(r.requests, 0);
    // 3 slots, each timing out every 300 ms for ~1 s (the last ones after the end).
    assert!(
        (9..=15).contains(&err(&r, Failure::RequestTimeout)),
        "{:?}",
        r.errors
    );
    // Each timeout closed its connection: the server sees every close.
    let timeouts = err(&r, Failure::RequestTimeout);
    let t = Instant::now();
    while srv.counts.aborted.load(Ordering::Relaxed) < timeouts {
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", r.errors);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(srv.counts.aborted.load(Ordering::Relaxed), timeouts);
}

#[tokio::test]
async fn a_trickling_body_is_cut_at_the_timeout() {
    let srv = servers::start(Behaviour::Trickle).await;
    let r = load(&config(&srv.url, 2, 500, 400)).await;
    assert_eq!(r.requests, 0);
    assert!(err(&r, Failure::RequestTimeout) >= 2, "{:?}", r.errors);
}

#[tokio::test]
async fn dropped_syns_are_connect_timeouts_and_the_run_ends_on_time() {
    let (_listener, url, _fillers) = servers::black_hole().await;
    let r = load(&config(&url, 4, 600, 250)).await;
    assert_eq!(r.requests, 0);
    assert!(err(&r, Failure::ConnectTimeout) >= 4, "{:?}", r.errors);
}

#[tokio::test]
async fn latency_includes_the_connect() {
    let url = servers::late_accept(Duration::from_millis(300)).await;
    let r = load(&config(&url, 2, 1500, 2000)).await;
    assert!(r.requests > 0 && r.errors.is_empty(), "{r:?}");
    assert!(
        r.connect_ms.max >= 900.0,
        "the SYN was retransmitted: {:?}",
        r.connect_ms
    );
    assert!(
        r.latency_ms.max >= r.connect_ms.max,
        "{:?} vs {:?}",
        r.latency_ms,
        r.connect_ms
    );
}

#[tokio::test]
async fn a_port_without_listener_is_refused() {
    let url = servers::closed_port().await;
    let r = load(&config(&url, 2, 300, 500)).await;
    assert_eq!(r.requests, 0);
    assert!(err(&r, Failure::Refused) > 10, "{:?}", r.errors);
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
}

#[tokio::test]
async fn server_closes_are_reconnects_not_errors() {
    let srv = servers::start(Behaviour::CloseAfterResponse).await;
    let r = load(&config(&srv.url, 4, 600, 1000)).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let sent = srv.counts.sent.lock().unwrap()[&200];
    assert_eq!(r.status_counts[&200], sent);
    assert!(r.requests > 20, "{}", r.requests);
    assert_eq!(
        r.reconnects,
        r.connects - 4,
        "every connection after each slot's first was a reopening"
    );
    assert!(r.reconnects + 4 >= r.requests, "one response a connection");
}

#[tokio::test]
async fn resets_are_counted() {
    let srv = servers::start(Behaviour::Reset).await;
    let r = load(&config(&srv.url, 2, 400, 500)).await;
    assert_eq!(r.requests, 0);
    assert!(err(&r, Failure::Reset) > 5, "{:?}", r.errors);
    assert_eq!(
        err(&r, Failure::Reset),
        srv.counts.requests.load(Ordering::Relaxed)
    );
}

#[tokio::test]
async fn close_mode_opens_a_connection_per_request() {
    let srv = servers::start(Behaviour::Statuses(&[200])).await;
    let mut cfg = config(&srv.url, 3, 500, 1000);
    cfg.keepalive = false;
    let r = load(&cfg).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.connects, r.requests);
    assert_eq!(r.connects, srv.counts.accepted.load(Ordering::Relaxed));
    assert_eq!(r.reconnects, 0);
    assert!(r.connect_ms.count == r.connects && r.connect_ms.p50 > 0.0);
}

#[tokio::test]
async fn cancel_stops_the_run_and_keeps_what_was_measured() {
    let srv = servers::start(Behaviour::Statuses(&[200])).await;
    let cfg = config(&srv.url, 2, 5000, 1000);
    let _serial = serial();
    let cancel = CancellationToken::new();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        c2.cancel();
    });
    let t = Instant::now();
    let r = run_load_watched(&cfg, &cancel, |_| {}).await.unwrap();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert!(
        r.interrupted && r.requests > 0 && r.duration_s < 1.5,
        "{r:?}"
    );
    assert!(
        perflab::present::load::summary(&r, perflab::lessons::Lang::En).contains("interrupted")
    );
}

#[test]
fn the_guard_refuses_other_networks_without_a_socket() {
    let lab = [("172.18.0.0".parse().unwrap(), 16)];
    for addr in ["10.0.0.1", "192.168.1.1", "8.8.8.8"] {
        let e = LoadConfig::new(&format!("http://{addr}/"), &lab, &STANDARD).unwrap_err();
        assert!(matches!(e, LoadError::Refused { .. }), "{e}");
        let text = e.to_string();
        assert!(
            text.contains(addr) && text.contains("127.0.0.0/8") && text.contains("172.18.0.0/16"),
            "{text}"
        );
    }
    assert!(LoadConfig::new("http://172.18.0.5/", &lab, &STANDARD).is_ok());
    assert!(matches!(
        LoadConfig::new("http://example.com/", &lab, &STANDARD),
        Err(LoadError::HostName { .. })
    ));
}

#[tokio::test]
async fn a_dead_kept_alive_connection_is_charged_to_the_request_that_met_it() {
    let srv = servers::start(Behaviour::DiesOnSecond(Duration::from_millis(300))).await;
    let r = load(&config(&srv.url, 1, 1500, 1000)).await;
    assert!(
        r.errors.is_empty(),
        "sent again on a new connection: {:?}",
        r.errors
    );
    assert!(r.reconnects >= 2, "{r:?}");
    assert_eq!(r.status_counts[&200], srv.counts.sent.lock().unwrap()[&200]);
    // Every second request waited 300 ms on a connection that then died, and those
    // 300 ms are its own: half the responses took longer.
    assert!(
        r.latency_ms.max >= 300.0 && r.latency_ms.p90 >= 300.0,
        "{:?}",
        r.latency_ms
    );
}

#[tokio::test]
async fn open_loop_keeps_its_rate_on_the_connections_it_needs() {
    let srv = servers::start(Behaviour::Statuses(&[200, 200, 200, 502])).await;
    let mut cfg = config(&srv.url, 50, 2000, 1000);
    cfg.rate = Some(500);
    let r = load(&cfg).await;
    let rate = r.rate.clone().expect("an open-loop run reports its rate");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((rate.target, rate.due), (500, 1000), "{rate:?}");
    assert!(rate.unsent <= 10 && rate.late <= 10, "{rate:?}");
    assert!((rate.achieved - 500.0).abs() <= 5.0, "{rate:?}");
    let served = srv.counts.requests.load(Ordering::Relaxed);
    assert_eq!(
        r.requests, served,
        "every request sent was answered and counted"
    );
    assert_eq!(r.requests, rate.due - rate.unsent);
    assert!(
        r.connects < 25,
        "connections are opened as needed, not all 50: {}",
        r.connects
    );
    // Each second holds about a second's worth of 2xx (3 of 4 responses).
    assert_eq!(r.goodput_series.len(), 2);
    assert!(
        r.goodput_series.iter().all(|&n| (340..=410).contains(&n)),
        "{:?}",
        r.goodput_series
    );
    assert_eq!(
        r.goodput_series.iter().sum::<u64>() as f64,
        (r.goodput_rps * r.duration_s).round()
    );
    let un = r.latency_uncorrected_ms.expect("and both latencies");
    assert_eq!(un.count, r.latency_ms.count);
    assert!(r.latency_ms.p50 >= un.p50, "{:?} vs {un:?}", r.latency_ms);
}

/// Must show: open-loop arrivals at 200/s on 2 connections against a server that
/// stalls for 1 s every 2 s. The requests due during a stall wait for it, those
/// behind the two held ones for a free connection too, and each is charged from
/// when it was due; measured from when it was sent, only the held ones look slow
/// (4 of 1000), which is what a closed-loop client reports.
#[tokio::test]
async fn open_loop_charges_a_stall_to_every_request_it_delayed() {
    let srv = servers::start(Behaviour::Stalling {
        period: Duration::from_secs(2),
        stall: Duration::from_secs(1),
    })
    .await;
    let mut cfg = config(&srv.url, 2, 5000, 3000);
    cfg.rate = Some(200);
    let r = load(&cfg).await;
    let rate = r.rate.clone().expect("an open-loop run reports its rate");
    let un = r
        .latency_uncorrected_ms
        .clone()
        .expect("and both latencies");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(rate.due, 1000, "{rate:?}");
    assert!(
        r.latency_ms.p99 >= 500.0,
        "corrected p99 {:?}",
        r.latency_ms
    );
    assert!(un.p99 < 500.0, "uncorrected p99 {un:?}");
    // Two stalls of 1 s: about 200 due in each, all but the two held ones late.
    assert!((350..=700).contains(&rate.late), "{rate:?}");
    assert_eq!(
        r.requests,
        srv.counts.requests.load(Ordering::Relaxed),
        "the late ones were sent, not skipped"
    );
    assert_eq!(r.requests, rate.due - rate.unsent, "{rate:?}");
}
