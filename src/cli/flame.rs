//! `perflab flame`: sample the kernel's stacks while the lab's load runs, show the
//! server's hottest stacks and how much of its time passes through one function,
//! and write an interactive SVG flame graph.
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::Ctx;
use crate::flame::{self, advice, FlameError, FlameReport};
use crate::load::options::{connections_arg, timeout_arg};
use crate::load::LoadConfig;
use crate::ui;

/// Widest stack line in the terminal; longer stacks lose root-side frames.
const STACK_WIDTH: usize = 100;

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

fn seconds_arg(text: &str) -> Result<u32, String> {
    let (lo, hi) = (flame::SECONDS.start(), flame::SECONDS.end());
    match text.trim().parse::<u32>() {
        Ok(n) if flame::SECONDS.contains(&n) => Ok(n),
        _ => Err(format!(
            "`{text}` seconds is out of range; accepted: a whole number from {lo} to {hi}"
        )),
    }
}

fn function_arg(text: &str) -> Result<String, String> {
    flame::check_function(text).map(|()| text.to_string())
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let lab = ctx.lab().await?;
    let server = lab.server().await?;
    let mut cfg = LoadConfig::new(&server.url(), &[server.subnet])
        .context("preparing the load for the recording")?;
    if let Some(n) = args.connections {
        cfg.connections = n;
    }
    if let Some(t) = args.timeout {
        // As `perflab load` does: the connect gets the request's timeout.
        cfg.timeout = t;
        cfg.connect_timeout = t;
    }
    if args.close {
        cfg.keepalive = false;
    }
    let spinner = ui::Progress::spinner(&format!(
        "recording {} s of every CPU's stacks while {} {} connections load the server",
        args.seconds,
        cfg.connections,
        if cfg.keepalive {
            "keep-alive"
        } else {
            "one-request"
        }
    ));
    let result = flame::record(&server, &cfg, args.seconds, &args.function, &ctx.cancel).await;
    drop(spinner);
    let report = match result {
        Ok(r) => r,
        Err(FlameError::PerfUnavailable { reason, facts }) => {
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
        ui::out(&render(&report));
    }
    Ok(ExitCode::SUCCESS)
}

/// The terminal report: the counts, the function's share, the top stacks, the SVG.
fn render(r: &FlameReport) -> String {
    let mut out = vec![
        format!(
            "{} of {} samples were the server's ({} s, {} at {} Hz); goodput {:.0} 2xx/s under {} {} connections",
            r.server_samples,
            r.samples,
            r.seconds,
            flame::EVENT,
            flame::FREQUENCY,
            r.goodput_rps,
            r.connections,
            if r.keepalive { "keep-alive" } else { "one-request" }
        ),
        String::new(),
        format!(
            "{}: in {:.1} % of the server's samples",
            r.function,
            r.function_share * 100.0
        ),
        String::new(),
        format!(
            "hottest stacks of the server (process, then the {} leaf-most frames):",
            flame::TOP_DEPTH
        ),
    ];
    for t in &r.top {
        out.push(format!(
            "{:>6.1} %  {}",
            t.share * 100.0,
            display_stack(&t.stack, STACK_WIDTH)
        ));
    }
    out.push(String::new());
    out.push(format!(
        "flame graph: {} (open it in a browser: hover for counts, click to zoom, Ctrl-F to search)",
        r.svg.display()
    ));
    out.join("\n")
}

/// `nginx;…;a;b;c` → `nginx: … a → b → c`, dropping root-side frames until it
/// fits in `width` characters (the leaf is where the time is spent).
fn display_stack(stack: &str, width: usize) -> String {
    let mut parts = stack.split(';');
    let comm = parts.next().unwrap_or("");
    let mut frames: Vec<&str> = parts.collect();
    let mut cut = frames.first() == Some(&"…");
    if cut {
        frames.remove(0);
    }
    if frames.is_empty() {
        return comm.to_string();
    }
    loop {
        let line = format!(
            "{comm}: {}{}",
            if cut { "… " } else { "" },
            frames.join(" → ")
        );
        if line.chars().count() <= width || frames.len() <= 1 {
            return line;
        }
        frames.remove(0);
        cut = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_lose_root_side_frames_to_fit() {
        assert_eq!(display_stack("nginx;a;b", 100), "nginx: a → b");
        assert_eq!(display_stack("nginx;…;a;b", 100), "nginx: … a → b");
        assert_eq!(
            display_stack("nginx;aaaa;bbbb;cccc", 20),
            "nginx: … bbbb → cccc"
        );
        assert_eq!(
            display_stack("nginx;a_very_long_leaf_frame", 5),
            "nginx: a_very_long_leaf_frame"
        );
        assert_eq!(display_stack("swapper", 50), "swapper");
    }

    #[test]
    fn bad_values_name_the_value_and_the_range() {
        let e = seconds_arg("0").unwrap_err();
        assert!(e.contains("`0`") && e.contains("1 to 60"), "{e}");
        assert!(seconds_arg("61").is_err());
        assert!(seconds_arg("five").is_err());
        assert_eq!(seconds_arg("5"), Ok(5));
        let e = function_arg("").unwrap_err();
        assert!(e.contains("1 to 200 characters"), "{e}");
        assert!(function_arg("a b").is_err());
        assert_eq!(function_arg("tcp_v4_connect"), Ok("tcp_v4_connect".into()));
    }
}
