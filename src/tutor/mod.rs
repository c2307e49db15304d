//! The guided course: a synchronous state machine over the lessons, talking to
//! the learner through a [`Prompter`] and to the lab through [`LabOps`].
pub mod advance;
pub mod auto;
pub mod course;
pub mod facts;
mod fixstep;
pub mod grade;
mod hints;
pub mod hostcmd;
mod investigate;
pub mod judged;
pub mod labmark;
pub mod ops;
pub mod phrases;
pub mod progress;
pub mod prompt;
mod questions;
mod results;
pub mod runs;
pub mod screens;
pub mod session;
pub mod stage_eval;
mod verify;

pub use facts::{Facts, RunFacts, Value};
pub use ops::{LabOps, LoadShape, RealLab};
pub use progress::{Progress, RunFigures, StageStatus};
pub use prompt::{LinePrompter, PromptError, Prompter, ScriptedPrompter, TerminalPrompter};
pub use session::{Flow, Options, Session, Stop};
