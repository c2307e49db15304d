//! Log counts made inside the server. The logs reach 500k lines at stage 4, so
//! the server counts them itself (see `script`) and prints a small summary:
//!
//! ```text
//! inode 1234 from 0 size 40000   the file, and the byte range counted
//! counted 39990                  bytes of complete lines counted
//! 200 500                        one line a key: a status code, or a pattern's name
//! ```
//!
//! or `missing` when the file does not exist yet. A probe that starts `from` a
//! previous probe's cursor counts only the new lines.
use std::collections::BTreeMap;

use super::error::ProbeError;
use super::sections::Section;
use super::snapshot::Cursor;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogCount {
    /// None when the file is missing.
    pub cursor: Option<Cursor>,
    /// The offset the count started at: 0 for the whole file.
    pub from: u64,
    pub counts: BTreeMap<String, u64>,
}

/// Parses a count section; every key must pass `key_ok`.
pub fn parse_log(sec: &Section, key_ok: impl Fn(&str) -> bool) -> Result<LogCount, ProbeError> {
    let lines: Vec<(usize, &str)> = sec
        .ok_lines()?
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(i, head)) = lines.first() else {
        return Err(sec.err(
            0,
            "the count is empty, expected `inode N from N size N` or `missing`",
        ));
    };
    if head.trim() == "missing" {
        return Ok(LogCount::default());
    }
    let words: Vec<&str> = head.split_whitespace().collect();
    let ["inode", inode, "from", from, "size", size] = words[..] else {
        return Err(sec.err(
            i,
            format!("expected `inode N from N size N`, found {head:?}"),
        ));
    };
    let inode = sec.number(i, "the inode", inode, 10)?;
    let from = sec.number(i, "the start offset", from, 10)?;
    let size = sec.number(i, "the size", size, 10)?;
    if from > size {
        return Err(sec.err(
            i,
            format!("the count starts at {from}, after the end of the file ({size})"),
        ));
    }
    let Some(&(j, counted)) = lines.get(1) else {
        return Err(sec.err(i + 1, "no `counted N` line (truncated?)"));
    };
    let counted = match counted.split_whitespace().collect::<Vec<_>>()[..] {
        ["counted", n] => sec.number(j, "the counted bytes", n, 10)?,
        _ => return Err(sec.err(j, format!("expected `counted N`, found {counted:?}"))),
    };
    if from + counted > size {
        return Err(sec.err(
            j,
            format!("counted {counted} bytes from {from}, past the end of the file ({size})"),
        ));
    }
    let mut counts = BTreeMap::new();
    for &(k, line) in &lines[2..] {
        let (key, n) = match line.split_whitespace().collect::<Vec<_>>()[..] {
            [key, n] => (key, sec.number(k, &format!("the count of {key}"), n, 10)?),
            _ => return Err(sec.err(k, format!("expected `KEY COUNT`, found {line:?}"))),
        };
        if !key_ok(key) {
            return Err(sec.err(k, format!("unexpected key {key:?}")));
        }
        *counts.entry(key.to_string()).or_default() += n;
    }
    Ok(LogCount {
        cursor: Some(Cursor {
            inode,
            offset: from + counted,
        }),
        from,
        counts,
    })
}

/// An HTTP status code as the access log prints it, or `unparsed` for a line
/// whose third field from the end is not one.
pub fn is_status_key(key: &str) -> bool {
    key == "unparsed"
        || (key.len() == 3
            && key.bytes().all(|b| b.is_ascii_digit())
            && (b'1'..=b'5').contains(&key.as_bytes()[0]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::sections::Sections;

    fn parse(text: &str, key_ok: impl Fn(&str) -> bool) -> Result<LogCount, ProbeError> {
        let raw = format!("==> /var/log/nginx/access.log <==\n{text}");
        let s = Sections::split(&raw).unwrap();
        parse_log(s.get("/var/log/nginx/access.log").unwrap(), key_ok)
    }

    #[test]
    fn reads_counts_and_the_cursor() {
        let c = parse(
            "inode 77 from 100 size 5000\ncounted 4800\n200 40\n502 7\nunparsed 1\n",
            is_status_key,
        )
        .unwrap();
        assert_eq!(
            c.cursor,
            Some(Cursor {
                inode: 77,
                offset: 4900
            })
        );
        assert_eq!(c.from, 100);
        assert_eq!(c.counts["200"], 40);
        assert_eq!(c.counts["502"], 7);
        assert_eq!(c.counts["unparsed"], 1);
    }

    #[test]
    fn a_missing_file_counts_nothing() {
        assert_eq!(
            parse("missing\n", is_status_key).unwrap(),
            LogCount::default()
        );
    }

    #[test]
    fn truncated_and_garbled_counts_are_errors() {
        let err = parse("inode 77 from 0 size 5000\n", is_status_key)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("/var/log/nginx/access.log, line 2") && err.contains("truncated"),
            "{err}"
        );
        let err = parse("inode 77 from 0\n", is_status_key)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = parse("inode 77 from 0 size 50\ncounted 60\n", is_status_key)
            .unwrap_err()
            .to_string();
        assert!(err.contains("past the end"), "{err}");
        let err = parse("inode 7 from 0 size 50\ncounted 40\n200\n", is_status_key)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3") && err.contains("KEY COUNT"), "{err}");
        let err = parse(
            "inode 7 from 0 size 50\ncounted 40\n2000 1\n",
            is_status_key,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unexpected key \"2000\""), "{err}");
        let err = parse("", is_status_key).unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
    }

    #[test]
    fn status_keys() {
        for ok in ["200", "499", "502", "unparsed", "101"] {
            assert!(is_status_key(ok), "{ok}");
        }
        for bad in ["20", "2000", "600", "abc", "-"] {
            assert!(!is_status_key(bad), "{bad}");
        }
    }
}
