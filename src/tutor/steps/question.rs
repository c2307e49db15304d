//! A multiple-choice question of the diagnose and predict steps: its choices
//! in the learner's order, a hint as the last item while hints are left.
use crate::lessons::{Question, StageSpec, StepKind};

use crate::tutor::hints;
use crate::tutor::phrases as p;
use crate::tutor::progress::splitmix;
use crate::tutor::session::{Flow, Session};

/// An answer, right or wrong, for the class's roster.
pub(super) fn answered(s: &mut Session, stage: u8, question: &str, right: bool) {
    let kind = crate::class::EventKind::Answer {
        question: question.to_string(),
        right,
    };
    s.event(kind, stage, question);
}

/// The order the choices are shown in: shuffled by the learner's seed (so two
/// learners side by side do not see the same order), the same every time for
/// one learner and question, and the right one never first (a menu's cursor
/// starts there, and Enter alone must not be the answer). Answers files pick
/// choices by their text, so they stay valid.
pub fn order(q: &Question, stage: u8, step: StepKind, seed: u64) -> Vec<usize> {
    let n = q.choices.len();
    let right = q.correct();
    let salt = (u64::from(stage) << 8) | u64::from(step == StepKind::Predict);
    let mut state = splitmix(seed ^ splitmix(salt));
    let mut next = |bound: usize| {
        state = splitmix(state);
        (state % bound as u64) as usize
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, next(i + 1));
    }
    if n > 1 && order[0] == right {
        let other = 1 + next(n - 1);
        order.swap(0, other);
    }
    order
}

/// One round of a question: the index (in the lesson) of the choice picked, or
/// `None` when the learner asked for a hint (a last item while hints are left).
pub(super) fn ask(
    s: &mut Session,
    spec: &StageSpec,
    q: &Question,
    step: StepKind,
    shown_hints: &mut usize,
) -> Flow<Option<usize>> {
    let lang = s.lang();
    let order = order(q, spec.number, step, s.progress.seed);
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
                for seed in [0, 1, 42, u64::MAX] {
                    let o = order(q, spec.number, step, seed);
                    assert_ne!(o[0], q.correct(), "stage {}", spec.number);
                    let mut sorted = o.clone();
                    sorted.sort();
                    assert_eq!(sorted, (0..q.choices.len()).collect::<Vec<_>>());
                    assert_eq!(
                        o,
                        order(q, spec.number, step, seed),
                        "the same for one learner"
                    );
                }
            }
        }
    }

    #[test]
    fn learners_get_different_orders() {
        let course = Course::load().unwrap();
        let q = &course.stages[1].spec.diagnose;
        let orders: std::collections::BTreeSet<Vec<usize>> = (0..40)
            .map(|seed| order(q, 1, StepKind::Diagnose, splitmix(seed)))
            .collect();
        assert!(orders.len() >= 4, "{orders:?}");
    }
}
