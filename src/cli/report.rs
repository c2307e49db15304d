//! `perflab report`: the learner's course so far as Markdown and HTML, written
//! next to the progress (or to `--out`), from the saved progress alone: it needs
//! no lab and no Docker.
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::course::parse_lang;
use super::words as w;
use super::words::lang_of;
use super::Ctx;
use crate::lessons::{Course, Lang};
use crate::report::{html, markdown, Report};
use crate::tutor::progress::Progress;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder to write report.md and report.html to (default: the state
    /// directory, where the progress is)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The report's language, en or zh (default: the course's)
    #[arg(long, value_parser = parse_lang)]
    pub lang: Option<Lang>,
    /// Print the Markdown instead of writing the files
    #[arg(long)]
    pub stdout: bool,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let dir = ctx.settings.state_dir.clone();
    let progress = Progress::load(&dir)?;
    let lang = lang_of(args.lang, &progress);
    let course = Course::load().context("loading the lessons")?;
    let Some(report) = Report::build(&course, &progress, lang) else {
        anyhow::bail!(
            "no course or challenge progress in {} yet: take the course with `perflab` or a challenge with `perflab challenge`, then ask for the report",
            dir.display()
        );
    };
    let md = markdown(&report);
    if args.stdout {
        ui::out(md.trim_end());
        return Ok(ExitCode::SUCCESS);
    }
    let out = args.out.unwrap_or(dir);
    if !out.is_dir() {
        anyhow::bail!(
            "--out {}: not a folder that exists; give an existing folder",
            out.display()
        );
    }
    for (name, text) in [("report.md", md), ("report.html", html(&report))] {
        let path = out.join(name);
        crate::files::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("writing {}; is the folder writable?", path.display()))?;
        ui::done(&w::WROTE.fill(lang, &[("path", &path.display().to_string())]));
    }
    Ok(ExitCode::SUCCESS)
}
