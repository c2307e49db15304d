//! Flame graphs of the server under load: where the kernel spends the server's
//! CPU time. Stage 5 is found this way, as in the seed: connect() searching for
//! a free local port (tcp_v4_connect → __inet_hash_connect →
//! __inet_check_established) while nginx's ports sit in TIME_WAIT.
//!
//! perf records every CPU from the host helper while the lab's load runs;
//! [`fold`] keeps the samples of the server's processes; [`function_share`] and
//! [`top`] are what the terminal shows; the SVG is inferno's.
pub mod advice;
mod error;
mod fold;
mod perf;
mod record;
mod share;
mod svg;

pub use error::{FlameError, FoldError};
pub use fold::{fold, Folded};
pub use perf::{perf_available, HostFacts, EVENT, FREQUENCY};
pub use record::{check_function, record, FlameReport, SECONDS};
pub use share::{function_share, shorten, top, TopStack, TOP_DEPTH};
pub use svg::write_svg;

/// The function `perflab flame` looks for unless told otherwise.
pub const DEFAULT_FUNCTION: &str = "inet_hash_connect";
