//! The load runs of a stage (before the fix, and the check's run after it),
//! kept in the state directory beside the progress. The progress holds their
//! headline figures; these hold everything a predicate or a comparison reads,
//! so that a resumed course and `perflab check` judge against the same run.
use std::path::{Path, PathBuf};

use super::facts::Facts;
use super::progress::ProgressError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Before,
    After,
}

fn path(dir: &Path, stage: u8, which: Which) -> PathBuf {
    let name = match which {
        Which::Before => "before",
        Which::After => "after",
    };
    dir.join("runs").join(format!("stage-{stage}-{name}.json"))
}

/// Saves one run, atomically (a crash leaves the previous one).
pub fn save(dir: &Path, stage: u8, which: Which, facts: &Facts) -> Result<(), ProgressError> {
    let path = path(dir, stage, which);
    let err = |source| ProgressError::Write {
        path: path.clone(),
        source,
    };
    let parent = path.parent().expect("a runs folder");
    std::fs::create_dir_all(parent).map_err(err)?;
    let tmp = path.with_extension("json.tmp");
    let text = serde_json::to_string(facts).expect("facts serialize");
    std::fs::write(&tmp, text).map_err(err)?;
    std::fs::rename(&tmp, &path).map_err(err)
}

/// A saved run; `None` when there is none, or it no longer parses (an older
/// perflab wrote it): the course then measures again.
pub fn load(dir: &Path, stage: u8, which: Which) -> Option<Facts> {
    let text = std::fs::read_to_string(path(dir, stage, which)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Forgets the runs of one stage (its lab was started again).
pub fn remove_from_stage(dir: &Path, stage: u8) {
    for which in [Which::Before, Which::After] {
        // Absent is fine: the stage may not have got that far.
        let _ = std::fs::remove_file(path(dir, stage, which));
    }
}

/// Forgets the runs of `from` and every later stage (a reset).
pub fn remove_from(dir: &Path, from: u8) {
    for stage in from..=*crate::lessons::STAGES.end() {
        remove_from_stage(dir, stage);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_loads_and_forgets() {
        let dir = std::env::temp_dir().join(format!("perflab-runs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(load(&dir, 2, Which::Before).is_none());
        save(&dir, 2, Which::Before, &Facts::default()).unwrap();
        save(&dir, 3, Which::After, &Facts::default()).unwrap();
        assert!(load(&dir, 2, Which::Before).is_some());
        remove_from(&dir, 3);
        assert!(load(&dir, 2, Which::Before).is_some());
        assert!(load(&dir, 3, Which::After).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
