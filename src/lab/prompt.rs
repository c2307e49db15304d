//! The lab prompt: where a typed line runs, decided from its text alone (pure,
//! unit-tested, [`route`]), so that the seed's commands work as the seed types
//! them, and what runs it ([`run`]).
//!
//! - Any line runs inside the server (the nginx container), whatever it is:
//!   that is the lab's to break.
//! - `dmesg` alone, or piped into a few filters, with options that only read,
//!   runs in perflab's host helper: the kernel log is the host's. The helper
//!   shares the host's process namespace with SYS_ADMIN and SYSLOG, so nothing
//!   else may reach it: no shell syntax, no option that clears or changes the
//!   log (`-C`, `-c`, `-D`, `-E`, `-n` are refused outright).
//! - `docker logs [--tail N] [-t] nginx|phpfpm` reads that container's output
//!   through the engine; `docker exec [-it] nginx|phpfpm CMD...` runs CMD in that
//!   container, a trailing `| grep ...` included (the lab's real container
//!   names work too).
//! - `perf record -g` records under the standard load in the host helper, as
//!   `perflab flame` does; `perf report [--stdio] [| head ...]` shows the report
//!   kept from it.
//!
//! `perflab shell` runs everything in the server; its `dmesg` prints the copy of
//! the host's kernel log that the shell makes through the helper
//! (`crate::lab::kernel_copy`).
//!
//! Besides plain commands in the server, the lab layer runs here `docker logs`
//! of the server's containers through the engine, and the seed's `perf record -g`
//! / `perf report`, recorded in the host helper under the standard load exactly
//! as `perflab flame` records (one [`measured_run`] with a [`Recording`]).
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::engine::{joined, ExecOutput, Server, Side, LOG_DIR};
use crate::flame::{DEFAULT_FUNCTION, REPORT_OPTIONS};
use crate::load::LoadConfig;

use super::events::LabSink;
use super::measure::{duration_for_recording, measured_run, Extras};
use super::{LabError, Recording};

mod docker;
mod kernel;
mod perf;
mod route;
mod router;
#[cfg(test)]
mod tests;

pub use kernel::is_kernel_log_read;
pub use route::{Refused, Route};
pub use router::{route, run};

/// The kept report's name under [`LOG_DIR`] (`less /var/log/perflab/perf-report.txt`
/// in `perflab shell` reads it too).
pub const REPORT_FILE: &str = "perf-report.txt";
/// Seconds `perf record -g` records when the line does not say (`-- sleep N`).
pub const RECORD_SECONDS: u32 = 5;
const READ: Duration = Duration::from_secs(60);

/// `docker logs`: the container's output in order, as one text.
pub async fn logs(
    server: &Server,
    side: Side,
    tail: Option<u64>,
    timestamps: bool,
) -> Result<ExecOutput, LabError> {
    let chunks = server.logs(side, tail, timestamps).await?;
    Ok(ExecOutput {
        stdout: joined(&chunks),
        stderr: String::new(),
        code: 0,
    })
}

/// Records `seconds` under the load `cfg` (its length is set here), keeps the
/// `perf report` text in the server, and says what was recorded as perf does.
pub async fn perf_record(
    server: &Server,
    cfg: &LoadConfig,
    seconds: u32,
    svg_dir: PathBuf,
    cancel: &CancellationToken,
    sink: &Arc<dyn LabSink>,
) -> Result<ExecOutput, LabError> {
    let mut cfg = cfg.clone();
    cfg.duration = duration_for_recording(seconds);
    let extras = Extras {
        kernel_log: false,
        flame: Some(Recording {
            seconds,
            function: DEFAULT_FUNCTION.to_string(),
            svg_dir,
            report: true,
        }),
    };
    let measured = measured_run(server, &cfg, &extras, cancel, sink).await?;
    let Some(flame) = measured.flame else {
        return Ok(failed("perf record: the load ended without a recording"));
    };
    let report = format!(
        "# perflab: `perf report {REPORT_OPTIONS}` of {seconds} s of `perf record -a -g` on every CPU,\n\
         # recorded in perflab's host helper under the standard load ({} connections).\n{}",
        cfg.connections,
        flame.perf_report.as_deref().unwrap_or("")
    );
    server.put_log_file(REPORT_FILE, report.as_bytes()).await?;
    Ok(ExecOutput {
        stdout: format!(
            "[ perf record: {seconds} s on every CPU under the standard load: {} samples, {} of them the server's ]\n\
             [ perf record: `perf report` shows them; the same samples as a flame graph: {} ]\n",
            flame.samples,
            flame.server_samples,
            flame.svg.display()
        ),
        stderr: String::new(),
        code: 0,
    })
}

/// The kept report through `pipe` (run in the server), or `None` when no
/// recording was made in this lab yet.
pub async fn perf_report(
    server: &Server,
    pipe: Option<&str>,
) -> Result<Option<ExecOutput>, LabError> {
    let path = format!("{LOG_DIR}/{REPORT_FILE}");
    let kept = server
        .sh(Side::Nginx, &format!("test -s {path}"), READ)
        .await?;
    if !kept.success() {
        return Ok(None);
    }
    let script = match pipe {
        Some(pipe) => format!("cat {path} | {pipe}"),
        None => format!("cat {path}"),
    };
    Ok(Some(server.sh(Side::Nginx, &script, READ).await?))
}

fn failed(why: &str) -> ExecOutput {
    ExecOutput {
        stdout: String::new(),
        stderr: format!("{why}\n"),
        code: 1,
    }
}
