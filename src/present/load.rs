//! The words of a load run: its summary and its live line.
use std::fmt::Write as _;
use std::time::Duration;

use super::failure;
use crate::lessons::Lang;
use crate::load::{options, Latency, LiveTick, LoadReport, Rates};

pub fn summary(r: &LoadReport) -> String {
    let mut s = String::new();
    let mode = if r.keepalive {
        "keep-alive"
    } else {
        "a new connection per request"
    };
    let shape = match &r.rate {
        None => format!("{} connections", r.connections),
        Some(rate) => format!(
            "{} requests/s on up to {} connections",
            rate.target, r.connections
        ),
    };
    let _ = writeln!(
        s,
        "load on {}: {shape}, {mode}, {:.1} s (+{:.2} s settling), timeout {}{}",
        r.url,
        r.duration_s,
        r.settle_s,
        options::show(std::time::Duration::from_millis(r.timeout_ms)),
        if r.interrupted {
            format!(
                " (interrupted before its {:.1} s: partial results)",
                r.planned_s
            )
        } else {
            String::new()
        }
    );
    let _ = writeln!(s, "  goodput     {:>10.1} 2xx/s", r.goodput_rps);
    let _ = writeln!(
        s,
        "  all         {:>10.1} responses/s ({} responses)",
        r.total_rps, r.requests
    );
    if let Some(rate) = &r.rate {
        let _ = writeln!(
            s,
            "  sent        {:>10.1} requests/s started of {} due ({}/s asked)",
            rate.achieved, rate.due, rate.target
        );
        let _ = writeln!(
            s,
            "  late        {:>10} requests due while every connection was busy{}",
            rate.late,
            if rate.unsent > 0 {
                format!("; {} never sent before the end", rate.unsent)
            } else {
                String::new()
            }
        );
    }
    let statuses: Vec<String> = r
        .status_counts
        .iter()
        .map(|(c, n)| format!("{c}: {n}"))
        .collect();
    let _ = writeln!(
        s,
        "  status      {}",
        if statuses.is_empty() {
            "none".into()
        } else {
            statuses.join(", ")
        }
    );
    if r.errors.is_empty() {
        let _ = writeln!(s, "  errors      none");
    } else {
        let _ = writeln!(
            s,
            "  errors      {} requests got no response",
            r.error_total()
        );
        for (class, n) in &r.errors {
            let _ = writeln!(s, "    {:<28} {n}", failure::name(*class, Lang::En));
        }
    }
    match &r.latency_uncorrected_ms {
        None => {
            let _ = writeln!(s, "  latency     {}", percentiles(&r.latency_ms, true));
        }
        Some(uncorrected) => {
            let _ = writeln!(
                s,
                "  latency     {}  (from when each request was due)",
                percentiles(&r.latency_ms, true)
            );
            let _ = writeln!(
                s,
                "  uncorrected {}  (from when it was sent)",
                percentiles(uncorrected, true)
            );
        }
    }
    let _ = writeln!(s, "  connect     {}", percentiles(&r.connect_ms, false));
    let _ = write!(
        s,
        "  connections {} opened, {} reopened after the server closed them",
        r.connects, r.reconnects
    );
    s
}

/// The view's own line during a run, short enough for an 80-column terminal.
pub fn live_line(t: &LiveTick) -> String {
    let Rates {
        ok,
        responses: all,
        server_errors: fivexx,
        errors,
        late,
    } = t.rates;
    let secs = t
        .elapsed
        .min(t.planned + Duration::from_secs(60))
        .as_secs_f64();
    let tail = if t.elapsed > t.planned {
        "  (finishing requests in flight)"
    } else {
        ""
    };
    let late = match t.target {
        Some(_) => format!("  late {late:.0}/s"),
        None => String::new(),
    };
    format!(
        "load {secs:.1}/{} s  goodput {ok:.0} 2xx/s  all {all:.0}/s  5xx {fivexx:.0}/s  errors {errors:.0}/s{late}{tail}",
        trim(t.planned.as_secs_f64())
    )
}

fn trim(secs: f64) -> String {
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs:.1}")
    }
}

