//! Diagnose and predict: multiple-choice questions with the lesson's feedback.
//! A wrong diagnosis is explained and asked again (each try counted); a
//! prediction gets its feedback, right or wrong, and the course goes on.
use crate::lessons::{Lesson, Question, StageSpec, StepKind};
use crate::ui::Tone;

use super::hints;
use super::phrases as p;
use super::session::{Flow, Session};
use super::step::Next;

pub fn diagnose(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let q = &spec.diagnose;
    let mut shown_hints = 0;
    loop {
        let Some(i) = ask(s, spec, q, StepKind::Diagnose, &mut shown_hints)? else {
            continue;
        };
        let choice = &q.choices[i];
        let why = choice.why.get(s.lang()).to_string();
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

pub fn predict(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
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

/// The order the choices are shown in: the lesson's, except that the right
/// one is never first (a menu's cursor starts there, and Enter alone must not
/// be the answer). Fixed per stage and question, so answers files stay valid.
pub fn order(q: &Question, stage: u8, step: StepKind) -> Vec<usize> {
    let n = q.choices.len();
    let right = q.correct();
    let mut order: Vec<usize> = (0..n).filter(|i| *i != right).collect();
    if n > 1 {
        let salt = usize::from(step == StepKind::Predict);
        order.insert(1 + (usize::from(stage) + salt) % (n - 1), right);
    } else {
        order.push(right);
    }
    order
}

/// One round of a question: the index (in the lesson) of the choice picked, or
/// `None` when the learner asked for a hint (a last item while hints are left).
fn ask(
    s: &mut Session,
    spec: &StageSpec,
    q: &Question,
    step: StepKind,
    shown_hints: &mut usize,
) -> Flow<Option<usize>> {
    let lang = s.lang();
    let order = order(q, spec.number, step);
    let mut items: Vec<String> = order
        .iter()
        .map(|i| q.choices[*i].text.get(lang).into())
        .collect();
    let hint_item = hints::left(spec, step, *shown_hints).then(|| {
        items.push(p::HINT_ITEM.get(lang).to_string());
        items.len() - 1
    });
    let i = s.select(q.ask.get(lang), &items)?;
    if Some(i) == hint_item {
        hints::next(s, spec, step, shown_hints)?;
        return Ok(None);
    }
    Ok(order.get(i).copied())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::Course;

    #[test]
    fn the_right_choice_is_never_first_and_every_choice_is_shown_once() {
        let course = Course::load().unwrap();
        for lesson in &course.stages {
            let spec = &lesson.spec;
            let qs = [(&spec.diagnose, StepKind::Diagnose)]
                .into_iter()
                .chain(spec.predict.iter().map(|q| (q, StepKind::Predict)));
            for (q, step) in qs {
                let o = order(q, spec.number, step);
                assert_ne!(o[0], q.correct(), "stage {}", spec.number);
                let mut sorted = o.clone();
                sorted.sort();
                assert_eq!(sorted, (0..q.choices.len()).collect::<Vec<_>>());
            }
        }
    }
}
