//! The namespace's TCP sockets. TIME_WAIT sockets can number 30k during a load
//! run, and the kernel takes ~1.6 µs to format each one, so they are never listed
//! in full: the total comes from /proc/net/sockstat and the two sides from `ss`
//! with a kernel-side filter, counted inside the server. Every other socket (a few
//! thousand at most) is listed by `ss -Htan exclude time-wait` and parsed here.
use std::collections::BTreeMap;

use super::error::ProbeError;
use super::sections::Section;
use super::snapshot::Listen;

/// The ports whose listen sockets the course reads: nginx and php-fpm.
pub const PORTS: [u16; 2] = [80, 9000];

/// State names as `ss` prints them.
const STATES: [&str; 11] = [
    "ESTAB",
    "SYN-SENT",
    "SYN-RECV",
    "FIN-WAIT-1",
    "FIN-WAIT-2",
    "TIME-WAIT",
    "UNCONN",
    "CLOSE-WAIT",
    "LAST-ACK",
    "LISTEN",
    "CLOSING",
];

/// What `ss -Htan exclude time-wait` shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sockets {
    pub states: BTreeMap<String, u64>,
    pub listen: Vec<Listen>,
}

pub fn parse_ss(sec: &Section) -> Result<Sockets, ProbeError> {
    let mut out = Sockets::default();
    for (i, line) in sec.ok_lines()?.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 5 {
            return Err(sec.err(
                i,
                format!("expected `State Recv-Q Send-Q Local:Port Peer:Port`, found {line:?} (truncated?)"),
            ));
        }
        let state = cols[0];
        if !STATES.contains(&state) {
            return Err(sec.err(i, format!("unknown socket state {state:?}")));
        }
        *out.states.entry(state.to_string()).or_default() += 1;
        if state == "LISTEN" {
            let port = port_of(cols[3]).ok_or_else(|| {
                sec.err(i, format!("the local address {:?} has no port", cols[3]))
            })?;
            if PORTS.contains(&port) {
                out.listen.push(Listen {
                    port,
                    recv_q: sec.number(i, "Recv-Q", cols[1], 10)?,
                    send_q: sec.number(i, "Send-Q", cols[2], 10)?,
                    addr: cols[3].to_string(),
                });
            }
        }
    }
    out.listen
        .sort_by(|a, b| (a.port, &a.addr).cmp(&(b.port, &b.addr)));
    Ok(out)
}

/// The port after the last colon: `0.0.0.0:80`, `[::]:80`, `*:80`.
fn port_of(addr: &str) -> Option<u16> {
    addr.rsplit_once(':')?.1.parse().ok()
}

/// The `tw` figure of the `TCP:` line of /proc/net/sockstat (per namespace).
pub fn parse_sockstat_tw(sec: &Section) -> Result<u64, ProbeError> {
    let lines = sec.ok_lines()?;
    let (i, line) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.starts_with("TCP:"))
        .ok_or_else(|| sec.err(lines.len(), "no `TCP:` line"))?;
    let words: Vec<&str> = line["TCP:".len()..].split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "tw")
        .ok_or_else(|| sec.err(i, "the TCP line has no `tw` figure"))?;
    let value = words
        .get(at + 1)
        .ok_or_else(|| sec.err(i, "the TCP line ends after `tw` (truncated?)"))?;
    sec.number(i, "tw", value, 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    const SS: &str = include_str!("../../tests/fixtures/probe/ss-Htan-exclude-time-wait.txt");
    const SOCKSTAT: &str = include_str!("../../tests/fixtures/probe/proc-net-sockstat.txt");

    fn with<T>(
        name: &str,
        text: &str,
        f: impl Fn(&Section) -> Result<T, ProbeError>,
    ) -> Result<T, ProbeError> {
        let raw = format!("==> {name} <==\n{text}");
        let s = Sections::split(&raw).unwrap();
        f(s.get(name).unwrap())
    }

    #[test]
    fn counts_states_and_reads_the_listen_queues() {
        let s = with("ss", SS, parse_ss).unwrap();
        // Captured under load, stage 3's mistuning (backlogs and somaxconn 10).
        assert_eq!(s.states.get("ESTAB"), Some(&177));
        assert_eq!(s.states.get("FIN-WAIT-1"), Some(&10));
        assert_eq!(s.states.get("FIN-WAIT-2"), Some(&241));
        assert_eq!(s.states.get("LISTEN"), Some(&2));
        assert_eq!(s.states.values().sum::<u64>(), 430);
        let ports: Vec<(u16, u64, u64)> = s
            .listen
            .iter()
            .map(|l| (l.port, l.recv_q, l.send_q))
            .collect();
        assert_eq!(ports, vec![(80, 0, 10), (9000, 0, 10)]);
        assert_eq!(s.listen[1].addr, "127.0.0.1:9000");
    }

    #[test]
    fn other_listeners_and_ipv6_are_handled() {
        let text = "LISTEN 0 4096 127.0.0.11:38431 0.0.0.0:*\nLISTEN 3 8192 [::]:80 [::]:*\n";
        let s = with("ss", text, parse_ss).unwrap();
        assert_eq!(
            s.listen.len(),
            1,
            "Docker's DNS listener is not the course's"
        );
        assert_eq!(
            (s.listen[0].port, s.listen[0].recv_q, s.listen[0].send_q),
            (80, 3, 8192)
        );
    }

    #[test]
    fn a_truncated_line_names_the_line() {
        let mut lines: Vec<&str> = SS.lines().take(5).collect();
        lines[4] = "ESTAB      0      0      172.17";
        let err = with("ss -Htan exclude time-wait", &lines.join("\n"), parse_ss)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ss -Htan exclude time-wait, line 5") && err.contains("truncated"),
            "{err}"
        );
    }

    #[test]
    fn garbled_states_and_queues_are_errors() {
        let err = with("ss", "ESTABLISHED 0 0 a:1 b:2\n", parse_ss)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 1") && err.contains("\"ESTABLISHED\""),
            "{err}"
        );
        let err = with("ss", "LISTEN x 10 0.0.0.0:80 0.0.0.0:*\n", parse_ss)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Recv-Q is \"x\""), "{err}");
        let err = with("ss", "LISTEN 0 10 0.0.0.0 0.0.0.0:*\n", parse_ss)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no port"), "{err}");
    }

    #[test]
    fn reads_time_wait_from_sockstat() {
        assert_eq!(
            with("/proc/net/sockstat", SOCKSTAT, parse_sockstat_tw).unwrap(),
            18810
        );
        let err = with(
            "/proc/net/sockstat",
            "sockets: used 1\nTCP: inuse 2 orphan 0 tw",
            parse_sockstat_tw,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 2") && err.contains("truncated"), "{err}");
        let err = with("/proc/net/sockstat", "sockets: used 1\n", parse_sockstat_tw)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no `TCP:` line"), "{err}");
    }
}
