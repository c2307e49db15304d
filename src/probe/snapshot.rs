//! What one probe of the server found. The JSON field names are fixed: the tutor's
//! checks, `perflab load --json` and the docs read them.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The evidence of one moment. Counters count since the kernel namespace or the
/// log file began; gauges are the value at that moment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub conntrack: Conntrack,
    pub tcp: Tcp,
    /// The listen sockets of :80 (nginx) and :9000 (php-fpm).
    pub listen: Vec<Listen>,
    /// Per-namespace sysctls by their dotted name, e.g. `net.core.somaxconn`.
    pub sysctl: BTreeMap<String, String>,
    pub nginx: Nginx,
    pub phpfpm: PhpFpm,
    pub kernel: Kernel,
    /// Where each log was counted up to, so the next probe reads only what is new.
    #[serde(skip)]
    pub(crate) cursors: Cursors,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conntrack {
    /// Gauge: entries in the server namespace's table.
    pub count: u64,
    /// Gauge: the global limit the namespace's count is held against.
    pub max: u64,
    /// Counter: packets dropped because no entry could be allocated (table full).
    pub drops: u64,
    /// Counter: entries that lost an insertion race.
    pub insert_failed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tcp {
    /// Gauge: all TIME_WAIT sockets of the namespace.
    pub time_wait: u64,
    /// Gauge: TIME_WAIT sockets whose remote port is 9000: nginx closed first and
    /// holds one of its ephemeral ports.
    pub time_wait_ephemeral: u64,
    /// Gauge: TIME_WAIT sockets on local port 9000: php-fpm closed first.
    pub time_wait_9000: u64,
    /// Counter: TcpExt ListenOverflows (accept queue full).
    pub listen_overflows: u64,
    /// Counter: TcpExt ListenDrops.
    pub listen_drops: u64,
    /// Counter: TcpExt TCPSynRetrans.
    pub syn_retrans: u64,
    /// Counter: Tcp ActiveOpens, connections the server opened (nginx to php-fpm).
    #[serde(default)]
    pub active_opens: u64,
    /// Counter: Tcp PassiveOpens, connections the server accepted.
    #[serde(default)]
    pub passive_opens: u64,
    /// Gauge: sockets by state, named as `ss` names them (ESTAB, TIME-WAIT, ...).
    #[serde(default)]
    pub states: BTreeMap<String, u64>,
}

/// One listening socket, as `ss -ltn` shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listen {
    pub port: u16,
    /// Connections waiting in the accept queue.
    pub recv_q: u64,
    /// For a listening socket: the accept queue's limit, min(backlog, somaxconn).
    pub send_q: u64,
    /// The local address, e.g. `0.0.0.0:80`.
    #[serde(default)]
    pub addr: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Nginx {
    /// Counter: responses by status code since the access log began.
    pub status_counts: BTreeMap<String, u64>,
    /// Counter: error log lines `(99: Cannot assign requested address)`.
    pub eaddrnotavail: u64,
    /// Counter: access log lines with no status where the format puts it.
    #[serde(default)]
    pub unparsed_lines: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PhpFpm {
    /// Counter: log lines `server reached max_children setting (N)`.
    pub max_children_warnings: u64,
    /// The same lines by the limit N they name ("5" -> 3, "20" -> 1): after the
    /// fix the old limit's count stays flat, while a saturated pool of 20 still
    /// warns (ondemand spawns up to the limit even at 8 concurrent requests).
    #[serde(default)]
    pub by_limit: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kernel {
    /// Counter: kernel log lines `nf_conntrack: table full in netns <inode>` for the
    /// server's namespace; null when the kernel log was not read.
    pub conntrack_full_lines: Option<u64>,
    /// Why the field is null, or what it counts.
    pub note: String,
    /// The server namespace's inode, as the kernel log names it.
    #[serde(default)]
    pub netns: Option<u64>,
    /// The log's timestamps, which count new lines across a ring that dropped old
    /// ones (known only for snapshots read by this process).
    #[serde(skip)]
    pub(crate) stamps: Option<super::kernel_log::LogStamps>,
}

/// How far each log was counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursors {
    pub access: LogMark,
    pub error: LogMark,
    pub phpfpm: LogMark,
}

/// Where a log's count began and ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogMark {
    /// None when the file did not exist.
    pub cursor: Option<Cursor>,
    /// 0 when the whole file was counted; else the counts are only those after it.
    pub from: u64,
}

/// A log file's identity and the byte offset after its last counted line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub inode: u64,
    pub offset: u64,
}

impl Snapshot {
    /// The listen socket of `port`, if there is one.
    pub fn listener(&self, port: u16) -> Option<&Listen> {
        self.listen.iter().find(|l| l.port == port)
    }

