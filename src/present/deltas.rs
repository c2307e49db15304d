//! The server's evidence over a run, in a few aligned lines.
use crate::probe::Deltas;

/// The deltas of a run: every counter that moved, and the gauges as they were
/// at the end; of those, the ones `shows` lets through (by name).
pub fn deltas(d: &Deltas, shows: impl Fn(&str) -> bool) -> String {
    let mut moved: Vec<(String, String)> = Vec::new();
    let mut counter = |name: &str, v: u64| {
        if v > 0 {
            moved.push((name.to_string(), format!("+{v}")));
        }
    };
    counter("conntrack.drops", d.conntrack.drops);
    counter("conntrack.insert_failed", d.conntrack.insert_failed);
    counter("tcp.listen_overflows", d.tcp.listen_overflows);
    counter("tcp.listen_drops", d.tcp.listen_drops);
    counter("tcp.syn_retrans", d.tcp.syn_retrans);
    counter("tcp.active_opens", d.tcp.active_opens);
    for (code, n) in &d.nginx.status_counts {
        counter(&format!("nginx.status_counts[{code}]"), *n);
    }
    counter("nginx.eaddrnotavail", d.nginx.eaddrnotavail);
    counter(
        "phpfpm.max_children_warnings",
        d.phpfpm.max_children_warnings,
    );
    if let Some(n) = d.kernel.conntrack_full_lines {
        counter("kernel.conntrack_full_lines", n);
    }
    moved.push((
        "conntrack.count / max".into(),
        format!("{} / {}", d.conntrack.count, d.conntrack.max),
    ));
    moved.push((
        "tcp.time_wait (nginx side / :9000)".into(),
        format!(
            "{} ({} / {})",
            d.tcp.time_wait, d.tcp.time_wait_ephemeral, d.tcp.time_wait_9000
        ),
    ));
    moved.retain(|(k, _)| shows(k));
    let width = moved.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    moved
        .iter()
        .map(|(k, v)| format!("  {k:<width$}  {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
