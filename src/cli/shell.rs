//! `perflab shell [-- COMMAND...]`: an interactive shell inside the server's
//! network namespace, or one command run there with its output and exit code
//! passed through. Commands run in the nginx container, which owns the namespace
//! and sees both services' configs and logs. The server may not read the host's
//! kernel log (no CAP_SYSLOG), so for `dmesg` perflab copies it in through its
//! host helper: when the shell starts and every 10 s while it is attached, or
//! before a one-shot command that mentions dmesg.
use std::process::ExitCode;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::words as w;
use super::Ctx;
use crate::engine::{Server, Side};
use crate::lab::kernel_copy;
use crate::lessons::Lang;
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
    let lang = ctx.lang();
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
        ui::info(w::STDIN_NOT_TERMINAL.get(lang));
    }
    if interactive || args.command.iter().any(|a| a.contains("dmesg")) {
        copy_kernel_log(&server, lang).await;
    }
    // While the interactive shell is attached, the copy is refreshed.
    let refresh = interactive.then(|| {
        let server = server.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(kernel_copy::REFRESH).await;
                // A read that failed is written into the copy, for dmesg to say;
                // only a write can fail here, when the server is going away, and
                // the terminal is raw: stop refreshing without a word.
                if kernel_copy::copy_kernel_log(&server).await.is_err() {
                    break;
                }
            }
        })
    });
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
    if let Some(refresh) = refresh {
        refresh.abort();
    }
    drop(raw);
    if interrupted {
        return Ok(super::interrupted_code());
    }
    let code = server.exit_code(&attached.id).await?;
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

/// The host's kernel log into the server for `dmesg`; a failure is only a
/// warning, the shell is still useful without it.
async fn copy_kernel_log(server: &Server, lang: Lang) {
    if let Err(e) = kernel_copy::copy_kernel_log(server).await {
        ui::warn(&w::KERNEL_LOG_NOT_COPIED.fill(lang, &[("error", &e.to_string())]));
    }
}
