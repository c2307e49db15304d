//! Every value of the server that the course mistunes and fixes.
use serde::{Deserialize, Serialize};

/// A listen backlog that may be left at the service's default (php-fpm's is 511).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Backlog {
    Default,
    Value(u32),
}

impl TryFrom<String> for Backlog {
    type Error = KnobsError;
    fn try_from(s: String) -> Result<Self, KnobsError> {
        if s == "default" {
            return Ok(Backlog::Default);
        }
        match s.parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) => Ok(Backlog::Value(n)),
            _ => Err(KnobsError::Backlog { value: s }),
        }
    }
}

/// A server setting a kernel or service would refuse, naming the value and the range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KnobsError {
    #[error("backlog {value:?} is not valid: use \"default\" or a number from 1 to 65535")]
    Backlog { value: String },
    #[error("ip_local_port_range {value:?} is not valid: two ports \"LOW HIGH\" with 1024 <= LOW < HIGH <= 65535")]
    PortRange { value: String },
    #[error("{name} {value} is out of range: accepted {lo} to {hi}")]
    OutOfRange {
        name: &'static str,
        value: u64,
        lo: u64,
        hi: u64,
    },
    #[error("pm {value:?} is not valid: ondemand, dynamic or static")]
    Pm { value: String },
    #[error("{name} = {value:?} is not a valid server setting: {reason}")]
    Setting {
        name: String,
        value: String,
        reason: String,
    },
}

impl From<Backlog> for String {
    fn from(b: Backlog) -> String {
        match b {
            Backlog::Default => "default".into(),
            Backlog::Value(n) => n.to_string(),
        }
    }
}

/// The complete state of the server's tunables at one point of the course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Knobs {
    /// Fill the server namespace's conntrack table up to the global limit.
    pub conntrack_fill: bool,
    pub nginx_workers: u32,
    pub nginx_backlog: u32,
    pub phpfpm_backlog: Backlog,
    pub pm: String,
    pub pm_max_children: u32,
    pub somaxconn: u32,
    pub ip_local_port_range: String,
    pub tcp_tw_reuse: u8,
    pub fastcgi_keep_conn: bool,
    /// Size of nginx's upstream keep-alive pool to php-fpm; 0 means no pool.
    pub upstream_keepalive: u32,
    /// How long the page waits on its backend (a database, another service)
    /// for each request, in microseconds: a php-fpm child is held, idle, that long.
    pub backend_wait_us: u32,
}

/// A partial set of knobs: what one stage changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnobsPatch {
    pub conntrack_fill: Option<bool>,
    pub nginx_workers: Option<u32>,
    pub nginx_backlog: Option<u32>,
    pub phpfpm_backlog: Option<Backlog>,
    pub pm: Option<String>,
    pub pm_max_children: Option<u32>,
    pub somaxconn: Option<u32>,
    pub ip_local_port_range: Option<String>,
    pub tcp_tw_reuse: Option<u8>,
    pub fastcgi_keep_conn: Option<bool>,
    pub upstream_keepalive: Option<u32>,
    pub backend_wait_us: Option<u32>,
}

/// Every knob once, by its field name (which is also its name in
/// `containers/stages.toml` and in a learner's fix): what applies a patch and what
/// reads a knob by name are generated from this one list, so a renamed field
/// renames both.
macro_rules! by_name {
    ($($f:ident),* $(,)?) => {
        impl Knobs {
            pub fn apply(&mut self, patch: &KnobsPatch) {
                $( if let Some(v) = &patch.$f { self.$f = v.clone(); } )*
            }

            /// The value of the knob named `knob`, if there is one.
            pub fn get(&self, knob: &str) -> Option<KnobValue> {
                match knob {
                    $( stringify!($f) => Some(self.$f.clone().into()), )*
                    _ => None,
                }
            }
        }

        impl KnobsPatch {
            /// A patch of one knob from its name and a value as typed (`"20"`,
            /// `"10000 65535"`, `"on"`), or why it is refused (an unknown knob
            /// names the known ones).
            pub fn single(name: &str, value: &str) -> Result<KnobsPatch, KnobsError> {
                let refused = |reason: String| KnobsError::Setting {
                    name: name.to_string(),
                    value: value.to_string(),
                    reason,
                };
                let mut patch = KnobsPatch::default();
                match name {
                    $( stringify!($f) => patch.$f = Some(Typed::typed(value).map_err(refused)?), )*
                    _ => {
                        let known = [$(stringify!($f)),*].join(", ");
                        return Err(refused(format!("not a knob of the server; the knobs: {known}")));
                    }
                }
                Ok(patch)
            }

            /// The knobs the patch sets, by name in alphabetical order.
            pub fn set(&self) -> Vec<(&'static str, KnobValue)> {
                let mut set = Vec::new();
                $( if let Some(v) = &self.$f { set.push((stringify!($f), v.clone().into())); } )*
                set.sort_by_key(|(name, _)| *name);
                set
            }
        }
    };
}

