//! One run of the course: the lab, the learner (questions in, text out), the
//! progress and where it is saved. Every step borrows the session; every
//! change to the progress is saved at once.
use std::path::PathBuf;

use tokio_util::sync::CancellationToken;

use crate::lessons::{Course, Lang, Lesson};
use crate::ui::{Screen, Tone};

use super::progress::{Progress, ProgressError, StageProgress};
use crate::lab::{Facts, LabError, LabOps};
use crate::lessons::Phrase;
use crate::ui::{PromptError, Prompter};

/// Why the course stopped before its end. Ctrl-C, the end of the answers and
/// an error all leave the progress as saved after the last step.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    #[error("interrupted")]
    Interrupted,
    /// The learner typed `quit` or chose to stop between stages.
    #[error("stopped by the learner")]
    Quit,
    #[error("no more answers (end of input)")]
    Eof,
    /// An answer could not be read (the other prompt errors are the stops above).
    #[error(transparent)]
    Prompt(PromptError),
    #[error(transparent)]
    Progress(#[from] ProgressError),
    #[error("{}", crate::ui::error_text(.0))]
    Lab(LabError),
}

impl From<PromptError> for Stop {
    fn from(e: PromptError) -> Self {
        match e {
            PromptError::Interrupted => Stop::Interrupted,
            PromptError::Eof => Stop::Eof,
            other => Stop::Prompt(other),
        }
    }
}

pub type Flow<T> = Result<T, Stop>;

/// How the course behaves, from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    /// Answer every confirmation with yes and skip "Enter to continue".
    pub yes: bool,
    /// Wait for Enter after the prose (off for scripted answers).
    pub pauses: bool,
    /// Show the load's live view during measured runs.
    pub live: bool,
}

pub struct Session<'a> {
    pub ops: &'a mut dyn LabOps,
    pub prompt: &'a mut dyn Prompter,
    pub screen: &'a mut dyn Screen,
    pub course: Course,
    pub progress: Progress,
    /// The state directory: progress and the saved runs.
    pub dir: PathBuf,
    pub opts: Options,
    pub cancel: CancellationToken,
    /// The run before the stage's fix and the check's run, for comparisons.
    pub before: Option<Facts>,
    pub after: Option<Facts>,
    /// The class this learner joined: the course's events go to its queue.
    pub class: Option<crate::class::Classroom>,
}

impl<'a> Session<'a> {
    pub fn lang(&self) -> Lang {
        self.opts.lang
    }

    pub fn lesson(&self, n: u8) -> Lesson {
        self.course
            .stage(n)
            .cloned()
            .expect("the course was validated to hold every stage")
    }

    pub fn stage(&mut self, n: u8) -> &mut StageProgress {
        self.progress.stage_mut(n)
    }

    /// Saves the progress (the class membership is a file of its own, which
    /// `perflab class join` and `leave` change, also while a course runs).
    pub fn save(&mut self) -> Flow<()> {
        self.progress.save(&self.dir)?;
        Ok(())
    }

    pub fn say(&mut self, tone: Tone, text: &str) {
        self.screen.show(tone, text);
    }

    pub fn phrase(&mut self, tone: Tone, p: &Phrase) {
        let text = p.get(self.opts.lang).to_string();
        self.screen.show(tone, &text);
    }

    /// A lab operation: its error, or Ctrl-C while it ran, stops the course.
    pub fn lab<T>(&mut self, op: impl FnOnce(&mut dyn LabOps) -> Result<T, LabError>) -> Flow<T> {
        let r = op(&mut *self.ops);
        if self.cancel.is_cancelled() {
            return Err(Stop::Interrupted);
        }
        match r {
            Err(e) if e.is_interrupted() => Err(Stop::Interrupted),
            other => other.map_err(Stop::Lab),
        }
    }

