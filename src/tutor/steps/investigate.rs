//! Investigate: the lab prompt. Every line the learner types runs inside the
//! server (kernel-log reads in the host helper), its output is shown, and the
//! tutor notices when it shows one of the stage's evidence. The learner decides
//! when to diagnose (`next`); before two independent pieces of evidence (in
//! different groups) are seen, `next` asks first.
use crate::lessons::{Evidence, Lesson, StageSpec, StepKind};
use crate::ui::Tone;

use super::Next;
use crate::tutor::hints;
use crate::tutor::lab_prompt::run_line;
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session, Stop};

pub fn run(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    s.say(Tone::Note, spec.investigate.say.get(s.lang()));
    s.phrase(Tone::Note, &p::LAB_INTRO);
    let mut seen: Vec<String> = Vec::new();
    let mut shown_hints = 0;
    let mut shown = 0;
    loop {
        let line = s.input(&p::LAB)?.trim().to_string();
        let (word, rest) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let found = match word {
            "" => continue,
            "help" => {
                s.phrase(Tone::Plain, &p::LAB_HELP);
                continue;
            }
            "hint" => {
                hints::next(s, spec, StepKind::Investigate, &mut shown_hints)?;
                continue;
            }
            "evidence" => {
                list(s, spec, &seen);
                continue;
            }
            "next" | "done" => {
                // The diagnosis opens on two independent pieces of evidence, or
                // once the learner has asked for help.
                let enough = spec.investigate.groups_seen(&seen) >= ENOUGH;
                if enough || shown_hints > 0 || shown > 0 {
                    return Ok(Next::Following);
                }
                s.phrase(Tone::Note, &p::NEXT_EARLY);
                continue;
            }
            "quit" | "exit" => return Err(Stop::Quit),
            "show" => match pick(spec, &seen, rest.trim()) {
                Ok(ev) => {
                    // `show` is a hint that runs its command: it counts as one.
                    shown += 1;
                    charge_hint(s, spec, shown_hints + shown, &p::SHOW_COSTS)?;
                    s.say(Tone::Plain, &format!("$ {}", ev.command));
                    run_line(s, spec, &ev.command, &seen)?
                }
                Err(why) => {
                    s.say(Tone::Note, &why(s.lang()));
                    continue;
                }
            },
            _ => {
                if is_probe(&line) {
                    // perflab's probe reads every counter it watches, the cause's
                    // among them: typed at the prompt it is a hint, as `show` is.
                    charge_hint(s, spec, shown_hints + shown + 1, &p::PROBE_COSTS)?;
                }
                run_line(s, spec, &line, &seen)?
            }
        };
        let groups_before = spec.investigate.groups_seen(&seen);
        for ev in found {
            seen.push(ev.id.clone());
            let lang = s.lang();
            s.say(Tone::Good, &p::EVIDENCE_FOUND.fill(lang, &[("id", &ev.id)]));
            s.say(Tone::Note, ev.means.get(lang));
        }
        if groups_before < ENOUGH && spec.investigate.groups_seen(&seen) >= ENOUGH {
            s.phrase(Tone::Good, &p::ENOUGH);
        }
    }
}

/// A command that shows what a hint would: counted as a hint of `level`,
/// saved, sent to the class, and said with `why`.
fn charge_hint(
    s: &mut Session,
    spec: &StageSpec,
    level: usize,
    why: &crate::lessons::Phrase,
) -> Flow<()> {
    s.stage(spec.number).hints_used += 1;
    s.save()?;
    s.event(
        crate::class::EventKind::Hint {
            level: level as u32,
        },
        spec.number,
        "investigate",
    );
    s.phrase(Tone::Note, why);
    Ok(())
}

/// `perflab probe`, with or without arguments.
fn is_probe(line: &str) -> bool {
    let mut words = line.split_whitespace();
    words.next() == Some("perflab") && words.next() == Some("probe")
}

/// Independent pieces of evidence (distinct groups) after which `next` goes
/// straight on to the diagnosis.
const ENOUGH: usize = 2;

type Why = Box<dyn Fn(crate::lessons::Lang) -> String>;

/// The evidence `show` runs: the one named, or the next one not yet seen.
fn pick<'l>(spec: &'l StageSpec, seen: &[String], id: &str) -> Result<&'l Evidence, Why> {
    let all = &spec.investigate.evidence;
    if id.is_empty() {
        return all
            .iter()
            .find(|e| !seen.contains(&e.id))
            .ok_or_else(|| Box::new(|l| p::EVIDENCE_ALL.get(l).to_string()) as Why);
    }
    all.iter().find(|e| e.id == id).ok_or_else(|| {
        let id = id.to_string();
        let ids: Vec<String> = all.iter().map(|e| e.id.clone()).collect();
        Box::new(move |l| p::EVIDENCE_UNKNOWN.fill(l, &[("id", &id), ("ids", &ids.join(", "))]))
            as Why
    })
}

fn list(s: &mut Session, spec: &StageSpec, seen: &[String]) {
    let lang = s.lang();
    let all = &spec.investigate.evidence;
    if seen.is_empty() {
        s.phrase(Tone::Note, &p::EVIDENCE_NONE);
        return;
    }
    for ev in all.iter().filter(|e| seen.contains(&e.id)) {
        s.say(Tone::Good, &format!("{}: {}", ev.id, ev.means.get(lang)));
    }
    let left = all.len() - seen.len();
    match left {
        0 => s.phrase(Tone::Note, &p::EVIDENCE_ALL),
        n => s.say(
            Tone::Note,
            &p::EVIDENCE_LEFT.fill(lang, &[("n", &n.to_string())]),
        ),
    }
}
