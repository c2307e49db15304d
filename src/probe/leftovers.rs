//! What a previous run left in the server that will change the next one's
//! result: nginx-side TIME_WAIT holding its ephemeral ports (with
//! `tcp_tw_reuse` 0 a port in TIME_WAIT cannot be reused for 60 s), and
//! connections or queued requests still being served.
use super::snapshot::Snapshot;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leftover {
    /// `count` of nginx's `ports` ephemeral ports are held by TIME_WAIT.
    TimeWait { count: u64, ports: u64 },
    /// Connections not yet closed, and requests waiting in the listen queues.
    Serving { connections: u64, queued: u64 },
}

/// The leftovers in a snapshot taken right before a run. TIME_WAIT counts from
/// 2 % of the port range (one port of the seed's 51 already is): below that it
/// changes nothing measurable.
pub fn leftovers(s: &Snapshot) -> Vec<Leftover> {
    let mut found = Vec::new();
    let reuse = s.sysctl.get("net.ipv4.tcp_tw_reuse").map(|v| v.trim());
    let ports = s.sysctl.get("net.ipv4.ip_local_port_range").and_then(|r| {
        let mut it = r.split_whitespace().map(|p| p.parse::<u64>().ok());
        match (it.next().flatten(), it.next().flatten()) {
            (Some(lo), Some(hi)) if hi >= lo => Some(hi - lo + 1),
            _ => None,
        }
    });
    if let (Some("0"), Some(ports)) = (reuse, ports) {
        let threshold = (ports / 50).max(1);
        let count = s.tcp.time_wait_ephemeral;
        if count >= threshold {
            found.push(Leftover::TimeWait { count, ports });
        }
    }
    let connections: u64 = s
        .tcp
        .states
        .iter()
        .filter(|(state, _)| !matches!(state.as_str(), "LISTEN" | "TIME-WAIT" | "UNCONN"))
        .map(|(_, n)| n)
        .sum();
    let queued: u64 = s.listen.iter().map(|l| l.recv_q).sum();
    if connections > 0 || queued > 0 {
        found.push(Leftover::Serving {
            connections,
            queued,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(range: &str, reuse: &str, tw: u64) -> Snapshot {
        let mut s = Snapshot::default();
        s.sysctl
            .insert("net.ipv4.ip_local_port_range".into(), range.into());
        s.sysctl
            .insert("net.ipv4.tcp_tw_reuse".into(), reuse.into());
        s.tcp.time_wait_ephemeral = tw;
        s
    }

    #[test]
    fn time_wait_counts_from_two_percent_of_the_ports_without_reuse() {
        assert_eq!(
            leftovers(&snap("20000 20050", "0", 1)),
            vec![Leftover::TimeWait {
                count: 1,
                ports: 51
            }]
        );
        assert!(leftovers(&snap("20000 20050", "0", 0)).is_empty());
        assert!(leftovers(&snap("10000 65535", "0", 1000)).is_empty());
        assert_eq!(
            leftovers(&snap("10000 65535", "0", 28_000)),
            vec![Leftover::TimeWait {
                count: 28_000,
                ports: 55_536
            }]
        );
        assert!(
            leftovers(&snap("10000 65535", "1", 28_000)).is_empty(),
            "with tcp_tw_reuse the ports are reused"
        );
    }

    #[test]
    fn open_connections_and_queues_are_leftovers() {
        let mut s = snap("10000 65535", "1", 0);
        s.tcp.states.insert("LISTEN".into(), 2);
        s.tcp.states.insert("TIME-WAIT".into(), 40);
        assert!(leftovers(&s).is_empty());
        s.tcp.states.insert("ESTAB".into(), 3);
        s.listen.push(crate::probe::Listen {
            port: 9000,
            recv_q: 5,
            send_q: 8192,
            addr: "127.0.0.1:9000".into(),
        });
        assert_eq!(
            leftovers(&s),
            vec![Leftover::Serving {
                connections: 3,
                queued: 5
            }]
        );
    }
}
