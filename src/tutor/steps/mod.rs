//! The steps of a stage, one file per [`StepKind`], named after it; the course
//! runs them in the lesson's order.
use crate::lab::Facts;
use crate::lessons::{Lesson, StepKind};
use crate::ui::Tone;

use super::phrases as p;
use super::session::{Flow, Session};

mod brief;
mod check;
mod debrief;
mod diagnose;
mod fix;
mod investigate;
mod measure;
mod observe;
mod predict;
mod prose;
mod question;

/// What a step leads to: the step after it, or another one (a failed check
/// goes back to the fix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Following,
    Goto(StepKind),
}

/// Runs the step `kind` of `lesson`'s stage.
pub fn run(kind: StepKind, s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    match kind {
        StepKind::Brief => brief::run(s, lesson),
        StepKind::Observe => observe::run(s, lesson),
        StepKind::Investigate => investigate::run(s, lesson),
        StepKind::Diagnose => diagnose::run(s, lesson),
        StepKind::Predict => predict::run(s, lesson),
        StepKind::Fix => fix::run(s, lesson),
        StepKind::Check => check::run(s, lesson),
        StepKind::Measure => measure::run(s, lesson),
        StepKind::Debrief => debrief::run(s, lesson),
    }
}

/// The run before the fix, which the check and the measure compare with; when
/// it is missing, says so and sends the learner back to observe it.
fn run_before(s: &mut Session) -> Result<Facts, Next> {
    match s.before.clone() {
        Some(before) => Ok(before),
        None => {
            s.phrase(Tone::Note, &p::NEED_BEFORE);
            Err(Next::Goto(StepKind::Observe))
        }
    }
}
