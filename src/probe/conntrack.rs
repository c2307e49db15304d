//! The server namespace's conntrack table: its entry count and the global limit
//! (one number each in /proc/sys/net/netfilter), and the statistics table
//! /proc/net/stat/nf_conntrack: a header of column names, then one row of
//! hexadecimal counters per CPU (the same numbers `conntrack -S` prints).
use super::error::ProbeError;
use super::sections::Section;

/// The counters summed over every CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub drop: u64,
    pub insert_failed: u64,
}

pub fn parse_stat(sec: &Section) -> Result<Stat, ProbeError> {
    let lines = sec.ok_lines()?;
    let header: Vec<&str> = lines
        .first()
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    if header.first() != Some(&"entries") {
        return Err(sec.err(0, "expected the header line `entries ...`"));
    }
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| sec.err(0, format!("the header has no column {name:?}")))
    };
    let (drop_col, failed_col) = (column("drop")?, column("insert_failed")?);
    let mut stat = Stat {
        drop: 0,
        insert_failed: 0,
    };
    let mut rows = 0;
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split_whitespace().collect();
        if cells.len() != header.len() {
            return Err(sec.err(
                i,
                format!(
                    "a CPU row has {} columns, the header {} (truncated?)",
                    cells.len(),
                    header.len()
                ),
            ));
        }
        stat.drop += sec.number(i, "drop", cells[drop_col], 16)?;
        stat.insert_failed += sec.number(i, "insert_failed", cells[failed_col], 16)?;
        rows += 1;
    }
    if rows == 0 {
        return Err(sec.err(lines.len(), "the table has a header but no CPU rows"));
    }
    Ok(stat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    const STAT: &str = include_str!("../../tests/fixtures/probe/proc-net-stat-nf_conntrack.txt");

    fn with<T>(text: &str, f: impl Fn(&Section) -> Result<T, ProbeError>) -> Result<T, ProbeError> {
        let raw = format!("==> /proc/net/stat/nf_conntrack <==\n{text}");
        let s = Sections::split(&raw).unwrap();
        f(s.get("/proc/net/stat/nf_conntrack").unwrap())
    }

    #[test]
    fn sums_drops_and_insert_failures_over_cpus() {
        let stat = with(STAT, parse_stat).unwrap();
        // Captured with the namespace's table full, under load; `conntrack -S` said
        // drop=423 and drop=434 for the two CPUs at the same moment.
        assert_eq!(
            stat,
            Stat {
                drop: 857,
                insert_failed: 0
            }
        );
    }

    #[test]
    fn a_short_row_names_the_line() {
        let mut lines: Vec<&str> = STAT.lines().collect();
        let cut = &lines[2][..20];
        lines[2] = cut;
        let err = with(&lines.join("\n"), parse_stat).unwrap_err().to_string();
        assert!(
            err.contains("nf_conntrack, line 3") && err.contains("truncated"),
            "{err}"
        );
    }

    #[test]
    fn a_header_only_table_is_an_error() {
        let header = STAT.lines().next().unwrap();
        let err = with(header, parse_stat).unwrap_err().to_string();
        assert!(err.contains("no CPU rows"), "{err}");
    }

    #[test]
    fn a_non_hex_cell_is_named() {
        let text = "entries drop insert_failed\n0000000a zz 00000000\n";
        let err = with(text, parse_stat).unwrap_err().to_string();
        assert!(
            err.contains("line 2") && err.contains("drop is \"zz\""),
            "{err}"
        );
    }

    #[test]
    fn an_unknown_layout_is_an_error() {
        let err = with("cpu=0 found=0 drop=1\n", parse_stat)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1") && err.contains("entries"), "{err}");
    }
}
