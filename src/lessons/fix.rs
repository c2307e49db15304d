//! The fix step: what the learner may type, what it changes, and which values
//! are accepted (with the reason for refusing the others).
use serde::Deserialize;

use super::text::{Lang, Text};

/// Step 6 of a stage.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// The question the tutor asks.
    pub ask: Text,
    /// Whether every change is needed (`all`) or any one of them fixes the stage (`any`).
    pub need: Need,
    /// Services restarted after the changes are applied, so that they call
    /// listen() again (somaxconn caps a backlog only at listen()).
    #[serde(default)]
    pub restart: Vec<Service>,
    #[serde(rename = "change")]
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    All,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Service {
    #[serde(rename = "nginx")]
    Nginx,
    #[serde(rename = "php-fpm")]
    PhpFpm,
}

/// One change the learner makes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Short kebab-case name, unique in the stage.
    pub id: String,
    pub target: Target,
    /// What the learner may type: literal text with at most one `{value}`, e.g.
    /// `"sysctl -w net.core.somaxconn={value}"` or `"{value}"`. Whitespace runs
    /// count as one space, spaces around `=` do not count, and quotes around the
    /// value are dropped.
    pub forms: Vec<String>,
    /// The accepted values, for a target that takes one.
    pub value: Option<ValueRule>,
    /// The reference value: what `skip` and `perflab run --auto` apply. It must
    /// agree with the stage's fix in `containers/stages.toml`.
    pub reference: Option<String>,
    /// Why values outside the range are refused, shown with the range.
    pub reject: Option<Text>,
    /// What the change does and what it costs, shown once it is applied.
    pub about: Text,
}

/// What a change acts on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A sysctl of the server namespace, set with `sysctl -w` inside the server.
    ServerSysctl(String),
    /// A host-wide sysctl, raised through the host helper: journaled first and
    /// restored by `perflab down`. Perflab never lowers one.
    HostSysctl(String),
    /// A knob of `containers/stages.toml` (a field of `crate::config::Knobs`):
    /// the config is rendered again and the service restarted.
    Knob(String),
    /// A command run as typed inside the server; it takes no value.
    ServerCommand,
}

impl Change {
    /// The sysctl this change sets, server or host.
    pub fn target_sysctl(&self) -> Option<&str> {
        match &self.target {
            Target::ServerSysctl(n) | Target::HostSysctl(n) => Some(n),
            _ => None,
        }
    }

    /// The value `skip` and `run --auto` apply, given the value in force of the
    /// sysctl the change raises. The reference itself, unless the rule wants a
    /// value above the live one and the host already has the reference or more
    /// (a machine tuned beforehand): then twice the live value, within the
    /// rule's range. `None` when not even that is above it, so the change
    /// cannot be made here.
    pub fn reference_for(&self, live: Option<u64>) -> Option<String> {
        let reference = self.reference.clone()?;
        let (
            Some(ValueRule::Integer {
                max,
                above_live: true,
                ..
            }),
            Some(live),
        ) = (&self.value, live)
        else {
            return Some(reference);
        };
        match reference.parse::<u64>() {
            Ok(r) if r > live => Some(reference),
            _ => {
                let doubled = live.saturating_mul(2).min(*max);
                (doubled > live).then(|| doubled.to_string())
            }
        }
    }
}

impl Target {
    pub fn takes_value(&self) -> bool {
        !matches!(self, Target::ServerCommand)
    }

    pub fn describe(&self) -> String {
        match self {
            Target::ServerSysctl(n) => format!("server sysctl {n}"),
            Target::HostSysctl(n) => format!("host-wide sysctl {n}"),
            Target::Knob(n) => format!("server setting {n}"),
            Target::ServerCommand => "command".to_string(),
        }
    }
}

/// Why a value is refused: it names the value and the accepted range, then the
/// lesson's reason when it gives one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueRefused {
    #[error("{raw:?} is not a whole number: accepted {accepted}")]
    NotANumber { raw: String, accepted: String },
    #[error("{raw:?} is not a port range: accepted {accepted}")]
    NotAPortRange { raw: String, accepted: String },
    #[error(
        "{value} is out of range: accepted {accepted}{}",
        reason_suffix(reason)
    )]
    OutOfRange {
        value: String,
        accepted: String,
        reason: String,
    },
}

fn reason_suffix(reason: &str) -> String {
    match reason.is_empty() {
        true => String::new(),
        false => format!(": {reason}"),
    }
}

/// The values a change accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueRule {
    /// A whole number from `min` to `max`.
    Integer {
        min: u64,
        max: u64,
        /// Also above the value now in force (a host-wide value is only raised).
        /// [`ValueRule::accept`] checks the static range; the tutor compares with
        /// the live value (and the engine refuses a lower one anyway).
        #[serde(default)]
        above_live: bool,
    },
    /// Two ports `"LOW HIGH"` with `lowest <= LOW < HIGH <= 65535` and at least
    /// `min_ports` ports in between, both ends counted.
    PortRange { lowest: u16, min_ports: u32 },
}

