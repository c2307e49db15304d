//! The course as a state machine: stage after stage, step after step, the
//! progress saved as soon as a step is done, so that a stop anywhere (quit,
//! Ctrl-C, an error, the end of the answers) resumes at the step it was in.
use crate::class::EventKind;
use crate::lab::mark;
use crate::lessons::{Lesson, StepKind, STAGES};
use crate::ui::{render_markdown, Tone};

use super::phrases as p;
use super::position::Position;
use super::progress::StageStatus;
use super::runs::{self, Which};
use super::session::{Flow, Session, Stop};
use super::step::Next;
use super::{advance, fixstep, investigate, judged, questions, results, screens, verify};

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
            let chart = judged::goodput_chart(&s.progress, s.screen.width(), s.lang());
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
        let next = match kind {
            StepKind::Brief => brief(s, &lesson)?,
            StepKind::Observe => observe(s, &lesson)?,
            StepKind::Investigate => investigate::run(s, &lesson)?,
            StepKind::Diagnose => questions::diagnose(s, &lesson)?,
            StepKind::Predict => questions::predict(s, &lesson)?,
            StepKind::Fix => fixstep::run(s, &lesson)?,
            StepKind::Check => verify::run(s, &lesson)?,
            StepKind::Measure => results::run(s, &lesson)?,
            StepKind::Debrief => debrief(s, &lesson)?,
        };
        s.event(EventKind::StepDone, n, kind.name());
        let following = match next {
            Next::Goto(k) => Some(k),
            Next::Following => steps.iter().copied().find(|k| *k > kind),
        };
        s.stage(n).position = following.map_or(Position::Done, Position::At);
        s.save()?;
    }
}

/// Brief: the stage's ticket (what users see, the goal), never its cause.
fn brief(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    prose(s, lesson.brief(s.lang()))?;
    s.pause()?;
    Ok(Next::Following)
}

/// Debrief: what was wrong and why the fix works, then the title that names it.
fn debrief(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let lang = s.lang();
    prose(s, lesson.debrief(lang))?;
    let solved = p::SOLVED.fill(lang, &[("title", lesson.spec.solved_title.get(lang))]);
    s.say(Tone::Good, &solved);
    s.pause()?;
    Ok(Next::Following)
}

/// Markdown wrapped to the terminal, a screenful at a time when the learner
/// presses Enter between them.
fn prose(s: &mut Session, md: &str) -> Flow<()> {
    let text = render_markdown(md, s.screen.width());
    let rows = match s.screen.height() {
        Some(h) if s.opts.pauses && !s.opts.yes => h.saturating_sub(3),
        _ => usize::MAX,
    };
    let pages = screens::pages(&text, rows);
    for (i, page) in pages.iter().enumerate() {
        s.say(Tone::Prose, page);
        if i + 1 < pages.len() {
            s.input(&p::MORE)?;
        }
    }
    Ok(())
}

/// Observe: the standard load at the server as it is; its figures become the
/// stage's "before".
fn observe(s: &mut Session, lesson: &Lesson) -> Flow<Next> {
    let spec = &lesson.spec;
    let n = spec.number;
    let lang = s.lang();
    s.say(Tone::Note, spec.observe.say.get(lang));
    s.phrase(Tone::Note, &p::OBSERVE_RUN);
    let live = s.opts.live;
    // A symptom read from a flame graph needs one under this load too.
    let flame = super::stage_eval::flame_function(spec);
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
