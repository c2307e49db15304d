//! The whole probe output, section by section, into one [`Snapshot`].
use std::collections::BTreeMap;

use super::error::ProbeError;
use super::logs::{is_status_key, parse_log};
use super::script::*;
use super::sections::Sections;
use super::snapshot::{Conntrack, Cursors, Kernel, LogMark, Nginx, PhpFpm, Snapshot, Tcp};
use super::{conntrack, kernel_log, netstat, sockets, sysctl};

/// Parses the text of the probe script (plus, if present, the kernel log
/// section). When the script counted a log from a previous cursor, that log's
/// counts are only the lines after it; `collect_since` adds the earlier ones.
pub fn parse_snapshot(raw: &str) -> Result<Snapshot, ProbeError> {
    let s = Sections::split(raw)?;
    if s.find(END).is_none() {
        return Err(ProbeError::parse(
            "the probe's output",
            raw.lines().count(),
            format!("it ends before its last marker `==> {END} <==` (cut short?)"),
        ));
    }
    let stat = conntrack::parse_stat(s.get(CONNTRACK_STAT)?)?;
    let ext = netstat::parse_tcpext(s.get(NETSTAT)?)?;
    let (active_opens, passive_opens) = netstat::parse_tcp_opens(s.get(SNMP)?)?;
    let socks = sockets::parse_ss(s.get(SOCKETS)?)?;
    let tw = sockets::parse_time_wait(s.get(TIME_WAIT)?)?;
    let time_wait = tw.total();
    let mut states = socks.states;
    states.insert("TIME-WAIT".to_string(), time_wait);

    let access = parse_log(s.get(ACCESS_LOG)?, is_status_key)?;
    let error = parse_log(s.get(ERROR_LOG)?, |k| k == EADDRNOTAVAIL.0)?;
    let phpfpm = parse_log(s.get(PHPFPM_LOG)?, is_max_children_key)?;
    let mut by_limit = BTreeMap::new();
    for (key, n) in &phpfpm.counts {
        // Lines without a number still count in the total.
        if let Some(limit) = key.strip_prefix("max_children_") {
            by_limit.insert(limit.to_string(), *n);
        }
    }
    let mut status_counts: BTreeMap<String, u64> = access.counts.clone();
    let unparsed_lines = status_counts.remove("unparsed").unwrap_or(0);

    let netns = kernel_log::parse_netns(s.get(NETNS)?)?;
    let kernel = match s.find(DMESG) {
        None => Kernel {
            conntrack_full_lines: None,
            stamps: None,
            note: "not read: the live views skip the kernel log, which needs a host helper container".into(),
            netns: Some(netns),
        },
        Some(sec) => match sec.failure() {
            Some(reason) => Kernel {
                conntrack_full_lines: None,
                stamps: None,
                note: format!(
                    "the kernel log could not be read: {reason}; on the host, `sudo dmesg | grep 'table full in netns {netns}'` shows it"
                ),
                netns: Some(netns),
            },
            None => Kernel {
                conntrack_full_lines: Some(kernel_log::count_table_full(&sec.lines, netns)),
                stamps: kernel_log::stamps(&sec.lines, netns),
                note: format!(
                    "kernel log lines `nf_conntrack: table full in netns {netns}`; the kernel rate-limits them, so they are fewer than the drops"
                ),
                netns: Some(netns),
            },
        },
    };

    Ok(Snapshot {
        conntrack: Conntrack {
            count: s.get(CONNTRACK_COUNT)?.single()?,
            max: s.get(CONNTRACK_MAX)?.single()?,
            drops: stat.drop,
            insert_failed: stat.insert_failed,
        },
        tcp: Tcp {
            time_wait,
            time_wait_ephemeral: tw.remote9000,
            time_wait_9000: tw.local9000,
            listen_overflows: ext.listen_overflows,
            listen_drops: ext.listen_drops,
            syn_retrans: ext.syn_retrans,
            active_opens,
            passive_opens,
            states,
        },
        listen: socks.listen,
        sysctl: sysctl::parse_sysctl(s.get(SYSCTL)?)?,
        nginx: Nginx {
            status_counts,
            eaddrnotavail: error.counts.get(EADDRNOTAVAIL.0).copied().unwrap_or(0),
            unparsed_lines,
        },
        phpfpm: PhpFpm {
            max_children_warnings: phpfpm.counts.values().sum(),
            by_limit,
        },
        kernel,
        cursors: Cursors {
            access: LogMark {
                cursor: access.cursor,
                from: access.from,
            },
            error: LogMark {
                cursor: error.cursor,
                from: error.from,
            },
            phpfpm: LogMark {
                cursor: phpfpm.cursor,
                from: phpfpm.from,
            },
        },
    })
}

