//! The load generator: HTTP/1.1 at a loopback or lab address, measured honestly.
//!
//! Unlike wrk it counts only 2xx as goodput, puts the connect into each fresh
//! request's latency, aborts a request at its timeout and closes the connection (so
//! the server logs 499 during the run, not after), keeps every slot retrying when
//! connects fail, and ends within duration + timeout whatever the server does.
//!
//! Speed: one OS thread a core, each a single-threaded runtime with its own slots
//! and counters ([`runner`]); one worker loop ([`conn`]); the request built once and
//! responses parsed in a reused buffer ([`parser`]); histograms merged at the end.
mod config;
mod conn;
mod error;
mod live;
pub mod options;
mod parser;
mod report;
mod runner;
mod stats;
pub mod target;

use std::sync::Arc;

use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

pub use config::LoadConfig;
pub use error::LoadError;
pub use report::{Latency, LoadReport};

/// Runs the load and returns what was measured; no live view.
pub async fn run_load(
    cfg: &LoadConfig,
    cancel: &CancellationToken,
) -> Result<LoadReport, LoadError> {
    run(cfg, cancel, false, None).await
}

/// Runs the load with a live view on stderr (when stdout is a terminal); the
/// caller's `extra` text, if any, is shown under the view's own line.
pub async fn run_load_live(
    cfg: &LoadConfig,
    cancel: &CancellationToken,
    extra: Option<watch::Receiver<String>>,
) -> Result<LoadReport, LoadError> {
    run(cfg, cancel, true, extra).await
}

async fn run(
    cfg: &LoadConfig,
    cancel: &CancellationToken,
    live_view: bool,
    extra: Option<watch::Receiver<String>>,
) -> Result<LoadReport, LoadError> {
    cfg.validate()?;
    runner::ensure_file_limit(cfg.connections)?;
    let start = std::time::Instant::now();
    let end = start + cfg.duration;
    let plan = Arc::new(conn::Plan {
        addr: cfg.addr,
        request: cfg.request_bytes().into_boxed_slice(),
        keepalive: cfg.keepalive,
        timeout: cfg.timeout,
        connect_timeout: cfg.connect_timeout,
        start,
        end,
        hard: end + cfg.timeout,
    });
    let running = runner::start(plan, cfg.connections, cfg.threads, cancel)?;
    let counters = running.counters.clone();
    let (stats, last, cancelled) = if live_view {
        live::show(start, cfg.duration, &counters, extra, running.finish()).await?
    } else {
        running.finish().await?
    };
    let shape = report::RunShape {
        url: &cfg.url,
        connections: cfg.connections,
        keepalive: cfg.keepalive,
        timeout_ms: u64::try_from(cfg.timeout.as_millis()).unwrap_or(u64::MAX),
        planned_s: cfg.duration.as_secs_f64(),
    };
    let times = report::RunTimes {
        window_s: (last.min(end) - start).as_secs_f64(),
        settle_s: last.saturating_duration_since(end).as_secs_f64(),
    };
    Ok(LoadReport::build(&shape, &stats, times, cancelled))
}
