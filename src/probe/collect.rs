//! Running the probe against the lab: one exec of the script in the server, and,
//! when asked, the kernel log through the host helper at the same time.
use std::time::Duration;

use crate::engine::{Server, Side, ToolboxMode};

use super::assemble::{continue_logs, parse_snapshot};
use super::error::ProbeError;
use super::script::{script, DMESG};
use super::sections::{marker_line, FAILED};
use super::snapshot::{Cursors, Snapshot};

/// The first probe of a stage-4 run counts ~500k log lines (~0.5 s); the rest are
/// incremental. A probe that takes longer than this is a stuck server.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(20);
const DMESG_DEADLINE: Duration = Duration::from_secs(30);

/// Everything, counting the logs from their start. `with_kernel_log` also reads
/// the kernel log (~0.5 s: a helper container); when that fails the field is
/// null with the reason and the rest of the snapshot stands.
pub async fn collect(server: &Server, with_kernel_log: bool) -> Result<Snapshot, ProbeError> {
    run(server, &Cursors::default(), with_kernel_log).await
}

/// Like [`collect`], but counts only the log lines written since `prev` (when
/// `prev` was collected by this process from the same files) and adds `prev`'s
/// counts: cheap enough to run every second during a load run.
pub async fn collect_since(
    server: &Server,
    prev: &Snapshot,
    with_kernel_log: bool,
) -> Result<Snapshot, ProbeError> {
    let snap = run(server, &prev.cursors, with_kernel_log).await?;
    Ok(continue_logs(snap, prev))
}

async fn run(
    server: &Server,
    cursors: &Cursors,
    with_kernel_log: bool,
) -> Result<Snapshot, ProbeError> {
    let text = script(cursors);
    let exec = server.sh(Side::Nginx, &text, SCRIPT_DEADLINE);
    let (out, dmesg) = if with_kernel_log {
        let dmesg = server
            .lab()
            .toolbox(ToolboxMode::HostPid, &["dmesg"], DMESG_DEADLINE);
        let (out, dmesg) = tokio::join!(exec, dmesg);
        (out?, Some(dmesg))
    } else {
        (exec.await?, None)
    };
    if !out.success() {
        return Err(ProbeError::Script {
            code: out.code,
            stderr: last_line(&out.stderr),
        });
    }
    let mut raw = out.stdout;
    if let Some(dmesg) = dmesg {
        raw.push_str(&format!("\n{}\n", marker_line(DMESG)));
        match dmesg {
            Ok(o) if o.success() => raw.push_str(&o.stdout),
            Ok(o) => raw.push_str(&format!(
                "dmesg exited with code {}: {}\n{FAILED}\n",
                o.code,
                last_line(&o.stderr)
            )),
            Err(e) => raw.push_str(&format!("{}\n{FAILED}\n", e.to_string().replace('\n', " "))),
        }
    }
    parse_snapshot(&raw)
}

fn last_line(text: &str) -> String {
    text.trim()
        .lines()
        .last()
        .unwrap_or("no message")
        .trim()
        .to_string()
}
