//! The words of a load run: its summary and its live line.
use std::time::Duration;

use super::failure;
use super::load_words as w;
use crate::lessons::{Lang, Phrase};
use crate::load::{options, Latency, LiveTick, LoadReport, Rates};
use crate::ui::table::pad;

/// The run's summary: its shape, goodput, statuses, errors and latencies.
pub fn summary(r: &LoadReport, lang: Lang) -> String {
    let mut lines = vec![head(r, lang)];
    let row = |lines: &mut Vec<String>, label: Phrase, value: String| {
        lines.push(format!("  {} {value}", pad(label.get(lang), 11, false)));
    };
    let rps = |v: f64| format!("{v:>10.1}");
    let goodput = w::GOODPUT_VALUE.fill(lang, &[("rps", &rps(r.goodput_rps))]);
    row(&mut lines, w::GOODPUT, goodput);
    let requests = r.requests.to_string();
    let all = w::ALL_VALUE.fill(lang, &[("rps", &rps(r.total_rps)), ("n", &requests)]);
    row(&mut lines, w::ALL_RESPONSES, all);
    if let Some(rate) = &r.rate {
        let sent = w::SENT_VALUE.fill(
            lang,
            &[
                ("rps", &rps(rate.achieved)),
                ("due", &rate.due.to_string()),
                ("target", &rate.target.to_string()),
            ],
        );
        row(&mut lines, w::SENT, sent);
        let unsent = match rate.unsent {
            0 => String::new(),
            n => w::UNSENT.fill(lang, &[("n", &n.to_string())]),
        };
        let late = format!("{:>10}", rate.late);
        let late = w::LATE_VALUE.fill(lang, &[("n", &late), ("unsent", &unsent)]);
        row(&mut lines, w::LATE, late);
    }
    let statuses: Vec<String> = r
        .status_counts
        .iter()
        .map(|(c, n)| format!("{c}: {n}"))
        .collect();
    let statuses = match statuses.is_empty() {
        true => w::NONE.get(lang).to_string(),
        false => statuses.join(", "),
    };
    row(&mut lines, w::STATUS, statuses);
    if r.errors.is_empty() {
        row(&mut lines, w::ERRORS, w::NONE.get(lang).to_string());
    } else {
        let n = r.error_total().to_string();
        row(
            &mut lines,
            w::ERRORS,
            w::NO_RESPONSE.fill(lang, &[("n", &n)]),
        );
        for (class, n) in &r.errors {
            let name = failure::name(*class, lang);
            lines.push(format!("    {} {n}", pad(&name, 28, false)));
        }
    }
    match &r.latency_uncorrected_ms {
        None => row(
            &mut lines,
            w::LATENCY,
            percentiles(&r.latency_ms, true, lang),
        ),
        Some(uncorrected) => {
            let due = percentiles(&r.latency_ms, true, lang);
            let due = w::FROM_DUE.fill(lang, &[("latency", &due)]);
            row(&mut lines, w::LATENCY, due);
            let sent = percentiles(uncorrected, true, lang);
            let sent = w::FROM_SENT.fill(lang, &[("latency", &sent)]);
            row(&mut lines, w::UNCORRECTED, sent);
        }
    }
    row(
        &mut lines,
        w::CONNECT,
        percentiles(&r.connect_ms, false, lang),
    );
    let connections = w::CONNECTIONS_VALUE.fill(
        lang,
        &[
            ("opened", &r.connects.to_string()),
            ("reopened", &r.reconnects.to_string()),
        ],
    );
    row(&mut lines, w::CONNECTIONS, connections);
    lines.join("\n")
}

