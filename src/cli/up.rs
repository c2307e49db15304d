//! `perflab up [--stage N]`: build the images if needed and start the lab as it is
//! at the start of stage N (every earlier stage with its reference fix).
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use super::words as w;
use super::Ctx;
use crate::config::{KnobsPatch, StagePlan};
use crate::engine::{state::LabLock, UpOptions};
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stage to start at (0 to 6)
    #[arg(long, default_value_t = 0, value_parser = super::args::stage, allow_hyphen_values = true)]
    pub stage: u8,
    /// Set a knob of the server on top of the stage's start, as in
    /// containers/stages.toml: `--set pm_max_children=20` (repeatable; for
    /// the benches that measure states no stage starts in)
    #[arg(long = "set", value_name = "KNOB=VALUE", value_parser = knob_arg, hide = true)]
    pub set: Vec<KnobsPatch>,
}

/// `KNOB=VALUE`, checked before anything acts.
fn knob_arg(text: &str) -> Result<KnobsPatch, String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not KNOB=VALUE (e.g. pm_max_children=20)"))?;
    KnobsPatch::single(name.trim(), value.trim()).map_err(|e| e.to_string())
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let plan = StagePlan::embedded().context("loading the stage data")?;
    let _lock = LabLock::acquire(&ctx.settings.state_dir)?;
    let start = Instant::now();
    let lab = ctx.lab().await?;
    let server = lab
        .up(
            &plan,
            &UpOptions {
                stage: args.stage,
                overrides: args.set,
            },
            &ctx.cancel,
        )
        .await?;
    let name = plan
        .stage(args.stage)
        .map(|s| s.name.as_str())
        .unwrap_or("");
    let lang = ctx.lang();
    let secs = format!("{:.1}", start.elapsed().as_secs_f64());
    ui::done(&w::UP_DONE.fill(
        lang,
        &[
            ("n", &args.stage.to_string()),
            ("name", name),
            ("secs", &secs),
        ],
    ));
    ui::out(&w::UP_SERVER.fill(lang, &[("url", &server.url())]));
    ui::info(w::UP_NEXT.get(lang));
    Ok(ExitCode::SUCCESS)
}
