//! One session of the challenge: its saved state, the faults it reads fixes
//! against, the lab prompt's routing, and the clock. Every change is saved in
//! the learner's progress at once, with the clock's time.
use std::time::Instant;

use crate::lessons::{Course, StageSpec};
use crate::tutor::session::{Flow, Session};

use super::faults::Faults;
use super::score::Clock;
use super::state::ChallengeProgress;

/// How this run of the challenge ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A `check` reached the goal.
    Reached,
    /// The learner stopped; `perflab challenge` resumes.
    Stopped,
    /// The challenge was finished before; its result was shown again.
    AlreadyDone,
}

/// How `perflab challenge` runs, from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub request: super::state::Request,
    /// The load's shape, for the words that describe a run.
    pub connections: usize,
    pub seconds: f64,
}

pub struct Play {
    pub c: ChallengeProgress,
    pub faults: Faults,
    /// Every stage's evidence, so that a line the course runs in the host
    /// helper (the kernel log, `perf report`) runs there here too.
    pub lab_spec: StageSpec,
    /// Runs while the prompt is open.
    pub clock: Option<Clock>,
    pub opts: Options,
}

impl Play {
    pub fn build(course: &Course, c: ChallengeProgress, opts: Options) -> Play {
        let mut lab_spec = course.stages[0].spec.clone();
        lab_spec.investigate.evidence = course
            .stages
            .iter()
            .flat_map(|l| l.spec.investigate.evidence.iter().cloned())
            .collect();
        Play {
            c,
            faults: Faults::build(course),
            lab_spec,
            clock: None,
            opts,
        }
    }

    /// Seconds on the clock now.
    pub fn elapsed(&self) -> f64 {
        match &self.clock {
            Some(clock) => clock.at(Instant::now()),
            None => self.c.elapsed_s,
        }
    }

    pub fn start_clock(&mut self) {
        self.clock = Some(Clock::resume(self.c.elapsed_s, Instant::now()));
    }

    /// The clock's time into the state, and the state into the progress file.
    pub fn save(&mut self, s: &mut Session) -> Flow<()> {
        if self.c.finished.is_none() {
            self.c.elapsed_s = self.elapsed();
        }
        s.progress.challenge = Some(self.c.clone());
        s.save()
    }
}
