//! A measured run: the load generator against the lab, with the server's
//! evidence probed before and after (the deltas), its gauges streamed for a live
//! view when someone watches, its CPU time, and, when asked, a perf recording in
//! the middle of the same load. `perflab load`, `perflab flame`, the course and
//! `run --auto` all measure through here.
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::engine::Server;
use crate::flame::{FlameError, FlameReport};
use crate::load::{run_load_watched, LiveTick, LoadConfig, LoadReport};
use crate::probe::{self, Deltas, Snapshot};

use super::events::{LabEvent, LabSink};
use super::route::{route_to, Route};
use super::{beside, evidence, flame, gauges, LabError};

/// How long a watched load waits for the live view's first frame at most.
const FIRST_FRAME: Duration = Duration::from_secs(10);

/// Where the load generator runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadPath {
    /// In a short-lived container on the lab network ([`beside`]): works for
    /// every client, routed to the lab's network or not. perflab's own choice
    /// (bench/beside.sh measured it costs nothing against the host).
    Beside,
    /// In this process, from this machine's network namespace: only where this
    /// machine routes to the lab's network (a Linux host with Docker Engine).
    Host,
}

impl LoadPath {
    /// The path of a connection's loads: beside the lab when it has perflab's
    /// program to run there, else in this process.
    pub fn of(lab: &crate::engine::Engine) -> LoadPath {
        match lab.program() {
            Some(_) => LoadPath::Beside,
            None => LoadPath::Host,
        }
    }
}

/// What to measure besides the load itself.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// Read the kernel's conntrack lines through the host helper (about a second
    /// each side).
    pub kernel_log: bool,
    /// Record the kernel's stacks under this load.
    pub flame: Option<flame::Recording>,
}

/// What one measured run found.
#[derive(Debug, Clone)]
pub struct Measured {
    pub report: LoadReport,
    pub before: Snapshot,
    pub after: Snapshot,
    pub deltas: Deltas,
    /// Server CPU (both containers) per 2xx response, microseconds.
    pub server_cpu_us_per_request: Option<f64>,
    pub flame: Option<FlameReport>,
}

/// Runs `cfg` against `server`, telling `sink` as it goes.
pub async fn measured_run(
    server: &Server,
    cfg: &LoadConfig,
    extras: &Extras,
    cancel: &CancellationToken,
    sink: &Arc<dyn LabSink>,
) -> Result<Measured, LabError> {
    if server.lab().program().is_none() {
        // From this process: no route, no load; said at once (and before the
        // evidence, which this connection would otherwise count).
        if let Route::None { reason } = route_to(server.ip).await {
            return Err(LabError::NoRoute {
                ip: server.ip,
                reason,
            });
        }
    }
    let before = evidence::collect(server, extras.kernel_log).await?;
    let cpu_before = cpu_ns(server).await;
    sink.event(LabEvent::RunStarting {
        connections: cfg.connections,
        seconds: cfg.duration.as_secs_f64(),
    });
    let run = run_watched(server, cfg, extras, &before, cancel, sink).await;
    sink.event(LabEvent::RunEnded);
    let (report, flame) = run?;
    let cpu_after = cpu_ns(server).await;
    let after = evidence::collect_since(server, &before, extras.kernel_log).await?;
    let deltas = probe::deltas(&before, &after);
    let ok: u64 = report
        .status_counts
        .iter()
        .filter(|(s, _)| (200..300).contains(*s))
        .map(|(_, n)| n)
        .sum();
    let server_cpu_us_per_request = match (cpu_before, cpu_after) {
        (Some(b), Some(a)) if ok > 0 && a >= b => Some((a - b) as f64 / 1000.0 / ok as f64),
        _ => None,
    };
    Ok(Measured {
        report,
        before,
        after,
        deltas,
        server_cpu_us_per_request,
        flame,
    })
}

