//! The names of the evidence a lesson may read: the probe's fields (a snapshot of
//! the server), the load run's figures and the flame graph's shares. Lessons name
//! them as strings (`"listen.send_q[80]"`); they become a [`FieldRef`] when the
//! file is parsed, so a misspelt name fails the parse, naming the line.
//!
//! This list is the contract with `crate::probe`, `crate::load` and `crate::flame`:
//! each field here must be produced there under the same name.
use std::fmt;

use serde::Deserialize;

/// How a field behaves over time, which decides how a lesson may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Only ever grows; meaningful as its change during a load run.
    Counter,
    /// A level at the moment it is read (a queue length, a table size).
    Gauge,
    /// A kernel or service setting (`sysctl.*`): a number or a text.
    Setting,
    /// A figure of one load run (`load.*`).
    RunFigure,
    /// A share from 0 to 1 of the samples of one flame-graph recording.
    Share,
}

/// What goes between the brackets of a keyed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    None,
    /// A listening TCP port: `listen.send_q[80]`.
    Port,
    /// An HTTP status, exact or a class: `nginx.status_counts[499]`, `[5xx]`.
    Status,
    /// A kernel function name: `flame.share[inet_hash_connect]`.
    Function,
    /// A configured limit named in a log line: `phpfpm.by_limit[5]`.
    Limit,
}

/// One entry of the catalog.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: &'static str,
    pub kind: FieldKind,
    pub key: KeyKind,
    pub about: &'static str,
}

const fn f(name: &'static str, kind: FieldKind, key: KeyKind, about: &'static str) -> FieldInfo {
    FieldInfo {
        name,
        kind,
        key,
        about,
    }
}

use FieldKind::*;
use KeyKind as K;

/// Every field a lesson may name, except `sysctl.<name>` (see [`SYSCTLS`]).
#[rustfmt::skip]
pub static CATALOG: &[FieldInfo] = &[
    f("conntrack.count", Gauge, K::None, "entries in the server namespace's conntrack table"),
    f("conntrack.max", Gauge, K::None, "the global nf_conntrack_max as seen by the server"),
    f("conntrack.drops", Counter, K::None, "packets dropped because the table was full (conntrack -S drop)"),
    f("tcp.time_wait", Gauge, K::None, "TCP sockets in TIME_WAIT in the server namespace"),
    f("tcp.time_wait_ephemeral", Gauge, K::None, "TIME_WAIT sockets whose local port is in ip_local_port_range (the connecting side's)"),
    f("tcp.listen_overflows", Counter, K::None, "TcpExtListenOverflows: accept queue full"),
    f("tcp.listen_drops", Counter, K::None, "TcpExtListenDrops: SYNs to a listening socket dropped"),
    f("tcp.active_opens", Counter, K::None, "TcpActiveOpens: connect() calls of the server (nginx to php-fpm)"),
    f("listen.recv_q", Gauge, K::Port, "accept queue length of a listening socket (ss -ltn Recv-Q)"),
    f("listen.send_q", Gauge, K::Port, "accept queue limit of a listening socket (ss -ltn Send-Q)"),
    f("nginx.status_counts", Counter, K::Status, "access-log lines by status"),
    f("nginx.eaddrnotavail", Counter, K::None, "nginx error-log lines with (99: Cannot assign requested address)"),
    f("phpfpm.max_children_warnings", Counter, K::None, "php-fpm log lines: server reached max_children setting"),
    f(
        "phpfpm.by_limit",
        Counter,
        K::Limit,
        "php-fpm max_children warnings naming that limit: `reached max_children setting (5)`",
    ),
    f("phpfpm.max_children", Setting, K::None, "pm.max_children of the php-fpm pool now running"),
    f("kernel.conntrack_full_lines", Counter, K::None, "kernel log lines: nf_conntrack: table full ... dropping packet"),
    f("load.goodput_rps", RunFigure, K::None, "2xx responses per second"),
    f("load.rps", RunFigure, K::None, "responses of any status per second"),
    f("load.errors.connect_timeout", RunFigure, K::None, "connections that timed out while connecting"),
    f("load.errors.refused", RunFigure, K::None, "connections refused"),
    f("load.errors.eaddrnotavail", RunFigure, K::None, "client-side EADDRNOTAVAIL"),
    f("load.errors.reset", RunFigure, K::None, "connections reset"),
    f("load.errors.request_timeout", RunFigure, K::None, "requests abandoned at the client's timeout (nginx logs 499)"),
    f("load.errors.http_5xx", RunFigure, K::None, "responses with a 5xx status"),
    f("load.error_pct", RunFigure, K::None, "percent of the requests that got no 2xx: other statuses, and no response at all"),
    f("load.latency_p50_ms", RunFigure, K::None, "median latency, connect time included"),
    f("load.latency_p90_ms", RunFigure, K::None, "90th percentile latency"),
    f("load.latency_p99_ms", RunFigure, K::None, "99th percentile latency"),
    f("load.latency_max_ms", RunFigure, K::None, "slowest request"),
    f("load.server_cpu_us_per_request", RunFigure, K::None, "server CPU time (both containers) per 2xx response, microseconds"),
    f("flame.share", Share, K::Function, "share of all samples whose stack contains the function"),
];

