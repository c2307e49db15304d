//! /proc/net/netstat (and /proc/net/snmp, same layout): pairs of lines, a header
//! `TcpExt: Name1 Name2 ...` then the values `TcpExt: 1 2 ...`. The procfs crate
//! parses /proc/net/snmp but not /proc/net/netstat, and its errors carry no line
//! (they read "please report this procfs bug"), so one parser here serves both.
use std::collections::BTreeMap;

use super::error::ProbeError;
use super::sections::Section;

/// The TcpExt counters the course reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpExt {
    pub listen_overflows: u64,
    pub listen_drops: u64,
    pub syn_retrans: u64,
}

/// Every value as `Group.Name` (e.g. `TcpExt.ListenOverflows`), with the index of
/// its line. Values stay text until read: /proc/net/snmp has a -1 (Tcp MaxConn).
pub fn parse_table<'a>(sec: &Section<'a>) -> Result<Table<'a>, ProbeError> {
    let lines = sec.ok_lines()?;
    let mut out = BTreeMap::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim().is_empty() {
            i += 1;
            continue;
        }
        let (group, names) = split_group(sec, i, lines[i])?;
        let Some(values_line) = lines.get(i + 1) else {
            return Err(sec.err(
                i + 1,
                format!("the {group} header has no line of values after it (truncated?)"),
            ));
        };
        let (vgroup, values) = split_group(sec, i + 1, values_line)?;
        if vgroup != group {
            return Err(sec.err(
                i + 1,
                format!("values of {vgroup:?} follow the header of {group:?}"),
            ));
        }
        if names.len() != values.len() {
            return Err(sec.err(
                i + 1,
                format!(
                    "{group} has {} names but {} values (truncated?)",
                    names.len(),
                    values.len()
                ),
            ));
        }
        for (name, value) in names.iter().zip(values) {
            out.insert(format!("{group}.{name}"), (value, i + 1));
        }
        i += 2;
    }
    Ok(out)
}

pub fn parse_tcpext(sec: &Section) -> Result<TcpExt, ProbeError> {
    let table = parse_table(sec)?;
    Ok(TcpExt {
        listen_overflows: counter(sec, &table, "TcpExt", "ListenOverflows")?,
        listen_drops: counter(sec, &table, "TcpExt", "ListenDrops")?,
        syn_retrans: counter(sec, &table, "TcpExt", "TCPSynRetrans")?,
    })
}

/// Tcp ActiveOpens and PassiveOpens of /proc/net/snmp: connections opened by
/// the server (nginx to php-fpm) and accepted by it, i.e. the connection churn.
pub fn parse_tcp_opens(sec: &Section) -> Result<(u64, u64), ProbeError> {
    let table = parse_table(sec)?;
    Ok((
        counter(sec, &table, "Tcp", "ActiveOpens")?,
        counter(sec, &table, "Tcp", "PassiveOpens")?,
    ))
}

pub type Table<'a> = BTreeMap<String, (&'a str, usize)>;

fn counter(sec: &Section, table: &Table, group: &str, name: &str) -> Result<u64, ProbeError> {
    match table.get(&format!("{group}.{name}")) {
        Some((value, line)) => sec.number(*line, &format!("{group} {name}"), value, 10),
        None => {
            let last = table.values().map(|(_, l)| *l).max().unwrap_or(0);
            Err(sec.err(last, format!("no {group} counter named {name}")))
        }
    }
}

fn split_group<'a>(
    sec: &Section,
    i: usize,
    line: &'a str,
) -> Result<(&'a str, Vec<&'a str>), ProbeError> {
    let (group, rest) = line
        .split_once(':')
        .ok_or_else(|| sec.err(i, format!("expected `Group: ...`, found {line:?}")))?;
    Ok((group.trim(), rest.split_whitespace().collect()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    const HOST: &str = include_str!("../../tests/fixtures/probe/proc-net-netstat.txt");

    const SNMP: &str = include_str!("../../tests/fixtures/probe/proc-net-snmp.txt");

    fn parse(text: &str) -> Result<TcpExt, ProbeError> {
        let raw = format!("==> /proc/net/netstat <==\n{text}");
        let s = Sections::split(&raw).unwrap();
        parse_tcpext(s.get("/proc/net/netstat").unwrap())
    }

    #[test]
    fn reads_the_counters_of_a_captured_file() {
        let t = parse(HOST).unwrap();
        // Captured under load with somaxconn 10 and both backlogs 10.
        assert_eq!(t.listen_overflows, 9878);
        assert_eq!(t.listen_drops, 9878);
        assert_eq!(t.syn_retrans, 710);
    }

    #[test]
    fn reads_the_tcp_opens_of_a_captured_snmp_file() {
        let raw = format!("==> /proc/net/snmp <==\n{SNMP}");
        let s = Sections::split(&raw).unwrap();
        assert_eq!(
            parse_tcp_opens(s.get("/proc/net/snmp").unwrap()).unwrap(),
            (9278, 93033)
        );
    }

    #[test]
    fn a_truncated_file_names_the_line() {
        let first_two: String = HOST.lines().take(1).map(|l| format!("{l}\n")).collect();
        let err = parse(&first_two).unwrap_err().to_string();
        assert!(
            err.contains("/proc/net/netstat, line 2") && err.contains("truncated"),
            "{err}"
        );
    }

    #[test]
    fn a_short_values_line_is_an_error() {
        let mut lines: Vec<String> = HOST.lines().map(String::from).collect();
        let cut: Vec<&str> = lines[1].split(' ').take(10).collect();
        lines[1] = cut.join(" ");
        let err = parse(&lines.join("\n")).unwrap_err().to_string();
        assert!(
            err.contains("line 2") && err.contains("names but 9 values"),
            "{err}"
        );
    }

    #[test]
    fn a_garbled_value_names_the_counter() {
        let text = "TcpExt: ListenOverflows ListenDrops TCPSynRetrans\nTcpExt: 1 x2 3\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(
            err.contains("line 2") && err.contains("TcpExt ListenDrops is \"x2\""),
            "{err}"
        );
    }

    #[test]
    fn a_missing_counter_is_named() {
        let err = parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1 2\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("TCPSynRetrans"), "{err}");
    }

    #[test]
    fn a_line_without_group_is_an_error() {
        let err = parse("garbage\n").unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("Group"), "{err}");
    }
}
