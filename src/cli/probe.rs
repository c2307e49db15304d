//! `perflab probe`: the evidence snapshot of the server, once or every second.
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::Ctx;
use crate::lab::{collect, collect_since};
use crate::present;
use crate::probe::{GaugeRates, Gauges, Snapshot};
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the snapshot as JSON (with --watch: one JSON object a line)
    #[arg(long)]
    pub json: bool,
    /// Refresh every second until Ctrl-C (skips the kernel log, which needs a
    /// helper container each time)
    #[arg(long)]
    pub watch: bool,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let server = ctx.server().await?;
    if args.watch {
        return watch(&server, args.json, ctx).await;
    }
    let snap = {
        let _spin = ui::Progress::spinner(super::words::PROBING.get(ctx.lang()));
        collect(&server, true)
            .await
            .context("taking the evidence snapshot of the server")?
    };
    if args.json {
        ui::out(&serde_json::to_string_pretty(&snap)?);
    } else {
        ui::out(&present::probe::render(&snap, ctx.lang()));
    }
    Ok(ExitCode::SUCCESS)
}

async fn watch(server: &crate::engine::Server, json: bool, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let lang = ctx.lang();
    let mut live = ui::LiveBlock::new();
    let mut prev: Option<(Snapshot, Instant)> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ctx.cancel.cancelled() => return Ok(ExitCode::SUCCESS),
            _ = tick.tick() => {}
        }
        let probing = async {
            match &prev {
                Some((p, _)) => collect_since(server, p, false).await,
                None => collect(server, false).await,
            }
        };
        let snap = tokio::select! {
            _ = ctx.cancel.cancelled() => return Ok(ExitCode::SUCCESS),
            r = probing => r.context("probing the server")?,
        };
        let now = Instant::now();
        let rates = match &prev {
            Some((p, at)) => GaugeRates::between(
                &Gauges::from(p),
                &Gauges::from(&snap),
                now.duration_since(*at).as_secs_f64(),
            ),
            None => GaugeRates::between(&Gauges::from(&snap), &Gauges::from(&snap), 1.0),
        };
        let line = present::probe::live_line(&rates, lang);
        if json {
            ui::out(&serde_json::to_string(&snap)?);
        } else {
            live.show(
                &format!("{line}\n\n{}", present::probe::render(&snap, lang)),
                &line,
            );
        }
        prev = Some((snap, now));
    }
}
