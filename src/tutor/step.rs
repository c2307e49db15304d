//! Where a step leads, and the step names saved in the progress.
use crate::lessons::StepKind;

/// What a step leads to: the step after it, or another one (a failed check
/// goes back to the fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Following,
    Goto(StepKind),
}

/// The step name saved in the progress once a stage is through.
pub const DONE: &str = "done";

pub fn step_kind(name: &str) -> Option<StepKind> {
    StepKind::from_name(name)
}
