//! Running the probe's gauge loop in the server for the length of a load run and
//! handing each frame on as it arrives, as rates against the frame before it.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::engine::{EngineError, Server, Side};
use crate::probe::{self, GaugeRates, Gauges, Snapshot};

use super::LabError;

const KILL_DEADLINE: Duration = Duration::from_secs(10);

/// Calls `each` once a second, for up to `seconds` frames, with the gauges as
/// rates over the time since the previous frame (the first against `start`).
/// Returns when the loop ends or `stop` is cancelled; then the loop in the server
/// is ended too (Docker keeps reading its output when we stop, so it would not
/// notice by itself).
pub async fn stream_gauges(
    server: &Server,
    start: &Snapshot,
    seconds: u64,
    stop: &CancellationToken,
    mut each: impl FnMut(GaugeRates),
) -> Result<(), LabError> {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let tag = format!(
        "perflab-gauges-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    );
    let text = format!("# {tag}\n{}", probe::gauge_script(seconds));
    let mut prev = (Gauges::from(start), Instant::now());
    let frames = read_frames(server, &text, |cur| {
        let now = Instant::now();
        each(GaugeRates::between(
            &prev.0,
            &cur,
            (now - prev.1).as_secs_f64(),
        ));
        prev = (cur, now);
    });
    let result = tokio::select! {
        _ = stop.cancelled() => Ok(()),
        r = frames => r,
    };
    // pkill never matches itself; the pattern is in the loop's `bash -c` argument.
    // A loop already gone (it ended by itself) makes pkill exit 1: nothing to do.
    match server
        .exec(Side::Nginx, &["pkill", "-f", &tag], KILL_DEADLINE)
        .await
    {
        Ok(_) => {}
        Err(e) => log::debug!("ending the gauge loop {tag}: {e}"),
    }
    result
}

async fn read_frames(
    server: &Server,
    text: &str,
    mut each: impl FnMut(Gauges),
) -> Result<(), LabError> {
    let mut attached = server
        .attach(Side::Nginx, &["bash", "-c", text], &[], false)
        .await?;
    let mut buf = String::new();
    while let Some(chunk) = attached.output.next().await {
        let chunk =
            chunk.map_err(|e| EngineError::docker("reading", "the gauge loop's output", e))?;
        buf.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        for frame in probe::take_frames(&mut buf) {
            each(probe::parse_frame(&frame)?);
        }
    }
    Ok(())
}
