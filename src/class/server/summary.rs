//! The class at a glance: how many learners are past each stage, and the median
//! time a stage took those who did it (skipped stages tell nothing about time).
use serde::Serialize;

use super::roster::{Course, StageState};
use crate::class::event::MAX_STAGE;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageSummary {
    pub stage: u8,
    /// Learners with the stage done or skipped.
    pub past: usize,
    /// Learners on it now.
    pub on_it: usize,
    pub median_seconds: Option<f64>,
}

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if !values.len().is_multiple_of(2) {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

pub fn summary<'a>(courses: impl Iterator<Item = &'a Course> + Clone) -> Vec<StageSummary> {
    (0..=MAX_STAGE)
        .map(|n| {
            let stages = courses.clone().map(|c| (c, &c.stages[n as usize]));
            let mut times: Vec<f64> = stages
                .clone()
                .filter(|(_, s)| s.status == StageState::Done)
                .filter_map(|(_, s)| s.seconds())
                .map(|s| s as f64)
                .collect();
            StageSummary {
                stage: n,
                past: stages.clone().filter(|(_, s)| s.status.is_past()).count(),
                on_it: stages
                    .filter(|(c, s)| c.stage == n && !s.status.is_past() && c.events > 0)
                    .count(),
                median_seconds: median(&mut times),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::event::{Event, EventKind, StageOutcome};
    use crate::class::server::roster::fold;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5.0]), Some(5.0));
        assert_eq!(median(&mut [9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }

    fn course(secs: &[(u8, i64, bool)]) -> Course {
        let mut evs = Vec::new();
        let mut at = 1_700_000_000_000;
        for (i, &(stage, took, skip)) in secs.iter().enumerate() {
            let mut ev = |kind, at| {
                evs.push(Event {
                    id: format!("{:032x}", evs.len()),
                    learner: format!("{i:032x}"),
                    seq: evs.len() as u64 + 1,
                    at,
                    stage,
                    step: "s".into(),
                    kind,
                })
            };
            ev(EventKind::StepStarted, at);
            at += took * 1000;
            let status = if skip {
                StageOutcome::Skipped
            } else {
                StageOutcome::Done
            };
            ev(EventKind::StageDone { status }, at);
        }
        fold(&evs)
    }

    #[test]
    fn counts_past_and_medians_per_stage() {
        let a = course(&[(0, 60, false), (1, 100, false)]);
        let b = course(&[(0, 120, false), (1, 5, true)]);
        let c = course(&[(0, 90, false)]);
        let s = summary([&a, &b, &c].into_iter());
        assert_eq!(s[0].past, 3);
        assert_eq!(s[0].median_seconds, Some(90.0));
        assert_eq!(s[1].past, 2);
        // The skipped stage's 5 s is not a time to learn from.
        assert_eq!(s[1].median_seconds, Some(100.0));
        assert_eq!(s[2].past, 0);
        assert_eq!(s[2].median_seconds, None);
    }
}
