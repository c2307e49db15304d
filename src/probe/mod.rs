//! probe: the kernel and service evidence of the server, as the course reads it.
//!
//! One shell script ([`script`]) prints every source inside the server's network
//! namespace behind a marker line; it counts TIME_WAIT sockets and log lines in
//! place, so a probe stays one cheap `docker exec` even with 30k sockets and
//! 500k-line logs. Pure parsers turn each source into typed values
//! ([`parse_snapshot`], [`assemble`]); [`deltas`] compares two snapshots. During a
//! load run a lighter loop ([`gauge_script`]) reads only files, once a second;
//! [`GaugeRates`] are its frames as rates. The probe runs nothing itself: the
//! lab layer execs the scripts in the server and hands their output here.
mod assemble;
mod conntrack;
mod deltas;
mod error;
mod gauges;
mod kernel_log;
mod leftovers;
mod logs;
mod netstat;
mod read;
mod script;
mod sections;
mod snapshot;
mod sockets;
mod sysctl;

pub use assemble::{continue_logs, parse_snapshot};
pub use deltas::{deltas, Deltas};
pub use error::ProbeError;
pub use gauges::{parse_frame, script as gauge_script, take_frames, GaugeRates, Gauges};
pub use leftovers::{leftovers, Leftover};
pub use read::{assemble, last_line, KernelLogRead};
pub use script::script;
pub use snapshot::{Conntrack, Kernel, Listen, Nginx, PhpFpm, Snapshot, Tcp};
