//! The namespace's TCP sockets, from one `ss -Htan`. TIME_WAIT sockets can number
//! 30k during a load run, so the server counts them by port side itself (see
//! `script`) and only the others (a few thousand at most) are shipped and parsed
//! here.
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

/// What `ss -Htan` shows.
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

/// TIME-WAIT sockets by which side holds port 9000.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeWait {
    /// Remote port 9000: nginx closed first and holds one of its ephemeral ports.
    pub remote9000: u64,
    /// Local port 9000: php-fpm closed first.
    pub local9000: u64,
    pub other: u64,
}

impl TimeWait {
    pub fn total(&self) -> u64 {
        self.remote9000 + self.local9000 + self.other
    }
}

/// The counts `remote9000 N`, `local9000 N`, `other N`, each exactly once.
pub fn parse_time_wait(sec: &Section) -> Result<TimeWait, ProbeError> {
    let mut seen: [Option<u64>; 3] = [None; 3];
    const KEYS: [&str; 3] = ["remote9000", "local9000", "other"];
    for (i, line) in sec.ok_lines()?.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let [key, n] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(sec.err(i, format!("expected `SIDE COUNT`, found {line:?}")));
        };
        let at = KEYS
            .iter()
            .position(|k| *k == key)
            .ok_or_else(|| sec.err(i, format!("unknown side {key:?}")))?;
        if seen[at].is_some() {
            return Err(sec.err(i, format!("{key} is counted twice")));
        }
        seen[at] = Some(sec.number(i, key, n, 10)?);
    }
    match seen {
        [Some(remote9000), Some(local9000), Some(other)] => Ok(TimeWait {
            remote9000,
            local9000,
            other,
        }),
        _ => Err(sec.err(
            sec.lines.len(),
            "expected the counts remote9000, local9000 and other (truncated?)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    /// Under load with somaxconn 10 and both backlogs 10 (stage 3), TIME-WAIT left out.
    const SS: &str = include_str!("../../tests/fixtures/probe/ss-Htan-backlog10.txt");
    /// Under load in stage 5 (backlogs 8192), with TIME-WAIT sockets: the first 200
    /// lines of `ss -Htan` and 200 later ones of 127.0.0.1:9000.
    const SS5: &str = include_str!("../../tests/fixtures/probe/ss-Htan.txt");

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

        let s = with("ss", SS5, parse_ss).unwrap();
        assert_eq!(s.states.get("TIME-WAIT"), Some(&385));
        assert_eq!(s.states.get("LISTEN"), Some(&3));
        let ports: Vec<(u16, u64)> = s.listen.iter().map(|l| (l.port, l.send_q)).collect();
        assert_eq!(
            ports,
            vec![(80, 8192), (9000, 8192)],
            "Docker's DNS listener is left out"
        );
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
        let err = with("ss -Htan", &lines.join("\n"), parse_ss)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ss -Htan, line 5") && err.contains("truncated"),
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
    fn reads_the_time_wait_counts() {
        let tw = with(
            "tw",
            "remote9000 30512\nlocal9000 3\nother 12\n",
            parse_time_wait,
        )
        .unwrap();
        assert_eq!(
            (tw.remote9000, tw.local9000, tw.other, tw.total()),
            (30512, 3, 12, 30527)
        );
        let err = with("tw", "remote9000 1\nlocal9000 2\n", parse_time_wait)
            .unwrap_err()
            .to_string();
        assert!(err.contains("truncated"), "{err}");
        let err = with("tw", "remote9000 1\nremote9000 2\n", parse_time_wait)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("twice"), "{err}");
        let err = with("tw", "remote 1\n", parse_time_wait)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown side"), "{err}");
    }
}
