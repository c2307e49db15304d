//! The load generator: HTTP/1.1 at a loopback or lab address, measured honestly.
//!
//! Unlike wrk it counts only 2xx as goodput, puts the connect into each fresh
//! request's latency, aborts a request at its timeout and closes the connection (so
//! the server logs 499 during the run, not after), keeps every slot retrying when
//! connects fail, and ends within duration + timeout whatever the server does.
//!
//!
//! Two ways to send: closed loop (each connection sends its next request when the
//! last is answered, as wrk does) and open loop (`rate`: requests fall due at a
//! fixed rate whatever the server does, latency measured from when each was due,
//! as wrk2 does; [`pace`]).
//!
//! Speed: one OS thread a core, each a single-threaded runtime with its own slots
//! and counters ([`runner`]); one worker loop ([`conn`]); the request built once and
//! responses parsed in the thread's one read buffer ([`parser`]); histograms merged
//! at the end.
mod config;
mod conn;
mod error;
mod live;
pub mod options;
mod pace;
mod parser;
mod report;
mod runner;
mod failure;
mod stats;
pub mod target;

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

pub use config::{LoadConfig, Shape};
pub use error::LoadError;
pub use failure::Failure;
pub use live::{LiveTick, Rates};
pub use report::{Latency, LoadReport, RateReport};

/// Runs the load and returns what was measured.
pub async fn run_load(
    cfg: &LoadConfig,
    cancel: &CancellationToken,
) -> Result<LoadReport, LoadError> {
    run(cfg, cancel, None::<fn(LiveTick)>).await
}

/// Runs the load and hands a [`LiveTick`] to `each` about four times a second.
pub async fn run_load_watched(
    cfg: &LoadConfig,
    cancel: &CancellationToken,
    each: impl FnMut(LiveTick),
) -> Result<LoadReport, LoadError> {
    run(cfg, cancel, Some(each)).await
}

async fn run(
    cfg: &LoadConfig,
    cancel: &CancellationToken,
    each: Option<impl FnMut(LiveTick)>,
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
    let drive = cfg.rate.map_or(runner::Drive::Closed, runner::Drive::Rate);
    let running = runner::start(plan, cfg.connections, cfg.threads, drive, cancel)?;
    let counters = running.counters.clone();
    let (stats, last, cancelled) = match each {
        Some(each) => {
            let done = running.finish();
            live::watch(start, cfg.duration, cfg.rate, &counters, each, done).await?
        }
        None => running.finish().await?,
    };
    let shape = report::RunShape {
        url: &cfg.url,
        connections: cfg.connections,
        keepalive: cfg.keepalive,
        timeout_ms: u64::try_from(cfg.timeout.as_millis()).unwrap_or(u64::MAX),
        planned_s: cfg.duration.as_secs_f64(),
        rate: cfg.rate,
    };
    let times = report::RunTimes {
        window_s: (last.min(end) - start).as_secs_f64(),
        settle_s: last.saturating_duration_since(end).as_secs_f64(),
    };
    Ok(LoadReport::build(&shape, &stats, times, cancelled))
}
