//! Taking the probe in the running lab: one exec of the probe's script in the
//! server, and, when asked, the kernel log through the host helper at the same
//! time. The probe itself (script, parsers) knows nothing of Docker.
use std::time::Duration;

use crate::engine::{Server, Side, ToolboxMode};
use crate::probe::{self, KernelLogRead, ProbeError, Snapshot};

use super::LabError;

/// The first probe of a stage-4 run counts ~500k log lines (~0.5 s); the rest are
/// incremental. A probe that takes longer than this is a stuck server.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(20);
const DMESG_DEADLINE: Duration = Duration::from_secs(30);

/// Everything, counting the logs from their start. `with_kernel_log` also reads
/// the kernel log (~0.5 s: a helper container); when that fails the field is
/// null with the reason and the rest of the snapshot stands.
pub async fn collect(server: &Server, with_kernel_log: bool) -> Result<Snapshot, LabError> {
    run(server, &Snapshot::default(), with_kernel_log).await
}

/// Like [`collect`], but counts only the log lines written since `prev` (when
/// `prev` was collected by this process from the same files) and adds `prev`'s
/// counts: cheap enough to run every second.
pub async fn collect_since(
    server: &Server,
    prev: &Snapshot,
    with_kernel_log: bool,
) -> Result<Snapshot, LabError> {
    let snap = run(server, prev, with_kernel_log).await?;
    Ok(probe::continue_logs(snap, prev))
}

async fn run(
    server: &Server,
    prev: &Snapshot,
    with_kernel_log: bool,
) -> Result<Snapshot, LabError> {
    let text = probe::script(&prev.cursors);
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
            stderr: probe::last_line(&out.stderr),
        }
        .into());
    }
    // A kernel log that could not be read leaves its field empty with the
    // reason; the rest of the snapshot stands.
    let kernel_log = dmesg.map(|d| match d {
        Ok(o) if o.success() => KernelLogRead::Read(o.stdout),
        Ok(o) => KernelLogRead::Failed(format!(
            "dmesg exited with code {}: {}",
            o.code,
            probe::last_line(&o.stderr)
        )),
        Err(e) => KernelLogRead::Failed(e.to_string()),
    });
    Ok(probe::assemble(out.stdout, kernel_log)?)
}
