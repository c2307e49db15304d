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
    lines.iter().filter(|l| is_table_full(l, inode)).count() as u64
}

fn is_table_full(line: &str, inode: u64) -> bool {
    // The comma ends the number, so inode 40265321 does not match 402653218.
    line.contains(&format!("table full in netns {inode},"))
}

/// The kernel log is a ring: old lines fall out as new ones come, so a count of
/// lines in it is not a counter. Its timestamps are: this is where the log ends
/// and when each of the namespace's lines was written, in microseconds since
/// boot. `None` when a line has no `[seconds.micros]` stamp (printk.time=0).
pub fn stamps(lines: &[&str], inode: u64) -> Option<LogStamps> {
    let mut full_at = Vec::new();
    let mut end = 0;
    for line in lines.iter().filter(|l| !l.trim().is_empty()) {
        let at = stamp(line)?;
        end = end.max(at);
        if is_table_full(line, inode) {
            full_at.push(at);
        }
    }
    Some(LogStamps { end, full_at })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogStamps {
    /// The newest line's stamp.
    pub end: u64,
    /// The stamps of the namespace's table-full lines.
    pub full_at: Vec<u64>,
}

impl LogStamps {
    /// The table-full lines written after `earlier` was read.
    pub fn written_since(&self, earlier: &LogStamps) -> u64 {
        self.full_at.iter().filter(|&&at| at > earlier.end).count() as u64
    }
}

/// `[  912.123456] ...` -> 912123456.
fn stamp(line: &str) -> Option<u64> {
    let inner = line
        .trim_start()
        .strip_prefix('[')?
        .split_once(']')?
        .0
        .trim();
    let (secs, frac) = inner.split_once('.')?;
    if frac.is_empty() || frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let micros: u64 = format!("{frac:0<6}").parse().ok()?;
    Some(secs.parse::<u64>().ok()? * 1_000_000 + micros)
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

    #[test]
    fn stamps_read_where_the_log_ends_and_when_each_line_came() {
        let lines: Vec<&str> = DMESG.lines().collect();
        let s = stamps(&lines, 4026532184).unwrap();
        assert_eq!(s.full_at.len(), 10);
        assert!(s.full_at.iter().all(|&at| at <= s.end));
        assert_eq!(stamp("[  912.1] x"), Some(912_100_000));
        assert_eq!(stamp("[88356.354329] x"), Some(88_356_354_329));
        for bad in ["912.1 x", "[912] x", "[a.1] x", "[1.1234567] x", "[1.] x"] {
            assert_eq!(stamp(bad), None, "{bad}");
        }
        assert_eq!(stamps(&["no stamp here"], 1), None);
    }

    #[test]
    fn lines_that_fell_out_of_the_ring_do_not_count_as_new() {
        // CI saw this: the earlier read held the old lines; by the later read the ring
        // had dropped them, so the bare count fell from 400 to 364 and a counter
        // treated that as a reset and reported 364 new lines.
        let line = |at: &str| {
            format!("[{at}] nf_conntrack: nf_conntrack: table full in netns 7, dropping packet")
        };
        let old: Vec<String> = (100..500).map(|i| line(&format!("{i}.000001"))).collect();
        let earlier_lines: Vec<&str> = old.iter().map(String::as_str).collect();
        let earlier = stamps(&earlier_lines, 7).unwrap();
        let later_lines: Vec<&str> = earlier_lines[36..]
            .iter()
            .copied()
            .chain(["[600.000000] veth0: renamed from eth0"])
            .collect();
        let later = stamps(&later_lines, 7).unwrap();
        assert_eq!(later.written_since(&earlier), 0);
        let newer = line("601.5");
        let mut with_new = later_lines.clone();
        with_new.push(&newer);
        assert_eq!(stamps(&with_new, 7).unwrap().written_since(&earlier), 1);
    }
}