by_name!(
    conntrack_fill,
    nginx_workers,
    nginx_backlog,
    phpfpm_backlog,
    pm,
    pm_max_children,
    somaxconn,
    ip_local_port_range,
    tcp_tw_reuse,
    fastcgi_keep_conn,
    upstream_keepalive,
    backend_wait_us,
);

/// A knob's type, read from a value as a learner types it.
trait Typed: Sized {
    fn typed(value: &str) -> Result<Self, String>;
}

fn number<T: std::str::FromStr>(value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| "not a whole number in range for this setting".to_string())
}

impl Typed for u32 {
    fn typed(value: &str) -> Result<Self, String> {
        number(value)
    }
}

impl Typed for u8 {
    fn typed(value: &str) -> Result<Self, String> {
        number(value)
    }
}

impl Typed for bool {
    fn typed(value: &str) -> Result<Self, String> {
        match value {
            "true" | "on" | "yes" => Ok(true),
            "false" | "off" | "no" => Ok(false),
            _ => Err("not on or off (on, off, true, false, yes, no)".into()),
        }
    }
}

impl Typed for String {
    fn typed(value: &str) -> Result<Self, String> {
        Ok(value.to_string())
    }
}

impl Typed for Backlog {
    fn typed(value: &str) -> Result<Self, String> {
        Backlog::try_from(value.to_string()).map_err(|e| e.to_string())
    }
}

/// One knob's value: shown as a learner types it (`20`, `true`, `default`),
/// and read as a number by a lesson's setting field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KnobValue {
    Number(u64),
    Flag(bool),
    Text(String),
}

impl From<u32> for KnobValue {
    fn from(n: u32) -> Self {
        KnobValue::Number(n.into())
    }
}

impl From<u8> for KnobValue {
    fn from(n: u8) -> Self {
        KnobValue::Number(n.into())
    }
}

impl From<bool> for KnobValue {
    fn from(b: bool) -> Self {
        KnobValue::Flag(b)
    }
}

impl From<String> for KnobValue {
    fn from(t: String) -> Self {
        KnobValue::Text(t)
    }
}

impl From<Backlog> for KnobValue {
    fn from(b: Backlog) -> Self {
        KnobValue::Text(b.into())
    }
}

impl std::fmt::Display for KnobValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KnobValue::Number(n) => write!(f, "{n}"),
            KnobValue::Flag(b) => write!(f, "{b}"),
            KnobValue::Text(t) => f.write_str(t),
        }
    }
}

impl Knobs {
    /// The per-namespace sysctls of the server, set when its namespace is created.
    pub fn sysctls(&self) -> Vec<(&'static str, String)> {
        vec![
            ("net.core.somaxconn", self.somaxconn.to_string()),
            (
                "net.ipv4.ip_local_port_range",
                self.ip_local_port_range.clone(),
            ),
            ("net.ipv4.tcp_tw_reuse", self.tcp_tw_reuse.to_string()),
        ]
    }