/// The summary's first line: where, how and how long.
fn head(r: &LoadReport, lang: Lang) -> String {
    let mode = match r.keepalive {
        true => w::KEEPALIVE,
        false => w::NEW_CONNECTIONS,
    };
    let n = r.connections.to_string();
    let shape = match &r.rate {
        None => w::CLOSED_LOOP.fill(lang, &[("n", &n)]),
        Some(rate) => w::OPEN_LOOP.fill(lang, &[("rate", &rate.target.to_string()), ("n", &n)]),
    };
    let interrupted = match r.interrupted {
        true => w::INTERRUPTED.fill(lang, &[("secs", &format!("{:.1}", r.planned_s))]),
        false => String::new(),
    };
    // The URL last: no text of its own is taken for a placeholder.
    w::HEAD.fill(
        lang,
        &[
            ("secs", &format!("{:.1}", r.duration_s)),
            ("settle", &format!("{:.2}", r.settle_s)),
            (
                "timeout",
                &options::show(Duration::from_millis(r.timeout_ms)),
            ),
            ("shape", &shape),
            ("mode", mode.get(lang)),
            ("interrupted", &interrupted),
            ("url", &r.url),
        ],
    )
}

/// The view's own line during a run, short enough for an 80-column terminal.
pub fn live_line(t: &LiveTick, lang: Lang) -> String {
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
    let tail = match t.elapsed > t.planned {
        true => w::LIVE_FINISHING.get(lang),
        false => "",
    };
    let late = match t.target {
        Some(_) => w::LIVE_LATE.fill(lang, &[("n", &format!("{late:.0}"))]),
        None => String::new(),
    };
    w::LIVE.fill(
        lang,
        &[
            ("secs", &format!("{secs:.1}")),
            ("planned", &trim(t.planned.as_secs_f64())),
            ("ok", &format!("{ok:.0}")),
            ("all", &format!("{all:.0}")),
            ("fivexx", &format!("{fivexx:.0}")),
            ("errors", &format!("{errors:.0}")),
            ("late", &late),
            ("tail", tail),
        ],
    )
}

fn trim(secs: f64) -> String {
    if secs.fract() == 0.0 {
        format!("{secs:.0}")
    } else {
        format!("{secs:.1}")
    }
}

fn percentiles(l: &Latency, full: bool, lang: Lang) -> String {
    if l.count == 0 {
        return w::NO_SAMPLES.get(lang).to_string();
    }
    let ms = |v: f64| ms(v, lang);
    let max = w::MAX.get(lang);
    match full {
        true => format!(
            "p50 {} · p90 {} · p99 {} · {max} {}",
            ms(l.p50),
            ms(l.p90),
            ms(l.p99),
            ms(l.max)
        ),
        false => format!(
            "p50 {} · p99 {} · {max} {}",
            ms(l.p50),
            ms(l.p99),
            ms(l.max)
        ),
    }
}

fn ms(v: f64, lang: Lang) -> String {
    let v = match v < 10.0 {
        true => format!("{v:.2}"),
        false => format!("{v:.0}"),
    };
    w::MS.fill(lang, &[("v", &v)])
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
        let s = summary(&r, Lang::En);
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
        let closed = summary(&report(serde_json::json!({})), Lang::En);
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
        let s = summary(&r, Lang::En);
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
        assert!(summary(&r, Lang::En).contains("no samples"));
    }

    /// 2.5 s into a 10 s closed-loop run.
    fn tick() -> LiveTick {
        LiveTick {
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
        }
    }

    #[test]
    fn the_line_names_elapsed_goodput_and_errors() {
        let mut tick = tick();
        let l = live_line(&tick, Lang::En);
        assert!(
            l.contains("2.5/10 s")
                && l.contains("500 2xx/s")
                && l.contains("5xx 5/s")
                && l.contains("errors 7/s")
                && !l.contains("late"),
            "{l}"
        );
        tick.target = Some(600);
        assert!(live_line(&tick, Lang::En).ends_with("errors 7/s  late 30/s"));
    }

    #[test]
    fn the_chinese_summary_holds_the_figures() {
        let s = summary(&report(serde_json::json!({})), Lang::Zh);
        assert!(s.contains("有效吞吐") && s.contains("40.0 2xx/秒"), "{s}");
        assert!(
            s.contains("200: 80, 502: 20") && s.contains("请求超时"),
            "{s}"
        );
        assert!(s.contains("p99 99 毫秒"), "{s}");
        let l = live_line(&tick(), Lang::Zh);
        assert!(
            l.contains("2.5/10 秒") && l.contains("有效吞吐 500 2xx/秒"),
            "{l}"
        );
    }
}
