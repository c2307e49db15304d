//! The tutor's seam to the lab: everything the course does to the real system
//! goes through [`LabOps`]. [`RealLab`](super::RealLab) drives Docker, the load
//! generator, the probes and perf; the tutor's tests drive it through a model
//! lab of their own. The tutor is synchronous (it waits on prompts), so the seam
//! is too.
use crate::engine::{ExecOutput, Side};
use crate::lessons::{Change, Service};

use super::{Facts, LabError};

/// Where a command runs: in the short-lived host helper (host pid, SYSLOG:
/// the kernel log), or in one of the server's containers (`docker exec`; the
/// lab prompt's default is nginx, which owns the network namespace).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecTarget {
    Host,
    Server(Side),
}

pub trait LabOps {
    /// The lab as it is at the start of `stage`: left alone if it already runs at
    /// that point of the course (`fresh` = false), started (again) otherwise.
    fn start_stage(&mut self, stage: u8, fresh: bool) -> Result<(), LabError>;
    /// A snapshot of the server now, with its knobs.
    fn facts_now(&mut self) -> Result<Facts, LabError>;
    /// One measured load run, watched live when `live` (and someone watches);
    /// `flame` names a function whose flame-graph share is recorded under load as
    /// well; `seconds` replaces the standard load's duration. The TIME_WAIT
    /// sockets a previous run left in the server are cleared first, so that
    /// every run starts alike.
    fn run_load(
        &mut self,
        live: bool,
        flame: Option<&str>,
        seconds: Option<u32>,
    ) -> Result<Facts, LabError>;
    /// A line run with `sh -c` where `target` says: its output and exit code.
    fn exec(&mut self, target: ExecTarget, command: &str) -> Result<ExecOutput, LabError>;
    /// `docker logs [--tail N] [-t]` of one of the server's containers: its output
    /// (stdout and stderr in the order written) as `stdout`.
    fn logs(
        &mut self,
        side: Side,
        tail: Option<u64>,
        timestamps: bool,
    ) -> Result<ExecOutput, LabError>;
    /// `perf record -g` at the lab prompt: `seconds` of perf on every CPU in the
    /// host helper under the standard load, as `perflab flame` records; keeps the
    /// `perf report` text of it in the server for [`LabOps::perf_report`].
    /// Returns what perf would say.
    fn perf_record(&mut self, seconds: u32) -> Result<ExecOutput, LabError>;
    /// `perf report`: the kept report of the last recording (made first when
    /// there is none), through `pipe` (`head -n 40`, `grep connect`...) run in
    /// the server when given.
    fn perf_report(&mut self, pipe: Option<&str>) -> Result<ExecOutput, LabError>;
    /// The lab's name: its containers are `<name>-nginx` and `<name>-phpfpm`.
    fn lab_name(&self) -> String;
    /// Applies one accepted change of a fix; returns what was done, in a line.
    fn apply(&mut self, change: &Change, value: Option<&str>) -> Result<String, LabError>;
    /// Restarts services so that they listen again.
    fn restart(&mut self, services: &[Service]) -> Result<(), LabError>;
}
