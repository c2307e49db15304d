//! One test's course: a fresh state directory and a model lab, and the course
//! run in-process against it ([`Case::course`] builds a run), with what the
//! learner saw and what the lab was asked to do read back.
use std::path::PathBuf;

use perflab::lessons::{Course, Lang};
use perflab::tutor::course::{self, Outcome};
use perflab::tutor::progress::Progress;
use perflab::tutor::{Options, Session, Stop};
use perflab::ui::ScriptedPrompter;
use tokio_util::sync::CancellationToken;

use super::fake::{Event, FakeLab, Log, Recorder};

/// Stage 1's right answers, chosen by the start of their text as an answers
/// file may (the menu's order puts the right one anywhere but first).
pub const DIAGNOSIS: &str = "A full connection-tracking table";
pub const PREDICTION: &str = "More pages, yet far fewer than it could serve";

/// Stage 1 up to its fix: a hint opens the diagnosis, then the right answers.
pub const TO_THE_FIX: [&str; 4] = ["hint", "next", DIAGNOSIS, PREDICTION];

/// `first`, then `rest`: an answers list built from shared parts.
pub fn answers<'a>(first: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    [first, rest].concat()
}

/// How one course run ended, and what the learner was asked.
pub struct Run {
    pub result: Result<Outcome, Stop>,
    pub asked: Vec<String>,
    /// Answers never asked for.
    pub left: usize,
}

/// One test's fresh state dir and model lab, which logs what it is asked and
/// what the learner is shown. The dir is removed when the case ends.
pub struct Case {
    pub dir: PathBuf,
    pub log: Log,
    pub lab: FakeLab,
}

impl Case {
    pub fn new(name: &str) -> Case {
        let dir = std::env::temp_dir().join(format!("perflab-tutor-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = Log::default();
        Case {
            dir,
            lab: FakeLab::new(&log),
            log,
        }
    }

    /// A course run with `answers`, in English, from where the progress stands.
    pub fn course<'a>(&'a mut self, answers: &'a [&'a str]) -> CourseRun<'a> {
        CourseRun {
            case: self,
            answers,
            jump: None,
            lang: Lang::En,
        }
    }

    /// What the learner was shown, a line each.
    pub fn shown(&self) -> String {
        self.log
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Shown(_, t) => Some(t.as_str()),
                Event::Call(_) => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The lab's calls, in order.
    pub fn calls(&self) -> Vec<String> {
        self.log
            .borrow()
            .iter()
            .filter_map(|e| match e {
                Event::Call(c) => Some(c.clone()),
                Event::Shown(..) => None,
            })
            .collect()
    }

    /// Where the first event `wanted` picks is in the log.
    pub fn position(&self, wanted: impl Fn(&Event) -> bool) -> usize {
        self.log
            .borrow()
            .iter()
            .position(wanted)
            .expect("the event is in the log")
    }

    /// The saved progress.
    pub fn progress(&self) -> Progress {
        Progress::load(&self.dir).unwrap()
    }

    /// Forgets what was shown and called so far.
    pub fn clear_log(&self) {
        self.log.borrow_mut().clear();
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        // Cleanup only: a dir a test never wrote is not there to remove.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A course run being built: [`Case::course`], then where it starts and its
/// language, then [`Self::run`].
pub struct CourseRun<'a> {
    case: &'a mut Case,
    answers: &'a [&'a str],
    jump: Option<u8>,
    lang: Lang,
}

impl CourseRun<'_> {
    /// From the start of `stage` (`perflab --stage N`).
    pub fn at(mut self, stage: u8) -> Self {
        self.jump = Some(stage);
        self
    }

    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub fn run(self) -> Run {
        let case = self.case;
        let mut prompt = ScriptedPrompter::new(self.answers.iter().copied());
        let mut screen = Recorder(case.log.clone());
        let mut session = Session {
            ops: &mut case.lab,
            prompt: &mut prompt,
            screen: &mut screen,
            course: Course::load().unwrap(),
            progress: Progress::load(&case.dir).unwrap(),
            dir: case.dir.clone(),
            opts: Options {
                lang: self.lang,
                yes: false,
                pauses: false,
                live: false,
            },
            cancel: CancellationToken::new(),
            before: None,
            after: None,
            class: None,
        };
        let result = course::run(&mut session, self.jump);
        Run {
            result,
            left: prompt.remaining(),
            asked: prompt.asked,
        }
    }

    /// A run that must end with the learner stopping.
    #[track_caller]
    pub fn stops(self) -> Run {
        let run = self.run();
        assert!(
            matches!(run.result, Ok(Outcome::Stopped)),
            "{:?}",
            run.result
        );
        run
    }
}

/// The lesson's text of a choice's `why`, so the tests follow the lessons.
pub fn why(stage: u8, question: &str, choice: usize) -> String {
    let course = Course::load().unwrap();
    let spec = &course.stage(stage).unwrap().spec;
    let q = match question {
        "diagnose" => &spec.diagnose,
        _ => spec.predict.as_ref().unwrap(),
    };
    q.choices[choice].why.en.clone()
}
