//! Measure: the check's run doubles as the run after the fix. The same load
//! before and after, side by side, the lesson's comparisons, a rerun offered
//! when the headline is within the noise, and goodput across the course so far.
use crate::lessons::{Lesson, StepKind};
use crate::ui::Tone;

use super::Next;
use crate::tutor::judge::lines;
use crate::tutor::judge::stage;
use crate::tutor::judge::Outcome;
use crate::tutor::phrases as p;
use crate::tutor::runs::{self, Which};
use crate::tutor::screens;
use crate::tutor::session::{Flow, Session, Stop};

/// Reruns offered at most, so that `--yes` cannot loop on a noisy lab.
const RERUNS: usize = 2;

pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let n = spec.number;
    let lang = s.lang();
    let before = match super::run_before(s) {
        Ok(before) => before,
        Err(next) => return Ok(next),
    };
    let Some(mut after) = s.after.clone() else {
        return Ok(Next::Goto(StepKind::Check));
    };
    if let Some(m) = &spec.measure {
        s.say(Tone::Note, m.say.get(lang));
    }
    let mut reruns = 0;
    loop {
        let (b, a) = (
            screens::figures(spec, &before),
            screens::figures(spec, &after),
        );
        s.say(Tone::Plain, &lines::before_after(spec, &b, &a, lang));
        let measured = crate::class::EventKind::Measured {
            goodput_before: Some(b.goodput_rps),
            goodput_after: Some(a.goodput_rps),
            p99_before_ms: b.p99_ms,
            p99_after_ms: a.p99_ms,
        };
        s.event(measured, n, "measure");
        let cmps = stage::compare(spec, &before, &after);
        for (tone, line) in lines::comparison_lines(&cmps, lang) {
            s.say(tone, &line);
        }
        let inconclusive = cmps
            .iter()
            .any(|c| c.headline && c.outcome == Outcome::Inconclusive);
        if !inconclusive || reruns == RERUNS || !s.confirm(p::RERUN.get(lang))? {
            break;
        }
        reruns += 1;
        let live = s.opts.live;
        let flame = spec.flame_function();
        after = s.lab(|o| o.run_load(live, flame.as_deref(), spec.observe.seconds))?;
        if after.run.as_ref().is_some_and(|r| r.report.interrupted) {
            s.phrase(Tone::Warn, &p::RUN_INTERRUPTED);
            return Err(Stop::Interrupted);
        }
        runs::save(&s.dir, n, Which::After, &after)?;
        s.stage(n).after = Some(screens::figures(spec, &after));
        s.after = Some(after.clone());
        s.save()?;
    }
    if let Some(chart) = lines::goodput_chart(&s.progress, s.screen.width(), lang) {
        s.say(Tone::Plain, &chart);
    }
    Ok(Next::Following)
}
