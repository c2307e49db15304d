//! The challenge from its start (or where it stopped) to its end: the lab, the
//! baseline, the goal, then the prompt until a `check` reaches the goal.
use crate::ui::Tone;

use crate::tutor::lab_prompt::{self, Applied};
use crate::tutor::phrases as p;
use crate::tutor::session::{Flow, Session, Stop};

use super::goal::RunMeasure;
use super::play::{Options, Outcome, Play};
use super::score::clock_text;
use super::screens::show_goal;
use super::state::{self, ChallengeProgress, LabStep, Plan};
use super::{broken_server, prompt, words as w};

/// Runs the challenge. A `quit` is a normal end; Ctrl-C and errors come back
/// as `Err`, with the progress and the clock saved after the last line.
pub fn run(s: &mut Session, opts: Options) -> Flow<Outcome> {
    match begin(s, opts) {
        Err(Stop::Quit) => Ok(Outcome::Stopped),
        other => other,
    }
}

fn begin(s: &mut Session, opts: Options) -> Flow<Outcome> {
    s.progress.lang = Some(s.lang());
    let lang = s.lang();
    let found = broken_server::read_id(&mut *s.ops);
    let plan = state::plan(
        s.progress.challenge.as_ref(),
        &opts.request,
        found.as_deref(),
    );
    s.phrase(Tone::Heading, &w::TITLE);
    let mut play = match plan {
        Plan::Finished(c) => {
            let text = w::ALREADY_DONE.fill(
                lang,
                &[
                    ("time", &clock_text(c.elapsed_s)),
                    ("hints", &c.hints().to_string()),
                    ("score", &c.score().to_string()),
                ],
            );
            s.say(Tone::Good, &text);
            return Ok(Outcome::AlreadyDone);
        }
        Plan::Start(goal) => {
            let c = ChallengeProgress::new(broken_server::new_id(), goal);
            let mut play = Play::build(&s.course, c, opts);
            start_lab(s, &mut play)?;
            baseline(s, &mut play)?;
            play
        }
        Plan::Resume {
            c,
            lab: step,
            measure_baseline,
        } => {
            let mut play = Play::build(&s.course, *c, opts);
            if let LabStep::Restart { reapply } = step {
                let n = reapply.to_string();
                s.say(Tone::Note, &w::LAB_GONE.fill(lang, &[("n", &n)]));
                start_lab(s, &mut play)?;
                reapply_fixes(s, &mut play)?;
            }
            match measure_baseline {
                true => baseline(s, &mut play)?,
                false => {
                    let text = w::RESUMING.fill(
                        lang,
                        &[
                            ("time", &clock_text(play.c.elapsed_s)),
                            ("hints", &play.c.hints().to_string()),
                        ],
                    );
                    s.say(Tone::Note, &text);
                }
            }
            play
        }
    };
    show_goal(s, &play);
    s.phrase(Tone::Note, &w::INTRO);
    play.start_clock();
    let r = prompt::run(s, &mut play);
    // Ctrl-C or an error: the clock's time is kept as far as it went.
    if r.is_err() {
        play.stop_clock();
        if let Err(e) = play.save(s) {
            log::debug!("saving the challenge's clock after a stop: {e}");
        }
    }
    r
}

/// The broken server, afresh. A lab that holds the course's work is replaced
/// only once the learner agrees.
fn start_lab(s: &mut Session, play: &mut Play) -> Flow<()> {
    if let Some(n) = broken_server::course_stage(&mut *s.ops) {
        let q = w::REPLACES_COURSE_LAB.fill(s.lang(), &[("n", &n.to_string())]);
        if !s.confirm(&q)? {
            return Err(Stop::Quit);
        }
    }
    s.phrase(Tone::Note, &w::STARTING);
    // Saved first: a start that fails leaves a challenge whose lab is not there,
    // and the next `perflab challenge` starts it again.
    play.save(s)?;
    let id = play.c.lab_id.clone();
    s.lab(|o| broken_server::start(o, &id))
}

/// The learner's fixes, applied again to a fresh broken server in their order;
/// one that does not apply is dropped from the list.
fn reapply_fixes(s: &mut Session, play: &mut Play) -> Flow<()> {
    let fixes = std::mem::take(&mut play.c.fixes);
    for f in fixes {
        let fault = play.faults.get(f.stage).cloned();
        let change = fault.as_ref().and_then(|x| x.change(&f.change)).cloned();
        let (Some(fault), Some(change)) = (fault, change) else {
            drop_fix(s, &f.typed);
            continue;
        };
        match lab_prompt::apply_accepted(s, &change, f.value.as_deref())? {
            Applied::Done(done) => {
                let line = w::FIX_APPLIED.fill(s.lang(), &[("done", &done)]);
                s.say(Tone::Good, &line);
                play.c.fixes.push(f);
                play.save(s)?;
                lab_prompt::restart(s, &fault.fix().restart)?;
            }
            Applied::Refused | Applied::Declined => drop_fix(s, &f.typed),
        }
    }
    play.save(s)
}

fn drop_fix(s: &mut Session, typed: &str) {
    let line = w::REAPPLY_DROPPED.fill(s.lang(), &[("fix", typed)]);
    s.say(Tone::Warn, &line);
}

/// The broken server's run under the standard load, from a settled start.
fn baseline(s: &mut Session, play: &mut Play) -> Flow<()> {
    let lang = s.lang();
    let text = w::BASELINE_RUN.fill(
        lang,
        &[
            ("connections", &play.opts.connections.to_string()),
            ("seconds", &format!("{}", play.opts.seconds)),
        ],
    );
    s.say(Tone::Note, &text);
    let live = s.opts.live;
    let facts = s.lab(|o| o.run_load(live, None, None))?;
    let Some(run) = facts.run.as_ref().filter(|r| !r.report.interrupted) else {
        s.phrase(Tone::Warn, &p::RUN_INTERRUPTED);
        return Err(Stop::Interrupted);
    };
    let m = RunMeasure::from_report(&run.report);
    let text = w::BASELINE_IS.fill(lang, &[("goodput", &format!("{:.0}", m.goodput_rps))]);
    s.say(Tone::Plain, &text);
    play.c.baseline = Some(m);
    play.save(s)
}
