//! `perflab down`: remove every lab object and restore every journaled host change.
//! Idempotent, and works after a crash (the sweep goes by label).
use std::process::ExitCode;

use super::words as w;
use super::Ctx;
use crate::engine::state::LabLock;
use crate::present;
use crate::ui::{self, Progress};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn run(_args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let _lock = LabLock::acquire(&ctx.settings.state_dir)?;
    // Teardown is not cancellable: a half-removed lab is worse than a slow exit.
    let lab = ctx
        .lab()
        .await?
        .with_cancel(tokio_util::sync::CancellationToken::new());
    let lang = ctx.lang();
    let bar = Progress::spinner(w::REMOVING_LAB.get(lang));
    let report = lab.down().await?;
    drop(bar);
    if report.is_empty() {
        ui::info(w::NOTHING_TO_DO.get(lang));
        return Ok(ExitCode::SUCCESS);
    }
    let objects = report.containers.len() + report.networks.len() + report.volumes.len();
    if objects > 0 {
        ui::done(&w::REMOVED.fill(
            lang,
            &[
                ("containers", &report.containers.len().to_string()),
                ("networks", &report.networks.len().to_string()),
                ("volumes", &report.volumes.len().to_string()),
            ],
        ));
    }
    for r in &report.restored {
        let what = present::engine::restored(r, lang);
        ui::done(&w::RESTORED.fill(lang, &[("what", &what)]));
    }
    for k in &report.kept {
        ui::info(&present::engine::kept(k, lang));
    }
    for s in &report.skipped {
        ui::warn(&present::engine::skipped(s, lang));
    }
    Ok(ExitCode::SUCCESS)
}
