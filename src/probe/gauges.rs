//! The live view's gauges: the few numbers the line under the load's view shows,
//! read once a second by one long-lived shell loop inside the server.
//!
//! A full probe costs a `docker exec` (a runc spawn), an `ss` listing that walks
//! the kernel's host-wide socket table and a few processes counting log lines:
//! 0.1-0.3 s of CPU a second, which measurably cut the goodput it was watching.
//! The loop is started once per run and starts no process per frame: bash reads
//! the conntrack count, limit and statistics, the TIME_WAIT count of
//! /proc/net/sockstat (per namespace) and /proc/net/netstat, and waits the second
//! in `read -t`. The 5xx rate comes from the load generator, which sees every
//! response the access log would count. Each frame ends with the `end` marker.
use std::collections::BTreeMap;

use super::conntrack::parse_stat;
use super::error::ProbeError;
use super::netstat::parse_tcpext;
use super::script::{CONNTRACK_COUNT, CONNTRACK_MAX, CONNTRACK_STAT, END, NETSTAT};
use super::sections::{marker_line, Section, Sections};
use super::snapshot::Snapshot;

pub const SOCKSTAT: &str = "/proc/net/sockstat";

/// What the live line shows, as read at one moment. Counters are absolute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gauges {
    pub conntrack_count: u64,
    pub conntrack_max: u64,
    pub conntrack_drops: u64,
    pub time_wait: u64,
    /// TIME_WAIT on nginx's ephemeral side: only a full probe splits it.
    pub time_wait_ephemeral: Option<u64>,
    pub listen_overflows: u64,
    /// nginx's responses by status: only a full probe counts the access log.
    pub status_counts: Option<BTreeMap<String, u64>>,
}

impl From<&Snapshot> for Gauges {
    fn from(s: &Snapshot) -> Gauges {
        Gauges {
            conntrack_count: s.conntrack.count,
            conntrack_max: s.conntrack.max,
            conntrack_drops: s.conntrack.drops,
            time_wait: s.tcp.time_wait,
            time_wait_ephemeral: Some(s.tcp.time_wait_ephemeral),
            listen_overflows: s.tcp.listen_overflows,
            status_counts: Some(s.nginx.status_counts.clone()),
        }
    }
}

/// Two readings `secs` apart: the gauges as they are, and the counters that
/// signal each stage as per-second rates over the interval.
#[derive(Debug, Clone, PartialEq)]
pub struct GaugeRates {
    pub conntrack_count: u64,
    pub conntrack_max: u64,
    pub drops_per_s: f64,
    pub time_wait: u64,
    /// TIME_WAIT on nginx's ephemeral side, when a full probe split it.
    pub time_wait_ephemeral: Option<u64>,
    pub overflows_per_s: f64,
    /// 5xx and 2xx responses a second, when a full probe counted the access log.
    pub responses_per_s: Option<(f64, f64)>,
}

impl GaugeRates {
    /// A zero or unknown interval counts as one second.
    pub fn between(prev: &Gauges, cur: &Gauges, secs: f64) -> GaugeRates {
        let secs = if secs.is_finite() && secs > 0.0 {
            secs
        } else {
            1.0
        };
        let rate = |n: u64| (n as f64 / secs).round();
        let per_s = |of: fn(&Gauges) -> u64| rate(of(cur).saturating_sub(of(prev)));
        let responses_per_s = match (&prev.status_counts, &cur.status_counts) {
            (Some(p), Some(c)) => {
                let per_s =
                    |class| rate(class_total(c, class).saturating_sub(class_total(p, class)));
                Some((per_s('5'), per_s('2')))
            }
            _ => None,
        };
        GaugeRates {
            conntrack_count: cur.conntrack_count,
            conntrack_max: cur.conntrack_max,
            drops_per_s: per_s(|g| g.conntrack_drops),
            time_wait: cur.time_wait,
            time_wait_ephemeral: cur.time_wait_ephemeral,
            overflows_per_s: per_s(|g| g.listen_overflows),
            responses_per_s,
        }
    }
}

/// Responses whose status starts with `class` ('2', '5').
fn class_total(counts: &BTreeMap<String, u64>, class: char) -> u64 {
    counts
        .iter()
        .filter(|(code, _)| code.starts_with(class))
        .map(|(_, n)| n)
        .sum()
}

/// The loop: `seconds` frames, one a second, for bash. It ends by itself, or
/// when killed (Docker keeps reading its output after perflab stops).
pub fn script(seconds: u64) -> String {
    let end = marker_line(END);
    format!(
        r#"export LC_ALL=C
# Each file in one pass to its end: `read` line by line seeks back after every
# line, and a /proc file read again at an offset is made anew, so a counter that
# grew a digit meanwhile tears the line there.
show() {{ printf '==> %s <==\n' "$1"; t=; if [ -r "$1" ]; then IFS= read -r -d '' t < "$1"; printf '%s' "$t"; else echo '!failed'; fi; }}
# A pipe nobody writes to: `read -t 1` on it is a sleep without a process.
exec {{tick}}<> <(:)
for ((n = 0; n < {seconds}; n++)); do
  show {CONNTRACK_COUNT}; show {CONNTRACK_MAX}; show {CONNTRACK_STAT}
  show {SOCKSTAT}; show {NETSTAT}
  printf '%s\n' '{end}' || exit 0
  read -t 1 -u "$tick" || :
done
"#
    )
}

