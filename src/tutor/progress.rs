//! The learner's progress, saved after every step so that `perflab` resumes where
//! they stopped. A file that does not parse is reported (and kept aside), never
//! silently replaced.
//!
//! The class the learner joined has a file of its own (`perflab class join`
//! and `leave` write it while a course may be saving its progress); a progress
//! saved before, which held it, hands it over when it is loaded.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::class::{ClassError, Membership};
use crate::lessons::{Lang, StepKind};

use super::position::Position;

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
    /// None when nothing was answered: such a run has no latency (a progress
    /// saved before wrote 0 for it).
    pub p99_ms: Option<f64>,
    pub errors: BTreeMap<crate::load::Failure, u64>,
    /// The stage's symptom counter's growth over the run.
    pub symptom_delta: Option<f64>,
    /// 2xx of each whole second of the run: a run that flapped shows here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goodput_series: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageProgress {
    pub status: StageStatus,
    /// The next step to take within the stage, or done.
    #[serde(rename = "step")]
    pub position: Position,
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
    pub lang: Option<Lang>,
    /// The stage the learner is on.
    pub stage: u8,
    pub stages: BTreeMap<u8, StageProgress>,
    /// The class membership a progress saved before it had its own file held;
    /// handed over to that file by [`Progress::load`], never saved here.
    #[serde(default, rename = "class", skip_serializing)]
    old_class: Option<Membership>,
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
    #[error("{path} is not a progress file perflab can read ({source}); move it away or run `perflab reset --all`")]
    Corrupt {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{path} is a progress file of format {found}, not {FORMAT}; move it away or run `perflab reset --all`")]
    Format { path: PathBuf, found: u32 },
    #[error("moving the class membership out of {path}: {source}")]
    Membership {
        path: PathBuf,
        #[source]
        source: ClassError,
    },
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
            old_class: None,
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
        let mut p: Progress =
            serde_json::from_str(&text).map_err(|source| ProgressError::Corrupt {
                path: path.clone(),
                source,
            })?;
        if p.format != FORMAT {
            return Err(ProgressError::Format {
                path,
                found: p.format,
            });
        }
        if let Some(m) = p.old_class.take() {
            p.hand_over(m, dir)?;
        }
        Ok(p)
    }

    /// A membership this file held goes to its own file (unless one is there
    /// already: it is newer), then the progress is saved without it, so that a
    /// `perflab class leave` is never undone by the old copy.
    fn hand_over(&self, m: Membership, dir: &Path) -> Result<(), ProgressError> {
        let moved = |source| ProgressError::Membership {
            path: Self::path(dir),
            source,
        };
        if Membership::load(dir).map_err(moved)?.is_none() {
            m.save(dir).map_err(moved)?;
        }
        self.save(dir)
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
            position: Position::At(StepKind::Brief),
            before: None,
            after: None,
            attempts: 0,
            hints_used: 0,
            tried_fix: false,
        })
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
        p.stage_mut(1).position = Position::At(StepKind::Fix);
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
        assert_eq!(p.stages[&2].position, Position::At(StepKind::Brief));
        let mut fresh = Progress::default();
        assert_eq!(fresh.stage_mut(0).position, Position::At(StepKind::Brief));
    }

    /// A progress file as perflab wrote it before the typed position, language
    /// and membership file: a stage done, one at its fix, the language, a class.
    const OLD: &str = r#"{
  "format": 1,
  "lang": "zh",
  "stage": 1,
  "stages": {
    "0": {"status": "done", "step": "done", "before": null, "after": null,
          "attempts": 1, "hints_used": 0, "tried_fix": false},
    "1": {"status": "in_progress", "step": "fix", "before": null, "after": null,
          "attempts": 2, "hints_used": 1, "tried_fix": true}
  },
  "class": {"server": "http://127.0.0.1:8470", "join_token": "00112233445566778899aabbccddeeff",
            "learner": "0123456789abcdef0123456789abcdef", "secret": "s", "name": "ana", "title": "t"},
  "seed": 7
}"#;

    #[test]
    fn an_old_progress_file_loads_with_the_same_strings_and_hands_over_its_class() {
        let dir = std::env::temp_dir().join(format!("perflab-progress-old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Progress::path(&dir), OLD).unwrap();
        let p = Progress::load(&dir).unwrap();
        assert_eq!(p.lang, Some(Lang::Zh));
        assert_eq!(p.stages[&0].position, Position::Done);
        assert_eq!(p.stages[&1].position, Position::At(StepKind::Fix));
        let m = Membership::load(&dir)
            .unwrap()
            .expect("the class has its own file");
        assert_eq!((m.name.as_str(), m.title.as_str()), ("ana", "t"));
        // The progress was saved again without it, with the same strings.
        let saved: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(Progress::path(&dir)).unwrap()).unwrap();
        assert!(saved.get("class").is_none(), "{saved}");
        assert_eq!(saved["lang"], "zh");
        assert_eq!(saved["stages"]["0"]["step"], "done");
        assert_eq!(saved["stages"]["1"]["step"], "fix");
        assert_eq!(Progress::load(&dir).unwrap(), p);
        // A membership of its own is newer than the copy in an old file.
        Membership::remove(&dir).unwrap();
        let mut other = m.clone();
        other.name = "bo".into();
        other.save(&dir).unwrap();
        std::fs::write(Progress::path(&dir), OLD).unwrap();
        Progress::load(&dir).unwrap();
        assert_eq!(Membership::load(&dir).unwrap().unwrap().name, "bo");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