/// `max_children`, or `max_children_N` with the limit N the line names.
fn is_max_children_key(key: &str) -> bool {
    key == MAX_CHILDREN.0
        || key
            .strip_prefix("max_children_")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Adds `prev`'s log counts to a snapshot whose logs were counted from `prev`'s
/// cursors (the script only continues when the file is the same and not shorter).
pub fn continue_logs(mut snap: Snapshot, prev: &Snapshot) -> Snapshot {
    if snap.cursors.access.from > 0 {
        for (code, n) in &prev.nginx.status_counts {
            *snap.nginx.status_counts.entry(code.clone()).or_default() += n;
        }
        snap.nginx.unparsed_lines += prev.nginx.unparsed_lines;
    }
    if snap.cursors.error.from > 0 {
        snap.nginx.eaddrnotavail += prev.nginx.eaddrnotavail;
    }
    if snap.cursors.phpfpm.from > 0 {
        snap.phpfpm.max_children_warnings += prev.phpfpm.max_children_warnings;
        for (limit, n) in &prev.phpfpm.by_limit {
            *snap.phpfpm.by_limit.entry(limit.clone()).or_default() += n;
        }
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script's real output in the lab at stage 5 under load (nginx closes its
    /// FastCGI connections first: TIME_WAIT on its ephemeral ports).
    const OUTPUT: &str = include_str!("../../tests/fixtures/probe/probe-output.txt");
    const DMESG_TEXT: &str = include_str!("../../tests/fixtures/probe/dmesg.txt");

    #[test]
    fn parses_a_captured_probe() {
        let s = parse_snapshot(OUTPUT).unwrap();
        assert_eq!((s.conntrack.count, s.conntrack.max), (27260, 262144));
        assert_eq!((s.conntrack.drops, s.conntrack.insert_failed), (0, 0));
        assert_eq!(s.tcp.time_wait_ephemeral, 16787);
        assert_eq!(s.tcp.time_wait_9000, 0);
        assert_eq!(s.tcp.time_wait, 16787 + 9539);
        assert_eq!(s.tcp.states.get("TIME-WAIT"), Some(&s.tcp.time_wait));
        assert_eq!(s.tcp.states.get("LISTEN"), Some(&3));
        assert_eq!((s.tcp.active_opens, s.tcp.passive_opens), (16748, 33773));
        assert_eq!(
            (
                s.tcp.listen_overflows,
                s.tcp.listen_drops,
                s.tcp.syn_retrans
            ),
            (0, 0, 0)
        );
        let listen: Vec<(u16, u64, u64)> = s
            .listen
            .iter()
            .map(|l| (l.port, l.recv_q, l.send_q))
            .collect();
        assert_eq!(listen, vec![(80, 0, 8192), (9000, 0, 8192)]);
        assert_eq!(s.sysctl["net.ipv4.ip_local_port_range"], "10000 65535");
        assert_eq!(s.sysctl["net.core.somaxconn"], "65536");
        assert_eq!(s.sysctl["net.ipv4.tcp_tw_reuse"], "0");
        assert_eq!(s.sysctl["net.netfilter.nf_conntrack_max"], "262144");
        assert_eq!(s.nginx.status_counts.len(), 1);
        assert_eq!(s.nginx.status_counts.get("200"), Some(&16854));
        assert_eq!(s.nginx.eaddrnotavail, 0);
        assert_eq!(s.phpfpm.max_children_warnings, 2);
        assert_eq!(s.kernel.netns, Some(4026532219));
        assert_eq!(s.kernel.conntrack_full_lines, None);
        assert!(s.kernel.note.contains("not read"), "{}", s.kernel.note);
        assert_eq!(s.cursors.access.cursor.map(|c| c.offset), Some(1247196));
    }

    #[test]
    fn reads_the_kernel_log_or_says_why_not() {
        let with = format!("{OUTPUT}==> {DMESG} <==\n{DMESG_TEXT}");
        let k = parse_snapshot(&with).unwrap().kernel;
        assert_eq!(
            k.conntrack_full_lines,
            Some(0),
            "the capture's lines are another namespace's"
        );
        let with = with.replace("net:[4026532219]", "net:[4026532184]");
        assert_eq!(
            parse_snapshot(&with).unwrap().kernel.conntrack_full_lines,
            Some(10)
        );
        let failed = format!(
            "{OUTPUT}==> {DMESG} <==\ndmesg: read kernel buffer failed: Operation not permitted\n!failed\n"
        );
        let k = parse_snapshot(&failed).unwrap().kernel;
        assert_eq!(k.conntrack_full_lines, None);
        assert!(k.note.contains("Operation not permitted"), "{}", k.note);
    }

    #[test]
    fn output_cut_anywhere_is_an_error_never_a_panic() {
        let mut cuts: Vec<usize> = OUTPUT.match_indices('\n').map(|(i, _)| i).collect();
        cuts.extend((0..OUTPUT.len()).step_by(97));
        for cut in cuts {
            let Some(text) = OUTPUT.get(..cut) else {
                continue;
            };
            if text.trim_end() == OUTPUT.trim_end() {
                continue;
            }
            assert!(parse_snapshot(text).is_err(), "cut at byte {cut} parsed");
        }
    }

    #[test]
    fn a_garbled_source_is_named_with_its_line() {
        let bad = OUTPUT.replace("net.core.somaxconn = 65536", "net.core.somaxconn 65536");
        let err = parse_snapshot(&bad).unwrap_err().to_string();
        assert!(
            err.contains("parsing sysctl net.core.somaxconn") && err.contains("line 1"),
            "{err}"
        );
        let bad = OUTPUT.replacen("ESTAB ", "ESTABLISHED ", 1);
        let err = parse_snapshot(&bad).unwrap_err().to_string();
        assert!(
            err.contains("parsing ss -Htan, line") && err.contains("ESTABLISHED"),
            "{err}"
        );
        let gone = OUTPUT.replace("==> /proc/net/snmp <==", "==> /proc/net/snmp6 <==");
        let err = parse_snapshot(&gone).unwrap_err().to_string();
        assert!(err.contains("no section for /proc/net/snmp"), "{err}");
    }

    #[test]
    fn continued_counts_add_the_previous_ones() {
        let prev = parse_snapshot(OUTPUT).unwrap();
        let next_text = OUTPUT.replace(
            "from 0 size 1247196\ncounted 1247196\n200 16854",
            "from 1247196 size 1250000\ncounted 2800\n200 40\n502 2",
        );
        assert_ne!(next_text, OUTPUT);
        let next = continue_logs(parse_snapshot(&next_text).unwrap(), &prev);
        assert_eq!(next.nginx.status_counts.get("200"), Some(&(16854 + 40)));
        assert_eq!(next.nginx.status_counts.get("502"), Some(&2));
        assert_eq!(
            next.phpfpm.max_children_warnings, 2,
            "php-fpm's log was counted from 0 again"
        );
        assert_eq!(
            next.cursors.access.cursor.map(|c| c.offset),
            Some(1247196 + 2800)
        );
    }
}
