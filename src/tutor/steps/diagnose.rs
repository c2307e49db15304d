//! Diagnose: a multiple-choice question with the lesson's feedback. A wrong
//! diagnosis is explained and asked again (each try counted).
use crate::lessons::{Lesson, StepKind};
use crate::ui::Tone;

use super::question::{answered, ask};
use super::Next;
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session};

pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let q = &spec.diagnose;
    let mut shown_hints = 0;
    loop {
        let Some(i) = ask(s, spec, q, StepKind::Diagnose, &mut shown_hints)? else {
            continue;
        };
        let choice = &q.choices[i];
        let why = choice.why.get(s.lang()).to_string();
        answered(s, spec.number, "diagnose", choice.correct);
        if choice.correct {
            s.say(Tone::Good, &why);
            return Ok(Next::Following);
        }
        s.say(Tone::Bad, &why);
        s.stage(spec.number).attempts += 1;
        s.save()?;
        s.phrase(Tone::Note, &p::TRY_AGAIN);
    }
}
