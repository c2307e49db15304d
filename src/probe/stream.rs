//! Running the gauge loop ([`super::gauges`]) in the server for the length of a
//! load run and handing each frame on as it arrives.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::engine::{Server, Side};

use super::error::ProbeError;
use super::gauges::{parse_frame, script, take_frames, Gauges};
use super::render::live_line;
use super::snapshot::Snapshot;

/// Calls `each` with the gauges once a second, for up to `seconds` frames.
/// Returns when the loop ends or `stop` is cancelled; then the loop in the server
/// is ended too (Docker keeps reading its output when we stop, so it would not
/// notice by itself).
pub async fn stream_gauges(
    server: &Server,
    seconds: u64,
    stop: &CancellationToken,
    each: impl FnMut(Gauges),
) -> Result<(), ProbeError> {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let tag = format!(
        "perflab-gauges-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    );
    let text = format!("# {tag}\n{}", script(seconds));
    let result = tokio::select! {
        _ = stop.cancelled() => Ok(()),
        r = read_frames(server, &text, each) => r,
    };
    // pkill never matches itself; the pattern is in the loop's `bash -c` argument.
    let _ = server
        .exec(Side::Nginx, &["pkill", "-f", &tag], KILL_DEADLINE)
        .await;
    result
}

/// Like [`stream_gauges`], but hands on the live line: each frame against the
/// one before it (the first against `start`), as rates over the time between.
pub async fn stream_live_lines(
    server: &Server,
    start: &Snapshot,
    seconds: u64,
    stop: &CancellationToken,
    mut each: impl FnMut(String),
) -> Result<(), ProbeError> {
    let mut prev = (Gauges::from(start), Instant::now());
    stream_gauges(server, seconds, stop, |cur| {
        let now = Instant::now();
        each(live_line(&prev.0, &cur, (now - prev.1).as_secs_f64()));
        prev = (cur, now);
    })
    .await
}

const KILL_DEADLINE: Duration = Duration::from_secs(10);

async fn read_frames(
    server: &Server,
    text: &str,
    mut each: impl FnMut(Gauges),
) -> Result<(), ProbeError> {
    let mut attached = server
        .attach(Side::Nginx, &["bash", "-c", text], &[], false)
        .await?;
    let mut buf = String::new();
    while let Some(chunk) = attached.output.next().await {
        let chunk = chunk.map_err(|e| ProbeError::Source {
            file: "the gauge loop's output".into(),
            reason: e.to_string(),
        })?;
        buf.push_str(&String::from_utf8_lossy(&chunk.into_bytes()));
        for frame in take_frames(&mut buf) {
            each(parse_frame(&frame)?);
        }
    }
    Ok(())
}
