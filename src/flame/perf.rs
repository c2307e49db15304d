//! Running perf in the host helper (host pid namespace + SYS_ADMIN + SYSLOG) and
//! telling "perf could not sample" apart from "perf sampled, with warnings".
use std::time::Duration;

use super::error::FlameError;
use super::host::HostFacts;
use crate::engine::{Engine, EngineError, ExecOutput, ToolboxMode};

/// A software event: works in VMs without a PMU (most CI machines and laptops'
/// VMs), and samples by time, which is what a share of CPU time means.
pub const EVENT: &str = "cpu-clock";
/// Hz; odd so it does not beat with timer ticks (the habit of perf's docs).
pub const FREQUENCY: u32 = 999;
/// The line our helper script prints first, with the host's two settings that matter.
const FACTS_TAG: &str = "perflab-host-facts";

/// The options of the `perf report` kept after a recording: the entries with at
/// least 2% of the samples and their call chains down to 2% (the whole report
/// of a 5 s recording is ~20 000 lines).
pub const REPORT_OPTIONS: &str = "--stdio --percent-limit 2 -g graph,2";
/// The line between `perf script`'s text and `perf report`'s on the helper's stdout.
const REPORT_TAG: &str = "==> perflab: perf report <==";

/// What the helper printed: `perf script` text on stdout, perf's remarks on stderr.
#[derive(Debug, Clone)]
pub struct PerfRun {
    pub script: String,
    /// `perf report` text of the same recording, when asked for.
    pub report: Option<String>,
    pub facts: HostFacts,
    /// perf's own warnings (e.g. restricted kernel maps), for the user.
    pub warnings: Vec<String>,
}

/// The shell script run in the helper: record every CPU with call chains for
/// `seconds`, then print the samples with only the fields the fold needs
/// (pid/tid so threads map to their process; the dso names unresolved frames;
/// no time or period, to keep it small). With `report`, `perf report` of the
/// same data follows, after [`REPORT_TAG`].
pub fn record_script(seconds: u32, report: bool) -> String {
    let report = match report {
        true => format!(
            "; [ $rc -eq 0 ] || exit $rc; echo '{REPORT_TAG}'; \
             perf report {REPORT_OPTIONS} -i /tmp/perf.data 2>/tmp/report.log; rc=$?; cat /tmp/report.log >&2"
        ),
        false => String::new(),
    };
    format!(
        "{facts}; command -v perf >/dev/null || {{ echo 'perf: command not found in the helper image' >&2; exit 127; }}; \
         perf record -a -g -e {EVENT} -F {FREQUENCY} -o /tmp/perf.data -- sleep {seconds} >/tmp/record.log 2>&1 \
         || {{ cat /tmp/record.log >&2; exit 3; }}; cat /tmp/record.log >&2; \
         perf script -F comm,pid,tid,ip,sym,dso -i /tmp/perf.data 2>/tmp/script.log; rc=$?; cat /tmp/script.log >&2{report}; exit $rc",
        facts = facts_script()
    )
}

/// `perf script`'s text and, after [`REPORT_TAG`], `perf report`'s.
fn split_report(stdout: String) -> (String, Option<String>) {
    let tag = format!("\n{REPORT_TAG}\n");
    match stdout.find(&tag) {
        Some(i) => (
            stdout[..i + 1].to_string(),
            Some(stdout[i + tag.len()..].to_string()),
        ),
        None if stdout.starts_with(&tag[1..]) => {
            (String::new(), Some(stdout[tag.len() - 1..].to_string()))
        }
        None => (stdout, None),
    }
}

/// One second of `perf record -a`: can perf sample here at all?
pub fn probe_script() -> String {
    format!(
        "{facts}; command -v perf >/dev/null || {{ echo 'perf: command not found in the helper image' >&2; exit 127; }}; \
         perf record -a -e {EVENT} -o /tmp/perf.data -- sleep 1 >/dev/null",
        facts = facts_script()
    )
}

