//! The snapshot as a compact table for the terminal, and the one-line gauge the
//! load view shows every second.
use super::probe_words as w;
use crate::lab::Settled;
use crate::lessons::Lang;
use crate::probe::{GaugeRates, Leftover, Snapshot};
use crate::ui::table::pad;

/// What an earlier run left, in words that name no cause (during a course).
pub use super::probe_words::LEFTOVER_NEUTRAL;

/// A readable table of every field, grouped as the course's stages read them.
pub fn render(s: &Snapshot, lang: Lang) -> String {
    let mut o: Vec<String> = Vec::new();
    let mut row = |head: &str, text: String| o.push(format!("{} {text}", pad(head, 10, false)));
    let pct = match s.conntrack.max {
        0 => String::new(),
        max => {
            let pct = 100.0 * s.conntrack.count as f64 / max as f64;
            w::FULL.fill(lang, &[("pct", &format!("{pct:.0}"))])
        }
    };
    let conntrack = w::CONNTRACK.fill(
        lang,
        &[
            ("count", &s.conntrack.count.to_string()),
            ("max", &s.conntrack.max.to_string()),
            ("drops", &s.conntrack.drops.to_string()),
            ("failed", &s.conntrack.insert_failed.to_string()),
            ("pct", &pct),
        ],
    );
    row("conntrack", conntrack);
    let time_wait = w::TIME_WAIT.fill(
        lang,
        &[
            ("n", &s.tcp.time_wait.to_string()),
            ("nginx", &s.tcp.time_wait_ephemeral.to_string()),
            ("fpm", &s.tcp.time_wait_9000.to_string()),
        ],
    );
    row("tcp", time_wait);
    let counters = w::TCP_COUNTERS.fill(
        lang,
        &[
            ("overflows", &s.tcp.listen_overflows.to_string()),
            ("drops", &s.tcp.listen_drops.to_string()),
            ("retrans", &s.tcp.syn_retrans.to_string()),
            ("opens", &s.tcp.active_opens.to_string()),
        ],
    );
    row("", counters);
    let states: Vec<String> = s
        .tcp
        .states
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    row("", w::SOCKETS.fill(lang, &[("states", &states.join(", "))]));
    if s.listen.is_empty() {
        row("listen", w::NOTHING_LISTENS.get(lang).to_string());
    }
    for (i, l) in s.listen.iter().enumerate() {
        let head = if i == 0 { "listen" } else { "" };
        let listen = w::LISTEN.fill(
            lang,
            &[
                ("recv", &format!("{:<5}", l.recv_q)),
                ("send", &l.send_q.to_string()),
                ("addr", &format!("{:<16}", l.addr)),
            ],
        );
        row(head, listen);
    }
    for (i, (k, v)) in s.sysctl.iter().enumerate() {
        row(if i == 0 { "sysctl" } else { "" }, format!("{k} = {v}"));
    }
    let codes: Vec<String> = s
        .nginx
        .status_counts
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let codes = match codes.is_empty() {
        true => w::NONE_YET.get(lang).to_string(),
        false => codes.join(", "),
    };
    row("nginx", w::RESPONSES.fill(lang, &[("codes", &codes)]));
    let eaddrnotavail = s.nginx.eaddrnotavail.to_string();
    row("", w::EADDRNOTAVAIL.fill(lang, &[("n", &eaddrnotavail)]));
    let limits: Vec<String> = s
        .phpfpm
        .by_limit
        .iter()
        .map(|(limit, n)| format!("({limit}) {n}"))
        .collect();
    let limits = match limits.is_empty() {
        true => String::new(),
        false => w::BY_LIMIT.fill(lang, &[("limits", &limits.join(", "))]),
    };
    let warnings = s.phpfpm.max_children_warnings.to_string();
    let max_children = w::MAX_CHILDREN.fill(lang, &[("n", &warnings), ("limits", &limits)]);
    row("php-fpm", max_children);
    // Without a count, the note says why the kernel log was not read.
    let full = match s.kernel.conntrack_full_lines {
        Some(n) => n.to_string(),
        None => s.kernel.note.clone(),
    };
    row(
        w::KERNEL.get(lang),
        w::TABLE_FULL.fill(lang, &[("n", &full)]),
    );
    o.join("\n")
}

