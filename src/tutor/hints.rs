//! Hints, one at a time in the lesson's order, each counted in the progress.
use crate::lessons::{StageSpec, StepKind};
use crate::ui::Tone;

use super::phrases as p;
use super::session::{Flow, Session};

/// Whether a hint of `step` is left after `shown` of them.
pub fn left(spec: &StageSpec, step: StepKind, shown: usize) -> bool {
    spec.hints_for(step).nth(shown).is_some()
}

/// Shows the next hint of `step`, or says there is none left.
pub fn next(s: &mut Session, spec: &StageSpec, step: StepKind, shown: &mut usize) -> Flow<()> {
    let lang = s.lang();
    match spec.hints_for(step).nth(*shown) {
        Some(text) => {
            *shown += 1;
            s.stage(spec.number).hints_used += 1;
            s.save()?;
            let level = *shown as u32;
            s.event(
                crate::class::EventKind::Hint { level },
                spec.number,
                step.name(),
            );
            let line = p::HINT.fill(lang, &[("text", text.get(lang))]);
            s.say(Tone::Note, &line);
        }
        None => s.phrase(Tone::Note, &p::NO_MORE_HINTS),
    }
    Ok(())
}
