//! The one shell script that reads every source inside the server, each behind a
//! `==> NAME <==` marker. It runs in one `docker exec` because the live view runs
//! it every second during load, so it ships neither the TIME_WAIT sockets (30k in
//! stage 5) nor the logs (500k lines in stage 4): the server counts them itself
//! (awk; for logs, bytes of complete lines only, starting from the previous
//! probe's offset when the file is the same).
use super::snapshot::Cursors;

pub const CONNTRACK_COUNT: &str = "/proc/sys/net/netfilter/nf_conntrack_count";
pub const CONNTRACK_MAX: &str = "/proc/sys/net/netfilter/nf_conntrack_max";
pub const CONNTRACK_STAT: &str = "/proc/net/stat/nf_conntrack";
pub const NETSTAT: &str = "/proc/net/netstat";
pub const SNMP: &str = "/proc/net/snmp";
/// Every TCP socket but those in TIME-WAIT, as `ss` prints them.
pub const SOCKETS: &str = "ss -Htan";
/// The TIME-WAIT sockets of the same listing, counted by which side has port 9000.
pub const TIME_WAIT: &str = "ss -Htan (TIME-WAIT counted by port)";
/// Every sysctl a lesson may name (`lessons::SYSCTLS`; a test on the real lab
/// checks that each is read).
pub const SYSCTL: &str =
    "sysctl net.core.somaxconn net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse \
     net.ipv4.tcp_max_syn_backlog net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_count";
pub const NETNS: &str = "readlink /proc/self/ns/net";
/// The logs at their standard paths (the lab's log volume is the server's /var/log).
pub const ACCESS_LOG: &str = "/var/log/nginx/access.log";
pub const ERROR_LOG: &str = "/var/log/nginx/error.log";
pub const PHPFPM_LOG: &str = "/var/log/php8.2-fpm.log";
/// The script's last line, so that output cut short is never taken for counts.
pub const END: &str = "end";
/// Appended by `collect` from the host helper, not by the script.
pub const DMESG: &str = "dmesg (on the host)";

/// The error-log patterns, each counted under its key.
pub const EADDRNOTAVAIL: (&str, &str) = ("eaddrnotavail", "(99: Cannot assign requested address)");
/// `ondemand` logs "max_children setting", `dynamic` "pm.max_children setting".
pub const MAX_CHILDREN: (&str, &str) = ("max_children", "max_children setting");

