//! After a recording: the server's stacks folded, measured and drawn. The lab
//! layer runs the load and perf side by side and hands perf's text here.
use std::collections::HashSet;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::error::{BadFunction, FlameError};
use super::fold::{fold, Folded};
use super::perf::PerfRun;
use super::share::{function_share, top, TopStack, TOP_DEPTH};
use super::{advice, svg};

/// Seconds of recording accepted.
pub const SECONDS: RangeInclusive<u32> = 1..=60;
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
    /// `perf report` text of the same recording, when it was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perf_report: Option<String>,
}

/// Folds perf's samples to the server's processes (`pids`), writes the SVG in
/// `dir` and measures `function`'s share. The load's figures (goodput,
/// connections) are the caller's to fill in.
pub fn draw(
    run: PerfRun,
    pids: &HashSet<u32>,
    function: &str,
    title: &str,
    dir: &Path,
    seconds: u32,
) -> Result<FlameReport, FlameError> {
    let (folded, svg_path) = fold_and_draw(&run.script, pids, function, title, dir, seconds)?;
    let mut warnings = run.warnings;
    if !folded.kernel_symbols() {
        warnings.push(advice::hidden_kernel_symbols(&run.facts));
    }
    let mut drawn = report(&folded, function, svg_path, seconds, warnings);
    drawn.perf_report = run.report;
    Ok(drawn)
}

/// The recording's length and the function, checked before anything records.
pub fn check_args(seconds: u32, function: &str) -> Result<(), FlameError> {
    if !SECONDS.contains(&seconds) {
        return Err(FlameError::Seconds {
            seconds,
            lo: *SECONDS.start(),
            hi: *SECONDS.end(),
        });
    }
    check_function(function).map_err(FlameError::Function)
}

/// A function name to look for: a non-empty symbol fragment, no spaces or `;`.
pub fn check_function(function: &str) -> Result<(), BadFunction> {
    let ok = !function.is_empty()
        && function.len() <= 200
        && !function.contains(';')
        && !function.chars().any(char::is_whitespace);
    match ok {
        true => Ok(()),
        false => Err(BadFunction {
            function: function.to_string(),
        }),
    }
}

fn fold_and_draw(
    script: &str,
    pids: &HashSet<u32>,
    function: &str,
    title: &str,
    dir: &Path,
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
        goodput_rps: 0.0,
        seconds,
        connections: 0,
        keepalive: true,
        kernel_symbols: folded.kernel_symbols(),
        warnings,
        perf_report: None,
    }
}
