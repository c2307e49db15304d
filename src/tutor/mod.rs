//! The guided course: a synchronous state machine over the lessons, talking to
//! the learner through a [`Prompter`] and to the lab through [`LabOps`].
pub mod auto;
pub mod facts;
pub mod grade;
pub mod ops;
pub mod progress;
pub mod prompt;
pub mod stage_eval;

pub use facts::{Facts, RunFacts, Value};
pub use ops::{LabOps, LoadShape, RealLab};
pub use progress::{Progress, RunFigures, StageStatus};
pub use prompt::{LinePrompter, PromptError, Prompter, ScriptedPrompter, TerminalPrompter};
