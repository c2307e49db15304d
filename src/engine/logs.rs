//! A container's output as `docker logs [--tail N] [-t]` shows it: stdout and
//! stderr in the order they were written, through the engine's logs API.
use std::time::Duration;

use bollard::query_parameters::LogsOptionsBuilder;
use futures_util::StreamExt;

use super::error::{deadline, EngineError};
use super::server::{Server, Side};
use super::Engine;

/// One piece of a container's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogChunk {
    /// Written to stderr (else stdout).
    pub stderr: bool,
    pub text: String,
}

/// The whole output of a container in order, as one text.
pub fn joined(chunks: &[LogChunk]) -> String {
    chunks.iter().map(|c| c.text.as_str()).collect()
}

/// Reading a container's output this long means the engine is stuck.
const READ: Duration = Duration::from_secs(30);

impl Engine {
    /// The last `tail` lines (all when `None`) of `container`'s output, with the
    /// engine's timestamps when `timestamps`.
    pub(crate) async fn container_logs(
        &self,
        container: &str,
        tail: Option<u64>,
        timestamps: bool,
    ) -> Result<Vec<LogChunk>, EngineError> {
        let tail = tail.map_or_else(|| "all".to_string(), |n| n.to_string());
        let opts = LogsOptionsBuilder::new()
            .stdout(true)
            .stderr(true)
            .timestamps(timestamps)
            .tail(&tail)
            .build();
        deadline("reading a container's output", READ, async {
            let mut stream = self.docker.logs(container, Some(opts));
            let mut chunks = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk
                    .map_err(|e| EngineError::docker("reading the output of", container, e))?;
                let stderr = matches!(chunk, bollard::container::LogOutput::StdErr { .. });
                let text = String::from_utf8_lossy(&chunk.into_bytes()).into_owned();
                chunks.push(LogChunk { stderr, text });
            }
            Ok(chunks)
        })
        .await
    }
}

impl Server {
    /// `docker logs [--tail N] [-t]` of one of the server's containers.
    pub async fn logs(
        &self,
        side: Side,
        tail: Option<u64>,
        timestamps: bool,
    ) -> Result<Vec<LogChunk>, EngineError> {
        let lab = self.lab();
        lab.container_logs(&side.container(&lab.names), tail, timestamps)
            .await
    }
}
