//! `perflab reset [STAGE | --all]`: the progress back to a stage's start (and
//! every later stage's, since each builds on it), or the whole course; a
//! running lab is started again as it is at that stage's start.
use std::process::ExitCode;

use super::words as w;
use super::Ctx;
use crate::engine::state::LabLock;
use crate::lab::{mark, LabSession, STANDARD};
use crate::lessons::{Lang, STAGES};
use crate::tutor::progress::{Progress, ProgressError};
use crate::tutor::runs;
use crate::ui;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  perflab reset        the current stage\n  perflab reset 3      stage 3 and every later one\n  perflab reset --all  the whole course"
)]
pub struct Args {
    /// The stage to put back to its start, 0 to 6 (default: the current one)
    #[arg(
        value_name = "STAGE",
        conflicts_with = "all",
        allow_hyphen_values = true
    )]
    pub stage: Option<String>,
    /// Put the whole course back to its start
    #[arg(long)]
    pub all: bool,
}

/// A stage to reset, as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a stage of the course: give a number from {} to {}, or --all", STAGES.start(), STAGES.end())]
pub struct NotAStage {
    text: String,
}

/// A stage number as typed, checked against the course.
pub fn parse_stage(text: &str) -> Result<u8, NotAStage> {
    super::args::stage(text).map_err(|_| NotAStage {
        text: text.to_string(),
    })
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let wanted = args.stage.as_deref().map(parse_stage).transpose()?;
    let lock = LabLock::acquire(&ctx.settings.state_dir)?;
    // Before the reset, which keeps the language (and moves a broken file aside).
    let lang = ctx.lang();
    let dir = ctx.settings.ensure_state_dir()?.to_path_buf();
    let (progress, stage) = match args.all {
        true => (fresh_progress(&dir, lang)?, 0),
        false => {
            let mut p = Progress::load(&dir)?;
            let n = wanted.unwrap_or(p.stage.min(*STAGES.end()));
            p.reset_from(n);
            (p, n)
        }
    };
    runs::remove_from(&dir, stage);
    progress.save(&dir)?;
    match args.all {
        true => ui::done(w::COURSE_BACK.get(lang)),
        false => ui::done(&w::STAGE_BACK.fill(lang, &[("n", &stage.to_string())])),
    }
    // Without Docker no lab can run: the progress alone was the reset.
    let running = match ctx.lab().await {
        Ok(lab) => lab.find_server().await?.is_some(),
        Err(e) => {
            log::debug!("no Docker Engine, so no lab to start again: {e}");
            false
        }
    };
    if !running {
        ui::info(&w::NO_LAB_RUNS.fill(lang, &[("n", &stage.to_string())]));
        return Ok(ExitCode::SUCCESS);
    }
    let session =
        LabSession::open_locked(lock, &ctx.settings, &ctx.cancel, ctx.sink(false), STANDARD)
            .await?;
    let (_session, started) = session
        .blocking(move |lab| mark::ensure(lab, stage, true))
        .await;
    started?;
    ui::done(&w::LAB_STARTED_AGAIN.fill(lang, &[("n", &stage.to_string())]));
    Ok(ExitCode::SUCCESS)
}

/// A new progress that keeps the chosen language. A progress file that does
/// not parse is moved aside (this is the way out its error message names).
fn fresh_progress(dir: &std::path::Path, lang: Lang) -> anyhow::Result<Progress> {
    let mut fresh = Progress::default();
    match Progress::load(dir) {
        Ok(old) => fresh.lang = old.lang,
        Err(ProgressError::Corrupt { path, .. } | ProgressError::Format { path, .. }) => {
            let aside = path.with_extension("json.unreadable");
            std::fs::rename(&path, &aside)?;
            ui::warn(&w::MOVED_ASIDE.fill(
                lang,
                &[
                    ("path", &path.display().to_string()),
                    ("aside", &aside.display().to_string()),
                ],
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(fresh)
}

#[cfg(test)]
mod tests {
    #[test]
    fn stages_are_checked_with_the_range_in_the_message() {
        assert_eq!(super::parse_stage("3"), Ok(3));
        for bad in ["7", "-1", "abc", "", "300"] {
            let e = super::parse_stage(bad).unwrap_err().to_string();
            assert!(e.contains("from 0 to 6"), "{e}");
        }
    }
}