/// Shell functions shared by the script and the tests of the log counter.
pub const FUNCTIONS: &str = r#"export LC_ALL=C
mark() { printf '==> %s <==\n' "$1"; }
show() { mark "$1"; cat "$1" 2>&1 || echo '!failed'; }
# sockets MARKER: every TCP socket, but the TIME-WAIT ones (30k in stage 5) only
# counted by port side, behind MARKER. One listing, because every `ss` walks the
# kernel's host-wide socket hash, which other namespaces' sockets may fill.
sockets() { { ss -Htan 2>&1 || echo '!failed'; } | twsplit "$1"; }
twsplit() {
  awk -v tw="$1" '
    $1 == "TIME-WAIT" && NF >= 5 { l = $4; r = $5; sub(/.*:/, "", l); sub(/.*:/, "", r)
      if (l == "9000") n["local9000"]++; else if (r == "9000") n["remote9000"]++; else n["other"]++
      next }
    { print }
    END { print tw; print "remote9000", n["remote9000"] + 0
      print "local9000", n["local9000"] + 0; print "other", n["other"] + 0 }'
}
# logcount FILE INODE OFFSET KEY PATTERN: counts lines of FILE from OFFSET when
# FILE is still inode INODE and not shorter, else from 0. KEY "status" counts by
# the access log's status (third field from the end). A last line without its
# newline is being written: it is left for the next probe.
logcount() {
  mark "$1"
  if [ ! -e "$1" ]; then echo missing; return; fi
  st=$(stat -c '%i %s' "$1" 2>&1) || { printf '%s\n!failed\n' "$st"; return; }
  ino=${st% *}; size=${st#* }; from=0
  if [ "$ino" = "$2" ] && [ "$size" -ge "$3" ]; then from=$3; fi
  echo "inode $ino from $from size $size"
  tail -c +$((from + 1)) "$1" | head -c $((size - from)) | awk -v len=$((size - from)) -v key="$4" -v pat="$5" '
    { n = length($0) + 1; used += n
      if (key == "status") { k = (NF >= 3) ? $(NF - 2) : ""; if (k !~ /^[1-5][0-9][0-9]$/) k = "unparsed" }
      else k = index($0, pat) ? key : ""
      # php-fpm names the limit it hit, "setting (5)": counted apart, the warnings
      # of the old limit are told from those of the new one after a fix.
      if (k == "max_children" && match($0, /setting \([0-9]+\)/)) k = k "_" substr($0, RSTART + 9, RLENGTH - 10)
      if (k != "") c[k]++
      last = k; lastn = n }
    END { if (used > len) { used -= lastn; if (last != "") c[last]-- }
      print "counted", used + 0
      for (k in c) if (c[k] > 0) print k, c[k] }'
}
"#;

/// The script, continuing each log count from `cursors` where it can.
pub fn script(cursors: &Cursors) -> String {
    let mut s = String::from(FUNCTIONS);
    for file in [
        CONNTRACK_COUNT,
        CONNTRACK_MAX,
        CONNTRACK_STAT,
        NETSTAT,
        SNMP,
    ] {
        s.push_str(&format!("show {file}\n"));
    }
    let tw = super::sections::marker_line(TIME_WAIT);
    s.push_str(&format!("mark '{SOCKETS}'\nsockets '{tw}'\n"));
    for cmd in [SYSCTL, NETNS] {
        s.push_str(&format!("mark '{cmd}'\n{cmd} 2>&1 || echo '!failed'\n"));
    }
    let logs = [
        (ACCESS_LOG, &cursors.access, ("status", "")),
        (ERROR_LOG, &cursors.error, EADDRNOTAVAIL),
        (PHPFPM_LOG, &cursors.phpfpm, MAX_CHILDREN),
    ];
    for (file, mark, (key, pattern)) in logs {
        let (inode, offset) = mark.cursor.map(|c| (c.inode, c.offset)).unwrap_or((0, 0));
        s.push_str(&format!(
            "logcount {file} {inode} {offset} {key} '{pattern}'\n"
        ));
    }
    s.push_str(&format!("mark {END}\n"));
    s
}

#[cfg(test)]
mod tests {
    //! The log counter runs here with the local `sh` and `awk` (POSIX tools the
    //! server image has too), on log files written by the test.
    use super::*;
    use crate::probe::logs::{is_status_key, parse_log, LogCount};
    use crate::probe::sections::Sections;
    use std::io::Write;

    const ACCESS: &str = include_str!("../../tests/fixtures/probe/nginx-access.log");

    /// The output of `script` run by `sh`, which must succeed.
    fn sh(script: &str) -> String {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn count(path: &std::path::Path, inode: u64, offset: u64, key: &str, pat: &str) -> LogCount {
        let script = format!(
            "{FUNCTIONS}logcount {} {inode} {offset} {key} '{pat}'\n",
            path.display()
        );
        let raw = sh(&script);
        let s = Sections::split(&raw).unwrap();
        let name = path.display().to_string();
        parse_log(s.get(&name).unwrap(), |k| {
            is_status_key(k) || k == key || k.starts_with(key)
        })
        .unwrap()
    }

    /// A file path of its own for each test, removed when the test ends.
    struct Temp(std::path::PathBuf);

    impl Drop for Temp {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn temp(name: &str) -> Temp {
        let file = format!("perflab-probe-test-{}-{name}", std::process::id());
        Temp(std::env::temp_dir().join(file))
    }

    #[test]
    fn counts_statuses_then_only_new_complete_lines() {
        let tmp = temp("access.log");
        let path = tmp.0.clone();
        std::fs::write(&path, ACCESS).unwrap();
        let first = count(&path, 0, 0, "status", "");
        assert_eq!(first.from, 0);
        assert_eq!(first.counts.get("200"), Some(&6));
        assert_eq!(first.counts.get("502"), Some(&3));
        assert_eq!(first.counts.get("499"), Some(&2));
        assert_eq!(first.counts.get("504"), Some(&1));
        let cur = first.cursor.unwrap();
        assert_eq!(cur.offset, ACCESS.len() as u64);

        // A line being written (no newline yet) is left for the next probe.
        let line = "172.18.0.1 - - [26/Nov/2026:04:41:00 +0000] \"GET / HTTP/1.1\" 502 157 0.000\n";
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(&line.as_bytes()[..50]).unwrap();
        let second = count(&path, cur.inode, cur.offset, "status", "");
        assert_eq!(second.from, cur.offset);
        assert!(second.counts.is_empty(), "{:?}", second.counts);
        assert_eq!(second.cursor.unwrap().offset, cur.offset);

        f.write_all(&line.as_bytes()[50..]).unwrap();
        let third = count(&path, cur.inode, cur.offset, "status", "");
        assert_eq!(third.counts.get("502"), Some(&1));
        assert_eq!(third.counts.len(), 1);

        // Another file, or a shorter one, is counted from the start.
        let again = count(&path, cur.inode + 1, cur.offset, "status", "");
        assert_eq!((again.from, again.counts.get("502")), (0, Some(&4)));
        std::fs::write(&path, &ACCESS[..100]).unwrap();
        let shorter = count(&path, cur.inode, cur.offset, "status", "");
        assert_eq!(shorter.from, 0);
    }

    #[test]
    fn counts_pattern_lines_of_the_error_logs() {
        let nginx_tmp = temp("nginx-error.log");
        let nginx = nginx_tmp.0.clone();
        std::fs::write(
            &nginx,
            include_str!("../../tests/fixtures/probe/nginx-error.log"),
        )
        .unwrap();
        let c = count(&nginx, 0, 0, EADDRNOTAVAIL.0, EADDRNOTAVAIL.1);
        assert_eq!(c.counts.get("eaddrnotavail"), Some(&4));
        let php_tmp = temp("php-fpm.log");
        let php = php_tmp.0.clone();
        std::fs::write(&php, include_str!("../../tests/fixtures/probe/php-fpm.log")).unwrap();
        let c = count(&php, 0, 0, MAX_CHILDREN.0, MAX_CHILDREN.1);
        assert_eq!(c.counts.get("max_children_5"), Some(&3));
        assert_eq!(c.counts.get("max_children_20"), Some(&1));
        assert_eq!(c.counts.len(), 2);
    }

    #[test]
    fn time_wait_sockets_are_counted_by_port_side_and_the_rest_listed() {
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/probe/ss-Htan.txt"
        );
        let script = format!("{FUNCTIONS}twsplit '==> tw <==' < {fixture}\n");
        let raw = format!("==> ss <==\n{}", sh(&script));
        let s = Sections::split(&raw).unwrap();
        let tw = crate::probe::sockets::parse_time_wait(s.get("tw").unwrap()).unwrap();
        assert_eq!((tw.remote9000, tw.local9000, tw.other), (200, 0, 185));
        let listed = crate::probe::sockets::parse_ss(s.get("ss").unwrap()).unwrap();
        assert_eq!(listed.states.get("TIME-WAIT"), None);
        assert_eq!(listed.states.values().sum::<u64>(), 15);
        // A php-fpm-side TIME-WAIT (local :9000) and a failed ss pass through right.
        let text = "TIME-WAIT 0 0 127.0.0.1:9000 127.0.0.1:40000\nss: netlink failed\n!failed\n";
        let script = format!("{FUNCTIONS}printf '{text}' | twsplit '==> tw <=='\n");
        let raw = format!("==> ss <==\n{}", sh(&script));
        let s = Sections::split(&raw).unwrap();
        let tw = crate::probe::sockets::parse_time_wait(s.get("tw").unwrap()).unwrap();
        assert_eq!(tw.local9000, 1);
        let err = crate::probe::sockets::parse_ss(s.get("ss").unwrap()).unwrap_err();
        assert!(err.to_string().contains("netlink failed"), "{err}");
    }

    #[test]
    fn a_missing_log_counts_nothing() {
        let c = count(&temp("never-written.log").0, 0, 0, "status", "");
        assert_eq!(c, LogCount::default());
    }

    #[test]
    fn the_script_names_every_source_and_continues_from_cursors() {
        use crate::probe::snapshot::{Cursor, LogMark};
        let cursors = Cursors {
            access: LogMark {
                cursor: Some(Cursor {
                    inode: 5,
                    offset: 900,
                }),
                from: 0,
            },
            ..Default::default()
        };
        let s = script(&cursors);
        assert!(s.contains("logcount /var/log/nginx/access.log 5 900 status ''"));
        assert!(
            s.contains("logcount /var/log/php8.2-fpm.log 0 0 max_children 'max_children setting'")
        );
        for name in [CONNTRACK_STAT, NETSTAT, SOCKETS, TIME_WAIT, SYSCTL, NETNS] {
            assert!(s.contains(name), "{name}");
        }
    }
}
