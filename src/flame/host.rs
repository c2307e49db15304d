//! What the host says about perf: the two settings that decide whether perf may
//! sample the kernel and show its function names.

/// The host settings perf depends on, as the helper read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostFacts {
    pub perf_event_paranoid: Option<i32>,
    pub kptr_restrict: Option<i32>,
}
