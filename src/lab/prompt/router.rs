//! The router itself: a typed line to its [`Route`], and a route run through
//! the lab seam.
use crate::engine::{ExecOutput, Side};
use crate::lab::{ExecTarget, LabError, LabOps};
use crate::lessons::{Evidence, Place};

use super::kernel::{classify, KernelLog};
use super::route::Route;
use super::{docker, perf};

/// Where `line` runs. `evidence` is the stage's (a line that is exactly a host
/// evidence's command runs in the host helper); `lab` is the lab's name.
pub fn route(line: &str, evidence: &[Evidence], lab: &str) -> Route {
    let line = line.trim();
    match line.split_whitespace().next() {
        Some("docker") => return docker::route(line, lab),
        Some("perf") => return perf::route(line),
        _ => {}
    }
    match classify(line) {
        KernelLog::Read => return Route::Host(line.to_string()),
        KernelLog::Refused(why) => return Route::Refused(why),
        KernelLog::No => {}
    }
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let is_host_evidence = evidence
        .iter()
        .any(|e| e.runs_in == Place::Host && norm(&e.command) == norm(line));
    match is_host_evidence {
        true => Route::Host(line.to_string()),
        false => Route::Server {
            side: Side::Nginx,
            command: line.to_string(),
        },
    }
}

/// Runs `route` in the lab. A refused line is answered like a failed command:
/// the reason on stderr, exit code 2.
pub fn run(lab: &mut dyn LabOps, route: &Route) -> Result<ExecOutput, LabError> {
    match route {
        Route::Server { side, command } => lab.exec(ExecTarget::Server(*side), command),
        Route::Host(command) => lab.exec(ExecTarget::Host, command),
        Route::Logs {
            side,
            tail,
            timestamps,
        } => lab.logs(*side, *tail, *timestamps),
        Route::PerfRecord { seconds } => lab.perf_record(*seconds),
        Route::PerfReport { pipe } => lab.perf_report(pipe.as_deref()),
        Route::Refused(why) => Ok(ExecOutput {
            stdout: String::new(),
            stderr: format!("{why}\n"),
            code: 2,
        }),
    }
}
