//! The learner's progress, saved after every step so that `perflab` resumes where
//! they stopped. A file that does not parse is reported (and kept aside), never
//! silently replaced.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FORMAT: u32 = 1;
const FILE: &str = "progress.json";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    InProgress,
    Done,
    Skipped,
}

/// The figures of one load run that the course compares.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunFigures {
    pub goodput_rps: f64,
    pub total_rps: f64,
    pub p99_ms: f64,
    pub errors: BTreeMap<String, u64>,
    /// The stage's symptom counter's growth over the run.
    pub symptom_delta: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageProgress {
    pub status: StageStatus,
    /// The next step to take (its name), within the stage.
    pub step: String,
    pub before: Option<RunFigures>,
    pub after: Option<RunFigures>,
    /// Wrong answers and refused fixes, for the report.
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub hints_used: u32,
    /// The learner tried the fix at least once (the solution is offered then).
    #[serde(default)]
    pub tried_fix: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    format: u32,
    pub lang: Option<String>,
    /// The stage the learner is on.
    pub stage: u8,
    pub stages: BTreeMap<u8, StageProgress>,
    /// The class this learner joined (`perflab class join`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<crate::class::Membership>,
    /// `perflab challenge`: its goal, clock, hints and fixes (absent until one starts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge: Option<super::challenge::ChallengeProgress>,
    /// This learner's order of every question's choices (drawn when the course
    /// begins; a progress saved before it has 0, a fixed order).
    #[serde(default)]
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a progress file perflab can read ({reason}); move it away or run `perflab reset --all`")]
    Corrupt { path: PathBuf, reason: String },
    #[error("saving progress to {path}: {source}; is the disk full? Your last step was not saved")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Default for Progress {
    fn default() -> Self {
        Progress {
            format: FORMAT,
            lang: None,
            stage: 0,
            stages: BTreeMap::new(),
            class: None,
            challenge: None,
            seed: fresh_seed(),
        }
    }
}

/// A seed of its own for each learner: the clock's nanoseconds and the pid,
/// mixed. (Not a secret: it only orders the choices of the questions.)
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    splitmix(nanos ^ (u64::from(std::process::id()) << 32))
}

/// One step of splitmix64: a well-mixed 64-bit value from any input.
pub fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Progress {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    pub fn load(dir: &Path) -> Result<Progress, ProgressError> {
        let path = Self::path(dir);
        let text = match crate::files::read_if_there(&path) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(Progress::default()),
            Err(source) => return Err(ProgressError::Read { path, source }),
        };
        let p: Progress = serde_json::from_str(&text).map_err(|e| ProgressError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if p.format != FORMAT {
            return Err(ProgressError::Corrupt {
                path,
                reason: format!("format {} is not {FORMAT}", p.format),
            });
        }
        Ok(p)
    }

    /// Atomic save: a crash mid-write leaves the previous progress.
    pub fn save(&self, dir: &Path) -> Result<(), ProgressError> {
        let path = Self::path(dir);
        let text = serde_json::to_string_pretty(self).expect("progress serializes");
        crate::files::write_atomic(&path, text.as_bytes())
            .map_err(|source| ProgressError::Write { path, source })
    }

    pub fn stage_mut(&mut self, n: u8) -> &mut StageProgress {
        self.stages.entry(n).or_insert_with(|| StageProgress {
            status: StageStatus::InProgress,
            step: crate::lessons::StepKind::Brief.name().into(),
            before: None,
            after: None,
            attempts: 0,
            hints_used: 0,
            tried_fix: false,
        })
    }

    #[cfg(test)]
    fn stage_mut_step_name(mut self) -> String {
        self.stage_mut(0).step.clone()
    }

    /// Puts one stage back to its start; later stages too, since each builds on it.
    pub fn reset_from(&mut self, n: u8) {
        self.stages.retain(|&k, _| k < n);
        self.stage = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_loads_and_resets() {
        let dir = std::env::temp_dir().join(format!("perflab-progress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut p = Progress::load(&dir).unwrap();
        assert_eq!(p.stage, 0);
        p.stage_mut(0).status = StageStatus::Done;
        p.stage_mut(1).step = "fix".into();
        p.stage = 1;
        p.save(&dir).unwrap();
        let mut back = Progress::load(&dir).unwrap();
        assert_eq!(back, p);
        back.reset_from(1);
        assert!(back.stages.contains_key(&0) && !back.stages.contains_key(&1));
        std::fs::write(Progress::path(&dir), "{oops").unwrap();
        assert!(matches!(
            Progress::load(&dir),
            Err(ProgressError::Corrupt { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_progress_saved_at_the_read_step_resumes_at_the_brief() {
        let json = r#"{"format": 1, "lang": "en", "stage": 2, "stages": {"2": {"status": "in_progress", "step": "read", "before": null, "after": null}}}"#;
        let p: Progress = serde_json::from_str(json).unwrap();
        let step = &p.stages[&2].step;
        assert_eq!(
            crate::tutor::step::step_kind(step),
            Some(crate::lessons::StepKind::Brief)
        );
        assert_eq!(Progress::default().stage_mut_step_name(), "brief");
    }
}