    /// Checks the values a kernel or service would refuse, naming the value and the range.
    pub fn validate(&self) -> Result<(), KnobsError> {
        let range_ok = self
            .ip_local_port_range
            .split_whitespace()
            .map(str::parse::<u16>)
            .collect::<Result<Vec<_>, _>>()
            .ok()
            .filter(|v| v.len() == 2 && v[0] >= 1024 && v[0] < v[1]);
        if range_ok.is_none() {
            return Err(KnobsError::PortRange {
                value: self.ip_local_port_range.clone(),
            });
        }
        let checks: [(&str, u64, u64, u64); 7] = [
            ("nginx_workers", self.nginx_workers.into(), 1, 64),
            ("nginx_backlog", self.nginx_backlog.into(), 1, 65535),
            ("pm_max_children", self.pm_max_children.into(), 1, 1000),
            ("somaxconn", self.somaxconn.into(), 1, 4_194_304),
            ("tcp_tw_reuse", self.tcp_tw_reuse.into(), 0, 2),
            (
                "upstream_keepalive",
                self.upstream_keepalive.into(),
                0,
                10_000,
            ),
            ("backend_wait_us", self.backend_wait_us.into(), 0, 1_000_000),
        ];
        for (name, v, lo, hi) in checks {
            if !(lo..=hi).contains(&v) {
                return Err(KnobsError::OutOfRange {
                    name,
                    value: v,
                    lo,
                    hi,
                });
            }
        }
        if !["ondemand", "dynamic", "static"].contains(&self.pm.as_str()) {
            return Err(KnobsError::Pm {
                value: self.pm.clone(),
            });
        }
        Ok(())
    }
}

impl KnobsPatch {
    /// The patch that sets a server sysctl the knobs track, if it is one of them.
    pub fn sysctl(name: &str, value: &str) -> Option<Result<KnobsPatch, KnobsError>> {
        let knob = match name {
            "net.core.somaxconn" => "somaxconn",
            "net.ipv4.ip_local_port_range" => "ip_local_port_range",
            "net.ipv4.tcp_tw_reuse" => "tcp_tw_reuse",
            _ => return None,
        };
        Some(Self::single(knob, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_knobs_from_typed_values() {
        assert_eq!(
            KnobsPatch::single("pm_max_children", "20")
                .unwrap()
                .pm_max_children,
            Some(20)
        );
        assert_eq!(
            KnobsPatch::single("ip_local_port_range", "10000 65535")
                .unwrap()
                .ip_local_port_range
                .as_deref(),
            Some("10000 65535")
        );
        assert_eq!(
            KnobsPatch::single("fastcgi_keep_conn", "on")
                .unwrap()
                .fastcgi_keep_conn,
            Some(true)
        );
        assert_eq!(
            KnobsPatch::single("phpfpm_backlog", "8192")
                .unwrap()
                .phpfpm_backlog,
            Some(Backlog::Value(8192))
        );
        assert!(KnobsPatch::single("pm_max_children", "abc").is_err());
        assert!(KnobsPatch::single("no_such_knob", "1")
            .unwrap_err()
            .to_string()
            .contains("no_such_knob"));
        assert!(KnobsPatch::sysctl("net.core.somaxconn", "65536")
            .unwrap()
            .is_ok());
        assert!(KnobsPatch::sysctl("kernel.panic", "1").is_none());
    }

    /// The names `get` and `set` know are the names on disk.
    #[test]
    fn knobs_by_name_are_their_serialized_names() {
        let knobs = crate::config::StagePlan::embedded()
            .unwrap()
            .knobs_at_start(0);
        let json = serde_json::to_string(&knobs).unwrap();
        let on_disk: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&json).unwrap();
        for (name, value) in &on_disk {
            let shown = match value {
                serde_json::Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            assert_eq!(
                knobs.get(name).map(|v| v.to_string()),
                Some(shown),
                "{name}"
            );
            let patch = KnobsPatch::single(name, &knobs.get(name).unwrap().to_string()).unwrap();
            assert_eq!(patch.set(), [(name.as_str(), knobs.get(name).unwrap())]);
        }
        assert_eq!(knobs.get("no_such_knob"), None);
        assert_eq!(KnobsPatch::default().set(), []);
    }
}