impl ValueRule {
    /// The value in its canonical spelling, or why it is refused (naming the
    /// value and the accepted range, then `reject`'s reason).
    pub fn accept(
        &self,
        raw: &str,
        reject: Option<&Text>,
        lang: Lang,
    ) -> Result<String, ValueRefused> {
        let reason = reject.map(|t| t.get(lang)).unwrap_or_default().to_string();
        match self {
            ValueRule::Integer { min, max, .. } => match raw.trim().parse::<u64>() {
                Ok(n) if (*min..=*max).contains(&n) => Ok(n.to_string()),
                Ok(n) => Err(ValueRefused::OutOfRange {
                    value: n.to_string(),
                    accepted: format!("{min} to {max}"),
                    reason,
                }),
                Err(_) => Err(ValueRefused::NotANumber {
                    raw: raw.to_string(),
                    accepted: format!("{min} to {max}"),
                }),
            },
            ValueRule::PortRange { lowest, min_ports } => {
                let parts: Vec<Option<u16>> =
                    raw.split_whitespace().map(|p| p.parse().ok()).collect();
                let shape = format!(
                    "two ports \"LOW HIGH\" with {lowest} <= LOW < HIGH <= 65535, at least {min_ports} ports"
                );
                let (low, high) = match parts.as_slice() {
                    [Some(l), Some(h)] => (*l, *h),
                    _ => {
                        return Err(ValueRefused::NotAPortRange {
                            raw: raw.to_string(),
                            accepted: shape,
                        })
                    }
                };
                let ports = u32::from(high).saturating_sub(u32::from(low)) + 1;
                if low < *lowest || low >= high || ports < *min_ports {
                    return Err(ValueRefused::OutOfRange {
                        value: format!("\"{low} {high}\" ({ports} ports)"),
                        accepted: shape,
                        reason,
                    });
                }
                Ok(format!("{low} {high}"))
            }
        }
    }

    /// The range in words, for prompts.
    pub fn describe(&self) -> String {
        match self {
            ValueRule::Integer {
                min,
                max,
                above_live: false,
            } => format!("{min} to {max}"),
            ValueRule::Integer {
                min,
                max,
                above_live: true,
            } => {
                format!("{min} to {max}, and above the value now in force")
            }
            ValueRule::PortRange { lowest, min_ports } => {
                format!("\"LOW HIGH\" from {lowest} to 65535, at least {min_ports} ports")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_range_names_value_range_and_reason() {
        let rule = ValueRule::Integer {
            min: 8,
            max: 200,
            above_live: false,
        };
        let why = Text {
            en: "each child takes ~20 MB".into(),
            zh: "每个子进程约 20 MB".into(),
        };
        assert_eq!(rule.accept(" 20 ", Some(&why), Lang::En), Ok("20".into()));
        let e = rule.accept("500", Some(&why), Lang::En).unwrap_err();
        assert_eq!(
            e.to_string(),
            "500 is out of range: accepted 8 to 200: each child takes ~20 MB"
        );
        assert!(rule
            .accept("500", Some(&why), Lang::Zh)
            .unwrap_err()
            .to_string()
            .contains("每个子进程"));
        assert!(rule
            .accept("lots", None, Lang::En)
            .unwrap_err()
            .to_string()
            .contains("not a whole number"));
    }

    #[test]
    fn port_range_is_canonical_and_checked() {
        let rule = ValueRule::PortRange {
            lowest: 1024,
            min_ports: 10000,
        };
        assert_eq!(
            rule.accept("10000\t65535", None, Lang::En),
            Ok("10000 65535".into())
        );
        assert!(rule
            .accept("20000 20050", None, Lang::En)
            .unwrap_err()
            .to_string()
            .contains("51 ports"));
        assert!(rule.accept("65535 10000", None, Lang::En).is_err());
        assert!(rule.accept("80 65535", None, Lang::En).is_err());
        assert!(rule.accept("10000", None, Lang::En).is_err());
    }

    #[test]
    fn rules_reject_unknown_keys() {
        #[derive(Deserialize, Debug)]
        struct W {
            #[allow(dead_code)]
            value: ValueRule,
        }
        assert!(toml::from_str::<W>("value = { kind = \"integer\", min = 1, max = 2 }").is_ok());
        assert!(
            toml::from_str::<W>("value = { kind = \"integer\", min = 1, max = 2, mx = 3 }")
                .is_err()
        );
        assert!(toml::from_str::<W>("value = { kind = \"float\", min = 1, max = 2 }").is_err());
    }

    #[test]
    fn the_reference_is_doubled_on_a_host_that_already_has_it() {
        let change = Change {
            id: "raise-max".into(),
            target: Target::HostSysctl("net.netfilter.nf_conntrack_max".into()),
            forms: vec!["{value}".into()],
            value: Some(ValueRule::Integer {
                min: 524288,
                max: 4194304,
                above_live: true,
            }),
            reference: Some("1048576".into()),
            reject: None,
            about: Text::default(),
        };
        let at = |live| change.reference_for(live);
        assert_eq!(at(None).as_deref(), Some("1048576"));
        assert_eq!(at(Some(262144)).as_deref(), Some("1048576"));
        assert_eq!(at(Some(1048576)).as_deref(), Some("2097152"));
        assert_eq!(at(Some(3000000)).as_deref(), Some("4194304"));
        assert_eq!(at(Some(4194304)), None);
        let fixed = Change {
            value: Some(ValueRule::Integer {
                min: 1,
                max: 10,
                above_live: false,
            }),
            reference: Some("5".into()),
            ..change.clone()
        };
        assert_eq!(fixed.reference_for(Some(9)).as_deref(), Some("5"));
    }
}
