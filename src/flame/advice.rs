//! What to tell a learner whose host does not let perf sample the kernel: what
//! perf needs, and the evidence of the same fault that needs no perf.
use super::host::HostFacts;

/// The same diagnosis without perf: where TIME_WAIT sits, and what connect() costs.
pub const WITHOUT_PERF: &[&str] = &[
    "the same fault shows without perf:",
    "  `perflab probe` shows the TIME_WAIT split: on nginx's own ports (nginx closed first) or on php-fpm's :9000",
    "  `perflab load` shows connect latency, connect timeouts and the tail latency they cause",
];

/// What perf needs, each with the value seen on this host when the helper read it.
pub fn needs(facts: &HostFacts) -> Vec<String> {
    let seen =
        |v: Option<i32>| v.map_or_else(|| "unknown here".to_string(), |v| format!("now {v}"));
    vec![
        "perf runs in a helper container with the host's pid namespace and the SYS_ADMIN and SYSLOG \
         capabilities; the Docker Engine must allow them (a rootless or locked-down engine may not)"
            .to_string(),
        format!(
            "kernel.perf_event_paranoid ({}): with SYS_ADMIN any value works; where that capability \
             does not reach the host's kernel, -1 is needed (`sudo sysctl kernel.perf_event_paranoid=-1`)",
            seen(facts.perf_event_paranoid)
        ),
        format!(
            "kernel.kptr_restrict ({}): 0 or 1 to see kernel function names (`sudo sysctl kernel.kptr_restrict=1`)",
            seen(facts.kptr_restrict)
        ),
    ]
}

/// The whole message for `perflab doctor` and the tutor: reason, needs, fallback.
pub fn unavailable(reason: &str, facts: &HostFacts) -> String {
    let mut lines = vec![format!("perf cannot sample the host's kernel: {reason}")];
    lines.extend(needs(facts).into_iter().map(|n| format!("needed: {n}")));
    lines.extend(WITHOUT_PERF.iter().map(|s| s.to_string()));
    lines.join("\n")
}

/// Said when perf sampled but the kernel frames have no names.
pub fn hidden_kernel_symbols(facts: &HostFacts) -> String {
    let now = facts
        .kptr_restrict
        .map_or_else(String::new, |v| format!(" (now {v})"));
    format!(
        "the kernel frames have no names: the host hides kernel addresses; set kernel.kptr_restrict{now} \
         to 1 (`sudo sysctl kernel.kptr_restrict=1`) and record again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_reason_the_values_and_the_fallback() {
        let facts = HostFacts {
            perf_event_paranoid: Some(4),
            kptr_restrict: Some(2),
        };
        let m = unavailable("No permission to enable cpu-clock event.", &facts);
        for needle in [
            "No permission",
            "SYS_ADMIN",
            "SYSLOG",
            "(now 4)",
            "(now 2)",
            "perflab probe",
            "perflab load",
        ] {
            assert!(m.contains(needle), "{needle} missing in {m}");
        }
        assert!(unavailable("x", &HostFacts::default()).contains("unknown here"));
    }
}
