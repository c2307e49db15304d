//! `check` and the end: a settled standard run judged against the goal; when
//! it is reached, the clock stops, and the debrief names each fault (the
//! lessons' solved titles) with the fix that solved it, then the score.
use std::collections::BTreeMap;

use crate::lab::Facts;
use crate::lessons::ValueRule;
use crate::ui::Tone;

use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session, Stop};

use super::goal::{evaluate, reached, RunMeasure};
use super::play::Play;
use super::score::{clock_text, formula};
use super::screens::goal_table;
use super::words as w;

/// One measured run against the goal; the run's facts when it reaches it.
pub fn check(s: &mut Session, play: &mut Play) -> Flow<Option<Facts>> {
    let lang = s.lang();
    s.phrase(Tone::Note, &w::CHECK_RUN);
    let live = s.opts.live;
    let Some(facts) = s.try_lab(|o| o.run_load(live, None, None))? else {
        return Ok(None);
    };
    let Some(run) = facts.run.as_ref().filter(|r| !r.report.interrupted) else {
        s.phrase(Tone::Warn, &p::RUN_INTERRUPTED);
        return Err(Stop::Interrupted);
    };
    let m = RunMeasure::from_report(&run.report);
    let base = play.c.baseline.as_ref().map_or(0.0, |b| b.goodput_rps);
    let lines = evaluate(&play.c.goal, base, &m);
    s.say(Tone::Plain, &goal_table(&lines, &m, lang));
    play.c.checks += 1;
    play.c.last_check = Some(m);
    play.save(s)?;
    if reached(&lines) {
        return Ok(Some(facts));
    }
    let text = w::NOT_YET.fill(lang, &[("time", &clock_text(play.elapsed()))]);
    s.say(Tone::Bad, &text);
    Ok(None)
}

/// The clock stopped at the goal, the debrief, and the score.
pub fn finish(s: &mut Session, play: &mut Play, facts: &Facts) -> Flow<()> {
    let lang = s.lang();
    play.stop_clock();
    play.c.finished = true;
    play.save(s)?;
    let (elapsed, hints) = (play.c.elapsed_s, play.c.hints());
    let text = w::GOAL_REACHED.fill(
        lang,
        &[
            ("time", &clock_text(elapsed)),
            ("hints", &hints.to_string()),
            ("score", &play.c.score().to_string()),
        ],
    );
    s.say(Tone::Good, &text);
    s.phrase(Tone::Plain, &w::DEBRIEF_HEAD);
    // The values in force of the sysctls the reference fixes raise, so that
    // the course's fix shown is one this host takes.
    let mut live = BTreeMap::new();
    for c in play
        .faults
        .all()
        .iter()
        .flat_map(|f| f.fix().changes.iter())
    {
        let above_live = matches!(
            c.value,
            Some(ValueRule::Integer {
                above_live: true,
                ..
            })
        );
        if above_live {
            if let Some(v) = s.try_lab(|o| crate::lab::live_value(o, c))?.flatten() {
                live.insert(c.id.clone(), v);
            }
        }
    }
    for fault in play.faults.all() {
        let title = fault.spec.solved_title.get(lang);
        let typed: Vec<String> = play
            .c
            .fixes
            .iter()
            .filter(|f| f.stage == fault.number())
            .map(|f| format!("`{}`", f.typed))
            .collect();
        let reference = quoted(&fault.reference_with(|c| live.get(&c.id).copied()));
        let line = match (fault.solved_now(facts, lang), typed.is_empty()) {
            (true, false) => {
                w::DEBRIEF_FIXED.fill(lang, &[("title", title), ("fix", &typed.join(", "))])
            }
            (true, true) => w::DEBRIEF_OTHER.fill(lang, &[("title", title), ("fix", &reference)]),
            (false, _) => w::DEBRIEF_LEFT.fill(lang, &[("title", title), ("fix", &reference)]),
        };
        s.say(Tone::Plain, &format!("  {line}"));
    }
    let line = w::SCORE_LINE.fill(lang, &[("formula", &formula(hints, elapsed))]);
    s.say(Tone::Good, &line);
    s.phrase(Tone::Note, &w::END_NOTE);
    Ok(())
}

/// `` `a`, `b` ``
fn quoted(lines: &[String]) -> String {
    let q: Vec<String> = lines.iter().map(|l| format!("`{l}`")).collect();
    q.join(", ")
}
