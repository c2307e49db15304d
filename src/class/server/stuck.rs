//! When a learner looks stuck: the instructor's thresholds, shown and set on
//! the roster page, and the rules that read them.
use serde::{Deserialize, Serialize};

use super::roster::Course;
use crate::class::event::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minutes on one step.
    pub step_minutes: u32,
    /// Failures of the same check since the stage's last passing one.
    pub check_failures: u32,
    /// Hints used on the current stage.
    pub hints: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            step_minutes: 10,
            check_failures: 3,
            hints: 3,
        }
    }
}

impl Thresholds {
    pub fn validate(&self) -> Result<(), Invalid> {
        let check = |field: &str, v: u32, max: u32| {
            if (1..=max).contains(&v) {
                Ok(())
            } else {
                Err(Invalid {
                    field: field.into(),
                    reason: format!("{v}; 1 to {max} is accepted"),
                })
            }
        };
        check("step_minutes", self.step_minutes, 240)?;
        check("check_failures", self.check_failures, 50)?;
        check("hints", self.hints, 20)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stuck {
    /// `step_time`, `same_check` or `hints`.
    pub rule: &'static str,
    pub text: String,
}

/// Why this learner looks stuck now; empty when they do not (or are done).
pub fn stuck(c: &Course, now_ms: i64, t: &Thresholds) -> Vec<Stuck> {
    let mut out = Vec::new();
    if c.finished() || c.events == 0 {
        return out;
    }
    if let Some(since) = c.step_since {
        let minutes = (now_ms - since).max(0) / 60_000;
        if minutes >= i64::from(t.step_minutes) {
            out.push(Stuck {
                rule: "step_time",
                text: format!(
                    "{minutes} min on step {} (≥ {} min)",
                    c.step, t.step_minutes
                ),
            });
        }
    }
    let s = c.current();
    if let Some((predicate, times)) = s.fails.iter().max_by_key(|(_, n)| **n) {
        if *times >= t.check_failures {
            out.push(Stuck {
                rule: "same_check",
                text: format!(
                    "check {predicate} failed {times} times (≥ {})",
                    t.check_failures
                ),
            });
        }
    }
    if s.hints >= t.hints && !s.status.is_past() {
        out.push(Stuck {
            rule: "hints",
            text: format!(
                "{} hints used on stage {} (≥ {})",
                s.hints, s.stage, t.hints
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::event::{Event, EventKind, StageOutcome};
    use crate::class::server::roster::fold;

    fn ev(seq: u64, at: i64, stage: u8, step: &str, kind: EventKind) -> Event {
        Event {
            id: format!("{seq:032x}"),
            learner: "a".repeat(32),
            seq,
            at,
            stage,
            step: step.into(),
            kind,
        }
    }

    fn failed(pred: &str) -> EventKind {
        EventKind::CheckFailed {
            predicate: pred.into(),
            observed: "1".into(),
            expected: "0".into(),
        }
    }

    const MIN: i64 = 60_000;
    const T0: i64 = 1_700_000_000_000;

    #[test]
    fn too_long_on_one_step() {
        let t = Thresholds::default();
        let c = fold(&[ev(1, T0, 1, "fix", EventKind::StepStarted)]);
        assert!(stuck(&c, T0 + 9 * MIN, &t).is_empty());
        let s = stuck(&c, T0 + 10 * MIN, &t);
        assert_eq!(s[0].rule, "step_time");
        assert!(s[0].text.contains("10 min on step fix"), "{}", s[0].text);
    }

    #[test]
    fn the_same_check_failing_until_it_passes() {
        let t = Thresholds::default();
        let mut evs = vec![
            ev(1, T0, 2, "check", failed("a")),
            ev(2, T0, 2, "check", failed("b")),
            ev(3, T0, 2, "check", failed("a")),
        ];
        assert!(stuck(&fold(&evs), T0, &t).is_empty());
        evs.push(ev(4, T0, 2, "check", failed("a")));
        let s = stuck(&fold(&evs), T0, &t);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].rule, "same_check");
        assert!(s[0].text.contains("check a failed 3 times"));
        evs.push(ev(5, T0, 2, "check", EventKind::CheckPassed));
        assert!(stuck(&fold(&evs), T0, &t).is_empty());
    }

    #[test]
    fn every_hint_used_and_finished_learners() {
        let t = Thresholds {
            hints: 2,
            ..Thresholds::default()
        };
        let mut evs = vec![
            ev(1, T0, 6, "investigate", EventKind::Hint { level: 1 }),
            ev(2, T0, 6, "investigate", EventKind::Hint { level: 2 }),
        ];
        assert_eq!(stuck(&fold(&evs), T0, &t)[0].rule, "hints");
        evs.push(ev(
            3,
            T0,
            6,
            "done",
            EventKind::StageDone {
                status: StageOutcome::Done,
            },
        ));
        assert!(stuck(&fold(&evs), T0 + 60 * MIN, &t).is_empty());
    }

    #[test]
    fn thresholds_have_limits() {
        assert!(Thresholds::default().validate().is_ok());
        let bad = Thresholds {
            check_failures: 0,
            ..Thresholds::default()
        };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.field, "check_failures");
        assert!(e.reason.contains("1 to 50"));
    }
}
