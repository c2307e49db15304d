//! `perflab dev`: tools for the course's authors. `perflab dev check` validates
//! the lessons (the embedded copy, or a folder with `--dir`), the stage plan and
//! the measured table the lessons' placeholders quote (the embedded one, or
//! another with `--figures`), printing one line per problem, naming the file and
//! the field; CI runs it.
//! `perflab dev render FILE` shows a Markdown file as the course draws it.
//! `perflab dev gauges` prints the live view's gauge line once a second.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::Ctx;
use crate::lab::{collect, stream_gauges};
use crate::lessons::figures::FILE as FIGURES_FILE;
use crate::lessons::{embedded_files, figure_problems, Course, Figures, Files, Problem};
use crate::present;
use crate::ui::{self, render_markdown};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DevCommand,
}

#[derive(Debug, clap::Subcommand)]
enum DevCommand {
    /// Validate every lesson file and the stage plan; exit 1 if anything is wrong
    Check {
        /// Check a lessons folder on disk instead of the copy built into perflab
        #[arg(long, value_name = "PATH")]
        dir: Option<PathBuf>,
        /// Check the placeholders against this measured table instead of the
        /// one built into perflab (bench/results/course-repeat.json)
        #[arg(long, value_name = "FILE", hide = true)]
        figures: Option<PathBuf>,
    },
    /// Render a Markdown file as the course shows it in the terminal
    Render {
        /// The Markdown file, e.g. lessons/3-listen-queues/zh.md
        file: PathBuf,
        /// Columns to wrap at (display width: a CJK character counts two)
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(20..=400))]
        width: u16,
    },
    /// Print the live view's gauge line once a second, as `perflab load` reads it
    /// (one light loop in the server; for measuring what the live view costs)
    Gauges {
        /// How many seconds (1 to 3600)
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
        seconds: u64,
    },
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    match args.command {
        DevCommand::Gauges { seconds } => gauges(seconds, ctx).await,
        DevCommand::Check { dir, figures } => check(dir, figures),
        DevCommand::Render { file, width } => {
            let md = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}; check the path", file.display()))?;
            ui::out(render_markdown(&md, usize::from(width)).trim_end());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn gauges(seconds: u64, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let server = ctx.server().await?;
    let start = collect(&server, false)
        .await
        .context("probing the server")?;
    let lang = ctx.lang();
    stream_gauges(&server, &start, seconds, &ctx.cancel, |g| {
        ui::out(&present::probe::live_line(&g, lang))
    })
    .await
    .context("reading the server's gauges")?;
    Ok(ExitCode::SUCCESS)
}

fn check(dir: Option<PathBuf>, figures: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let (files, root): (Files, String) = match &dir {
        Some(d) => (
            Course::read_files(d)
                .with_context(|| format!("checking the lessons in {}", d.display()))?,
            d.display().to_string().trim_end_matches('/').to_string(),
        ),
        None => (embedded_files(), "lessons".to_string()),
    };
    let (course, mut problems) = Course::check(&files, &root);
    let (table, table_name) = match &figures {
        Some(f) => (Figures::read(f), f.display().to_string()),
        None => (Figures::embedded(), FIGURES_FILE.to_string()),
    };
    match table {
        Ok(t) => problems.extend(figure_problems(&files, &root, &t, &table_name)),
        Err(e) => problems.push(Problem {
            file: table_name,
            field: String::new(),
            message: e.to_string(),
        }),
    }
    for p in &problems {
        ui::out(&p.to_string());
    }
    if !problems.is_empty() {
        ui::error(&format!(
            "{} problem(s) in {root}: fix each file and field above, then run `perflab dev check` again",
            problems.len()
        ));
        return Ok(ExitCode::FAILURE);
    }
    ui::done(&format!(
        "{root}: {} stages, {} files, every rule holds",
        course.stages.len(),
        files.len()
    ));
    Ok(ExitCode::SUCCESS)
}
