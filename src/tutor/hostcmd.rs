//! Which lines typed at the lab prompt run in perflab's host helper rather than
//! in the server. The kernel log belongs to the host, so `dmesg` must run there;
//! but the helper shares the host's process namespace with SYS_ADMIN, where an
//! arbitrary shell line could reach the host itself. So only `dmesg` alone or
//! piped into a few filters goes there, with no shell syntax that could start
//! anything else; every other line runs inside the server container, whatever
//! it is (that is the lab's to break).
use crate::lessons::{Evidence, Place};

/// Filters a kernel-log line may be piped into.
const FILTERS: &[&str] = &["tail", "head", "grep", "egrep", "wc", "sort", "uniq"];

/// Characters that would let a line run more than the filters above:
/// sequencing, substitution, redirection, subshells, escapes.
const SHELL: &[char] = &[';', '&', '$', '`', '>', '<', '(', ')', '\\', '\n', '\r'];

/// Options of dmesg that never end (follow the log): refused, as the helper
/// would wait for its deadline.
const FOLLOW: &[&str] = &["-w", "--follow", "-W", "--follow-new"];

/// Whether `line` is a kernel-log read that may run in the host helper.
pub fn is_kernel_log_read(line: &str) -> bool {
    if line.contains(SHELL) {
        return false;
    }
    let mut segments = line.split('|').map(str::trim);
    let first: Vec<&str> = segments.next().unwrap_or("").split_whitespace().collect();
    if first.first() != Some(&"dmesg") || first.iter().any(|w| FOLLOW.contains(w)) {
        return false;
    }
    segments.all(|seg| {
        seg.split_whitespace()
            .next()
            .is_some_and(|cmd| FILTERS.contains(&cmd))
    })
}

/// Where a typed line runs: the host helper for a kernel-log read or a line that
/// is exactly a host evidence's command (the lessons are trusted), else the server.
pub fn place(line: &str, evidence: &[Evidence]) -> Place {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let is_host_evidence = evidence
        .iter()
        .any(|e| e.runs_in == Place::Host && norm(&e.command) == norm(line));
    match is_host_evidence || is_kernel_log_read(line) {
        true => Place::Host,
        false => Place::Server,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_log_reads_go_to_the_host_and_nothing_else_does() {
        for ok in [
            "dmesg",
            "dmesg | tail",
            "dmesg -T | grep 'table full' | tail -n 3",
            "dmesg | grep -c conntrack",
        ] {
            assert!(is_kernel_log_read(ok), "{ok}");
        }
        for no in [
            "dmesg; cat /etc/shadow",
            "dmesg && nsenter -t 1 -m sh",
            "dmesg | sh",
            "dmesg | tail $(id)",
            "dmesg > /tmp/x",
            "dmesg -w",
            "dmesg | xargs rm",
            "ss -s",
            "cat /proc/kmsg | dmesg",
            "dmesg | grep x `id`",
        ] {
            assert!(!is_kernel_log_read(no), "{no}");
        }
        assert_eq!(place("ss -ltn", &[]), Place::Server);
        assert_eq!(place("dmesg | tail", &[]), Place::Host);
    }
}
