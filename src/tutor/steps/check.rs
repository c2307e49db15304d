//! Check: the system's state after the fix, judged by the lesson's predicates
//! under a load run, and the symptom compared with the run before the fix.
//! A failure names each failing field with what was observed and expected, and
//! offers to retry the fix, see the solution or skip.
use crate::lessons::{Lesson, StepKind};
use crate::ui::Tone;

use super::fix;
use super::Next;
use crate::tutor::judge::lines;
use crate::tutor::judge::stage;
use crate::tutor::phrases as p;
use crate::tutor::runs::{self, Which};
use crate::tutor::screens;
use crate::tutor::session::{Flow, Session, Stop};

pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let n = spec.number;
    let lang = s.lang();
    let before = match super::run_before(s) {
        Ok(before) => before,
        Err(next) => return Ok(next),
    };
    if let Some(c) = &spec.check {
        s.say(Tone::Note, c.say.get(lang));
    }
    let live = s.opts.live;
    let outcome = s.lab(|o| stage::check(o, spec, &before, live, lang))?;
    if outcome
        .after
        .run
        .as_ref()
        .is_some_and(|r| r.report.interrupted)
    {
        s.phrase(Tone::Warn, &p::RUN_INTERRUPTED);
        return Err(Stop::Interrupted);
    }
    for (tone, line) in lines::verdict_lines(&outcome.verdicts, lang) {
        s.say(tone, &line);
    }
    for (tone, line) in lines::symptom_outcome(spec, outcome.symptom, lang) {
        s.say(tone, &line);
    }
    if outcome.passed() {
        s.event(crate::class::EventKind::CheckPassed, n, "check");
        s.phrase(Tone::Good, &p::CHECK_PASSED);
        runs::save(&s.dir, n, Which::After, &outcome.after)?;
        s.stage(n).after = Some(screens::figures(spec, &outcome.after));
        s.after = Some(outcome.after);
        s.save()?;
        return Ok(Next::Following);
    }
    let failed = match outcome.failures().next() {
        Some(v) => crate::class::EventKind::CheckFailed {
            predicate: v.field.clone(),
            observed: v.observed.clone(),
            expected: v.expected.clone(),
        },
        None => crate::class::EventKind::CheckFailed {
            predicate: spec
                .symptom
                .as_ref()
                .map(|y| y.field.text.clone())
                .unwrap_or_default(),
            observed: "still grows".into(),
            expected: "flat".into(),
        },
    };
    s.event(failed, n, "check");
    s.phrase(Tone::Bad, &p::CHECK_FAILED);
    let items = vec![
        p::RETRY_FIX.get(lang).to_string(),
        p::SHOW_SOLUTION.get(lang).to_string(),
        p::SKIP_STAGE.get(lang).to_string(),
    ];
    match s.select(p::CHECK_MENU.get(lang), &items)? {
        0 => Ok(Next::Goto(StepKind::Fix)),
        1 => {
            if let Some(fix) = &spec.fix {
                fix::solution(s, fix);
            }
            Ok(Next::Goto(StepKind::Fix))
        }
        _ => match fix::skip(s, spec)? {
            true => Ok(Next::Goto(StepKind::Check)),
            false => Ok(Next::Goto(StepKind::Fix)),
        },
    }
}
