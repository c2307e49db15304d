//! The snapshot as a compact table for the terminal, and the one-line gauge the
//! load view shows every second.
use std::fmt::Write;

use crate::lab::Settled;
use crate::probe::{GaugeRates, Leftover, Snapshot};

/// A readable table of every field, grouped as the course's stages read them.
pub fn render(s: &Snapshot) -> String {
    let mut o = String::new();
    let pct = if s.conntrack.max > 0 {
        format!(
            " ({:.0}% full)",
            100.0 * s.conntrack.count as f64 / s.conntrack.max as f64
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        o,
        "conntrack  {} of {} entries{pct}; drops {}, insert_failed {}",
        s.conntrack.count, s.conntrack.max, s.conntrack.drops, s.conntrack.insert_failed
    );
    let _ = writeln!(
        o,
        "tcp        TIME_WAIT {}: {} on nginx's ephemeral ports (remote :9000), {} on php-fpm's :9000",
        s.tcp.time_wait, s.tcp.time_wait_ephemeral, s.tcp.time_wait_9000
    );
    let _ = writeln!(
        o,
        "           ListenOverflows {}, ListenDrops {}, TCPSynRetrans {}, ActiveOpens {}",
        s.tcp.listen_overflows, s.tcp.listen_drops, s.tcp.syn_retrans, s.tcp.active_opens
    );
    let states: Vec<String> = s
        .tcp
        .states
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let _ = writeln!(o, "           sockets: {}", states.join(", "));
    if s.listen.is_empty() {
        let _ = writeln!(o, "listen     nothing listens on :80 or :9000");
    }
    for (i, l) in s.listen.iter().enumerate() {
        let head = if i == 0 { "listen" } else { "" };
        let _ = writeln!(
            o,
            "{head:<10} {:<16} Recv-Q {:<5} Send-Q {} (accept queue limit)",
            l.addr, l.recv_q, l.send_q
        );
    }
    for (i, (k, v)) in s.sysctl.iter().enumerate() {
        let head = if i == 0 { "sysctl" } else { "" };
        let _ = writeln!(o, "{head:<10} {k} = {v}");
    }
    let codes: Vec<String> = s
        .nginx
        .status_counts
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let codes = if codes.is_empty() {
        "none yet".to_string()
    } else {
        codes.join(", ")
    };
    let _ = writeln!(o, "nginx      responses {codes}");
    let _ = writeln!(
        o,
        "           \"(99: Cannot assign requested address)\" lines: {}",
        s.nginx.eaddrnotavail
    );
    let limits: Vec<String> = s
        .phpfpm
        .by_limit
        .iter()
        .map(|(limit, n)| format!("({limit}) {n}"))
        .collect();
    let limits = if limits.is_empty() {
        String::new()
    } else {
        format!(": {}", limits.join(", "))
    };
    let _ = writeln!(
        o,
        "php-fpm    \"server reached max_children setting\" warnings: {}{limits}",
        s.phpfpm.max_children_warnings
    );
    match s.kernel.conntrack_full_lines {
        Some(n) => {
            let _ = write!(o, "kernel     conntrack \"table full\" lines: {n}");
        }
        None => {
            let _ = write!(
                o,
                "kernel     conntrack \"table full\" lines: {}",
                s.kernel.note
            );
        }
    }
    o
}

/// One line of gauges: the conntrack table, TIME_WAIT, and per-second rates
/// of the counters that signal each stage.
pub fn live_line(g: &GaugeRates) -> String {
    let rate = |n: f64| compact(n.max(0.0) as u64);
    // The load's own line has the 5xx rate when the loop does not count the log.
    let responses = match g.responses_per_s {
        Some((fivexx, twoxx)) => format!(" · 5xx {}/s · 2xx {}/s", rate(fivexx), rate(twoxx)),
        None => String::new(),
    };
    let nginx = g
        .time_wait_ephemeral
        .map(|n| format!(" (nginx {})", compact(n)))
        .unwrap_or_default();
    format!(
        "conntrack {}/{} drops {}/s · TIME_WAIT {}{nginx} · overflows {}/s{responses}",
        compact(g.conntrack_count),
        compact(g.conntrack_max),
        rate(g.drops_per_s),
        compact(g.time_wait),
        rate(g.overflows_per_s),
    )
}

/// What an earlier run left that the next run measures too, and how to clear it.
pub fn leftover_line(l: &Leftover) -> String {
    match l {
        Leftover::TimeWait { count, ports } => format!(
            "{count} TIME_WAIT sockets from an earlier run hold {count} of nginx's {ports} ephemeral ports for up to 60 s, \
             so this run measures them too: clear them with `perflab load --settle`, or wait a minute"
        ),
        Leftover::Serving {
            connections,
            queued,
        } => format!(
            "the server is still serving an earlier run ({connections} connections open, {queued} requests queued), \
             so this run measures it too: `perflab load --settle` waits for it to end"
        ),
    }
}

/// What an earlier run left, in words that name no cause (during a course).
pub const LEFTOVER_NEUTRAL: &str =
    "an earlier run left the server busy, so this run measures it too: \
     `perflab load --settle` waits for it and clears what it left";

/// How the server was settled, in words that name no cause (during a course).
pub fn settled_line_neutral(s: &Settled) -> String {
    match s.quiet {
        true => format!("settled the server: quiet after {:.1} s", s.waited_s),
        false => format!("settled the server: still busy after {:.0} s", s.waited_s),
    }
}

/// How the server was settled.
pub fn settled_line(s: &Settled) -> String {
    let wait = match s.quiet {
        true => format!("quiet after {:.1} s", s.waited_s),
        false => format!("still busy after {:.0} s", s.waited_s),
    };
    format!(
        "settled the server: {wait}, php-fpm restarted, {} TIME_WAIT left on nginx's ports",
        s.time_wait_left
    )
}

/// 950, 9.5k, 262k, 1.1M: wide enough to read, narrow enough for one line.
fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=99_999 => format!("{:.1}k", n as f64 / 1e3),
        100_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Gauges;

    #[test]
    fn compact_numbers() {
        assert_eq!(compact(950), "950");
        assert_eq!(compact(18_810), "18.8k");
        assert_eq!(compact(262_144), "262k");
        assert_eq!(compact(1_100_000), "1.1M");
    }

    #[test]
    fn the_live_line_shows_rates_over_the_interval() {
        let mut a = Snapshot::default();
        a.conntrack.max = 262_144;
        let mut b = a.clone();
        b.conntrack.count = 262_080;
        b.conntrack.drops = 860;
        b.tcp.time_wait = 31_000;
        b.tcp.time_wait_ephemeral = 30_500;
        b.tcp.listen_overflows = 240;
        b.nginx.status_counts.insert("502".into(), 66);
        b.nginx.status_counts.insert("200".into(), 4000);
        let (a, b) = (Gauges::from(&a), Gauges::from(&b));
        let line = live_line(&GaugeRates::between(&a, &b, 2.0));
        assert_eq!(
            line,
            "conntrack 262k/262k drops 430/s · TIME_WAIT 31.0k (nginx 30.5k) · overflows 120/s · 5xx 33/s · 2xx 2000/s"
        );
        assert!(
            live_line(&GaugeRates::between(&a, &b, 0.0)).contains("overflows 240/s"),
            "a zero interval counts as one second"
        );
        let light = Gauges {
            time_wait_ephemeral: None,
            status_counts: None,
            ..b.clone()
        };
        assert_eq!(
            live_line(&GaugeRates::between(&a, &light, 2.0)),
            "conntrack 262k/262k drops 430/s · TIME_WAIT 31.0k · overflows 120/s",
            "the loop's gauges neither split TIME_WAIT nor count statuses"
        );
    }

    #[test]
    fn render_shows_every_field_and_the_kernel_reason() {
        let mut s = Snapshot::default();
        s.listen.push(crate::probe::Listen {
            port: 80,
            recv_q: 3,
            send_q: 10,
            addr: "0.0.0.0:80".into(),
        });
        s.sysctl.insert("net.core.somaxconn".into(), "10".into());
        s.kernel.note = "the kernel log could not be read: permission denied".into();
        let text = render(&s);
        for want in [
            "0.0.0.0:80",
            "Send-Q 10",
            "net.core.somaxconn = 10",
            "permission denied",
            "ListenOverflows 0",
        ] {
            assert!(text.contains(want), "{want} in\n{text}");
        }
    }
}
