//! Recording under load: the lab's load runs from the host while perf samples
//! every CPU from the host helper; then the server's stacks are folded, measured
//! and drawn.
use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::error::FlameError;
use super::fold::{fold, Folded};
use super::perf::run_record;
use super::share::{function_share, top, TopStack, TOP_DEPTH};
use super::{advice, svg};
use crate::engine::{state, Server};
use crate::load::{run_load, LoadConfig};

/// Seconds of recording accepted.
pub const SECONDS: RangeInclusive<u32> = 1..=60;
/// Load before perf starts, so connections are up and the TIME_WAIT pool is full.
const WARMUP: Duration = Duration::from_secs(2);
/// Load after the recording should have ended: the helper takes a moment to start.
const TAIL: Duration = Duration::from_secs(3);
/// Stacks in the report's top list.
const TOP_N: usize = 10;

/// What one recording found.
#[derive(Debug, Clone, Serialize)]
pub struct FlameReport {
    /// Samples of every process on the host.
    pub samples: u64,
    /// Samples of the server's processes (nginx and php-fpm).
    pub server_samples: u64,
    pub function: String,
    /// Of the server's samples, those whose stack has a frame containing `function` (0.0 to 1.0).
    pub function_share: f64,
    pub svg: PathBuf,
    pub top: Vec<TopStack>,
    /// Goodput of the load that ran around the recording (warm-up and tail
    /// included), 2xx per second.
    pub goodput_rps: f64,
    pub seconds: u32,
    pub connections: usize,
    pub keepalive: bool,
    /// False when the host hid the kernel's function names.
    pub kernel_symbols: bool,
    /// perf's warnings and ours, for the user.
    pub warnings: Vec<String>,
}

/// Runs `cfg`'s load at the server and records `seconds` of every CPU's stacks
/// in the middle of it. The load's duration is set to cover the recording.
pub async fn record(
    server: &Server,
    cfg: &LoadConfig,
    seconds: u32,
    function: &str,
    cancel: &CancellationToken,
) -> Result<FlameReport, FlameError> {
    check_args(seconds, function)?;
    let mut cfg = cfg.clone();
    cfg.duration = WARMUP + Duration::from_secs(u64::from(seconds)) + TAIL;
    // Refused here, before perf records for nothing.
    cfg.validate()?;
    let mut pids: HashSet<u32> = server.host_pids().await?.into_iter().collect();

    // One stop for both halves: Ctrl-C, or either half failing, ends the other
    // early (the helper is then stopped and removed by the engine).
    let stop = cancel.child_token();
    let lab = server.lab().clone().with_cancel(stop.clone());
    let load = async {
        let r = run_load(&cfg, &stop).await;
        if r.is_err() {
            stop.cancel();
        }
        r
    };
    let perf = async {
        tokio::select! {
            _ = tokio::time::sleep(WARMUP) => {}
            _ = stop.cancelled() => return None,
        }
        let r = run_record(&lab, seconds).await;
        if !matches!(r, Ok(Ok(_))) {
            stop.cancel();
        }
        Some(r)
    };
    let (load, perf) = tokio::join!(load, perf);
    if cancel.is_cancelled() {
        return Err(FlameError::Cancelled);
    }
    if let Some(Ok(Err((reason, facts)))) = perf {
        return Err(FlameError::PerfUnavailable { reason, facts });
    }
    let load = load?;
    let run = match perf {
        Some(Ok(Ok(run))) => run,
        Some(Err(e)) => return Err(e.into()),
        // Stopped only by a failed load (returned above) or Ctrl-C.
        _ => return Err(FlameError::Cancelled),
    };
    // php-fpm may have started children during the load; they are still there.
    pids.extend(server.host_pids().await?);

    let title = match server.stage {
        Some(stage) => {
            format!("perflab: the server's stacks under load (lab started at stage {stage})")
        }
        None => "perflab: the server's stacks under load".to_string(),
    };
    let function = function.to_string();
    let svg_dir = state::ensure_dir().map_err(|source| FlameError::Svg {
        path: state::dir(),
        source,
    })?;
    let (folded, svg_path) = tokio::task::spawn_blocking({
        let function = function.clone();
        move || fold_and_draw(&run.script, &pids, &function, &title, &svg_dir, seconds)
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))?;
    let mut warnings = run.warnings;
    if !folded.kernel_symbols() {
        warnings.push(advice::hidden_kernel_symbols(&run.facts));
    }
    Ok(report(
        &folded,
        &function,
        svg_path,
        load.goodput_rps,
        &cfg,
        seconds,
        warnings,
    ))
}

fn check_args(seconds: u32, function: &str) -> Result<(), FlameError> {
    if !SECONDS.contains(&seconds) {
        return Err(FlameError::Invalid(format!(
            "{seconds} seconds of recording is out of range; accepted: {} to {}",
            SECONDS.start(),
            SECONDS.end()
        )));
    }
    check_function(function).map_err(FlameError::Invalid)
}

/// A function name to look for: a non-empty symbol fragment, no spaces or `;`.
pub fn check_function(function: &str) -> Result<(), String> {
    let ok = !function.is_empty()
        && function.len() <= 200
        && !function.contains(';')
        && !function.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(format!(
            "function {function:?} cannot match a frame; give part of a symbol name (1 to 200 characters, no spaces or `;`), e.g. inet_hash_connect"
        ))
    }
}

fn fold_and_draw(
    script: &str,
    pids: &HashSet<u32>,
    function: &str,
    title: &str,
    dir: &std::path::Path,
    seconds: u32,
) -> Result<(Folded, PathBuf), FlameError> {
    let folded = fold(script, pids)?;
    if folded.server_samples == 0 {
        return Err(FlameError::NoServerSamples {
            samples: folded.samples,
            pids: pids.len(),
        });
    }
    let share = function_share(&folded, function);
    let subtitle = format!(
        "{:.1} % of the server's {} samples pass through {function} ({seconds} s, {} at {} Hz)",
        share * 100.0,
        folded.server_samples,
        super::perf::EVENT,
        super::perf::FREQUENCY
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = svg::new_path(dir, now);
    svg::write_svg(&folded, &path, title, &subtitle).map_err(|source| FlameError::Svg {
        path: path.clone(),
        source,
    })?;
    Ok((folded, path))
}

fn report(
    folded: &Folded,
    function: &str,
    svg: PathBuf,
    goodput_rps: f64,
    cfg: &LoadConfig,
    seconds: u32,
    warnings: Vec<String>,
) -> FlameReport {
    FlameReport {
        samples: folded.samples,
        server_samples: folded.server_samples,
        function: function.to_string(),
        function_share: function_share(folded, function),
        svg,
        top: top(folded, TOP_N, TOP_DEPTH),
        goodput_rps,
        seconds,
        connections: cfg.connections,
        keepalive: cfg.keepalive,
        kernel_symbols: folded.kernel_symbols(),
        warnings,
    }
}
