//! Fix: the learner types the real command or value. It is read against the
//! lesson's forms and ranges; a refused or unknown line changes nothing, an
//! accepted one is applied to the lab for real. A host-wide change is announced
//! as such (and journaled by the engine) before it is made.
use crate::lessons::Target;
use crate::lessons::{Fix, Input, Lesson, Need, StageSpec, StepKind};
use crate::ui::Tone;

use super::Next;
use crate::tutor::hints;
use crate::tutor::lab_prompt::{announce_host, apply_accepted, live_value, restart, Applied};
use crate::tutor::phrases as p;
use crate::tutor::progress::StageStatus;
use crate::tutor::session::{Flow, Session, Stop};

pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let Some(fix) = &spec.fix else {
        return Ok(Next::Following);
    };
    let n = spec.number;
    s.say(Tone::Note, fix.ask.get(s.lang()));
    s.phrase(Tone::Note, &p::FIX_INTRO);
    let mut applied: Vec<String> = Vec::new();
    let mut shown_hints = 0;
    while !complete(fix, &applied) {
        let line = s.input(&p::FIX)?.trim().to_string();
        match line.as_str() {
            "" => continue,
            "hint" => hints::next(s, spec, StepKind::Fix, &mut shown_hints)?,
            "help" => s.phrase(Tone::Plain, &p::FIX_HELP),
            "quit" | "exit" => return Err(Stop::Quit),
            "solution" => {
                let tried = s.stage(n).tried_fix;
                if tried || s.confirm(p::SOLUTION_EARLY.get(s.lang()))? {
                    solution(s, fix);
                }
            }
            "skip" => {
                if s.confirm(p::SKIP_CONFIRM.get(s.lang()))? && skip(s, spec)? {
                    return Ok(Next::Goto(StepKind::Check));
                }
            }
            _ => {
                if let Some(id) = attempt(s, fix, &line)? {
                    applied.push(id);
                    still_needed(s, fix, &applied);
                }
            }
        }
    }
    restart(s, &fix.restart)?;
    Ok(Next::Following)
}

fn complete(fix: &Fix, applied: &[String]) -> bool {
    match fix.need {
        Need::Any => !applied.is_empty(),
        Need::All => fix.changes.iter().all(|c| applied.contains(&c.id)),
    }
}

fn still_needed(s: &mut Session, fix: &Fix, applied: &[String]) {
    if fix.need == Need::Any || complete(fix, applied) {
        return;
    }
    let forms: Vec<String> = fix
        .changes
        .iter()
        .filter(|c| !applied.contains(&c.id))
        .filter_map(|c| {
            c.forms
                .first()
                .map(|f| format!("`{}`", f.replace("{value}", "<value>")))
        })
        .collect();
    let line = p::STILL_NEEDED.fill(s.lang(), &[("forms", &forms.join(", "))]);
    s.say(Tone::Note, &line);
}

/// One typed line: the id of the change applied, or `None` when nothing was.
fn attempt(s: &mut Session, fix: &Fix, line: &str) -> Flow<Option<String>> {
    let lang = s.lang();
    let n = s.progress.stage;
    s.stage(n).tried_fix = true;
    let (change, value) = match fix.read_input(line, lang) {
        None => {
            s.stage(n).attempts += 1;
            s.save()?;
            s.say(Tone::Bad, &p::NOT_A_FIX.fill(lang, &[("line", line)]));
            s.say(Tone::Note, fix.ask.get(lang));
            return Ok(None);
        }
        Some(Input::Refused { reason, .. }) => {
            s.stage(n).attempts += 1;
            s.save()?;
            s.say(Tone::Bad, &p::REFUSED.fill(lang, &[("reason", &reason)]));
            return Ok(None);
        }
        Some(Input::Accepted { change, value }) => (change, value),
    };
    s.save()?;
    match apply_accepted(s, change, value.as_deref())? {
        Applied::Done(done) => {
            s.say(Tone::Good, &done);
            s.say(Tone::Note, change.about.get(lang));
            Ok(Some(change.id.clone()))
        }
        Applied::Refused => {
            s.stage(n).attempts += 1;
            s.save()?;
            Ok(None)
        }
        Applied::Declined => Ok(None),
    }
}

/// The reference fix as the learner would type it.
pub fn solution(s: &mut Session, fix: &Fix) {
    let head = match fix.need {
        Need::Any if fix.changes.len() > 1 => p::SOLUTION_ANY,
        _ => p::SOLUTION,
    };
    s.phrase(Tone::Note, &head);
    for c in fix
        .changes
        .iter()
        .filter(|c| c.reference.is_some() || !c.target.takes_value())
    {
        s.say(Tone::Plain, &format!("  {}", c.reference_input()));
    }
}

/// Skip: the reference fix applied for the learner, the stage marked skipped.
/// False when the learner declined a host-wide change it would make.
pub fn skip(s: &mut Session, spec: &StageSpec) -> Flow<bool> {
    let lang = s.lang();
    if let Some(fix) = &spec.fix {
        let host = fix
            .changes
            .iter()
            .find(|c| c.reference.is_some() || !c.target.takes_value())
            .filter(|c| matches!(c.target, Target::HostSysctl(_)));
        if let Some(c) = host {
            let live = live_value(s, c)?;
            if !announce_host(s, c, live)? {
                return Ok(false);
            }
        }
    }
    let done = s.lab(|o| crate::lab::apply_reference(o, spec))?;
    for line in done {
        s.say(Tone::Good, &line);
    }
    s.stage(spec.number).status = StageStatus::Skipped;
    s.save()?;
    let n = spec.number.to_string();
    s.say(Tone::Note, &p::SKIPPED.fill(lang, &[("n", &n)]));
    Ok(true)
}
