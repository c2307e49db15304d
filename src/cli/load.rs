//! `perflab load`: drive HTTP load at the lab (or a loopback URL) and print goodput,
//! errors by class and latency. Every option is checked before anything acts, and
//! the target guard runs before any socket to the target is opened.
use std::net::Ipv4Addr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::words as w;
use super::Ctx;
use crate::engine::Server;
use crate::lab::beside::{self, Line};
use crate::lab::{defaults, measured_run, Extras, LabEvent, LoadShape};
use crate::lessons::{Course, Lang};
use crate::load::{options, run_load_watched, target, LoadConfig, LoadError};
use crate::present;
use crate::tutor::progress::Progress;
use crate::tutor::reveal::Reveal;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The target (default: the running lab's nginx); only loopback or the lab network
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Concurrent connections (1 to 100000)
    #[arg(long, short = 'c', value_name = "N", default_value = defaults::CONNECTIONS, value_parser = options::connections_arg)]
    connections: usize,
    /// How long to send requests: 10, 10s, 500ms, 1m (100ms to 1h)
    #[arg(long, short = 'd', value_name = "TIME", default_value = defaults::DURATION, value_parser = options::duration_arg)]
    duration: Duration,
    /// Per request: then it is aborted and its connection closed (10ms to 60s)
    #[arg(long, value_name = "TIME", default_value = defaults::TIMEOUT, value_parser = options::timeout_arg)]
    timeout: Duration,
    /// Per connect (10ms to 60s; default: the request timeout)
    #[arg(long, value_name = "TIME", value_parser = options::timeout_arg)]
    connect_timeout: Option<Duration>,
    /// Reuse connections (the default)
    #[arg(long, conflicts_with = "close")]
    keepalive: bool,
    /// A new connection for every request (sends `Connection: close`)
    #[arg(long)]
    close: bool,
    /// Open loop: start R requests a second whatever the server does, on up to
    /// --connections opened as needed; latency counts from when each was due
    /// (1 to 1000000; default: closed loop, each connection sends again when answered)
    #[arg(long, value_name = "R", value_parser = options::rate_arg)]
    rate: Option<u32>,
    /// Load threads (default: one a core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Print the result as JSON on stdout
    #[arg(long)]
    json: bool,
    /// Against the lab: first wait for an earlier run to end and clear the
    /// TIME_WAIT sockets it left (as the course does before every run)
    #[arg(long)]
    settle: bool,
    /// Show every server counter and gauge, also while a course is in progress
    /// (then, by default, only those of the stages already solved)
    #[arg(long)]
    evidence: bool,
    /// Run as the load container beside the lab: the target may only be on this
    /// container's own networks, and the live ticks and the result are JSON
    /// lines on stdout (perflab starts this itself)
    #[arg(long, hide = true, requires = "url", conflicts_with_all = ["json", "settle"])]
    beside_lab: bool,
}

