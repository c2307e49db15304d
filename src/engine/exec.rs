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
            Err(EngineError::Lab(format!(
                "{what} failed with exit code {}: {}",
                self.code,
                self.stderr.trim().lines().last().unwrap_or("").trim()
            )))
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