fn percentiles(l: &Latency, full: bool) -> String {
    if l.count == 0 {
        return "no samples".into();
    }
    if full {
        format!(
            "p50 {} · p90 {} · p99 {} · max {}",
            ms(l.p50),
            ms(l.p90),
            ms(l.p99),
            ms(l.max)
        )
    } else {
        format!("p50 {} · p99 {} · max {}", ms(l.p50), ms(l.p99), ms(l.max))
    }
}

fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.0} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(json: serde_json::Value) -> LoadReport {
        let mut base = serde_json::json!({
            "url": "http://127.0.0.1:8080/", "goodput_rps": 40.0, "total_rps": 45.0,
            "status_counts": {"200": 80, "502": 20},
            "errors": {"request_timeout": 1, "errno_113": 1},
            "latency_ms": {"p50": 50.0, "p90": 90.0, "p99": 99.0, "max": 100.0, "count": 100},
            "connect_ms": {"p50": 0.3, "p90": 0.3, "p99": 0.3, "max": 0.3, "count": 1},
            "duration_s": 2.0, "settle_s": 0.25, "planned_s": 2.0, "connections": 10,
            "keepalive": true, "timeout_ms": 2000, "requests": 100, "connects": 1,
            "reconnects": 0, "interrupted": true
        });
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn summary_names_goodput_errors_and_interruption() {
        let r = report(serde_json::json!({}));
        let s = summary(&r);
        assert!(s.contains("goodput") && s.contains("40.0 2xx/s"), "{s}");
        assert!(s.contains("200: 80, 502: 20"), "{s}");
        assert!(
            s.contains("request timeout (aborted)") && s.contains("no route to host"),
            "{s}"
        );
        assert!(s.contains("interrupted"), "{s}");
    }

    #[test]
    fn an_open_loop_summary_names_rate_late_and_both_latencies() {
        let closed = summary(&report(serde_json::json!({})));
        assert!(
            closed.starts_with("load on http://127.0.0.1:8080/: 10 connections, keep-alive"),
            "{closed}"
        );
        assert!(
            !closed.contains("every connection was busy") && !closed.contains("uncorrected"),
            "{closed}"
        );
        let r = report(serde_json::json!({
            "rate": {"target": 200, "achieved": 199.5, "due": 400, "late": 37, "unsent": 2},
            "latency_uncorrected_ms": {"p50": 0.5, "p90": 0.9, "p99": 3.0, "max": 1000.0, "count": 98},
        }));
        let s = summary(&r);
        for needle in [
            "200 requests/s on up to 10 connections",
            "199.5 requests/s started of 400 due (200/s asked)",
            "37 requests due while every connection was busy; 2 never sent",
            "p99 99 ms · max 100 ms  (from when each request was due)",
            "uncorrected p50 0.50 ms · p90 0.90 ms · p99 3.00 ms",
        ] {
            assert!(s.contains(needle), "{needle}: {s}");
        }
    }

    #[test]
    fn an_empty_run_has_no_samples() {
        let empty = serde_json::json!({"p50": 0.0, "p90": 0.0, "p99": 0.0, "max": 0.0, "count": 0});
        let r = report(serde_json::json!({"latency_ms": empty, "connect_ms": empty}));
        assert!(summary(&r).contains("no samples"));
    }

    #[test]
    fn the_line_names_elapsed_goodput_and_errors() {
        let mut tick = LiveTick {
            elapsed: Duration::from_millis(2500),
            planned: Duration::from_secs(10),
            target: None,
            rates: Rates {
                ok: 500.0,
                responses: 510.0,
                server_errors: 5.0,
                errors: 7.0,
                late: 30.0,
            },
        };
        let l = live_line(&tick);
        assert!(
            l.contains("2.5/10 s")
                && l.contains("500 2xx/s")
                && l.contains("5xx 5/s")
                && l.contains("errors 7/s")
                && !l.contains("late"),
            "{l}"
        );
        tick.target = Some(600);
        assert!(live_line(&tick).ends_with("errors 7/s  late 30/s"));
    }
}