/// The run the options ask for against `url`, which the guard allows only on
/// loopback or in `subnets`.
fn config(args: &Args, url: &str, subnets: &[(Ipv4Addr, u8)]) -> Result<LoadConfig, LoadError> {
    let shape = LoadShape {
        connections: args.connections,
        duration: args.duration,
        timeout: args.timeout,
        keepalive: !args.close,
    };
    let mut cfg = LoadConfig::new(url, subnets, &shape)?;
    cfg.connect_timeout = args.connect_timeout.unwrap_or(args.timeout);
    cfg.rate = args.rate;
    if let Some(t) = args.threads {
        cfg.threads = usize::from(t);
    }
    Ok(cfg)
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    if args.beside_lab {
        return serve_beside(&args, ctx).await;
    }
    let (url, subnets, server) = resolve_target(args.url.as_deref(), ctx).await?;
    let cfg = config(&args, &url, &subnets)?;
    let progress = Progress::load(&ctx.settings.state_dir);
    let lang = w::saved_lang(progress.as_ref().ok());
    if !args.json {
        let n = cfg.connections.to_string();
        let shape = match cfg.rate {
            None => w::LOAD_CLOSED.fill(lang, &[("n", &n)]),
            Some(rate) => w::LOAD_OPEN.fill(lang, &[("rate", &rate.to_string()), ("n", &n)]),
        };
        let mode = match cfg.keepalive {
            true => present::load_words::KEEPALIVE,
            false => present::load_words::NEW_CONNECTIONS,
        };
        ui::info(&w::LOAD_START.fill(
            lang,
            &[
                ("url", &cfg.url),
                ("shape", &shape),
                ("duration", &options::show(cfg.duration)),
                ("mode", mode.get(lang)),
                ("timeout", &options::show(cfg.timeout)),
            ],
        ));
    }
    // Against the lab, the server's evidence is probed around the run (deltas)
    // and its gauges shown live; against a loopback server there is none. During
    // a course, only what the learner has already found out.
    let reveal = reveal(args.evidence, progress.ok());
    let sink: std::sync::Arc<dyn crate::lab::LabSink> = match reveal.is_neutral() {
        true => std::sync::Arc::new(present::TermSink::neutral(!args.json, lang)),
        false => std::sync::Arc::new(present::TermSink::new(!args.json, lang)),
    };
    let (report, deltas) = match &server {
        Some(server) => {
            before_the_run(server, args.settle, &reveal, &sink, lang).await?;
            let m = measured_run(server, &cfg, &Extras::default(), &ctx.cancel, &sink)
                .await
                .with_context(|| format!("running load against {}", cfg.url))?;
            (m.report, Some(m.deltas))
        }
        None => {
            sink.event(LabEvent::RunStarting {
                connections: cfg.connections,
                seconds: cfg.duration.as_secs_f64(),
            });
            let live = sink.live();
            let run = run_load_watched(&cfg, &ctx.cancel, |t| {
                if live {
                    sink.event(LabEvent::Load(t))
                }
            })
            .await;
            sink.event(LabEvent::RunEnded);
            (
                run.with_context(|| format!("running load against {}", cfg.url))?,
                None,
            )
        }
    };
    if args.json {
        // During a course the server's counters stay out of the JSON as they
        // stay out of the text, unless `--evidence` asks for them.
        let json = Json {
            report: &report,
            deltas: deltas.as_ref().filter(|_| !reveal.is_neutral()),
        };
        ui::out(&serde_json::to_string_pretty(&json).context("writing the report as JSON")?);
    } else {
        ui::out(&present::load::summary(&report, lang));
        if let Some(d) = &deltas {
            ui::out(&format!(
                "{}\n{}",
                w::LOAD_EVIDENCE.get(lang),
                present::deltas::deltas(d, lang, |name| reveal.shows(name))
            ));
            if reveal.is_neutral() {
                ui::info(w::LOAD_EVIDENCE_HIDDEN.get(lang));
            }
        }
    }
    if report.interrupted {
        ui::warn(w::LOAD_INTERRUPTED.get(lang));
        return Ok(super::interrupted_code());
    }
    Ok(ExitCode::SUCCESS)
}

/// What this run may show: everything with `--evidence` or outside a course.
/// A progress that cannot be read is no course in progress.
fn reveal(evidence: bool, progress: Option<Progress>) -> Reveal {
    if evidence {
        return Reveal::everything();
    }
    match (Course::load(), progress) {
        (Ok(course), Some(progress)) => Reveal::for_course(&course, &progress),
        _ => Reveal::everything(),
    }
}

/// The load container's side of a run beside the lab: the guard allows only
/// this container's own networks (the lab's), and every tick and the result go
/// to stdout as JSON lines for the perflab that started it.
async fn serve_beside(args: &Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let url = args.url.as_deref().unwrap_or_default();
    let cfg = config(args, url, &beside::own_subnets())?;
    let say = |line: Line| match serde_json::to_string(&line) {
        Ok(text) => ui::out(&text),
        Err(e) => log::error!("writing a line for perflab: {e}"),
    };
    say(Line::Started);
    let report = run_load_watched(&cfg, &ctx.cancel, |t| say(Line::Tick(t)))
        .await
        .with_context(|| format!("running load against {}", cfg.url))?;
    let interrupted = report.interrupted;
    say(Line::Report(Box::new(report)));
    Ok(match interrupted {
        true => super::interrupted_code(),
        false => ExitCode::SUCCESS,
    })
}