/// The CPU figure is a bonus of the run: without it the run still counts.
async fn cpu_ns(server: &Server) -> Option<u64> {
    match server.cpu_ns().await {
        Ok(n) => Some(n),
        Err(e) => {
            log::debug!("reading the server's CPU time: {e}");
            None
        }
    }
}

/// The load, the live gauges beside it, and the recording in its middle.
async fn run_watched(
    server: &Server,
    cfg: &LoadConfig,
    extras: &Extras,
    before: &Snapshot,
    cancel: &CancellationToken,
    sink: &Arc<dyn LabSink>,
) -> Result<(LoadReport, Option<FlameReport>), LabError> {
    // One stop for every part: Ctrl-C, or the load or the recording failing,
    // ends the others early.
    let stop = cancel.child_token();
    let gauges_stop = CancellationToken::new();
    let live = sink.live();
    // The load and the recording start at the live view's first frame, so the
    // view covers the whole run however slowly the server's exec starts (a busy
    // machine). A latch: set by the first frame, or by the loop ending.
    let watching = CancellationToken::new();
    let started = || async {
        if live {
            tokio::select! {
                _ = watching.cancelled() => {}
                _ = stop.cancelled() => {}
                _ = tokio::time::sleep(FIRST_FRAME) => {}
            }
        }
    };
    // Set when the load really begins (a container beside the lab takes a
    // moment to start): the recording's warm-up counts from there.
    let began = CancellationToken::new();
    let load = async {
        started().await;
        let each = |t| sink.event(LabEvent::Load(t));
        let r = drive(server, cfg, &stop, &began, each).await;
        gauges_stop.cancel();
        if r.is_err() {
            stop.cancel();
        }
        r
    };
    let watch = async {
        if !live {
            return;
        }
        // Frames for the whole run, and a few for a slow start.
        let seconds = (cfg.duration + cfg.timeout).as_secs() + 5;
        let streamed = gauges::stream_gauges(server, before, seconds, &gauges_stop, |g| {
            watching.cancel();
            sink.event(LabEvent::Gauges(g))
        });
        let streamed = streamed.await;
        watching.cancel();
        if let Err(e) = streamed {
            sink.event(LabEvent::GaugesStopped {
                reason: e.to_string(),
            });
        }
    };
    let recording = async {
        match &extras.flame {
            Some(rec) => {
                started().await;
                tokio::select! {
                    _ = began.cancelled() => {}
                    _ = stop.cancelled() => {}
                }
                Some(flame::record_during(server, rec, &stop, sink).await)
            }
            None => None,
        }
    };
    let (load, (), recording) = tokio::join!(load, watch, recording);
    if recording.is_some() && cancel.is_cancelled() {
        return Err(LabError::Interrupted);
    }
    // perf that cannot sample says so first; then a failed load says why it
    // stopped the recording.
    if let Some(Err(e @ LabError::Flame(FlameError::PerfUnavailable { .. }))) = recording {
        return Err(e);
    }
    let load = load?;
    let flame = recording.transpose()?.map(|mut f| {
        f.goodput_rps = load.goodput_rps;
        f.connections = cfg.connections;
        f.keepalive = cfg.keepalive;
        f
    });
    Ok((load, flame))
}

/// Runs the load where the server's connection says ([`LoadPath::of`]),
/// cancelling `began` when it begins.
async fn drive(
    server: &Server,
    cfg: &LoadConfig,
    stop: &CancellationToken,
    began: &CancellationToken,
    each: impl FnMut(LiveTick),
) -> Result<LoadReport, LabError> {
    match server.lab().program() {
        Some(program) => beside::run_beside(server, program, cfg, stop, began, each).await,
        None => {
            began.cancel();
            Ok(run_load_watched(cfg, stop, each).await?)
        }
    }
}

/// How long a load must last to hold a recording of `seconds`.
pub fn duration_for_recording(seconds: u32) -> Duration {
    flame::WARMUP + Duration::from_secs(u64::from(seconds)) + flame::TAIL
}
