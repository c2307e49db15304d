//! What is known about the lab at one moment: a snapshot, the server's knobs,
//! and the latest measured run. Serializable, so that the run before a fix
//! outlives the session that measured it (`perflab check`, a resumed course).
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::Knobs;
use crate::load::LoadReport;
use crate::probe::{Deltas, Snapshot};

/// One load run and the evidence around it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunFacts {
    pub report: LoadReport,
    /// How the server's counters moved over the run.
    pub deltas: Deltas,
    /// The server right after the run.
    pub after: Snapshot,
    /// Server CPU (both containers) per 2xx response, microseconds.
    pub server_cpu_us_per_request: Option<f64>,
    /// Flame-graph shares by function, when a recording was made under this load.
    pub flame: BTreeMap<String, f64>,
    /// How the server was settled before the run (absent in runs saved by older perflabs).
    #[serde(default)]
    pub settled: Option<super::Settled>,
}

/// Everything a predicate may read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Facts {
    /// A snapshot taken now (settings and gauges).
    pub now: Option<Snapshot>,
    /// The server's knobs now (for service settings such as `phpfpm.max_children`).
    pub knobs: Option<Knobs>,
    /// The latest load run.
    pub run: Option<RunFacts>,
}
