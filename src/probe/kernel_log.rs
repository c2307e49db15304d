//! The kernel log's conntrack lines for the server's own namespace. Since Linux
//! 6.x the kernel names the namespace:
//! `nf_conntrack: nf_conntrack: table full in netns 4026532184, dropping packet`
//! (the prefix really is doubled), so lines of other labs and of the host are
//! told apart by the inode of the server's `/proc/self/ns/net`. The kernel
//! rate-limits the line, so it counts far fewer than the drop counter.
use super::error::ProbeError;
use super::sections::Section;

/// The inode of `readlink /proc/self/ns/net`: `net:[4026532184]`.
pub fn parse_netns(sec: &Section) -> Result<u64, ProbeError> {
    let lines = sec.ok_lines()?;
    let (i, line) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or_else(|| sec.err(0, "empty, expected `net:[INODE]`"))?;
    let inode = line
        .trim()
        .strip_prefix("net:[")
        .and_then(|r| r.strip_suffix(']'))
        .ok_or_else(|| sec.err(i, format!("expected `net:[INODE]`, found {line:?}")))?;
    sec.number(i, "the namespace inode", inode, 10)
}

/// Lines of the kernel log that say the table of namespace `inode` was full.
pub fn count_table_full(lines: &[&str], inode: u64) -> u64 {
    // The comma ends the number, so inode 40265321 does not match 402653218.
    let needle = format!("table full in netns {inode},");
    lines.iter().filter(|l| l.contains(&needle)).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    const DMESG: &str = include_str!("../../tests/fixtures/probe/dmesg.txt");
    const NETNS: &str = include_str!("../../tests/fixtures/probe/netns.txt");

    #[test]
    fn reads_the_captured_namespace() {
        let raw = format!("==> readlink <==\n{NETNS}");
        let s = Sections::split(&raw).unwrap();
        assert_eq!(parse_netns(s.get("readlink").unwrap()).unwrap(), 4026532184);
    }

    #[test]
    fn a_garbled_namespace_is_an_error() {
        for text in [
            "net:[4026532184\n",
            "mnt:[4026532184]\n",
            "net:[abc]\n",
            "\n",
        ] {
            let raw = format!("==> readlink <==\n{text}");
            let s = Sections::split(&raw).unwrap();
            let err = parse_netns(s.get("readlink").unwrap())
                .unwrap_err()
                .to_string();
            assert!(err.contains("readlink, line 1"), "{text:?}: {err}");
        }
    }

    #[test]
    fn counts_only_the_namespace_s_own_lines() {
        let lines: Vec<&str> = DMESG.lines().collect();
        // The capture: ten lines of the full table in one namespace among bridge noise.
        assert_eq!(count_table_full(&lines, 4026532184), 10);
        assert_eq!(count_table_full(&lines, 402653218), 0);
        assert_eq!(count_table_full(&lines, 4026531833), 0);
        let mut other = lines.clone();
        other.push(
            "[  912.1] nf_conntrack: nf_conntrack: table full in netns 4026532999, dropping packet",
        );
        other.push("[  912.2] nf_conntrack: nf_conntrack: table full in netns 40265321");
        assert_eq!(count_table_full(&other, 4026532184), 10);
        assert_eq!(count_table_full(&other, 4026532999), 1);
    }
}
