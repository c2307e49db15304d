//! What `down` did, as data: the objects it removed and what became of each host
//! value the lab had raised. The presenters put it into words.

/// What `down` did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DownReport {
    pub containers: Vec<String>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
    /// Host values put back to their original.
    pub restored: Vec<HostValue>,
    /// Host values left raised for the other labs that raised them too.
    pub kept: Vec<KeptValue>,
    /// Host values someone changed since perflab set them: left as they are.
    pub skipped: Vec<SkippedValue>,
}

/// A host value put back: `key` held `applied` and holds `original` again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HostValue {
    pub key: String,
    pub applied: u64,
    pub original: u64,
}

/// A host value other labs hold: it stays at `now` until the last of them goes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeptValue {
    pub key: String,
    pub now: u64,
    pub labs: Vec<String>,
    pub original: u64,
}

/// A host value that is `now`, not the `applied` perflab set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedValue {
    pub key: String,
    pub now: u64,
    pub applied: u64,
    pub original: u64,
}

impl DownReport {
    pub fn is_empty(&self) -> bool {
        self.containers.is_empty()
            && self.networks.is_empty()
            && self.volumes.is_empty()
            && self.restored.is_empty()
            && self.kept.is_empty()
            && self.skipped.is_empty()
    }
}
