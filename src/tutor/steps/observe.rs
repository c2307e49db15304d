//! Observe: the server under load before the fix.
use crate::lessons::Lesson;
use crate::ui::Tone;

use super::Next;
use crate::tutor::phrases as p;
use crate::tutor::runs::{self, Which};
use crate::tutor::screens;
use crate::tutor::session::{Flow, Session, Stop};

/// Observe: the standard load at the server as it is; its figures become the
/// stage's "before".
pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let n = spec.number;
    let lang = s.lang();
    s.say(Tone::Note, spec.observe.say.get(lang));
    s.phrase(Tone::Note, &p::OBSERVE_RUN);
    let live = s.opts.live;
    // A symptom read from a flame graph needs one under this load too.
    let flame = spec.flame_function();
    let facts = s.lab(|o| o.run_load(live, flame.as_deref(), spec.observe.seconds))?;
    if facts.run.as_ref().is_some_and(|r| r.report.interrupted) {
        s.phrase(Tone::Warn, &p::RUN_INTERRUPTED);
        return Err(Stop::Interrupted);
    }
    s.say(Tone::Plain, &screens::run_summary(spec, &facts, lang));
    // The symptom counter is not shown here: its name and explanation give the
    // cause away before the learner has investigated (the check shows it).
    runs::save(&s.dir, n, Which::Before, &facts)?;
    s.stage(n).before = Some(screens::figures(spec, &facts));
    s.stage(n).after = None;
    s.before = Some(facts);
    s.after = None;
    s.save()?;
    s.pause()?;
    Ok(Next::Following)
}