/// Splits complete frames off the front of `buf`, leaving a partial one.
pub fn take_frames(buf: &mut String) -> Vec<String> {
    let end = format!("{}\n", marker_line(END));
    let mut frames = Vec::new();
    while let Some(i) = buf.find(&end) {
        let rest = buf.split_off(i + end.len());
        frames.push(std::mem::replace(buf, rest));
    }
    frames
}

/// One frame of the loop.
pub fn parse_frame(frame: &str) -> Result<Gauges, ProbeError> {
    let s = Sections::split(frame)?;
    let stat = parse_stat(s.get(CONNTRACK_STAT)?)?;
    let netstat = parse_tcpext(s.get(NETSTAT)?)?;
    Ok(Gauges {
        conntrack_count: s.get(CONNTRACK_COUNT)?.single()?,
        conntrack_max: s.get(CONNTRACK_MAX)?.single()?,
        conntrack_drops: stat.drop,
        time_wait: parse_sockstat_tw(s.get(SOCKSTAT)?)?,
        time_wait_ephemeral: None,
        listen_overflows: netstat.listen_overflows,
        status_counts: None,
    })
}

/// `TCP: inuse 5 orphan 0 tw 12 alloc 7 mem 1`: the namespace's TIME_WAIT count.
pub fn parse_sockstat_tw(sec: &Section) -> Result<u64, ProbeError> {
    let lines = sec.ok_lines()?;
    let (i, line) = lines
        .iter()
        .enumerate()
        .find(|(_, l)| l.starts_with("TCP:"))
        .ok_or_else(|| sec.err(0, "no `TCP:` line"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| *w == "tw")
        .ok_or_else(|| sec.err(i, format!("the `TCP:` line has no `tw`: {line:?}")))?;
    let value = words
        .get(at + 1)
        .ok_or_else(|| sec.err(i, "`tw` has no value (truncated?)"))?;
    sec.number(i, "the TIME_WAIT count", value, 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOCKSTAT_TEXT: &str =
        "sockets: used 9\nTCP: inuse 5 orphan 0 tw 28231 alloc 7 mem 1\nUDP: inuse 0 mem 0\n";

    fn section(name: &str, body: &str) -> String {
        format!("{}\n{body}", marker_line(name))
    }

    #[test]
    fn reads_time_wait_from_sockstat_or_names_the_line() {
        let raw = section(SOCKSTAT, SOCKSTAT_TEXT);
        let s = Sections::split(&raw).unwrap();
        assert_eq!(parse_sockstat_tw(s.get(SOCKSTAT).unwrap()).unwrap(), 28231);
        for (body, says) in [
            ("sockets: used 9\n", "no `TCP:` line"),
            ("TCP: inuse 5 orphan 0\n", "has no `tw`"),
            ("TCP: inuse 5 orphan 0 tw\n", "truncated"),
            ("TCP: inuse 5 orphan 0 tw x1\n", "TIME_WAIT count"),
        ] {
            let raw = section(SOCKSTAT, body);
            let s = Sections::split(&raw).unwrap();
            let err = parse_sockstat_tw(s.get(SOCKSTAT).unwrap())
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(says) && err.contains(SOCKSTAT),
                "{body:?}: {err}"
            );
        }
    }

    #[test]
    fn frames_split_at_the_end_marker_and_keep_the_partial_one() {
        let end = marker_line(END);
        let mut buf = format!("a\n{end}\nb\n{end}\nc");
        let frames = take_frames(&mut buf);
        assert_eq!(frames, vec![format!("a\n{end}\n"), format!("b\n{end}\n")]);
        assert_eq!(buf, "c");
        buf.push_str(&format!("\n{end}\n"));
        assert_eq!(take_frames(&mut buf), vec![format!("c\n{end}\n")]);
        assert!(buf.is_empty());
    }

    /// The loop runs here with the local bash: /proc of this machine stands in
    /// for the server's (the same kernel files). It makes its frames a second
    /// apart, every one complete, and ends by itself.
    #[test]
    fn the_loop_prints_a_complete_frame_a_second_and_ends() {
        if !std::path::Path::new(CONNTRACK_COUNT).exists() {
            // No conntrack module loaded on this host: load it the way the lab does.
            // If modprobe fails, the frames below fail and say which file is missing.
            let _ = std::process::Command::new("modprobe")
                .arg("nf_conntrack")
                .status();
        }
        let started = std::time::Instant::now();
        let out = std::process::Command::new("bash")
            .args(["-c", &script(3)])
            .output()
            .unwrap();
        let took = started.elapsed();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            (std::time::Duration::from_millis(2900)..std::time::Duration::from_secs(6))
                .contains(&took),
            "three frames a second apart took {took:?}"
        );
        let mut buf = String::from_utf8(out.stdout).unwrap();
        let frames = take_frames(&mut buf);
        assert_eq!(frames.len(), 3, "{buf}");
        assert!(buf.is_empty(), "left over: {buf:?}");
        for frame in &frames {
            let g = parse_frame(frame).unwrap_or_else(|e| panic!("{e}\n{frame}"));
            assert!(g.conntrack_max > 0, "{frame}");
            assert_eq!(g.status_counts, None);
        }
    }
}
