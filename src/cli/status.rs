//! `perflab status [--json]`: the lab, its stage and outstanding host changes.
use std::process::ExitCode;

use serde::Serialize;

use super::Ctx;
use crate::engine::{journal::Entry, Lab};
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
    let host_changes = Lab::host_changes(&ctx.settings.state_dir)?;
    let class = super::class::status(&ctx.settings.state_dir).await;
    let lab = ctx.lab().await?;
    let server = lab.find_server().await?;
    let course_stage = match &server {
        Some(s) => s
            .exec(
                crate::engine::Side::Nginx,
                &["cat", crate::lab::mark::FILE],
                std::time::Duration::from_secs(10),
            )
            .await
            .ok()
            .filter(|o| o.success())
            .and_then(|o| o.stdout.trim().parse().ok()),
        None => None,
    };
    let status = Status {
        running: server.is_some(),
        stage: course_stage.or(server.as_ref().and_then(|s| s.stage)),
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
    match &server {
        Some(s) => ui::out(&format!(
            "lab {}: running at stage {}, server {}",
            status.lab,
            s.stage.map(|n| n.to_string()).unwrap_or_else(|| "?".into()),
            s.url()
        )),
        None => ui::out(&format!(
            "lab {}: not running (start it with `perflab up`)",
            status.lab
        )),
    }
    if status.host_changes.is_empty() {
        ui::out("host changes: none");
    } else {
        for e in &status.host_changes {
            ui::out(&format!(
                "host change: {} = {} (was {}; `perflab down` restores it)",
                e.key, e.applied, e.original
            ));
        }
    }
    if let Some(c) = &status.class {
        ui::out(&c.line());
    }
    Ok(ExitCode::SUCCESS)
}
