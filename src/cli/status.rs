//! `perflab status [--json]`: the lab, its stage and outstanding host changes.
use std::process::ExitCode;

use serde::Serialize;

use super::words as w;
use super::Ctx;
use crate::engine::{journal::Entry, Engine};
use crate::lab::mark;
use crate::lessons::Lang;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the status as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Status {
    running: bool,
    stage: Option<u8>,
    /// The stage the course carried the lab to, when the course runs it.
    course_stage: Option<u8>,
    server_url: Option<String>,
    lab: String,
    host_changes: Vec<Entry>,
    class: Option<super::class::ClassStatus>,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let host_changes = Engine::host_changes(&ctx.settings.state_dir)?;
    let class = super::class::status(&ctx.settings.state_dir).await;
    let lab = ctx.lab().await?;
    let server = lab.find_server().await?;
    let course_stage = match &server {
        Some(s) => mark::read_server(s).await,
        None => None,
    };
    let status = Status {
        running: server.is_some(),
        stage: mark::stage(course_stage, server.as_ref().and_then(|s| s.stage)),
        course_stage,
        server_url: server.as_ref().map(|s| s.url()),
        lab: lab.names().lab.clone(),
        host_changes,
        class,
    };
    if args.json {
        ui::out(&serde_json::to_string_pretty(&status)?);
        return Ok(ExitCode::SUCCESS);
    }
    let lang = ctx.lang();
    ui::out(&lab_line(&status, lang));
    if status.host_changes.is_empty() {
        ui::out(w::HOST_CHANGES_NONE.get(lang));
    } else {
        for e in &status.host_changes {
            ui::out(&w::HOST_CHANGE.fill(
                lang,
                &[
                    ("key", &e.key),
                    ("applied", &e.applied),
                    ("original", &e.original),
                ],
            ));
        }
    }
    if let Some(c) = &status.class {
        ui::out(&c.line(lang));
    }
    Ok(ExitCode::SUCCESS)
}

/// The lab's line: the stage it is at (the course's, once the course carried
/// it on), as the JSON says it.
fn lab_line(status: &Status, lang: Lang) -> String {
    match (&status.server_url, status.running) {
        (Some(url), true) => w::LAB_RUNNING.fill(
            lang,
            &[
                ("lab", &status.lab),
                (
                    "n",
                    &status.stage.map_or_else(|| "?".into(), |n| n.to_string()),
                ),
                ("url", url),
            ],
        ),
        _ => w::LAB_NOT_RUNNING.fill(lang, &[("lab", &status.lab)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lab_the_course_carried_on_is_at_the_course_s_stage() {
        // Started at stage 0 (its label), carried to stage 1 by the course.
        let status = Status {
            running: true,
            stage: mark::stage(Some(1), Some(0)),
            course_stage: Some(1),
            server_url: Some("http://172.28.0.2/".into()),
            lab: "perflab".into(),
            host_changes: Vec::new(),
            class: None,
        };
        assert_eq!(
            lab_line(&status, Lang::En),
            "lab perflab: running at stage 1, server http://172.28.0.2/"
        );
        assert_eq!(
            lab_line(&status, Lang::Zh),
            "实验环境 perflab：运行中，处于第 1 关，服务器 http://172.28.0.2/"
        );
        let up = Status {
            stage: mark::stage(None, Some(3)),
            course_stage: None,
            ..status
        };
        assert!(lab_line(&up, Lang::En).contains("running at stage 3"));
    }
}