/// Settles the server, or says in a line what an earlier run left that this run
/// will measure too.
async fn before_the_run(
    server: &Server,
    settle: bool,
    reveal: &Reveal,
    sink: &std::sync::Arc<dyn crate::lab::LabSink>,
    lang: Lang,
) -> anyhow::Result<()> {
    if settle {
        sink.event(LabEvent::Settling);
        let settled = crate::lab::settle(server).await;
        sink.event(LabEvent::Settled);
        let settled = settled.context("settling the server before the run")?;
        ui::info(&match reveal.is_neutral() {
            true => present::probe::settled_line_neutral(&settled, lang),
            false => present::probe::settled_line(&settled, lang),
        });
        return Ok(());
    }
    let snap = crate::lab::collect(server, false)
        .await
        .context("looking for what an earlier run left in the server")?;
    let left = crate::probe::leftovers(&snap);
    match reveal.is_neutral() {
        // One line that names nothing, however many things were left.
        true if !left.is_empty() => ui::warn(present::probe::LEFTOVER_NEUTRAL.get(lang)),
        true => {}
        false => {
            for l in &left {
                ui::warn(&present::probe::leftover_line(l, lang));
            }
        }
    }
    Ok(())
}

/// The URL and the subnets it may be in. A loopback URL needs no Docker; any other
/// address is allowed only inside the running lab's network, asked of the engine.
/// The lab's server comes back when the target is the lab, for the evidence deltas.
async fn resolve_target(
    url: Option<&str>,
    ctx: &Ctx,
) -> anyhow::Result<(String, Vec<(Ipv4Addr, u8)>, Option<Server>)> {
    let Some(url) = url else {
        let server = ctx.server().await.context(
            "finding the lab to load (or give --url http://127.0.0.1:PORT/ for a local server)",
        )?;
        return Ok((server.url(), vec![server.subnet], Some(server)));
    };
    let ip = target::parse_url(url)?.addr.ip();
    if target::is_loopback(ip) {
        return Ok((url.to_string(), Vec::new(), None));
    }
    match ctx.server().await {
        Ok(server) => {
            let is_server = std::net::IpAddr::V4(server.ip) == ip;
            Ok((
                url.to_string(),
                vec![server.subnet],
                is_server.then_some(server),
            ))
        }
        Err(err) => Err(LoadError::Refused {
            addr: ip,
            reason: format!("it is not loopback, and the lab network is unknown ({err})"),
            allowed: Vec::new(),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args_of(argv: &[String]) -> Args {
        let cli = super::super::Cli::try_parse_from(
            std::iter::once("perflab".to_string()).chain(argv.iter().cloned()),
        )
        .unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        match cli.command {
            Some(super::super::Command::Load(args)) => args,
            other => panic!("not a load: {other:?}"),
        }
    }

    /// What runs beside the lab is the run asked for here: every option of the
    /// generator survives `beside::command_line` and the parse inside.
    #[test]
    fn the_run_beside_the_lab_is_the_run_asked_for() {
        let lab = [(Ipv4Addr::new(172, 18, 0, 0), 16)];
        for argv in [
            &["load"][..],
            &[
                "load",
                "-c",
                "7",
                "-d",
                "1.5s",
                "--timeout",
                "300ms",
                "--close",
            ],
            &[
                "load",
                "--connect-timeout",
                "40ms",
                "--threads",
                "3",
                "-d",
                "1m",
            ],
        ] {
            let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
            let here = config(&args_of(&argv), "http://172.18.0.2/", &lab).unwrap();
            let inside_args = args_of(&beside::command_line(&here));
            assert!(inside_args.beside_lab);
            let inside = config(&inside_args, inside_args.url.as_deref().unwrap(), &lab).unwrap();
            assert_eq!(format!("{here:?}"), format!("{inside:?}"), "for {argv:?}");
        }
    }
}

/// `--json`: the load's report, with the server's deltas over the run when the
/// target is the lab and no course hides them.
#[derive(serde::Serialize)]
struct Json<'a> {
    #[serde(flatten)]
    report: &'a crate::load::LoadReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    deltas: Option<&'a crate::probe::Deltas>,
}
