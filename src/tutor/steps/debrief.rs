//! Debrief: the stage's explanation and its solved title.
use crate::lessons::Lesson;
use crate::ui::Tone;

use super::prose::prose;
use super::Next;
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session};

/// Debrief: what was wrong and why the fix works, then the title that names it.
pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let lang = s.lang();
    prose(s, lesson.debrief(lang))?;
    let solved = p::SOLVED.fill(lang, &[("title", lesson.spec.solved_title.get(lang))]);
    s.say(Tone::Good, &solved);
    s.pause()?;
    Ok(Next::Following)
}
