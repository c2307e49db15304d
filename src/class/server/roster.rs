//! One learner's course as the roster shows it: a pure fold over their events in
//! the order they happened (by `seq`), so a restarted server, a late batch or a
//! duplicate sent twice all give the same roster.
use std::collections::BTreeMap;

use serde::Serialize;

use crate::class::event::{Event, EventKind, StageOutcome, MAX_STAGE};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageState {
    NotStarted,
    InProgress,
    Done,
    Skipped,
}

impl StageState {
    pub fn name(self) -> &'static str {
        match self {
            StageState::NotStarted => "not_started",
            StageState::InProgress => "in_progress",
            StageState::Done => "done",
            StageState::Skipped => "skipped",
        }
    }

    pub fn is_past(self) -> bool {
        matches!(self, StageState::Done | StageState::Skipped)
    }
}

/// The last failing check of a stage, until a check passes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedCheck {
    pub predicate: String,
    pub observed: String,
    pub expected: String,
    pub at: i64,
    /// How often this predicate has failed since the stage's last passing check.
    pub times: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageView {
    pub stage: u8,
    pub status: StageState,
    pub first_at: Option<i64>,
    pub last_at: Option<i64>,
    pub done_at: Option<i64>,
    pub hints: u32,
    pub wrong: u32,
    pub right: u32,
    pub checks_failed: u32,
    pub checks_passed: u32,
    pub goodput_before: Option<f64>,
    pub goodput_after: Option<f64>,
    pub p99_before_ms: Option<f64>,
    pub p99_after_ms: Option<f64>,
    pub score: Option<u32>,
    pub challenge_seconds: Option<u32>,
    pub last_failed: Option<FailedCheck>,
    /// Failures per predicate since the last passing check.
    #[serde(skip)]
    pub fails: BTreeMap<String, u32>,
}

impl StageView {
    fn new(stage: u8) -> StageView {
        StageView {
            stage,
            status: StageState::NotStarted,
            first_at: None,
            last_at: None,
            done_at: None,
            hints: 0,
            wrong: 0,
            right: 0,
            checks_failed: 0,
            checks_passed: 0,
            goodput_before: None,
            goodput_after: None,
            p99_before_ms: None,
            p99_after_ms: None,
            score: None,
            challenge_seconds: None,
            last_failed: None,
            fails: BTreeMap::new(),
        }
    }

    /// Whole seconds on the stage: to its end when done, else to its last event.
    pub fn seconds(&self) -> Option<u64> {
        let first = self.first_at?;
        let end = self.done_at.or(self.last_at)?;
        Some(((end - first).max(0) as u64 + 500) / 1000)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Course {
    pub events: usize,
    pub stage: u8,
    pub step: String,
    /// When the current step was started (or first seen).
    pub step_since: Option<i64>,
    pub last_at: Option<i64>,
    pub hand: bool,
    pub stages: Vec<StageView>,
    /// The highest `seq` folded in: later events can be added on, earlier
    /// ones (a late batch) need a fold from the start.
    #[serde(skip)]
    pub last_seq: u64,
}

impl Course {
    pub fn current(&self) -> &StageView {
        &self.stages[self.stage as usize]
    }

    /// The last stage is behind them: nobody to help any more.
    pub fn finished(&self) -> bool {
        self.stages[MAX_STAGE as usize].status.is_past()
    }
}

/// The course of one learner's events, given in `seq` order.
pub fn fold(events: &[Event]) -> Course {
    let mut c = Course {
        events: 0,
        stage: 0,
        step: String::new(),
        step_since: None,
        last_at: None,
        hand: false,
        stages: (0..=MAX_STAGE).map(StageView::new).collect(),
        last_seq: 0,
    };
    c.extend(events);
    c
}

impl Course {
    /// Folds in events that all come after the ones folded so far.
    pub fn extend(&mut self, events: &[Event]) {
        for e in events {
            self.add(e);
        }
    }

    fn add(&mut self, e: &Event) {
        let moved = e.stage != self.stage || e.step != self.step || self.step_since.is_none();
        if moved || matches!(e.kind, EventKind::StepStarted) {
            self.step_since = Some(e.at);
        }
        self.events += 1;
        self.last_seq = self.last_seq.max(e.seq);
        self.stage = e.stage;
        self.step.clone_from(&e.step);
        self.last_at = Some(e.at);
        let s = &mut self.stages[e.stage as usize];
        s.first_at.get_or_insert(e.at);
        s.last_at = Some(e.at);
        if s.status == StageState::NotStarted {
            s.status = StageState::InProgress;
        }
        apply(s, &mut self.hand, e);
    }
}

fn apply(s: &mut StageView, hand: &mut bool, e: &Event) {
    match &e.kind {
        EventKind::StepStarted | EventKind::StepDone => {}
        EventKind::Answer { right: true, .. } => s.right += 1,
        EventKind::Answer { right: false, .. } => s.wrong += 1,
        EventKind::Hint { .. } => s.hints += 1,
        EventKind::CheckFailed {
            predicate,
            observed,
            expected,
        } => {
            s.checks_failed += 1;
            let times = s.fails.entry(predicate.clone()).or_insert(0);
            *times += 1;
            s.last_failed = Some(FailedCheck {
                predicate: predicate.clone(),
                observed: observed.clone(),
                expected: expected.clone(),
                at: e.at,
                times: *times,
            });
        }
        EventKind::CheckPassed => {
            s.checks_passed += 1;
            s.fails.clear();
            s.last_failed = None;
        }
        EventKind::Measured {
            goodput_before,
            goodput_after,
            p99_before_ms,
            p99_after_ms,
        } => {
            let keep = |slot: &mut Option<f64>, v: &Option<f64>| {
                if v.is_some() {
                    *slot = *v;
                }
            };
            keep(&mut s.goodput_before, goodput_before);
            keep(&mut s.goodput_after, goodput_after);
            keep(&mut s.p99_before_ms, p99_before_ms);
            keep(&mut s.p99_after_ms, p99_after_ms);
        }
        EventKind::Hand { raised } => *hand = *raised,
        EventKind::StageDone { status } => {
            s.status = match status {
                StageOutcome::Done => StageState::Done,
                StageOutcome::Skipped => StageState::Skipped,
            };
            s.done_at = Some(e.at);
            s.fails.clear();
        }
        EventKind::ChallengeScore { score, seconds } => {
            s.score = Some(*score);
            s.challenge_seconds = Some(*seconds);
        }
    }
}

#[cfg(test)]
#[path = "roster_tests.rs"]
mod tests;
