//! Flame graphs of the server under load: where the kernel spends the server's
//! CPU time. Stage 5 is found this way, as in the seed: connect() searching for
//! a free local port (tcp_v4_connect → __inet_hash_connect →
//! __inet_check_established) while nginx's ports sit in TIME_WAIT.
//!
//! perf records every CPU from the host helper ([`run_record`]) while the lab
//! layer runs the load; [`draw`] folds the samples of the server's processes,
//! measures [`function_share`] and [`top`], and writes inferno's SVG.
pub mod advice;
mod draw;
mod error;
mod fold;
mod host;
mod perf;
mod share;
mod svg;

pub use draw::{check_args, check_function, draw, FlameReport, SECONDS};
pub use error::{BadFunction, FlameError, FoldError};
pub use fold::{fold, Folded};
pub use host::HostFacts;
pub use perf::{perf_available, run_record, PerfRun, EVENT, FREQUENCY, REPORT_OPTIONS};
pub use share::{function_share, shorten, top, TopStack, TOP_DEPTH};
pub use svg::write_svg;

/// The function `perflab flame` looks for unless told otherwise.
pub const DEFAULT_FUNCTION: &str = "inet_hash_connect";
