//! Running perf in the host helper (host pid namespace + SYS_ADMIN + SYSLOG) and
//! telling "perf could not sample" apart from "perf sampled, with warnings".
use std::time::Duration;

use super::error::FlameError;
use super::host::HostFacts;
use crate::engine::{EngineError, ExecOutput, Lab, ToolboxMode};

/// A software event: works in VMs without a PMU (most CI machines and laptops'
/// VMs), and samples by time, which is what a share of CPU time means.
pub const EVENT: &str = "cpu-clock";
/// Hz; odd so it does not beat with timer ticks (the habit of perf's docs).
pub const FREQUENCY: u32 = 999;
/// The line our helper script prints first, with the host's two settings that matter.
const FACTS_TAG: &str = "perflab-host-facts";

/// What the helper printed: `perf script` text on stdout, perf's remarks on stderr.
#[derive(Debug, Clone)]
pub struct PerfRun {
    pub script: String,
    pub facts: HostFacts,
    /// perf's own warnings (e.g. restricted kernel maps), for the user.
    pub warnings: Vec<String>,
}

/// The shell script run in the helper: record every CPU with call chains for
/// `seconds`, then print the samples with only the fields the fold needs
/// (pid/tid so threads map to their process; the dso names unresolved frames;
/// no time or period, to keep it small).
pub fn record_script(seconds: u32) -> String {
    format!(
        "{facts}; command -v perf >/dev/null || {{ echo 'perf: command not found in the helper image' >&2; exit 127; }}; \
         perf record -a -g -e {EVENT} -F {FREQUENCY} -o /tmp/perf.data -- sleep {seconds} >/tmp/record.log 2>&1 \
         || {{ cat /tmp/record.log >&2; exit 3; }}; cat /tmp/record.log >&2; \
         perf script -F comm,pid,tid,ip,sym,dso -i /tmp/perf.data 2>/tmp/script.log; rc=$?; cat /tmp/script.log >&2; exit $rc",
        facts = facts_script()
    )
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
    lab: &Lab,
    seconds: u32,
) -> Result<Result<PerfRun, (String, HostFacts)>, EngineError> {
    // perf script resolves symbols for every sample; on 2 cores that takes a while.
    let after = Duration::from_secs(u64::from(seconds) + 180);
    let out = match helper(lab, &record_script(seconds), after).await? {
        Ok(out) => out,
        Err(reason) => return Ok(Err((reason, HostFacts::default()))),
    };
    Ok(match judge(&out) {
        Ok((facts, warnings)) => Ok(PerfRun {
            script: out.stdout,
            facts,
            warnings,
        }),
        Err(reason) => Err((reason, parse_facts(&out.stderr))),
    })
}

/// `Ok` when a second of `perf record -a` works in the helper, else what failed
/// (`FlameError::PerfUnavailable`, with the host facts that explain it). For
/// `perflab doctor`.
pub async fn perf_available(lab: &Lab) -> Result<(), FlameError> {
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
    lab: &Lab,
    script: &str,
    after: Duration,
) -> Result<Result<ExecOutput, String>, EngineError> {
    match lab
        .toolbox(ToolboxMode::HostPid, &["sh", "-c", script], after)
        .await
    {
        Ok(out) => Ok(Ok(out)),
        Err(e @ (EngineError::Connect(_) | EngineError::Cancelled)) => Err(e),
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
        let s = record_script(7);
        assert!(s.contains("-- sleep 7 "), "{s}");
        assert!(s.contains("-F comm,pid,tid,ip,sym,dso"));
        assert!(s.contains("-e cpu-clock -F 999"));
    }
}
