//! The guided course: a synchronous state machine over the lessons, talking to
//! the learner through a [`Prompter`] and to the lab through [`LabOps`].
pub mod advance;
pub mod auto;
mod auto_table;
pub mod challenge;
pub mod course;
pub mod facts;
mod hints;
pub mod judge;
mod lab_prompt;
pub mod phrases;
pub mod position;
pub mod progress;
pub mod reveal;
pub mod runs;
pub mod screens;
pub mod session;
mod steps;

pub use crate::lab::{LabOps, RealLab};
pub use auto_table::table as auto_table;
pub use facts::{Facts, RunFacts, Value};
pub use progress::{Progress, RunFigures, StageStatus};
pub use session::{Flow, Options, Session, Stop};
