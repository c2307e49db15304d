//! The lab prompt's router: where a typed line runs, decided from its text
//! alone (pure, unit-tested), so that the seed's commands work as the seed types
//! them.
//!
//! - Any line runs inside the server (the nginx container), whatever it is:
//!   that is the lab's to break.
//! - `dmesg` alone, or piped into a few filters, with options that only read,
//!   runs in perflab's host helper: the kernel log is the host's. The helper
//!   shares the host's process namespace with SYS_ADMIN and SYSLOG, so nothing
//!   else may reach it: no shell syntax, no option that clears or changes the
//!   log (`-C`, `-c`, `-D`, `-E`, `-n` are refused outright).
//! - `docker logs [--tail N] [-t] nginx|phpfpm` reads that container's output
//!   through the engine; `docker exec [-it] nginx|phpfpm CMD...` runs CMD in that
//!   container, a trailing `| grep ...` included (the lab's real container
//!   names work too).
//! - `perf record -g` records under the standard load in the host helper, as
//!   `perflab flame` does; `perf report [--stdio] [| head ...]` shows the report
//!   kept from it.
//!
//! `perflab shell` runs everything in the server; its `dmesg` prints the copy of
//! the host's kernel log that the shell makes through the helper
//! (`crate::lab::kernel_copy`).
mod docker;
mod kernel;
mod perf;
mod route;
mod router;
#[cfg(test)]
mod tests;

pub use kernel::is_kernel_log_read;
pub use route::{Refused, Route};
pub use router::{route, run};
