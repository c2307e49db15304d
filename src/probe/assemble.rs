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
    let time_wait = sockets::parse_sockstat_tw(s.get(SOCKSTAT)?)?;
    let mut states = socks.states;
    states.insert("TIME-WAIT".to_string(), time_wait);

    let access = parse_log(s.get(ACCESS_LOG)?, is_status_key)?;
    let error = parse_log(s.get(ERROR_LOG)?, |k| k == EADDRNOTAVAIL.0)?;
    let phpfpm = parse_log(s.get(PHPFPM_LOG)?, |k| k == MAX_CHILDREN.0)?;
    let mut status_counts: BTreeMap<String, u64> = access.counts.clone();
    let unparsed_lines = status_counts.remove("unparsed").unwrap_or(0);

    let netns = kernel_log::parse_netns(s.get(NETNS)?)?;
    let kernel = match s.find(DMESG) {
        None => Kernel {
            conntrack_full_lines: None,
            note: "not read: the live views skip the kernel log, which needs a host helper container".into(),
            netns: Some(netns),
        },
        Some(sec) => match sec.failure() {
            Some(reason) => Kernel {
                conntrack_full_lines: None,
                note: format!(
                    "the kernel log could not be read: {reason}; on the host, `sudo dmesg | grep 'table full in netns {netns}'` shows it"
                ),
                netns: Some(netns),
            },
            None => Kernel {
                conntrack_full_lines: Some(kernel_log::count_table_full(&sec.lines, netns)),
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
            time_wait_ephemeral: s.get(TW_EPHEMERAL)?.single()?,
            time_wait_9000: s.get(TW_9000)?.single()?,
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
            max_children_warnings: phpfpm.counts.get(MAX_CHILDREN.0).copied().unwrap_or(0),
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

/// Adds `prev`'s log counts to a snapshot whose logs were counted from `prev`'s
/// cursors (the script only continues when the file is the same and not shorter).
pub(crate) fn continue_logs(mut snap: Snapshot, prev: &Snapshot) -> Snapshot {
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
    }
    snap
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The script's real output in a server under load (ports 20000-20099,
    /// somaxconn 10, after the conntrack table had been full).
    const OUTPUT: &str = include_str!("../../tests/fixtures/probe/probe-output.txt");
    const DMESG_TEXT: &str = include_str!("../../tests/fixtures/probe/dmesg.txt");

    fn output() -> String {
        format!("{OUTPUT}==> {END} <==\n")
    }

    #[test]
    fn parses_a_captured_probe() {
        let s = parse_snapshot(&output()).unwrap();
        assert_eq!((s.conntrack.count, s.conntrack.max), (5766, 262144));
        assert_eq!((s.conntrack.drops, s.conntrack.insert_failed), (857, 0));
        assert_eq!(s.tcp.time_wait_ephemeral, 73);
        assert_eq!(s.tcp.time_wait_9000, 0);
        assert!(s.tcp.time_wait >= 73);
        assert_eq!(s.tcp.states.get("TIME-WAIT"), Some(&s.tcp.time_wait));
        assert_eq!(
            s.listen
                .iter()
                .map(|l| (l.port, l.send_q))
                .collect::<Vec<_>>(),
            vec![(80, 10), (9000, 10)]
        );
        assert_eq!(s.sysctl["net.ipv4.ip_local_port_range"], "20000 20099");
        assert_eq!(s.nginx.status_counts.get("502"), Some(&83458));
        assert_eq!(s.nginx.status_counts.get("200"), Some(&9646));
        assert_eq!(s.nginx.status_counts.get("499"), Some(&128));
        assert_eq!(s.nginx.eaddrnotavail, 83458);
        assert_eq!(s.phpfpm.max_children_warnings, 2);
        assert_eq!(s.kernel.netns, Some(4026532184));
        assert_eq!(s.kernel.conntrack_full_lines, None);
        assert!(s.kernel.note.contains("not read"), "{}", s.kernel.note);
        assert_eq!(s.cursors.access.cursor.map(|c| c.offset), Some(6982497));
    }

    #[test]
    fn reads_the_kernel_log_or_says_why_not() {
        let with = format!("{}==> {DMESG} <==\n{DMESG_TEXT}", output());
        assert_eq!(
            parse_snapshot(&with).unwrap().kernel.conntrack_full_lines,
            Some(10)
        );
        let failed = format!(
            "{}==> {DMESG} <==\ndmesg: read kernel buffer failed: Operation not permitted\n!failed\n",
            output()
        );
        let k = parse_snapshot(&failed).unwrap().kernel;
        assert_eq!(k.conntrack_full_lines, None);
        assert!(k.note.contains("Operation not permitted"), "{}", k.note);
    }

    #[test]
    fn output_cut_anywhere_is_an_error_never_a_panic() {
        let full = output();
        let mut cuts: Vec<usize> = full.match_indices('\n').map(|(i, _)| i).collect();
        cuts.extend((0..full.len()).step_by(97));
        for cut in cuts {
            let Some(text) = full.get(..cut) else {
                continue;
            };
            if text.trim_end() == full.trim_end() {
                continue;
            }
            assert!(parse_snapshot(text).is_err(), "cut at byte {cut} parsed");
        }
    }

    #[test]
    fn a_garbled_source_is_named_with_its_line() {
        let bad = output().replace("net.core.somaxconn = 10", "net.core.somaxconn 10");
        let err = parse_snapshot(&bad).unwrap_err().to_string();
        assert!(
            err.contains("parsing sysctl net.core.somaxconn") && err.contains("line 1"),
            "{err}"
        );
        let gone = output().replace("==> /proc/net/snmp <==", "==> /proc/net/snmp6 <==");
        let err = parse_snapshot(&gone).unwrap_err().to_string();
        assert!(err.contains("no section for /proc/net/snmp"), "{err}");
    }

    #[test]
    fn continued_counts_add_the_previous_ones() {
        let prev = parse_snapshot(&output()).unwrap();
        let next_text = output().replace(
            "from 0 size 6982497\ncounted 6982497\n502 83458\n200 9646\n499 128",
            "from 6982497 size 6990000\ncounted 7000\n502 90\n200 2",
        );
        let next = continue_logs(parse_snapshot(&next_text).unwrap(), &prev);
        assert_eq!(next.nginx.status_counts.get("502"), Some(&(83458 + 90)));
        assert_eq!(next.nginx.status_counts.get("200"), Some(&9648));
        assert_eq!(
            next.nginx.eaddrnotavail, 83458,
            "the error log was counted from 0 again"
        );
    }
}
