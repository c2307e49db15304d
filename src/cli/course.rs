//! `perflab` without a command: the interactive course, resumed where the
//! learner stopped. The tutor is synchronous and runs on its own thread; Ctrl-C
//! (or SIGTERM) cancels the lab's operations, and a prompt waiting for a line
//! is left behind, since the progress is already saved after every step.
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use super::Ctx;
use crate::lab::{defaults, LabOps, LabSession, LoadShape, STANDARD};
use crate::lessons::{Course, Lang};
use crate::load::options;
use crate::tutor::course::{self, Outcome};
use crate::tutor::step::step_kind;
use crate::tutor::{phrases as p, progress::Progress};
use crate::tutor::{Options, Session, Stop};
use crate::ui::{self, LinePrompter, PromptError, Prompter, ScriptedPrompter, TerminalPrompter};
use crate::ui::{Screen, TermScreen, Tone};

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

/// The language of the environment: Chinese for a `zh*` locale, else English.
pub fn lang_from_env() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .filter(|v| v.starts_with("zh"))
        .map_or(Lang::En, |_| Lang::Zh)
}

/// The language of the course: the option, else as saved, else the locale's.
pub fn lang_of(option: Option<Lang>, progress: &Progress) -> Lang {
    option
        .or_else(|| progress.lang.as_deref().and_then(|c| parse_lang(c).ok()))
        .unwrap_or_else(lang_from_env)
}

/// A prompter that says when it is waiting for the learner, so that Ctrl-C
/// there need not wait for a line that will never come.
pub(super) struct Watched {
    inner: Box<dyn Prompter + Send>,
    waiting: Arc<AtomicBool>,
}

impl Watched {
    pub(super) fn new(inner: Box<dyn Prompter + Send>, waiting: Arc<AtomicBool>) -> Watched {
        Watched { inner, waiting }
    }
}

impl Prompter for Watched {
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        self.waiting.store(true, Ordering::SeqCst);
        let r = self.inner.select(prompt, items);
        self.waiting.store(false, Ordering::SeqCst);
        r
    }

    fn input(&mut self, prompt: &str) -> Result<String, PromptError> {
        self.waiting.store(true, Ordering::SeqCst);
        let r = self.inner.input(prompt);
        self.waiting.store(false, Ordering::SeqCst);
        r
    }
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let course = Course::load().context("loading the lessons")?;
    let scripted = match &args.answers {
        Some(path) => Some(ScriptedPrompter::from_file_text(
            &std::fs::read_to_string(path).with_context(|| {
                format!(
                    "reading the answers file {}; check the path",
                    path.display()
                )
            })?,
        )),
        None => None,
    };
    let dir = ctx.settings.ensure_state_dir()?.to_path_buf();
    let progress = Progress::load(&dir)?;
    let lang = lang_of(args.lang, &progress);
    let shape = LoadShape {
        duration: args.load_duration,
        ..STANDARD
    };
    // The live view shows the load's own figures only: the server's gauges
    // would name the cause before the learner has looked.
    let sink: std::sync::Arc<dyn crate::lab::LabSink> =
        std::sync::Arc::new(crate::present::TermSink::without_gauges());
    let session = LabSession::open(&ctx.settings, &ctx.cancel, sink, shape).await?;
    let stdin_is_term =
        console::Term::stdout().is_term() && std::io::IsTerminal::is_terminal(&std::io::stdin());
    let has_answers = scripted.is_some();
    let prompter: Box<dyn Prompter + Send> = match scripted {
        Some(s) => Box::new(s),
        None if stdin_is_term => Box::new(TerminalPrompter),
        None => Box::new(LinePrompter::new(std::io::BufReader::new(std::io::stdin()))),
    };
    let waiting = Arc::new(AtomicBool::new(false));
    let mut prompter = Watched::new(prompter, waiting.clone());
    let opts = Options {
        lang,
        yes: args.yes,
        pauses: stdin_is_term && !has_answers,
        live: true,
    };
    // In a class, the course's events go to a queue on disk and a background
    // sender takes them to the instructor's server; the course never waits.
    let class = match progress.class.clone() {
        Some(m) => match crate::class::Classroom::for_member(m, &dir) {
            Ok(c) => Some(c),
            Err(e) => {
                ui::warn(&format!(
                    "the class cannot be used, the course goes on without it: {e}"
                ));
                None
            }
        },
        None => None,
    };
    let sender = class
        .as_ref()
        .map(|c| c.start_sender(&tokio::runtime::Handle::current(), ctx.cancel.clone()));
    let tutor_class = class.clone();
    let cancel = ctx.cancel.clone();
    let jump = args.stage;
    let tutor_dir = dir.clone();
    let mut tutor = session.spawn(move |lab| {
        let mut screen = TermScreen;
        let mut session = Session {
            ops: lab as &mut dyn LabOps,
            prompt: &mut prompter,
            screen: &mut screen,
            course,
            progress,
            dir: tutor_dir,
            opts,
            cancel,
            before: None,
            after: None,
            class: tutor_class,
        };
        course::run(&mut session, jump)
    });
    let result = tokio::select! {
        r = &mut tutor => Some(r),
        _ = ctx.cancel.cancelled() => None,
    };
    let result = match result {
        Some(r) => r.map(|(_, out)| out),
        // Ctrl-C: a lab operation in flight stops and the tutor returns; a
        // prompt waiting for a line does not, and is left behind.
        None => loop {
            if tutor.is_finished() {
                break tutor.await.map(|(_, out)| out);
            }
            if waiting.load(Ordering::SeqCst) {
                break Ok(Err(Stop::Interrupted));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        },
    };
    let result = result.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
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
    finish(result, &dir, lang, has_answers)
}

/// Says how the course ended and how to resume; the exit code.
fn finish(
    result: Result<Outcome, Stop>,
    dir: &std::path::Path,
    lang: Lang,
    has_answers: bool,
) -> anyhow::Result<ExitCode> {
    let mut screen = TermScreen;
    let code = match result {
        Ok(Outcome::Finished) => return Ok(ExitCode::SUCCESS),
        Ok(Outcome::Stopped) => ExitCode::SUCCESS,
        Err(Stop::Interrupted) => super::interrupted_code(),
        Err(Stop::Eof) if has_answers => {
            screen.show(Tone::Note, p::ANSWERS_ENDED.get(lang));
            ExitCode::FAILURE
        }
        Err(Stop::Eof) => {
            screen.show(Tone::Note, p::INPUT_ENDED.get(lang));
            ExitCode::SUCCESS
        }
        Err(e) => {
            ui::error(&format!("the course stopped: {e}"));
            ExitCode::FAILURE
        }
    };
    if let Ok(progress) = Progress::load(dir) {
        screen.show(Tone::Note, &resume_line(&progress, lang));
    }
    Ok(code)
}

/// Where `perflab` will pick up.
pub fn resume_line(progress: &Progress, lang: Lang) -> String {
    let n = progress.stage.to_string();
    let step = progress
        .stages
        .get(&progress.stage)
        .and_then(|st| step_kind(&st.step));
    match step {
        Some(k) => p::RESUME.fill(lang, &[("n", &n), ("step", p::step_name(k).get(lang))]),
        None => p::RESUME_NEXT.fill(lang, &[("n", &n)]),
    }
}
