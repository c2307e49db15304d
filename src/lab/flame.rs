//! A perf recording in the middle of a measured run's load: perf samples every
//! CPU from the host helper while the load runs from the host; then the
//! server's stacks are folded and drawn (`flame::draw`).
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::engine::Server;
use crate::flame::{self, FlameError, FlameReport};

use super::events::{LabEvent, LabSink};
use super::LabError;

/// Load before perf starts, so connections are up and the TIME_WAIT pool is full.
pub const WARMUP: Duration = Duration::from_secs(2);
/// Load after the recording should have ended: the helper takes a moment to start.
pub const TAIL: Duration = Duration::from_secs(3);

/// What to record.
#[derive(Debug, Clone)]
pub struct Recording {
    pub seconds: u32,
    /// The function whose share of the server's samples is measured.
    pub function: String,
    /// Where the SVG is written (the state directory).
    pub svg_dir: PathBuf,
    /// Keep `perf report` text of the recording too (`perf record -g` at the lab
    /// prompt): [`FlameReport::perf_report`].
    pub report: bool,
}

/// Waits out the warm-up, records, and draws. A failure ends the load early
/// through `stop` (the helper is then stopped and removed by the engine).
pub async fn record_during(
    server: &Server,
    rec: &Recording,
    stop: &CancellationToken,
    sink: &Arc<dyn LabSink>,
) -> Result<FlameReport, LabError> {
    let result = record(server, rec, stop, sink).await;
    if result.is_err() {
        stop.cancel();
    }
    result
}

async fn record(
    server: &Server,
    rec: &Recording,
    stop: &CancellationToken,
    sink: &Arc<dyn LabSink>,
) -> Result<FlameReport, LabError> {
    flame::check_args(rec.seconds, &rec.function)?;
    let mut pids: HashSet<u32> = server.host_pids().await?.into_iter().collect();
    tokio::select! {
        _ = tokio::time::sleep(WARMUP) => {}
        _ = stop.cancelled() => return Err(LabError::Interrupted),
    }
    let lab = server.lab().clone().with_cancel(stop.clone());
    sink.event(LabEvent::Recording {
        seconds: rec.seconds,
    });
    let run = flame::run_record(&lab, rec.seconds, rec.report).await;
    sink.event(LabEvent::RecordingDone);
    let run = match run {
        Ok(Ok(run)) => run,
        Ok(Err((reason, facts))) => {
            return Err(FlameError::PerfUnavailable { reason, facts }.into())
        }
        Err(e) => return Err(e.into()),
    };
    // php-fpm may have started children during the load; they are still there.
    pids.extend(server.host_pids().await?);
    let title = match server.stage {
        Some(stage) => {
            format!("perflab: the server's stacks under load (lab started at stage {stage})")
        }
        None => "perflab: the server's stacks under load".to_string(),
    };
    let (function, dir, seconds) = (rec.function.clone(), rec.svg_dir.clone(), rec.seconds);
    std::fs::create_dir_all(&dir).map_err(|source| FlameError::Svg {
        path: dir.clone(),
        source,
    })?;
    let drawn = tokio::task::spawn_blocking(move || {
        flame::draw(run, &pids, &function, &title, &dir, seconds)
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
    Ok(drawn)
}