fn facts_script() -> String {
    format!(
        "echo \"{FACTS_TAG} $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo ?) $(cat /proc/sys/kernel/kptr_restrict 2>/dev/null || echo ?)\" >&2"
    )
}

/// Runs [`record_script`] in the helper. `Err(reason)` when perf could not
/// sample; Docker being unreachable stays an engine error.
pub async fn run_record(
    lab: &Engine,
    seconds: u32,
    report: bool,
) -> Result<Result<PerfRun, (String, HostFacts)>, EngineError> {
    // perf script resolves symbols for every sample; on 2 cores that takes a while.
    let after = Duration::from_secs(u64::from(seconds) + 180);
    let out = match helper(lab, &record_script(seconds, report), after).await? {
        Ok(out) => out,
        Err(reason) => return Ok(Err((reason, HostFacts::default()))),
    };
    Ok(match judge(&out) {
        Ok((facts, warnings)) => {
            let (script, report) = split_report(out.stdout);
            Ok(PerfRun {
                script,
                report,
                facts,
                warnings,
            })
        }
        Err(reason) => Err((reason, parse_facts(&out.stderr))),
    })
}

/// `Ok` when a second of `perf record -a` works in the helper, else what failed
/// (`FlameError::PerfUnavailable`, with the host facts that explain it). For
/// `perflab doctor`.
pub async fn perf_available(lab: &Engine) -> Result<(), FlameError> {
    let out = match helper(lab, &probe_script(), Duration::from_secs(60)).await? {
        Ok(out) => out,
        Err(reason) => {
            return Err(FlameError::PerfUnavailable {
                reason,
                facts: HostFacts::default(),
            })
        }
    };
    judge(&out)
        .map(|_| ())
        .map_err(|reason| FlameError::PerfUnavailable {
            reason,
            facts: parse_facts(&out.stderr),
        })
}

/// The helper's output; a helper that could not be made or started means perf
/// is unavailable (`Ok(Err)`), not that Docker is down.
async fn helper(
    lab: &Engine,
    script: &str,
    after: Duration,
) -> Result<Result<ExecOutput, String>, EngineError> {
    match lab
        .toolbox(ToolboxMode::HostPid, &["sh", "-c", script], after)
        .await
    {
        Ok(out) => Ok(Ok(out)),
        Err(e @ (EngineError::Connect { .. } | EngineError::Cancelled)) => Err(e),
        Err(e) => Ok(Err(format!("the host helper failed: {e}"))),
    }
}

/// Whether perf sampled: a zero exit and no permission complaint. Returns the
/// host facts and perf's warnings, or the reason in perf's own words.
pub fn judge(out: &ExecOutput) -> Result<(HostFacts, Vec<String>), String> {
    let facts = parse_facts(&out.stderr);
    let remarks: Vec<&str> = out
        .stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(FACTS_TAG) && !l.starts_with("[ perf record:"))
        .collect();
    let denied = remarks.iter().any(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("not permitted")
            || l.contains("no permission")
            || l.contains("permission denied")
            || l.contains("operations is limited")
    });
    if out.code != 0 || denied {
        // perf's own summary follows "Error:"; otherwise its first complaints.
        let said = match remarks.iter().position(|l| *l == "Error:") {
            Some(i) => remarks[i + 1..].iter().take(2).copied().collect::<Vec<_>>(),
            None => remarks.iter().take(3).copied().collect(),
        }
        .join(" ");
        return Err(if said.is_empty() {
            format!("perf exited with code {}", out.code)
        } else {
            format!("perf exited with code {}: {said}", out.code)
        });
    }
    let warnings = remarks
        .iter()
        .filter(|l| l.to_ascii_lowercase().contains("warning") || l.contains("restricted"))
        .map(|l| l.to_string())
        .collect();
    Ok((facts, warnings))
}

