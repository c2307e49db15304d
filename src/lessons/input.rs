//! Reading what the learner types at the fix step: which change it names, and
//! whether its value is accepted. The tutor applies the result; nothing here acts.
use super::fix::{Change, Fix};
use super::text::Lang;

/// What one line typed at the fix step means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input<'a> {
    /// A change with its value in canonical spelling (`None` for a command).
    Accepted {
        change: &'a Change,
        value: Option<String>,
    },
    /// A change whose value is refused; `reason` names the value and the range.
    Refused { change: &'a Change, reason: String },
}

impl Fix {
    /// Reads a line typed at the fix step; `None` when it matches no form.
    /// A form with literal text wins over a bare `{value}`, which only takes
    /// input made of digits, signs and spaces.
    pub fn read_input(&self, line: &str, lang: Lang) -> Option<Input<'_>> {
        let line = normalize(line);
        let mut bare = None;
        for change in &self.changes {
            for form in &change.forms {
                let Some(raw) = match_form(&normalize(form), &line) else {
                    continue;
                };
                if form.trim() == "{value}" {
                    // A bare form takes what looks like a number, not any stray command.
                    let numeric = raw.as_deref().is_some_and(|v| {
                        v.chars()
                            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-".contains(c))
                    });
                    if numeric {
                        bare.get_or_insert((change, raw));
                    }
                    continue;
                }
                return Some(judge(change, raw, lang));
            }
        }
        bare.map(|(change, raw)| judge(change, raw, lang))
    }
}

impl Change {
    /// The reference as the learner would type it: the first form filled in.
    pub fn reference_input(&self) -> String {
        let form = self.forms.first().map(String::as_str).unwrap_or_default();
        form.replace("{value}", self.reference.as_deref().unwrap_or_default())
    }
}

fn judge<'a>(change: &'a Change, raw: Option<String>, lang: Lang) -> Input<'a> {
    match (raw, &change.value) {
        (None, _) => Input::Accepted {
            change,
            value: None,
        },
        (Some(raw), Some(rule)) => match rule.accept(&raw, change.reject.as_ref(), lang) {
            Ok(value) => Input::Accepted {
                change,
                value: Some(value),
            },
            Err(why) => Input::Refused {
                change,
                reason: why.to_string(),
            },
        },
        // validate() refuses a `{value}` form without a rule; keep the raw value.
        (Some(raw), None) => Input::Accepted {
            change,
            value: Some(raw),
        },
    }
}

/// Whitespace runs become one space, and spaces around `=` are dropped, so that
/// `pm.max_children = 20` and `pm.max_children=20` read the same.
pub(crate) fn normalize(s: &str) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace(" =", "=").replace("= ", "=")
}

/// `Some(None)` when a form without `{value}` equals the line, `Some(Some(v))`
/// when a form with `{value}` matches and captures a non-empty `v`.
fn match_form(form: &str, line: &str) -> Option<Option<String>> {
    let Some((prefix, suffix)) = form.split_once("{value}") else {
        return (form == line).then_some(None);
    };
    let trim_quote = |s: &str| s.trim_end_matches(['"', '\'']).to_string();
    let prefix = trim_quote(prefix);
    let suffix = suffix.trim_start_matches(['"', '\'']);
    let rest = line.strip_prefix(prefix.as_str())?.strip_suffix(suffix)?;
    let value = rest.trim().trim_matches(['"', '\'']).trim();
    (!value.is_empty()).then(|| Some(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::fix::{Need, Target, ValueRule};
    use crate::lessons::text::Text;

    fn change(id: &str, forms: &[&str], rule: Option<ValueRule>) -> Change {
        Change {
            id: id.into(),
            target: Target::ServerCommand,
            forms: forms.iter().map(|s| s.to_string()).collect(),
            value: rule,
            reference: Some("1048576".into()),
            reject: None,
            about: Text::default(),
        }
    }

    fn stage_one_fix() -> Fix {
        let int = ValueRule::Integer {
            min: 524288,
            max: 4194304,
            above_live: true,
        };
        Fix {
            ask: Text::default(),
            need: Need::Any,
            restart: vec![],
            changes: vec![
                change(
                    "raise-max",
                    &[
                        "sysctl -w net.netfilter.nf_conntrack_max={value}",
                        "{value}",
                    ],
                    Some(int),
                ),
                change("flush", &["conntrack -F", "conntrack --flush"], None),
            ],
        }
    }

    #[test]
    fn forms_match_with_loose_spacing_and_quotes() {
        let fix = stage_one_fix();
        let got = fix.read_input(
            "  sysctl -w  net.netfilter.nf_conntrack_max = '2097152' ",
            Lang::En,
        );
        match got {
            Some(Input::Accepted { change, value }) => {
                assert_eq!(change.id, "raise-max");
                assert_eq!(value.as_deref(), Some("2097152"));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            fix.read_input("conntrack --flush", Lang::En),
            Some(Input::Accepted { value: None, .. })
        ));
        assert!(matches!(
            fix.read_input("1048576", Lang::En),
            Some(Input::Accepted { value: Some(_), .. })
        ));
    }

    #[test]
    fn a_refused_value_changes_nothing_and_says_why() {
        let fix = stage_one_fix();
        match fix.read_input("sysctl -w net.netfilter.nf_conntrack_max=300", Lang::En) {
            Some(Input::Refused { reason, .. }) => {
                assert!(
                    reason.contains("300 is out of range: accepted 524288 to 4194304"),
                    "{reason}"
                )
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(fix.read_input("rm -rf /", Lang::En), None);
        assert!(matches!(
            fix.read_input("-5", Lang::En),
            Some(Input::Refused { reason, .. }) if reason.contains("not a whole number")
        ));
        assert_eq!(
            fix.read_input("sysctl -w net.netfilter.nf_conntrack_max=", Lang::En),
            None
        );
    }

    #[test]
    fn quoted_port_range_form() {
        let rule = ValueRule::PortRange {
            lowest: 1024,
            min_ports: 10000,
        };
        let mut c = change(
            "range",
            &["sysctl -w net.ipv4.ip_local_port_range=\"{value}\""],
            Some(rule),
        );
        c.reference = Some("10000 65535".into());
        let fix = Fix {
            ask: Text::default(),
            need: Need::All,
            restart: vec![],
            changes: vec![c],
        };
        let got = fix.read_input(
            "sysctl -w net.ipv4.ip_local_port_range=\"10000   65535\"",
            Lang::En,
        );
        assert!(matches!(got, Some(Input::Accepted { value: Some(v), .. }) if v == "10000 65535"));
        let got = fix.read_input(
            "sysctl -w net.ipv4.ip_local_port_range='1024 65535'",
            Lang::En,
        );
        assert!(matches!(got, Some(Input::Accepted { value: Some(v), .. }) if v == "1024 65535"));
        assert_eq!(
            fix.changes[0].reference_input(),
            "sysctl -w net.ipv4.ip_local_port_range=\"10000 65535\""
        );
    }
}
