//! Ownership labels: every Docker object perflab creates carries them, and the
//! sweep removes exactly the objects that carry `io.perflab.lab`.
use std::collections::HashMap;

/// Present on every object perflab creates; its value is the lab's name.
pub const LAB: &str = "io.perflab.lab";
/// The run (process and time) that created the object.
pub const RUN: &str = "io.perflab.run";
/// What the object is: server-nginx, server-phpfpm, toolbox, network, volume, image.
pub const ROLE: &str = "io.perflab.role";
/// The stage the lab was started at.
pub const STAGE: &str = "io.perflab.stage";

/// The default lab name; `PERFLAB_LAB` picks another, so that several labs (a
/// developer's and a test's) can live side by side. Object names derive from it.
pub const DEFAULT_LAB_NAME: &str = "perflab";

/// The lab name from `PERFLAB_LAB`, checked: 1 to 20 of `a-z`, `0-9`, `-`.
pub fn lab_name() -> Result<String, String> {
    Ok(name_from("PERFLAB_LAB", "lab name")?.unwrap_or_else(|| DEFAULT_LAB_NAME.to_string()))
}

/// The image set from `PERFLAB_IMAGES` (same rules), when one is named: its images
/// are `<set>-perflab-server` and so on. The tests of an interrupted build use one,
/// to build without touching the images every lab shares.
pub fn image_set() -> Result<Option<String>, String> {
    name_from("PERFLAB_IMAGES", "image set name")
}

fn name_from(var: &str, what: &str) -> Result<Option<String>, String> {
    let name = std::env::var(var).unwrap_or_default();
    if name.is_empty() {
        return Ok(None);
    }
    let ok = name.len() <= 20
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(Some(name))
    } else {
        Err(format!(
            "{var} {name:?} is not a valid {what}: 1 to 20 characters of a-z, 0-9 and -, starting with a letter"
        ))
    }
}

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
