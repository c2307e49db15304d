//! The guided course: a synchronous state machine over the lessons, talking to
//! the learner through a [`Prompter`] and to the lab through [`LabOps`].
pub mod progress;
pub mod prompt;

pub use progress::{Progress, RunFigures, StageStatus};
pub use prompt::{LinePrompter, PromptError, Prompter, ScriptedPrompter, TerminalPrompter};
