//! probe: the kernel and service evidence of the server, as the course reads it.
//!
//! One shell script ([`script`]) prints every source inside the server's network
//! namespace behind a marker line; it counts TIME_WAIT sockets and log lines in
//! place, so a probe stays one cheap `docker exec` even with 30k sockets and
//! 500k-line logs. Pure parsers turn each source into typed values
//! ([`parse_snapshot`]); [`deltas`] and [`live_line`] compare two snapshots.
mod assemble;
mod collect;
mod conntrack;
mod deltas;
mod error;
mod kernel_log;
mod logs;
mod netstat;
mod render;
mod script;
mod sections;
mod snapshot;
mod sockets;
mod sysctl;

pub use assemble::parse_snapshot;
pub use collect::{collect, collect_since};
pub use deltas::{deltas, Deltas};
pub use error::ProbeError;
pub use render::{live_line, render};
pub use snapshot::{Conntrack, Kernel, Listen, Nginx, PhpFpm, Snapshot, Tcp};
