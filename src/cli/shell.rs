//! `perflab shell [-- COMMAND...]`: an interactive shell inside the server's
//! network namespace, or one command run there with its output and exit code
//! passed through. Commands run in the nginx container, which owns the namespace
//! and sees both services' configs and logs.
use std::process::ExitCode;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::Ctx;
use crate::engine::Side;
use crate::ui;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  perflab shell\n  perflab shell -- ss -ltn\n  perflab shell -- sysctl net.core.somaxconn"
)]
pub struct Args {
    /// The command to run inside the server (default: an interactive bash)
    #[arg(last = true)]
    pub command: Vec<String>,
}

pub async fn run(args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let lab = ctx.lab().await?;
    let server = lab.server().await?;
    let interactive = args.command.is_empty();
    let argv: Vec<&str> = if interactive {
        vec!["bash", "-l"]
    } else {
        args.command.iter().map(String::as_str).collect()
    };
    let raw = if interactive {
        ui::RawMode::enable()
    } else {
        None
    };
    let tty = raw.is_some();
    if interactive && !tty {
        ui::info("stdin is not a terminal: reading commands from it");
    }
    let env = ["debian_chroot=perflab", "TERM=xterm-256color"];
    let mut attached = server.attach(Side::Nginx, &argv, &env, tty).await?;
    if let (true, Some((w, h))) = (tty, ui::terminal_size()) {
        let _ = server.resize(&attached.id, w, h).await;
    }
    let mut input = attached.input;
    // stdin is copied only for the interactive shell; a one-shot command gets EOF.
    let pump = tokio::spawn(async move {
        if interactive {
            let mut stdin = tokio::io::stdin();
            let mut buf = [0u8; 4096];
            loop {
                match stdin.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if input.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                        let _ = input.flush().await;
                    }
                }
            }
        }
        let _ = input.shutdown().await;
    });
    let mut interrupted = false;
    loop {
        tokio::select! {
            chunk = attached.output.next() => match chunk {
                Some(Ok(bollard::container::LogOutput::StdErr { message })) => ui::passthrough(true, &message),
                Some(Ok(other)) => ui::passthrough(false, &other.into_bytes()),
                Some(Err(e)) => {
                    drop(raw);
                    pump.abort();
                    return Err(anyhow::anyhow!("reading the output of `{}`: {e}", argv.join(" ")));
                }
                None => break,
            },
            // With a TTY, Ctrl-C is a byte for the shell; without one it stops us.
            _ = ctx.cancel.cancelled(), if !tty => { interrupted = true; break; }
        }
    }
    pump.abort();
    drop(raw);
    if interrupted {
        return Ok(super::interrupted_code());
    }
    let code = server.exit_code(&attached.id).await?;
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}
