//! The command line: one file per subcommand, each with its `Args` and `run`.
//! Arguments are parsed and validated completely before anything acts.
mod args;
mod challenge;
mod check;
pub mod class;
mod course;
mod doctor;
mod down;
mod flame;
mod load;
mod probe;
mod report;
mod reset;
mod run;
mod shell;
mod status;
mod tutored;
mod up;
mod words;

pub mod dev;

use std::process::ExitCode;
use std::sync::atomic::{AtomicU8, Ordering};

use std::sync::Arc;

use clap::{Parser, Subcommand};
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::engine::Engine;
use crate::lab::{LabError, LabSink};
use crate::lessons::Lang;
use crate::present::TermSink;
use crate::tutor::progress::Progress;
use crate::ui;

#[derive(Debug, Parser)]
#[command(
    name = "perflab",
    version,
    about = "A hands-on lab for Linux network-performance troubleshooting",
    long_about = "perflab starts a deliberately mistuned nginx + php-fpm server in Docker, drives real \
HTTP load at it, and lets you diagnose and fix it stage by stage on the real kernel."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Without a command: the interactive course, resumed where you left off
    #[command(flatten)]
    pub course: course::Args,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check every prerequisite, each with the fix when it is missing
    Doctor(doctor::Args),
    /// Build the images if needed and start the lab as it is at the start of a stage
    Up(up::Args),
    /// Remove every lab object and restore every journaled host change
    Down(down::Args),
    /// The lab, its stage and outstanding host changes
    Status(status::Args),
    /// A shell inside the server's network namespace, or one command run there
    Shell(shell::Args),
    /// Drive HTTP load at the lab and measure goodput, errors and latency
    Load(load::Args),
    /// The evidence snapshot of the server: kernel and service counters
    Probe(probe::Args),
    /// Sample the kernel's stacks under load and draw a flame graph
    Flame(flame::Args),
    /// Check the current stage's fix against the real system
    Check(check::Args),
    /// The whole course unattended: measure, reference fix, check, measure again
    Run(run::Args),
    /// Your course so far as Markdown and HTML, with a goodput chart
    Report(report::Args),
    /// Put a stage (and the ones after it) or the whole course back to its start
    Reset(reset::Args),
    /// The broken server with a goal in figures and no guidance; timed and scored
    Challenge(challenge::Args),
    /// Classroom workshops: serve a class's live roster, or join one
    Class(class::Args),
    /// Tools for perflab's developers
    #[command(hide = true)]
    Dev(dev::Args),
}

/// What every command gets: the settings, read once, and one cancellation path
/// for Ctrl-C and SIGTERM.
#[derive(Clone)]
pub struct Ctx {
    pub settings: Settings,
    pub cancel: CancellationToken,
}

impl Ctx {
    /// The terminal's sink for the lab's events; `live` shows runs live.
    pub fn sink(&self, live: bool) -> Arc<dyn LabSink> {
        Arc::new(TermSink::new(live, self.lang()))
    }

    /// The course's language, for the words of every command: as saved in the
    /// progress, else the locale's (also when the progress cannot be read).
    pub fn lang(&self) -> Lang {
        words::saved_lang(Progress::load(&self.settings.state_dir).ok().as_ref())
    }

    /// A Docker connection whose long operations stop on Ctrl-C and clean up,
    /// and whose slow steps show on the terminal.
    pub async fn lab(&self) -> Result<Engine, LabError> {
        crate::lab::connect(&self.settings, &self.cancel, &self.sink(false)).await
    }

    /// The running lab's server, or why there is none.
    pub async fn server(&self) -> Result<crate::engine::Server, LabError> {
        Ok(self.lab().await?.server().await?)
    }
}

pub async fn main(cli: Cli) -> ExitCode {
    ui::init_log();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            ui::error(&e.to_string());
            return ExitCode::FAILURE;
        }
    };
    let ctx = Ctx {
        settings,
        cancel: CancellationToken::new(),
    };
    spawn_signal_watch(ctx.cancel.clone());
    let result = match cli.command {
        None => course::run(cli.course, &ctx).await,
        Some(command) => run_command(command, &ctx).await,
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if err.downcast_ref::<ui::Reported>().is_none() {
                ui::error(&ui::chain_text(&err));
            }
            ExitCode::FAILURE
        }
    }
}

async fn run_command(command: Command, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let ctx = ctx.clone();
    match command {
        Command::Doctor(a) => doctor::run(a, &ctx).await,
        Command::Up(a) => up::run(a, &ctx).await,
        Command::Down(a) => down::run(a, &ctx).await,
        Command::Status(a) => status::run(a, &ctx).await,
        Command::Shell(a) => shell::run(a, &ctx).await,
        Command::Load(a) => load::run(a, &ctx).await,
        Command::Probe(a) => probe::run(a, &ctx).await,
        Command::Flame(a) => flame::run(a, &ctx).await,
        Command::Check(a) => check::run(a, &ctx).await,
        Command::Run(a) => run::run(a, &ctx).await,
        Command::Report(a) => report::run(a, &ctx).await,
        Command::Reset(a) => reset::run(a, &ctx).await,
        Command::Challenge(a) => challenge::run(a, &ctx).await,
        Command::Class(a) => class::run(a, &ctx).await,
        Command::Dev(a) => dev::run(a, &ctx).await,
    }
}

/// The signal that cancelled this run: 2 for Ctrl-C, 15 for SIGTERM.
static SIGNAL: AtomicU8 = AtomicU8::new(libc::SIGINT as u8);

/// The exit code of a command stopped by a signal, as shells report it: 130 for
/// Ctrl-C, 143 for SIGTERM.
pub fn interrupted_code() -> ExitCode {
    ExitCode::from(128 + SIGNAL.load(Ordering::Relaxed))
}

fn spawn_signal_watch(cancel: CancellationToken) {
    tokio::spawn(async move {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return,
            };
        let sig = tokio::select! {
            _ = tokio::signal::ctrl_c() => libc::SIGINT,
            _ = term.recv() => libc::SIGTERM,
        };
        SIGNAL.store(sig as u8, Ordering::Relaxed);
        cancel.cancel();
    });
}
