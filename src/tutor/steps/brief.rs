//! Brief: the stage's ticket.
use crate::lessons::Lesson;

use super::prose::prose;
use super::Next;
use crate::tutor::session::{Flow, Session};

/// Brief: the stage's ticket (what users see, the goal), never its cause.
pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    prose(s, lesson.brief(s.lang()))?;
    s.pause()?;
    Ok(Next::Following)
}
