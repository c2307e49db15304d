//! The challenge's lab prompt. A line that is a stage's fix is applied as the
//! course's fix step applies it (a host-wide value announced and journaled,
//! configs rendered again, the stage's services restarted); `check`, `hint`,
//! `goal`, `help` and `quit` are the challenge's own; every other line runs as
//! at the course's investigate prompt (in the server, the kernel log in the
//! host helper, `perflab probe` and `perflab flame`).
use crate::lessons::{Change, Input};
use crate::ui::Tone;

use crate::tutor::lab_prompt::{self, Applied};
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session, Stop};

use super::faults::{choose_hint, Fault, HintChoice};
use super::play::{Outcome, Play};
use super::score::{HINT_COST, START};
use super::screens::{clock_line, show_goal};
use super::state::AppliedFix;
use super::{ending, words as w};

pub fn run(s: &mut Session, play: &mut Play) -> Flow<Outcome> {
    loop {
        let line = s.input(&w::PROMPT)?.trim().to_string();
        match line.as_str() {
            "" => {}
            "help" => {
                let text = w::HELP.fill(
                    s.lang(),
                    &[
                        ("start", &START.to_string()),
                        ("cost", &HINT_COST.to_string()),
                    ],
                );
                s.say(Tone::Plain, &text);
            }
            "goal" => {
                show_goal(s, play);
                clock_line(s, play);
            }
            "hint" => hint(s, play)?,
            "check" => {
                if let Some(facts) = ending::check(s, play)? {
                    ending::finish(s, play, &facts)?;
                    return Ok(Outcome::Reached);
                }
            }
            "quit" | "exit" => {
                play.stop_clock();
                play.save(s)?;
                return Err(Stop::Quit);
            }
            _ => typed(s, play, &line)?,
        }
        play.save(s)?;
    }
}

/// A fix of a stage, or a command for the server.
fn typed(s: &mut Session, play: &mut Play, line: &str) -> Flow<()> {
    let lang = s.lang();
    let read = play.faults.read(line, lang).map(|(fault, input)| {
        let input = match input {
            Input::Accepted { change, value } => Ok((change.clone(), value)),
            Input::Refused { reason, .. } => Err(reason),
        };
        (fault.clone(), input)
    });
    match read {
        Some((fault, Ok((change, value)))) => apply(s, play, &fault, &change, value, line),
        Some((_, Err(reason))) => {
            s.say(Tone::Bad, &p::REFUSED.fill(lang, &[("reason", &reason)]));
            Ok(())
        }
        None => {
            let spec = play.lab_spec.clone();
            // What the line shows is the learner's to read: the challenge
            // notices no evidence.
            lab_prompt::run_line(s, &spec, line, &[])?;
            Ok(())
        }
    }
}

fn apply(
    s: &mut Session,
    play: &mut Play,
    fault: &Fault,
    change: &Change,
    value: Option<String>,
    line: &str,
) -> Flow<()> {
    let Applied::Done(done) = lab_prompt::apply_accepted(s, change, value.as_deref())? else {
        return Ok(());
    };
    s.say(
        Tone::Good,
        &w::FIX_APPLIED.fill(s.lang(), &[("done", &done)]),
    );
    play.c.fixes.push(AppliedFix {
        stage: fault.number(),
        change: change.id.clone(),
        value,
        typed: line.to_string(),
    });
    play.save(s)?;
    lab_prompt::restart(s, &fault.fix().restart)
}

/// The next hint about the first fault still in the server, once the learner
/// has agreed to its cost.
fn hint(s: &mut Session, play: &mut Play) -> Flow<()> {
    let Some(facts) = s.try_lab(|o| o.facts_now())? else {
        return Ok(());
    };
    let lang = s.lang();
    let choice = choose_hint(&play.faults, &facts, &play.c.hints_by_stage, lang);
    let (stage, index, of, text) = match choice {
        HintChoice::NoneLeft => {
            s.phrase(Tone::Note, &w::NOTHING_TO_HINT);
            return Ok(());
        }
        HintChoice::UsedUp { .. } => {
            s.phrase(Tone::Note, &w::HINTS_USED_UP);
            return Ok(());
        }
        HintChoice::Next {
            stage,
            index,
            of,
            text,
        } => (stage, index, of, text.get(lang).to_string()),
    };
    let ask = w::HINT_COST.fill(lang, &[("cost", &HINT_COST.to_string())]);
    if !s.confirm(&ask)? {
        return Ok(());
    }
    *play.c.hints_by_stage.entry(stage).or_default() += 1;
    play.save(s)?;
    let line = w::HINT_LINE.fill(
        lang,
        &[
            ("i", &(index + 1).to_string()),
            ("n", &of.to_string()),
            ("text", &text),
        ],
    );
    s.say(Tone::Note, &line);
    Ok(())
}
