//! `perflab` without a command: the interactive course, resumed where the
//! learner stopped. The tutor is synchronous and runs on its own thread; Ctrl-C
//! (or SIGTERM) cancels the lab's operations, and a prompt waiting for a line
//! is left behind, since the progress is already saved after every step.
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::tutored;
use super::Ctx;
use crate::lab::{defaults, LabSession, LoadShape, STANDARD};
use crate::lessons::{Course, Lang};
use crate::load::options;
use crate::tutor::course::{self, Outcome};
use crate::tutor::position::Position;
use crate::tutor::Options;
use crate::tutor::{phrases as p, progress::Progress};
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The course's language, en or zh (default: as saved, else from LC_ALL, LC_MESSAGES or LANG)
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Answers given in advance, one a line; blank lines and # comments are skipped, `^C` stands for Ctrl-C
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Jump to the start of stage N (0 to 6): the lab is started again as it is there
    #[arg(long, value_name = "N", value_parser = super::args::stage)]
    pub stage: Option<u8>,
    /// Answer yes to every confirmation and do not wait for Enter
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How long each of the course's load runs lasts (100ms to 1h); shorter runs are noisier
    #[arg(long, value_name = "TIME", env = "PERFLAB_LOAD_DURATION", default_value = defaults::DURATION, value_parser = options::duration_arg)]
    pub load_duration: Duration,
}

/// A language the course is not written in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a language of the course: use en or zh")]
pub struct NotALanguage {
    text: String,
}

pub fn parse_lang(text: &str) -> Result<Lang, NotALanguage> {
    Lang::ALL
        .into_iter()
        .find(|l| l.code() == text)
        .ok_or_else(|| NotALanguage {
            text: text.to_string(),
        })
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let course = Course::load().context("loading the lessons")?;
    let scripted = tutored::answers(args.answers.as_deref())?;
    let dir = ctx.settings.ensure_state_dir()?.to_path_buf();
    let progress = Progress::load(&dir)?;
    let lang = super::words::lang_of(args.lang, &progress);
    let shape = LoadShape {
        duration: args.load_duration,
        ..STANDARD
    };
    // The live view shows the load's own figures only: the server's gauges
    // would name the cause before the learner has looked.
    let sink: std::sync::Arc<dyn crate::lab::LabSink> =
        std::sync::Arc::new(crate::present::TermSink::for_course(lang));
    let session = LabSession::open(&ctx.settings, &ctx.cancel, sink, shape).await?;
    let prompting = tutored::prompting(scripted);
    let has_answers = prompting.has_answers;
    let opts = Options {
        lang,
        yes: args.yes,
        pauses: prompting.interactive && !has_answers,
        live: true,
    };
    // In a class, the course's events go to a queue on disk and a background
    // sender takes them to the instructor's server; the course never waits.
    let class = match super::class::membership(&dir)? {
        Some(m) => match crate::class::Classroom::for_member(m, &dir) {
            Ok(c) => Some(c),
            Err(e) => {
                let error = e.to_string();
                ui::warn(&super::words::CLASS_UNUSABLE.fill(lang, &[("error", &error)]));
                None
            }
        },
        None => None,
    };
    let sender = class
        .as_ref()
        .map(|c| c.start_sender(&tokio::runtime::Handle::current(), ctx.cancel.clone()));
    let jump = args.stage;
    let parts = tutored::Parts {
        course,
        progress,
        dir: dir.clone(),
        opts,
        class: class.clone(),
    };
    let result = tutored::run(
        session,
        &ctx.cancel,
        prompting,
        parts,
        || {},
        move |s| course::run(s, jump),
    )
    .await;
    if let Some(c) = &class {
        // What the class has not got yet stays queued for the next run.
        let left = c.flush(Duration::from_secs(3)).await;
        if left > 0 {
            ui::info(&format!(
                "{left} course events wait for the class server; `perflab` sends them when it answers"
            ));
        }
    }
    drop(sender);
    let ended = result.map(|o| matches!(o, Outcome::Finished));
    Ok(tutored::finish(
        ended,
        "course",
        &dir,
        lang,
        has_answers,
        |p| Some(resume_line(&p, lang)),
    ))
}

/// Where `perflab` will pick up.
pub fn resume_line(progress: &Progress, lang: Lang) -> String {
    let n = progress.stage.to_string();
    let position = progress.stages.get(&progress.stage).map(|st| st.position);
    match position {
        Some(Position::At(k)) => {
            p::RESUME.fill(lang, &[("n", &n), ("step", p::step_name(k).get(lang))])
        }
        Some(Position::Done) | None => p::RESUME_NEXT.fill(lang, &[("n", &n)]),
    }
}
