//! `sysctl NAME...` output: `net.core.somaxconn = 4096`, one a line. Values keep
//! their words but the kernel's tab (ip_local_port_range) becomes one space, as a
//! learner would type it.
use std::collections::BTreeMap;

use super::error::ProbeError;
use super::sections::Section;

pub fn parse_sysctl(sec: &Section) -> Result<BTreeMap<String, String>, ProbeError> {
    let mut out = BTreeMap::new();
    for (i, line) in sec.ok_lines()?.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (name, value) = line
            .split_once(" = ")
            .ok_or_else(|| sec.err(i, format!("expected `name = value`, found {line:?}")))?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(sec.err(i, format!("{name:?} is not a sysctl name")));
        }
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(sec.err(i, format!("{name} has no value (truncated?)")));
        }
        out.insert(name.to_string(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    const SYSCTL: &str = include_str!("../../tests/fixtures/probe/sysctl.txt");

    fn parse(text: &str) -> Result<BTreeMap<String, String>, ProbeError> {
        let raw = format!("==> sysctl <==\n{text}");
        let s = Sections::split(&raw).unwrap();
        parse_sysctl(s.get("sysctl").unwrap())
    }

    #[test]
    fn reads_captured_values_with_the_tab_as_a_space() {
        let m = parse(SYSCTL).unwrap();
        assert_eq!(m["net.core.somaxconn"], "10");
        assert_eq!(m["net.ipv4.ip_local_port_range"], "20000 20099");
        assert_eq!(m["net.ipv4.tcp_tw_reuse"], "2");
        assert_eq!(m.len(), 4);
    }

    #[test]
    fn malformed_lines_are_errors() {
        let err = parse("net.core.somaxconn 10\n").unwrap_err().to_string();
        assert!(
            err.contains("sysctl, line 1") && err.contains("name = value"),
            "{err}"
        );
        let err = parse("net.core.somaxconn = 10\nnet.ipv4.tcp_tw_reuse = \n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("truncated"), "{err}");
    }

    #[test]
    fn a_failed_sysctl_is_reported_with_its_message() {
        let text =
            "sysctl: cannot stat /proc/sys/net/core/somaxcon: No such file or directory\n!failed\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(
            err.contains("reading sysctl") && err.contains("cannot stat"),
            "{err}"
        );
    }
}
