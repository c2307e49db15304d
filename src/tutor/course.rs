//! The course as a state machine: stage after stage, step after step, the
//! progress saved as soon as a step is done, so that a stop anywhere (quit,
//! Ctrl-C, an error, the end of the answers) resumes at the step it was in.
use crate::class::EventKind;
use crate::lab::mark;
use crate::lessons::{StepKind, STAGES};
use crate::ui::Tone;

use super::advance;
use super::judge::lines;
use super::phrases as p;
use super::position::Position;
use super::progress::StageStatus;
use super::runs::{self, Which};
use super::session::{Flow, Session, Stop};
use super::steps::{self, Next};

/// How the course ended this time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every stage is done.
    Finished,
    /// The learner stopped; `perflab` resumes.
    Stopped,
}

/// Runs the course from where the progress stands, or from the start of stage
/// `jump`. A `quit` is a normal end; Ctrl-C and errors come back as `Err`.
pub fn run(s: &mut Session, jump: Option<u8>) -> Flow<Outcome> {
    match run_inner(s, jump) {
        Err(Stop::Quit) => Ok(Outcome::Stopped),
        other => other,
    }
}

fn run_inner(s: &mut Session, jump: Option<u8>) -> Flow<Outcome> {
    let last = *STAGES.end();
    // The language is the learner's choice until they make another.
    s.progress.lang = Some(s.lang());
    if let Some(n) = jump {
        s.progress.reset_from(n);
        runs::remove_from(&s.dir, n);
        s.save()?;
    }
    if s.progress.stage <= last {
        prepare_lab(s, s.progress.stage, jump.is_some())?;
    }
    // The chart closes every measure step; at the end it is shown again only to
    // a learner who comes back to a finished course.
    let mut measured = false;
    loop {
        let n = s.progress.stage;
        if n > last {
            let chart = lines::goodput_chart(&s.progress, s.screen.width(), s.lang());
            if let Some(chart) = chart.filter(|_| !measured) {
                s.say(Tone::Plain, &chart);
            }
            s.phrase(Tone::Good, &p::COURSE_DONE);
            return Ok(Outcome::Finished);
        }
        stage(s, n)?;
        measured = true;
        advance::next(s, n)?;
    }
}

/// The lab at the stage's start, or still holding the learner's work on it.
/// A lab started afresh does not hold what the learner did in this stage, so
/// the stage goes back to its observe step.
fn prepare_lab(s: &mut Session, n: u8, fresh: bool) -> Flow<()> {
    if !fresh && mark::read(&mut *s.ops) == Some(n) {
        return Ok(());
    }
    let text = p::LAB_STARTING.fill(s.lang(), &[("n", &n.to_string())]);
    s.say(Tone::Note, &text);
    s.lab(|o| mark::ensure(o, n, fresh).map(|_| ()))?;
    let past_observe = s
        .progress
        .stages
        .get(&n)
        .is_some_and(|st| matches!(st.position, Position::At(k) if k > StepKind::Observe));
    if past_observe {
        s.stage(n).position = Position::At(StepKind::Observe);
        runs::remove_from_stage(&s.dir, n);
        s.save()?;
        s.phrase(Tone::Note, &p::LAB_FRESH);
    }
    Ok(())
}

fn stage(s: &mut Session, n: u8) -> Flow<()> {
    let lesson = s.lesson(n);
    let steps = lesson.spec.steps();
    s.before = runs::load(&s.dir, n, Which::Before);
    s.after = runs::load(&s.dir, n, Which::After);
    let lang = s.lang();
    let solved = matches!(s.stage(n).status, StageStatus::Done | StageStatus::Skipped);
    let title = p::STAGE.fill(
        lang,
        &[
            ("n", &n.to_string()),
            ("title", lesson.spec.title_for(lang, solved)),
        ],
    );
    s.say(Tone::Heading, &title);
    if let Position::At(k) = s.stage(n).position {
        if k != StepKind::Brief {
            let step = p::step_name(k).get(lang);
            s.say(Tone::Note, &p::RESUMING.fill(lang, &[("step", step)]));
        }
    }
    s.save()?;
    loop {
        let kind = match s.stage(n).position {
            Position::Done => return Ok(()),
            // A step this stage does not have (a progress saved by an older
            // lesson) starts the stage again.
            Position::At(k) if steps.contains(&k) => k,
            Position::At(_) => StepKind::Brief,
        };
        s.event(EventKind::StepStarted, n, kind.name());
        let next = steps::run(kind, s, &lesson)?;
        s.event(EventKind::StepDone, n, kind.name());
        let following = match next {
            Next::Goto(k) => Some(k),
            Next::Following => steps.iter().copied().find(|k| *k > kind),
        };
        s.stage(n).position = following.map_or(Position::Done, Position::At);
        s.save()?;
    }
}
