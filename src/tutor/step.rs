//! Where a step leads.
use crate::lessons::StepKind;

/// What a step leads to: the step after it, or another one (a failed check
/// goes back to the fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Following,
    Goto(StepKind),
}
