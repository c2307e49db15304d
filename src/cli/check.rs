//! `perflab check`: the current stage's check on the running lab, each predicate
//! with its observed and expected value. Exit 0 when it passes, 1 when not.
//! Predicates relative to the run before the fix need that run (the course's
//! observe step); without it they are named as not judged, and the check does
//! not pass.
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::words::lang_of;
use super::Ctx;
use crate::lab::{defaults, LabSession, LoadShape, STANDARD};
use crate::lessons::Course;
use crate::load::options;
use crate::tutor::judge::{lines, stage};
use crate::tutor::runs::{self, Which};
use crate::tutor::{phrases as p, progress::Progress};
use crate::ui::{Screen, TermScreen, Tone};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when the check passes, 1 when it does not (or cannot be judged)."
)]
pub struct Args {
    /// How long the check's load run lasts (100ms to 1h)
    #[arg(long, value_name = "TIME", env = "PERFLAB_LOAD_DURATION", default_value = defaults::DURATION, value_parser = options::duration_arg)]
    pub load_duration: Duration,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let course = Course::load().context("loading the lessons")?;
    let dir = ctx.settings.state_dir.clone();
    let progress = Progress::load(&dir)?;
    let lang = lang_of(None, &progress);
    let mut screen = TermScreen;
    let n = progress.stage;
    let Some(lesson) = course.stage(n).cloned() else {
        screen.show(Tone::Note, p::COURSE_COMPLETE.get(lang));
        return Ok(ExitCode::SUCCESS);
    };
    let spec = lesson.spec;
    let title = p::CHECKING.fill(
        lang,
        &[("n", &n.to_string()), ("title", spec.title.get(lang))],
    );
    screen.show(Tone::Heading, &title);
    let Some(check) = spec.check.clone() else {
        let line = p::NO_CHECK.fill(lang, &[("n", &n.to_string())]);
        screen.show(Tone::Note, &line);
        return Ok(ExitCode::SUCCESS);
    };
    let before = runs::load(&dir, n, Which::Before);
    let shape = LoadShape {
        duration: args.load_duration,
        ..STANDARD
    };
    let session = LabSession::open(&ctx.settings, &ctx.cancel, ctx.sink(true), shape).await?;
    session.lab.engine().server().await?;
    screen.show(Tone::Note, check.say.get(lang));
    let judged_before = before.clone().unwrap_or_default();
    let spec_run = spec.clone();
    let (_session, outcome) = session
        .blocking(move |lab| stage::check(lab, &spec_run, &judged_before, true, lang))
        .await;
    let outcome = outcome?;
    if ctx.cancel.is_cancelled() {
        anyhow::bail!("interrupted: the check's run did not finish");
    }
    let lines = lines::verdict_lines(&outcome.verdicts, lang);
    let mut passed = outcome.passed();
    for (pred, (tone, line)) in check.predicates.iter().zip(lines) {
        if pred.before && before.is_none() {
            passed = false;
            let note = p::NOT_JUDGED.fill(lang, &[("field", &pred.field.text)]);
            screen.show(Tone::Note, &note);
        } else {
            screen.show(tone, &line);
        }
    }
    match (&spec.symptom, before.is_some()) {
        (Some(s), false) => {
            passed = false;
            let note = p::SYMPTOM_NOT_JUDGED.fill(lang, &[("field", &s.field.text)]);
            screen.show(Tone::Note, &note);
        }
        _ => {
            for (tone, line) in lines::symptom_outcome(&spec, outcome.symptom, lang) {
                screen.show(tone, &line);
            }
        }
    }
    match passed {
        true => {
            screen.show(Tone::Good, p::CHECK_PASSED.get(lang));
            Ok(ExitCode::SUCCESS)
        }
        false => {
            screen.show(Tone::Bad, p::CHECK_FAILED.get(lang));
            Ok(ExitCode::FAILURE)
        }
    }
}
