//! probe: the kernel and service evidence of the server, as the course reads it.
//!
//! One shell script ([`script`]) prints every source inside the server's network
//! namespace behind a marker line; it counts TIME_WAIT sockets and log lines in
//! place, so a probe stays one cheap `docker exec` even with 30k sockets and
//! 500k-line logs. Pure parsers turn each source into typed values
//! ([`parse_snapshot`]); [`deltas`] compares two snapshots. During a load run a
//! lighter loop ([`stream_gauges`]) reads only files, once a second, for the
//! [`live_line`].
mod assemble;
mod collect;
mod conntrack;
mod deltas;
mod error;
mod gauges;
mod kernel_log;
mod logs;
mod netstat;
mod render;
mod script;
mod sections;
mod snapshot;
mod sockets;
mod stream;
mod sysctl;

pub use assemble::parse_snapshot;
pub use collect::{collect, collect_since};
pub use deltas::{deltas, Deltas};
pub use error::ProbeError;
pub use gauges::Gauges;
pub use render::{live_line, render};
pub use snapshot::{Conntrack, Kernel, Listen, Nginx, PhpFpm, Snapshot, Tcp};
pub use stream::{stream_gauges, stream_live_lines};