/// One line of gauges: the conntrack table, TIME_WAIT, and per-second rates
/// of the counters that signal each stage.
pub fn live_line(g: &GaugeRates, lang: Lang) -> String {
    let rate = |n: f64| compact(n.max(0.0) as u64);
    // The load's own line has the 5xx rate when the loop does not count the log.
    let responses = match g.responses_per_s {
        Some((fivexx, twoxx)) => {
            w::GAUGES_RESPONSES.fill(lang, &[("fivexx", &rate(fivexx)), ("twoxx", &rate(twoxx))])
        }
        None => String::new(),
    };
    let nginx = g
        .time_wait_ephemeral
        .map(|n| w::GAUGES_NGINX.fill(lang, &[("n", &compact(n))]))
        .unwrap_or_default();
    w::GAUGES.fill(
        lang,
        &[
            ("count", &compact(g.conntrack_count)),
            ("max", &compact(g.conntrack_max)),
            ("drops", &rate(g.drops_per_s)),
            ("time_wait", &compact(g.time_wait)),
            ("overflows", &rate(g.overflows_per_s)),
            ("nginx", &nginx),
            ("responses", &responses),
        ],
    )
}

/// What an earlier run left that the next run measures too, and how to clear it.
pub fn leftover_line(l: &Leftover, lang: Lang) -> String {
    match l {
        Leftover::TimeWait { count, ports } => w::LEFT_TIME_WAIT.fill(
            lang,
            &[("count", &count.to_string()), ("ports", &ports.to_string())],
        ),
        Leftover::Serving {
            connections,
            queued,
        } => w::LEFT_SERVING.fill(
            lang,
            &[
                ("connections", &connections.to_string()),
                ("queued", &queued.to_string()),
            ],
        ),
    }
}

/// How the server was settled, in words that name no cause (during a course).
pub fn settled_line_neutral(s: &Settled, lang: Lang) -> String {
    w::SETTLED.fill(lang, &[("wait", &waited(s, lang))])
}

/// How the server was settled.
pub fn settled_line(s: &Settled, lang: Lang) -> String {
    w::SETTLED_FULL.fill(
        lang,
        &[
            ("n", &s.time_wait_left.to_string()),
            ("wait", &waited(s, lang)),
        ],
    )
}

fn waited(s: &Settled, lang: Lang) -> String {
    match s.quiet {
        true => w::QUIET.fill(lang, &[("secs", &format!("{:.1}", s.waited_s))]),
        false => w::STILL_BUSY.fill(lang, &[("secs", &format!("{:.0}", s.waited_s))]),
    }
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
        let line = live_line(&GaugeRates::between(&a, &b, 2.0), Lang::En);
        assert_eq!(
            line,
            "conntrack 262k/262k drops 430/s · TIME_WAIT 31.0k (nginx 30.5k) · overflows 120/s · 5xx 33/s · 2xx 2000/s"
        );
        assert!(
            live_line(&GaugeRates::between(&a, &b, 0.0), Lang::En).contains("overflows 240/s"),
            "a zero interval counts as one second"
        );
        let light = Gauges {
            time_wait_ephemeral: None,
            status_counts: None,
            ..b.clone()
        };
        assert_eq!(
            live_line(&GaugeRates::between(&a, &light, 2.0), Lang::En),
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
        let text = render(&s, Lang::En);
        for want in [
            "0.0.0.0:80",
            "Send-Q 10",
            "net.core.somaxconn = 10",
            "permission denied",
            "ListenOverflows 0",
        ] {
            assert!(text.contains(want), "{want} in\n{text}");
        }
        let zh = render(&s, Lang::Zh);
        assert!(
            zh.contains("Send-Q 10（accept 队列上限）") && zh.contains("ListenOverflows 0"),
            "{zh}"
        );
    }

    #[test]
    fn the_chinese_lines_hold_the_figures() {
        let left = Leftover::TimeWait {
            count: 28_000,
            ports: 28_232,
        };
        let zh = leftover_line(&left, Lang::Zh);
        assert!(
            zh.contains("28000 个 TIME_WAIT") && zh.contains("28232"),
            "{zh}"
        );
        let settled = Settled {
            quiet: true,
            waited_s: 1.5,
            time_wait_left: 3,
        };
        let zh = settled_line(&settled, Lang::Zh);
        assert!(
            zh.contains("1.5 秒") && zh.contains("还剩 3 个 TIME_WAIT"),
            "{zh}"
        );
    }
}
