//! `perflab run --auto [--json]`: the whole course unattended — for each stage,
//! measure, apply the reference fix, check, measure again — then remove the lab
//! (unless `--keep`). Exit 0 only if every stage behaved as the course says.
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::words as w;
use super::Ctx;
use crate::lab::{defaults, LabSession, LoadShape, STANDARD};
use crate::lessons::Course;
use crate::load::options;
use crate::present;
use crate::tutor::auto::run_auto;
use crate::tutor::auto_table;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run unattended (the only mode of `run`; the interactive course is plain `perflab`)
    #[arg(long)]
    pub auto: bool,
    /// Print the result as JSON on stdout
    #[arg(long)]
    pub json: bool,
    /// The first stage (0 to 6)
    #[arg(long, default_value_t = *crate::lessons::STAGES.start(), value_parser = super::args::stage)]
    pub from: u8,
    /// The last stage (0 to 6)
    #[arg(long, default_value_t = *crate::lessons::STAGES.end(), value_parser = super::args::stage)]
    pub to: u8,
    /// Each load run: 10, 10s, 500ms, 1m (100ms to 1h)
    #[arg(long, value_name = "TIME", default_value = defaults::DURATION, value_parser = options::duration_arg)]
    pub duration: Duration,
    /// Concurrent connections of each load run (1 to 100000)
    #[arg(long, short = 'c', value_name = "N", default_value = defaults::CONNECTIONS, value_parser = options::connections_arg)]
    pub connections: usize,
    /// Leave the lab running at the end (default: remove it and restore the host)
    #[arg(long)]
    pub keep: bool,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if !args.auto {
        anyhow::bail!("`perflab run` needs --auto; the interactive course is plain `perflab`");
    }
    if args.from > args.to {
        anyhow::bail!(
            "--from {} is after --to {}: give 0 <= FROM <= TO <= 6",
            args.from,
            args.to
        );
    }
    let course = Course::load().context("loading the lessons")?;
    let shape = LoadShape {
        connections: args.connections,
        duration: args.duration,
        ..STANDARD
    };
    let live = !args.json;
    let session = LabSession::open(&ctx.settings, &ctx.cancel, ctx.sink(live), shape).await?;
    let (from, to) = (args.from, args.to);
    let lang = ctx.lang();
    let (session, result) = session
        .blocking(move |lab| {
            let mut say = |line: &str| ui::info(line);
            run_auto(lab, &course, from, to, live, lang, &mut say)
        })
        .await;
    let result = result.context("the unattended course stopped");
    if !args.keep || result.is_err() {
        let lang = ctx.lang();
        let _bar = ui::Progress::spinner(w::REMOVING_LAB.get(lang));
        // Not cancellable: after Ctrl-C the host must still be restored.
        let lab = session
            .lab
            .engine()
            .clone()
            .with_cancel(tokio_util::sync::CancellationToken::new());
        match lab.down().await {
            Ok(down) => {
                for r in &down.restored {
                    let what = present::engine::restored(r, lang);
                    ui::done(&w::RESTORED.fill(lang, &[("what", &what)]));
                }
                for k in &down.kept {
                    ui::info(&present::engine::kept(k, lang));
                }
            }
            // Say what stopped the run first, then what is left to do.
            Err(e) => {
                let left = "once the Docker Engine answers, `perflab down` removes the lab and puts every host value back";
                return Err(match result {
                    Err(run) if e.is_unreachable() => anyhow::anyhow!(
                        "{}\nthe lab could not be removed either; {left}",
                        ui::chain_text(&run)
                    ),
                    Err(run) => anyhow::anyhow!(
                        "{}\nthe lab could not be removed: {e}; {left}",
                        ui::chain_text(&run)
                    ),
                    Ok(_) => anyhow::anyhow!("the lab could not be removed: {e}; {left}"),
                });
            }
        }
    }
    let report = result?;
    if args.json {
        ui::out(&serde_json::to_string_pretty(&report)?);
    } else {
        ui::out(&auto_table(&report, lang));
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
