//! `perflab class serve|join|leave|export`: classroom workshops.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Subcommand;
use serde::Serialize;

use super::words as w;
use super::Ctx;
use crate::class::server::{self, Options, Server};
use crate::class::{Classroom, Membership};
use crate::lessons::Lang;
use crate::tutor::progress::Progress;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the class: the learners' events, the live roster page, the export
    Serve {
        /// Where to listen; 0.0.0.0:8470 opens it to the room's network
        #[arg(long, value_name = "ADDR", default_value = server::DEFAULT_BIND)]
        bind: SocketAddr,
        /// The class's name on the roster (1 to 80 characters; kept for restarts)
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
    },
    /// Join a class: from now on your course's events go to its roster
    Join {
        /// The join URL the instructor gave (http://HOST:PORT/join/TOKEN)
        url: String,
        /// Your name on the roster (1 to 40 characters)
        #[arg(long = "as", value_name = "NAME")]
        name: String,
    },
    /// Leave the class (events the server has not taken yet are dropped)
    Leave,
    /// The class as CSV or JSON, read from this machine's class database
    Export {
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of stdout
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Load a class server with many learners posting batches (a benchmark)
    #[command(hide = true)]
    Bench(crate::class::bench::BenchArgs),
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Csv,
    Json,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Serve { bind, title } => serve(bind, title, ctx).await,
        Command::Join { url, name } => join(&url, &name, ctx).await,
        Command::Leave => leave(ctx).await,
        Command::Export { format, out } => export(format, out.as_deref(), ctx),
        Command::Bench(a) => {
            let report = crate::class::bench::run(a, ctx.cancel.clone()).await?;
            ui::out(&report);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(bind: SocketAddr, title: Option<String>, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let opts = Options {
        bind,
        title,
        state_dir: ctx.settings.state_dir.clone(),
    };
    let server = Server::start(opts, ctx.cancel.clone()).await?;
    let addr = server.addr();
    let lang = ctx.lang();
    ui::out(&w::CLASS_SERVING.fill(
        lang,
        &[
            ("title", server.title()),
            ("addr", &addr.to_string()),
            ("db", &server.db_path().display().to_string()),
        ],
    ));
    for url in server.join_urls() {
        ui::out(&w::JOIN_URL.fill(lang, &[("url", &url)]));
    }
    ui::out(&w::INSTRUCTOR_URL.fill(lang, &[("url", &server.admin_url())]));
    ui::info(w::EACH_LEARNER.get(lang));
    ui::info(w::KEEP_INSTRUCTOR_URL.get(lang));
    if addr.ip().is_loopback() {
        ui::info(w::ONLY_THIS_MACHINE.get(lang));
    } else {
        ui::warn(&w::OPEN_TO_NETWORK.fill(lang, &[("port", &addr.port().to_string())]));
    }
    server.run().await?;
    ui::info(w::CLASS_STOPPED.get(lang));
    Ok(ExitCode::SUCCESS)
}

async fn join(url: &str, name: &str, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let dir = ctx.settings.ensure_state_dir()?.to_path_buf();
    if let Some(m) = membership(&dir)? {
        anyhow::bail!(
            "you are already in the class \"{}\" at {} as {}; `perflab class leave` first",
            m.title,
            m.server,
            m.name
        );
    }
    let membership = crate::class::join(url, name).await?;
    Classroom::build(membership.clone(), &membership.queue_dir(&dir))?;
    let (title, name) = (membership.title.clone(), membership.name.clone());
    membership.save(&dir)?;
    let lang = ctx.lang();
    ui::done(&w::JOINED.fill(lang, &[("title", &title), ("name", &name)]));
    ui::info(w::JOINED_SENDS.get(lang));
    ui::info(w::JOINED_HAND.get(lang));
    Ok(ExitCode::SUCCESS)
}

async fn leave(ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let dir = ctx.settings.state_dir.clone();
    let lang = ctx.lang();
    let Some(m) = membership(&dir)? else {
        ui::info(w::NOT_IN_CLASS.get(lang));
        return Ok(ExitCode::SUCCESS);
    };
    // A last try to deliver what is queued; what is left is dropped.
    let dropped = match Classroom::build(m.clone(), &m.queue_dir(&dir)) {
        Ok(c) => {
            c.flush(Duration::from_secs(3)).await;
            c.remove_queue()?
        }
        Err(e) => {
            ui::warn(&w::QUEUE_UNREADABLE.fill(lang, &[("error", &e.to_string())]));
            0
        }
    };
    Membership::remove(&dir)?;
    let left = if dropped == 1 {
        w::LEFT_ONE
    } else {
        w::LEFT_MANY
    };
    ui::done(&left.fill(lang, &[("title", &m.title), ("n", &dropped.to_string())]));
    Ok(ExitCode::SUCCESS)
}

fn export(format: Format, out: Option<&Path>, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let rows = server::export_rows(&ctx.settings.state_dir)?;
    let text = match format {
        Format::Csv => server::export::csv(&rows),
        Format::Json => serde_json::to_string_pretty(&rows)? + "\n",
    };
    match out {
        Some(path) => {
            crate::files::write_atomic(path, text.as_bytes())
                .with_context(|| format!("writing the export to {}", path.display()))?;
            ui::done(&w::ROWS_WRITTEN.fill(
                ctx.lang(),
                &[
                    ("n", &rows.len().to_string()),
                    ("path", &path.display().to_string()),
                ],
            ));
        }
        None => ui::out(text.strip_suffix('\n').unwrap_or(&text)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The learner's class for `perflab status`.
#[derive(Debug, Serialize)]
pub struct ClassStatus {
    pub title: String,
    pub server: String,
    pub name: String,
    pub reachable: bool,
    /// Why it is not, when it is not.
    pub error: Option<String>,
    /// Events waiting in this machine's queue.
    pub queued: usize,
    /// Events the server holds of this learner.
    pub on_server: Option<u64>,
}

impl ClassStatus {
    pub fn line(&self, lang: Lang) -> String {
        let queued = match self.queued {
            1 => w::QUEUED_ONE,
            _ => w::QUEUED_MANY,
        };
        let queued = queued.fill(lang, &[("n", &self.queued.to_string())]);
        let who = [
            ("title", self.title.as_str()),
            ("server", &self.server),
            ("name", &self.name),
            ("queued", &queued),
        ];
        match (&self.error, self.on_server) {
            (None, Some(n)) => {
                let events = n.to_string();
                w::CLASS_REACHABLE.fill(lang, &[&who[..], &[("events", &events)]].concat())
            }
            (e, _) => {
                let error = e.as_deref().unwrap_or(w::NO_ANSWER.get(lang));
                w::CLASS_UNREACHABLE.fill(lang, &[&who[..], &[("error", error)]].concat())
            }
        }
    }
}

impl ClassStatus {
    /// The membership could not be read: everything unknown but the error.
    fn unreadable(e: impl std::fmt::Display) -> ClassStatus {
        ClassStatus {
            title: "?".into(),
            server: "?".into(),
            name: "?".into(),
            reachable: false,
            error: Some(e.to_string()),
            queued: 0,
            on_server: None,
        }
    }
}

/// The class this learner joined, if any. A progress saved before the
/// membership had its own file hands it over when loaded, so it is loaded first.
pub fn membership(state_dir: &Path) -> anyhow::Result<Option<Membership>> {
    Progress::load(state_dir)?;
    Ok(Membership::load(state_dir)?)
}

/// `None` when the learner joined no class.
pub async fn status(state_dir: &Path) -> Option<ClassStatus> {
    let member = match membership(state_dir) {
        Ok(m) => m?,
        Err(e) => return Some(ClassStatus::unreadable(e)),
    };
    let class = match Classroom::for_member(member, state_dir) {
        Ok(c) => c,
        Err(e) => return Some(ClassStatus::unreadable(e)),
    };
    let m = class.membership();
    let reached = class.reach(Duration::from_secs(2)).await;
    Some(ClassStatus {
        title: m.title.clone(),
        server: m.server.clone(),
        name: m.name.clone(),
        reachable: reached.is_ok(),
        on_server: reached.as_ref().ok().map(|me| me.events),
        error: reached.err().map(|e| e.to_string()),
        queued: class.queued(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_line_says_reachable_or_why_not_in_either_language() {
        let reachable = ClassStatus {
            title: "netperf".into(),
            server: "http://10.0.0.5:8470".into(),
            name: "ana".into(),
            reachable: true,
            error: None,
            queued: 1,
            on_server: Some(12),
        };
        assert_eq!(
            reachable.line(Lang::En),
            "class \"netperf\" at http://10.0.0.5:8470 as ana: reachable, 12 events on the server, 1 event queued"
        );
        assert_eq!(
            reachable.line(Lang::Zh),
            "课堂「netperf」（http://10.0.0.5:8470，名字 ana）：可以连上，服务器上有 12 个事件，1 个事件待发送"
        );
        let silent = ClassStatus {
            reachable: false,
            on_server: None,
            queued: 3,
            ..reachable
        };
        assert_eq!(
            silent.line(Lang::En),
            "class \"netperf\" at http://10.0.0.5:8470 as ana: NOT reachable (no answer), 3 events queued"
        );
    }
}
