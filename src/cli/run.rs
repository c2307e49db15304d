//! `perflab run --auto [--json]`: the whole course unattended — for each stage,
//! measure, apply the reference fix, check, measure again — then remove the lab
//! (unless `--keep`). Exit 0 only if every stage behaved as the course says.
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::Ctx;
use crate::engine::state::LabLock;
use crate::lessons::Course;
use crate::load::options;
use crate::tutor::auto::{run_auto, AutoReport};
use crate::tutor::{LoadShape, RealLab};
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
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=6))]
    pub from: u8,
    /// The last stage (0 to 6)
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u8).range(0..=6))]
    pub to: u8,
    /// Each load run: 10, 10s, 500ms, 1m (100ms to 1h)
    #[arg(long, value_name = "TIME", default_value = "10s", value_parser = options::duration_arg)]
    pub duration: Duration,
    /// Concurrent connections of each load run (1 to 100000)
    #[arg(long, short = 'c', value_name = "N", default_value = "1000", value_parser = options::connections_arg)]
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
    let _lock = LabLock::acquire().map_err(anyhow::Error::msg)?;
    let lab = ctx.lab().await?;
    let shape = LoadShape {
        connections: args.connections,
        duration: args.duration,
        ..LoadShape::default()
    };
    let mut ops = RealLab::new(
        tokio::runtime::Handle::current(),
        lab.clone(),
        ctx.cancel.clone(),
        shape,
    )?;
    let (from, to, live) = (args.from, args.to, !args.json);
    let result = tokio::task::spawn_blocking(move || {
        let mut say = |line: &str| ui::info(line);
        run_auto(&mut ops, &course, from, to, live, &mut say)
    })
    .await
    .context("the unattended course stopped")?;
    if !args.keep || result.is_err() {
        let _bar = ui::Progress::spinner("removing the lab");
        // Not cancellable: after Ctrl-C the host must still be restored.
        let lab = lab.with_cancel(tokio_util::sync::CancellationToken::new());
        match lab.down().await {
            Ok(down) => {
                for r in &down.restored {
                    ui::done(&format!("restored {r}"));
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
        ui::out(&table(&report));
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn table(r: &AutoReport) -> String {
    let mut out = format!(
        "{:<3} {:<16} {:>18} {:>20} {:<44} {}\n",
        "#", "stage", "goodput 2xx/s", "p99 ms", "symptom (growth before → after)", "check"
    );
    for s in &r.stages {
        let arrow = |b: f64, a: Option<f64>| match a {
            Some(a) => format!("{b:.0} → {a:.0}"),
            None => format!("{b:.0}"),
        };
        let symptom = s
            .symptom
            .as_ref()
            .map(|y| {
                let n = |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "?".into());
                let mark = if y.grew && y.flat_after {
                    "ok"
                } else {
                    "NOT AS EXPECTED"
                };
                format!("{} {} → {} {mark}", y.field, n(y.before), n(y.after))
            })
            .unwrap_or_default();
        let check = match &s.check {
            Some(c) if c.passed => "passed".to_string(),
            Some(c) => format!("FAILED: {}", c.failures.join("; ")),
            None => "-".to_string(),
        };
        out.push_str(&format!(
            "{:<3} {:<16} {:>18} {:>20} {:<44} {}\n",
            s.stage,
            s.name,
            arrow(s.goodput_before, s.goodput_after),
            arrow(s.p99_before_ms, s.p99_after_ms),
            symptom,
            check
        ));
    }
    out.push_str(&format!(
        "\n{} in {:.0} s; goodput at the end is {:.1}x the baseline",
        if r.passed {
            "every stage behaved as the course says"
        } else {
            "SOME STAGES DID NOT behave as the course says"
        },
        r.duration_s,
        r.speedup.unwrap_or(0.0)
    ));
    out
}