    /// A counter or gauge by its dotted JSON name (`tcp.listen_overflows`), as
    /// lessons name it; `None` for a name that is not one, or a count not read.
    pub fn count(&self, name: &str) -> Option<u64> {
        let n = match name {
            "conntrack.count" => self.conntrack.count,
            "conntrack.max" => self.conntrack.max,
            "conntrack.drops" => self.conntrack.drops,
            "conntrack.insert_failed" => self.conntrack.insert_failed,
            "tcp.time_wait" => self.tcp.time_wait,
            "tcp.time_wait_ephemeral" => self.tcp.time_wait_ephemeral,
            "tcp.time_wait_9000" => self.tcp.time_wait_9000,
            "tcp.listen_overflows" => self.tcp.listen_overflows,
            "tcp.listen_drops" => self.tcp.listen_drops,
            "tcp.syn_retrans" => self.tcp.syn_retrans,
            "tcp.active_opens" => self.tcp.active_opens,
            "tcp.passive_opens" => self.tcp.passive_opens,
            "nginx.eaddrnotavail" => self.nginx.eaddrnotavail,
            "nginx.unparsed_lines" => self.nginx.unparsed_lines,
            "phpfpm.max_children_warnings" => self.phpfpm.max_children_warnings,
            "kernel.conntrack_full_lines" => return self.kernel.conntrack_full_lines,
            _ => return None,
        };
        Some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the tutor, `perflab load --json` and the docs rely on.
    const FIXED: [&str; 17] = [
        "conntrack.count",
        "conntrack.max",
        "conntrack.drops",
        "conntrack.insert_failed",
        "tcp.time_wait",
        "tcp.time_wait_ephemeral",
        "tcp.time_wait_9000",
        "tcp.listen_overflows",
        "tcp.listen_drops",
        "tcp.syn_retrans",
        "listen",
        "sysctl",
        "nginx.status_counts",
        "nginx.eaddrnotavail",
        "phpfpm.max_children_warnings",
        "kernel.conntrack_full_lines",
        "kernel.note",
    ];

    #[test]
    fn json_has_the_fixed_field_names_and_reads_back() {
        let mut s = Snapshot::default();
        s.listen.push(Listen {
            port: 80,
            recv_q: 1,
            send_q: 10,
            addr: "0.0.0.0:80".into(),
        });
        s.nginx.status_counts.insert("502".into(), 7);
        let v = serde_json::to_value(&s).unwrap();
        for path in FIXED {
            let found = path.split('.').try_fold(&v, |at, key| at.get(key));
            assert!(found.is_some(), "{path} is missing from {v}");
        }
        assert_eq!(v["listen"][0]["send_q"], 10);
        assert_eq!(v["nginx"]["status_counts"]["502"], 7);
        assert!(v["kernel"]["conntrack_full_lines"].is_null());
        // `count` reads each counter and gauge under its name in the JSON.
        let mut numbered = Snapshot::default();
        numbered.kernel.conntrack_full_lines = Some(0);
        let json = serde_json::to_value(&numbered).unwrap();
        let mut names = Vec::new();
        for section in ["conntrack", "tcp", "nginx", "phpfpm", "kernel"] {
            for (key, value) in json[section].as_object().unwrap() {
                if value.is_u64() {
                    names.push((section, key.clone()));
                }
            }
        }
        assert_eq!(names.len(), 16, "{names:?}");
        for (n, (section, key)) in (1u64..).zip(&names) {
            let mut one = json.clone();
            one[section][key] = n.into();
            let read: Snapshot = serde_json::from_value(one).unwrap();
            assert_eq!(read.count(&format!("{section}.{key}")), Some(n), "{key}");
        }
        assert_eq!(
            Snapshot::default().count("kernel.conntrack_full_lines"),
            None
        );
        assert_eq!(s.count("listen"), None);
        let back: Snapshot = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
        // Older or hand-written JSON without the extra fields still reads.
        let minimal = r#"{"conntrack":{"count":1,"max":2,"drops":3,"insert_failed":4},
            "tcp":{"time_wait":0,"time_wait_ephemeral":0,"time_wait_9000":0,"listen_overflows":5,
            "listen_drops":5,"syn_retrans":0},"listen":[{"port":9000,"recv_q":0,"send_q":10}],
            "sysctl":{},"nginx":{"status_counts":{},"eaddrnotavail":0},
            "phpfpm":{"max_children_warnings":0},"kernel":{"conntrack_full_lines":null,"note":""}}"#;
        let m: Snapshot = serde_json::from_str(minimal).unwrap();
        assert_eq!(
            (
                m.conntrack.drops,
                m.tcp.listen_overflows,
                m.listen[0].send_q
            ),
            (3, 5, 10)
        );
    }
}
