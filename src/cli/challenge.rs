//! `perflab challenge`: the broken server with a goal in figures, timed and
//! scored. Opens the lab session as the course does and runs the challenge on
//! the tutor's blocking thread, with the same Ctrl-C handling: a lab operation
//! in flight stops, and a prompt waiting for a line is left behind (the
//! challenge is saved after every line, with its clock).
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::course::parse_lang;
use super::tutored;
use super::words::lang_of;
use super::words::CLOCK_NOT_SAVED;
use super::Ctx;
use crate::lab::{defaults, LabSession, LoadShape, STANDARD};
use crate::lessons::{Course, Lang};
use crate::load::options;
use crate::tutor::challenge::goal::{FACTORS, P99_RANGE_MS};
use crate::tutor::challenge::score::clock_text;
use crate::tutor::challenge::words as w;
use crate::tutor::challenge::{self, state, Outcome, Request};
use crate::tutor::progress::Progress;
use crate::tutor::Options;
use crate::ui;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
The goal, measured by `check` under the standard load: goodput at least GOAL x the baseline \
(a baseline under 250 2xx/s counts as 250), p99 latency at most --p99, and errors (non-2xx \
responses and requests without a response) at most 0.1 % of the requests.
Score: 1000 - 100 per hint - 1 per 10 s on the clock, at least 0. The clock runs while the \
challenge's prompt is open and keeps its time across `quit`, Ctrl-C and a resume.
At the prompt: any command runs in the server, a fix the course knows is applied, and `check`, \
`hint`, `goal`, `help` and `quit` are the challenge's own. `perflab report` shows the time, the \
hints and the score.
A stopped challenge resumes in its lab if that still runs; else the broken server is started \
again and the fixes you applied at the prompt are applied again, in their order.")]
pub struct Args {
    /// Goodput to reach, as a multiple of the baseline (2 to 100; default 10)
    #[arg(long, value_name = "N", value_parser = factor_arg)]
    pub goal: Option<u32>,
    /// The p99 latency bound: 500ms, 1s (50ms to 2s; default 1s)
    #[arg(long, value_name = "TIME", value_parser = p99_arg)]
    pub p99: Option<u64>,
    /// Start a new challenge, abandoning the one in progress or finished
    #[arg(long)]
    pub new: bool,
    /// The language, en or zh (default: as saved, else from the locale)
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Answers given in advance, one a line; blank lines and # comments are skipped, `^C` stands for Ctrl-C
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Answer yes to every confirmation (a host-wide change, a hint's cost)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// How long each load run lasts (100ms to 1h); shorter runs are noisier
    #[arg(long, value_name = "TIME", env = "PERFLAB_LOAD_DURATION", default_value = defaults::DURATION, value_parser = options::duration_arg)]
    pub load_duration: Duration,
}

/// A goal option out of its range, naming the value and the range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoalArgError {
    #[error("`{0}` is not a whole number: --goal takes {lo} to {hi} (times the baseline)", lo = FACTORS.start(), hi = FACTORS.end())]
    NotANumber(String),
    #[error(transparent)]
    Goal(#[from] challenge::goal::GoalError),
    #[error(transparent)]
    Duration(#[from] options::OptionError),
}

pub fn factor_arg(text: &str) -> Result<u32, GoalArgError> {
    let n: u32 = text
        .trim()
        .parse()
        .map_err(|_| GoalArgError::NotANumber(text.to_string()))?;
    challenge::goal::Goal::build(n, *P99_RANGE_MS.start())?;
    Ok(n)
}

/// The bound in milliseconds.
pub fn p99_arg(text: &str) -> Result<u64, GoalArgError> {
    let ms = options::parse_duration(text)?.as_millis();
    let ms = u64::try_from(ms).unwrap_or(u64::MAX);
    challenge::goal::Goal::build(*FACTORS.start(), ms)?;
    Ok(ms)
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let course = Course::load().context("loading the lessons")?;
    let scripted = tutored::answers(args.answers.as_deref())?;
    let dir = ctx.settings.ensure_state_dir()?.to_path_buf();
    let progress = Progress::load(&dir)?;
    let request = Request {
        new: args.new,
        factor: args.goal,
        p99_ms: args.p99,
    };
    state::check(progress.challenge.as_ref(), &request)?;
    let lang = lang_of(args.lang, &progress);
    let shape = LoadShape {
        duration: args.load_duration,
        ..STANDARD
    };
    let session = LabSession::open(&ctx.settings, &ctx.cancel, ctx.sink(true), shape).await?;
    let prompting = tutored::prompting(scripted);
    let has_answers = prompting.has_answers;
    let opts = Options {
        lang,
        yes: args.yes,
        pauses: false,
        live: true,
    };
    let copts = challenge::Options {
        request,
        connections: shape.connections,
        seconds: shape.duration.as_secs_f64(),
    };
    let parts = tutored::Parts {
        course,
        progress,
        dir: dir.clone(),
        opts,
        class: None,
    };
    // Ctrl-C at a prompt: the tutor saves nothing more, so the clock stops here.
    let at_wait = || {
        if let Err(e) = challenge::stop_saved_clock(&dir) {
            ui::warn(&CLOCK_NOT_SAVED.fill(lang, &[("error", &e.to_string())]));
        }
    };
    let result = tutored::run(session, &ctx.cancel, prompting, parts, at_wait, move |s| {
        challenge::run(s, copts)
    })
    .await;
    let ended = result.map(|o| !matches!(o, Outcome::Stopped));
    Ok(tutored::finish(
        ended,
        "challenge",
        &dir,
        lang,
        has_answers,
        |p| {
            let c = p.challenge.filter(|c| !c.finished)?;
            Some(w::SAVED.fill(lang, &[("time", &clock_text(c.elapsed_s))]))
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_help_states_the_rules_the_code_applies() {
        use crate::tutor::challenge::goal::{BASELINE_FLOOR_RPS, ERROR_TOLERANCE, FACTOR_DEFAULT};
        use crate::tutor::challenge::score::{HINT_COST, SECONDS_PER_POINT, START};
        use clap::CommandFactory;
        let help = crate::cli::Cli::command()
            .find_subcommand_mut("challenge")
            .expect("the challenge subcommand")
            .render_long_help()
            .to_string();
        let rule = format!("{START} - {HINT_COST} per hint - 1 per {SECONDS_PER_POINT} s");
        assert!(help.contains(&rule), "{help}");
        let floor = format!("under {BASELINE_FLOOR_RPS} 2xx/s counts as {BASELINE_FLOOR_RPS}");
        assert!(help.contains(&floor), "{help}");
        assert!(
            help.contains(&format!("at most {} %", ERROR_TOLERANCE * 100.0)),
            "{help}"
        );
        assert!(
            help.contains(&format!("default {}", FACTOR_DEFAULT)),
            "{help}"
        );
    }

    #[test]
    fn goal_options_are_checked_with_the_range_in_the_message() {
        assert_eq!(factor_arg("20"), Ok(20));
        for bad in ["1", "101", "x", "-3"] {
            let e = factor_arg(bad).unwrap_err().to_string();
            assert!(e.contains("2 to 100"), "{bad}: {e}");
        }
        assert_eq!(p99_arg("500ms"), Ok(500));
        assert_eq!(p99_arg("1s"), Ok(1000));
        for bad in ["10ms", "3s"] {
            let e = p99_arg(bad).unwrap_err().to_string();
            assert!(e.contains("50ms to 2000ms"), "{bad}: {e}");
        }
        assert!(p99_arg("fast")
            .unwrap_err()
            .to_string()
            .contains("not a duration"));
    }
}
