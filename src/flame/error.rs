//! Errors of the flame graph: reading perf's text, and recording under load.
use std::path::PathBuf;

use super::host::HostFacts;
use crate::engine::EngineError;

/// `perf script` text that cannot be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FoldError {
    #[error("perf script printed no samples; was anything running while perf recorded?")]
    NoSamples,
    #[error("reading perf script output: line {line_no} is not a sample header or a stack frame ({line:?}); is this the output of `perf script`?")]
    NotPerfScript { line_no: usize, line: String },
}

#[derive(Debug, thiserror::Error)]
pub enum FlameError {
    /// perf could not sample the host's kernel; the reason as perf or Docker gave it.
    /// [`super::advice::WITHOUT_PERF`] says what is needed and what to use instead.
    #[error("perf cannot sample the host's kernel from the host helper: {reason}")]
    PerfUnavailable { reason: String, facts: HostFacts },
    #[error("perf recorded {samples} samples but none of the server's processes ({pids} pids); is the server busy? check that the load reached it with `perflab load`")]
    NoServerSamples { samples: u64, pids: usize },
    #[error("folding the kernel stacks: {0}")]
    Fold(#[from] FoldError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("writing the flame graph {}: {source}; is the state directory writable? set PERFLAB_STATE_DIR to use another", .path.display())]
    Svg {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{seconds} seconds of recording is out of range; accepted: {lo} to {hi}")]
    Seconds { seconds: u32, lo: u32, hi: u32 },
    #[error(transparent)]
    Function(#[from] BadFunction),
    #[error("interrupted")]
    Cancelled,
}

/// A function name that cannot match a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("function {function:?} cannot match a frame; give part of a symbol name (1 to 200 characters, no spaces or `;`), e.g. inet_hash_connect")]
pub struct BadFunction {
    pub function: String,
}
