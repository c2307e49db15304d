//! Ownership labels: every Docker object perflab creates carries them, and the
//! sweep removes exactly the objects that carry `io.perflab.lab`.
use std::collections::HashMap;

/// Present on every object perflab creates; its value is the lab's name.
pub const LAB: &str = "io.perflab.lab";
/// The value of [`LAB`] on what every lab of an engine shares (the ledger of
/// host values): no lab's name can be it, so no lab's sweep removes it; the
/// last lab to give its values back does.
pub const ENGINE_WIDE: &str = ":engine";
/// The run (process and time) that created the object.
pub const RUN: &str = "io.perflab.run";
/// What the object is: server-nginx, server-phpfpm, toolbox, network, volume, image.
pub const ROLE: &str = "io.perflab.role";
/// The stage the lab was started at.
pub const STAGE: &str = "io.perflab.stage";

pub fn labels(lab: &str, run: &str, role: &str) -> HashMap<String, String> {
    HashMap::from([
        (LAB.to_string(), lab.to_string()),
        (RUN.to_string(), run.to_string()),
        (ROLE.to_string(), role.to_string()),
    ])
}

/// The Docker list filter that selects this lab's objects and nothing else.
pub fn filter(lab: &str) -> HashMap<String, Vec<String>> {
    HashMap::from([("label".to_string(), vec![format!("{LAB}={lab}")])])
}

/// A run id: this process and the time it started, for the `RUN` label.
pub fn run_id() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("{}-{}", std::process::id(), secs)
}
