//! What the course and the challenge share on the command line: the answers
//! file or the terminal as the learner's prompter, and the tutor run on the
//! lab's thread, where Ctrl-C (or SIGTERM) cancels the lab's operations and a
//! prompt waiting for a line is left behind (the progress is saved after every
//! step).
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::class::Classroom;
use crate::lab::{LabOps, LabSession};
use crate::lessons::{Course, Lang};
use crate::tutor::phrases as p;
use crate::tutor::progress::Progress;
use crate::tutor::{Options, Session, Stop};
use crate::ui::{self, LinePrompter, PromptError, Prompter, ScriptedPrompter, TerminalPrompter};
use crate::ui::{Screen, TermScreen, Tone};

/// The answers file, read whole, if one was given.
pub fn answers(path: Option<&Path>) -> anyhow::Result<Option<ScriptedPrompter>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading the answers file {}; check the path",
            path.display()
        )
    })?;
    Ok(Some(ScriptedPrompter::from_file_text(&text)))
}

/// Where the learner's answers come from.
pub struct Prompting {
    pub prompter: Watched,
    /// A terminal on both ends: the learner is there to read.
    pub interactive: bool,
    pub has_answers: bool,
}

/// The answers file, else the terminal, else stdin's lines.
pub fn prompting(scripted: Option<ScriptedPrompter>) -> Prompting {
    let interactive =
        console::Term::stdout().is_term() && std::io::IsTerminal::is_terminal(&std::io::stdin());
    let has_answers = scripted.is_some();
    let inner: Box<dyn Prompter + Send> = match scripted {
        Some(s) => Box::new(s),
        None if interactive => Box::new(TerminalPrompter),
        None => Box::new(LinePrompter::new(std::io::BufReader::new(std::io::stdin()))),
    };
    Prompting {
        prompter: Watched {
            inner,
            waiting: Arc::new(AtomicBool::new(false)),
        },
        interactive,
        has_answers,
    }
}

/// A prompter that says when it is waiting for the learner, so that Ctrl-C
/// there need not wait for a line that will never come.
pub struct Watched {
    inner: Box<dyn Prompter + Send>,
    /// Set while the prompter waits for a line.
    waiting: Arc<AtomicBool>,
}

impl Watched {
    fn waits<T>(&mut self, ask: impl FnOnce(&mut dyn Prompter) -> T) -> T {
        self.waiting.store(true, Ordering::SeqCst);
        let r = ask(self.inner.as_mut());
        self.waiting.store(false, Ordering::SeqCst);
        r
    }
}

impl Prompter for Watched {
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        self.waits(|p| p.select(prompt, items))
    }

    fn input(&mut self, prompt: &str) -> Result<String, PromptError> {
        self.waits(|p| p.input(prompt))
    }
}

/// How a tutored `what` ("course", "challenge") ended, in a line and its exit
/// code: `Ok(true)` reached its end (the tutor said so), `Ok(false)` stopped by
/// the learner; then `resume` says, from the saved progress, how to pick up.
pub fn finish(
    ended: Result<bool, Stop>,
    what: &str,
    dir: &Path,
    lang: Lang,
    has_answers: bool,
    resume: impl FnOnce(Progress) -> Option<String>,
) -> ExitCode {
    let code = match ended {
        Ok(true) => return ExitCode::SUCCESS,
        Ok(false) => ExitCode::SUCCESS,
        Err(stop) => stop_code(stop, what, lang, has_answers),
    };
    if let Some(line) = Progress::load(dir).ok().and_then(resume) {
        TermScreen.show(Tone::Note, &line);
    }
    code
}

/// The exit code of a `what` ("course", "challenge") that stopped, said in a line.
fn stop_code(stop: Stop, what: &str, lang: Lang, has_answers: bool) -> ExitCode {
    let mut screen = TermScreen;
    match stop {
        Stop::Interrupted => super::interrupted_code(),
        Stop::Eof if has_answers => {
            screen.show(Tone::Note, p::ANSWERS_ENDED.get(lang));
            ExitCode::FAILURE
        }
        Stop::Eof => {
            screen.show(Tone::Note, p::INPUT_ENDED.get(lang));
            ExitCode::SUCCESS
        }
        e => {
            ui::error(&format!("the {what} stopped: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// What a tutor session is made of, besides the lab and the prompter.
pub struct Parts {
    pub course: Course,
    pub progress: Progress,
    pub dir: PathBuf,
    pub opts: Options,
    pub class: Option<Classroom>,
}

/// Runs `work` with a tutor session on the lab's thread. On Ctrl-C a lab
/// operation in flight stops and `work` returns; a prompt waiting for a line
/// does not, and is left behind after `at_wait` ran.
pub async fn run<T: Send + 'static>(
    session: LabSession,
    cancel: &CancellationToken,
    prompting: Prompting,
    parts: Parts,
    at_wait: impl FnOnce(),
    work: impl FnOnce(&mut Session) -> Result<T, Stop> + Send + 'static,
) -> Result<T, Stop> {
    let mut prompter = prompting.prompter;
    let waiting = prompter.waiting.clone();
    let tutor_cancel = cancel.clone();
    let mut tutor = session.spawn(move |lab| {
        let mut screen = TermScreen;
        let mut session = Session {
            ops: lab as &mut dyn LabOps,
            prompt: &mut prompter,
            screen: &mut screen,
            course: parts.course,
            progress: parts.progress,
            dir: parts.dir,
            opts: parts.opts,
            cancel: tutor_cancel,
            before: None,
            after: None,
            class: parts.class,
        };
        work(&mut session)
    });
    let result = tokio::select! {
        r = &mut tutor => Some(r),
        _ = cancel.cancelled() => None,
    };
    let result = match result {
        Some(r) => r.map(|(_, out)| out),
        None => loop {
            if tutor.is_finished() {
                break tutor.await.map(|(_, out)| out);
            }
            if waiting.load(Ordering::SeqCst) {
                at_wait();
                break Ok(Err(Stop::Interrupted));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        },
    };
    result.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}