    /// A lab operation the learner asked for at a prompt: its error is shown
    /// and the prompt goes on (`None`); only Ctrl-C stops the course.
    pub fn try_lab<T>(
        &mut self,
        op: impl FnOnce(&mut dyn LabOps) -> Result<T, LabError>,
    ) -> Flow<Option<T>> {
        match self.lab(op) {
            Ok(v) => Ok(Some(v)),
            Err(Stop::Lab(e)) => {
                let line = super::phrases::COMMAND_FAILED
                    .fill(self.lang(), &[("error", &crate::ui::error_text(&e))]);
                self.say(Tone::Bad, &line);
                Ok(None)
            }
            Err(other) => Err(other),
        }
    }

    /// A line from the learner. In a class, `hand` raises the hand (or lowers
    /// it) and asks again.
    pub fn input(&mut self, prompt: &Phrase) -> Flow<String> {
        loop {
            self.not_cancelled()?;
            let p = prompt.get(self.opts.lang);
            let r = self.prompt.input(p);
            let line = self.checked(r)?;
            if self.class.is_some() && line.trim() == "hand" {
                self.hand();
                continue;
            }
            return Ok(line);
        }
    }

    /// One of `items`; in a class the menu also offers the hand.
    pub fn select(&mut self, prompt: &str, items: &[String]) -> Flow<usize> {
        loop {
            self.not_cancelled()?;
            let mut shown = items.to_vec();
            let hand = self.class.as_ref().map(|c| {
                let item = match c.hand_raised() {
                    true => super::phrases::HAND_LOWER_ITEM,
                    false => super::phrases::HAND_ITEM,
                };
                shown.push(item.get(self.opts.lang).to_string());
                shown.len() - 1
            });
            let r = self.prompt.select(prompt, &shown);
            let i = self.checked(r)?;
            if Some(i) == hand {
                self.hand();
                continue;
            }
            return Ok(i);
        }
    }

    /// `hand`: up, or down when it is up; the instructor's roster shows it.
    fn hand(&mut self) {
        let Some(class) = self.class.clone() else {
            return;
        };
        let (stage, step) = self.where_now();
        match class.toggle_hand(stage, &step) {
            Ok(true) => self.phrase(Tone::Good, &super::phrases::HAND_UP),
            Ok(false) => self.phrase(Tone::Note, &super::phrases::HAND_DOWN),
            Err(e) => {
                let line =
                    super::phrases::CLASS_TROUBLE.fill(self.lang(), &[("error", &e.to_string())]);
                self.say(Tone::Warn, &line);
            }
        }
    }

    /// The stage and step the learner is at, as saved.
    fn where_now(&self) -> (u8, String) {
        let n = self.progress.stage;
        let step = self
            .progress
            .stages
            .get(&n)
            .map(|st| st.position.name().to_string())
            .unwrap_or_default();
        (n, step)
    }

    /// Sends one course event to the class, if the learner joined one. Never
    /// waits on the network; a queue that cannot be written is said once.
    pub fn event(&mut self, kind: crate::class::EventKind, stage: u8, step: &str) {
        let Some(class) = &self.class else { return };
        if let Err(e) = class.record(kind, stage, step) {
            let line =
                super::phrases::CLASS_TROUBLE.fill(self.lang(), &[("error", &e.to_string())]);
            self.say(Tone::Warn, &line);
        }
    }

    /// Ctrl-C while the tutor was busy: no new question is asked.
    fn not_cancelled(&self) -> Flow<()> {
        match self.cancel.is_cancelled() {
            true => Err(Stop::Interrupted),
            false => Ok(()),
        }
    }

    fn checked<T>(&self, r: Result<T, PromptError>) -> Flow<T> {
        self.not_cancelled()?;
        Ok(r?)
    }

    /// Yes or no; `--yes` answers yes without asking.
    pub fn confirm(&mut self, question: &str) -> Flow<bool> {
        if self.opts.yes {
            return Ok(true);
        }
        let items = vec![
            super::phrases::YES.get(self.lang()).to_string(),
            super::phrases::NO.get(self.lang()).to_string(),
        ];
        Ok(self.select(question, &items)? == 0)
    }

    /// "Enter to continue", unless pauses are off.
    pub fn pause(&mut self) -> Flow<()> {
        if self.opts.pauses && !self.opts.yes {
            self.input(&super::phrases::ENTER)?;
        }
        Ok(())
    }
}
