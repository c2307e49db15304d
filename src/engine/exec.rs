//! Running one command in a container and collecting its output. The exit code
//! comes from inspecting the exec, not from its output.
use std::time::Duration;

use bollard::exec::{CreateExecOptions, StartExecResults};
use bollard::Docker;
use futures_util::StreamExt;

use super::error::{deadline, EngineError};

#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    pub stdout: String,
    pub stderr: String,
    pub code: i64,
}

impl ExecOutput {
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// The output as an error when the command failed.
    pub fn ok(self, what: &str) -> Result<ExecOutput, EngineError> {
        if self.success() {
            Ok(self)
        } else {
            Err(EngineError::Exec {
                what: what.to_string(),
                code: self.code,
                stderr: self
                    .stderr
                    .trim()
                    .lines()
                    .last()
                    .unwrap_or("")
                    .trim()
                    .to_string(),
            })
        }
    }
}

/// Runs `argv` in `container` and waits at most `after` for it to finish.
pub async fn exec(
    docker: &Docker,
    container: &str,
    argv: &[&str],
    after: Duration,
) -> Result<ExecOutput, EngineError> {
    let what = format!("`{}` in {container}", argv.join(" "));
    deadline(&what, after, async {
        let created = docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(argv.to_vec()),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| EngineError::docker("creating exec in", container, e))?;
        let mut out = ExecOutput::default();
        match docker
            .start_exec(&created.id, None)
            .await
            .map_err(|e| EngineError::docker("starting exec in", container, e))?
        {
            StartExecResults::Attached { mut output, .. } => {
                while let Some(chunk) = output.next().await {
                    match chunk
                        .map_err(|e| EngineError::docker("reading exec output of", container, e))?
                    {
                        bollard::container::LogOutput::StdErr { message } => {
                            out.stderr.push_str(&String::from_utf8_lossy(&message))
                        }
                        other => out
                            .stdout
                            .push_str(&String::from_utf8_lossy(&other.into_bytes())),
                    }
                }
            }
            StartExecResults::Detached => {}
        }
        let inspect = docker
            .inspect_exec(&created.id)
            .await
            .map_err(|e| EngineError::docker("inspecting exec in", container, e))?;
        out.code = inspect.exit_code.unwrap_or(-1);
        Ok(out)
    })
    .await
}

/// An exec attached to our terminal or pipes: its output stream and stdin.
pub struct Attached {
    pub id: String,
    pub output: std::pin::Pin<
        Box<
            dyn futures_util::Stream<
                    Item = Result<bollard::container::LogOutput, bollard::errors::Error>,
                > + Send,
        >,
    >,
    pub input: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
}

/// Starts `argv` in `container` with stdin attached (and a TTY if `tty`).
pub async fn attach(
    docker: &Docker,
    container: &str,
    argv: &[&str],
    env: &[&str],
    tty: bool,
) -> Result<Attached, EngineError> {
    let created = deadline("creating an exec", super::docker::CALL, async {
        docker
            .create_exec(
                container,
                CreateExecOptions {
                    cmd: Some(argv.to_vec()),
                    env: Some(env.to_vec()),
                    attach_stdin: Some(true),
                    attach_stdout: Some(true),
                    attach_stderr: Some(true),
                    tty: Some(tty),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| EngineError::docker("creating exec in", container, e))
    })
    .await?;
    let started = deadline("starting an exec", super::docker::CALL, async {
        docker
            .start_exec(
                &created.id,
                Some(bollard::exec::StartExecOptions {
                    tty,
                    ..Default::default()
                }),
            )
            .await
            .map_err(|e| EngineError::docker("starting exec in", container, e))
    })
    .await?;
    match started {
        StartExecResults::Attached { output, input } => Ok(Attached {
            id: created.id,
            output,
            input,
        }),
        StartExecResults::Detached => Err(EngineError::NotAttached {
            container: container.to_string(),
        }),
    }
}

/// The exit code of a finished exec.
pub async fn exit_code(docker: &Docker, id: &str) -> Result<i64, EngineError> {
    let inspect = deadline("inspecting an exec", super::docker::CALL, async {
        docker
            .inspect_exec(id)
            .await
            .map_err(|e| EngineError::docker("inspecting exec", id, e))
    })
    .await?;
    Ok(inspect.exit_code.unwrap_or(-1))
}