fn parse_facts(stderr: &str) -> HostFacts {
    let Some(line) = stderr.lines().find(|l| l.starts_with(FACTS_TAG)) else {
        return HostFacts::default();
    };
    let mut values = line[FACTS_TAG.len()..]
        .split_whitespace()
        .map(|v| v.parse().ok());
    HostFacts {
        perf_event_paranoid: values.next().flatten(),
        kptr_restrict: values.next().flatten(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(code: i64, stderr: &str) -> ExecOutput {
        ExecOutput {
            stdout: String::new(),
            stderr: stderr.into(),
            code,
        }
    }

    #[test]
    fn a_clean_run_passes_with_its_facts() {
        let o = out(
            0,
            "perflab-host-facts 2 0\n[ perf record: Woken up 1 times to write data ]\n",
        );
        let (facts, warnings) = judge(&o).unwrap();
        assert_eq!(facts.perf_event_paranoid, Some(2));
        assert_eq!(facts.kptr_restrict, Some(0));
        assert!(warnings.is_empty());
    }

    #[test]
    fn permission_complaints_fail_even_with_exit_zero() {
        // What perf 6.1 prints in a helper without SYS_ADMIN (exit code 255).
        let denied = "perflab-host-facts 2 0\n\
            perf_event_open(..., PERF_FLAG_FD_CLOEXEC) failed with unexpected error 1 (Operation not permitted)\n\
            perf_event_open(..., 0) failed unexpectedly with error 1 (Operation not permitted)\n\
            Error:\nNo permission to enable cpu-clock event.\n\n";
        let reason = judge(&out(255, denied)).unwrap_err();
        assert_eq!(
            reason,
            "perf exited with code 255: No permission to enable cpu-clock event."
        );
        let o = out(
            0,
            "perflab-host-facts 4 2\nError:\nNo permission to enable cpu-clock event.\n",
        );
        assert!(judge(&o).unwrap_err().contains("No permission"));
        let o = out(3, "perflab-host-facts ? ?\nperf_event_open(..., PERF_FLAG_FD_CLOEXEC) failed with unexpected error 1 (Operation not permitted)\n");
        assert!(judge(&o).unwrap_err().contains("Operation not permitted"));
        let o = out(
            127,
            "perflab-host-facts 2 0\nperf: command not found in the helper image\n",
        );
        assert!(judge(&o).unwrap_err().contains("command not found"));
        assert!(judge(&out(1, "")).unwrap_err().contains("code 1"));
    }

    #[test]
    fn restricted_kernel_maps_are_a_warning_not_a_failure() {
        let o = out(0, "perflab-host-facts 2 2\nWARNING: Kernel address maps (/proc/{kallsyms,modules}) are restricted,\n");
        let (facts, warnings) = judge(&o).unwrap();
        assert_eq!(facts.kptr_restrict, Some(2));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn the_script_records_for_the_asked_seconds_with_pids() {
        let s = record_script(7, false);
        assert!(s.contains("-- sleep 7 "), "{s}");
        assert!(s.contains("-F comm,pid,tid,ip,sym,dso"));
        assert!(s.contains("-e cpu-clock -F 999"));
        assert!(!s.contains("perf report"));
        let s = record_script(7, true);
        assert!(s.contains(&format!("perf report {REPORT_OPTIONS} -i /tmp/perf.data")));
    }

    #[test]
    fn the_report_is_split_from_the_samples_at_its_tag() {
        let out = format!("nginx 1/1 ffff sym ([kernel])\n{REPORT_TAG}\n# Samples: 9K\n");
        let (script, report) = split_report(out);
        assert_eq!(script, "nginx 1/1 ffff sym ([kernel])\n");
        assert_eq!(report.as_deref(), Some("# Samples: 9K\n"));
        let (script, report) = split_report(format!("{REPORT_TAG}\n# r\n"));
        assert_eq!((script.as_str(), report.as_deref()), ("", Some("# r\n")));
        let (script, report) = split_report("a\nb\n".into());
        assert_eq!((script.as_str(), report), ("a\nb\n", None));
    }
}
