//! A measured run: the load generator against the lab, with the server's
//! evidence probed before and after (the deltas), its key gauges probed every
//! second for the live view, and its CPU time. Shared by `perflab load` and the
//! course.
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::engine::Server;
use crate::load::{run_load, run_load_live, LoadConfig, LoadReport};
use crate::probe::{self, Deltas, Snapshot};

/// What one measured run found.
#[derive(Debug, Clone)]
pub struct Measured {
    pub report: LoadReport,
    pub before: Snapshot,
    pub after: Snapshot,
    pub deltas: Deltas,
    /// Server CPU (both containers) per 2xx response, microseconds.
    pub server_cpu_us_per_request: Option<f64>,
}

/// Runs `cfg` against `server`. `live` shows the load's view plus a line of
/// server gauges refreshed each second; `kernel_log` reads the kernel's conntrack
/// lines through the host helper (about a second each side).
pub async fn measured_run(
    server: &Server,
    cfg: &LoadConfig,
    cancel: &CancellationToken,
    live: bool,
    kernel_log: bool,
) -> anyhow::Result<Measured> {
    let before = probe::collect(server, kernel_log).await?;
    let cpu_before = server.cpu_ns().await.ok();
    let report = if live && crate::ui::stdout_is_terminal() {
        let (tx, rx) = watch::channel(String::new());
        let stop = CancellationToken::new();
        // Frames for the whole run, and a few for a slow start.
        let seconds = (cfg.duration + cfg.timeout).as_secs() + 5;
        let gauges = tokio::spawn(feed_gauges(
            server.clone(),
            before.clone(),
            seconds,
            tx,
            stop.clone(),
        ));
        let report = run_load_live(cfg, cancel, Some(rx)).await;
        stop.cancel();
        let _ = gauges.await;
        report?
    } else {
        run_load(cfg, cancel).await?
    };
    let cpu_after = server.cpu_ns().await.ok();
    let after = probe::collect_since(server, &before, kernel_log).await?;
    let deltas = probe::deltas(&before, &after);
    let ok = report
        .status_counts
        .iter()
        .filter(|(s, _)| (200..300).contains(*s))
        .map(|(_, n)| n)
        .sum::<u64>();
    let server_cpu_us_per_request = match (cpu_before, cpu_after) {
        (Some(b), Some(a)) if ok > 0 && a >= b => Some((a - b) as f64 / 1000.0 / ok as f64),
        _ => None,
    };
    let mut report = report;
    report.deltas = serde_json::to_value(&deltas).ok();
    Ok(Measured {
        report,
        before,
        after,
        deltas,
        server_cpu_us_per_request,
    })
}

/// Streams the server's gauges once a second while the load runs and publishes
/// the live line until `stop`.
async fn feed_gauges(
    server: Server,
    first: Snapshot,
    seconds: u64,
    tx: watch::Sender<String>,
    stop: CancellationToken,
) {
    let streaming = probe::stream_live_lines(&server, &first, seconds, &stop, |line| {
        let _ = tx.send(line);
    });
    if let Err(e) = streaming.await {
        let _ = tx.send(format!("server gauges stopped: {e}"));
    }
}

/// The deltas of a run as a few aligned lines: every counter that moved, and the
/// gauges as they were at the end.
pub fn render_deltas(d: &Deltas) -> String {
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
    let width = moved.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    moved
        .iter()
        .map(|(k, v)| format!("  {k:<width$}  {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}
