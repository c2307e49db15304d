//! Predict: a multiple-choice question about what the fix will change; it gets
//! its feedback, right or wrong, and the course goes on.
use crate::lessons::{Lesson, StepKind};
use crate::ui::Tone;

use super::question::{answered, ask};
use super::Next;
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session};

pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let Some(q) = &spec.predict else {
        return Ok(Next::Following);
    };
    let mut shown_hints = 0;
    let i = loop {
        if let Some(i) = ask(s, spec, q, StepKind::Predict, &mut shown_hints)? {
            break i;
        }
    };
    let lang = s.lang();
    let choice = &q.choices[i];
    answered(s, spec.number, "predict", choice.correct);
    if choice.correct {
        s.say(Tone::Good, choice.why.get(lang));
    } else {
        s.say(Tone::Bad, choice.why.get(lang));
        let right = &q.choices[q.correct()];
        let line = p::THE_ANSWER.fill(
            lang,
            &[("text", right.text.get(lang)), ("why", right.why.get(lang))],
        );
        s.say(Tone::Note, &line);
    }
    s.pause()?;
    Ok(Next::Following)
}
