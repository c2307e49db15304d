//! The challenge in the learner's progress, and how a `perflab challenge`
//! begins from it. Pure.
//!
//! A challenge starts a fresh broken server, measures the baseline, and opens
//! the prompt; it ends when a `check` reaches the goal. Stopped, it resumes:
//! in the same lab when that still runs (the lab carries the challenge's id),
//! else in a fresh broken server with the fixes the learner applied at the
//! prompt applied again, in their order. The baseline, the goal, the clock and
//! the hints are kept either way.
//!
//! Nothing is kept twice: the hints are counted by stage and summed, and a
//! finished challenge's time and score are its clock's and the score of it.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::goal::{Goal, RunMeasure};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChallengeProgress {
    /// The id written into the challenge's lab when it was started.
    pub lab_id: String,
    pub goal: Goal,
    /// The broken server's run; absent until it is measured.
    #[serde(default)]
    pub baseline: Option<RunMeasure>,
    /// Seconds on the clock so far (its final time once finished).
    #[serde(default)]
    pub elapsed_s: f64,
    /// Hints shown for each stage's fault, so the next is the one after them.
    /// (A progress saved before kept their sum as `hints` too; it is ignored.)
    #[serde(default)]
    pub hints_by_stage: BTreeMap<u8, u32>,
    /// The fixes applied at the prompt, in order.
    #[serde(default)]
    pub fixes: Vec<AppliedFix>,
    #[serde(default)]
    pub checks: u32,
    #[serde(default)]
    pub last_check: Option<RunMeasure>,
    /// A `check` reached the goal: the clock stopped.
    #[serde(default, deserialize_with = "finished_or_old")]
    pub finished: bool,
    /// When `elapsed_s` was last saved with the clock running (Unix ms): a
    /// Ctrl-C at the prompt adds the time since (see [`Self::stopped_at`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_since_ms: Option<u64>,
}

/// One typed line that was a stage's fix, as it was applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedFix {
    pub stage: u8,
    /// The lesson's change id (`raise-max`).
    pub change: String,
    /// Its value in canonical spelling, for a change that takes one.
    pub value: Option<String>,
    /// What the learner typed.
    pub typed: String,
}

impl ChallengeProgress {
    pub fn new(lab_id: String, goal: Goal) -> ChallengeProgress {
        ChallengeProgress {
            lab_id,
            goal,
            baseline: None,
            elapsed_s: 0.0,
            hints_by_stage: BTreeMap::new(),
            fixes: Vec::new(),
            checks: 0,
            last_check: None,
            finished: false,
            running_since_ms: None,
        }
    }

    /// Hints shown so far.
    pub fn hints(&self) -> u32 {
        self.hints_by_stage.values().sum()
    }

    /// The score of the time on the clock and the hints: the final one once finished.
    pub fn score(&self) -> u32 {
        super::score::score(self.hints(), self.elapsed_s)
    }

    /// The clock stopped at `now_ms` after a stop that could not save it (a
    /// Ctrl-C while the prompt waits): the time since the last save counts.
    /// A clock saved as stopped, or one behind `now_ms`, is left as it is.
    pub fn stopped_at(&mut self, now_ms: u64) {
        let Some(at) = self.running_since_ms.take() else {
            return;
        };
        if !self.finished {
            self.elapsed_s += now_ms.saturating_sub(at) as f64 / 1000.0;
        }
    }
}

/// `finished` as saved: `true`/`false`, or as a progress saved before it was
/// one (`null`, or the time, hints and score it copied from the challenge).
fn finished_or_old<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Saved {
        Now(bool),
        Before(Option<serde::de::IgnoredAny>),
    }
    Ok(match Saved::deserialize(d)? {
        Saved::Now(done) => done,
        Saved::Before(copy) => copy.is_some(),
    })
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// What `perflab challenge` was asked: a new challenge, and goal options given
/// on the command line (`None` where left to the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Request {
    pub new: bool,
    pub factor: Option<u32>,
    pub p99_ms: Option<u64>,
}