/// The sysctls the probe reads, nameable as `sysctl.<name>` (a [`FieldKind::Setting`]).
pub const SYSCTLS: &[&str] = &[
    "net.netfilter.nf_conntrack_max",
    "net.netfilter.nf_conntrack_count",
    "net.core.somaxconn",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_tw_reuse",
    "net.ipv4.tcp_max_syn_backlog",
];

static SETTING: FieldInfo = f(
    "sysctl",
    Setting,
    K::None,
    "a sysctl of the server namespace",
);

/// Settings of the services that stand for a knob of `containers/stages.toml`:
/// the field, and the knob whose value it reports from the running service.
pub const KNOB_SETTINGS: &[(&str, &str)] = &[("phpfpm.max_children", "pm_max_children")];

/// Every name the catalog lets a lesson write, with a key of each kind the
/// lessons use: what a check that every field reads a value goes through.
pub fn every_name() -> Vec<String> {
    let mut names = Vec::new();
    for info in CATALOG {
        let keys: &[&str] = match info.key {
            KeyKind::None => &[""],
            KeyKind::Port => &["80", "9000"],
            KeyKind::Status => &["200", "5xx"],
            KeyKind::Limit => &["5"],
            KeyKind::Function => &["inet_hash_connect"],
        };
        for k in keys {
            names.push(match k.is_empty() {
                true => info.name.to_string(),
                false => format!("{}[{k}]", info.name),
            });
        }
    }
    names.extend(SYSCTLS.iter().map(|s| format!("sysctl.{s}")));
    names
}

/// A field as a lesson names it, checked against the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct FieldRef {
    /// The name as written, e.g. `listen.send_q[80]` or `sysctl.net.core.somaxconn`.
    pub text: String,
    pub info: &'static FieldInfo,
    /// The bracketed key, or for a sysctl its name (`net.core.somaxconn`).
    pub key: Option<String>,
}

impl FieldRef {
    pub fn parse(text: &str) -> Result<FieldRef, UnknownField> {
        if let Some(name) = text.strip_prefix("sysctl.") {
            if !SYSCTLS.contains(&name) {
                return Err(UnknownField::Sysctl {
                    text: text.to_string(),
                    known: SYSCTLS.join(", sysctl."),
                });
            }
            let key = Some(name.to_string());
            return Ok(FieldRef {
                text: text.to_string(),
                info: &SETTING,
                key,
            });
        }
        let (name, key) = match text.split_once('[') {
            Some((n, rest)) => match rest.strip_suffix(']') {
                Some(k) if !k.is_empty() => (n, Some(k.to_string())),
                _ => {
                    return Err(UnknownField::MalformedKey {
                        text: text.to_string(),
                    })
                }
            },
            None => (text, None),
        };
        let Some(info) = CATALOG.iter().find(|i| i.name == name) else {
            let known: Vec<&str> = CATALOG.iter().map(|i| i.name).collect();
            return Err(UnknownField::Name {
                name: name.to_string(),
                known: known.join(", "),
            });
        };
        check_key(text, info, key.as_deref())?;
        Ok(FieldRef {
            text: text.to_string(),
            info,
            key,
        })
    }

