//! Running the course in-process against the model lab, and reading back what
//! the learner saw and what the lab was asked to do.
use std::path::{Path, PathBuf};

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
pub const PREDICTION: &str = "More pages get through";

/// Stage 1 up to its fix: a hint opens the diagnosis, then the right answers.
pub const TO_THE_FIX: [&str; 4] = ["hint", "next", DIAGNOSIS, PREDICTION];

/// `first`, then `rest`: an answers list built from shared parts.
pub fn answers<'a>(first: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    [first, rest].concat()
}

pub fn state_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("perflab-tutor-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

pub struct Run {
    pub result: Result<Outcome, Stop>,
    pub asked: Vec<String>,
    pub left: usize,
}

pub fn course_run(
    dir: &Path,
    lab: &mut FakeLab,
    answers: &[&str],
    jump: Option<u8>,
    lang: Lang,
) -> Run {
    let mut prompt = ScriptedPrompter::new(answers.iter().copied());
    let mut screen = Recorder(lab.log.clone());
    let mut session = Session {
        ops: lab,
        prompt: &mut prompt,
        screen: &mut screen,
        course: Course::load().unwrap(),
        progress: Progress::load(dir).unwrap(),
        dir: dir.to_path_buf(),
        opts: Options {
            lang,
            yes: false,
            pauses: false,
            live: false,
        },
        cancel: CancellationToken::new(),
        before: None,
        after: None,
        class: None,
    };
    let result = course::run(&mut session, jump);
    Run {
        result,
        left: prompt.remaining(),
        asked: prompt.asked,
    }
}

/// A course run that must end with the learner stopping.
pub fn stops(dir: &Path, lab: &mut FakeLab, answers: &[&str], stage: u8, lang: Lang) -> Run {
    let run = course_run(dir, lab, answers, Some(stage), lang);
    assert!(
        matches!(run.result, Ok(Outcome::Stopped)),
        "{:?}",
        run.result
    );
    run
}

pub fn shown(log: &Log) -> String {
    log.borrow()
        .iter()
        .filter_map(|e| match e {
            Event::Shown(_, t) => Some(t.as_str()),
            Event::Call(_) => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn calls(log: &Log) -> Vec<String> {
    log.borrow()
        .iter()
        .filter_map(|e| match e {
            Event::Call(c) => Some(c.clone()),
            Event::Shown(..) => None,
        })
        .collect()
}

pub fn position(log: &Log, wanted: impl Fn(&Event) -> bool) -> usize {
    log.borrow()
        .iter()
        .position(wanted)
        .expect("the event is in the log")
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

/// One test's fresh state dir and model lab, which logs what it is asked and
/// what the learner is shown. The dir is removed when the case ends.
pub struct Case {
    pub dir: PathBuf,
    pub log: Log,
    pub lab: FakeLab,
}

impl Case {
    pub fn new(name: &str) -> Case {
        let log = Log::default();
        Case {
            dir: state_dir(name),
            lab: FakeLab::new(&log),
            log,
        }
    }

    /// A course run from `stage` that must end with the learner stopping.
    pub fn stops(&mut self, answers: &[&str], stage: u8, lang: Lang) -> Run {
        stops(&self.dir, &mut self.lab, answers, stage, lang)
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        // Cleanup only: a dir a test never wrote is not there to remove.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