/// How this run of the command begins.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// A finished challenge and no `--new`: its result again.
    Finished(Box<ChallengeProgress>),
    /// A fresh broken server, its baseline, then the prompt.
    Start(Goal),
    Resume {
        c: Box<ChallengeProgress>,
        lab: LabStep,
        /// The baseline was not measured before the stop.
        measure_baseline: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabStep {
    /// The challenge's lab still runs.
    Keep,
    /// It is gone: a fresh broken server, and this many fixes applied again.
    Restart { reapply: usize },
}

/// Goal options that differ from those of the challenge in progress.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the challenge in progress has the goal --goal {factor} --p99 {p99_ms}ms: run `perflab challenge` without goal options to resume it, or `perflab challenge --new` to start another with new ones")]
pub struct GoalMismatch {
    pub factor: u32,
    pub p99_ms: u64,
}

/// Refuses goal options that differ from those of the challenge in progress
/// (the goal is fixed at the start); checked before anything acts.
pub fn check(saved: Option<&ChallengeProgress>, req: &Request) -> Result<(), GoalMismatch> {
    let Some(c) = saved.filter(|_| !req.new) else {
        return Ok(());
    };
    let asked = Goal {
        factor: req.factor.unwrap_or(c.goal.factor),
        p99_ms: req.p99_ms.unwrap_or(c.goal.p99_ms),
    };
    match asked == c.goal {
        true => Ok(()),
        false => Err(GoalMismatch {
            factor: c.goal.factor,
            p99_ms: c.goal.p99_ms,
        }),
    }
}

/// Decides how to begin from the saved challenge, the request (already
/// [`check`]ed), and the challenge id found in the running lab (`None` without
/// a lab or an id).
pub fn plan(saved: Option<&ChallengeProgress>, req: &Request, lab_id: Option<&str>) -> Plan {
    let saved = match saved {
        Some(c) if !req.new => c,
        _ => {
            let d = Goal::default();
            return Plan::Start(Goal {
                factor: req.factor.unwrap_or(d.factor),
                p99_ms: req.p99_ms.unwrap_or(d.p99_ms),
            });
        }
    };
    if saved.finished {
        return Plan::Finished(Box::new(saved.clone()));
    }
    let lab = match lab_id == Some(saved.lab_id.as_str()) {
        true => LabStep::Keep,
        false => LabStep::Restart {
            reapply: saved.fixes.len(),
        },
    };
    Plan::Resume {
        c: Box::new(saved.clone()),
        lab,
        measure_baseline: saved.baseline.is_none(),
    }
}

/// A challenge under way with a baseline and one fix, for tests.
#[cfg(test)]
pub fn sample() -> ChallengeProgress {
    let mut c = ChallengeProgress::new("c-1".into(), Goal::default());
    c.baseline = Some(RunMeasure::default());
    c.fixes.push(AppliedFix {
        stage: 2,
        change: "max-children".into(),
        value: Some("20".into()),
        typed: "pm.max_children = 20".into(),
    });
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved() -> ChallengeProgress {
        sample()
    }

    #[test]
    fn a_first_challenge_starts_with_the_goal_asked() {
        let req = Request {
            factor: Some(10),
            ..Request::default()
        };
        assert_eq!(check(None, &req), Ok(()));
        assert_eq!(
            plan(None, &req, None),
            Plan::Start(Goal {
                factor: 10,
                p99_ms: 1000
            })
        );
    }

    #[test]
    fn a_stopped_challenge_resumes_in_its_lab_or_a_fresh_one() {
        let c = saved();
        let req = Request::default();
        assert!(matches!(
            plan(Some(&c), &req, Some("c-1")),
            Plan::Resume {
                lab: LabStep::Keep,
                measure_baseline: false,
                ..
            }
        ));
        for other in [None, Some("c-0")] {
            match plan(Some(&c), &req, other) {
                Plan::Resume {
                    c: kept,
                    lab: LabStep::Restart { reapply: 1 },
                    measure_baseline: false,
                } => assert_eq!(*kept, c),
                p => panic!("{p:?}"),
            }
        }
        let mut early = c.clone();
        early.baseline = None;
        assert!(matches!(
            plan(Some(&early), &req, Some("c-1")),
            Plan::Resume {
                measure_baseline: true,
                ..
            }
        ));
    }

    #[test]
    fn the_goal_is_kept_for_the_whole_challenge() {
        let c = saved();
        let same = Request {
            factor: Some(10),
            ..Request::default()
        };
        assert_eq!(check(Some(&c), &same), Ok(()));
        let other = Request {
            p99_ms: Some(500),
            ..Request::default()
        };
        let e = check(Some(&c), &other).unwrap_err();
        assert!(e.to_string().contains("--goal 10 --p99 1000ms"), "{e}");
        let new = Request { new: true, ..other };
        assert_eq!(check(Some(&c), &new), Ok(()));
        assert_eq!(
            plan(Some(&c), &new, Some("c-1")),
            Plan::Start(Goal {
                factor: 10,
                p99_ms: 500
            })
        );
    }

    #[test]
    fn a_finished_challenge_shows_its_result_until_a_new_one() {
        let mut c = saved();
        c.elapsed_s = 300.0;
        c.hints_by_stage.insert(2, 1);
        c.finished = true;
        match plan(Some(&c), &Request::default(), None) {
            Plan::Finished(f) => assert_eq!(f.score(), 870),
            p => panic!("{p:?}"),
        }
        let new = Request {
            new: true,
            ..Request::default()
        };
        assert!(matches!(plan(Some(&c), &new, None), Plan::Start(_)));
    }

    #[test]
    fn a_clock_left_running_counts_up_to_the_stop_once() {
        let mut c = saved();
        c.elapsed_s = 60.0;
        c.running_since_ms = Some(1_000_000);
        c.stopped_at(1_012_500);
        assert_eq!(c.elapsed_s, 72.5);
        assert_eq!(c.running_since_ms, None);
        c.stopped_at(2_000_000);
        assert_eq!(c.elapsed_s, 72.5, "counted once");
        c.running_since_ms = Some(5_000);
        c.stopped_at(4_000);
        assert_eq!(c.elapsed_s, 72.5, "a clock behind adds nothing");
        c.running_since_ms = Some(0);
        c.finished = true;
        c.stopped_at(9_000);
        assert_eq!(c.elapsed_s, 72.5, "a finished clock stays");
    }

    #[test]
    fn a_challenge_saved_with_its_copies_of_hints_and_the_finish_reads_as_one() {
        let json = r#"{"lab_id": "c-9", "goal": {"factor": 10, "p99_ms": 1000},
            "elapsed_s": 300.0, "hints": 1, "hints_by_stage": {"2": 1},
            "finished": {"elapsed_s": 300.0, "hints": 1, "score": 870}}"#;
        let c: ChallengeProgress = serde_json::from_str(json).unwrap();
        assert!(c.finished);
        assert_eq!((c.hints(), c.score()), (1, 870));
        let running = json.replace(r#"{"elapsed_s": 300.0, "hints": 1, "score": 870}"#, "null");
        let c: ChallengeProgress = serde_json::from_str(&running).unwrap();
        assert!(!c.finished);
        let saved: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(saved["finished"], false);
        assert!(
            saved.get("hints").is_none(),
            "the sum is not saved: {saved}"
        );
    }

    #[test]
    fn an_older_progress_without_the_newer_fields_reads() {
        let json = r#"{"lab_id": "c-9", "goal": {"factor": 10, "p99_ms": 1000}}"#;
        let c: ChallengeProgress = serde_json::from_str(json).unwrap();
        assert_eq!(c, ChallengeProgress::new("c-9".into(), Goal::default()));
    }
}
