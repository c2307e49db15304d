//! One session of the challenge: its saved state, the faults it reads fixes
//! against, the lab prompt's routing, and the clock. Every change is saved in
//! the learner's progress at once, with the clock's time.
use std::path::Path;
use std::time::Instant;

use crate::lessons::{Course, StageSpec};
use crate::tutor::progress::{Progress, ProgressError};
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

    /// The clock goes on from its saved time; the time between sessions does not count.
    pub fn start_clock(&mut self) {
        self.c.running_since_ms = None;
        self.clock = Some(Clock::resume(self.c.elapsed_s, Instant::now()));
    }

    /// The clock stops where it is (saved by the next [`Self::save`]).
    pub fn stop_clock(&mut self) {
        self.c.elapsed_s = self.elapsed();
        self.clock = None;
    }

    /// The clock's time into the state, and the state into the progress file.
    pub fn save(&mut self, s: &mut Session) -> Flow<()> {
        if !self.c.finished {
            self.c.elapsed_s = self.elapsed();
        }
        self.c.running_since_ms = match (&self.clock, self.c.finished) {
            (Some(_), false) => Some(super::state::now_ms()),
            _ => None,
        };
        s.progress.challenge = Some(self.c.clone());
        s.save()
    }
}

/// After a Ctrl-C that left the prompt waiting (the session could not save):
/// the clock of the saved challenge stops now.
pub fn stop_saved_clock(dir: &Path) -> Result<(), ProgressError> {
    let mut progress = Progress::load(dir)?;
    let Some(c) = progress.challenge.as_mut() else {
        return Ok(());
    };
    if c.running_since_ms.is_none() {
        return Ok(());
    }
    c.stopped_at(super::state::now_ms());
    progress.save(dir)
}
