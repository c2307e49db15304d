//! `perflab flame`: sample the kernel's stacks while the lab's load runs, show the
//! server's hottest stacks and how much of its time passes through one function,
//! and write an interactive SVG flame graph.
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::Ctx;
use crate::flame::{self, advice, FlameError};
use crate::lab::{duration_for_recording, measured_run, Extras, LabError, Recording, STANDARD};
use crate::load::options::{connections_arg, timeout_arg};
use crate::load::LoadConfig;
use crate::present;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seconds to record, 1 to 60; the load starts 2 s before and ends 3 s after
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = seconds_arg)]
    seconds: u32,
    /// Report the share of the server's samples whose stack passes through this
    /// function (part of a symbol name: inet_hash_connect counts __inet_hash_connect)
    #[arg(long, value_name = "NAME", default_value = flame::DEFAULT_FUNCTION, value_parser = function_arg)]
    function: String,
    /// Print the report as JSON on stdout
    #[arg(long)]
    json: bool,
    /// Concurrent connections of the load, 1 to 100000 (default: the lab's 1000)
    #[arg(long, short = 'c', value_name = "N", value_parser = connections_arg)]
    connections: Option<usize>,
    /// Per request and per connect of the load: 500ms, 2s (10ms to 60s; default: the lab's 2s)
    #[arg(long, value_name = "TIME", value_parser = timeout_arg)]
    timeout: Option<Duration>,
    /// Reuse connections (the default)
    #[arg(long, conflicts_with = "close")]
    keepalive: bool,
    /// A new connection for every request (sends `Connection: close`)
    #[arg(long)]
    close: bool,
}

/// A recording length that is not a whole number of seconds in range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` seconds is out of range; accepted: a whole number from {} to {}", flame::SECONDS.start(), flame::SECONDS.end())]
struct BadSeconds {
    text: String,
}

fn seconds_arg(text: &str) -> Result<u32, BadSeconds> {
    match text.trim().parse::<u32>() {
        Ok(n) if flame::SECONDS.contains(&n) => Ok(n),
        _ => Err(BadSeconds {
            text: text.to_string(),
        }),
    }
}

fn function_arg(text: &str) -> Result<String, flame::BadFunction> {
    flame::check_function(text).map(|()| text.to_string())
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let server = ctx.server().await?;
    let mut shape = STANDARD;
    shape.duration = duration_for_recording(args.seconds);
    if let Some(n) = args.connections {
        shape.connections = n;
    }
    if let Some(t) = args.timeout {
        // As `perflab load` does: the connect gets the request's timeout.
        shape.timeout = t;
    }
    if args.close {
        shape.keepalive = false;
    }
    let cfg = LoadConfig::new(&server.url(), &[server.subnet], &shape)
        .context("preparing the load for the recording")?;
    let extras = Extras {
        kernel_log: false,
        flame: Some(Recording {
            seconds: args.seconds,
            function: args.function.clone(),
            svg_dir: ctx.settings.state_dir.clone(),
            report: false,
        }),
    };
    let sink = ctx.sink(false);
    let result = measured_run(&server, &cfg, &extras, &ctx.cancel, &sink).await;
    let report = match result.map(|m| m.flame) {
        Ok(Some(r)) => r,
        Ok(None) => {
            anyhow::bail!("the recording ended without a report; try `perflab flame` again")
        }
        Err(LabError::Flame(FlameError::PerfUnavailable { reason, facts })) => {
            ui::error(&format!("perf cannot sample the host's kernel: {reason}"));
            for need in advice::needs(&facts) {
                ui::info(&format!("needed: {need}"));
            }
            for line in advice::WITHOUT_PERF {
                ui::info(line);
            }
            return Err(ui::Reported("perf unavailable".into()).into());
        }
        Err(e) => return Err(e).context("recording the flame graph"),
    };
    for w in &report.warnings {
        ui::warn(w);
    }
    if args.json {
        ui::out(&serde_json::to_string_pretty(&report).context("writing the report as JSON")?);
    } else {
        ui::out(&present::flame::report(&report, ctx.lang()));
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_the_value_and_the_range() {
        let e = seconds_arg("0").unwrap_err().to_string();
        assert!(e.contains("`0`") && e.contains("1 to 60"), "{e}");
        assert!(seconds_arg("61").is_err());
        assert!(seconds_arg("five").is_err());
        assert_eq!(seconds_arg("5"), Ok(5));
        let e = function_arg("").unwrap_err().to_string();
        assert!(e.contains("1 to 200 characters"), "{e}");
        assert!(function_arg("a b").is_err());
        assert_eq!(function_arg("tcp_v4_connect"), Ok("tcp_v4_connect".into()));
    }
}