    pub fn kind(&self) -> FieldKind {
        self.info.kind
    }

    /// The port of a `listen.*` field.
    pub fn port(&self) -> Option<u16> {
        match self.info.key {
            KeyKind::Port => self.key.as_deref()?.parse().ok(),
            _ => None,
        }
    }

    /// The sysctl's name for a `sysctl.*` field.
    pub fn sysctl(&self) -> Option<&str> {
        match self.info.name {
            "sysctl" => self.key.as_deref(),
            _ => None,
        }
    }

    /// The knob a service-setting field reports (`phpfpm.max_children`).
    pub fn knob(&self) -> Option<&'static str> {
        KNOB_SETTINGS
            .iter()
            .find(|(f, _)| *f == self.info.name)
            .map(|(_, k)| *k)
    }
}

fn check_key(text: &str, info: &FieldInfo, key: Option<&str>) -> Result<(), UnknownField> {
    let ok = match (info.key, key) {
        (KeyKind::None, None) => true,
        (KeyKind::Port, Some(k)) => k.parse::<u16>().is_ok_and(|p| p > 0),
        (KeyKind::Status, Some(k)) => {
            let b = k.as_bytes();
            b.len() == 3
                && (b'1'..=b'5').contains(&b[0])
                && (k[1..].bytes().all(|c| c.is_ascii_digit()) || &k[1..] == "xx")
        }
        (KeyKind::Limit, Some(k)) => k.parse::<u32>().is_ok_and(|n| n > 0),
        (KeyKind::Function, Some(k)) => k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let want = match info.key {
        KeyKind::None => "no key",
        KeyKind::Port => "a port, e.g. [80]",
        KeyKind::Status => "a status or class, e.g. [499] or [5xx]",
        KeyKind::Function => "a kernel function, e.g. [inet_hash_connect]",
        KeyKind::Limit => "a limit, e.g. [5]",
    };
    Err(UnknownField::Key {
        text: text.to_string(),
        want,
    })
}

/// Why a lesson's field name names no field the probe, load or flame reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnknownField {
    #[error("unknown sysctl field {text:?}: the probe reads sysctl.{known}")]
    Sysctl { text: String, known: String },
    #[error("field {text:?} has a malformed key: write name[key]")]
    MalformedKey { text: String },
    #[error("unknown probe field {name:?}: known fields are {known}, and sysctl.<name>")]
    Name { name: String, known: String },
    #[error("field {text:?} takes {want}")]
    Key { text: String, want: &'static str },
}

impl TryFrom<String> for FieldRef {
    type Error = UnknownField;
    fn try_from(s: String) -> Result<Self, UnknownField> {
        FieldRef::parse(&s)
    }
}

impl fmt::Display for FieldRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_parse_with_their_keys() {
        let f = FieldRef::parse("listen.send_q[9000]").unwrap();
        assert_eq!(f.port(), Some(9000));
        assert_eq!(f.kind(), FieldKind::Gauge);
        let s = FieldRef::parse("sysctl.net.core.somaxconn").unwrap();
        assert_eq!(s.sysctl(), Some("net.core.somaxconn"));
        assert!(FieldRef::parse("nginx.status_counts[5xx]").is_ok());
        assert!(FieldRef::parse("nginx.status_counts[499]").is_ok());
        assert!(FieldRef::parse("flame.share[inet_hash_connect]").is_ok());
    }

    #[test]
    fn unknown_or_misused_fields_are_refused_with_the_reason() {
        let e = FieldRef::parse("conntrack.cout").unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown probe field \"conntrack.cout\""),
            "{e}"
        );
        assert!(FieldRef::parse("sysctl.net.ipv4.tcp_fake").is_err());
        assert!(FieldRef::parse("listen.send_q")
            .unwrap_err()
            .to_string()
            .contains("a port"));
        assert!(FieldRef::parse("conntrack.count[1]").is_err());
        assert!(FieldRef::parse("nginx.status_counts[99]").is_err());
        assert!(FieldRef::parse("listen.send_q[80").is_err());
    }
}
